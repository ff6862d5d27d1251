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

    /**
     * The fitted encoding as text, one line per column: {@code numeric<TAB>name} or
     * {@code categorical<TAB>name<TAB>level<TAB>level...} (tabs, line breaks and backslashes escaped), so a
     * model file can carry it and {@link #parse} can rebuild the encoder.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < columns.size(); c++) {
            sb.append(levels.get(c) == null ? "numeric" : "categorical").append('\t').append(escape(columns.get(c)));
            if (levels.get(c) != null) {
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
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("\t", -1);
            if (parts.length < 2 || !(parts[0].equals("numeric") || parts[0].equals("categorical"))
                    || (parts[0].equals("numeric") && parts.length != 2)) {
                throw new IllegalArgumentException("encoder: bad line \"" + line + "\"");
            }
            cols.add(unescape(parts[1]));
            if (parts[0].equals("numeric")) {
                lv.add(null);
            } else {
                List<String> levels = new ArrayList<>();
                for (int i = 2; i < parts.length; i++) {
                    levels.add(unescape(parts[i]));
                }
                lv.add(List.copyOf(levels));
            }
        }
        return new Encoder(cols, lv);
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
