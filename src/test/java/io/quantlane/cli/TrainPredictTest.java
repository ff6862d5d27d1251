package io.quantlane.cli;

import io.quantlane.metrics.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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

    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

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
        Result train = run("train", "--data", csv.toString(), "--target", "class", "--out", model.toString(),
                "--cv", "3", "--epochs", "30", "--layers", "8", "--decay", "1");
        assertEquals(0, train.status(), train.err());
        Matcher m = Pattern.compile("cv 3 folds: AUC (\\d\\.\\d+)").matcher(train.out());
        assertTrue(m.find(), train.out());
        double cvAuc = Double.parseDouble(m.group(1));
        assertTrue(cvAuc > 0.72, "cross-validated AUC " + cvAuc);
        assertTrue(train.out().contains("positive class \"bad\""), "the rarer class is the positive one");
        assertEquals(3, train.err().lines().filter(l -> l.startsWith("train: fold")).count(), "progress on stderr");

        Result predict = run("predict", "--model", model.toString(), "--data", csv.toString(), "--out", scores.toString());
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
        };
        for (int i = 0; i < cases.length; i++) {
            Result r = run(cases[i]);
            assertEquals(2, r.status(), String.join(" ", cases[i]));
            assertEquals(1, r.err().lines().count(), "one line: " + r.err());
            assertTrue(r.err().startsWith(expected[i]), r.err());
        }
        Result help = run("train", "--help");
        assertEquals(0, help.status());
        assertTrue(help.out().startsWith("usage: quantlane train --data FILE.csv --target COLUMN"));
    }
}
