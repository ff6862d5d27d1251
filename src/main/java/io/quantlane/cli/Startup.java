package io.quantlane.cli;

import io.quantlane.kernel.Kernels;
import io.quantlane.nn.InferenceContext;
import io.quantlane.nn.Mlp;
import io.quantlane.nn.Model;
import io.quantlane.nn.ModelFile;
import io.quantlane.nn.Network;
import io.quantlane.nn.WarmUp;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * {@code warmup}: how long a fresh JVM takes to predict fast. Times from JVM start: to {@code main}, to a loaded
 * model, to the first prediction, and to the first moment from which predictions stay near their final speed;
 * then what {@link Model#warmUp} reports. Run it with and without an AOT cache to see what the cache buys
 * (docs/operations.md).
 */
final class Startup {

    static final String HELP = """
            usage: quantlane warmup [--model MODEL.qlm] [--seconds S]

            Measures, in this fresh JVM, from the JVM's start:
              main          when main() began (JVM start-up and class loading)
              model ready   a model loaded (--model) or built (32-64-64-1, seed 42)
              first call    the first prediction, and how long it took
              fast from     the end of the last stretch of 51 rounds (1,000 calls each) whose median is
                            slower than 1.5x the final speed
            Then Model.warmUp's report on the already running model.

              --seconds S   how long to keep predicting (default 5)

            For the JDK's AOT cache (docs/operations.md): QUANTLANE_JAVA_OPTS=-XX:AOTCacheOutput=q.aot for a training
            run, then QUANTLANE_JAVA_OPTS=-XX:AOTCache=q.aot.
            """;

    private static final int ROUND = 1_000;

    private Startup() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        long mainAt = uptimeNanos();
        Flags f = Flags.parse("warmup", args, 1, Set.of("model", "seconds"));
        double seconds = f.number("seconds", 5f);
        if (seconds <= 0) {
            throw new Flags.UsageException("warmup: --seconds must be above 0");
        }
        String file = f.get("model", null);
        Model model;
        if (file == null) {
            try (Network net = Network.create(Mlp.reluStack("32-64-64-1"), 42)) {
                model = net.toModel();
            }
        } else {
            model = ModelFile.load(Path.of(file));
        }
        try (model) {
            long readyAt = uptimeNanos();
            InferenceContext ctx = model.newContext();
            float[] x = new float[model.inputs()], y = new float[model.outputs()];
            for (int j = 0; j < x.length; j++) {
                x[j] = (j % 5) * 0.25f - 0.5f;
            }
            long t0 = System.nanoTime();
            model.predict(ctx, x, y);
            long firstCall = System.nanoTime() - t0;
            long firstAt = uptimeNanos();

            int maxRounds = (int) Math.min(1_000_000, (long) (seconds * 1e9 / 50 / ROUND) + 1);
            double[] perCall = new double[maxRounds];
            long[] endAt = new long[maxRounds];
            long until = System.nanoTime() + (long) (seconds * 1e9);
            int rounds = 0;
            while (rounds < maxRounds && System.nanoTime() < until) {
                long r0 = System.nanoTime();
                for (int i = 0; i < ROUND; i++) {
                    x[i % x.length] = (i & 255) * 0.004f;
                    model.predict(ctx, x, y);
                }
                long r1 = System.nanoTime();
                perCall[rounds] = (double) (r1 - r0) / ROUND;
                endAt[rounds++] = uptimeNanos();
            }
            // the final speed: the median round of the last fifth
            double[] tail = Arrays.copyOfRange(perCall, rounds - Math.max(1, rounds / 5), rounds);
            Arrays.sort(tail);
            double steady = tail[tail.length / 2];
            // fast from: just after the last stretch of slow rounds, a stretch being 51 rounds in a row (about
            // 7 ms) whose median is over 1.5x the final speed. The JIT's slow phase lasts hundreds of ms; a shorter
            // stretch is the OS or another process taking the core, which a busy 2-core machine shows every
            // few seconds.
            int fastFrom = 0;
            double[] window = new double[51];
            for (int r = rounds - 1; r >= window.length - 1; r--) {
                System.arraycopy(perCall, r - window.length + 1, window, 0, window.length);
                Arrays.sort(window);
                if (window[window.length / 2] > 1.5 * steady) {
                    fastFrom = r + 1;
                    break;
                }
            }
            long fastAt = fastFrom == 0 ? firstAt : endAt[fastFrom - 1];
            WarmUp w = model.warmUp(Duration.ofSeconds(30));

            out.println(Kernels.capabilities().path() + " path, " + model.spec() + ", "
                    + ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(a -> a.startsWith("-XX:AOT")).findFirst().orElse("no AOT cache"));
            out.printf(Locale.ROOT, "main            %8.1f ms after JVM start%n", mainAt / 1e6);
            out.printf(Locale.ROOT, "model ready     %8.1f ms%n", readyAt / 1e6);
            out.printf(Locale.ROOT, "first call      %8.1f ms (took %.1f us)%n", firstAt / 1e6, firstCall / 1e3);
            out.printf(Locale.ROOT, "fast from       %8.1f ms (%,d calls in; %.0f ns per call at the end)%n", fastAt / 1e6, 1 + (long) fastFrom * ROUND, steady);
            out.println("then Model.warmUp: " + w);
            return 0;
        }
    }

    /** nanoTime at the JVM's start, from its start time (known to the millisecond); fixed on first use. */
    private static final long JVM_START_NANOS = System.nanoTime() - (System.currentTimeMillis()
            - ManagementFactory.getRuntimeMXBean().getStartTime()) * 1_000_000L;

    /** Nanoseconds since the JVM started. */
    private static long uptimeNanos() {
        return System.nanoTime() - JVM_START_NANOS;
    }
}
