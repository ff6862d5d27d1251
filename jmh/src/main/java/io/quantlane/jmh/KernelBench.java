package io.quantlane.jmh;

import io.quantlane.kernel.FloatKernels;
import io.quantlane.kernel.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Each SIMD kernel against its scalar twin, side by side in one run: {@code impl} selects the
 * implementation (each parameter combination runs in its own forks, so every call site is monomorphic).
 * {@code size} is the element count; GEMV and SGEMM use sqrt(size) x sqrt(size) matrices, softmax one row of size.
 *
 * <p>Calls go to the implementation directly, past the facade's argument checks, so the ratio is kernel to
 * kernel. Operands are 64-byte aligned native memory allocated once per trial.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 4, time = 400, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelBench {

    @Param({"16", "256", "4096", "65536"})
    public int size;

    @Param({"simd", "scalar"})
    public String impl;

    private FloatKernels k;
    private Arena arena;
    private MemorySegment x, y, z, w, g, m, v, t;
    private int side;

    @Setup(Level.Trial)
    public void setUp() {
        k = impl.equals("simd") ? Kernels.implementation() : Kernels.scalar();
        if (impl.equals("simd") && !Kernels.capabilities().isSimd()) {
            throw new IllegalStateException("simd requested but the provider chose: " + Kernels.capabilities().reason());
        }
        arena = Arena.ofShared();
        Random rnd = new Random(42);
        x = filled(rnd, 4f);
        y = filled(rnd, 4f);
        z = filled(rnd, 1f);
        w = filled(rnd, 1f);
        g = filled(rnd, 1f);
        m = filled(rnd, 0.1f);
        v = arena.allocate((long) size * Float.BYTES, 64);
        t = arena.allocate((long) size * Float.BYTES, 64);
        for (int i = 0; i < size; i++) {
            v.setAtIndex(ValueLayout.JAVA_FLOAT, i, rnd.nextFloat() * 0.01f);
            t.setAtIndex(ValueLayout.JAVA_FLOAT, i, rnd.nextInt(2));
        }
        side = (int) Math.round(Math.sqrt(size));
    }

    private MemorySegment filled(Random rnd, float scale) {
        MemorySegment s = arena.allocate((long) size * Float.BYTES, 64);
        for (int i = 0; i < size; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (rnd.nextFloat() * 2 - 1) * scale);
        }
        return s;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float dot() {
        return k.dot(size, x, 0, 1, y, 0, 1);
    }

    @Benchmark
    public void axpy() {
        k.axpy(size, 1e-7f, x, 0, 1, z, 0, 1);
    }

    @Benchmark
    public float sum() {
        return k.sum(size, x, 0, 1);
    }

    @Benchmark
    public float max() {
        return k.max(size, x, 0, 1);
    }

    @Benchmark
    public void add() {
        k.add(size, x, 0, 1, y, 0, 1, z, 0, 1);
    }

    @Benchmark
    public void fma() {
        k.mul(size, x, 0, 1, y, 0, 1, z, 0, 1);
        k.fma(size, x, 0, 1, y, 0, 1, z, 0, 1);
    }

    @Benchmark
    public void gemv() {
        k.gemv(side, side, 1f, x, 0, side, y, 0, 1, 0f, z, 0, 1);
    }

    @Benchmark
    public void gemvT() {
        k.gemvT(side, side, 1f, x, 0, side, y, 0, 1, 0f, z, 0, 1);
    }

    /** One sample through a sqrt(size)-square dense layer with ReLU: z = relu(y W + w) with W = x. */
    @Benchmark
    public void denseRow() {
        k.denseRow(side, side, y, 0, x, 0, side, w, 0, true, z, 0);
    }

    /** sqrt(size)-square SGEMM, C = A B: the first, unblocked version (the GEMM issue brings packing). */
    @Benchmark
    public void sgemm() {
        k.sgemm(false, false, side, side, side, 1f, x, 0, side, y, 0, side, 0f, z, 0, side);
    }

    @Benchmark
    public void colSums() {
        k.colSums(side, side, x, 0, side, 0f, z, 0);
    }

    @Benchmark
    public void relu() {
        k.relu(size, x, 0, z, 0);
    }

    @Benchmark
    public void exp() {
        k.exp(size, x, 0, z, 0);
    }

    @Benchmark
    public void sigmoid() {
        k.sigmoid(size, x, 0, z, 0);
    }

    @Benchmark
    public void tanh() {
        k.tanh(size, x, 0, z, 0);
    }

    @Benchmark
    public void gelu() {
        k.gelu(size, x, 0, z, 0);
    }

    @Benchmark
    public void geluBackward() {
        k.geluBackward(size, x, 0, y, 0, z, 0);
    }

    @Benchmark
    public void softmax() {
        k.softmax(1, size, x, 0, size, z, 0, size);
    }

    @Benchmark
    public void logSoftmax() {
        k.logSoftmax(1, size, x, 0, size, z, 0, size);
    }

    @Benchmark
    public float mseLoss() {
        return k.mseLoss(size, x, 0, y, 0, z, 0);
    }

    @Benchmark
    public float bceWithLogitsLoss() {
        return k.bceWithLogitsLoss(size, x, 0, t, 0, 1f, z, 0);
    }

    @Benchmark
    public float softmaxCrossEntropyLoss() {
        return k.softmaxCrossEntropyLoss(1, size, x, 0, size, t, 0, size, z, 0, size);
    }

    @Benchmark
    public void sgdMomentum() {
        k.sgdMomentum(size, 1e-7f, 0.9f, 0f, true, w, 0, g, 0, m, 0);
    }

    @Benchmark
    public void adam() {
        k.adamW(size, 1e-7f, 0.9f, 0.999f, 1e-8f, 0.01f, 10, w, 0, g, 0, m, 0, v, 0);
    }
}
