package io.quantlane.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * One column of a {@link Table}: numbers (missing values are NaN) or categories (missing values are null).
 */
public sealed interface Column permits Column.Numeric, Column.Categorical {

    /** The header name. */
    String name();

    /** Number of rows. */
    int size();

    /** Whether row i has no value. */
    boolean isMissing(int i);

    /** Rows without a value. */
    default int missingCount() {
        int n = 0;
        for (int i = 0; i < size(); i++) {
            n += isMissing(i) ? 1 : 0;
        }
        return n;
    }

    /**
     * A numeric column.
     *
     * @param name   header name
     * @param values one per row, NaN where the file had no value
     */
    record Numeric(String name, double[] values) implements Column {
        public Numeric {
            Objects.requireNonNull(name, "name");
            values = values.clone();
        }

        @Override
        public double[] values() {
            return values.clone();
        }

        /** Row i's value, NaN if missing. */
        public double get(int i) {
            return values[i];
        }

        @Override
        public int size() {
            return values.length;
        }

        @Override
        public boolean isMissing(int i) {
            return Double.isNaN(values[i]);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Numeric n && n.name.equals(name) && Arrays.equals(n.values, values);
        }

        @Override
        public int hashCode() {
            return 31 * name.hashCode() + Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return "Numeric[" + name + ", " + values.length + " rows]";
        }
    }

    /**
     * A categorical column.
     *
     * @param name   header name
     * @param values one per row, null where the file had no value
     */
    record Categorical(String name, String[] values) implements Column {
        public Categorical {
            Objects.requireNonNull(name, "name");
            values = values.clone();
        }

        @Override
        public String[] values() {
            return values.clone();
        }

        /** Row i's value, null if missing. */
        public String get(int i) {
            return values[i];
        }

        /** The distinct non-missing values, sorted. */
        public List<String> levels() {
            TreeSet<String> set = new TreeSet<>();
            for (String v : values) {
                if (v != null) {
                    set.add(v);
                }
            }
            return new ArrayList<>(set);
        }

        @Override
        public int size() {
            return values.length;
        }

        @Override
        public boolean isMissing(int i) {
            return values[i] == null;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Categorical c && c.name.equals(name) && Arrays.equals(c.values, values);
        }

        @Override
        public int hashCode() {
            return 31 * name.hashCode() + Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return "Categorical[" + name + ", " + values.length + " rows, " + levels().size() + " levels]";
        }
    }
}
