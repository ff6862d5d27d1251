package io.quantlane.data;

/** A CSV file that cannot be read as a table; the message names the source, the line and, where known, the column. */
public final class CsvException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final long line;

    CsvException(String source, long line, String message) {
        super(source + ", line " + line + ": " + message);
        this.line = line;
    }

    /** 1-based line (the header is line 1) where the problem starts. */
    public long line() {
        return line;
    }
}
