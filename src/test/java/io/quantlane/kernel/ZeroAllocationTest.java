package io.quantlane.kernel;

import io.quantlane.testing.Allocations;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Every kernel, called through the {@link Kernels} facade (argument checks included) on native memory,
 * allocates nothing once compiled: {@code ThreadMXBean} allocated-bytes around a warmed-up loop reads 0.
 *
 * <p>On the SIMD path this is what catches a vector that escapes into a heap box, which happens when C2
 * refuses to inline a helper that takes or returns a vector. Compilation is asynchronous, so each kernel
 * gets rounds of warm-up until a measured round is clean (see {@link Allocations}).
 */
class ZeroAllocationTest {

    /** Operands big enough for every kernel at size n: vectors of n, an n x n-free layout (rows x cols = n). */
    record Ops(int n, int rows, int cols, MemorySegment x, MemorySegment y, MemorySegment z, MemorySegment w,
               MemorySegment g, MemorySegment m, MemorySegment v, MemorySegment t) {
    }

    static Map<String, IntFunction<Runnable>> kernels(Arena arena) {
        Map<String, IntFunction<Runnable>> k = new LinkedHashMap<>();
        k.put("dot", n -> { Ops o = ops(arena, n); return () -> Kernels.dot(n, o.x, 0, 1, o.y, 0, 1); });
        k.put("axpy", n -> { Ops o = ops(arena, n); return () -> Kernels.axpy(n, 1e-9f, o.x, 0, 1, o.z, 0, 1); });
        k.put("scal", n -> { Ops o = ops(arena, n); return () -> Kernels.scal(n, 1f, o.z, 0, 1); });
        k.put("sum", n -> { Ops o = ops(arena, n); return () -> Kernels.sum(n, o.x, 0, 1); });
        k.put("max", n -> { Ops o = ops(arena, n); return () -> Kernels.max(n, o.x, 0, 1); });
        k.put("add", n -> { Ops o = ops(arena, n); return () -> Kernels.add(n, o.x, 0, 1, o.y, 0, 1, o.z, 0, 1); });
        k.put("mul", n -> { Ops o = ops(arena, n); return () -> Kernels.mul(n, o.x, 0, 1, o.y, 0, 1, o.z, 0, 1); });
        k.put("fma", n -> { Ops o = ops(arena, n); return () -> Kernels.fma(n, o.x, 0, 1, o.y, 0, 1, o.z, 0, 1); });
        k.put("gemv", n -> { Ops o = ops(arena, n);
            return () -> Kernels.gemv(o.rows, o.cols, 1f, o.x, 0, o.cols, o.y, 0, 1, 0f, o.z, 0, 1); });
        k.put("gemvT", n -> { Ops o = ops(arena, n);
            return () -> Kernels.gemvT(o.rows, o.cols, 1f, o.x, 0, o.cols, o.y, 0, 1, 0.5f, o.z, 0, 1); });
        k.put("denseRow", n -> { Ops o = ops(arena, n);
            return () -> Kernels.denseRow(o.rows, o.cols, o.y, 0, o.x, 0, o.cols, o.w, 0, true, o.z, 0); });
        k.put("sgemm", n -> { Ops o = ops(arena, n);
            int side = (int) Math.sqrt(n);
            return () -> Kernels.sgemm(false, false, side, side, side, 1f, o.x, 0, side, o.y, 0, side, 0.5f, o.z, 0, side); });
        k.put("sgemmBt", n -> { Ops o = ops(arena, n);
            int side = (int) Math.sqrt(n);
            return () -> Kernels.sgemm(false, true, side, side, side, 1f, o.x, 0, side, o.y, 0, side, 0f, o.z, 0, side); });
        k.put("addBias", n -> { Ops o = ops(arena, n); return () -> Kernels.addBias(o.rows, o.cols, o.z, 0, o.cols, o.y, 0); });
        k.put("colSums", n -> { Ops o = ops(arena, n); return () -> Kernels.colSums(o.rows, o.cols, o.x, 0, o.cols, 1f, o.z, 0); });
        k.put("relu", n -> { Ops o = ops(arena, n); return () -> Kernels.relu(n, o.x, 0, o.z, 0); });
        k.put("reluBackward", n -> { Ops o = ops(arena, n); return () -> Kernels.reluBackward(n, o.x, 0, o.y, 0, o.z, 0); });
        k.put("leakyRelu", n -> { Ops o = ops(arena, n); return () -> Kernels.leakyRelu(n, 0.01f, o.x, 0, o.z, 0); });
        k.put("leakyReluBackward", n -> { Ops o = ops(arena, n);
            return () -> Kernels.leakyReluBackward(n, 0.01f, o.x, 0, o.y, 0, o.z, 0); });
        k.put("exp", n -> { Ops o = ops(arena, n); return () -> Kernels.exp(n, o.x, 0, o.z, 0); });
        k.put("sigmoid", n -> { Ops o = ops(arena, n); return () -> Kernels.sigmoid(n, o.x, 0, o.z, 0); });
        k.put("sigmoidBackward", n -> { Ops o = ops(arena, n); return () -> Kernels.sigmoidBackward(n, o.w, 0, o.y, 0, o.z, 0); });
        k.put("tanh", n -> { Ops o = ops(arena, n); return () -> Kernels.tanh(n, o.x, 0, o.z, 0); });
        k.put("tanhBackward", n -> { Ops o = ops(arena, n); return () -> Kernels.tanhBackward(n, o.w, 0, o.y, 0, o.z, 0); });
        k.put("gelu", n -> { Ops o = ops(arena, n); return () -> Kernels.gelu(n, o.x, 0, o.z, 0); });
        k.put("geluBackward", n -> { Ops o = ops(arena, n); return () -> Kernels.geluBackward(n, o.x, 0, o.y, 0, o.z, 0); });
        k.put("softmax", n -> { Ops o = ops(arena, n); return () -> Kernels.softmax(o.rows, o.cols, o.x, 0, o.cols, o.z, 0, o.cols); });
        k.put("logSoftmax", n -> { Ops o = ops(arena, n);
            return () -> Kernels.logSoftmax(o.rows, o.cols, o.x, 0, o.cols, o.z, 0, o.cols); });
        k.put("huberLoss", n -> { Ops o = ops(arena, n); return () -> Kernels.huberLoss(n, 0.5f, o.x, 0, o.t, 0, o.z, 0); });
        k.put("mseLoss", n -> { Ops o = ops(arena, n); return () -> Kernels.mseLoss(n, o.x, 0, o.t, 0, o.z, 0); });
        k.put("bceWithLogitsLoss", n -> { Ops o = ops(arena, n);
            return () -> Kernels.bceWithLogitsLoss(n, o.x, 0, o.t, 0, 2f, o.z, 0); });
        k.put("softmaxCrossEntropyLoss", n -> { Ops o = ops(arena, n);
            return () -> Kernels.softmaxCrossEntropyLoss(o.rows, o.cols, o.x, 0, o.cols, o.t, 0, o.cols, o.z, 0, o.cols); });
        k.put("sgd", n -> { Ops o = ops(arena, n); return () -> Kernels.sgd(n, 1e-9f, 0f, o.w, 0, o.g, 0); });
        k.put("sgdMomentum", n -> { Ops o = ops(arena, n);
            return () -> Kernels.sgdMomentum(n, 1e-9f, 0.9f, 1e-4f, true, o.w, 0, o.g, 0, o.m, 0); });
        k.put("adam", n -> { Ops o = ops(arena, n);
            return () -> Kernels.adam(n, 1e-9f, 0.9f, 0.999f, 1e-8f, 1e-4f, 3, o.w, 0, o.g, 0, o.m, 0, o.v, 0); });
        k.put("adamW", n -> { Ops o = ops(arena, n);
            return () -> Kernels.adamW(n, 1e-9f, 0.9f, 0.999f, 1e-8f, 1e-2f, 3, o.w, 0, o.g, 0, o.m, 0, o.v, 0); });
        // Last, so the wider GEMM paths do not change when the kernels above get compiled.
        // Past the packing crossover (128^3 multiply-adds), whatever n is: packed panels in per-thread scratch.
        k.put("sgemmPacked", n -> { MemorySegment x = square(arena, 160, Float.BYTES), c = square(arena, 160, Float.BYTES);
            return () -> Kernels.sgemm(true, false, 150, 160, 140, 1f, x, 0, 150, x, 0, 160, 0f, c, 0, 160); });
        k.put("dgemm", n -> { int side = (int) Math.sqrt(n); MemorySegment x = square(arena, side, Double.BYTES);
            MemorySegment c = square(arena, side, Double.BYTES);
            return () -> Kernels.dgemm(false, true, side, side, side, 1, x, 0, side, x, 0, side, 0.5, c, 0, side); });
        k.put("dgemmPacked", n -> { MemorySegment x = square(arena, 160, Double.BYTES);
            MemorySegment c = square(arena, 160, Double.BYTES);
            return () -> Kernels.dgemm(false, false, 160, 150, 140, 1, x, 0, 160, x, 0, 150, 1, c, 0, 150); });
        return k;
    }

    /** A side x side matrix of small values, elements of {@code bytes} bytes. */
    private static MemorySegment square(Arena arena, int side, int bytes) {
        MemorySegment s = arena.allocate((long) side * side * bytes, 64);
        for (long i = 0; i < (long) side * side; i++) {
            if (bytes == Float.BYTES) {
                s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (i % 7 - 3) * 0.125f);
            } else {
                s.setAtIndex(ValueLayout.JAVA_DOUBLE, i, (i % 7 - 3) * 0.125);
            }
        }
        return s;
    }

    private static Ops ops(Arena arena, int n) {
        int cols = n >= 64 ? 64 : n;
        int rows = n / Math.max(1, cols);
        MemorySegment[] s = new MemorySegment[8];
        for (int i = 0; i < s.length; i++) {
            s[i] = arena.allocate((long) n * Float.BYTES, 64);
            for (int j = 0; j < n; j++) {
                float value = switch (i) {
                    case 3 -> 0.5f;                          // w: also a sigmoid/tanh output
                    case 6 -> 0.01f;                         // v: second moment, >= 0
                    case 7 -> j % 3 == 0 ? 1f : 0f;          // t: targets
                    default -> (j % 17 - 8) * 0.25f;
                };
                s[i].setAtIndex(ValueLayout.JAVA_FLOAT, j, value);
            }
        }
        return new Ops(n, rows, cols, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]);
    }

    static List<Object[]> cases() {
        List<Object[]> out = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            for (String name : kernels(arena).keySet()) {
                out.add(new Object[] {name});
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void steadyStateAllocatesNothing(String name) {
        try (Arena arena = Arena.ofConfined()) {
            IntFunction<Runnable> factory = kernels(arena).get(name);
            // 37: vector body plus tail at every width; 1000 = 15 x 64 + 40 rows of 64 in the matrix kernels.
            for (int n : new int[] {37, 1000}) {
                Allocations.assertSteadyStateAllocatesNothing(name + " at n = " + n + " ("
                        + Kernels.capabilities().implementation() + ")", factory.apply(n));
            }
        }
    }
}
