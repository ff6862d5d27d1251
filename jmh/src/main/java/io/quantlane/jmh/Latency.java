package io.quantlane.jmh;

import io.quantlane.kernel.Kernels;
import io.quantlane.nn.InferenceContext;
import io.quantlane.nn.Mlp;
import io.quantlane.nn.Model;
import io.quantlane.nn.Network;
import io.quantlane.nn.WarmUp;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.Recorder;

import java.io.FileNotFoundException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The latency harness: batch-1 predictions on the caller's thread, each call timed with {@code System.nanoTime}
 * and recorded in an HdrHistogram {@link Recorder} (3 significant digits, no resizing, so recording allocates
 * nothing). After {@link Model#warmUp}, it records {@code --calls} calls per model and writes
 * <ul>
 *   <li>{@code latency-MODEL.hlog}: one interval histogram per second, HdrHistogram's log format
 *       (HistogramLogProcessor, HdrHistogram's plotter and others read it);</li>
 *   <li>{@code latency-MODEL.txt}: the whole run's percentile distribution in HdrHistogram's text format;</li>
 * </ul>
 * and prints p50, p90, p99, p99.9, p99.99 and max in ns, p99.9 / p50, the bytes allocated per call on this
 * thread, and the cost of the clock itself (every figure includes one clock read).
 *
 * <p>Run with {@code jmh/latency.sh [--calls N] [--models 32-64-64-1,61-64-32-1] [--out DIR]}.
 */
public final class Latency {

    private Latency() {
    }

    public static void main(String[] args) throws FileNotFoundException, java.io.IOException {
        long calls = 20_000_000;
        String models = "32-64-64-1,61-64-32-1";
        Path out = Path.of(".");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--calls" -> calls = Long.parseLong(args[i + 1]);
                case "--models" -> models = args[i + 1];
                case "--out" -> out = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (expected --calls N, --models A,B, --out DIR)");
            }
        }
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("options come in pairs: --calls N, --models A,B, --out DIR");
        }
        Files.createDirectories(out);
        System.out.println(Kernels.capabilities().report());
        long clock = clockCost();
        System.out.printf(Locale.ROOT, "%n%-12s %8s %8s %8s %8s %8s %10s %10s %8s%n", "model (ns)", "p50", "p90", "p99",
                "p99.9", "p99.99", "max", "p99.9/p50", "B/call");
        for (String widths : models.split(",")) {
            run(widths.trim(), calls, out);
        }
        System.out.printf(Locale.ROOT, "(%,d calls per model after Model.warmUp; every figure includes one clock read, "
                + "%d ns at p50 here; logs in %s)%n", calls, clock, out.toAbsolutePath());
    }

    private static void run(String widths, long calls, Path out) throws FileNotFoundException {
        try (Arena arena = Arena.ofShared(); Network net = Network.create(Mlp.reluStack(widths), 42);
             Model model = net.toModel();
             PrintStream log = new PrintStream(out.resolve("latency-" + widths + ".hlog").toFile())) {
            InferenceContext ctx = model.newContext();
            MemorySegment x = arena.allocate((long) model.inputs() * Float.BYTES, 64);
            MemorySegment y = arena.allocate((long) model.outputs() * Float.BYTES, 64);
            for (int i = 0; i < model.inputs(); i++) {
                x.setAtIndex(ValueLayout.JAVA_FLOAT, i, (i % 7) * 0.25f - 0.75f);
            }
            WarmUp w = model.warmUp(Duration.ofSeconds(60));
            System.err.println(widths + ": " + w);
            Recorder recorder = new Recorder(1, 60_000_000_000L, 3);
            Histogram total = new Histogram(1, 60_000_000_000L, 3);
            Histogram interval = null;
            HistogramLogWriter writer = new HistogramLogWriter(log);
            writer.outputLogFormatVersion();
            long startMs = System.currentTimeMillis();
            writer.outputStartTime(startMs);
            writer.setBaseTime(startMs);
            writer.outputLegend();
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long allocated = threads.getCurrentThreadAllocatedBytes();
            long nextInterval = System.nanoTime() + 1_000_000_000L, harness = 0;
            for (long i = 0; i < calls; i++) {
                long t0 = System.nanoTime();
                model.predict(ctx, x, 0, y, 0);
                long t1 = System.nanoTime();
                recorder.recordValue(Math.max(1, t1 - t0));
                if (t1 >= nextInterval) {   // the interval's bookkeeping lands outside any timed call
                    long before = threads.getCurrentThreadAllocatedBytes();
                    interval = recorder.getIntervalHistogram(interval);
                    total.add(interval);
                    writer.outputIntervalHistogram(interval);   // encodes and compresses: allocates
                    harness += threads.getCurrentThreadAllocatedBytes() - before;
                    nextInterval = t1 + 1_000_000_000L;
                }
            }
            long bytes = threads.getCurrentThreadAllocatedBytes() - allocated - harness;   // the predictions' own
            interval = recorder.getIntervalHistogram(interval);
            total.add(interval);
            writer.outputIntervalHistogram(interval);
            try (PrintStream txt = new PrintStream(out.resolve("latency-" + widths + ".txt").toFile())) {
                total.outputPercentileDistribution(txt, 1.0);
            }
            long p50 = total.getValueAtPercentile(50);
            System.out.printf(Locale.ROOT, "%-12s %8d %8d %8d %8d %8d %10d %10.2f %8.3f%n", widths, p50,
                    total.getValueAtPercentile(90), total.getValueAtPercentile(99), total.getValueAtPercentile(99.9),
                    total.getValueAtPercentile(99.99), total.getMaxValue(),
                    (double) total.getValueAtPercentile(99.9) / p50, (double) bytes / calls);
        }
    }

    /** The median of two back-to-back clock reads, in ns. */
    private static long clockCost() {
        Histogram h = new Histogram(1, 1_000_000_000L, 3);
        for (int i = 0; i < 3_000_000; i++) {
            long t0 = System.nanoTime();
            h.recordValue(Math.max(1, System.nanoTime() - t0));
        }
        return h.getValueAtPercentile(50);
    }
}
