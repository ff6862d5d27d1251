package io.quantlane.data;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 4180 parsing, type inference, missing values, and errors that name the line and column. */
class CsvTest {

    private static Table parse(String text) {
        return Csv.defaults().parse(text, "test.csv");
    }

    private static String error(String text) {
        return assertThrows(CsvException.class, () -> parse(text)).getMessage();
    }

    @Test
    void quotingAsRfc4180() {
        Table t = parse("\uFEFFname,note,n\r\n\"Smith, J\",\"said \"\"hi\"\"\",1\r\n\"multi\nline\",plain,2.5\n");
        assertEquals(List.of("name", "note", "n"), t.names(), "the byte order mark is skipped");
        assertEquals(2, t.rows());
        assertEquals("Smith, J", t.categorical("name").get(0));
        assertEquals("said \"hi\"", t.categorical("note").get(0));
        assertEquals("multi\nline", t.categorical("name").get(1));
        assertArrayEquals(new double[] {1, 2.5}, t.numeric("n").values());
    }

    @Test
    void lineEndingsBlankLinesAndNoFinalNewline() {
        Table t = parse("a,b\r1,2\r\n\n3,4");
        assertArrayEquals(new double[] {1, 3}, t.numeric("a").values());
        assertArrayEquals(new double[] {2, 4}, t.numeric("b").values());
    }

    @Test
    void typesAreInferredAndMissingValuesKept() {
        Table t = parse("x,y,z\n1,a,-2e3\nNA,b,\n?,,.5\n");
        Column.Numeric x = t.numeric("x");
        assertEquals(1.0, x.get(0));
        assertTrue(Double.isNaN(x.get(1)) && Double.isNaN(x.get(2)), "NA and ? are missing");
        assertEquals(2, x.missingCount());
        Column.Categorical y = t.categorical("y");
        assertNull(y.get(2), "an empty field is missing");
        assertEquals(List.of("a", "b"), y.levels());
        assertArrayEquals(new double[] {-2000, Double.NaN, 0.5}, t.numeric("z").values());
        assertTrue(parse("v\n1\nInfinity\n").column("v") instanceof Column.Categorical, "Infinity is not a number");
    }

    @Test
    void declaredTypesWin() {
        Csv csv = Csv.defaults().types(Map.of("code", Csv.Type.CATEGORICAL, "amount", Csv.Type.NUMERIC));
        Table t = csv.parse("code,amount\n007,1.5\n42,2\n", "codes.csv");
        assertEquals("007", t.categorical("code").get(0), "leading zeros kept");
        CsvException e = assertThrows(CsvException.class, () -> csv.parse("code,amount\n1,2\n3,lots\n", "codes.csv"));
        assertEquals("codes.csv, line 3: column \"amount\": \"lots\" is not a number (the column is declared numeric)",
                e.getMessage());
        assertEquals(3, e.line());
        assertThrows(IllegalArgumentException.class, () -> csv.parse("a,b\n1,2\n", "other.csv"));
    }

    @Test
    void otherDelimitersAndTokens() {
        Table t = Csv.defaults().delimiter(';').missingTokens(Set.of("-")).parse("a;b\n1,5;-\n", "eu.csv");
        assertEquals("1,5", t.categorical("a").get(0));
        assertTrue(t.column("b").isMissing(0));
    }

    @Test
    void malformedInputIsNamedByLine() {
        assertEquals("test.csv, line 3: 3 fields, the header has 2", error("a,b\n1,2\n1,2,3\n"));
        assertEquals("test.csv, line 2: a quoted field is never closed", error("a,b\n\"open,2\n3,4\n"));
        assertTrue(error("a,b\n\"x\"y,2\n").startsWith("test.csv, line 2: unexpected 'y' after a closing quote"));
        assertTrue(error("a,b\nx\"y,2\n").startsWith("test.csv, line 2: a quote inside an unquoted field"));
        assertEquals("test.csv, line 1: the column name \"a\" appears twice", error("a,a\n1,2\n"));
        assertEquals("test.csv, line 1: column 2 has no name", error("a,\n1,2\n"));
        assertEquals("test.csv, line 1: no header row (the input is empty)", error(""));
        // a line break inside quotes counts: the bad record starts on line 4
        assertEquals("test.csv, line 4: 1 fields, the header has 2", error("a,b\n\"1\n2\",3\nbad\n"));
    }

    @Test
    void readsTheBundledGermanCreditData() throws IOException {
        try (Reader r = new InputStreamReader(CsvTest.class.getResourceAsStream("/datasets/german_credit.csv"),
                StandardCharsets.UTF_8)) {
            Table t = Csv.defaults().read(r, "german_credit.csv");
            assertEquals(1000, t.rows());
            assertEquals(21, t.columns().size());
            long numeric = t.columns().stream().filter(c -> c instanceof Column.Numeric).count();
            assertEquals(7, numeric, "7 numeric columns, as the data set's documentation says");
            assertEquals(List.of("bad", "good"), t.categorical("class").levels());
            long bad = java.util.Arrays.stream(t.categorical("class").values()).filter("bad"::equals).count();
            assertEquals(300, bad);
            assertEquals(0, t.columns().stream().mapToInt(Column::missingCount).sum(), "no missing values");
            assertEquals(1169.0, t.numeric("credit_amount").get(0));
        }
    }

    @Test
    void readsTheBundledMarketData() throws IOException {
        try (Reader r = new InputStreamReader(CsvTest.class.getResourceAsStream("/datasets/eustockmarkets.csv"),
                StandardCharsets.UTF_8)) {
            Table t = Csv.defaults().read(r, "eustockmarkets.csv");
            assertEquals(1860, t.rows());
            assertEquals(List.of("time", "DAX", "SMI", "CAC", "FTSE"), t.names());
            assertEquals(1628.75, t.numeric("DAX").get(0));
        }
    }
}
