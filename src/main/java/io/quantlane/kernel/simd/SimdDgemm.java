package io.quantlane.kernel.simd;

import io.quantlane.kernel.Parallel;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static jdk.incubator.vector.DoubleVector.fromMemorySegment;

/**
 * DGEMM on the Vector API: {@link SimdSgemm}'s code for doubles, line for line (its class comment describes
 * the micro-kernel contract, the macro loops, the shapes and the threading). Vectors hold half as many lanes,
 * so NR is half as wide and the blocking sizes, chosen by bytes, are recomputed for 8-byte elements.
 * {@code -Dquantlane.dgemm.tile}, {@code .kc}, {@code .mc} and {@code .nc} override them.
 * Written by scripts/gemm_codegen.py from SimdSgemm.java: edit that file and the script, not this one.
 */
final class SimdDgemm {

    private static final VectorSpecies<Double> S = SimdKernels.S.withLanes(double.class);
    private static final int L = S.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ValueLayout.OfDouble F = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private static final int E = Double.BYTES;

    /** Tile shapes by id; folded by C2 through the static final {@link #SHAPE}. */
    private static final int T12X2 = 0, T8X3 = 1, T6X4 = 2, T6X2 = 3;
    static final int SHAPE = GemmConfig.shape("quantlane.dgemm.tile", GemmConfig.defaultShape(S.vectorBitSize()));
    static final int MR = GemmConfig.mr(SHAPE), NV = GemmConfig.nv(SHAPE), NR = NV * L;
    static final int KC = GemmConfig.blocking("quantlane.dgemm.kc", GemmConfig.defaultKc(E, NR));
    static final int MC = GemmConfig.roundUp(GemmConfig.blocking("quantlane.dgemm.mc", GemmConfig.defaultMc(E, KC)), MR);
    static final int NC = GemmConfig.roundUp(GemmConfig.blocking("quantlane.dgemm.nc", GemmConfig.defaultNc(E, KC)), NR);
    private static final int PATH = GemmConfig.path();

    private SimdDgemm() {
    }

    static String describe() {
        return GemmConfig.describe(SHAPE, L, KC, MC, NC);
    }

    /**
     * Whether a product of this shape is packed. Packing pays once the A block is reused over enough columns
     * and the B block over enough rows; the crossover was measured with {@code GemmBench} under
     * {@code -Dquantlane.gemm.path=direct|packed} (docs/benchmarks.md).
     */
    static boolean usePacked(int m, int n, int k) {
        if (PATH != GemmConfig.PATH_AUTO) {
            return PATH == GemmConfig.PATH_PACKED;
        }
        return m >= GemmConfig.PACKED_MIN_M && (long) m * n * k >= GemmConfig.PACKED_MIN_VOLUME;
    }

    /** C = alpha op(A) op(B) + beta C with alpha != 0 and k > 0 (the caller handled the rest). */
    static void dgemm(Parallel par, boolean transA, boolean transB, int m, int n, int k, double alpha,
                      MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb, double beta,
                      MemorySegment c, long cOff, int ldc) {
        if (!usePacked(m, n, k)) {
            direct(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        int parts = GemmConfig.parts(par.threads(), m, n, k, MR, NR);
        if (parts <= 1) {
            packed(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        boolean byRows = GemmConfig.splitRows(m, n, MR, NR, parts);
        int unit = byRows ? MR : NR, extent = byRows ? m : n;
        int chunk = GemmConfig.roundUp((extent + parts - 1) / parts, unit);
        int count = (extent + chunk - 1) / chunk;
        par.run(count, part -> {
            int from = part * chunk, len = Math.min(chunk, extent - from);
            if (byRows) {   // rows [from, from + len) of C: rows of op(A)
                long aPart = aOff + (transA ? from : (long) from * lda);
                packed(transA, transB, len, n, k, alpha, a, aPart, lda, b, bOff, ldb, beta, c, cOff + (long) from * ldc, ldc);
            } else {        // columns [from, from + len) of C: columns of op(B)
                long bPart = bOff + (transB ? (long) from * ldb : from);
                packed(transA, transB, m, len, k, alpha, a, aOff, lda, b, bPart, ldb, beta, c, cOff + from, ldc);
            }
        });
    }

    // ------------------------------------------------------------------ packed path
    // Packed panels and the scratch tile live in this thread's double[] (GemmScratch): int indices into an
    // array let C2 drop the bounds checks of the micro-kernel's loads; over segments addressed by long byte
    // offsets the same kernel ran about a third slower (n = 512: 94 against 124 GFLOP/s).

    static void packed(boolean transA, boolean transB, int m, int n, int k, double alpha, MemorySegment a, long aOff,
                       int lda, MemorySegment b, long bOff, int ldb, double beta, MemorySegment c, long cOff, int ldc) {
        int mcMax = Math.min(MC, GemmConfig.roundUp(m, MR));
        int ncMax = Math.min(NC, GemmConfig.roundUp(n, NR));
        int kcMax = Math.min(KC, k);
        int aPack = 0;
        int bPack = aPack + mcMax * kcMax;
        int tile = bPack + ncMax * kcMax;
        double[] w = GemmScratch.doubles(tile + MR * NR);
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(transB, b, bOff, ldb, pc, jc, kc, nc, w, bPack);
                double betaNow = pc == 0 ? beta : 1.0;
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(transA, a, aOff, lda, ic, pc, mc, kc, w, aPack);
                    long cBlock = cOff + (long) ic * ldc + jc;
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int bPanel = bPack + jr * kc;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            micro(kc, w, aPack + ir * kc, bPanel, tile);
                            long cTile = cBlock + (long) ir * ldc + jr;
                            if (mr == MR && nr == NR) {
                                storeTile(alpha, betaNow, w, tile, c, cTile, ldc);
                            } else {
                                storeEdge(mr, nr, alpha, betaNow, w, tile, c, cTile, ldc);
                            }
                        }
                    }
                }
            }
        }
    }

    /** The micro-kernel of the chosen shape: the MR x NR sums of one tile into w[tile ...]. */
    private static void micro(int kc, double[] w, int aPanel, int bPanel, int tile) {
        switch (SHAPE) {
            case T12X2 -> kernel12x2(kc, w, aPanel, bPanel, tile);
            case T8X3 -> kernel8x3(kc, w, aPanel, bPanel, tile);
            case T6X4 -> kernel6x4(kc, w, aPanel, bPanel, tile);
            default -> kernel6x2(kc, w, aPanel, bPanel, tile);
        }
    }

    /** A whole tile: C = alpha acc + beta C (beta = 0: C not read), one vector at a time. Offsets in doubles. */
    private static void storeTile(double alpha, double beta, double[] w, int tile, MemorySegment c, long cTile, int ldc) {
        for (int r = 0; r < MR; r++) {
            long row = (cTile + (long) r * ldc) * E;
            for (int v = 0; v < NV; v++) {
                DoubleVector acc = DoubleVector.fromArray(S, w, tile + r * NR + v * L).mul(alpha);
                long at = row + (long) v * L * E;
                if (beta != 0) {
                    acc = acc.add(fromMemorySegment(S, c, at, NATIVE).mul(beta));
                }
                acc.intoMemorySegment(c, at, NATIVE);
            }
        }
    }

    /** The valid mr x nr corner of an edge tile: C = alpha acc + beta C, the roundings of {@link #storeTile}. */
    private static void storeEdge(int mr, int nr, double alpha, double beta, double[] w, int tile,
                                  MemorySegment c, long cTile, int ldc) {
        for (int r = 0; r < mr; r++) {
            long row = cTile + (long) r * ldc;
            for (int j = 0; j < nr; j++) {
                double acc = alpha * w[tile + r * NR + j];
                c.setAtIndex(F, row + j, beta == 0 ? acc : acc + beta * c.getAtIndex(F, row + j));
            }
        }
    }

    /**
     * Packs rows [ic, ic + mc) and columns [pc, pc + kc) of op(A) into MR-row panels at w[dst]: panel q holds,
     * for each p, the MR values op(A)[ic + q MR + r][pc + p], rows past mc as zeros.
     */
    private static void packA(boolean transA, MemorySegment a, long aOff, int lda, int ic, int pc, int mc, int kc,
                              double[] w, int dst) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int panel = dst + ir * kc;
            if (transA) {        // op(A)[i][p] = A[p][i]: MR neighbours in a row of A
                for (int p = 0; p < kc; p++) {
                    long src = aOff + (long) (pc + p) * lda + ic + ir;
                    int to = panel + p * MR;
                    for (int r = 0; r < mr; r++) {
                        w[to + r] = a.getAtIndex(F, src + r);
                    }
                    for (int r = mr; r < MR; r++) {
                        w[to + r] = 0;
                    }
                }
            } else {             // op(A)[i][p] = A[i][p]: read along a row of A, write with stride MR
                for (int r = 0; r < mr; r++) {
                    long src = aOff + (long) (ic + ir + r) * lda + pc;
                    for (int p = 0; p < kc; p++) {
                        w[panel + p * MR + r] = a.getAtIndex(F, src + p);
                    }
                }
                for (int r = mr; r < MR; r++) {
                    for (int p = 0; p < kc; p++) {
                        w[panel + p * MR + r] = 0;
                    }
                }
            }
        }
    }

    /**
     * Packs rows [pc, pc + kc) and columns [jc, jc + nc) of op(B) into NR-column panels at w[dst]: panel q
     * holds, for each p, the NR values op(B)[pc + p][jc + q NR + j], columns past nc as zeros.
     */
    private static void packB(boolean transB, MemorySegment b, long bOff, int ldb, int pc, int jc, int kc, int nc,
                              double[] w, int dst) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int panel = dst + jr * kc;
            if (transB) {            // op(B)[p][j] = B[j][p]: read along a row of B, write with stride NR
                for (int j = 0; j < nr; j++) {
                    long src = bOff + (long) (jc + jr + j) * ldb + pc;
                    for (int p = 0; p < kc; p++) {
                        w[panel + p * NR + j] = b.getAtIndex(F, src + p);
                    }
                }
            } else if (nr == NR) {   // whole rows of the panel: NV vector copies per p
                for (int p = 0; p < kc; p++) {
                    long src = (bOff + (long) (pc + p) * ldb + jc + jr) * E;
                    for (int v = 0; v < NV; v++) {
                        fromMemorySegment(S, b, src + (long) v * L * E, NATIVE).intoArray(w, panel + p * NR + v * L);
                    }
                }
                continue;
            } else {
                for (int p = 0; p < kc; p++) {
                    long src = bOff + (long) (pc + p) * ldb + jc + jr;
                    for (int j = 0; j < nr; j++) {
                        w[panel + p * NR + j] = b.getAtIndex(F, src + j);
                    }
                }
            }
            for (int p = 0; p < kc; p++) {
                for (int j = nr; j < NR; j++) {
                    w[panel + p * NR + j] = 0;
                }
            }
        }
    }

    // ------------------------------------------------------------------ direct path (small problems)

    /**
     * Without packing B: each block of rows of op(A) is copied into this thread's array (k steps of R values,
     * so the kernels' broadcasts are plain array loads), B is read in place. For A B^T with k of at least 8
     * vectors, {@link #directDot}; other products with op(B) = B^T first transpose B into scratch so the kernels
     * always see k x n rows. Rows in blocks of 8 (B is read once per block: for a
     * few rows and a large k x n that is the memory traffic), then 4, then 1; in each block, columns two
     * vectors at a time, then one, the last partial vector under a mask. The sums go to a tile after the A
     * block, and {@link #storeDirect} applies alpha and beta, which keeps the kernels small enough for C1
     * (see {@link #storeTile}).
     */
    static void direct(boolean transA, boolean transB, int m, int n, int k, double alpha, MemorySegment a, long aOff,
                       int lda, MemorySegment b, long bOff, int ldb, double beta, MemorySegment c, long cOff, int ldc) {
        if (transB && !transA && k >= 8 * L) {   // shorter rows: the 16 reductions per tile would dominate
            directDot(m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        if (transB) {
            // Rows one cache line longer than n: with n a multiple of 1024 floats, rows 4 KiB apart would all
            // fall in one L1 set, and the transpose ran ten times slower.
            int ldt = n + 16;
            MemorySegment t = GemmScratch.get((long) k * ldt * E);
            transpose(n, k, b, bOff, ldb, t, ldt);
            b = t;
            bOff = 0;
            ldb = ldt;
        }
        double[] w = GemmScratch.doubles(Math.addExact(Math.multiplyExact(8, k), 8 * 2 * L));   // k > 2^28: refused
        int i = directRows(8, 0, transA, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, w);
        i = directRows(4, i, transA, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, w);
        directRows(1, i, transA, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, w);
    }

    /** Rows from {@code i} in blocks of {@code rows} while whole blocks fit; returns the first row not done. */
    private static int directRows(int rows, int i, boolean transA, int m, int n, int k, double alpha, MemorySegment a,
                                  long aOff, int lda, MemorySegment b, long bOff, int ldb, double beta, MemorySegment c,
                                  long cOff, int ldc, double[] w) {
        for (; i + rows <= m; i += rows) {
            packRows(transA, a, aOff, lda, i, rows, k, w);
            long cRow = cOff + (long) i * ldc;
            int tile = rows * k;
            int j = 0;
            for (; j + 2 * L <= n; j += 2 * L) {
                switch (rows) {
                    case 8 -> direct8x2(k, w, b, bOff + j, ldb);
                    case 4 -> direct4x2(k, w, b, bOff + j, ldb);
                    default -> direct1x2(k, w, b, bOff + j, ldb);
                }
                storeDirect(rows, 2 * L, alpha, beta, w, tile, c, cRow + j, ldc);
            }
            for (; j < n; j += L) {
                int width = Math.min(L, n - j);
                if (width == L) {   // masked loads cost more than plain ones even with every lane set
                    switch (rows) {
                        case 8 -> direct8x1(k, w, b, bOff + j, ldb);
                        case 4 -> direct4x1(k, w, b, bOff + j, ldb);
                        default -> direct1x1(k, w, b, bOff + j, ldb);
                    }
                } else {
                    switch (rows) {
                        case 8 -> direct8x1m(k, w, b, bOff + j, ldb, width);
                        case 4 -> direct4x1m(k, w, b, bOff + j, ldb, width);
                        default -> direct1x1m(k, w, b, bOff + j, ldb, width);
                    }
                }
                storeDirect(rows, width, alpha, beta, w, tile, c, cRow + j, ldc);
            }
        }
        return i;
    }

    /**
     * A B^T without moving B: C[i][j] is the dot product of row i of A and row j of B, both contiguous along k.
     * Tiles of 4 x 4 dot products (16 vector sums, so each load feeds four FMAs), the edges 4 x 1, 1 x 4 and
     * 1 x 1. Transposing B into rows instead cost more than the product itself when m is small.
     */
    private static void directDot(int m, int n, int k, double alpha, MemorySegment a, long aOff, int lda,
                                  MemorySegment b, long bOff, int ldb, double beta, MemorySegment c, long cOff, int ldc) {
        double[] w = GemmScratch.doubles(16);
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            long aRow = aOff + (long) i * lda;
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                dot4x4(k, a, aRow, lda, b, bOff + (long) j * ldb, ldb, w, 0);
                storeDots(4, 4, alpha, beta, w, c, cOff + (long) i * ldc + j, ldc);
            }
            for (; j < n; j++) {
                dot4x1(k, a, aRow, lda, b, bOff + (long) j * ldb, ldb, w, 0);
                storeDots(4, 1, alpha, beta, w, c, cOff + (long) i * ldc + j, ldc);
            }
        }
        for (; i < m; i++) {
            long aRow = aOff + (long) i * lda;
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                dot1x4(k, a, aRow, lda, b, bOff + (long) j * ldb, ldb, w, 0);
                storeDots(1, 4, alpha, beta, w, c, cOff + (long) i * ldc + j, ldc);
            }
            for (; j < n; j++) {
                dot1x1(k, a, aRow, lda, b, bOff + (long) j * ldb, ldb, w, 0);
                storeDots(1, 1, alpha, beta, w, c, cOff + (long) i * ldc + j, ldc);
            }
        }
    }

    /** C[rows x cols] = alpha w + beta C (beta = 0: C not read), w row-major rows x cols. */
    private static void storeDots(int rows, int cols, double alpha, double beta, double[] w, MemorySegment c, long cAt,
                                  int ldc) {
        for (int r = 0; r < rows; r++) {
            for (int q = 0; q < cols; q++) {
                long at = cAt + (long) r * ldc + q;
                double acc = alpha * w[r * cols + q];
                c.setAtIndex(F, at, beta == 0 ? acc : acc + beta * c.getAtIndex(F, at));
            }
        }
    }

    /** w[p rows + r] = op(A)[i + r][p] for r < rows, p < k. */
    private static void packRows(boolean transA, MemorySegment a, long aOff, int lda, int i, int rows, int k, double[] w) {
        if (transA) {        // op(A)[i + r][p] = A[p][i + r]: rows neighbours in a row of A
            for (int p = 0; p < k; p++) {
                long src = aOff + (long) p * lda + i;
                for (int r = 0; r < rows; r++) {
                    w[p * rows + r] = a.getAtIndex(F, src + r);
                }
            }
        } else {
            for (int r = 0; r < rows; r++) {
                long src = aOff + (long) (i + r) * lda;
                for (int p = 0; p < k; p++) {
                    w[p * rows + r] = a.getAtIndex(F, src + p);
                }
            }
        }
    }

    /** {@code w} (k x n, leading dimension ldw) = B^T for B stored n x k, in 16 x 16 blocks that stay in cache. */
    private static void transpose(int n, int k, MemorySegment b, long bOff, int ldb, MemorySegment w, int ldw) {
        for (int j0 = 0; j0 < n; j0 += 16) {
            int j1 = Math.min(n, j0 + 16);
            for (int p0 = 0; p0 < k; p0 += 16) {
                int p1 = Math.min(k, p0 + 16);
                for (int j = j0; j < j1; j++) {
                    long src = bOff + (long) j * ldb;
                    for (int p = p0; p < p1; p++) {
                        w.setAtIndex(F, (long) p * ldw + j, b.getAtIndex(F, src + p));
                    }
                }
            }
        }
    }

    /**
     * C[rows x width] = alpha t + beta C (beta = 0: C not read), t[tile ...] holding rows of {@code width}
     * rounded up to whole vectors. Whole vectors where they fit, the rest element by element with the same roundings.
     */
    private static void storeDirect(int rows, int width, double alpha, double beta, double[] t, int tile,
                                    MemorySegment c, long cAt, int ldc) {
        int stride = (width + L - 1) / L * L;
        int whole = width - width % L;
        for (int r = 0; r < rows; r++) {
            long row = cAt + (long) r * ldc;
            int j = 0;
            for (; j < whole; j += L) {
                DoubleVector acc = DoubleVector.fromArray(S, t, tile + r * stride + j).mul(alpha);
                long at = (row + j) * E;
                if (beta != 0) {
                    acc = acc.add(fromMemorySegment(S, c, at, NATIVE).mul(beta));
                }
                acc.intoMemorySegment(c, at, NATIVE);
            }
            for (; j < width; j++) {
                double acc = alpha * t[tile + r * stride + j];
                c.setAtIndex(F, row + j, beta == 0 ? acc : acc + beta * c.getAtIndex(F, row + j));
            }
        }
    }

    // ---- generated by scripts/gemm_codegen.py: direct-path tiles (edit the script, not these lines) ----
    /** 8 rows x 2 vectors: 16 accumulators over all of k; A from the panel w[0 ...] (8 values per step), sums to w[8 k ...]. */
    private static void direct8x2(int k, double[] w, MemorySegment b, long bCol, int ldb) {
        DoubleVector c0_0 = DoubleVector.zero(S);
        DoubleVector c0_1 = c0_0;
        DoubleVector c1_0 = c0_0, c1_1 = c0_0;
        DoubleVector c2_0 = c0_0, c2_1 = c0_0;
        DoubleVector c3_0 = c0_0, c3_1 = c0_0;
        DoubleVector c4_0 = c0_0, c4_1 = c0_0;
        DoubleVector c5_0 = c0_0, c5_1 = c0_0;
        DoubleVector c6_0 = c0_0, c6_1 = c0_0;
        DoubleVector c7_0 = c0_0, c7_1 = c0_0;
        int tile = 8 * k;
        for (int p = 0; p < k; p++) {
            long bp = (bCol + (long) p * ldb) * E;
            int ap = p * 8;
            DoubleVector b0 = fromMemorySegment(S, b, bp, NATIVE);
            DoubleVector b1 = fromMemorySegment(S, b, bp + (long) L * E, NATIVE);
            DoubleVector a0 = DoubleVector.broadcast(S, w[ap]);
            c0_0 = b0.fma(a0, c0_0); c0_1 = b1.fma(a0, c0_1);
            DoubleVector a1 = DoubleVector.broadcast(S, w[ap + 1]);
            c1_0 = b0.fma(a1, c1_0); c1_1 = b1.fma(a1, c1_1);
            DoubleVector a2 = DoubleVector.broadcast(S, w[ap + 2]);
            c2_0 = b0.fma(a2, c2_0); c2_1 = b1.fma(a2, c2_1);
            DoubleVector a3 = DoubleVector.broadcast(S, w[ap + 3]);
            c3_0 = b0.fma(a3, c3_0); c3_1 = b1.fma(a3, c3_1);
            DoubleVector a4 = DoubleVector.broadcast(S, w[ap + 4]);
            c4_0 = b0.fma(a4, c4_0); c4_1 = b1.fma(a4, c4_1);
            DoubleVector a5 = DoubleVector.broadcast(S, w[ap + 5]);
            c5_0 = b0.fma(a5, c5_0); c5_1 = b1.fma(a5, c5_1);
            DoubleVector a6 = DoubleVector.broadcast(S, w[ap + 6]);
            c6_0 = b0.fma(a6, c6_0); c6_1 = b1.fma(a6, c6_1);
            DoubleVector a7 = DoubleVector.broadcast(S, w[ap + 7]);
            c7_0 = b0.fma(a7, c7_0); c7_1 = b1.fma(a7, c7_1);
        }
        c0_0.intoArray(w, tile + 0 * L); c0_1.intoArray(w, tile + 1 * L);
        c1_0.intoArray(w, tile + 2 * L); c1_1.intoArray(w, tile + 3 * L);
        c2_0.intoArray(w, tile + 4 * L); c2_1.intoArray(w, tile + 5 * L);
        c3_0.intoArray(w, tile + 6 * L); c3_1.intoArray(w, tile + 7 * L);
        c4_0.intoArray(w, tile + 8 * L); c4_1.intoArray(w, tile + 9 * L);
        c5_0.intoArray(w, tile + 10 * L); c5_1.intoArray(w, tile + 11 * L);
        c6_0.intoArray(w, tile + 12 * L); c6_1.intoArray(w, tile + 13 * L);
        c7_0.intoArray(w, tile + 14 * L); c7_1.intoArray(w, tile + 15 * L);
    }

    /** 8 rows x 1 vector: 8 accumulators over all of k; A from the panel w[0 ...] (8 values per step), sums to w[8 k ...]. */
    private static void direct8x1(int k, double[] w, MemorySegment b, long bCol, int ldb) {
        DoubleVector c0_0 = DoubleVector.zero(S);
        DoubleVector c1_0 = c0_0;
        DoubleVector c2_0 = c0_0;
        DoubleVector c3_0 = c0_0;
        DoubleVector c4_0 = c0_0;
        DoubleVector c5_0 = c0_0;
        DoubleVector c6_0 = c0_0;
        DoubleVector c7_0 = c0_0;
        int tile = 8 * k;
        for (int p = 0; p < k; p++) {
            long bp = (bCol + (long) p * ldb) * E;
            int ap = p * 8;
            DoubleVector b0 = fromMemorySegment(S, b, bp, NATIVE);
            DoubleVector a0 = DoubleVector.broadcast(S, w[ap]);
            c0_0 = b0.fma(a0, c0_0);
            DoubleVector a1 = DoubleVector.broadcast(S, w[ap + 1]);
            c1_0 = b0.fma(a1, c1_0);
            DoubleVector a2 = DoubleVector.broadcast(S, w[ap + 2]);
            c2_0 = b0.fma(a2, c2_0);
            DoubleVector a3 = DoubleVector.broadcast(S, w[ap + 3]);
            c3_0 = b0.fma(a3, c3_0);
            DoubleVector a4 = DoubleVector.broadcast(S, w[ap + 4]);
            c4_0 = b0.fma(a4, c4_0);
            DoubleVector a5 = DoubleVector.broadcast(S, w[ap + 5]);
            c5_0 = b0.fma(a5, c5_0);
            DoubleVector a6 = DoubleVector.broadcast(S, w[ap + 6]);
            c6_0 = b0.fma(a6, c6_0);
            DoubleVector a7 = DoubleVector.broadcast(S, w[ap + 7]);
            c7_0 = b0.fma(a7, c7_0);
        }
        c0_0.intoArray(w, tile + 0 * L);
        c1_0.intoArray(w, tile + 1 * L);
        c2_0.intoArray(w, tile + 2 * L);
        c3_0.intoArray(w, tile + 3 * L);
        c4_0.intoArray(w, tile + 4 * L);
        c5_0.intoArray(w, tile + 5 * L);
        c6_0.intoArray(w, tile + 6 * L);
        c7_0.intoArray(w, tile + 7 * L);
    }

    /** 8 rows x 1 vector (the first width lanes): 8 accumulators over all of k; A from the panel w[0 ...] (8 values per step), sums to w[8 k ...]. */
    private static void direct8x1m(int k, double[] w, MemorySegment b, long bCol, int ldb, int width) {
        VectorMask<Double> mk = S.indexInRange(0, width);   // made here: a mask passed in would be boxed
        DoubleVector c0_0 = DoubleVector.zero(S);
        DoubleVector c1_0 = c0_0;
        DoubleVector c2_0 = c0_0;
        DoubleVector c3_0 = c0_0;
        DoubleVector c4_0 = c0_0;
        DoubleVector c5_0 = c0_0;
        DoubleVector c6_0 = c0_0;
        DoubleVector c7_0 = c0_0;
        int tile = 8 * k;
        for (int p = 0; p < k; p++) {
            long bp = (bCol + (long) p * ldb) * E;
            int ap = p * 8;
            DoubleVector b0 = fromMemorySegment(S, b, bp, NATIVE, mk);
            DoubleVector a0 = DoubleVector.broadcast(S, w[ap]);
            c0_0 = b0.fma(a0, c0_0);
            DoubleVector a1 = DoubleVector.broadcast(S, w[ap + 1]);
            c1_0 = b0.fma(a1, c1_0);
            DoubleVector a2 = DoubleVector.broadcast(S, w[ap + 2]);
            c2_0 = b0.fma(a2, c2_0);
            DoubleVector a3 = DoubleVector.broadcast(S, w[ap + 3]);
            c3_0 = b0.fma(a3, c3_0);
            DoubleVector a4 = DoubleVector.broadcast(S, w[ap + 4]);
            c4_0 = b0.fma(a4, c4_0);
            DoubleVector a5 = DoubleVector.broadcast(S, w[ap + 5]);
            c5_0 = b0.fma(a5, c5_0);
            DoubleVector a6 = DoubleVector.broadcast(S, w[ap + 6]);
            c6_0 = b0.fma(a6, c6_0);
            DoubleVector a7 = DoubleVector.broadcast(S, w[ap + 7]);
            c7_0 = b0.fma(a7, c7_0);
        }
        c0_0.intoArray(w, tile + 0 * L);
        c1_0.intoArray(w, tile + 1 * L);
        c2_0.intoArray(w, tile + 2 * L);
        c3_0.intoArray(w, tile + 3 * L);
        c4_0.intoArray(w, tile + 4 * L);
        c5_0.intoArray(w, tile + 5 * L);
        c6_0.intoArray(w, tile + 6 * L);
        c7_0.intoArray(w, tile + 7 * L);
    }

    /** 4 rows x 2 vectors: 8 accumulators over all of k; A from the panel w[0 ...] (4 values per step), sums to w[4 k ...]. */
    private static void direct4x2(int k, double[] w, MemorySegment b, long bCol, int ldb) {
        DoubleVector c0_0 = DoubleVector.zero(S);
        DoubleVector c0_1 = c0_0;
        DoubleVector c1_0 = c0_0, c1_1 = c0_0;
        DoubleVector c2_0 = c0_0, c2_1 = c0_0;
        DoubleVector c3_0 = c0_0, c3_1 = c0_0;
        int tile = 4 * k;
        for (int p = 0; p < k; p++) {
            long bp = (bCol + (long) p * ldb) * E;
            int ap = p * 4;
            DoubleVector b0 = fromMemorySegment(S, b, bp, NATIVE);
            DoubleVector b1 = fromMemorySegment(S, b, bp + (long) L * E, NATIVE);
            DoubleVector a0 = DoubleVector.broadcast(S, w[ap]);
            c0_0 = b0.fma(a0, c0_0); c0_1 = b1.fma(a0, c0_1);
            DoubleVector a1 = DoubleVector.broadcast(S, w[ap + 1]);
            c1_0 = b0.fma(a1, c1_0); c1_1 = b1.fma(a1, c1_1);
            DoubleVector a2 = DoubleVector.broadcast(S, w[ap + 2]);
            c2_0 = b0.fma(a2, c2_0); c2_1 = b1.fma(a2, c2_1);
            DoubleVector a3 = DoubleVector.broadcast(S, w[ap + 3]);
            c3_0 = b0.fma(a3, c3_0); c3_1 = b1.fma(a3, c3_1);
        }
        c0_0.intoArray(w, tile + 0 * L); c0_1.intoArray(w, tile + 1 * L);
        c1_0.intoArray(w, tile + 2 * L); c1_1.intoArray(w, tile + 3 * L);
        c2_0.intoArray(w, tile + 4 * L); c2_1.intoArray(w, tile + 5 * L);
        c3_0.intoArray(w, tile + 6 * L); c3_1.intoArray(w, tile + 7 * L);
    }

    /** 4 rows x 1 vector: 4 accumulators over all of k; A from the panel w[0 ...] (4 values per step), sums to w[4 k ...]. */
    private static void direct4x1(int k, double[] w, MemorySegment b, long bCol, int ldb) {
        DoubleVector c0_0 = DoubleVector.zero(S);
        DoubleVector c1_0 = c0_0;
        DoubleVector c2_0 = c0_0;
        DoubleVector c3_0 = c0_0;
        int tile = 4 * k;
        for (int p = 0; p < k; p++) {
            long bp = (bCol + (long) p * ldb) * E;
            int ap = p * 4;
            DoubleVector b0 = fromMemorySegment(S, b, bp, NATIVE);
            DoubleVector a0 = DoubleVector.broadcast(S, w[ap]);
            c0_0 = b0.fma(a0, c0_0);
            DoubleVector a1 = DoubleVector.broadcast(S, w[ap + 1]);
            c1_0 = b0.fma(a1, c1_0);
            DoubleVector a2 = DoubleVector.broadcast(S, w[ap + 2]);
            c2_0 = b0.fma(a2, c2_0);
            DoubleVector a3 = DoubleVector.broadcast(S, w[ap + 3]);
            c3_0 = b0.fma(a3, c3_0);
        }
        c0_0.intoArray(w, tile + 0 * L);
        c1_0.intoArray(w, tile + 1 * L);
        c2_0.intoArray(w, tile + 2 * L);
        c3_0.intoArray(w, tile + 3 * L);
    }

    /** 4 rows x 1 vector (the first width lanes): 4 accumulators over all of k; A from the panel w[0 ...] (4 values per step), sums to w[4 k ...]. */
    private static void direct4x1m(int k, double[] w, MemorySegment b, long bCol, int ldb, int width) {
        VectorMask<Double> mk = S.indexInRange(0, width);   // made here: a mask passed in would be boxed
        DoubleVector c0_0 = DoubleVector.zero(S);
        DoubleVector c1_0 = c0_0;
        DoubleVector c2_0 = c0_0;
        DoubleVector c3_0 = c0_0;
        int tile = 4 * k;
        for (int p = 0; p < k; p++) {
            long bp = (bCol + (long) p * ldb) * E;
            int ap = p * 4;
            DoubleVector b0 = fromMemorySegment(S, b, bp, NATIVE, mk);
            DoubleVector a0 = DoubleVector.broadcast(S, w[ap]);
            c0_0 = b0.fma(a0, c0_0);
            DoubleVector a1 = DoubleVector.broadcast(S, w[ap + 1]);
            c1_0 = b0.fma(a1, c1_0);
            DoubleVector a2 = DoubleVector.broadcast(S, w[ap + 2]);
            c2_0 = b0.fma(a2, c2_0);
            DoubleVector a3 = DoubleVector.broadcast(S, w[ap + 3]);
            c3_0 = b0.fma(a3, c3_0);
        }
        c0_0.intoArray(w, tile + 0 * L);
        c1_0.intoArray(w, tile + 1 * L);
        c2_0.intoArray(w, tile + 2 * L);
        c3_0.intoArray(w, tile + 3 * L);
    }

    /** 1 rows x 2 vectors: 2 accumulators over all of k; A from the panel w[0 ...] (1 values per step), sums to w[1 k ...]. */
    private static void direct1x2(int k, double[] w, MemorySegment b, long bCol, int ldb) {
        DoubleVector c0_0 = DoubleVector.zero(S);
        DoubleVector c0_1 = c0_0;
        int tile = 1 * k;
        for (int p = 0; p < k; p++) {
            long bp = (bCol + (long) p * ldb) * E;
            int ap = p * 1;
            DoubleVector b0 = fromMemorySegment(S, b, bp, NATIVE);
            DoubleVector b1 = fromMemorySegment(S, b, bp + (long) L * E, NATIVE);
            DoubleVector a0 = DoubleVector.broadcast(S, w[ap]);
            c0_0 = b0.fma(a0, c0_0); c0_1 = b1.fma(a0, c0_1);
        }
        c0_0.intoArray(w, tile + 0 * L); c0_1.intoArray(w, tile + 1 * L);
    }

    /** 1 rows x 1 vector: 1 accumulators over all of k; A from the panel w[0 ...] (1 values per step), sums to w[1 k ...]. */
    private static void direct1x1(int k, double[] w, MemorySegment b, long bCol, int ldb) {
        DoubleVector c0_0 = DoubleVector.zero(S);
        int tile = 1 * k;
        for (int p = 0; p < k; p++) {
            long bp = (bCol + (long) p * ldb) * E;
            int ap = p * 1;
            DoubleVector b0 = fromMemorySegment(S, b, bp, NATIVE);
            DoubleVector a0 = DoubleVector.broadcast(S, w[ap]);
            c0_0 = b0.fma(a0, c0_0);
        }
        c0_0.intoArray(w, tile + 0 * L);
    }

    /** 1 rows x 1 vector (the first width lanes): 1 accumulators over all of k; A from the panel w[0 ...] (1 values per step), sums to w[1 k ...]. */
    private static void direct1x1m(int k, double[] w, MemorySegment b, long bCol, int ldb, int width) {
        VectorMask<Double> mk = S.indexInRange(0, width);   // made here: a mask passed in would be boxed
        DoubleVector c0_0 = DoubleVector.zero(S);
        int tile = 1 * k;
        for (int p = 0; p < k; p++) {
            long bp = (bCol + (long) p * ldb) * E;
            int ap = p * 1;
            DoubleVector b0 = fromMemorySegment(S, b, bp, NATIVE, mk);
            DoubleVector a0 = DoubleVector.broadcast(S, w[ap]);
            c0_0 = b0.fma(a0, c0_0);
        }
        c0_0.intoArray(w, tile + 0 * L);
    }

    // ---- end of generated direct-path tiles ----

    // ---- generated by scripts/gemm_codegen.py: dot tiles (edit the script, not these lines) ----
    /** 4 rows of A against 4 rows of B, both along k: 16 vector sums, reduced into w[tile ...] (4 x 4, row-major). */
    private static void dot4x4(int k, MemorySegment a, long aRow, int lda, MemorySegment b, long bRow, int ldb, double[] w, int tile) {
        DoubleVector s0_0 = DoubleVector.zero(S);
        DoubleVector s0_1 = s0_0, s0_2 = s0_0, s0_3 = s0_0;
        DoubleVector s1_0 = s0_0, s1_1 = s0_0, s1_2 = s0_0, s1_3 = s0_0;
        DoubleVector s2_0 = s0_0, s2_1 = s0_0, s2_2 = s0_0, s2_3 = s0_0;
        DoubleVector s3_0 = s0_0, s3_1 = s0_0, s3_2 = s0_0, s3_3 = s0_0;
        int whole = k - k % L;
        for (int p = 0; p < whole; p += L) {
            DoubleVector a0 = fromMemorySegment(S, a, (aRow + 0L * lda + p) * E, NATIVE);
            DoubleVector a1 = fromMemorySegment(S, a, (aRow + 1L * lda + p) * E, NATIVE);
            DoubleVector a2 = fromMemorySegment(S, a, (aRow + 2L * lda + p) * E, NATIVE);
            DoubleVector a3 = fromMemorySegment(S, a, (aRow + 3L * lda + p) * E, NATIVE);
            DoubleVector b0 = fromMemorySegment(S, b, (bRow + 0L * ldb + p) * E, NATIVE);
            DoubleVector b1 = fromMemorySegment(S, b, (bRow + 1L * ldb + p) * E, NATIVE);
            DoubleVector b2 = fromMemorySegment(S, b, (bRow + 2L * ldb + p) * E, NATIVE);
            DoubleVector b3 = fromMemorySegment(S, b, (bRow + 3L * ldb + p) * E, NATIVE);
            s0_0 = a0.fma(b0, s0_0); s0_1 = a0.fma(b1, s0_1); s0_2 = a0.fma(b2, s0_2); s0_3 = a0.fma(b3, s0_3);
            s1_0 = a1.fma(b0, s1_0); s1_1 = a1.fma(b1, s1_1); s1_2 = a1.fma(b2, s1_2); s1_3 = a1.fma(b3, s1_3);
            s2_0 = a2.fma(b0, s2_0); s2_1 = a2.fma(b1, s2_1); s2_2 = a2.fma(b2, s2_2); s2_3 = a2.fma(b3, s2_3);
            s3_0 = a3.fma(b0, s3_0); s3_1 = a3.fma(b1, s3_1); s3_2 = a3.fma(b2, s3_2); s3_3 = a3.fma(b3, s3_3);
        }
        // horizontal sums in a fixed order, the same on every JIT tier (SimdKernels.SWAP1)
        s0_0 = SimdKernels.L >= 16 ? s0_0.add(s0_0.rearrange(SimdKernels.DSWAP4)) : s0_0;
        s0_0 = SimdKernels.L >= 8 ? s0_0.add(s0_0.rearrange(SimdKernels.DSWAP2)) : s0_0;
        s0_0 = s0_0.add(s0_0.rearrange(SimdKernels.DSWAP1));
        w[tile + 0] = s0_0.lane(0);
        s0_1 = SimdKernels.L >= 16 ? s0_1.add(s0_1.rearrange(SimdKernels.DSWAP4)) : s0_1;
        s0_1 = SimdKernels.L >= 8 ? s0_1.add(s0_1.rearrange(SimdKernels.DSWAP2)) : s0_1;
        s0_1 = s0_1.add(s0_1.rearrange(SimdKernels.DSWAP1));
        w[tile + 1] = s0_1.lane(0);
        s0_2 = SimdKernels.L >= 16 ? s0_2.add(s0_2.rearrange(SimdKernels.DSWAP4)) : s0_2;
        s0_2 = SimdKernels.L >= 8 ? s0_2.add(s0_2.rearrange(SimdKernels.DSWAP2)) : s0_2;
        s0_2 = s0_2.add(s0_2.rearrange(SimdKernels.DSWAP1));
        w[tile + 2] = s0_2.lane(0);
        s0_3 = SimdKernels.L >= 16 ? s0_3.add(s0_3.rearrange(SimdKernels.DSWAP4)) : s0_3;
        s0_3 = SimdKernels.L >= 8 ? s0_3.add(s0_3.rearrange(SimdKernels.DSWAP2)) : s0_3;
        s0_3 = s0_3.add(s0_3.rearrange(SimdKernels.DSWAP1));
        w[tile + 3] = s0_3.lane(0);
        s1_0 = SimdKernels.L >= 16 ? s1_0.add(s1_0.rearrange(SimdKernels.DSWAP4)) : s1_0;
        s1_0 = SimdKernels.L >= 8 ? s1_0.add(s1_0.rearrange(SimdKernels.DSWAP2)) : s1_0;
        s1_0 = s1_0.add(s1_0.rearrange(SimdKernels.DSWAP1));
        w[tile + 4] = s1_0.lane(0);
        s1_1 = SimdKernels.L >= 16 ? s1_1.add(s1_1.rearrange(SimdKernels.DSWAP4)) : s1_1;
        s1_1 = SimdKernels.L >= 8 ? s1_1.add(s1_1.rearrange(SimdKernels.DSWAP2)) : s1_1;
        s1_1 = s1_1.add(s1_1.rearrange(SimdKernels.DSWAP1));
        w[tile + 5] = s1_1.lane(0);
        s1_2 = SimdKernels.L >= 16 ? s1_2.add(s1_2.rearrange(SimdKernels.DSWAP4)) : s1_2;
        s1_2 = SimdKernels.L >= 8 ? s1_2.add(s1_2.rearrange(SimdKernels.DSWAP2)) : s1_2;
        s1_2 = s1_2.add(s1_2.rearrange(SimdKernels.DSWAP1));
        w[tile + 6] = s1_2.lane(0);
        s1_3 = SimdKernels.L >= 16 ? s1_3.add(s1_3.rearrange(SimdKernels.DSWAP4)) : s1_3;
        s1_3 = SimdKernels.L >= 8 ? s1_3.add(s1_3.rearrange(SimdKernels.DSWAP2)) : s1_3;
        s1_3 = s1_3.add(s1_3.rearrange(SimdKernels.DSWAP1));
        w[tile + 7] = s1_3.lane(0);
        s2_0 = SimdKernels.L >= 16 ? s2_0.add(s2_0.rearrange(SimdKernels.DSWAP4)) : s2_0;
        s2_0 = SimdKernels.L >= 8 ? s2_0.add(s2_0.rearrange(SimdKernels.DSWAP2)) : s2_0;
        s2_0 = s2_0.add(s2_0.rearrange(SimdKernels.DSWAP1));
        w[tile + 8] = s2_0.lane(0);
        s2_1 = SimdKernels.L >= 16 ? s2_1.add(s2_1.rearrange(SimdKernels.DSWAP4)) : s2_1;
        s2_1 = SimdKernels.L >= 8 ? s2_1.add(s2_1.rearrange(SimdKernels.DSWAP2)) : s2_1;
        s2_1 = s2_1.add(s2_1.rearrange(SimdKernels.DSWAP1));
        w[tile + 9] = s2_1.lane(0);
        s2_2 = SimdKernels.L >= 16 ? s2_2.add(s2_2.rearrange(SimdKernels.DSWAP4)) : s2_2;
        s2_2 = SimdKernels.L >= 8 ? s2_2.add(s2_2.rearrange(SimdKernels.DSWAP2)) : s2_2;
        s2_2 = s2_2.add(s2_2.rearrange(SimdKernels.DSWAP1));
        w[tile + 10] = s2_2.lane(0);
        s2_3 = SimdKernels.L >= 16 ? s2_3.add(s2_3.rearrange(SimdKernels.DSWAP4)) : s2_3;
        s2_3 = SimdKernels.L >= 8 ? s2_3.add(s2_3.rearrange(SimdKernels.DSWAP2)) : s2_3;
        s2_3 = s2_3.add(s2_3.rearrange(SimdKernels.DSWAP1));
        w[tile + 11] = s2_3.lane(0);
        s3_0 = SimdKernels.L >= 16 ? s3_0.add(s3_0.rearrange(SimdKernels.DSWAP4)) : s3_0;
        s3_0 = SimdKernels.L >= 8 ? s3_0.add(s3_0.rearrange(SimdKernels.DSWAP2)) : s3_0;
        s3_0 = s3_0.add(s3_0.rearrange(SimdKernels.DSWAP1));
        w[tile + 12] = s3_0.lane(0);
        s3_1 = SimdKernels.L >= 16 ? s3_1.add(s3_1.rearrange(SimdKernels.DSWAP4)) : s3_1;
        s3_1 = SimdKernels.L >= 8 ? s3_1.add(s3_1.rearrange(SimdKernels.DSWAP2)) : s3_1;
        s3_1 = s3_1.add(s3_1.rearrange(SimdKernels.DSWAP1));
        w[tile + 13] = s3_1.lane(0);
        s3_2 = SimdKernels.L >= 16 ? s3_2.add(s3_2.rearrange(SimdKernels.DSWAP4)) : s3_2;
        s3_2 = SimdKernels.L >= 8 ? s3_2.add(s3_2.rearrange(SimdKernels.DSWAP2)) : s3_2;
        s3_2 = s3_2.add(s3_2.rearrange(SimdKernels.DSWAP1));
        w[tile + 14] = s3_2.lane(0);
        s3_3 = SimdKernels.L >= 16 ? s3_3.add(s3_3.rearrange(SimdKernels.DSWAP4)) : s3_3;
        s3_3 = SimdKernels.L >= 8 ? s3_3.add(s3_3.rearrange(SimdKernels.DSWAP2)) : s3_3;
        s3_3 = s3_3.add(s3_3.rearrange(SimdKernels.DSWAP1));
        w[tile + 15] = s3_3.lane(0);
        for (int p = whole; p < k; p++) {   // the last k % L terms, in scalar FMAs
            double x0 = a.getAtIndex(F, aRow + 0L * lda + p);
            double x1 = a.getAtIndex(F, aRow + 1L * lda + p);
            double x2 = a.getAtIndex(F, aRow + 2L * lda + p);
            double x3 = a.getAtIndex(F, aRow + 3L * lda + p);
            double y0 = b.getAtIndex(F, bRow + 0L * ldb + p);
            double y1 = b.getAtIndex(F, bRow + 1L * ldb + p);
            double y2 = b.getAtIndex(F, bRow + 2L * ldb + p);
            double y3 = b.getAtIndex(F, bRow + 3L * ldb + p);
            w[tile + 0] = Math.fma(x0, y0, w[tile + 0]); w[tile + 1] = Math.fma(x0, y1, w[tile + 1]); w[tile + 2] = Math.fma(x0, y2, w[tile + 2]); w[tile + 3] = Math.fma(x0, y3, w[tile + 3]);
            w[tile + 4] = Math.fma(x1, y0, w[tile + 4]); w[tile + 5] = Math.fma(x1, y1, w[tile + 5]); w[tile + 6] = Math.fma(x1, y2, w[tile + 6]); w[tile + 7] = Math.fma(x1, y3, w[tile + 7]);
            w[tile + 8] = Math.fma(x2, y0, w[tile + 8]); w[tile + 9] = Math.fma(x2, y1, w[tile + 9]); w[tile + 10] = Math.fma(x2, y2, w[tile + 10]); w[tile + 11] = Math.fma(x2, y3, w[tile + 11]);
            w[tile + 12] = Math.fma(x3, y0, w[tile + 12]); w[tile + 13] = Math.fma(x3, y1, w[tile + 13]); w[tile + 14] = Math.fma(x3, y2, w[tile + 14]); w[tile + 15] = Math.fma(x3, y3, w[tile + 15]);
        }
    }

    /** 4 rows of A against 1 rows of B, both along k: 4 vector sums, reduced into w[tile ...] (4 x 1, row-major). */
    private static void dot4x1(int k, MemorySegment a, long aRow, int lda, MemorySegment b, long bRow, int ldb, double[] w, int tile) {
        DoubleVector s0_0 = DoubleVector.zero(S);
        DoubleVector s1_0 = s0_0;
        DoubleVector s2_0 = s0_0;
        DoubleVector s3_0 = s0_0;
        int whole = k - k % L;
        for (int p = 0; p < whole; p += L) {
            DoubleVector a0 = fromMemorySegment(S, a, (aRow + 0L * lda + p) * E, NATIVE);
            DoubleVector a1 = fromMemorySegment(S, a, (aRow + 1L * lda + p) * E, NATIVE);
            DoubleVector a2 = fromMemorySegment(S, a, (aRow + 2L * lda + p) * E, NATIVE);
            DoubleVector a3 = fromMemorySegment(S, a, (aRow + 3L * lda + p) * E, NATIVE);
            DoubleVector b0 = fromMemorySegment(S, b, (bRow + 0L * ldb + p) * E, NATIVE);
            s0_0 = a0.fma(b0, s0_0);
            s1_0 = a1.fma(b0, s1_0);
            s2_0 = a2.fma(b0, s2_0);
            s3_0 = a3.fma(b0, s3_0);
        }
        // horizontal sums in a fixed order, the same on every JIT tier (SimdKernels.SWAP1)
        s0_0 = SimdKernels.L >= 16 ? s0_0.add(s0_0.rearrange(SimdKernels.DSWAP4)) : s0_0;
        s0_0 = SimdKernels.L >= 8 ? s0_0.add(s0_0.rearrange(SimdKernels.DSWAP2)) : s0_0;
        s0_0 = s0_0.add(s0_0.rearrange(SimdKernels.DSWAP1));
        w[tile + 0] = s0_0.lane(0);
        s1_0 = SimdKernels.L >= 16 ? s1_0.add(s1_0.rearrange(SimdKernels.DSWAP4)) : s1_0;
        s1_0 = SimdKernels.L >= 8 ? s1_0.add(s1_0.rearrange(SimdKernels.DSWAP2)) : s1_0;
        s1_0 = s1_0.add(s1_0.rearrange(SimdKernels.DSWAP1));
        w[tile + 1] = s1_0.lane(0);
        s2_0 = SimdKernels.L >= 16 ? s2_0.add(s2_0.rearrange(SimdKernels.DSWAP4)) : s2_0;
        s2_0 = SimdKernels.L >= 8 ? s2_0.add(s2_0.rearrange(SimdKernels.DSWAP2)) : s2_0;
        s2_0 = s2_0.add(s2_0.rearrange(SimdKernels.DSWAP1));
        w[tile + 2] = s2_0.lane(0);
        s3_0 = SimdKernels.L >= 16 ? s3_0.add(s3_0.rearrange(SimdKernels.DSWAP4)) : s3_0;
        s3_0 = SimdKernels.L >= 8 ? s3_0.add(s3_0.rearrange(SimdKernels.DSWAP2)) : s3_0;
        s3_0 = s3_0.add(s3_0.rearrange(SimdKernels.DSWAP1));
        w[tile + 3] = s3_0.lane(0);
        for (int p = whole; p < k; p++) {   // the last k % L terms, in scalar FMAs
            double x0 = a.getAtIndex(F, aRow + 0L * lda + p);
            double x1 = a.getAtIndex(F, aRow + 1L * lda + p);
            double x2 = a.getAtIndex(F, aRow + 2L * lda + p);
            double x3 = a.getAtIndex(F, aRow + 3L * lda + p);
            double y0 = b.getAtIndex(F, bRow + 0L * ldb + p);
            w[tile + 0] = Math.fma(x0, y0, w[tile + 0]);
            w[tile + 1] = Math.fma(x1, y0, w[tile + 1]);
            w[tile + 2] = Math.fma(x2, y0, w[tile + 2]);
            w[tile + 3] = Math.fma(x3, y0, w[tile + 3]);
        }
    }

    /** 1 rows of A against 4 rows of B, both along k: 4 vector sums, reduced into w[tile ...] (1 x 4, row-major). */
    private static void dot1x4(int k, MemorySegment a, long aRow, int lda, MemorySegment b, long bRow, int ldb, double[] w, int tile) {
        DoubleVector s0_0 = DoubleVector.zero(S);
        DoubleVector s0_1 = s0_0, s0_2 = s0_0, s0_3 = s0_0;
        int whole = k - k % L;
        for (int p = 0; p < whole; p += L) {
            DoubleVector a0 = fromMemorySegment(S, a, (aRow + 0L * lda + p) * E, NATIVE);
            DoubleVector b0 = fromMemorySegment(S, b, (bRow + 0L * ldb + p) * E, NATIVE);
            DoubleVector b1 = fromMemorySegment(S, b, (bRow + 1L * ldb + p) * E, NATIVE);
            DoubleVector b2 = fromMemorySegment(S, b, (bRow + 2L * ldb + p) * E, NATIVE);
            DoubleVector b3 = fromMemorySegment(S, b, (bRow + 3L * ldb + p) * E, NATIVE);
            s0_0 = a0.fma(b0, s0_0); s0_1 = a0.fma(b1, s0_1); s0_2 = a0.fma(b2, s0_2); s0_3 = a0.fma(b3, s0_3);
        }
        // horizontal sums in a fixed order, the same on every JIT tier (SimdKernels.SWAP1)
        s0_0 = SimdKernels.L >= 16 ? s0_0.add(s0_0.rearrange(SimdKernels.DSWAP4)) : s0_0;
        s0_0 = SimdKernels.L >= 8 ? s0_0.add(s0_0.rearrange(SimdKernels.DSWAP2)) : s0_0;
        s0_0 = s0_0.add(s0_0.rearrange(SimdKernels.DSWAP1));
        w[tile + 0] = s0_0.lane(0);
        s0_1 = SimdKernels.L >= 16 ? s0_1.add(s0_1.rearrange(SimdKernels.DSWAP4)) : s0_1;
        s0_1 = SimdKernels.L >= 8 ? s0_1.add(s0_1.rearrange(SimdKernels.DSWAP2)) : s0_1;
        s0_1 = s0_1.add(s0_1.rearrange(SimdKernels.DSWAP1));
        w[tile + 1] = s0_1.lane(0);
        s0_2 = SimdKernels.L >= 16 ? s0_2.add(s0_2.rearrange(SimdKernels.DSWAP4)) : s0_2;
        s0_2 = SimdKernels.L >= 8 ? s0_2.add(s0_2.rearrange(SimdKernels.DSWAP2)) : s0_2;
        s0_2 = s0_2.add(s0_2.rearrange(SimdKernels.DSWAP1));
        w[tile + 2] = s0_2.lane(0);
        s0_3 = SimdKernels.L >= 16 ? s0_3.add(s0_3.rearrange(SimdKernels.DSWAP4)) : s0_3;
        s0_3 = SimdKernels.L >= 8 ? s0_3.add(s0_3.rearrange(SimdKernels.DSWAP2)) : s0_3;
        s0_3 = s0_3.add(s0_3.rearrange(SimdKernels.DSWAP1));
        w[tile + 3] = s0_3.lane(0);
        for (int p = whole; p < k; p++) {   // the last k % L terms, in scalar FMAs
            double x0 = a.getAtIndex(F, aRow + 0L * lda + p);
            double y0 = b.getAtIndex(F, bRow + 0L * ldb + p);
            double y1 = b.getAtIndex(F, bRow + 1L * ldb + p);
            double y2 = b.getAtIndex(F, bRow + 2L * ldb + p);
            double y3 = b.getAtIndex(F, bRow + 3L * ldb + p);
            w[tile + 0] = Math.fma(x0, y0, w[tile + 0]); w[tile + 1] = Math.fma(x0, y1, w[tile + 1]); w[tile + 2] = Math.fma(x0, y2, w[tile + 2]); w[tile + 3] = Math.fma(x0, y3, w[tile + 3]);
        }
    }

    /** 1 rows of A against 1 rows of B, both along k: 1 vector sums, reduced into w[tile ...] (1 x 1, row-major). */
    private static void dot1x1(int k, MemorySegment a, long aRow, int lda, MemorySegment b, long bRow, int ldb, double[] w, int tile) {
        DoubleVector s0_0 = DoubleVector.zero(S);
        int whole = k - k % L;
        for (int p = 0; p < whole; p += L) {
            DoubleVector a0 = fromMemorySegment(S, a, (aRow + 0L * lda + p) * E, NATIVE);
            DoubleVector b0 = fromMemorySegment(S, b, (bRow + 0L * ldb + p) * E, NATIVE);
            s0_0 = a0.fma(b0, s0_0);
        }
        // horizontal sums in a fixed order, the same on every JIT tier (SimdKernels.SWAP1)
        s0_0 = SimdKernels.L >= 16 ? s0_0.add(s0_0.rearrange(SimdKernels.DSWAP4)) : s0_0;
        s0_0 = SimdKernels.L >= 8 ? s0_0.add(s0_0.rearrange(SimdKernels.DSWAP2)) : s0_0;
        s0_0 = s0_0.add(s0_0.rearrange(SimdKernels.DSWAP1));
        w[tile + 0] = s0_0.lane(0);
        for (int p = whole; p < k; p++) {   // the last k % L terms, in scalar FMAs
            double x0 = a.getAtIndex(F, aRow + 0L * lda + p);
            double y0 = b.getAtIndex(F, bRow + 0L * ldb + p);
            w[tile + 0] = Math.fma(x0, y0, w[tile + 0]);
        }
    }

    // ---- end of generated dot tiles ----

    // ------------------------------------------------------------------ micro-kernels
    // Written out, one method per shape: a vector in an array or passed to a helper would be boxed.

    // ---- generated by scripts/gemm_codegen.py: micro-kernels (edit the script, not these lines) ----
    /** The 12 x 2L tile: 24 accumulators; per step of k 2 vector loads of B, 12 broadcasts of A, 24 FMAs. */
    private static void kernel12x2(int kc, double[] w, int aAt, int bAt, int tileAt) {
        DoubleVector c0_0 = DoubleVector.zero(S);
        DoubleVector c0_1 = c0_0;
        DoubleVector c1_0 = c0_0, c1_1 = c0_0;
        DoubleVector c2_0 = c0_0, c2_1 = c0_0;
        DoubleVector c3_0 = c0_0, c3_1 = c0_0;
        DoubleVector c4_0 = c0_0, c4_1 = c0_0;
        DoubleVector c5_0 = c0_0, c5_1 = c0_0;
        DoubleVector c6_0 = c0_0, c6_1 = c0_0;
        DoubleVector c7_0 = c0_0, c7_1 = c0_0;
        DoubleVector c8_0 = c0_0, c8_1 = c0_0;
        DoubleVector c9_0 = c0_0, c9_1 = c0_0;
        DoubleVector c10_0 = c0_0, c10_1 = c0_0;
        DoubleVector c11_0 = c0_0, c11_1 = c0_0;
        for (int p = 0; p < kc; p++) {
            int ap = aAt + p * 12, bp = bAt + p * 2 * L;
            DoubleVector b0 = DoubleVector.fromArray(S, w, bp);
            DoubleVector b1 = DoubleVector.fromArray(S, w, bp + L);
            DoubleVector a0 = DoubleVector.broadcast(S, w[ap]);
            c0_0 = b0.fma(a0, c0_0); c0_1 = b1.fma(a0, c0_1);
            DoubleVector a1 = DoubleVector.broadcast(S, w[ap + 1]);
            c1_0 = b0.fma(a1, c1_0); c1_1 = b1.fma(a1, c1_1);
            DoubleVector a2 = DoubleVector.broadcast(S, w[ap + 2]);
            c2_0 = b0.fma(a2, c2_0); c2_1 = b1.fma(a2, c2_1);
            DoubleVector a3 = DoubleVector.broadcast(S, w[ap + 3]);
            c3_0 = b0.fma(a3, c3_0); c3_1 = b1.fma(a3, c3_1);
            DoubleVector a4 = DoubleVector.broadcast(S, w[ap + 4]);
            c4_0 = b0.fma(a4, c4_0); c4_1 = b1.fma(a4, c4_1);
            DoubleVector a5 = DoubleVector.broadcast(S, w[ap + 5]);
            c5_0 = b0.fma(a5, c5_0); c5_1 = b1.fma(a5, c5_1);
            DoubleVector a6 = DoubleVector.broadcast(S, w[ap + 6]);
            c6_0 = b0.fma(a6, c6_0); c6_1 = b1.fma(a6, c6_1);
            DoubleVector a7 = DoubleVector.broadcast(S, w[ap + 7]);
            c7_0 = b0.fma(a7, c7_0); c7_1 = b1.fma(a7, c7_1);
            DoubleVector a8 = DoubleVector.broadcast(S, w[ap + 8]);
            c8_0 = b0.fma(a8, c8_0); c8_1 = b1.fma(a8, c8_1);
            DoubleVector a9 = DoubleVector.broadcast(S, w[ap + 9]);
            c9_0 = b0.fma(a9, c9_0); c9_1 = b1.fma(a9, c9_1);
            DoubleVector a10 = DoubleVector.broadcast(S, w[ap + 10]);
            c10_0 = b0.fma(a10, c10_0); c10_1 = b1.fma(a10, c10_1);
            DoubleVector a11 = DoubleVector.broadcast(S, w[ap + 11]);
            c11_0 = b0.fma(a11, c11_0); c11_1 = b1.fma(a11, c11_1);
        }
        c0_0.intoArray(w, tileAt + 0 * L); c0_1.intoArray(w, tileAt + 1 * L);
        c1_0.intoArray(w, tileAt + 2 * L); c1_1.intoArray(w, tileAt + 3 * L);
        c2_0.intoArray(w, tileAt + 4 * L); c2_1.intoArray(w, tileAt + 5 * L);
        c3_0.intoArray(w, tileAt + 6 * L); c3_1.intoArray(w, tileAt + 7 * L);
        c4_0.intoArray(w, tileAt + 8 * L); c4_1.intoArray(w, tileAt + 9 * L);
        c5_0.intoArray(w, tileAt + 10 * L); c5_1.intoArray(w, tileAt + 11 * L);
        c6_0.intoArray(w, tileAt + 12 * L); c6_1.intoArray(w, tileAt + 13 * L);
        c7_0.intoArray(w, tileAt + 14 * L); c7_1.intoArray(w, tileAt + 15 * L);
        c8_0.intoArray(w, tileAt + 16 * L); c8_1.intoArray(w, tileAt + 17 * L);
        c9_0.intoArray(w, tileAt + 18 * L); c9_1.intoArray(w, tileAt + 19 * L);
        c10_0.intoArray(w, tileAt + 20 * L); c10_1.intoArray(w, tileAt + 21 * L);
        c11_0.intoArray(w, tileAt + 22 * L); c11_1.intoArray(w, tileAt + 23 * L);
    }

    /** The 8 x 3L tile: 24 accumulators; per step of k 3 vector loads of B, 8 broadcasts of A, 24 FMAs. */
    private static void kernel8x3(int kc, double[] w, int aAt, int bAt, int tileAt) {
        DoubleVector c0_0 = DoubleVector.zero(S);
        DoubleVector c0_1 = c0_0, c0_2 = c0_0;
        DoubleVector c1_0 = c0_0, c1_1 = c0_0, c1_2 = c0_0;
        DoubleVector c2_0 = c0_0, c2_1 = c0_0, c2_2 = c0_0;
        DoubleVector c3_0 = c0_0, c3_1 = c0_0, c3_2 = c0_0;
        DoubleVector c4_0 = c0_0, c4_1 = c0_0, c4_2 = c0_0;
        DoubleVector c5_0 = c0_0, c5_1 = c0_0, c5_2 = c0_0;
        DoubleVector c6_0 = c0_0, c6_1 = c0_0, c6_2 = c0_0;
        DoubleVector c7_0 = c0_0, c7_1 = c0_0, c7_2 = c0_0;
        for (int p = 0; p < kc; p++) {
            int ap = aAt + p * 8, bp = bAt + p * 3 * L;
            DoubleVector b0 = DoubleVector.fromArray(S, w, bp);
            DoubleVector b1 = DoubleVector.fromArray(S, w, bp + L);
            DoubleVector b2 = DoubleVector.fromArray(S, w, bp + 2 * L);
            DoubleVector a0 = DoubleVector.broadcast(S, w[ap]);
            c0_0 = b0.fma(a0, c0_0); c0_1 = b1.fma(a0, c0_1); c0_2 = b2.fma(a0, c0_2);
            DoubleVector a1 = DoubleVector.broadcast(S, w[ap + 1]);
            c1_0 = b0.fma(a1, c1_0); c1_1 = b1.fma(a1, c1_1); c1_2 = b2.fma(a1, c1_2);
            DoubleVector a2 = DoubleVector.broadcast(S, w[ap + 2]);
            c2_0 = b0.fma(a2, c2_0); c2_1 = b1.fma(a2, c2_1); c2_2 = b2.fma(a2, c2_2);
            DoubleVector a3 = DoubleVector.broadcast(S, w[ap + 3]);
            c3_0 = b0.fma(a3, c3_0); c3_1 = b1.fma(a3, c3_1); c3_2 = b2.fma(a3, c3_2);
            DoubleVector a4 = DoubleVector.broadcast(S, w[ap + 4]);
            c4_0 = b0.fma(a4, c4_0); c4_1 = b1.fma(a4, c4_1); c4_2 = b2.fma(a4, c4_2);
            DoubleVector a5 = DoubleVector.broadcast(S, w[ap + 5]);
            c5_0 = b0.fma(a5, c5_0); c5_1 = b1.fma(a5, c5_1); c5_2 = b2.fma(a5, c5_2);
            DoubleVector a6 = DoubleVector.broadcast(S, w[ap + 6]);
            c6_0 = b0.fma(a6, c6_0); c6_1 = b1.fma(a6, c6_1); c6_2 = b2.fma(a6, c6_2);
            DoubleVector a7 = DoubleVector.broadcast(S, w[ap + 7]);
            c7_0 = b0.fma(a7, c7_0); c7_1 = b1.fma(a7, c7_1); c7_2 = b2.fma(a7, c7_2);
        }
        c0_0.intoArray(w, tileAt + 0 * L); c0_1.intoArray(w, tileAt + 1 * L); c0_2.intoArray(w, tileAt + 2 * L);
        c1_0.intoArray(w, tileAt + 3 * L); c1_1.intoArray(w, tileAt + 4 * L); c1_2.intoArray(w, tileAt + 5 * L);
        c2_0.intoArray(w, tileAt + 6 * L); c2_1.intoArray(w, tileAt + 7 * L); c2_2.intoArray(w, tileAt + 8 * L);
        c3_0.intoArray(w, tileAt + 9 * L); c3_1.intoArray(w, tileAt + 10 * L); c3_2.intoArray(w, tileAt + 11 * L);
        c4_0.intoArray(w, tileAt + 12 * L); c4_1.intoArray(w, tileAt + 13 * L); c4_2.intoArray(w, tileAt + 14 * L);
        c5_0.intoArray(w, tileAt + 15 * L); c5_1.intoArray(w, tileAt + 16 * L); c5_2.intoArray(w, tileAt + 17 * L);
        c6_0.intoArray(w, tileAt + 18 * L); c6_1.intoArray(w, tileAt + 19 * L); c6_2.intoArray(w, tileAt + 20 * L);
        c7_0.intoArray(w, tileAt + 21 * L); c7_1.intoArray(w, tileAt + 22 * L); c7_2.intoArray(w, tileAt + 23 * L);
    }

    /** The 6 x 4L tile: 24 accumulators; per step of k 4 vector loads of B, 6 broadcasts of A, 24 FMAs. */
    private static void kernel6x4(int kc, double[] w, int aAt, int bAt, int tileAt) {
        DoubleVector c0_0 = DoubleVector.zero(S);
        DoubleVector c0_1 = c0_0, c0_2 = c0_0, c0_3 = c0_0;
        DoubleVector c1_0 = c0_0, c1_1 = c0_0, c1_2 = c0_0, c1_3 = c0_0;
        DoubleVector c2_0 = c0_0, c2_1 = c0_0, c2_2 = c0_0, c2_3 = c0_0;
        DoubleVector c3_0 = c0_0, c3_1 = c0_0, c3_2 = c0_0, c3_3 = c0_0;
        DoubleVector c4_0 = c0_0, c4_1 = c0_0, c4_2 = c0_0, c4_3 = c0_0;
        DoubleVector c5_0 = c0_0, c5_1 = c0_0, c5_2 = c0_0, c5_3 = c0_0;
        for (int p = 0; p < kc; p++) {
            int ap = aAt + p * 6, bp = bAt + p * 4 * L;
            DoubleVector b0 = DoubleVector.fromArray(S, w, bp);
            DoubleVector b1 = DoubleVector.fromArray(S, w, bp + L);
            DoubleVector b2 = DoubleVector.fromArray(S, w, bp + 2 * L);
            DoubleVector b3 = DoubleVector.fromArray(S, w, bp + 3 * L);
            DoubleVector a0 = DoubleVector.broadcast(S, w[ap]);
            c0_0 = b0.fma(a0, c0_0); c0_1 = b1.fma(a0, c0_1); c0_2 = b2.fma(a0, c0_2); c0_3 = b3.fma(a0, c0_3);
            DoubleVector a1 = DoubleVector.broadcast(S, w[ap + 1]);
            c1_0 = b0.fma(a1, c1_0); c1_1 = b1.fma(a1, c1_1); c1_2 = b2.fma(a1, c1_2); c1_3 = b3.fma(a1, c1_3);
            DoubleVector a2 = DoubleVector.broadcast(S, w[ap + 2]);
            c2_0 = b0.fma(a2, c2_0); c2_1 = b1.fma(a2, c2_1); c2_2 = b2.fma(a2, c2_2); c2_3 = b3.fma(a2, c2_3);
            DoubleVector a3 = DoubleVector.broadcast(S, w[ap + 3]);
            c3_0 = b0.fma(a3, c3_0); c3_1 = b1.fma(a3, c3_1); c3_2 = b2.fma(a3, c3_2); c3_3 = b3.fma(a3, c3_3);
            DoubleVector a4 = DoubleVector.broadcast(S, w[ap + 4]);
            c4_0 = b0.fma(a4, c4_0); c4_1 = b1.fma(a4, c4_1); c4_2 = b2.fma(a4, c4_2); c4_3 = b3.fma(a4, c4_3);
            DoubleVector a5 = DoubleVector.broadcast(S, w[ap + 5]);
            c5_0 = b0.fma(a5, c5_0); c5_1 = b1.fma(a5, c5_1); c5_2 = b2.fma(a5, c5_2); c5_3 = b3.fma(a5, c5_3);
        }
        c0_0.intoArray(w, tileAt + 0 * L); c0_1.intoArray(w, tileAt + 1 * L); c0_2.intoArray(w, tileAt + 2 * L); c0_3.intoArray(w, tileAt + 3 * L);
        c1_0.intoArray(w, tileAt + 4 * L); c1_1.intoArray(w, tileAt + 5 * L); c1_2.intoArray(w, tileAt + 6 * L); c1_3.intoArray(w, tileAt + 7 * L);
        c2_0.intoArray(w, tileAt + 8 * L); c2_1.intoArray(w, tileAt + 9 * L); c2_2.intoArray(w, tileAt + 10 * L); c2_3.intoArray(w, tileAt + 11 * L);
        c3_0.intoArray(w, tileAt + 12 * L); c3_1.intoArray(w, tileAt + 13 * L); c3_2.intoArray(w, tileAt + 14 * L); c3_3.intoArray(w, tileAt + 15 * L);
        c4_0.intoArray(w, tileAt + 16 * L); c4_1.intoArray(w, tileAt + 17 * L); c4_2.intoArray(w, tileAt + 18 * L); c4_3.intoArray(w, tileAt + 19 * L);
        c5_0.intoArray(w, tileAt + 20 * L); c5_1.intoArray(w, tileAt + 21 * L); c5_2.intoArray(w, tileAt + 22 * L); c5_3.intoArray(w, tileAt + 23 * L);
    }

    /** The 6 x 2L tile: 12 accumulators; per step of k 2 vector loads of B, 6 broadcasts of A, 12 FMAs. */
    private static void kernel6x2(int kc, double[] w, int aAt, int bAt, int tileAt) {
        DoubleVector c0_0 = DoubleVector.zero(S);
        DoubleVector c0_1 = c0_0;
        DoubleVector c1_0 = c0_0, c1_1 = c0_0;
        DoubleVector c2_0 = c0_0, c2_1 = c0_0;
        DoubleVector c3_0 = c0_0, c3_1 = c0_0;
        DoubleVector c4_0 = c0_0, c4_1 = c0_0;
        DoubleVector c5_0 = c0_0, c5_1 = c0_0;
        for (int p = 0; p < kc; p++) {
            int ap = aAt + p * 6, bp = bAt + p * 2 * L;
            DoubleVector b0 = DoubleVector.fromArray(S, w, bp);
            DoubleVector b1 = DoubleVector.fromArray(S, w, bp + L);
            DoubleVector a0 = DoubleVector.broadcast(S, w[ap]);
            c0_0 = b0.fma(a0, c0_0); c0_1 = b1.fma(a0, c0_1);
            DoubleVector a1 = DoubleVector.broadcast(S, w[ap + 1]);
            c1_0 = b0.fma(a1, c1_0); c1_1 = b1.fma(a1, c1_1);
            DoubleVector a2 = DoubleVector.broadcast(S, w[ap + 2]);
            c2_0 = b0.fma(a2, c2_0); c2_1 = b1.fma(a2, c2_1);
            DoubleVector a3 = DoubleVector.broadcast(S, w[ap + 3]);
            c3_0 = b0.fma(a3, c3_0); c3_1 = b1.fma(a3, c3_1);
            DoubleVector a4 = DoubleVector.broadcast(S, w[ap + 4]);
            c4_0 = b0.fma(a4, c4_0); c4_1 = b1.fma(a4, c4_1);
            DoubleVector a5 = DoubleVector.broadcast(S, w[ap + 5]);
            c5_0 = b0.fma(a5, c5_0); c5_1 = b1.fma(a5, c5_1);
        }
        c0_0.intoArray(w, tileAt + 0 * L); c0_1.intoArray(w, tileAt + 1 * L);
        c1_0.intoArray(w, tileAt + 2 * L); c1_1.intoArray(w, tileAt + 3 * L);
        c2_0.intoArray(w, tileAt + 4 * L); c2_1.intoArray(w, tileAt + 5 * L);
        c3_0.intoArray(w, tileAt + 6 * L); c3_1.intoArray(w, tileAt + 7 * L);
        c4_0.intoArray(w, tileAt + 8 * L); c4_1.intoArray(w, tileAt + 9 * L);
        c5_0.intoArray(w, tileAt + 10 * L); c5_1.intoArray(w, tileAt + 11 * L);
    }

    // ---- end of generated micro-kernels ----
}
