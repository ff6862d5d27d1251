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
 * Our exp polynomial against the JDK's {@code VectorOperators.EXP} (SVML on x86) inside the same kernels,
 * same data: {@code method} sets {@code -Dquantlane.exp} before the kernels are first touched in the fork.
 * This is the measurement behind the default in {@code VectorMath}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 4, time = 400, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ExpMethodBench {

    @Param({"4096"})
    public int size;

    @Param({"poly", "jdk"})
    public String method;

    private FloatKernels k;
    private Arena arena;
    private MemorySegment x, y;

    @Setup(Level.Trial)
    public void setUp() {
        System.setProperty("quantlane.exp", method);
        k = Kernels.implementation();
        if (!k.describe().contains(method.equals("jdk") ? "VectorOperators.EXP" : "polynomial")) {
            throw new IllegalStateException("exp method not applied: " + k.describe());
        }
        arena = Arena.ofShared();
        x = arena.allocate((long) size * Float.BYTES, 64);
        y = arena.allocate((long) size * Float.BYTES, 64);
        Random rnd = new Random(7);
        for (int i = 0; i < size; i++) {
            x.setAtIndex(ValueLayout.JAVA_FLOAT, i, (rnd.nextFloat() * 2 - 1) * 8f);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void exp() {
        k.exp(size, x, 0, y, 0);
    }

    @Benchmark
    public void tanh() {
        k.tanh(size, x, 0, y, 0);
    }

    @Benchmark
    public void sigmoid() {
        k.sigmoid(size, x, 0, y, 0);
    }
}
