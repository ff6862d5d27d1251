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
 * <p>Missing values: a missing numeric value is an error naming the row and the column (impute before
 * encoding); a missing or unseen category encodes as all zeros in that column's positions, and
 * {@link #transform} counts such cells in {@link #unseenLastTransform()}.
 */
public final class Encoder {

    private final List<String> columns;
    private final List<List<String>> levels;   // null for numeric columns
    private final List<String> featureNames;
    private int unseen;

    private Encoder(List<String> columns, List<List<String>> levels) {
        this.columns = List.copyOf(columns);
        this.levels = levels;
        List<String> names = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            if (levels.get(c) == null) {
                names.add(columns.get(c));
            } else {
                for (String level : levels.get(c)) {
                    names.add(columns.get(c) + "=" + level);
                }
            }
        }
        this.featureNames = List.copyOf(names);
    }

    /** Learns the categorical levels of {@code columns} from {@code rows} of {@code table}. */
    public static Encoder fit(Table table, List<String> columns, int[] rows) {
        Objects.requireNonNull(table, "table");
        List<List<String>> levels = new ArrayList<>();
        for (String name : columns) {
            if (table.column(name) instanceof Column.Categorical c) {
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
        return new Encoder(columns, levels);
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

    /** Width of an encoded row. */
    public int width() {
        return featureNames.size();
    }

    /** One name per encoded position. */
    public List<String> featureNames() {
        return featureNames;
    }

    /** Cells that were missing or unseen categories in the latest {@link #transform}. */
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
                    if (Double.isNaN(v)) {
                        throw new IllegalArgumentException("column \"" + name + "\", row " + rows[i] + ": missing value; "
                                + "impute or drop it before encoding");
                    }
                    out.set(i, offset, (float) v);
                }
                offset++;
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
