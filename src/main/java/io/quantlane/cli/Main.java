package io.quantlane.cli;

import io.quantlane.kernel.Capabilities;
import io.quantlane.kernel.FloatKernels;
import io.quantlane.kernel.Kernels;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import java.util.Random;

/**
 * The command line: {@code info} prints the capability report; {@code demo} runs the kernel families on the
 * chosen path and on the scalar twin side by side and shows how closely they agree.
 * Launched by the {@code ./quantlane} script, which finds a JDK 25 and adds the Vector API module.
 */
public final class Main {

    private static final String USAGE = """
            usage: quantlane <command>

            commands:
              info    the capability report: JVM, kernel path (simd or scalar), vector width, FMA, and why
              demo    the kernel families on the chosen path against their scalar twins: how closely they agree
              help    this text
            """;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String command = args.length == 0 ? "help" : args[0];
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
        try (Arena arena = Arena.ofConfined()) {
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
        out.println("Speed is measured with JMH, not here: jmh/run.sh, results in docs/benchmarks.md.");
        out.println("The finance workloads on the bundled data come with the network layer.");
    }

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
