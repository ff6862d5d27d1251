package io.quantlane.cli;

import io.quantlane.kernel.Capabilities;
import io.quantlane.kernel.FloatKernels;
import io.quantlane.kernel.Kernels;
import io.quantlane.memory.Matrix;
import io.quantlane.nn.InferenceContext;
import io.quantlane.nn.Loss;
import io.quantlane.nn.Mlp;
import io.quantlane.nn.Model;
import io.quantlane.nn.ModelFile;
import io.quantlane.nn.Network;
import io.quantlane.nn.Optimizer;
import io.quantlane.nn.Trainer;
import io.quantlane.nn.TrainingReport;
import io.quantlane.workloads.LoanDefault;
import io.quantlane.workloads.MarketPrediction;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;

/**
 * The command line: {@code info} prints the capability report; {@code demo} runs the kernel families on the
 * chosen path and on the scalar twin side by side and shows how closely they agree, trains, saves and reloads a
 * small network, runs both finance workloads and ends with a summary; {@code train}, {@code predict},
 * {@code bench} and {@code warmup} live in their own classes.
 * Launched by the {@code ./quantlane} script, which finds a JDK 25 and adds the Vector API module.
 */
public final class Main {

    private static final String USAGE = """
            usage: quantlane <command>

            commands:
              info    the capability report: JVM, kernel path (simd or scalar), vector width, FMA, and why
              demo    the kernel families on the chosen path against their scalar twins: how closely they agree;
                      then a network trained on XOR, saved, memory-mapped back and asked for its four answers;
                      then loan-default risk on the bundled German credit data (MLP and logistic regression, 10-fold
                      CV repeated 10 times) and next-day index returns on EuStockMarkets against the random walk;
                      then a one-screen summary (about 30 s in all)
              train   fit a network to any CSV (--data, --target; --help for the options) and write a model file
              predict score a CSV with a model file written by train
              bench   this machine: kernel GFLOP/s beside the scalar twin, batch-1 inference latency p50 to p99.99
              warmup  how long this JVM takes from start to fast predictions, and what Model.warmUp reports
              help    this text
            """;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String command = args.length == 0 ? "help" : args[0];
        boolean help = args.length > 1 && (args[1].equals("--help") || args[1].equals("-h"));
        if (command.equals("train") || command.equals("predict") || command.equals("bench")
                || command.equals("warmup")) {
            if (help) {
                out.print(switch (command) {
                    case "train" -> TrainPredict.TRAIN_HELP;
                    case "predict" -> TrainPredict.PREDICT_HELP;
                    case "warmup" -> Startup.HELP;
                    default -> Bench.HELP;
                });
                return 0;
            }
            try {
                return switch (command) {
                    case "train" -> TrainPredict.train(args, out, err);
                    case "predict" -> TrainPredict.predict(args, out, err);
                    case "warmup" -> Startup.run(args, out, err);
                    default -> Bench.run(args, out, err);
                };
            } catch (IOException | RuntimeException e) {   // usage, CSV, model-file and shape errors: one line each
                String message = switch (e) {
                    case java.nio.file.NoSuchFileException n -> "no such file: " + n.getFile();
                    case java.nio.file.AccessDeniedException a -> "permission denied: " + a.getFile();
                    default -> e.getMessage() == null ? e.toString() : e.getMessage();
                };
                if (message.startsWith(command + ": ")) {
                    message = message.substring(command.length() + 2);
                }
                err.println("quantlane " + command + ": " + message.replace('\n', ' '));
                return 2;
            }
        }
        if (help) {
            out.print(USAGE);
            return 0;
        }
        switch (command) {
            case "info" -> {
                out.println(Kernels.capabilities().report());
                return 0;
            }
            case "demo" -> {
                demo(out, err);
                return 0;
            }
            case "help", "--help", "-h" -> {
                out.print(USAGE);
                return 0;
            }
            default -> {
                err.println("quantlane: unknown command '" + command + "' (try: quantlane help)");
                return 2;
            }
        }
    }

    private interface Kernel {
        void run(FloatKernels k, int n, MemorySegment x, MemorySegment y, MemorySegment z);
    }

    /** Repeats of the loan-default cross-validation in the demo (seeds 1 to 10). */
    private static final int LOAN_REPEATS = 10;

    private static void demo(PrintStream out, PrintStream err) {
        Capabilities caps = Kernels.capabilities();
        out.println(caps.report());
        out.println();
        FloatKernels fast = Kernels.implementation();
        FloatKernels twin = Kernels.scalar();
        int n = 1 << 16;
        String[] names = {"dot", "axpy", "gemv 256x256", "sgemm 256^3", "sgemm A^T B^T", "exp", "sigmoid", "tanh", "gelu", "softmax", "adamW"};
        Kernel[] kernels = {
            (k, m, x, y, z) -> z.setAtIndex(ValueLayout.JAVA_FLOAT, 0, k.dot(m, x, 0, 1, y, 0, 1)),
            (k, m, x, y, z) -> k.axpy(m, 0.5f, x, 0, 1, z, 0, 1),
            (k, m, x, y, z) -> k.gemv(256, 256, 1f, x, 0, 256, y, 0, 1, 0f, z, 0, 1),
            (k, m, x, y, z) -> k.sgemm(false, false, 256, 256, 256, 1f, x, 0, 256, y, 0, 256, 0f, z, 0, 256),
            (k, m, x, y, z) -> k.sgemm(true, true, 256, 256, 256, 1f, x, 0, 256, y, 0, 256, 0.5f, z, 0, 256),
            (k, m, x, y, z) -> k.exp(m, x, 0, z, 0),
            (k, m, x, y, z) -> k.sigmoid(m, x, 0, z, 0),
            (k, m, x, y, z) -> k.tanh(m, x, 0, z, 0),
            (k, m, x, y, z) -> k.gelu(m, x, 0, z, 0),
            (k, m, x, y, z) -> k.softmax(64, m / 64, x, 0, m / 64, z, 0, m / 64),
            (k, m, x, y, z) -> k.adamW(m, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 1, z, 0, x, 0, y, 0, y, m),
        };
        double worstKernel = 0;
        out.printf(Locale.ROOT, "%-18s %s%n", "kernel (n=65536)", caps.path() + " vs scalar twin: max |diff| / max |value|");
        try (Arena arena = Arena.ofShared()) {
            Random rnd = new Random(1);
            MemorySegment x = random(arena, n, rnd, 4f), y = random(arena, 2 * n, rnd, 1f);
            for (int j = n; j < 2 * n; j++) {   // the second half of y is Adam's second moment: >= 0
                y.setAtIndex(ValueLayout.JAVA_FLOAT, j, Math.abs(y.getAtIndex(ValueLayout.JAVA_FLOAT, j)));
            }
            for (int i = 0; i < names.length; i++) {
                err.print("\rdemo: kernel " + names[i] + "          ");
                MemorySegment zFast = random(arena, n, new Random(2), 1f), zTwin = random(arena, n, new Random(2), 1f);
                MemorySegment yFast = copy(arena, y), yTwin = copy(arena, y);
                kernels[i].run(fast, n, x, yFast, zFast);
                kernels[i].run(twin, n, x, yTwin, zTwin);
                double diff = 0, scale = 0;
                for (int j = 0; j < n; j++) {
                    float a = zFast.getAtIndex(ValueLayout.JAVA_FLOAT, j), b = zTwin.getAtIndex(ValueLayout.JAVA_FLOAT, j);
                    diff = Math.max(diff, Math.abs(a - b));
                    scale = Math.max(scale, Math.abs(b));
                }
                double relative = scale == 0 ? diff : diff / scale;
                worstKernel = Math.max(worstKernel, relative);
                out.printf(Locale.ROOT, "%-18s %.1e%n", names[i], relative);
            }
            err.println();
        }
        out.println();
        int xorRight = networkDemo(out);
        out.println();
        LoanDefault.Repeated loans;
        MarketPrediction.Report forecast;
        try {
            loans = LoanDefault.repeated(LoanDefault.bundledData(), LoanDefault.Config.defaults(),
                    LOAN_REPEATS, line -> err.print("\rloan default: " + line + "   "));
            err.println();
            LoanDefault.summary(loans).forEach(out::println);
            out.println();
            MarketPrediction.Config market = MarketPrediction.Config.defaults();
            err.println("market: training on the first 80 % of days...");
            forecast = MarketPrediction.run(
                    MarketPrediction.returns(MarketPrediction.bundledData()), market);
            MarketPrediction.summary(forecast, market).forEach(out::println);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println();
        summary(out, caps, worstKernel, names.length, xorRight, loans, forecast);
    }

    /** The closing screen: one line per part of the demo, with the figures a reader came for. */
    private static void summary(PrintStream out, Capabilities caps, double worstKernel, int kernels, int xorRight,
                                LoanDefault.Repeated loans, MarketPrediction.Report forecast) {
        out.println("== summary");
        out.printf(Locale.ROOT, "kernels       %s path, %d-bit vectors; %d kernel families agree with their scalar twins "
                + "to %.1e (relative)%n", caps.path(), caps.vectorBits(), kernels, worstKernel);
        out.printf(Locale.ROOT, "network       XOR: %d of 4 answers right from the memory-mapped model file%n", xorRight);
        ToDoubleFunction<LoanDefault.Scores> auc = LoanDefault.Scores::auc, cost = LoanDefault.Scores::cost;
        out.printf(Locale.ROOT, "loan default  MLP AUC %.3f ± %.3f, cost %.3f ± %.3f | logistic AUC %.3f, cost %.3f "
                        + "| R's logistic 0.785, 0.545 (targets: AUC >= 0.79, cost <= 0.53)%n",
                loans.mean(LoanDefault.Report::mlp, auc), loans.sd(LoanDefault.Report::mlp, auc),
                loans.mean(LoanDefault.Report::mlp, cost), loans.sd(LoanDefault.Report::mlp, cost),
                loans.mean(LoanDefault.Report::logistic, auc), loans.mean(LoanDefault.Report::logistic, cost));
        StringBuilder ratios = new StringBuilder(), hits = new StringBuilder();
        int beaten = 0;
        for (MarketPrediction.SeriesScores s : forecast.series()) {
            ratios.append(String.format(Locale.ROOT, " %s %.3f", s.series(), s.rmse() / s.randomWalkRmse()));
            hits.append(String.format(Locale.ROOT, " %s %.3f/%.3f", s.series(), s.hitRate(), s.alwaysUpHitRate()));
            beaten += s.rmse() < s.randomWalkRmse() ? 1 : 0;
        }
        out.printf(Locale.ROOT, "market        RMSE / random walk:%s; beats it on %d of %d (parity is the honest "
                + "expectation)%n", ratios, beaten, forecast.series().size());
        out.printf(Locale.ROOT, "              hit rate / always up:%s%n", hits);
        out.println("Speed is measured with JMH, not here: jmh/run.sh, results in docs/benchmarks.md; this machine: "
                + "quantlane bench.");
        out.println("Your own data: quantlane train --help, quantlane predict --help.");
    }

    /** XOR, which needs the hidden layer: train, save, memory-map back, predict; how many of 4 are right. */
    private static int networkDemo(PrintStream out) {
        out.println("network layer: XOR with " + XOR_SPEC + ", Adam, seed 42");
        float[] inputs = {0, 0, 0, 1, 1, 0, 1, 1};
        float[] targets = {0, 1, 1, 0};
        try (Arena arena = Arena.ofShared(); Network net = Network.create(XOR_SPEC, 42)) {
            Matrix x = Matrix.copyOf(arena, 4, 2, inputs), y = Matrix.copyOf(arena, 4, 1, targets);
            TrainingReport report = Trainer.builder().loss(Loss.binaryCrossEntropy()).optimizer(Optimizer.adam(0.05f))
                    .epochs(400).batchSize(4).seed(1).build().fit(net, x, y);
            out.printf(Locale.ROOT, "  trained %d epochs (%d steps): loss %.4f -> %.4f%n", report.history().size(),
                    report.steps(), report.history().get(0).trainLoss(), report.last().trainLoss());
            Path file = Files.createTempFile("quantlane-xor", ".qlm");
            try {
                try (Model model = net.toModel(null, List.of("a", "b"), Map.of("demo", "xor"))) {
                    ModelFile.save(model, file);
                }
                try (Model loaded = ModelFile.load(file)) {
                    InferenceContext ctx = loaded.newContext();
                    float[] p = new float[1];
                    int right = 0;
                    for (int i = 0; i < 4; i++) {
                        loaded.predict(ctx, new float[] {inputs[2 * i], inputs[2 * i + 1]}, p);
                        right += (p[0] > 0.5f) == (targets[i] == 1f) ? 1 : 0;
                        out.printf(Locale.ROOT, "  P(%.0f xor %.0f = 1) = %.3f%n", inputs[2 * i], inputs[2 * i + 1], p[0]);
                    }
                    out.println("  (predicted by the model saved to and memory-mapped from a " + Files.size(file)
                            + "-byte model file)");
                    return right;
                }
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Mlp XOR_SPEC = Mlp.input(2).dense(8).tanh().dense(1).sigmoid();

    /** n floats uniform in [-scale, scale), in a 64-byte-aligned segment of {@code arena}. */
    static MemorySegment random(Arena arena, int n, Random rnd, float scale) {
        MemorySegment s = arena.allocate((long) n * Float.BYTES, 64);
        for (int i = 0; i < n; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (rnd.nextFloat() * 2 - 1) * scale);
        }
        return s;
    }

    private static MemorySegment copy(Arena arena, MemorySegment src) {
        return arena.allocate(src.byteSize(), 64).copyFrom(src);
    }
}
