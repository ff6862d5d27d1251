package io.quantlane.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads CSV (RFC 4180) with a header row into a {@link Table}.
 *
 * <ul>
 *   <li>Fields are separated by the delimiter (default comma); a field in double quotes may hold delimiters,
 *       line breaks and doubled quotes ({@code ""} for one {@code "}). Lines end in LF, CRLF or CR; a final line
 *       break is optional; a UTF-8 byte order mark is skipped; blank lines are skipped.</li>
 *   <li>The first record names the columns: names must be present and distinct. Every later record must have
 *       as many fields.</li>
 *   <li><b>Missing values</b>: a field equal to one of the missing tokens (default: empty, {@code NA},
 *       {@code ?}), after trimming spaces, is missing: NaN in a numeric column, null in a categorical one. Reading
 *       never fills them in; {@link Column#missingCount()} tells, and downstream code decides (the trainer
 *       refuses NaN).</li>
 *   <li><b>Types</b>: a column is numeric when every non-missing value is a decimal number
 *       ({@code -12}, {@code 3.5}, {@code 1e-3}; not {@code NaN} or {@code Infinity}), else categorical, unless
 *       declared. A declared numeric column with a value that is not a number is an error naming line and column.</li>
 * </ul>
 * Errors are {@link CsvException}s naming the source, the line and the column; nothing half-read is returned.
 */
public final class Csv {

    /** How a column is to be read. */
    public enum Type { NUMERIC, CATEGORICAL }

    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private final char delimiter;
    private final Set<String> missing;
    private final Map<String, Type> declared;

    private Csv(char delimiter, Set<String> missing, Map<String, Type> declared) {
        this.delimiter = delimiter;
        this.missing = Set.copyOf(missing);
        this.declared = Map.copyOf(declared);
    }

    /** Comma-separated, missing tokens "", "NA" and "?", types inferred. */
    public static Csv defaults() {
        return new Csv(',', Set.of("", "NA", "?"), Map.of());
    }

    /** The same reader with another delimiter (e.g. ';' or '\t'). */
    public Csv delimiter(char delimiter) {
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
            throw new IllegalArgumentException("delimiter: cannot be a quote or a line break");
        }
        return new Csv(delimiter, missing, declared);
    }

    /** The same reader with these tokens (compared after trimming) meaning "no value". */
    public Csv missingTokens(Set<String> tokens) {
        return new Csv(delimiter, Objects.requireNonNull(tokens, "tokens"), declared);
    }

    /** The same reader with column types declared by name instead of inferred. */
    public Csv types(Map<String, Type> types) {
        return new Csv(delimiter, missing, Objects.requireNonNull(types, "types"));
    }

    /** Reads a UTF-8 file. */
    public Table read(Path path) throws IOException {
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return read(r, path.toString());
        }
    }

    /** Parses text already in memory; {@code source} names it in error messages. */
    public Table parse(String text, String source) {
        try {
            return read(new StringReader(text), source);
        } catch (IOException e) {
            throw new IllegalStateException(e);   // a StringReader does not fail
        }
    }

    /** Reads everything from {@code in}; {@code source} names it in error messages. */
    public Table read(Reader in, String source) throws IOException {
        Objects.requireNonNull(source, "source");
        List<String[]> records = new ArrayList<>();
        List<Long> lines = new ArrayList<>();
        new Parser(in instanceof BufferedReader b ? b : new BufferedReader(in), source, delimiter).readAll(records, lines);
        if (records.isEmpty()) {
            throw new CsvException(source, 1, "no header row (the input is empty)");
        }
        String[] header = records.get(0);
        Set<String> seen = new HashSet<>();
        for (int j = 0; j < header.length; j++) {
            String name = header[j].trim();
            if (name.isEmpty()) {
                throw new CsvException(source, lines.get(0), "column " + (j + 1) + " has no name");
            }
            if (!seen.add(name)) {
                throw new CsvException(source, lines.get(0), "the column name \"" + name + "\" appears twice");
            }
            header[j] = name;
        }
        for (String name : declared.keySet()) {
            if (!seen.contains(name)) {
                throw new IllegalArgumentException("types: column \"" + name + "\" is not in " + source
                        + "; its columns are " + List.of(header));
            }
        }
        int rows = records.size() - 1;
        for (int r = 1; r <= rows; r++) {
            if (records.get(r).length != header.length) {
                throw new CsvException(source, lines.get(r), records.get(r).length + " fields, the header has "
                        + header.length);
            }
        }
        List<Column> columns = new ArrayList<>();
        for (int j = 0; j < header.length; j++) {
            columns.add(column(source, header[j], j, records, lines));
        }
        return new Table(columns);
    }

    private Column column(String source, String name, int j, List<String[]> records, List<Long> lines) {
        int rows = records.size() - 1;
        Type type = declared.get(name);
        if (type == null) {
            type = Type.NUMERIC;
            for (int r = 1; r <= rows; r++) {
                String v = records.get(r)[j].trim();
                if (!missing.contains(v) && !NUMBER.matcher(v).matches()) {
                    type = Type.CATEGORICAL;
                    break;
                }
            }
        }
        if (type == Type.NUMERIC) {
            double[] values = new double[rows];
            for (int r = 1; r <= rows; r++) {
                String v = records.get(r)[j].trim();
                if (missing.contains(v)) {
                    values[r - 1] = Double.NaN;
                } else if (NUMBER.matcher(v).matches()) {
                    values[r - 1] = Double.parseDouble(v);
                } else {
                    throw new CsvException(source, lines.get(r), "column \"" + name + "\": \"" + v
                            + "\" is not a number (the column is declared numeric)");
                }
            }
            return new Column.Numeric(name, values);
        }
        String[] values = new String[rows];
        for (int r = 1; r <= rows; r++) {
            String v = records.get(r)[j];
            values[r - 1] = missing.contains(v.trim()) ? null : v;
        }
        return new Column.Categorical(name, values);
    }

    /** The RFC 4180 state machine over characters. */
    private static final class Parser {
        private final BufferedReader in;
        private final String source;
        private final char delimiter;
        private long line = 1;
        private int pushedBack = -2;

        Parser(BufferedReader in, String source, char delimiter) {
            this.in = in;
            this.source = source;
            this.delimiter = delimiter;
        }

        private int next() throws IOException {
            if (pushedBack != -2) {
                int c = pushedBack;
                pushedBack = -2;
                return c;
            }
            return in.read();
        }

        void readAll(List<String[]> records, List<Long> lines) throws IOException {
            int c = next();
            if (c == '\uFEFF') {
                c = next();
            }
            pushedBack = c;
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            long recordLine = line;
            boolean quoted = false, any = false;
            while (true) {
                c = next();
                if (c == -1) {
                    if (any || fields.size() > 0 || field.length() > 0) {
                        fields.add(field.toString());
                        records.add(fields.toArray(new String[0]));
                        lines.add(recordLine);
                    }
                    return;
                }
                if (c == '"' && field.length() == 0 && !quoted) {
                    quoted = true;
                    any = true;
                    long start = line;
                    while (true) {
                        int q = next();
                        if (q == -1) {
                            throw new CsvException(source, start, "a quoted field is never closed");
                        }
                        if (q == '"') {
                            int after = next();
                            if (after == '"') {
                                field.append('"');
                                continue;
                            }
                            if (after != -1 && after != delimiter && after != '\n' && after != '\r') {
                                throw new CsvException(source, line, "unexpected '" + (char) after + "' after a closing "
                                        + "quote (write \"\" for a quote inside a quoted field)");
                            }
                            pushedBack = after;
                            break;
                        }
                        if (q == '\n' || (q == '\r')) {
                            line++;
                            if (q == '\r') {
                                int lf = next();
                                if (lf == '\n') {
                                    field.append('\r');
                                    q = '\n';
                                } else {
                                    pushedBack = lf;
                                }
                            }
                        }
                        field.append((char) q);
                    }
                    continue;
                }
                if (c == delimiter) {
                    fields.add(field.toString());
                    field.setLength(0);
                    quoted = false;
                    any = true;
                    continue;
                }
                if (c == '\n' || c == '\r') {
                    if (c == '\r') {
                        int lf = next();
                        if (lf != '\n') {
                            pushedBack = lf;
                        }
                    }
                    if (any || field.length() > 0) {
                        fields.add(field.toString());
                        records.add(fields.toArray(new String[0]));
                        lines.add(recordLine);
                    }
                    fields = new ArrayList<>();
                    field.setLength(0);
                    quoted = false;
                    any = false;
                    line++;
                    recordLine = line;
                    continue;
                }
                if (quoted) {
                    throw new CsvException(source, line, "unexpected '" + (char) c + "' after a closing quote");
                }
                if (c == '"') {
                    throw new CsvException(source, line, "a quote inside an unquoted field (quote the whole field "
                            + "and write \"\" for the quote)");
                }
                field.append((char) c);
            }
        }
    }
}
