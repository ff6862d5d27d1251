package io.quantlane.data;

import io.quantlane.memory.Matrix;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns table columns into a float matrix for a network: numeric columns as they are, categorical columns
 * one-hot, with the levels learned from the training rows only ({@link #fit}). Feature names are the
 * column name for a numeric column and {@code column=level} for each one-hot position.
 *
 * <p>Missing values: a missing numeric value becomes the column's median over the training rows, and a numeric
 * column with any missing value among the training rows gets one more position, {@code column=missing}, that is 1
 * exactly where the value was missing (so a network can learn from the absence itself). A missing or unseen
 * category encodes as all zeros in that column's positions. {@link #transform} counts the cells it filled in
 * or could not place in {@link #unseenLastTransform()}. A numeric column with no value at all among the training
 * rows is an error naming it.
 */
public final class Encoder {

    private final List<String> columns;
    private final List<List<String>> levels;   // null for numeric columns
    private final double[] medians;            // numeric columns: the fill for a missing value; NaN otherwise
    private final boolean[] indicators;        // numeric columns with a "=missing" position
    private final List<String> featureNames;
    private int unseen;

    private Encoder(List<String> columns, List<List<String>> levels, double[] medians, boolean[] indicators) {
        this.columns = List.copyOf(columns);
        this.levels = levels;
        this.medians = medians;
        this.indicators = indicators;
        List<String> names = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            if (levels.get(c) == null) {
                names.add(columns.get(c));
                if (indicators[c]) {
                    names.add(columns.get(c) + "=missing");
                }
            } else {
                for (String level : levels.get(c)) {
                    names.add(columns.get(c) + "=" + level);
                }
            }
        }
        this.featureNames = List.copyOf(names);
    }

    /**
     * Learns from {@code rows} of {@code table}: the levels of each categorical column, the median of each numeric
     * one, and which numeric columns have missing values there.
     */
    public static Encoder fit(Table table, List<String> columns, int[] rows) {
        Objects.requireNonNull(table, "table");
        List<List<String>> levels = new ArrayList<>();
        double[] medians = new double[columns.size()];
        boolean[] indicators = new boolean[columns.size()];
        java.util.Arrays.fill(medians, Double.NaN);
        for (int col = 0; col < columns.size(); col++) {
            String name = columns.get(col);
            Column column = table.column(name);
            if (column instanceof Column.Numeric n) {
                double[] present = new double[rows.length];
                int count = 0;
                for (int r : rows) {
                    if (!Double.isNaN(n.get(r))) {
                        present[count++] = n.get(r);
                    }
                }
                if (count == 0) {
                    throw new IllegalArgumentException("column \"" + name + "\": no value in the " + rows.length
                            + " training rows, nothing to learn or to fill in from; drop the column");
                }
                java.util.Arrays.sort(present, 0, count);
                medians[col] = count % 2 == 1 ? present[count / 2] : (present[count / 2 - 1] + present[count / 2]) / 2;
                indicators[col] = count < rows.length;
                levels.add(null);
            } else if (column instanceof Column.Categorical c) {
                java.util.TreeSet<String> seen = new java.util.TreeSet<>();
                for (int r : rows) {
                    if (c.get(r) != null) {
                        seen.add(c.get(r));
                    }
                }
                levels.add(List.copyOf(seen));
            } else {
                levels.add(null);
            }
        }
        return new Encoder(columns, levels, medians, indicators);
    }

    /** Every column except {@code excluded} (the target, say), levels from {@code rows}. */
    public static Encoder fitAllBut(Table table, List<String> excluded, int[] rows) {
        List<String> cols = new ArrayList<>(table.names());
        for (String e : excluded) {
            table.column(e);   // names it if it does not exist
            cols.remove(e);
        }
        return fit(table, cols, rows);
    }

    /**
     * The fitted encoding as text, one line per column: {@code numeric<TAB>name<TAB>median<TAB>indicator}
     * (indicator 1 when the column has a {@code =missing} position, else 0) or
     * {@code categorical<TAB>name<TAB>level<TAB>level...} (tabs, line breaks and backslashes escaped), so a
     * model file can carry it and {@link #parse} can rebuild the encoder.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < columns.size(); c++) {
            sb.append(levels.get(c) == null ? "numeric" : "categorical").append('\t').append(escape(columns.get(c)));
            if (levels.get(c) == null) {
                sb.append('\t').append(medians[c]).append('\t').append(indicators[c] ? '1' : '0');
            } else {
                for (String level : levels.get(c)) {
                    sb.append('\t').append(escape(level));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Rebuilds an encoder from {@link #describe()}'s text. */
    public static Encoder parse(String text) {
        List<String> cols = new ArrayList<>();
        List<List<String>> lv = new ArrayList<>();
        List<Double> med = new ArrayList<>();
        List<Boolean> ind = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("\t", -1);
            if (parts.length < 2 || !(parts[0].equals("numeric") || parts[0].equals("categorical"))
                    || (parts[0].equals("numeric") && (parts.length != 4 || !(parts[3].equals("0")
                    || parts[3].equals("1"))))) {
                throw new IllegalArgumentException("encoder: bad line \"" + line + "\"");
            }
            cols.add(unescape(parts[1]));
            if (parts[0].equals("numeric")) {
                lv.add(null);
                try {
                    med.add(Double.parseDouble(parts[2]));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("encoder: bad median in line \"" + line + "\"", e);
                }
                ind.add(parts[3].equals("1"));
            } else {
                med.add(Double.NaN);
                ind.add(false);
                List<String> levels = new ArrayList<>();
                for (int i = 2; i < parts.length; i++) {
                    levels.add(unescape(parts[i]));
                }
                lv.add(List.copyOf(levels));
            }
        }
        double[] medians = new double[cols.size()];
        boolean[] indicators = new boolean[cols.size()];
        for (int c = 0; c < medians.length; c++) {
            medians[c] = med.get(c);
            indicators[c] = ind.get(c);
        }
        return new Encoder(cols, lv, medians, indicators);
    }

    /** The table columns this encoder reads. */
    public List<String> columns() {
        return columns;
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }

    private static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                sb.append(n == 't' ? '\t' : n == 'n' ? '\n' : n);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Width of an encoded row. */
    public int width() {
        return featureNames.size();
    }

    /** One name per encoded position. */
    public List<String> featureNames() {
        return featureNames;
    }

    /** Cells of the latest {@link #transform} that were missing (filled in or all zeros) or unseen categories. */
    public int unseenLastTransform() {
        return unseen;
    }

    /** Encodes {@code rows} of {@code table} (which must have the fitted columns) into a (rows, width) matrix. */
    public Matrix transform(Arena arena, Table table, int[] rows) {
        Matrix out = Matrix.allocate(arena, rows.length, width());
        unseen = 0;
        int offset = 0;
        for (int c = 0; c < columns.size(); c++) {
            String name = columns.get(c);
            Column column = table.column(name);
            List<String> lv = levels.get(c);
            if (lv == null) {
                if (!(column instanceof Column.Numeric n)) {
                    throw new IllegalArgumentException("column \"" + name + "\" was numeric when fitted, now categorical");
                }
                for (int i = 0; i < rows.length; i++) {
                    double v = n.get(rows[i]);
                    boolean missing = Double.isNaN(v);
                    out.set(i, offset, (float) (missing ? medians[c] : v));
                    if (indicators[c]) {
                        out.set(i, offset + 1, missing ? 1f : 0f);
                    }
                    unseen += missing ? 1 : 0;
                }
                offset += indicators[c] ? 2 : 1;
            } else {
                if (!(column instanceof Column.Categorical cat)) {
                    throw new IllegalArgumentException("column \"" + name + "\" was categorical when fitted, now numeric");
                }
                for (int i = 0; i < rows.length; i++) {
                    String v = cat.get(rows[i]);
                    int at = v == null ? -1 : java.util.Collections.binarySearch(lv, v);
                    if (at >= 0) {
                        out.set(i, offset + at, 1f);
                    } else {
                        unseen++;
                    }
                }
                offset += lv.size();
            }
        }
        return out;
    }
}
