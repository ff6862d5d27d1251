package io.quantlane.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench}: every row present with numbers that make sense, percentiles by nearest rank, bad flags. */
class BenchTest {


    @Test
    void percentileIsTheNearestRank() {
        long[] sorted = new long[1000];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i + 1;
        }
        assertEquals(500, Bench.percentile(sorted, 0.5));
        assertEquals(990, Bench.percentile(sorted, 0.99));
        assertEquals(999, Bench.percentile(sorted, 0.999));
        assertEquals(1000, Bench.percentile(sorted, 0.9999));
        assertEquals(1, Bench.percentile(sorted, 0));
        assertEquals(7, Bench.percentile(new long[] {7}, 0.999));
    }

    @Test
    void printsEveryKernelAndBothModels() {
        CliRun r = CliRun.of("bench", "--seconds", "0.02", "--calls", "2000", "--threads", "2");
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        for (String kernel : List.of("dot n=4096", "axpy n=4096", "gemv 512x512", "sgemm 64^3", "sgemm 256^3",
                "sgemm 1024^3 ", "sgemm 1024^3, 2 thr")) {
            String row = lines.stream().filter(l -> l.startsWith(kernel)).findFirst()
                    .orElseThrow(() -> new AssertionError("no row for " + kernel + " in\n" + r.out()));
            double gflops = Double.parseDouble(row.substring(24).trim().split("\\s+")[0]);
            assertTrue(gflops > 0 && Double.isFinite(gflops), row);
        }
        for (String model : List.of("32-64-64-1", "61-64-32-1")) {
            String row = lines.stream().filter(l -> l.startsWith(model)).findFirst()
                    .orElseThrow(() -> new AssertionError("no row for " + model + " in\n" + r.out()));
            String[] cells = row.trim().split("\\s+");
            assertEquals(8, cells.length, row);   // name, p50, p90, p99, p99.9, p99.99, max, B/call
            long previous = 0;
            for (int i = 1; i <= 6; i++) {
                long ns = Long.parseLong(cells[i]);
                assertTrue(ns >= previous, "percentiles must not decrease: " + row);
                previous = ns;
            }
            assertTrue(previous > 0, row);
            assertTrue(Long.parseLong(cells[7]) >= 0, row);
        }
    }

    @Test
    void warmupReportsATimelineFromJvmStart() {
        CliRun r = CliRun.of("warmup", "--seconds", "0.3");
        assertEquals(0, r.status(), r.err());
        double previous = 0;
        for (String step : List.of("main", "model ready", "first call", "fast from")) {
            String row = r.out().lines().filter(l -> l.startsWith(step + " ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + step + " line in\n" + r.out()));
            double ms = Double.parseDouble(row.substring(step.length()).trim().split("\\s+")[0]);
            assertTrue(ms >= previous, step + " before the step above it:\n" + r.out());
            previous = ms;
        }
        assertTrue(r.out().contains("then Model.warmUp: warm-up: "), r.out());
        CliRun bad = CliRun.of("warmup", "--model", "/no/such/model.qlm");
        assertEquals(2, bad.status());
        assertEquals("quantlane warmup: no such file: /no/such/model.qlm", bad.err().strip());
    }

    @Test
    void badFlagsGiveOneLineAndStatusTwo() {
        String[][] cases = {{"bench", "--seconds", "0"}, {"bench", "--calls", "10"}, {"bench", "--threads", "x"},
            {"bench", "--fast", "1"}};
        String[] expected = {"quantlane bench: --seconds must be above 0",
            "quantlane bench: --calls must be at least 1000, got 10",
            "quantlane bench: --threads expects an integer, got \"x\"",
            "quantlane bench: unknown option --fast (see quantlane bench --help)"};
        for (int i = 0; i < cases.length; i++) {
            CliRun r = CliRun.of(cases[i]);
            assertEquals(2, r.status(), String.join(" ", cases[i]));
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith(expected[i]), r.err());
        }
        CliRun help = CliRun.of("bench", "--help");
        assertEquals(0, help.status());
        assertTrue(help.out().startsWith("usage: quantlane bench"), help.out());
    }
}
