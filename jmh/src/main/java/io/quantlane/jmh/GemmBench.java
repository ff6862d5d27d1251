package io.quantlane.jmh;

import io.quantlane.kernel.FloatKernels;
import io.quantlane.kernel.Kernels;
import io.quantlane.kernel.Parallel;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_FDRM;
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
 * GEMM, C = op(A) op(B) (alpha 1, beta 0), for every implementation on the same data in one run:
 * {@code quantlane} (the facade, argument checks included), {@code quantlane2t} (the same with
 * {@code Parallel.newPool(2)}), {@code openblas} (0.3.31 through JavaCPP; run with OPENBLAS_NUM_THREADS=1),
 * {@code ejml} (0.46.1, FMatrixRMaj / DMatrixRMaj, CommonOps mult / multTransA / multTransB) and
 * {@code scalar} (quantlane's scalar twin). The shape parameter is "m x k x n" plus the transposes, "NN",
 * "NT" (B^T, the input gradient of a dense layer), "TN" (A^T, the weight gradient); {@code n} alone means a
 * square NN product. GFLOP/s = 2 m n k / time (docs/benchmarks.md, jmh/report.py).
 *
 * <p>OpenBLAS gets its own native copies of the operands (JavaCPP pointers), as a JNI user has; quantlane
 * works on 64-byte aligned native segments; EJML on its float[] / double[] matrices.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBench {

    @Param({"16", "64", "256", "512", "1024", "2048"})
    public String shape;

    @Param({"quantlane", "openblas"})
    public String impl;

    private int m, n, k;
    private boolean transA, transB;
    private int lda, ldb;
    private FloatKernels scalar;
    private Parallel par = Parallel.CALLER;
    private Arena arena;
    private MemorySegment a, b, c, ad, bd, cd;
    private FloatPointer pa, pb, pc;
    private DoublePointer pad, pbd, pcd;
    private FMatrixRMaj ea, eb, ec;
    private DMatrixRMaj ead, ebd, ecd;

    @Setup(Level.Trial)
    public void setUp() {
        parseShape();
        arena = Arena.ofShared();
        int aSize = m * k, bSize = k * n, cSize = m * n;
        Random rnd = new Random(3);
        float[] av = random(aSize, rnd), bv = random(bSize, rnd);
        double[] avd = widen(av), bvd = widen(bv);
        a = copy(av);
        b = copy(bv);
        c = arena.allocate((long) cSize * Float.BYTES, 64);
        ad = arena.allocate((long) aSize * Double.BYTES, 64);
        bd = arena.allocate((long) bSize * Double.BYTES, 64);
        cd = arena.allocate((long) cSize * Double.BYTES, 64);
        MemorySegment.copy(avd, 0, ad, ValueLayout.JAVA_DOUBLE, 0, aSize);
        MemorySegment.copy(bvd, 0, bd, ValueLayout.JAVA_DOUBLE, 0, bSize);
        switch (impl) {
            case "openblas" -> {
                // The presets expose no thread setter; OpenBLAS reads the environment when it loads.
                if (!"1".equals(System.getenv("OPENBLAS_NUM_THREADS"))) {
                    throw new IllegalStateException("run with OPENBLAS_NUM_THREADS=1 for a single-threaded comparison");
                }
                org.bytedeco.javacpp.Loader.load(openblas.class);
                pa = new FloatPointer(av);
                pb = new FloatPointer(bv);
                pc = new FloatPointer(cSize);
                pad = new DoublePointer(avd);
                pbd = new DoublePointer(bvd);
                pcd = new DoublePointer(cSize);
            }
            case "ejml" -> {
                ea = new FMatrixRMaj(transA ? k : m, transA ? m : k, true, av);
                eb = new FMatrixRMaj(transB ? n : k, transB ? k : n, true, bv);
                ec = new FMatrixRMaj(m, n);
                ead = new DMatrixRMaj(transA ? k : m, transA ? m : k, true, avd);
                ebd = new DMatrixRMaj(transB ? n : k, transB ? k : n, true, bvd);
                ecd = new DMatrixRMaj(m, n);
            }
            case "scalar" -> scalar = Kernels.scalar();
            case "quantlane", "quantlane2t" -> {
                if (!Kernels.capabilities().isSimd()) {
                    throw new IllegalStateException("simd expected: " + Kernels.capabilities().reason());
                }
                if (impl.equals("quantlane2t")) {
                    par = Parallel.newPool(2);
                }
            }
            default -> throw new IllegalArgumentException("impl: " + impl);
        }
    }

    /** "256" is 256 x 256 x 256 NN; "8x1024x256:NT" is m = 8, k = 1024, n = 256 with B transposed. */
    private void parseShape() {
        String[] parts = shape.split(":");
        String[] dims = parts[0].split("x");
        if (dims.length == 1) {
            m = k = n = Integer.parseInt(dims[0]);
        } else {
            m = Integer.parseInt(dims[0]);
            k = Integer.parseInt(dims[1]);
            n = Integer.parseInt(dims[2]);
        }
        String ops = parts.length > 1 ? parts[1] : "NN";
        transA = ops.charAt(0) == 'T';
        transB = ops.charAt(1) == 'T';
        lda = transA ? m : k;
        ldb = transB ? k : n;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        par.close();
        arena.close();
        if (pa != null) {
            pa.close();
            pb.close();
            pc.close();
            pad.close();
            pbd.close();
            pcd.close();
        }
    }

    @Benchmark
    public Object sgemm() {
        switch (impl) {
            case "openblas" -> openblas.cblas_sgemm(openblas.CblasRowMajor, transA ? openblas.CblasTrans : openblas.CblasNoTrans,
                    transB ? openblas.CblasTrans : openblas.CblasNoTrans, m, n, k, 1f, pa, lda, pb, ldb, 0f, pc, n);
            case "ejml" -> {
                if (transA) {
                    CommonOps_FDRM.multTransA(ea, eb, ec);
                } else if (transB) {
                    CommonOps_FDRM.multTransB(ea, eb, ec);
                } else {
                    CommonOps_FDRM.mult(ea, eb, ec);
                }
            }
            case "scalar" -> scalar.sgemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
            default -> Kernels.sgemm(par, transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
        }
        return c;
    }

    @Benchmark
    public Object dgemm() {
        switch (impl) {
            case "openblas" -> openblas.cblas_dgemm(openblas.CblasRowMajor, transA ? openblas.CblasTrans : openblas.CblasNoTrans,
                    transB ? openblas.CblasTrans : openblas.CblasNoTrans, m, n, k, 1.0, pad, lda, pbd, ldb, 0.0, pcd, n);
            case "ejml" -> {
                if (transA) {
                    CommonOps_DDRM.multTransA(ead, ebd, ecd);
                } else if (transB) {
                    CommonOps_DDRM.multTransB(ead, ebd, ecd);
                } else {
                    CommonOps_DDRM.mult(ead, ebd, ecd);
                }
            }
            case "scalar" -> scalar.dgemm(transA, transB, m, n, k, 1.0, ad, 0, lda, bd, 0, ldb, 0.0, cd, 0, n);
            default -> Kernels.dgemm(par, transA, transB, m, n, k, 1.0, ad, 0, lda, bd, 0, ldb, 0.0, cd, 0, n);
        }
        return cd;
    }

    private MemorySegment copy(float[] v) {
        MemorySegment s = arena.allocate((long) v.length * Float.BYTES, 64);
        MemorySegment.copy(v, 0, s, ValueLayout.JAVA_FLOAT, 0, v.length);
        return s;
    }

    private static float[] random(int count, Random rnd) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = rnd.nextFloat() * 2 - 1;
        }
        return v;
    }

    private static double[] widen(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
