package io.quantlane.kernel.simd;

import io.quantlane.kernel.FloatKernels;
import io.quantlane.kernel.Parallel;
import io.quantlane.kernel.scalar.ScalarKernels;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static jdk.incubator.vector.FloatVector.fromMemorySegment;

/**
 * The Vector API kernels. The only package that imports {@code jdk.incubator.vector}; loaded reflectively by
 * {@code KernelProvider} so the library links without the module.
 *
 * <p>Loop shapes. Most kernels run a body over whole vectors and then the tail: one masked vector (axpy,
 * scal, sum, dot, activations, losses; AVX-512 and AVX2 have masked loads and stores, so the tail runs the
 * same lane code as the body), or the scalar twin for the last n % L elements where the body is long (add,
 * mul, fma, the optimizers, gemv's four-row blocks, max). Reductions keep four independent accumulators: one
 * FMA chain would stall on FMA latency (4 cycles) while the core can issue two per cycle. The exp-based
 * kernels run the masked loops of {@link VectorMath}.
 *
 * <p>Two rules about the JIT shape the code. First, a {@link FloatVector} never crosses a call to a method of
 * ours: the JDK's Vector API methods are force-inlined, ours are inlined only while C2's budget lasts, and a
 * vector passed through a call that was not inlined is boxed on the heap. Hence loads and stores are written
 * as {@code fromMemorySegment} / {@code intoMemorySegment} in place, and helpers take and return only
 * segments and scalars. Second, no method carries much masked vector code: C1 compiles every method before
 * C2 does, a large one made it fail ("out of virtual registers"), and after that failure HotSpot left the
 * method in its first, unprofiled C1 code for good, boxing every vector. That is why the longer bodies end in
 * scalar tails and gemv works in four-row blocks of its own method.
 *
 * <p>Strided (non-unit increment) operands take the scalar twin: gathers cost more than they save here.
 * The species is {@link FloatVector#SPECIES_PREFERRED} unless {@code -Dquantlane.vectorBits} pins 128, 256
 * or 512 bits; it lives in a static final field so C2 folds it.
 */
public final class SimdKernels implements FloatKernels {

    static final VectorSpecies<Float> S;
    private static final String WIDTH_NOTE;

    static {
        int max = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        String raw = System.getProperty("quantlane.vectorBits", "0").trim();
        int want;
        String note;
        try {
            want = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            want = -1;
        }
        if (want == 0) {
            note = "preferred width";
        } else if (want != 128 && want != 256 && want != 512) {
            note = "quantlane.vectorBits=" + raw + " ignored (expected 128, 256 or 512); preferred width";
            want = 0;
        } else if (want > max) {
            note = "quantlane.vectorBits=" + raw + " exceeds this CPU's " + max + " bits; preferred width";
            want = 0;
        } else {
            note = "pinned by quantlane.vectorBits=" + want;
        }
        S = want == 0 ? FloatVector.SPECIES_PREFERRED : VectorSpecies.of(float.class, VectorShape.forBitSize(want));
        WIDTH_NOTE = note;
    }

    static final int L = S.length();
    /** The widest float vector this CPU and JVM offer, whatever width is pinned. */
    static final int MAX_BITS = FloatVector.SPECIES_PREFERRED.vectorBitSize();
    static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ScalarKernels SCALAR = new ScalarKernels();

    /*
     * Horizontal sums in a fixed order. FloatVector.reduceLanes(ADD) leaves the order open, and HotSpot uses
     * that: C2's intrinsic adds in a tree while the interpreter and C1 run the Java fallback, which adds lane
     * after lane. The same call then gave different last bits before and after a kernel was compiled (seen
     * as a model whose softmax outputs changed once warm). Every horizontal sum is therefore spelled out as
     * butterfly steps, v += v.rearrange(SWAPh) for h = L/2 ... 1 (lane i plus lane i ^ h), which every tier
     * computes identically, in as many shuffles and adds as C2's own reduction; then lane 0. The steps are
     * written at each site, not in a helper: a helper taking a vector was boxed (96 bytes per call) in the
     * exp-based kernels, where C2 declines to inline into a big method. The shuffles are static finals
     * (constants to C2), their indexes in range; steps for h >= L are skipped (constant conditions).
     */
    static final VectorShuffle<Float> SWAP1 = swap(S, 1), SWAP2 = swap(S, 2), SWAP4 = swap(S, 4),
            SWAP8 = swap(S, 8);
    private static final VectorSpecies<Double> SD = S.withLanes(double.class);
    /** The same for the float64 kernels, whose vectors have L / 2 lanes. */
    static final VectorShuffle<Double> DSWAP1 = swap(SD, 1), DSWAP2 = swap(SD, 2), DSWAP4 = swap(SD, 4);

    private static <E> VectorShuffle<E> swap(VectorSpecies<E> species, int h) {
        int n = species.length();
        return VectorShuffle.fromOp(species, i -> (i ^ h) & (n - 1));
    }

    /** Public for reflective construction by the provider. */
    public SimdKernels() {
    }

    @Override
    public int vectorBits() {
        return S.vectorBitSize();
    }

    @Override
    public String describe() {
        return S + " (" + WIDTH_NOTE + "), exp: "
                + (VectorMath.JDK_MATH ? "VectorOperators.EXP (" + VectorMath.JDK_MATH_LIBRARY + ")" : "polynomial")
                + ", sgemm: " + SimdSgemm.describe() + ", dgemm: " + SimdDgemm.describe();
    }

    // ------------------------------------------------------------------ BLAS level 1
    // Offsets arrive in floats; the JDK's memory-segment loads take bytes, hence "* Float.BYTES" everywhere.

    @Override
    public float dot(int n, MemorySegment x, long xOff, int incX, MemorySegment y, long yOff, int incY) {
        if (incX != 1 || incY != 1) {
            return SCALAR.dot(n, x, xOff, incX, y, yOff, incY);
        }
        return dotUnit(n, x, xOff, y, yOff);
    }

    /** Dot product of two contiguous runs; shared by dot, gemv's last rows and the softmax loss. */
    private static float dotUnit(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        long xb = xOff * Float.BYTES, yb = yOff * Float.BYTES;
        int step = L * Float.BYTES;
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - 4 * L; i += 4 * L) {
            long xi = xb + (long) i * Float.BYTES, yi = yb + (long) i * Float.BYTES;
            a0 = fromMemorySegment(S, x, xi, NATIVE).fma(fromMemorySegment(S, y, yi, NATIVE), a0);
            a1 = fromMemorySegment(S, x, xi + step, NATIVE).fma(fromMemorySegment(S, y, yi + step, NATIVE), a1);
            a2 = fromMemorySegment(S, x, xi + 2 * step, NATIVE).fma(fromMemorySegment(S, y, yi + 2 * step, NATIVE), a2);
            a3 = fromMemorySegment(S, x, xi + 3 * step, NATIVE).fma(fromMemorySegment(S, y, yi + 3 * step, NATIVE), a3);
        }
        for (; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            long xi = xb + (long) i * Float.BYTES, yi = yb + (long) i * Float.BYTES;
            a0 = fromMemorySegment(S, x, xi, NATIVE, m).fma(fromMemorySegment(S, y, yi, NATIVE, m), a0);
        }
        FloatVector t = a0.add(a1).add(a2.add(a3));
        t = L >= 16 ? t.add(t.rearrange(SWAP8)) : t;   // fixed-order sum, see SWAP1
        t = L >= 8 ? t.add(t.rearrange(SWAP4)) : t;
        t = t.add(t.rearrange(SWAP2));
        t = t.add(t.rearrange(SWAP1));
        return t.lane(0);
    }

    @Override
    public void axpy(int n, float alpha, MemorySegment x, long xOff, int incX, MemorySegment y, long yOff, int incY) {
        if (incX != 1 || incY != 1) {
            SCALAR.axpy(n, alpha, x, xOff, incX, y, yOff, incY);
            return;
        }
        FloatVector a = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            long xi = (xOff + i) * Float.BYTES, yi = (yOff + i) * Float.BYTES;
            FloatVector yv = fromMemorySegment(S, x, xi, NATIVE).fma(a, fromMemorySegment(S, y, yi, NATIVE));
            yv.intoMemorySegment(y, yi, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            long xi = (xOff + i) * Float.BYTES, yi = (yOff + i) * Float.BYTES;
            FloatVector yv = fromMemorySegment(S, x, xi, NATIVE, m).fma(a, fromMemorySegment(S, y, yi, NATIVE, m));
            yv.intoMemorySegment(y, yi, NATIVE, m);
        }
    }

    @Override
    public void scal(int n, float alpha, MemorySegment x, long xOff, int incX) {
        if (incX != 1) {
            SCALAR.scal(n, alpha, x, xOff, incX);
            return;
        }
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            long xi = (xOff + i) * Float.BYTES;
            fromMemorySegment(S, x, xi, NATIVE).mul(alpha).intoMemorySegment(x, xi, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            long xi = (xOff + i) * Float.BYTES;
            fromMemorySegment(S, x, xi, NATIVE, m).mul(alpha).intoMemorySegment(x, xi, NATIVE, m);
        }
    }

    @Override
    public float sum(int n, MemorySegment x, long xOff, int incX) {
        if (incX != 1) {
            return SCALAR.sum(n, x, xOff, incX);
        }
        long xb = xOff * Float.BYTES;
        int step = L * Float.BYTES;
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - 4 * L; i += 4 * L) {
            long xi = xb + (long) i * Float.BYTES;
            a0 = a0.add(fromMemorySegment(S, x, xi, NATIVE));
            a1 = a1.add(fromMemorySegment(S, x, xi + step, NATIVE));
            a2 = a2.add(fromMemorySegment(S, x, xi + 2 * step, NATIVE));
            a3 = a3.add(fromMemorySegment(S, x, xi + 3 * step, NATIVE));
        }
        for (; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            a0 = a0.add(fromMemorySegment(S, x, xb + (long) i * Float.BYTES, NATIVE, m));
        }
        FloatVector t = a0.add(a1).add(a2.add(a3));
        t = L >= 16 ? t.add(t.rearrange(SWAP8)) : t;   // fixed-order sum, see SWAP1
        t = L >= 8 ? t.add(t.rearrange(SWAP4)) : t;
        t = t.add(t.rearrange(SWAP2));
        t = t.add(t.rearrange(SWAP1));
        return t.lane(0);
    }

    @Override
    public float max(int n, MemorySegment x, long xOff, int incX) {
        if (incX != 1) {
            return SCALAR.max(n, x, xOff, incX);
        }
        return maxUnit(n, x, xOff);
    }

    /**
     * Max of a contiguous run, -Infinity when empty. Whole vectors, then the last n % L elements in scalar
     * code: the masked tail version allocated in some JIT runs (a vector max was left to the Java fallback).
     */
    private static float maxUnit(int n, MemorySegment x, long xOff) {
        long xb = xOff * Float.BYTES;
        FloatVector a0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), a1 = a0;
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            long xi = xb + (long) i * Float.BYTES;
            a0 = a0.max(fromMemorySegment(S, x, xi, NATIVE));
            a1 = a1.max(fromMemorySegment(S, x, xi + (long) L * Float.BYTES, NATIVE));
        }
        for (; i <= n - L; i += L) {
            a0 = a0.max(fromMemorySegment(S, x, xb + (long) i * Float.BYTES, NATIVE));
        }
        float max = a0.max(a1).reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            max = Math.max(max, x.getAtIndex(F, xOff + i));
        }
        return max;
    }

    @Override
    public void add(int n, MemorySegment x, long xOff, int incX, MemorySegment y, long yOff, int incY,
                    MemorySegment z, long zOff, int incZ) {
        if (incX != 1 || incY != 1 || incZ != 1) {
            SCALAR.add(n, x, xOff, incX, y, yOff, incY, z, zOff, incZ);
            return;
        }
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            long xi = (xOff + i) * Float.BYTES, yi = (yOff + i) * Float.BYTES, zi = (zOff + i) * Float.BYTES;
            FloatVector xv = fromMemorySegment(S, x, xi, NATIVE);
            xv.add(fromMemorySegment(S, y, yi, NATIVE)).intoMemorySegment(z, zi, NATIVE);
        }
        SCALAR.add(n - i, x, xOff + i, 1, y, yOff + i, 1, z, zOff + i, 1);
    }

    @Override
    public void mul(int n, MemorySegment x, long xOff, int incX, MemorySegment y, long yOff, int incY,
                    MemorySegment z, long zOff, int incZ) {
        if (incX != 1 || incY != 1 || incZ != 1) {
            SCALAR.mul(n, x, xOff, incX, y, yOff, incY, z, zOff, incZ);
            return;
        }
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            long xi = (xOff + i) * Float.BYTES, yi = (yOff + i) * Float.BYTES, zi = (zOff + i) * Float.BYTES;
            FloatVector xv = fromMemorySegment(S, x, xi, NATIVE);
            xv.mul(fromMemorySegment(S, y, yi, NATIVE)).intoMemorySegment(z, zi, NATIVE);
        }
        SCALAR.mul(n - i, x, xOff + i, 1, y, yOff + i, 1, z, zOff + i, 1);
    }

    @Override
    public void fma(int n, MemorySegment x, long xOff, int incX, MemorySegment y, long yOff, int incY,
                    MemorySegment z, long zOff, int incZ) {
        if (incX != 1 || incY != 1 || incZ != 1) {
            SCALAR.fma(n, x, xOff, incX, y, yOff, incY, z, zOff, incZ);
            return;
        }
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            long xi = (xOff + i) * Float.BYTES, yi = (yOff + i) * Float.BYTES, zi = (zOff + i) * Float.BYTES;
            FloatVector xv = fromMemorySegment(S, x, xi, NATIVE);
            xv.fma(fromMemorySegment(S, y, yi, NATIVE), fromMemorySegment(S, z, zi, NATIVE))
                    .intoMemorySegment(z, zi, NATIVE);
        }
        SCALAR.fma(n - i, x, xOff + i, 1, y, yOff + i, 1, z, zOff + i, 1);
    }

    // ------------------------------------------------------------------ BLAS level 2

    /**
     * Rows of A dotted with x, four rows at a time so each load of x feeds four FMAs. A row-at-a-time
     * loop is bound by loads (two per FMA); this one by FMAs (1.25 loads per FMA).
     */
    @Override
    public void gemv(int m, int n, float alpha, MemorySegment a, long aOff, int lda, MemorySegment x, long xOff,
                     int incX, float beta, MemorySegment y, long yOff, int incY) {
        if (incX != 1) {
            SCALAR.gemv(m, n, alpha, a, aOff, lda, x, xOff, incX, beta, y, yOff, incY);
            return;
        }
        int i = 0;
        for (; i <= m - 4; i += 4) {
            gemvFourRows(n, alpha, a, aOff + (long) i * lda, lda, x, xOff, beta, y, yOff + (long) i * incY, incY);
        }
        for (; i < m; i++) {
            storeGemv(alpha, dotUnit(n, a, aOff + (long) i * lda, x, xOff), beta, y, yOff + (long) i * incY);
        }
    }

    /**
     * Four rows of A dotted with x, so each load of x feeds four FMAs: a row-at-a-time loop is bound by loads
     * (two per FMA), this one by FMAs (1.25 loads per FMA). Whole vectors, then the last n % L columns in
     * scalar code: a masked tail here made the method too big for C1, whose failure leaves a method stuck
     * below C2 (see the class comment).
     */
    private static void gemvFourRows(int n, float alpha, MemorySegment a, long rowOff, int lda, MemorySegment x,
                                     long xOff, float beta, MemorySegment y, long yOff, int incY) {
        long r0 = rowOff * Float.BYTES, rowBytes = (long) lda * Float.BYTES;
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        int j = 0;
        for (int bound = S.loopBound(n); j < bound; j += L) {
            long col = (long) j * Float.BYTES;
            FloatVector xv = fromMemorySegment(S, x, (xOff + j) * Float.BYTES, NATIVE);
            a0 = fromMemorySegment(S, a, r0 + col, NATIVE).fma(xv, a0);
            a1 = fromMemorySegment(S, a, r0 + rowBytes + col, NATIVE).fma(xv, a1);
            a2 = fromMemorySegment(S, a, r0 + 2 * rowBytes + col, NATIVE).fma(xv, a2);
            a3 = fromMemorySegment(S, a, r0 + 3 * rowBytes + col, NATIVE).fma(xv, a3);
        }
        a0 = L >= 16 ? a0.add(a0.rearrange(SWAP8)) : a0;   // fixed-order sum, see SWAP1
        a0 = L >= 8 ? a0.add(a0.rearrange(SWAP4)) : a0;
        a0 = a0.add(a0.rearrange(SWAP2));
        a0 = a0.add(a0.rearrange(SWAP1));
        a1 = L >= 16 ? a1.add(a1.rearrange(SWAP8)) : a1;   // fixed-order sum, see SWAP1
        a1 = L >= 8 ? a1.add(a1.rearrange(SWAP4)) : a1;
        a1 = a1.add(a1.rearrange(SWAP2));
        a1 = a1.add(a1.rearrange(SWAP1));
        a2 = L >= 16 ? a2.add(a2.rearrange(SWAP8)) : a2;   // fixed-order sum, see SWAP1
        a2 = L >= 8 ? a2.add(a2.rearrange(SWAP4)) : a2;
        a2 = a2.add(a2.rearrange(SWAP2));
        a2 = a2.add(a2.rearrange(SWAP1));
        a3 = L >= 16 ? a3.add(a3.rearrange(SWAP8)) : a3;   // fixed-order sum, see SWAP1
        a3 = L >= 8 ? a3.add(a3.rearrange(SWAP4)) : a3;
        a3 = a3.add(a3.rearrange(SWAP2));
        a3 = a3.add(a3.rearrange(SWAP1));
        float s0 = a0.lane(0), s1 = a1.lane(0), s2 = a2.lane(0), s3 = a3.lane(0);
        for (; j < n; j++) {
            float xj = x.getAtIndex(F, xOff + j);
            s0 += a.getAtIndex(F, rowOff + j) * xj;
            s1 += a.getAtIndex(F, rowOff + lda + j) * xj;
            s2 += a.getAtIndex(F, rowOff + 2L * lda + j) * xj;
            s3 += a.getAtIndex(F, rowOff + 3L * lda + j) * xj;
        }
        storeGemv(alpha, s0, beta, y, yOff);
        storeGemv(alpha, s1, beta, y, yOff + incY);
        storeGemv(alpha, s2, beta, y, yOff + 2L * incY);
        storeGemv(alpha, s3, beta, y, yOff + 3L * incY);
    }

    private static void storeGemv(float alpha, float acc, float beta, MemorySegment y, long index) {
        float prior = beta == 0f ? 0f : beta * y.getAtIndex(F, index);
        y.setAtIndex(F, index, alpha * acc + prior);
    }

    /**
     * y = alpha A^T x + beta y with A row-major (m x n): y is a combination of A's rows, so no horizontal sums.
     * Columns go in blocks of four (then two, then one) vectors whose sums stay in registers for the whole
     * sweep over the m rows, with rows taken in pairs into two sets of accumulators (up to eight chains of
     * FMAs to hide their latency), so y is read and written once. This is the batch-1 forward pass of a
     * dense layer (x W with W stored (in, out); {@link #denseRow} adds the bias and ReLU), where m and n are a
     * few dozen and any per-row traffic on y would dominate. One contiguous column (n = 1, a regression head)
     * is a dot product.
     */
    @Override
    public void gemvT(int m, int n, float alpha, MemorySegment a, long aOff, int lda, MemorySegment x, long xOff,
                      int incX, float beta, MemorySegment y, long yOff, int incY) {
        if (incY != 1 || m == 0) {
            SCALAR.gemvT(m, n, alpha, a, aOff, lda, x, xOff, incX, beta, y, yOff, incY);
            return;
        }
        if (n == 1 && lda == 1 && incX == 1) {
            float d = alpha * dotUnit(m, a, aOff, x, xOff);
            y.setAtIndex(F, yOff, beta == 0f ? d : d + beta * y.getAtIndex(F, yOff));
            return;
        }
        columnBlocks(m, n, alpha, a, aOff, lda, x, xOff, incX, beta, null, 0, false, y, yOff);
    }

    @Override
    public void denseRow(int in, int out, MemorySegment x, long xOff, MemorySegment w, long wOff, int ldw,
                         MemorySegment b, long bOff, boolean relu, MemorySegment y, long yOff) {
        if (in == 0) {
            for (int j = 0; j < out; j++) {
                float v = b.getAtIndex(F, bOff + j);
                y.setAtIndex(F, yOff + j, relu ? Math.max(v, 0f) : v);
            }
            return;
        }
        if (out == 1 && ldw == 1) {   // a single unit: one dot product, b first as in the blocks
            float v = b.getAtIndex(F, bOff) + dotUnit(in, w, wOff, x, xOff);
            y.setAtIndex(F, yOff, relu ? Math.max(v, 0f) : v);
            return;
        }
        columnBlocks(in, out, 1f, w, wOff, ldw, x, xOff, 1, 0f, b, bOff, relu, y, yOff);
    }

    /** gemvT's column blocks; with bias != null each block's sum starts from b, and relu clamps the store. */
    private static void columnBlocks(int m, int n, float alpha, MemorySegment a, long aOff, int lda, MemorySegment x,
                                     long xOff, int incX, float beta, MemorySegment bias, long bOff, boolean relu,
                                     MemorySegment y, long yOff) {
        int j = 0;
        for (; j <= n - 4 * L; j += 4 * L) {
            columnBlock4(m, alpha, a, aOff + j, lda, x, xOff, incX, beta, bias, bOff + j, relu, y, yOff + j);
        }
        if (j <= n - 2 * L) {
            columnBlock2(m, alpha, a, aOff + j, lda, x, xOff, incX, beta, bias, bOff + j, relu, y, yOff + j);
            j += 2 * L;
        }
        for (; j < n; j += L) {
            columnBlock1(m, alpha, a, aOff + j, lda, x, xOff, incX, beta, bias, bOff + j, relu, y, yOff + j, n - j);
        }
    }

    /** Four vectors of y (columns from aCol) over all m rows; offsets are linear in the loop counter for C2. */
    private static void columnBlock4(int m, float alpha, MemorySegment a, long aCol, int lda, MemorySegment x,
                                     long xOff, int incX, float beta, MemorySegment bias, long bCol, boolean relu,
                                     MemorySegment y, long yCol) {
        FloatVector p0 = FloatVector.zero(S), p1 = p0, p2 = p0, p3 = p0, q0 = p0, q1 = p0, q2 = p0, q3 = p0;
        long step = (long) L * Float.BYTES, rowBytes = (long) lda * Float.BYTES;
        if (bias != null) {
            long bb = bCol * Float.BYTES;
            p0 = fromMemorySegment(S, bias, bb, NATIVE);
            p1 = fromMemorySegment(S, bias, bb + step, NATIVE);
            p2 = fromMemorySegment(S, bias, bb + 2 * step, NATIVE);
            p3 = fromMemorySegment(S, bias, bb + 3 * step, NATIVE);
        }
        long base = aCol * Float.BYTES;
        int pairs = m >> 1;
        for (int t = 0; t < pairs; t++) {   // rows 2t and 2t + 1
            long r = base + t * (2 * rowBytes);
            FloatVector u = FloatVector.broadcast(S, alpha * xAt(x, xOff, incX, 2 * t));
            FloatVector v = FloatVector.broadcast(S, alpha * xAt(x, xOff, incX, 2 * t + 1));
            p0 = fromMemorySegment(S, a, r, NATIVE).fma(u, p0);
            p1 = fromMemorySegment(S, a, r + step, NATIVE).fma(u, p1);
            p2 = fromMemorySegment(S, a, r + 2 * step, NATIVE).fma(u, p2);
            p3 = fromMemorySegment(S, a, r + 3 * step, NATIVE).fma(u, p3);
            q0 = fromMemorySegment(S, a, r + rowBytes, NATIVE).fma(v, q0);
            q1 = fromMemorySegment(S, a, r + rowBytes + step, NATIVE).fma(v, q1);
            q2 = fromMemorySegment(S, a, r + rowBytes + 2 * step, NATIVE).fma(v, q2);
            q3 = fromMemorySegment(S, a, r + rowBytes + 3 * step, NATIVE).fma(v, q3);
        }
        if ((m & 1) != 0) {
            long r = base + (long) (m - 1) * rowBytes;
            FloatVector u = FloatVector.broadcast(S, alpha * xAt(x, xOff, incX, m - 1));
            p0 = fromMemorySegment(S, a, r, NATIVE).fma(u, p0);
            p1 = fromMemorySegment(S, a, r + step, NATIVE).fma(u, p1);
            p2 = fromMemorySegment(S, a, r + 2 * step, NATIVE).fma(u, p2);
            p3 = fromMemorySegment(S, a, r + 3 * step, NATIVE).fma(u, p3);
        }
        long yb = yCol * Float.BYTES;
        p0 = p0.add(q0);
        p1 = p1.add(q1);
        p2 = p2.add(q2);
        p3 = p3.add(q3);
        if (beta != 0f) {   // beta = 0: y is not read
            FloatVector b = FloatVector.broadcast(S, beta);
            p0 = fromMemorySegment(S, y, yb, NATIVE).fma(b, p0);
            p1 = fromMemorySegment(S, y, yb + step, NATIVE).fma(b, p1);
            p2 = fromMemorySegment(S, y, yb + 2 * step, NATIVE).fma(b, p2);
            p3 = fromMemorySegment(S, y, yb + 3 * step, NATIVE).fma(b, p3);
        }
        if (relu) {
            p0 = p0.max(0f);
            p1 = p1.max(0f);
            p2 = p2.max(0f);
            p3 = p3.max(0f);
        }
        p0.intoMemorySegment(y, yb, NATIVE);
        p1.intoMemorySegment(y, yb + step, NATIVE);
        p2.intoMemorySegment(y, yb + 2 * step, NATIVE);
        p3.intoMemorySegment(y, yb + 3 * step, NATIVE);
    }

    /** Two vectors of y, as {@link #columnBlock4}. */
    private static void columnBlock2(int m, float alpha, MemorySegment a, long aCol, int lda, MemorySegment x,
                                     long xOff, int incX, float beta, MemorySegment bias, long bCol, boolean relu,
                                     MemorySegment y, long yCol) {
        FloatVector p0 = FloatVector.zero(S), p1 = p0, q0 = p0, q1 = p0;
        long step = (long) L * Float.BYTES, rowBytes = (long) lda * Float.BYTES;
        if (bias != null) {
            p0 = fromMemorySegment(S, bias, bCol * Float.BYTES, NATIVE);
            p1 = fromMemorySegment(S, bias, bCol * Float.BYTES + step, NATIVE);
        }
        long base = aCol * Float.BYTES;
        int pairs = m >> 1;
        for (int t = 0; t < pairs; t++) {
            long r = base + t * (2 * rowBytes);
            FloatVector u = FloatVector.broadcast(S, alpha * xAt(x, xOff, incX, 2 * t));
            FloatVector v = FloatVector.broadcast(S, alpha * xAt(x, xOff, incX, 2 * t + 1));
            p0 = fromMemorySegment(S, a, r, NATIVE).fma(u, p0);
            p1 = fromMemorySegment(S, a, r + step, NATIVE).fma(u, p1);
            q0 = fromMemorySegment(S, a, r + rowBytes, NATIVE).fma(v, q0);
            q1 = fromMemorySegment(S, a, r + rowBytes + step, NATIVE).fma(v, q1);
        }
        if ((m & 1) != 0) {
            long r = base + (long) (m - 1) * rowBytes;
            FloatVector u = FloatVector.broadcast(S, alpha * xAt(x, xOff, incX, m - 1));
            p0 = fromMemorySegment(S, a, r, NATIVE).fma(u, p0);
            p1 = fromMemorySegment(S, a, r + step, NATIVE).fma(u, p1);
        }
        long yb = yCol * Float.BYTES;
        p0 = p0.add(q0);
        p1 = p1.add(q1);
        if (beta != 0f) {
            FloatVector b = FloatVector.broadcast(S, beta);
            p0 = fromMemorySegment(S, y, yb, NATIVE).fma(b, p0);
            p1 = fromMemorySegment(S, y, yb + step, NATIVE).fma(b, p1);
        }
        if (relu) {
            p0 = p0.max(0f);
            p1 = p1.max(0f);
        }
        p0.intoMemorySegment(y, yb, NATIVE);
        p1.intoMemorySegment(y, yb + step, NATIVE);
    }

    /**
     * One vector of y: the first min(cols, L) of its lanes, for the last n % L columns (or n < L). Rows whose
     * full vector lies inside the segment are read with plain loads, in pairs into two chains; the lanes past
     * the columns hold whatever follows (the next row) and are never stored. The remaining rows, at the end
     * of the segment, take masked loads in one chain. The mask is made here (as an argument it would be
     * boxed). A first version with masked loads in the paired loop made C1 run out of virtual registers
     * ("COMPILE SKIPPED ... linear scan"), which left the method below C2 for good in one JVM in three,
     * boxing every vector (750 ns instead of 34).
     */
    private static void columnBlock1(int m, float alpha, MemorySegment a, long aCol, int lda, MemorySegment x,
                                     long xOff, int incX, float beta, MemorySegment bias, long bCol, boolean relu,
                                     MemorySegment y, long yCol, int cols) {
        VectorMask<Float> mask = S.indexInRange(0, cols);
        FloatVector p = bias != null ? fromMemorySegment(S, bias, bCol * Float.BYTES, NATIVE, mask) : FloatVector.zero(S);
        FloatVector q = FloatVector.zero(S);
        long rowBytes = (long) lda * Float.BYTES, base = aCol * Float.BYTES;
        long room = a.byteSize() - base - (long) L * Float.BYTES;   // a full vector at row i fits iff i * rowBytes <= room
        int plain = room < 0 ? 0 : (int) Math.min(m, room / rowBytes + 1);
        int pairs = plain >> 1;
        for (int t = 0; t < pairs; t++) {
            long r = base + t * (2 * rowBytes);
            p = fromMemorySegment(S, a, r, NATIVE).fma(FloatVector.broadcast(S, alpha * xAt(x, xOff, incX, 2 * t)), p);
            q = fromMemorySegment(S, a, r + rowBytes, NATIVE)
                    .fma(FloatVector.broadcast(S, alpha * xAt(x, xOff, incX, 2 * t + 1)), q);
        }
        for (int i = 2 * pairs; i < m; i++) {
            p = fromMemorySegment(S, a, base + i * rowBytes, NATIVE, mask)
                    .fma(FloatVector.broadcast(S, alpha * xAt(x, xOff, incX, i)), p);
        }
        p = p.add(q);
        long yb = yCol * Float.BYTES;
        if (beta != 0f) {
            p = fromMemorySegment(S, y, yb, NATIVE, mask).fma(FloatVector.broadcast(S, beta), p);
        }
        if (relu) {
            p = p.max(0f);
        }
        p.intoMemorySegment(y, yb, NATIVE, mask);
    }

    private static float xAt(MemorySegment x, long xOff, int incX, int i) {
        return x.getAtIndex(F, xOff + (long) i * incX);
    }

    private static void fillZero(int n, MemorySegment y, long yOff) {
        for (int i = 0; i < n; i += L) {
            FloatVector.zero(S).intoMemorySegment(y, (yOff + i) * Float.BYTES, NATIVE, S.indexInRange(i, n));
        }
    }

    // ------------------------------------------------------------------ BLAS level 3

    /**
     * Edge cases here, the products in {@link SimdSgemm}: alpha = 0 or k = 0 only scale C; one row of C is a
     * matrix-vector product (gemvT for op(B) = B, gemv for B^T), with a strided row of op(A) copied first so
     * the vector path runs; so is one column of C (gemv for op(A) = A, gemvT for A^T), which the forward and
     * weight-gradient products of a one-output dense layer are (measured 64 and 94 us at 256 x 256 through
     * the tile path, a few us as matrix-vector products). Such calls run on the caller's thread: they are
     * memory-bound and short.
     */
    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, long aOff,
                      int lda, MemorySegment b, long bOff, int ldb, float beta, MemorySegment c, long cOff, int ldc,
                      Parallel par) {
        if (m == 0 || n == 0) {
            return;
        }
        if (alpha == 0f || k == 0) {
            for (int i = 0; i < m; i++) {
                long ci = cOff + (long) i * ldc;
                if (beta == 0f) {
                    fillZero(n, c, ci);
                } else if (beta != 1f) {
                    scal(n, beta, c, ci, 1);
                }
            }
            return;
        }
        if (m == 1) {
            long x = aOff;
            if (transA && lda != 1) {   // the row of op(A) is a column of A: gather it
                a = gather(k, a, aOff, lda);
                x = 0;
            }
            if (transB) {
                gemv(n, k, alpha, b, bOff, ldb, a, x, 1, beta, c, cOff, 1);
            } else {
                gemvT(k, n, alpha, b, bOff, ldb, a, x, 1, beta, c, cOff, 1);
            }
            return;
        }
        if (n == 1 && (!transA || ldc == 1)) {   // one column of C (a dense layer with one output): gemv
            long x = bOff;
            if (!transB && ldb != 1) {   // the column of op(B) is strided in B: gather it
                b = gather(k, b, bOff, ldb);
                x = 0;
            }
            if (transA) {
                gemvT(k, m, alpha, a, aOff, lda, b, x, 1, beta, c, cOff, 1);
            } else {
                gemv(m, k, alpha, a, aOff, lda, b, x, 1, beta, c, cOff, ldc);
            }
            return;
        }
        SimdSgemm.sgemm(par, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** k floats of src from off with stride inc, copied into this thread's GEMM scratch (contiguous). */
    private static MemorySegment gather(int k, MemorySegment src, long off, int inc) {
        MemorySegment w = GemmScratch.get((long) k * Float.BYTES);
        for (int p = 0; p < k; p++) {
            w.setAtIndex(F, p, src.getAtIndex(F, off + (long) p * inc));
        }
        return w;
    }

    /** alpha = 0 or k = 0 only scale C; everything else in {@link SimdDgemm}. */
    @Override
    public void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha, MemorySegment a, long aOff,
                      int lda, MemorySegment b, long bOff, int ldb, double beta, MemorySegment c, long cOff, int ldc,
                      Parallel par) {
        if (m == 0 || n == 0) {
            return;
        }
        if (alpha == 0 || k == 0) {
            SCALAR.dgemm(transA, transB, m, n, 0, 0, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, Parallel.CALLER);
            return;
        }
        SimdDgemm.dgemm(par, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    // ------------------------------------------------------------------ bias

    @Override
    public void addBias(int rows, int cols, MemorySegment a, long aOff, int lda, MemorySegment bias, long biasOff) {
        for (int r = 0; r < rows; r++) {
            axpy(cols, 1f, bias, biasOff, 1, a, aOff + (long) r * lda, 1);
        }
    }

    /** One block of L columns at a time, summed down all rows in a register, then written once. */
    @Override
    public void colSums(int rows, int cols, MemorySegment a, long aOff, int lda, float beta,
                        MemorySegment out, long outOff) {
        long rowBytes = (long) lda * Float.BYTES;
        for (int j = 0; j < cols; j += L) {
            VectorMask<Float> m = S.indexInRange(j, cols);
            long col = (aOff + j) * Float.BYTES, oj = (outOff + j) * Float.BYTES;
            FloatVector acc = FloatVector.zero(S);
            for (int r = 0; r < rows; r++) {
                acc = acc.add(fromMemorySegment(S, a, col + r * rowBytes, NATIVE, m));
            }
            if (beta != 0f) {
                acc = fromMemorySegment(S, out, oj, NATIVE, m).fma(FloatVector.broadcast(S, beta), acc);
            }
            acc.intoMemorySegment(out, oj, NATIVE, m);
        }
    }

    // ------------------------------------------------------------------ activations

    @Override
    public void relu(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE, m).max(0f)   // max follows Math.max: NaN stays
                    .intoMemorySegment(y, (yOff + i) * Float.BYTES, NATIVE, m);
        }
    }

    @Override
    public void reluBackward(int n, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                             MemorySegment dx, long dxOff) {
        leakyReluBackward(n, 0f, x, xOff, dy, dyOff, dx, dxOff);
    }

    @Override
    public void leakyRelu(int n, float slope, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE, m);
            FloatVector out = v.mul(slope).blend(v, v.compare(VectorOperators.GT, 0f));
            out.intoMemorySegment(y, (yOff + i) * Float.BYTES, NATIVE, m);
        }
    }

    @Override
    public void leakyReluBackward(int n, float slope, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                                  MemorySegment dx, long dxOff) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector g = fromMemorySegment(S, dy, (dyOff + i) * Float.BYTES, NATIVE, m);
            FloatVector v = fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE, m);
            g.mul(slope).blend(g, v.compare(VectorOperators.GT, 0f))
                    .intoMemorySegment(dx, (dxOff + i) * Float.BYTES, NATIVE, m);
        }
    }

    @Override
    public void exp(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        VectorMath.expShift(true, n, x, xOff, 0f, y, yOff);
    }

    @Override
    public void sigmoid(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        VectorMath.sigmoidFamily(VectorMath.SIGMOID, n, x, xOff, null, 0, y, yOff);
    }

    @Override
    public void sigmoidBackward(int n, MemorySegment y, long yOff, MemorySegment dy, long dyOff,
                                MemorySegment dx, long dxOff) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector s = fromMemorySegment(S, y, (yOff + i) * Float.BYTES, NATIVE);
            fromMemorySegment(S, dy, (dyOff + i) * Float.BYTES, NATIVE).mul(s).mul(s.neg().add(1f))
                    .intoMemorySegment(dx, (dxOff + i) * Float.BYTES, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector s = fromMemorySegment(S, y, (yOff + i) * Float.BYTES, NATIVE, m);
            fromMemorySegment(S, dy, (dyOff + i) * Float.BYTES, NATIVE, m).mul(s).mul(s.neg().add(1f))
                    .intoMemorySegment(dx, (dxOff + i) * Float.BYTES, NATIVE, m);
        }
    }

    @Override
    public void tanh(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        VectorMath.tanh(n, x, xOff, y, yOff);
    }

    @Override
    public void tanhBackward(int n, MemorySegment y, long yOff, MemorySegment dy, long dyOff,
                             MemorySegment dx, long dxOff) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector t = fromMemorySegment(S, y, (yOff + i) * Float.BYTES, NATIVE);
            fromMemorySegment(S, dy, (dyOff + i) * Float.BYTES, NATIVE).mul(t.neg().fma(t, t.broadcast(1f)))
                    .intoMemorySegment(dx, (dxOff + i) * Float.BYTES, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector t = fromMemorySegment(S, y, (yOff + i) * Float.BYTES, NATIVE, m);
            fromMemorySegment(S, dy, (dyOff + i) * Float.BYTES, NATIVE, m).mul(t.neg().fma(t, t.broadcast(1f)))
                    .intoMemorySegment(dx, (dxOff + i) * Float.BYTES, NATIVE, m);
        }
    }



    @Override
    public void gelu(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        VectorMath.sigmoidFamily(VectorMath.GELU, n, x, xOff, null, 0, y, yOff);
    }

    @Override
    public void geluBackward(int n, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                             MemorySegment dx, long dxOff) {
        VectorMath.sigmoidFamily(VectorMath.GELU_GRAD, n, x, xOff, dy, dyOff, dx, dxOff);
    }

    // ------------------------------------------------------------------ softmax



    @Override
    public void softmax(int rows, int cols, MemorySegment x, long xOff, int ldx, MemorySegment y, long yOff, int ldy) {
        for (int r = 0; r < rows; r++) {
            long xr = xOff + (long) r * ldx;
            long yr = yOff + (long) r * ldy;
            float total = VectorMath.expShift(true, cols, x, xr, maxUnit(cols, x, xr), y, yr);
            scal(cols, 1f / total, y, yr, 1);
        }
    }

    @Override
    public void logSoftmax(int rows, int cols, MemorySegment x, long xOff, int ldx,
                           MemorySegment y, long yOff, int ldy) {
        for (int r = 0; r < rows; r++) {
            long xr = xOff + (long) r * ldx;
            long yr = yOff + (long) r * ldy;
            float max = maxUnit(cols, x, xr);
            float shift = max + (float) Math.log(VectorMath.expShift(false, cols, x, xr, max, null, 0));
            int j = 0;
            for (int bound = S.loopBound(cols); j < bound; j += L) {
                fromMemorySegment(S, x, (xr + j) * Float.BYTES, NATIVE).sub(shift)
                        .intoMemorySegment(y, (yr + j) * Float.BYTES, NATIVE);
            }
            if (j < cols) {
                VectorMask<Float> m = S.indexInRange(j, cols);
                fromMemorySegment(S, x, (xr + j) * Float.BYTES, NATIVE, m).sub(shift)
                        .intoMemorySegment(y, (yr + j) * Float.BYTES, NATIVE, m);
            }
        }
    }

    // ------------------------------------------------------------------ losses

    @Override
    public float mseLoss(int n, MemorySegment pred, long predOff, MemorySegment target, long targetOff,
                         MemorySegment grad, long gradOff) {
        if (n == 0) {
            return 0f;
        }
        float scale = 2f / n;
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector d =
                    fromMemorySegment(S, pred, (predOff + i) * Float.BYTES, NATIVE).sub(fromMemorySegment(S, target, (targetOff + i) * Float.BYTES, NATIVE));
            acc = d.fma(d, acc);
            d.mul(scale).intoMemorySegment(grad, (gradOff + i) * Float.BYTES, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector d =
                    fromMemorySegment(S, pred, (predOff + i) * Float.BYTES, NATIVE, m).sub(fromMemorySegment(S, target, (targetOff + i) * Float.BYTES, NATIVE, m));
            acc = d.fma(d, acc);   // masked-off lanes load 0 - 0
            d.mul(scale).intoMemorySegment(grad, (gradOff + i) * Float.BYTES, NATIVE, m);
        }
        acc = L >= 16 ? acc.add(acc.rearrange(SWAP8)) : acc;   // fixed-order sum, see SWAP1
        acc = L >= 8 ? acc.add(acc.rearrange(SWAP4)) : acc;
        acc = acc.add(acc.rearrange(SWAP2));
        acc = acc.add(acc.rearrange(SWAP1));
        return acc.lane(0) / n;
    }

    /** As mseLoss: one pass, the quadratic and linear branches blended by a mask (the tail loads 0 - 0, adds 0). */
    @Override
    public float huberLoss(int n, float delta, MemorySegment pred, long predOff, MemorySegment target, long targetOff,
                           MemorySegment grad, long gradOff) {
        if (n == 0) {
            return 0f;
        }
        float invN = 1f / n;
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector d = fromMemorySegment(S, pred, (predOff + i) * Float.BYTES, NATIVE)
                    .sub(fromMemorySegment(S, target, (targetOff + i) * Float.BYTES, NATIVE));
            FloatVector a = d.abs();   // h(d): d^2 / 2 inside delta, delta (|d| - delta / 2) beyond
            acc = acc.add(d.mul(d).mul(0.5f).blend(a.sub(0.5f * delta).mul(delta), a.compare(VectorOperators.GT, delta)));
            d.max(-delta).min(delta).mul(invN).intoMemorySegment(grad, (gradOff + i) * Float.BYTES, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector d = fromMemorySegment(S, pred, (predOff + i) * Float.BYTES, NATIVE, m)
                    .sub(fromMemorySegment(S, target, (targetOff + i) * Float.BYTES, NATIVE, m));
            FloatVector a = d.abs();
            acc = acc.add(d.mul(d).mul(0.5f).blend(a.sub(0.5f * delta).mul(delta), a.compare(VectorOperators.GT, delta)));
            d.max(-delta).min(delta).mul(invN).intoMemorySegment(grad, (gradOff + i) * Float.BYTES, NATIVE, m);
        }
        acc = L >= 16 ? acc.add(acc.rearrange(SWAP8)) : acc;   // fixed-order sum, see SWAP1
        acc = L >= 8 ? acc.add(acc.rearrange(SWAP4)) : acc;
        acc = acc.add(acc.rearrange(SWAP2));
        acc = acc.add(acc.rearrange(SWAP1));
        return acc.lane(0) * invN;
    }

    /**
     * Two passes. The first computes e = exp(-|z|), the loss terms softplus(z) = max(z, 0) + log1p(e) and
     * softplus(-z) = softplus(z) - z, and stores e carrying z's sign bit in grad (read z before writing: grad may
     * be the logits). The second turns that into sigmoid(z) = 1/(1+e) or e/(1+e) by the sign, and the gradient.
     * One exp per element, nothing overflows, and each loop stays small enough for C2 to inline its helpers
     * (a single fused loop crossed the node-count cutoff when inlined into a caller, and boxed).
     */
    @Override
    public float bceWithLogitsLoss(int n, MemorySegment logits, long logitsOff, MemorySegment target, long targetOff,
                                   float posWeight, MemorySegment grad, long gradOff) {
        if (n == 0) {
            return 0f;
        }
        float loss = VectorMath.bceLoss(n, logits, logitsOff, target, targetOff, posWeight, grad, gradOff);
        bceGradFromSignedExp(n, target, targetOff, posWeight, grad, gradOff);
        return loss / n;
    }


    /** grad = ((1 - t) sigmoid(z) - w t sigmoid(-z)) / n, from the signed exp(-|z|) that grad holds. */
    private static void bceGradFromSignedExp(int n, MemorySegment target, long targetOff, float posWeight,
                                             MemorySegment grad, long gradOff) {
        float invN = 1f / n;
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector signed = fromMemorySegment(S, grad, (gradOff + i) * Float.BYTES, NATIVE, m);
            FloatVector t = fromMemorySegment(S, target, (targetOff + i) * Float.BYTES, NATIVE, m);
            FloatVector e = signed.abs();
            FloatVector big = e.broadcast(1f).div(e.add(1f));   // sigmoid(|z|)
            FloatVector tiny = e.mul(big);                         // sigmoid(-|z|)
            VectorMask<Float> negative = signed.compare(VectorOperators.LT, 0f);   // never +-0: see bceLoss
            FloatVector sPos = big.blend(tiny, negative);
            FloatVector sNeg = tiny.blend(big, negative);
            FloatVector wt = t.mul(posWeight);
            t.neg().add(1f).mul(sPos).sub(wt.mul(sNeg)).mul(invN)
                    .intoMemorySegment(grad, (gradOff + i) * Float.BYTES, NATIVE, m);
        }
    }

    /**
     * Per row: max; sum t z and sum t; exp(z - max) stored in grad and summed; then the gradient from the stored
     * exponentials. Each pass is one of the small loops above, so no method grows past what C1 and C2 handle.
     */
    @Override
    public float softmaxCrossEntropyLoss(int rows, int cols, MemorySegment logits, long logitsOff, int ldz,
                                         MemorySegment target, long targetOff, int ldt,
                                         MemorySegment grad, long gradOff, int ldg) {
        if (rows == 0 || cols == 0) {
            return 0f;
        }
        float invRows = 1f / rows;
        float loss = 0f;
        for (int r = 0; r < rows; r++) {
            long zr = logitsOff + (long) r * ldz;
            long tr = targetOff + (long) r * ldt;
            long gr = gradOff + (long) r * ldg;
            float max = maxUnit(cols, logits, zr);
            // The loss needs sum t z and sum t, read before exp(z - max) is stored in grad (which may be the
            // logits themselves); then loss_row = sum(t) (max + log total) - sum(t z).
            float tz = dotUnit(cols, target, tr, logits, zr);
            float tTotal = sum(cols, target, tr, 1);
            float total = VectorMath.expShift(true, cols, logits, zr, max, grad, gr);
            loss += tTotal * (max + (float) Math.log(total)) - tz;
            float pScale = tTotal / total * invRows;
            for (int j = 0; j < cols; j += L) {
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector e = fromMemorySegment(S, grad, (gr + j) * Float.BYTES, NATIVE, m);
                FloatVector t = fromMemorySegment(S, target, (tr + j) * Float.BYTES, NATIVE, m);
                e.mul(pScale).sub(t.mul(invRows)).intoMemorySegment(grad, (gr + j) * Float.BYTES, NATIVE, m);
            }
        }
        return loss * invRows;
    }

    // ------------------------------------------------------------------ optimizers

    // The optimizer loops run unmasked over whole vectors and hand the last n % L elements to the scalar
    // twin, the same formula (see the class comment).

    @Override
    public void sgd(int n, float lr, float weightDecay, MemorySegment w, long wOff, MemorySegment g, long gOff) {
        FloatVector negLr = FloatVector.broadcast(S, -lr);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector wv = fromMemorySegment(S, w, (wOff + i) * Float.BYTES, NATIVE);
            FloatVector gv = fromMemorySegment(S, g, (gOff + i) * Float.BYTES, NATIVE);
            gv.add(wv.mul(weightDecay)).fma(negLr, wv).intoMemorySegment(w, (wOff + i) * Float.BYTES, NATIVE);
        }
        SCALAR.sgd(n - i, lr, weightDecay, w, wOff + i, g, gOff + i);
    }

    @Override
    public void sgdMomentum(int n, float lr, float momentum, float weightDecay, boolean nesterov,
                            MemorySegment w, long wOff, MemorySegment g, long gOff, MemorySegment v, long vOff) {
        FloatVector negLr = FloatVector.broadcast(S, -lr);
        FloatVector mu = FloatVector.broadcast(S, momentum);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector wv = fromMemorySegment(S, w, (wOff + i) * Float.BYTES, NATIVE);
            FloatVector gv = fromMemorySegment(S, g, (gOff + i) * Float.BYTES, NATIVE).add(wv.mul(weightDecay));
            FloatVector vv = fromMemorySegment(S, v, (vOff + i) * Float.BYTES, NATIVE).mul(mu).add(gv);
            vv.intoMemorySegment(v, (vOff + i) * Float.BYTES, NATIVE);
            FloatVector step = nesterov ? vv.fma(mu, gv) : vv;
            step.fma(negLr, wv).intoMemorySegment(w, (wOff + i) * Float.BYTES, NATIVE);
        }
        SCALAR.sgdMomentum(n - i, lr, momentum, weightDecay, nesterov, w, wOff + i, g, gOff + i, v, vOff + i);
    }

    @Override
    public void adam(int n, float lr, float beta1, float beta2, float eps, float weightDecay, int step,
                     MemorySegment w, long wOff, MemorySegment g, long gOff, MemorySegment m, long mOff,
                     MemorySegment v, long vOff) {
        adamStep(n, lr, beta1, beta2, eps, weightDecay, 0f, step, w, wOff, g, gOff, m, mOff, v, vOff);
    }

    @Override
    public void adamW(int n, float lr, float beta1, float beta2, float eps, float weightDecay, int step,
                      MemorySegment w, long wOff, MemorySegment g, long gOff, MemorySegment m, long mOff,
                      MemorySegment v, long vOff) {
        adamStep(n, lr, beta1, beta2, eps, 0f, weightDecay, step, w, wOff, g, gOff, m, mOff, v, vOff);
    }

    /** The same arithmetic as the scalar twin's adamStep, lane by lane; the twin takes the last n % L. */
    private static void adamStep(int n, float lr, float beta1, float beta2, float eps, float l2, float decoupled,
                                 int step, MemorySegment w, long wOff, MemorySegment g, long gOff,
                                 MemorySegment m, long mOff, MemorySegment v, long vOff) {
        // Bias corrections in double: 1 - beta2^step cancels badly for small steps (beta2 = 0.999, step 3:
        // 0.003), and a float beta2^step would carry its rounding error into c2 magnified a thousandfold.
        float c1 = (float) (1.0 / (1.0 - Math.pow(beta1, step)));
        float c2 = (float) (1.0 / (1.0 - Math.pow(beta2, step)));
        float shrink = 1f - lr * decoupled;
        float lrC1 = lr * c1;
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            long wb = (wOff + i) * Float.BYTES, mb = (mOff + i) * Float.BYTES, vb = (vOff + i) * Float.BYTES;
            FloatVector wv = fromMemorySegment(S, w, wb, NATIVE);
            FloatVector gv = fromMemorySegment(S, g, (gOff + i) * Float.BYTES, NATIVE).add(wv.mul(l2));
            FloatVector mv = fromMemorySegment(S, m, mb, NATIVE).mul(beta1).add(gv.mul(1f - beta1));
            FloatVector vv = fromMemorySegment(S, v, vb, NATIVE).mul(beta2).add(gv.mul(gv).mul(1f - beta2));
            mv.intoMemorySegment(m, mb, NATIVE);
            vv.intoMemorySegment(v, vb, NATIVE);
            FloatVector denom = vv.mul(c2).lanewise(VectorOperators.SQRT).add(eps);
            wv.mul(shrink).sub(mv.mul(lrC1).div(denom)).intoMemorySegment(w, wb, NATIVE);
        }
        if (decoupled != 0f) {
            SCALAR.adamW(n - i, lr, beta1, beta2, eps, decoupled, step, w, wOff + i, g, gOff + i, m, mOff + i, v, vOff + i);
        } else {
            SCALAR.adam(n - i, lr, beta1, beta2, eps, l2, step, w, wOff + i, g, gOff + i, m, mOff + i, v, vOff + i);
        }
    }
}
