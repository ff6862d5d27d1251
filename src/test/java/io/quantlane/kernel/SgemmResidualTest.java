package io.quantlane.kernel;

import io.quantlane.testing.Tolerance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/**
 * Large SGEMM checked the BLIS way, in O(n^2): multiply both sides by a random vector x and compare
 * C x with op(A) (op(B) x), the right-hand side computed in double. Each row's error is bounded by
 * k ulps of sum_p |op(A)_ip| |op(B) x|_p-ish magnitudes; we use the exact magnitude |op(A)| (|op(B)| |x|).
 */
class SgemmResidualTest {

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    @ParameterizedTest(name = "{0} x {1} x {2}, transA {3}")
    @CsvSource({"256, 256, 256, false", "512, 512, 512, false", "1000, 1000, 1000, false", "1024, 1024, 1024, false",
            "300, 700, 513, true", "1024, 17, 1024, false"})
    void residualIsWithinRoundingError(int m, int n, int k, boolean transA) {
        try (Arena arena = Arena.ofConfined()) {
            Random rnd = new Random(m * 31L + n * 7L + k);
            int lda = transA ? m : k;
            MemorySegment a = random(arena, (long) m * k, rnd), b = random(arena, (long) k * n, rnd);
            MemorySegment c = arena.allocate((long) m * n * Float.BYTES, 64);
            c.fill((byte) 0xFF);   // NaN bit patterns: beta = 0 must not read C
            Kernels.sgemm(transA, false, m, n, k, 1f, a, 0, lda, b, 0, n, 0f, c, 0, n);

            double[] x = new double[n];
            for (int j = 0; j < n; j++) {
                x[j] = rnd.nextDouble() * 2 - 1;
            }
            double[] bx = new double[k], bxAbs = new double[k];
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) {
                    double v = b.getAtIndex(F, (long) p * n + j);
                    bx[p] += v * x[j];
                    bxAbs[p] += Math.abs(v * x[j]);
                }
            }
            Tolerance tol = Tolerance.reduction(k, 8);
            for (int i = 0; i < m; i++) {
                double cx = 0, cxAbs = 0, ref = 0, mag = 0;
                for (int j = 0; j < n; j++) {
                    double v = c.getAtIndex(F, (long) i * n + j);
                    cx += v * x[j];
                    cxAbs += Math.abs(v * x[j]);
                }
                for (int p = 0; p < k; p++) {
                    double aip = a.getAtIndex(F, transA ? (long) p * lda + i : (long) i * lda + p);
                    ref += aip * bx[p];
                    mag += Math.abs(aip) * bxAbs[p];
                }
                tol.assertClose("(C x)[" + i + "]", cx, ref, mag + cxAbs);
            }
        }
    }

    private static MemorySegment random(Arena arena, long count, Random rnd) {
        MemorySegment s = arena.allocate(count * Float.BYTES, 64);
        for (long i = 0; i < count; i++) {
            s.setAtIndex(F, i, rnd.nextFloat() * 2 - 1);
        }
        return s;
    }
}
