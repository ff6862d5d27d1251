package io.quantlane.data;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Named columns of equal length, as read by {@link Csv}. Immutable. */
public final class Table {

    private final List<Column> columns;
    private final Map<String, Column> byName = new LinkedHashMap<>();
    private final int rows;

    public Table(List<Column> columns) {
        this.columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
        int n = -1;
        for (Column c : this.columns) {
            if (byName.put(c.name(), c) != null) {
                throw new IllegalArgumentException("columns: the name \"" + c.name() + "\" appears twice");
            }
            if (n >= 0 && c.size() != n) {
                throw new IllegalArgumentException("columns: \"" + c.name() + "\" has " + c.size() + " rows, the first"
                        + " column " + n);
            }
            n = c.size();
        }
        this.rows = Math.max(n, 0);
    }

    /** Number of rows. */
    public int rows() {
        return rows;
    }

    /** The columns in file order. */
    public List<Column> columns() {
        return columns;
    }

    /** The header names in file order. */
    public List<String> names() {
        return columns.stream().map(Column::name).toList();
    }

    /** The column called {@code name}; the error lists the names there are. */
    public Column column(String name) {
        Column c = byName.get(name);
        if (c == null) {
            throw new IllegalArgumentException("column \"" + name + "\" does not exist; the columns are " + names());
        }
        return c;
    }

    /** The numeric column called {@code name}. */
    public Column.Numeric numeric(String name) {
        if (column(name) instanceof Column.Numeric n) {
            return n;
        }
        throw new IllegalArgumentException("column \"" + name + "\" is categorical, expected numeric");
    }

    /** The categorical column called {@code name}. */
    public Column.Categorical categorical(String name) {
        if (column(name) instanceof Column.Categorical c) {
            return c;
        }
        throw new IllegalArgumentException("column \"" + name + "\" is numeric, expected categorical");
    }

    @Override
    public String toString() {
        return "Table[" + rows + " rows, " + columns.size() + " columns]";
    }
}
