package io.quantlane.kernel;

import io.quantlane.testing.Tolerance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/**
 * Large GEMM checked the BLIS way, in O(n^2): multiply both sides by a random vector x and compare C x with
 * op(A) (op(B) x), the right-hand side in double (for dgemm: in double too, so the bound uses double epsilon
 * and the error of the reference itself). Each row's error is bounded by (k + 8) epsilons of the magnitude
 * |op(A)| (|op(B)| |x|) + |C| |x|. Float32 and float64, all four transpositions, one and three threads.
 */
class GemmResidualTest {

    private static final Parallel THREE = Parallel.newPool(3);

    @AfterAll
    static void closePool() {
        THREE.close();
    }

    @ParameterizedTest(name = "{0} x {1} x {2}, transA {3}, transB {4}, {5}, threads {6}")
    @CsvSource({"256, 256, 256, false, false, f32, 1", "512, 512, 512, false, true, f32, 1",
            "1000, 1000, 1000, false, false, f32, 1", "1024, 1024, 1024, true, false, f32, 3",
            "1024, 1024, 1024, true, true, f32, 1", "300, 700, 513, true, false, f32, 1", "1024, 17, 1024, false, true, f32, 3",
            "16, 1024, 1000, false, false, f32, 1",
            "256, 256, 256, true, true, f64, 1", "700, 300, 513, false, true, f64, 3", "1024, 1024, 1024, false, false, f64, 1",
            "1000, 1000, 1000, true, false, f64, 3"})
    void residualIsWithinRoundingError(int m, int n, int k, boolean transA, boolean transB, String type, int threads) {
        boolean f64 = type.equals("f64");
        try (Arena arena = Arena.ofShared()) {
            Random rnd = new Random(m * 31L + n * 7L + k);
            int lda = transA ? m : k, ldb = transB ? k : n;
            MemorySegment a = random(arena, (long) m * k, rnd, f64), b = random(arena, (long) k * n, rnd, f64);
            MemorySegment c = arena.allocate((long) m * n * (f64 ? Double.BYTES : Float.BYTES), 64);
            c.fill((byte) 0xFF);   // NaN bit patterns: beta = 0 must not read C
            Parallel par = threads == 1 ? Parallel.CALLER : THREE;
            if (f64) {
                Kernels.dgemm(par, transA, transB, m, n, k, 1.0, a, 0, lda, b, 0, ldb, 0.0, c, 0, n);
            } else {
                Kernels.sgemm(par, transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
            }
            double[] x = new double[n];
            for (int j = 0; j < n; j++) {
                x[j] = rnd.nextDouble() * 2 - 1;
            }
            double[] bx = new double[k], bxAbs = new double[k];
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) {
                    double v = get(b, transB ? (long) j * ldb + p : (long) p * ldb + j, f64);
                    bx[p] += v * x[j];
                    bxAbs[p] += Math.abs(v * x[j]);
                }
            }
            // The reference is itself computed in double: for f64 its own rounding is of the same order.
            Tolerance tol = f64 ? Tolerance.reduction64(2 * k + n, 8) : Tolerance.reduction(k, 8);
            for (int i = 0; i < m; i++) {
                double cx = 0, cxAbs = 0, ref = 0, mag = 0;
                for (int j = 0; j < n; j++) {
                    double v = get(c, (long) i * n + j, f64);
                    cx += v * x[j];
                    cxAbs += Math.abs(v * x[j]);
                }
                for (int p = 0; p < k; p++) {
                    double aip = get(a, transA ? (long) p * lda + i : (long) i * lda + p, f64);
                    ref += aip * bx[p];
                    mag += Math.abs(aip) * bxAbs[p];
                }
                tol.assertClose("(C x)[" + i + "]", cx, ref, mag + cxAbs);
            }
        }
    }

    private static double get(MemorySegment s, long i, boolean f64) {
        return f64 ? s.getAtIndex(ValueLayout.JAVA_DOUBLE, i) : s.getAtIndex(ValueLayout.JAVA_FLOAT, i);
    }

    private static MemorySegment random(Arena arena, long count, Random rnd, boolean f64) {
        MemorySegment s = arena.allocate(count * (f64 ? Double.BYTES : Float.BYTES), 64);
        for (long i = 0; i < count; i++) {
            if (f64) {
                s.setAtIndex(ValueLayout.JAVA_DOUBLE, i, rnd.nextDouble() * 2 - 1);
            } else {
                s.setAtIndex(ValueLayout.JAVA_FLOAT, i, rnd.nextFloat() * 2 - 1);
            }
        }
        return s;
    }
}
