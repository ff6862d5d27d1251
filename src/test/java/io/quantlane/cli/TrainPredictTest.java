package io.quantlane.cli;

import io.quantlane.metrics.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code train} then {@code predict} on the German credit CSV, and the one-line errors for bad input. */
class TrainPredictTest {

    @TempDir
    Path dir;


    private Path germanCredit() throws IOException {
        Path csv = dir.resolve("credit.csv");
        try (InputStream in = TrainPredictTest.class.getResourceAsStream("/datasets/german_credit.csv")) {
            Files.copy(in, csv);
        }
        return csv;
    }

    @Test
    void trainThenPredictReproducesTheCrossValidatedQuality() throws IOException {
        Path csv = germanCredit(), model = dir.resolve("credit.qlm"), scores = dir.resolve("scores.csv");
        CliRun train = CliRun.of("train", "--data", csv.toString(), "--target", "class", "--out", model.toString(),
                "--cv", "3", "--epochs", "30", "--layers", "8", "--decay", "1");
        assertEquals(0, train.status(), train.err());
        Matcher m = Pattern.compile("cv 3 folds: AUC (\\d\\.\\d+)").matcher(train.out());
        assertTrue(m.find(), train.out());
        double cvAuc = Double.parseDouble(m.group(1));
        assertTrue(cvAuc > 0.72, "cross-validated AUC " + cvAuc);
        assertTrue(train.out().contains("positive class \"bad\""), "the rarer class is the positive one");
        assertEquals(3, train.err().lines().filter(l -> l.startsWith("train: fold")).count(), "progress on stderr");

        CliRun predict = CliRun.of("predict", "--model", model.toString(), "--data", csv.toString(), "--out", scores.toString());
        assertEquals(0, predict.status(), predict.err());
        List<String> lines = Files.readAllLines(scores);
        assertEquals("score", lines.get(0));
        assertEquals(1001, lines.size(), "one score per row");
        float[] p = new float[1000], y = new float[1000];
        List<String> rows = Files.readAllLines(csv);
        for (int i = 0; i < 1000; i++) {
            p[i] = Float.parseFloat(lines.get(i + 1));
            y[i] = rows.get(i + 1).endsWith("\"bad\"") ? 1 : 0;
        }
        double inSample = Metrics.rocAuc(p, y);
        // the final model saw these rows, so its AUC on them is at least the cross-validated one, and not
        // implausibly more (a stated band: CV - 0.01 to CV + 0.15)
        assertTrue(inSample >= cvAuc - 0.01 && inSample <= cvAuc + 0.15, "in-sample " + inSample + ", cv " + cvAuc);
    }

    /**
     * A credit file the project has never seen: other column names (one quoted, with a comma), an identifier
     * column, missing incomes, quoted categories; then predict on the columns in another order with one extra.
     */
    @Test
    void trainsAndScoresACsvWithOtherColumns() throws IOException {
        java.util.Random rnd = new java.util.Random(11);
        StringBuilder train = new StringBuilder("Applicant ID,Annual Income,\"Home, ownership\",Age,Loan Amount,defaulted\n");
        StringBuilder reordered = new StringBuilder("Loan Amount,Note,defaulted,Age,\"Home, ownership\",Annual Income\n");
        String[] homes = {"rent", "own", "\"mortgage, fixed\""};
        for (int i = 0; i < 500; i++) {
            double income = Math.exp(10.5 + 0.5 * rnd.nextGaussian());
            int age = 19 + rnd.nextInt(50);
            long amount = Math.round(1000 + 39_000 * rnd.nextDouble());
            String home = homes[rnd.nextInt(3)];
            double z = -2 + 3 * (amount / income) - 0.03 * (age - 40) + (home.equals("rent") ? 0.8 : 0);
            String label = rnd.nextDouble() < 1 / (1 + Math.exp(-z)) ? "yes" : "no";
            String inc = i % 29 == 0 ? "" : String.format(java.util.Locale.ROOT, "%.2f", income);
            train.append("A").append(i).append(',').append(inc).append(',').append(home).append(',').append(age)
                    .append(',').append(amount).append(',').append(label).append('\n');
            reordered.append(amount).append(",n/a,").append(label).append(',').append(age).append(',').append(home)
                    .append(',').append(inc).append('\n');
        }
        Path csv = dir.resolve("applicants.csv"), other = dir.resolve("reordered.csv"), model = dir.resolve("a.qlm");
        Files.writeString(csv, train);
        Files.writeString(other, reordered);
        CliRun t = CliRun.of("train", "--data", csv.toString(), "--target", "defaulted", "--positive", "yes", "--out",
                model.toString(), "--cv", "5", "--epochs", "40", "--layers", "16");
        assertEquals(0, t.status(), t.err());
        assertTrue(t.err().contains("left out \"Applicant ID\": a different value in every row"), t.err());
        Matcher m = Pattern.compile("cv 5 folds: AUC (\\d\\.\\d+)").matcher(t.out());
        assertTrue(m.find(), t.out());
        assertTrue(Double.parseDouble(m.group(1)) > 0.75, t.out());
        CliRun a = CliRun.of("predict", "--model", model.toString(), "--data", csv.toString());
        CliRun b = CliRun.of("predict", "--model", model.toString(), "--data", other.toString());
        assertEquals(0, a.status(), a.err());
        assertEquals(0, b.status(), b.err());
        assertEquals(501, a.out().lines().count(), "a header and one score per row");
        assertEquals(a.out(), b.out(), "columns are found by name, extra ones ignored");
        assertTrue(a.err().contains("18 cells were missing"), a.err());   // rows 0, 29, ... 493

        CliRun dropped = CliRun.of("train", "--data", csv.toString(), "--target", "defaulted", "--out",
                dir.resolve("b.qlm").toString(), "--epochs", "2", "--drop", "Age, Loan Amount");
        assertEquals(0, dropped.status(), dropped.err());
    }

    /** A price file with other names, as a regression: next close from the open, within the noise. */
    @Test
    void regressesOnAPriceFile() throws IOException {
        java.util.Random rnd = new java.util.Random(5);
        StringBuilder sb = new StringBuilder("session,open,close\n");
        double price = 100;
        for (int i = 0; i < 400; i++) {
            double open = price;
            price *= Math.exp(0.01 * rnd.nextGaussian());
            sb.append(i).append(',').append(open).append(',').append(price).append('\n');
        }
        Path csv = dir.resolve("prices.csv"), model = dir.resolve("p.qlm"), scores = dir.resolve("p.csv");
        Files.writeString(csv, sb);
        CliRun t = CliRun.of("train", "--data", csv.toString(), "--target", "close", "--task", "regress", "--out",
                model.toString(), "--epochs", "200", "--layers", "none", "--drop", "session", "--decay", "0");
        assertEquals(0, t.status(), t.err());
        CliRun p = CliRun.of("predict", "--model", model.toString(), "--data", csv.toString(), "--out", scores.toString());
        assertEquals(0, p.status(), p.err());
        List<String> lines = Files.readAllLines(scores), rows = Files.readAllLines(csv);
        double se = 0;
        for (int i = 1; i < rows.size(); i++) {
            double d = Double.parseDouble(lines.get(i)) - Double.parseDouble(rows.get(i).split(",")[2]);
            se += d * d;
        }
        double rmse = Math.sqrt(se / (rows.size() - 1));
        assertTrue(rmse < 2.0, "a linear fit of close on open has RMSE near the 1 % noise (about 1), got " + rmse);
    }

    @Test
    void badInputGivesOneLineAndStatusTwo() throws IOException {
        Path csv = germanCredit();
        String[][] cases = {
            {"train", "--data", csv.toString(), "--out", "x.qlm"},
            {"train", "--data", csv.toString(), "--target", "nope", "--out", "x.qlm"},
            {"train", "--data", csv.toString(), "--target", "purpose", "--out", "x.qlm"},
            {"train", "--data", csv.toString(), "--target", "class", "--out", "x.qlm", "--layers", "8,x"},
            {"train", "--data", csv.toString(), "--target", "class", "--out", "x.qlm", "--task", "rank"},
            {"train", "--data", dir.resolve("missing.csv").toString(), "--target", "class", "--out", "x.qlm"},
            {"train", "--bogus", "1"},
            {"predict", "--model", csv.toString(), "--data", csv.toString()},
            {"train", "--data", csv.toString(), "--target", "class", "--out", "x.qlm", "--drop", "class"},
            {"train", "--data", csv.toString(), "--target", "class", "--out", "x.qlm", "--drop", "age,,job"},
        };
        String[] expected = {
            "quantlane train: --target is required (see quantlane train --help)",
            "quantlane train: column \"nope\" does not exist; the columns are [checking_status,",
            "quantlane train: --task classify needs a target with 2 values, \"purpose\" has 10",
            "quantlane train: --layers expects sizes like 64,32 or \"none\", got \"8,x\"",
            "quantlane train: --task expects classify or regress, got \"rank\"",
            "quantlane train: no such file: ",
            "quantlane train: unknown option --bogus (see quantlane train --help)",
            "quantlane predict: " + csv + ": not a quantlane model file (bad magic bytes)",
            "quantlane train: --drop names the target \"class\"",
            "quantlane train: --drop expects column names separated by commas, got \"age,,job\"",
        };
        for (int i = 0; i < cases.length; i++) {
            CliRun r = CliRun.of(cases[i]);
            assertEquals(2, r.status(), String.join(" ", cases[i]));
            assertEquals(1, r.err().lines().count(), "one line: " + r.err());
            assertTrue(r.err().startsWith(expected[i]), r.err());
        }
        CliRun help = CliRun.of("train", "--help");
        assertEquals(0, help.status());
        assertTrue(help.out().startsWith("usage: quantlane train --data FILE.csv --target COLUMN"));
    }
}
