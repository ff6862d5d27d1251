package io.quantlane.kernel;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * GEMM answers known in closed form, at sizes that take every path (one row: gemv; small: the direct tiles;
 * past the crossover: packed panels with edge tiles), in float32 and float64. All values are small integers,
 * so every correct summation order gives them exactly.
 *
 * <ul>
 *   <li>ones (m x k) times the ramp R[p][j] = p + j (k x n): C[i][j] = k j + k (k - 1) / 2 for every i;</li>
 *   <li>the identity times B is B;</li>
 *   <li>2 A B + 3 C and alpha = 0 (A, B unread: NaN there must not matter).</li>
 * </ul>
 * The ramp is symmetric in (p, j), so the same storage serves op(B) = B and op(B) = B^T; ones are ones either
 * way, so op(A) = A^T changes only the leading dimension.
 */
class GemmKnownAnswerTest {

    /** One column of C with op(B)'s column strided in B (ldb 3: gathered first) and C strided (ldc 2). */
    @ParameterizedTest(name = "transA {0}, ldc {1}")
    @CsvSource({"false, 2", "false, 1", "true, 1", "true, 2"})
    void oneColumnWithPaddedLeadingDimensions(boolean transA, int ldc) {
        int m = 37, k = 29, ldb = 3;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate((long) m * k * Float.BYTES, 64);
            for (long i = 0; i < (long) m * k; i++) {
                a.setAtIndex(ValueLayout.JAVA_FLOAT, i, 1f);
            }
            MemorySegment b = arena.allocate((long) k * ldb * Float.BYTES, 64);
            b.fill((byte) 0xFF);   // NaN between the column's elements must not be read
            for (int p = 0; p < k; p++) {
                b.setAtIndex(ValueLayout.JAVA_FLOAT, (long) p * ldb, p);
            }
            MemorySegment c = arena.allocate((long) m * ldc * Float.BYTES, 64);
            for (long i = 0; i < (long) m * ldc; i++) {
                c.setAtIndex(ValueLayout.JAVA_FLOAT, i, i % ldc == 0 ? 1f : -7f);
            }
            Kernels.sgemm(transA, false, m, 1, k, 2f, a, 0, transA ? m : k, b, 0, ldb, 3f, c, 0, ldc);
            for (int i = 0; i < m; i++) {
                assertEquals(2f * k * (k - 1) / 2 + 3f, c.getAtIndex(ValueLayout.JAVA_FLOAT, (long) i * ldc),
                        "C[" + i + "] = 2 * sum p + 3 * 1");
                if (ldc > 1) {
                    assertEquals(-7f, c.getAtIndex(ValueLayout.JAVA_FLOAT, (long) i * ldc + 1), "padding untouched");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} x {1} x {2}, transA {3}, transB {4}")
    @CsvSource({"1, 40, 33, false, false", "1, 40, 33, true, true", "7, 9, 5, false, true", "37, 64, 19, true, false",
            "150, 130, 170, false, false", "150, 130, 170, true, false", "150, 130, 170, false, true",
            "150, 130, 170, true, true", "301, 257, 129, false, false",
            // one column of C: the matrix-vector path, with op(B)'s column strided (ldb = k or 1)
            "256, 256, 1, false, false", "256, 256, 1, true, false", "256, 256, 1, false, true", "256, 256, 1, true, true",
            "33, 17, 1, false, false", "33, 17, 1, true, true"})
    void onesTimesRamp(int m, int k, int n, boolean transA, boolean transB) {
        try (Arena arena = Arena.ofConfined()) {
            int lda = transA ? m : k, ldb = transB ? k : n;
            int side = Math.max(k, n);
            MemorySegment a = arena.allocate((long) m * k * Float.BYTES, 64), ad = arena.allocate((long) m * k * Double.BYTES, 64);
            MemorySegment b = arena.allocate((long) side * side * Float.BYTES, 64);
            MemorySegment bd = arena.allocate((long) side * side * Double.BYTES, 64);
            for (long i = 0; i < (long) m * k; i++) {
                a.setAtIndex(ValueLayout.JAVA_FLOAT, i, 1f);
                ad.setAtIndex(ValueLayout.JAVA_DOUBLE, i, 1.0);
            }
            int bRows = transB ? n : k, bCols = transB ? k : n;
            for (int r = 0; r < bRows; r++) {
                for (int q = 0; q < bCols; q++) {
                    b.setAtIndex(ValueLayout.JAVA_FLOAT, (long) r * ldb + q, r + q);
                    bd.setAtIndex(ValueLayout.JAVA_DOUBLE, (long) r * ldb + q, r + q);
                }
            }
            MemorySegment c = arena.allocate((long) m * n * Float.BYTES, 64), cd = arena.allocate((long) m * n * Double.BYTES, 64);
            c.fill((byte) 0xFF);    // NaN: beta = 0 must not read C
            cd.fill((byte) 0xFF);
            Kernels.sgemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
            Kernels.dgemm(transA, transB, m, n, k, 1.0, ad, 0, lda, bd, 0, ldb, 0.0, cd, 0, n);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double want = (double) k * j + k * (k - 1) / 2.0;
                    assertEquals(want, c.getAtIndex(ValueLayout.JAVA_FLOAT, (long) i * n + j), "sgemm C[" + i + "][" + j + "]");
                    assertEquals(want, cd.getAtIndex(ValueLayout.JAVA_DOUBLE, (long) i * n + j), "dgemm C[" + i + "][" + j + "]");
                }
            }
        }
    }

    @Test
    void identityTimesBAndAlphaBeta() {
        int n = 200;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment eye = arena.allocate((long) n * n * Float.BYTES, 64);
            MemorySegment b = arena.allocate((long) n * n * Float.BYTES, 64);
            float[] want = new float[n * n];
            for (int i = 0; i < n; i++) {
                eye.setAtIndex(ValueLayout.JAVA_FLOAT, (long) i * n + i, 1f);
                for (int j = 0; j < n; j++) {
                    want[i * n + j] = (i * 7 + j * 3) % 23 - 11;
                    b.setAtIndex(ValueLayout.JAVA_FLOAT, (long) i * n + j, want[i * n + j]);
                }
            }
            MemorySegment c = arena.allocate((long) n * n * Float.BYTES, 64);
            c.fill((byte) 0xFF);
            Kernels.sgemm(false, false, n, n, n, 1f, eye, 0, n, b, 0, n, 0f, c, 0, n);
            assertArrayEquals(want, c.toArray(ValueLayout.JAVA_FLOAT), "I B = B");

            // C = 2 I B + 3 C with C = B: 5 B.
            Kernels.sgemm(false, false, n, n, n, 2f, eye, 0, n, b, 0, n, 3f, c, 0, n);
            float[] five = want.clone();
            for (int i = 0; i < five.length; i++) {
                five[i] *= 5;
            }
            assertArrayEquals(five, c.toArray(ValueLayout.JAVA_FLOAT), "2 I B + 3 B");

            // alpha = 0: C = beta C, and A, B are not read (NaN there).
            MemorySegment nan = arena.allocate((long) n * n * Float.BYTES, 64);
            nan.fill((byte) 0xFF);
            Kernels.sgemm(false, false, n, n, n, 0f, nan, 0, n, nan, 0, n, 0.2f, c, 0, n);
            for (int i = 0; i < five.length; i++) {
                five[i] *= 0.2f;
            }
            assertArrayEquals(five, c.toArray(ValueLayout.JAVA_FLOAT), "alpha = 0");
            // k = 0 with beta = 0: C becomes zeros even when it held NaN.
            c.fill((byte) 0xFF);
            Kernels.sgemm(false, false, n, n, 0, 1f, nan, 0, 1, nan, 0, n, 0f, c, 0, n);
            assertArrayEquals(new float[n * n], c.toArray(ValueLayout.JAVA_FLOAT), "k = 0, beta = 0");
        }
    }

    @Test
    void dgemmTwoByTwo() {
        // A = [[1 2] [3 4]], B = [[5 6] [7 8]]: A^T B^T = [[23 31] [34 46]]; 0.5 A B + 2 C with C = ones.
        MemorySegment a = MemorySegment.ofArray(new double[] {1, 2, 3, 4}), b = MemorySegment.ofArray(new double[] {5, 6, 7, 8});
        double[] c = {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        Kernels.dgemm(true, true, 2, 2, 2, 1.0, a, 0, 2, b, 0, 2, 0.0, MemorySegment.ofArray(c), 0, 2);
        assertArrayEquals(new double[] {23, 31, 34, 46}, c);
        double[] d = {1, 1, 1, 1};
        Kernels.dgemm(false, false, 2, 2, 2, 0.5, a, 0, 2, b, 0, 2, 2.0, MemorySegment.ofArray(d), 0, 2);
        assertArrayEquals(new double[] {11.5, 13, 23.5, 27}, d);
    }
}
