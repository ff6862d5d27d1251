package io.quantlane.kernel.simd;

import io.quantlane.kernel.FloatKernels;
import io.quantlane.kernel.scalar.ScalarKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The Vector API kernels. The only package that imports {@code jdk.incubator.vector}; loaded reflectively by
 * {@code KernelProvider} so the library links without the module.
 *
 * <p>Two loop shapes. Light kernels (BLAS-1, element-wise arithmetic) run a body over whole vectors, then
 * one masked vector for the tail. Kernels built on exp (exp, sigmoid, tanh, GELU, softmax, the losses) run a
 * single loop with a mask on every iteration: their body is large once the polynomial is inlined, and a
 * second copy for the tail doubles the compiled graph until C2 hits its node-count inlining cutoff, stops
 * inlining, and every vector crossing the un-inlined call is boxed on the heap. AVX-512 and AVX2 have masked
 * loads and stores, so the mask costs a compare per 16 lanes, little beside an exp. Either way the tail runs
 * the same lane code as the body, so results do not depend on where an element falls. Reductions keep four
 * independent accumulators: one FMA chain would stall on FMA latency (4 cycles) while the core can issue two
 * per cycle.
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

    private static final int L = S.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ScalarKernels SCALAR = new ScalarKernels();
    private static final float GELU_K1 = 2f * 0.7978845608028654f;      // 2 sqrt(2/pi)
    private static final float GELU_K3 = GELU_K1 * 0.044715f;

    /** Public for reflective construction by the provider. */
    public SimdKernels() {
    }

    @Override
    public int vectorBits() {
        return S.vectorBitSize();
    }

    @Override
    public String describe() {
        return S + " (" + WIDTH_NOTE + "), exp/tanh: " + (VectorMath.JDK_MATH ? "jdk VectorOperators" : "polynomial");
    }

    // Loads and stores call FloatVector.fromMemorySegment / intoMemorySegment directly, never through a
    // helper of ours: the JDK methods are force-inlined, ours are subject to C2's node-count cutoff, and a
    // vector passed to or returned from a call that is not inlined is boxed on the heap.

    private static FloatVector zero() {
        return FloatVector.zero(S);
    }

    // ------------------------------------------------------------------ BLAS level 1

    @Override
    public float dot(int n, MemorySegment x, long xOff, int incX, MemorySegment y, long yOff, int incY) {
        if (incX != 1 || incY != 1) {
            return SCALAR.dot(n, x, xOff, incX, y, yOff, incY);
        }
        return dotUnit(n, x, xOff, y, yOff);
    }

    /** Dot product of two contiguous runs; shared by dot and gemv. */
    private static float dotUnit(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        FloatVector a0 = zero(), a1 = zero(), a2 = zero(), a3 = zero();
        int i = 0;
        for (; i <= n - 4 * L; i += 4 * L) {
            a0 = FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, y, (yOff + i) * Float.BYTES, NATIVE), a0);
            a1 = FloatVector.fromMemorySegment(S, x, (xOff + i + L) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, y, (yOff + i + L) * Float.BYTES, NATIVE), a1);
            a2 = FloatVector.fromMemorySegment(S, x, (xOff + i + 2 * L) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, y, (yOff + i + 2 * L) * Float.BYTES, NATIVE), a2);
            a3 = FloatVector.fromMemorySegment(S, x, (xOff + i + 3 * L) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, y, (yOff + i + 3 * L) * Float.BYTES, NATIVE), a3);
        }
        for (; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            a0 = FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE, m).fma(FloatVector.fromMemorySegment(S, y, (yOff + i) * Float.BYTES, NATIVE, m), a0);
        }
        return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void axpy(int n, float alpha, MemorySegment x, long xOff, int incX, MemorySegment y, long yOff, int incY) {
        if (incX != 1 || incY != 1) {
            SCALAR.axpy(n, alpha, x, xOff, incX, y, yOff, incY);
            return;
        }
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE).fma(FloatVector.broadcast(S, alpha), FloatVector.fromMemorySegment(S, y, (yOff + i) * Float.BYTES, NATIVE)).intoMemorySegment(y, (yOff + i) * Float.BYTES, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE, m).fma(FloatVector.broadcast(S, alpha), FloatVector.fromMemorySegment(S, y, (yOff + i) * Float.BYTES, NATIVE, m)).intoMemorySegment(y, (yOff + i) * Float.BYTES, NATIVE, m);
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
            FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE).mul(alpha).intoMemorySegment(x, (xOff + i) * Float.BYTES, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE, m).mul(alpha).intoMemorySegment(x, (xOff + i) * Float.BYTES, NATIVE, m);
        }
    }

    @Override
    public float sum(int n, MemorySegment x, long xOff, int incX) {
        if (incX != 1) {
            return SCALAR.sum(n, x, xOff, incX);
        }
        FloatVector a0 = zero(), a1 = zero(), a2 = zero(), a3 = zero();
        int i = 0;
        for (; i <= n - 4 * L; i += 4 * L) {
            a0 = a0.add(FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE));
            a1 = a1.add(FloatVector.fromMemorySegment(S, x, (xOff + i + L) * Float.BYTES, NATIVE));
            a2 = a2.add(FloatVector.fromMemorySegment(S, x, (xOff + i + 2 * L) * Float.BYTES, NATIVE));
            a3 = a3.add(FloatVector.fromMemorySegment(S, x, (xOff + i + 3 * L) * Float.BYTES, NATIVE));
        }
        for (; i < n; i += L) {
            a0 = a0.add(FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE, S.indexInRange(i, n)));
        }
        return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public float max(int n, MemorySegment x, long xOff, int incX) {
        if (incX != 1) {
            return SCALAR.max(n, x, xOff, incX);
        }
        return maxUnit(n, x, xOff);
    }

    private static float maxUnit(int n, MemorySegment x, long xOff) {
        FloatVector a0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        FloatVector a1 = a0;
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            a0 = a0.max(FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE));
            a1 = a1.max(FloatVector.fromMemorySegment(S, x, (xOff + i + L) * Float.BYTES, NATIVE));
        }
        for (; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            a0 = a0.lanewise(VectorOperators.MAX, FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE, m), m);
        }
        return a0.max(a1).reduceLanes(VectorOperators.MAX);
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
            FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE).add(FloatVector.fromMemorySegment(S, y, (yOff + i) * Float.BYTES, NATIVE)).intoMemorySegment(z, (zOff + i) * Float.BYTES, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE, m).add(FloatVector.fromMemorySegment(S, y, (yOff + i) * Float.BYTES, NATIVE, m)).intoMemorySegment(z, (zOff + i) * Float.BYTES, NATIVE, m);
        }
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
            FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE).mul(FloatVector.fromMemorySegment(S, y, (yOff + i) * Float.BYTES, NATIVE)).intoMemorySegment(z, (zOff + i) * Float.BYTES, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE, m).mul(FloatVector.fromMemorySegment(S, y, (yOff + i) * Float.BYTES, NATIVE, m)).intoMemorySegment(z, (zOff + i) * Float.BYTES, NATIVE, m);
        }
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
            FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE).fma(FloatVector.fromMemorySegment(S, y, (yOff + i) * Float.BYTES, NATIVE), FloatVector.fromMemorySegment(S, z, (zOff + i) * Float.BYTES, NATIVE)).intoMemorySegment(z, (zOff + i) * Float.BYTES, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE, m).fma(FloatVector.fromMemorySegment(S, y, (yOff + i) * Float.BYTES, NATIVE, m), FloatVector.fromMemorySegment(S, z, (zOff + i) * Float.BYTES, NATIVE, m)).intoMemorySegment(z, (zOff + i) * Float.BYTES, NATIVE, m);
        }
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
            long r0 = aOff + (long) i * lda, r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda;
            FloatVector a0 = zero(), a1 = zero(), a2 = zero(), a3 = zero();
            int j = 0;
            for (int bound = S.loopBound(n); j < bound; j += L) {
                FloatVector xv = FloatVector.fromMemorySegment(S, x, (xOff + j) * Float.BYTES, NATIVE);
                a0 = FloatVector.fromMemorySegment(S, a, (r0 + j) * Float.BYTES, NATIVE).fma(xv, a0);
                a1 = FloatVector.fromMemorySegment(S, a, (r1 + j) * Float.BYTES, NATIVE).fma(xv, a1);
                a2 = FloatVector.fromMemorySegment(S, a, (r2 + j) * Float.BYTES, NATIVE).fma(xv, a2);
                a3 = FloatVector.fromMemorySegment(S, a, (r3 + j) * Float.BYTES, NATIVE).fma(xv, a3);
            }
            if (j < n) {
                VectorMask<Float> mk = S.indexInRange(j, n);
                FloatVector xv = FloatVector.fromMemorySegment(S, x, (xOff + j) * Float.BYTES, NATIVE, mk);
                a0 = FloatVector.fromMemorySegment(S, a, (r0 + j) * Float.BYTES, NATIVE, mk).fma(xv, a0);
                a1 = FloatVector.fromMemorySegment(S, a, (r1 + j) * Float.BYTES, NATIVE, mk).fma(xv, a1);
                a2 = FloatVector.fromMemorySegment(S, a, (r2 + j) * Float.BYTES, NATIVE, mk).fma(xv, a2);
                a3 = FloatVector.fromMemorySegment(S, a, (r3 + j) * Float.BYTES, NATIVE, mk).fma(xv, a3);
            }
            storeGemv(alpha, a0.reduceLanes(VectorOperators.ADD), beta, y, yOff + (long) i * incY);
            storeGemv(alpha, a1.reduceLanes(VectorOperators.ADD), beta, y, yOff + (long) (i + 1) * incY);
            storeGemv(alpha, a2.reduceLanes(VectorOperators.ADD), beta, y, yOff + (long) (i + 2) * incY);
            storeGemv(alpha, a3.reduceLanes(VectorOperators.ADD), beta, y, yOff + (long) (i + 3) * incY);
        }
        for (; i < m; i++) {
            storeGemv(alpha, dotUnit(n, a, aOff + (long) i * lda, x, xOff), beta, y, yOff + (long) i * incY);
        }
    }

    private static void storeGemv(float alpha, float acc, float beta, MemorySegment y, long index) {
        float prior = beta == 0f ? 0f : beta * y.getAtIndex(F, index);
        y.setAtIndex(F, index, alpha * acc + prior);
    }

    /**
     * y = beta y, then y += (alpha x_i) A_i for the rows of A, four rows per pass over y so each load and
     * store of y carries four FMAs.
     */
    @Override
    public void gemvT(int m, int n, float alpha, MemorySegment a, long aOff, int lda, MemorySegment x, long xOff,
                      int incX, float beta, MemorySegment y, long yOff, int incY) {
        if (incY != 1) {
            SCALAR.gemvT(m, n, alpha, a, aOff, lda, x, xOff, incX, beta, y, yOff, incY);
            return;
        }
        if (beta == 0f) {
            fillZero(n, y, yOff);
        } else if (beta != 1f) {
            scal(n, beta, y, yOff, 1);
        }
        int i = 0;
        for (; i <= m - 4; i += 4) {
            long r0 = aOff + (long) i * lda, r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda;
            float s0 = alpha * xAt(x, xOff, incX, i), s1 = alpha * xAt(x, xOff, incX, i + 1);
            float s2 = alpha * xAt(x, xOff, incX, i + 2), s3 = alpha * xAt(x, xOff, incX, i + 3);
            int j = 0;
            for (int bound = S.loopBound(n); j < bound; j += L) {
                FloatVector acc = FloatVector.fromMemorySegment(S, y, (yOff + j) * Float.BYTES, NATIVE);
                acc = FloatVector.fromMemorySegment(S, a, (r0 + j) * Float.BYTES, NATIVE).fma(FloatVector.broadcast(S, s0), acc);
                acc = FloatVector.fromMemorySegment(S, a, (r1 + j) * Float.BYTES, NATIVE).fma(FloatVector.broadcast(S, s1), acc);
                acc = FloatVector.fromMemorySegment(S, a, (r2 + j) * Float.BYTES, NATIVE).fma(FloatVector.broadcast(S, s2), acc);
                acc = FloatVector.fromMemorySegment(S, a, (r3 + j) * Float.BYTES, NATIVE).fma(FloatVector.broadcast(S, s3), acc);
                acc.intoMemorySegment(y, (yOff + j) * Float.BYTES, NATIVE);
            }
            if (j < n) {
                VectorMask<Float> mk = S.indexInRange(j, n);
                FloatVector acc = FloatVector.fromMemorySegment(S, y, (yOff + j) * Float.BYTES, NATIVE, mk);
                acc = FloatVector.fromMemorySegment(S, a, (r0 + j) * Float.BYTES, NATIVE, mk).fma(FloatVector.broadcast(S, s0), acc);
                acc = FloatVector.fromMemorySegment(S, a, (r1 + j) * Float.BYTES, NATIVE, mk).fma(FloatVector.broadcast(S, s1), acc);
                acc = FloatVector.fromMemorySegment(S, a, (r2 + j) * Float.BYTES, NATIVE, mk).fma(FloatVector.broadcast(S, s2), acc);
                acc = FloatVector.fromMemorySegment(S, a, (r3 + j) * Float.BYTES, NATIVE, mk).fma(FloatVector.broadcast(S, s3), acc);
                acc.intoMemorySegment(y, (yOff + j) * Float.BYTES, NATIVE, mk);
            }
        }
        for (; i < m; i++) {
            axpy(n, alpha * xAt(x, xOff, incX, i), a, aOff + (long) i * lda, 1, y, yOff, 1);
        }
    }

    private static float xAt(MemorySegment x, long xOff, int incX, int i) {
        return x.getAtIndex(F, xOff + (long) i * incX);
    }

    private static void fillZero(int n, MemorySegment y, long yOff) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            zero().intoMemorySegment(y, (yOff + i) * Float.BYTES, NATIVE);
        }
        if (i < n) {
            zero().intoMemorySegment(y, (yOff + i) * Float.BYTES, NATIVE, S.indexInRange(i, n));
        }
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
        for (int j = 0; j < cols; j += L) {
            VectorMask<Float> m = S.indexInRange(j, cols);
            FloatVector acc = zero();
            if (m.allTrue()) {
                for (int r = 0; r < rows; r++) {
                    acc = acc.add(FloatVector.fromMemorySegment(S, a, (aOff + (long) r * lda + j) * Float.BYTES, NATIVE));
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    acc = acc.add(FloatVector.fromMemorySegment(S, a, (aOff + (long) r * lda + j) * Float.BYTES, NATIVE, m));
                }
            }
            if (beta != 0f) {
                acc = FloatVector.fromMemorySegment(S, out, (outOff + j) * Float.BYTES, NATIVE, m).fma(FloatVector.broadcast(S, beta), acc);
            }
            acc.intoMemorySegment(out, (outOff + j) * Float.BYTES, NATIVE, m);
        }
    }

    // ------------------------------------------------------------------ activations

    @Override
    public void relu(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE).max(0f).intoMemorySegment(y, (yOff + i) * Float.BYTES, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE, m).max(0f).intoMemorySegment(y, (yOff + i) * Float.BYTES, NATIVE, m);
        }
    }

    @Override
    public void reluBackward(int n, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                             MemorySegment dx, long dxOff) {
        leakyReluBackward(n, 0f, x, xOff, dy, dyOff, dx, dxOff);
    }

    @Override
    public void leakyRelu(int n, float slope, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE);
            v.mul(slope).blend(v, v.compare(VectorOperators.GT, 0f)).intoMemorySegment(y, (yOff + i) * Float.BYTES, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE, m);
            v.mul(slope).blend(v, v.compare(VectorOperators.GT, 0f)).intoMemorySegment(y, (yOff + i) * Float.BYTES, NATIVE, m);
        }
    }

    @Override
    public void leakyReluBackward(int n, float slope, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                                  MemorySegment dx, long dxOff) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector g = FloatVector.fromMemorySegment(S, dy, (dyOff + i) * Float.BYTES, NATIVE);
            g.mul(slope).blend(g, FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE).compare(VectorOperators.GT, 0f)).intoMemorySegment(dx, (dxOff + i) * Float.BYTES, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector g = FloatVector.fromMemorySegment(S, dy, (dyOff + i) * Float.BYTES, NATIVE, m);
            g.mul(slope).blend(g, FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE, m).compare(VectorOperators.GT, 0f)).intoMemorySegment(dx, (dxOff + i) * Float.BYTES, NATIVE, m);
        }
    }

    @Override
    public void exp(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            VectorMath.exp(FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE, m)).intoMemorySegment(y, (yOff + i) * Float.BYTES, NATIVE, m);
        }
    }

    @Override
    public void sigmoid(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            VectorMath.sigmoid(FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE, m)).intoMemorySegment(y, (yOff + i) * Float.BYTES, NATIVE, m);
        }
    }

    @Override
    public void sigmoidBackward(int n, MemorySegment y, long yOff, MemorySegment dy, long dyOff,
                                MemorySegment dx, long dxOff) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector s = FloatVector.fromMemorySegment(S, y, (yOff + i) * Float.BYTES, NATIVE);
            FloatVector.fromMemorySegment(S, dy, (dyOff + i) * Float.BYTES, NATIVE).mul(s).mul(s.neg().add(1f)).intoMemorySegment(dx, (dxOff + i) * Float.BYTES, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector s = FloatVector.fromMemorySegment(S, y, (yOff + i) * Float.BYTES, NATIVE, m);
            FloatVector.fromMemorySegment(S, dy, (dyOff + i) * Float.BYTES, NATIVE, m).mul(s).mul(s.neg().add(1f)).intoMemorySegment(dx, (dxOff + i) * Float.BYTES, NATIVE, m);
        }
    }

    @Override
    public void tanh(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            VectorMath.tanh(FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE, m)).intoMemorySegment(y, (yOff + i) * Float.BYTES, NATIVE, m);
        }
    }

    @Override
    public void tanhBackward(int n, MemorySegment y, long yOff, MemorySegment dy, long dyOff,
                             MemorySegment dx, long dxOff) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector t = FloatVector.fromMemorySegment(S, y, (yOff + i) * Float.BYTES, NATIVE);
            FloatVector.fromMemorySegment(S, dy, (dyOff + i) * Float.BYTES, NATIVE).mul(t.neg().fma(t, t.broadcast(1f))).intoMemorySegment(dx, (dxOff + i) * Float.BYTES, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector t = FloatVector.fromMemorySegment(S, y, (yOff + i) * Float.BYTES, NATIVE, m);
            FloatVector.fromMemorySegment(S, dy, (dyOff + i) * Float.BYTES, NATIVE, m).mul(t.neg().fma(t, t.broadcast(1f))).intoMemorySegment(dx, (dxOff + i) * Float.BYTES, NATIVE, m);
        }
    }

    /** GELU as x * sigmoid(2u), 2u = x (K1 + K3 x^2): one exp and one divide per lane. */
    private static FloatVector gelu(FloatVector x) {
        FloatVector twoU = x.mul(x).fma(GELU_K3, GELU_K1).mul(x);
        return x.mul(VectorMath.sigmoid(twoU));
    }

    /** d gelu / dx = s + x s (1 - s) d(2u)/dx, with s = sigmoid(2u) and d(2u)/dx = K1 + 3 K3 x^2. */
    private static FloatVector geluGrad(FloatVector x) {
        FloatVector x2 = x.mul(x);
        FloatVector s = VectorMath.sigmoid(x2.fma(GELU_K3, GELU_K1).mul(x));
        FloatVector dTwoU = x2.fma(3f * GELU_K3, GELU_K1);
        return x.mul(s).mul(s.neg().add(1f)).fma(dTwoU, s);
    }

    @Override
    public void gelu(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            gelu(FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE, m)).intoMemorySegment(y, (yOff + i) * Float.BYTES, NATIVE, m);
        }
    }

    @Override
    public void geluBackward(int n, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                             MemorySegment dx, long dxOff) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromMemorySegment(S, dy, (dyOff + i) * Float.BYTES, NATIVE, m).mul(geluGrad(FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE, m))).intoMemorySegment(dx, (dxOff + i) * Float.BYTES, NATIVE, m);
        }
    }

    // ------------------------------------------------------------------ softmax

    /** Sum of exp(x - shift) over a contiguous row. */
    private static float expShiftSum(int n, MemorySegment x, long xOff, float shift) {
        FloatVector acc = zero();
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector e = VectorMath.exp(FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE, m).sub(shift));
            acc = acc.add(e, m);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /**
     * y = exp(x - shift) over a contiguous row, returning the sum. A separate method from expShiftSum rather
     * than a flag: one loop per method keeps each compiled graph small (see the class comment).
     */
    private static float expShiftStore(int n, MemorySegment x, long xOff, float shift, MemorySegment y, long yOff) {
        FloatVector acc = zero();
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector e = VectorMath.exp(FloatVector.fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE, m).sub(shift));
            e.intoMemorySegment(y, (yOff + i) * Float.BYTES, NATIVE, m);
            acc = acc.add(e, m);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void softmax(int rows, int cols, MemorySegment x, long xOff, int ldx, MemorySegment y, long yOff, int ldy) {
        for (int r = 0; r < rows; r++) {
            long xr = xOff + (long) r * ldx;
            long yr = yOff + (long) r * ldy;
            float total = expShiftStore(cols, x, xr, maxUnit(cols, x, xr), y, yr);
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
            float shift = max + (float) Math.log(expShiftSum(cols, x, xr, max));
            int j = 0;
            for (int bound = S.loopBound(cols); j < bound; j += L) {
                FloatVector.fromMemorySegment(S, x, (xr + j) * Float.BYTES, NATIVE).sub(shift).intoMemorySegment(y, (yr + j) * Float.BYTES, NATIVE);
            }
            if (j < cols) {
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector.fromMemorySegment(S, x, (xr + j) * Float.BYTES, NATIVE, m).sub(shift).intoMemorySegment(y, (yr + j) * Float.BYTES, NATIVE, m);
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
        FloatVector acc = zero();
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector d = FloatVector.fromMemorySegment(S, pred, (predOff + i) * Float.BYTES, NATIVE).sub(FloatVector.fromMemorySegment(S, target, (targetOff + i) * Float.BYTES, NATIVE));
            acc = d.fma(d, acc);
            d.mul(scale).intoMemorySegment(grad, (gradOff + i) * Float.BYTES, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector d = FloatVector.fromMemorySegment(S, pred, (predOff + i) * Float.BYTES, NATIVE, m).sub(FloatVector.fromMemorySegment(S, target, (targetOff + i) * Float.BYTES, NATIVE, m));
            acc = d.fma(d, acc);   // masked-off lanes load 0 - 0
            d.mul(scale).intoMemorySegment(grad, (gradOff + i) * Float.BYTES, NATIVE, m);
        }
        return acc.reduceLanes(VectorOperators.ADD) / n;
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
        float loss = bceLossAndSignedExp(n, logits, logitsOff, target, targetOff, posWeight, grad, gradOff);
        bceGradFromSignedExp(n, target, targetOff, posWeight, grad, gradOff);
        return loss / n;
    }

    private static float bceLossAndSignedExp(int n, MemorySegment logits, long logitsOff, MemorySegment target,
                                             long targetOff, float posWeight, MemorySegment grad, long gradOff) {
        FloatVector acc = zero();
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector z = FloatVector.fromMemorySegment(S, logits, (logitsOff + i) * Float.BYTES, NATIVE, m);
            FloatVector e = VectorMath.exp(z.abs().neg());
            FloatVector t = FloatVector.fromMemorySegment(S, target, (targetOff + i) * Float.BYTES, NATIVE, m);
            // log1p(e) for e in [0, 1], written out rather than called (a second vector helper in this loop
            // is what C2 would leave un-inlined). With s = e / (2 + e) in [0, 1/3],
            // log(1 + e) = 2 atanh(s) = 2 (s + s^3/3 + ... + s^17/17), truncation under (1/9)^9 relative.
            FloatVector s = e.div(e.add(2f));
            FloatVector s2 = s.mul(s);
            FloatVector poly = s2.fma(2f / 17, 2f / 15);
            poly = poly.fma(s2, FloatVector.broadcast(S, 2f / 13));
            poly = poly.fma(s2, FloatVector.broadcast(S, 2f / 11));
            poly = poly.fma(s2, FloatVector.broadcast(S, 2f / 9));
            poly = poly.fma(s2, FloatVector.broadcast(S, 2f / 7));
            poly = poly.fma(s2, FloatVector.broadcast(S, 2f / 5));
            poly = poly.fma(s2, FloatVector.broadcast(S, 2f / 3));
            poly = poly.fma(s2, FloatVector.broadcast(S, 2f));
            FloatVector spPos = z.max(0f).add(poly.mul(s));
            FloatVector spNeg = spPos.sub(z);
            // w t softplus(-z) + (1 - t) softplus(z)
            acc = acc.add(t.mul(posWeight).mul(spNeg).add(t.neg().add(1f).mul(spPos)), m);
            IntVector sign = z.reinterpretAsInts().and(0x8000_0000);
            e.reinterpretAsInts().or(sign).reinterpretAsFloats()
                    .intoMemorySegment(grad, (gradOff + i) * Float.BYTES, NATIVE, m);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** grad = ((1 - t) sigmoid(z) - w t sigmoid(-z)) / n, from the signed exp(-|z|) that grad holds. */
    private static void bceGradFromSignedExp(int n, MemorySegment target, long targetOff, float posWeight,
                                             MemorySegment grad, long gradOff) {
        float invN = 1f / n;
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector signed = FloatVector.fromMemorySegment(S, grad, (gradOff + i) * Float.BYTES, NATIVE, m);
            FloatVector t = FloatVector.fromMemorySegment(S, target, (targetOff + i) * Float.BYTES, NATIVE, m);
            FloatVector e = signed.abs();
            FloatVector big = e.broadcast(1f).div(e.add(1f));   // sigmoid(|z|)
            FloatVector tiny = e.mul(big);                         // sigmoid(-|z|)
            VectorMask<Float> negative = signed.reinterpretAsInts().compare(VectorOperators.LT, 0).cast(S);
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
            float total = expShiftStore(cols, logits, zr, max, grad, gr);
            loss += tTotal * (max + (float) Math.log(total)) - tz;
            float pScale = tTotal / total * invRows;
            for (int j = 0; j < cols; j += L) {
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector e = FloatVector.fromMemorySegment(S, grad, (gr + j) * Float.BYTES, NATIVE, m);
                FloatVector t = FloatVector.fromMemorySegment(S, target, (tr + j) * Float.BYTES, NATIVE, m);
                e.mul(pScale).sub(t.mul(invRows)).intoMemorySegment(grad, (gr + j) * Float.BYTES, NATIVE, m);
            }
        }
        return loss * invRows;
    }

    // ------------------------------------------------------------------ optimizers

    // The optimizer loops run unmasked over whole vectors and hand the last n % L elements to the scalar
    // twin (the same formula). Their bodies are long enough that a masked single loop overflows C1's
    // register allocator ("out of virtual registers"), which stalls tiered compilation of the method.

    @Override
    public void sgd(int n, float lr, float weightDecay, MemorySegment w, long wOff, MemorySegment g, long gOff) {
        FloatVector negLr = FloatVector.broadcast(S, -lr);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector wv = FloatVector.fromMemorySegment(S, w, (wOff + i) * Float.BYTES, NATIVE);
            FloatVector gv = FloatVector.fromMemorySegment(S, g, (gOff + i) * Float.BYTES, NATIVE);
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
            FloatVector wv = FloatVector.fromMemorySegment(S, w, (wOff + i) * Float.BYTES, NATIVE);
            FloatVector gv = FloatVector.fromMemorySegment(S, g, (gOff + i) * Float.BYTES, NATIVE).add(wv.mul(weightDecay));
            FloatVector vv = FloatVector.fromMemorySegment(S, v, (vOff + i) * Float.BYTES, NATIVE).mul(mu).add(gv);
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
            FloatVector wv = FloatVector.fromMemorySegment(S, w, wb, NATIVE);
            FloatVector gv = FloatVector.fromMemorySegment(S, g, (gOff + i) * Float.BYTES, NATIVE).add(wv.mul(l2));
            FloatVector mv = FloatVector.fromMemorySegment(S, m, mb, NATIVE).mul(beta1).add(gv.mul(1f - beta1));
            FloatVector vv = FloatVector.fromMemorySegment(S, v, vb, NATIVE).mul(beta2).add(gv.mul(gv).mul(1f - beta2));
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
