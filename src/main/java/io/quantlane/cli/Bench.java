package io.quantlane.cli;

import io.quantlane.kernel.FloatKernels;
import io.quantlane.kernel.Kernels;
import io.quantlane.kernel.Parallel;
import io.quantlane.nn.InferenceContext;
import io.quantlane.nn.Mlp;
import io.quantlane.nn.Model;
import io.quantlane.nn.Network;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * {@code bench}: a quick look at this machine. Kernel GFLOP/s on the chosen path beside the scalar twin, and
 * batch-1 inference latency percentiles, each call timed on its own.
 *
 * <p>This is a smoke measurement for a first look at a machine, not the project's benchmark: one JVM, no forks,
 * medians of a few rounds. The figures the docs quote come from JMH ({@code jmh/run.sh}, docs/benchmarks.md).
 * Every call's memory comes from a shared arena (see the README on confined arenas and C2).
 */
final class Bench {

    static final String HELP = """
            usage: quantlane bench [--seconds S] [--threads T] [--calls N]

            Measures on this machine, in this JVM:
              kernels    GFLOP/s of dot, axpy, gemv and sgemm on the chosen path (simd or scalar) beside the
                         scalar twin, the median of 5 rounds after a warm-up; sgemm 1024^3 also on T threads
              inference  batch-1 latency of the MLPs 32-64-64-1 and 61-64-32-1 (ReLU hidden layers): every call
                         timed with System.nanoTime; p50, p90, p99, p99.9, p99.99 and max in ns, bytes
                         allocated per call, and the cost of the clock itself

              --seconds S   warm-up and measuring time per kernel, half the inference warm-up (default 1)
              --threads T   threads for the threaded sgemm line (default: available processors, at least 2)
              --calls N     timed inference calls per model (default 1000000)

            A first look, not the project's benchmark: JMH results with forks and errors are in docs/benchmarks.md
            (jmh/run.sh). Close other work on the machine first; a busy core shows up in p99 and above.
            """;

    private static final int ROUNDS = 5;

    private Bench() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Flags f = Flags.parse("bench", args, 1, Set.of("seconds", "threads", "calls"));
        double seconds = f.number("seconds", 1f);
        if (seconds <= 0) {
            throw new Flags.UsageException("bench: --seconds must be above 0");
        }
        int threads = f.integer("threads", Math.max(2, Runtime.getRuntime().availableProcessors()), 1);
        int calls = f.integer("calls", 1_000_000, 1_000);
        out.println(Kernels.capabilities().report());
        out.println();
        kernels(out, err, seconds, threads);
        out.println();
        inference(out, err, calls, 2 * seconds);
        out.println();
        out.println("One JVM, no forks: a first look. JMH figures with errors: jmh/run.sh, docs/benchmarks.md.");
        return 0;
    }

    /** One kernel call on an implementation, over buffers a, b, c sized for the largest shape. */
    private interface Call {
        void run(FloatKernels k, MemorySegment a, MemorySegment b, MemorySegment c);
    }

    private record KernelCase(String name, double flops, boolean twinToo, Call call) {
    }

    private static void kernels(PrintStream out, PrintStream err, double seconds, int threads) {
        FloatKernels fast = Kernels.implementation();
        FloatKernels twin = Kernels.scalar();
        String path = Kernels.capabilities().path();
        int big = 1024;
        try (Arena arena = Arena.ofShared(); Parallel pool = Parallel.newPool(threads)) {
            Random rnd = new Random(1);
            MemorySegment a = Main.random(arena, big * big, rnd, 1f), b = Main.random(arena, big * big, rnd, 1f);
            MemorySegment c = Main.random(arena, big * big, rnd, 1f);
            List<KernelCase> cases = List.of(
                    new KernelCase("dot n=4096", 2.0 * 4096, true,
                            (k, x, y, z) -> z.setAtIndex(ValueLayout.JAVA_FLOAT, 0, k.dot(4096, x, 0, 1, y, 0, 1))),
                    new KernelCase("axpy n=4096", 2.0 * 4096, true, (k, x, y, z) -> k.axpy(4096, 0.5f, x, 0, 1, z, 0, 1)),
                    new KernelCase("gemv 512x512", 2.0 * 512 * 512, true,
                            (k, x, y, z) -> k.gemv(512, 512, 1f, x, 0, 512, y, 0, 1, 0f, z, 0, 1)),
                    gemm(64, true), gemm(256, true), gemm(big, false));
            out.printf(Locale.ROOT, "%-24s %12s %12s %8s%n", "kernel (1 thread)", path + " GFLOP/s", "twin GFLOP/s",
                    "ratio");
            for (KernelCase kc : cases) {
                err.println("bench: " + kc.name() + "...");
                double fastRate = kc.flops() / secondsPerCall(() -> kc.call().run(fast, a, b, c), seconds) / 1e9;
                if (kc.twinToo()) {
                    double twinRate = kc.flops() / secondsPerCall(() -> kc.call().run(twin, a, b, c), seconds) / 1e9;
                    out.printf(Locale.ROOT, "%-24s %12.4g %12.4g %7.1fx%n", kc.name(), fastRate, twinRate,
                            fastRate / twinRate);
                } else {
                    out.printf(Locale.ROOT, "%-24s %12.4g %12s %8s%n", kc.name(), fastRate, "-", "-");
                }
            }
            if (threads > 1) {
                err.println("bench: sgemm on " + threads + " threads...");
                double flops = 2.0 * big * big * big;
                double one = flops / secondsPerCall(() -> Kernels.sgemm(false, false, big, big, big, 1f, a, 0, big,
                        b, 0, big, 0f, c, 0, big), seconds) / 1e9;
                double many = flops / secondsPerCall(() -> Kernels.sgemm(pool, false, false, big, big, big, 1f, a, 0,
                        big, b, 0, big, 0f, c, 0, big), seconds) / 1e9;
                out.printf(Locale.ROOT, "%-24s %12.4g %12s %7.2fx (vs 1 thread, same run: %.4g)%n",
                        "sgemm " + big + "^3, " + threads + " thr", many, "", many / one, one);
            }
        }
    }

    private static KernelCase gemm(int n, boolean twinToo) {
        return new KernelCase("sgemm " + n + "^3", 2.0 * n * n * n, twinToo,
                (k, x, y, z) -> k.sgemm(false, false, n, n, n, 1f, x, 0, n, y, 0, n, 0f, z, 0, n));
    }

    /**
     * Seconds per call: calls for about {@code seconds} as a warm-up, which also sizes the rounds, then
     * {@link #ROUNDS} rounds of about {@code seconds / ROUNDS} each; the median round.
     */
    static double secondsPerCall(Runnable call, double seconds) {
        long start = System.nanoTime(), end = start + (long) (seconds * 1e9);
        long warmCalls = 0;
        do {
            call.run();
            warmCalls++;
        } while (System.nanoTime() < end);
        double estimate = (double) (System.nanoTime() - start) / warmCalls;   // cold calls make it high: shorter rounds
        long perRound = Math.max(1, (long) (seconds * 1e9 / ROUNDS / estimate));
        double[] rounds = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            long t0 = System.nanoTime();
            for (long i = 0; i < perRound; i++) {
                call.run();
            }
            rounds[r] = (System.nanoTime() - t0) / 1e9 / perRound;
        }
        Arrays.sort(rounds);
        return rounds[ROUNDS / 2];
    }

    private static final String[] MODELS = {"32-64-64-1", "61-64-32-1"};
    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999, 0.9999};

    private static void inference(PrintStream out, PrintStream err, int calls, double warmUpSeconds) {
        long clock = clockCost();
        out.printf(Locale.ROOT, "%-26s %7s %7s %7s %7s %7s %9s %8s%n", "batch-1 inference (ns)", "p50", "p90", "p99",
                "p99.9", "p99.99", "max", "B/call");
        for (String widths : MODELS) {
            err.println("bench: inference " + widths + "...");
            Mlp spec = Mlp.reluStack(widths);
            try (Arena arena = Arena.ofShared(); Network net = Network.create(spec, 42);
                 Model model = net.toModel(null, List.of(), Map.of())) {
                InferenceContext ctx = model.newContext();
                MemorySegment x = Main.random(arena, spec.inputs(), new Random(7), 1f);
                MemorySegment y = arena.allocate(Float.BYTES * (long) spec.outputs(), 64);
                long warmEnd = System.nanoTime() + (long) (warmUpSeconds * 1e9);   // past C2 for every kernel used
                while (System.nanoTime() < warmEnd) {
                    for (int i = 0; i < 1000; i++) {
                        model.predict(ctx, x, 0, y, 0);
                    }
                }
                long[] ns = new long[calls];
                long allocated = allocatedBytes();
                for (int i = 0; i < calls; i++) {
                    long t0 = System.nanoTime();
                    model.predict(ctx, x, 0, y, 0);
                    ns[i] = System.nanoTime() - t0;
                }
                long perCall = allocated < 0 ? -1 : (allocatedBytes() - allocated) / calls;
                Arrays.sort(ns);
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-26s", widths));
                for (double q : QUANTILES) {
                    line.append(String.format(Locale.ROOT, " %7d", percentile(ns, q)));
                }
                line.append(String.format(Locale.ROOT, " %9d %8s", ns[ns.length - 1],
                        perCall < 0 ? "n/a" : Long.toString(perCall)));
                out.println(line);
            }
        }
        out.printf(Locale.ROOT, "(%,d calls per model after %.1f s of warm-up; each figure includes the clock's own "
                + "cost, p50 %d ns here)%n", calls, warmUpSeconds, clock);
    }

    /** The value below which a fraction {@code q} of the sorted samples lie (nearest rank). */
    static long percentile(long[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    /** The median of two back-to-back {@code System.nanoTime} calls. */
    private static long clockCost() {
        long[] ns = new long[200_000];
        for (int round = 0; round < 3; round++) {   // the first rounds warm the loop up
            for (int i = 0; i < ns.length; i++) {
                long t0 = System.nanoTime();
                ns[i] = System.nanoTime() - t0;
            }
        }
        Arrays.sort(ns);
        return percentile(ns, 0.5);
    }

    /** Bytes this thread has allocated so far, or -1 where the JVM does not say. */
    private static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean
                && bean.isThreadAllocatedMemorySupported()) {
            return bean.getCurrentThreadAllocatedBytes();
        }
        return -1;
    }
}
