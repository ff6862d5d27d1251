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

/**
 * The command line: {@code info} prints the capability report; {@code demo} runs the kernel families on the
 * chosen path and on the scalar twin side by side and shows how closely they agree, then trains, saves and
 * reloads a small network.
 * Launched by the {@code ./quantlane} script, which finds a JDK 25 and adds the Vector API module.
 */
public final class Main {

    private static final String USAGE = """
            usage: quantlane <command>

            commands:
              info    the capability report: JVM, kernel path (simd or scalar), vector width, FMA, and why
              demo    the kernel families on the chosen path against their scalar twins: how closely they agree;
                      then a network trained on XOR, saved, memory-mapped back and asked for its four answers;
                      then loan-default risk on the bundled German credit data (MLP and logistic regression, 10-fold CV)
                      and next-day index returns on EuStockMarkets against the random walk
              train   fit a network to any CSV (--data, --target; --help for the options) and write a model file
              predict score a CSV with a model file written by train
              bench   this machine: kernel GFLOP/s beside the scalar twin, batch-1 inference latency p50 to p99.99
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
        if (command.equals("train") || command.equals("predict") || command.equals("bench")) {
            if (help) {
                out.print(switch (command) {
                    case "train" -> TrainPredict.TRAIN_HELP;
                    case "predict" -> TrainPredict.PREDICT_HELP;
                    default -> Bench.HELP;
                });
                return 0;
            }
            try {
                return switch (command) {
                    case "train" -> TrainPredict.train(args, out, err);
                    case "predict" -> TrainPredict.predict(args, out, err);
                    default -> Bench.run(args, out, err);
                };
            } catch (IOException | RuntimeException e) {   // usage, CSV, model-file and shape errors: one line each
                String message = e.getMessage() == null ? e.toString() : e.getMessage();
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
                demo(out);
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

    private static void demo(PrintStream out) {
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
        out.printf(Locale.ROOT, "%-18s %s%n", "kernel (n=65536)", caps.path() + " vs scalar twin: max |diff| / max |value|");
        try (Arena arena = Arena.ofShared()) {
            Random rnd = new Random(1);
            MemorySegment x = random(arena, n, rnd, 4f), y = random(arena, 2 * n, rnd, 1f);
            for (int j = n; j < 2 * n; j++) {   // the second half of y is Adam's second moment: >= 0
                y.setAtIndex(ValueLayout.JAVA_FLOAT, j, Math.abs(y.getAtIndex(ValueLayout.JAVA_FLOAT, j)));
            }
            for (int i = 0; i < names.length; i++) {
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
                out.printf(Locale.ROOT, "%-18s %.1e%n", names[i], scale == 0 ? diff : diff / scale);
            }
        }
        out.println();
        networkDemo(out);
        out.println();
        try {
            LoanDefault.Config cfg = LoanDefault.Config.defaults();
            LoanDefault.Report report = LoanDefault.run(LoanDefault.bundledData(), cfg, null);
            LoanDefault.summary(report, cfg).forEach(out::println);
            out.println();
            MarketPrediction.Config market = MarketPrediction.Config.defaults();
            MarketPrediction.Report forecast = MarketPrediction.run(
                    MarketPrediction.returns(MarketPrediction.bundledData()), market);
            MarketPrediction.summary(forecast, market).forEach(out::println);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println();
        out.println("Speed is measured with JMH, not here: jmh/run.sh, results in docs/benchmarks.md.");
        out.println("Your own data: quantlane train --help, quantlane predict --help. This machine: quantlane bench.");
    }

    /** XOR, which needs the hidden layer: train, save, memory-map back, predict. */
    private static void networkDemo(PrintStream out) {
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
                    for (int i = 0; i < 4; i++) {
                        loaded.predict(ctx, new float[] {inputs[2 * i], inputs[2 * i + 1]}, p);
                        out.printf(Locale.ROOT, "  P(%.0f xor %.0f = 1) = %.3f%n", inputs[2 * i], inputs[2 * i + 1], p[0]);
                    }
                    out.println("  (predicted by the model saved to and memory-mapped from a " + Files.size(file)
                            + "-byte model file)");
                }
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Mlp XOR_SPEC = Mlp.input(2).dense(8).tanh().dense(1).sigmoid();

    private static MemorySegment random(Arena arena, int n, Random rnd, float scale) {
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
