package io.quantlane.jmh;

import io.quantlane.kernel.FloatKernels;
import io.quantlane.kernel.Kernels;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
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
 * Square SGEMM, C = A B, quantlane against OpenBLAS 0.3.31 (JavaCPP, one thread: run with
 * {@code OPENBLAS_NUM_THREADS=1 jmh/run.sh GemmBench}) on the same data in one run.
 * GFLOP/s = 2 n^3 / time. OpenBLAS gets its own native copies of the operands (JavaCPP pointers), which is
 * what a JNI user has; quantlane works on 64-byte aligned segments.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 4, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBench {

    @Param({"16", "64", "256", "1024"})
    public int n;

    @Param({"quantlane", "openblas"})
    public String impl;

    private FloatKernels k;
    private Arena arena;
    private MemorySegment a, b, c;
    private FloatPointer pa, pb, pc;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        long count = (long) n * n;
        a = arena.allocate(count * Float.BYTES, 64);
        b = arena.allocate(count * Float.BYTES, 64);
        c = arena.allocate(count * Float.BYTES, 64);
        Random rnd = new Random(3);
        float[] av = new float[(int) count], bv = new float[(int) count];
        for (int i = 0; i < count; i++) {
            av[i] = rnd.nextFloat() * 2 - 1;
            bv[i] = rnd.nextFloat() * 2 - 1;
        }
        MemorySegment.copy(av, 0, a, ValueLayout.JAVA_FLOAT, 0, av.length);
        MemorySegment.copy(bv, 0, b, ValueLayout.JAVA_FLOAT, 0, bv.length);
        if (impl.equals("openblas")) {
            // The presets expose no thread setter; OpenBLAS reads the environment when it loads.
            if (!"1".equals(System.getenv("OPENBLAS_NUM_THREADS"))) {
                throw new IllegalStateException("run with OPENBLAS_NUM_THREADS=1 for a single-threaded comparison");
            }
            org.bytedeco.javacpp.Loader.load(openblas.class);
            pa = new FloatPointer(av);
            pb = new FloatPointer(bv);
            pc = new FloatPointer(count);
        } else {
            k = Kernels.implementation();
            if (!Kernels.capabilities().isSimd()) {
                throw new IllegalStateException("simd expected: " + Kernels.capabilities().reason());
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
        if (pa != null) {
            pa.close();
            pb.close();
            pc.close();
        }
    }

    @Benchmark
    public void sgemm() {
        if (pa != null) {
            openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, n, n, n,
                    1f, pa, n, pb, n, 0f, pc, n);
        } else {
            k.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        }
    }
}
