package io.quantlane.kernel.simd;

import io.quantlane.kernel.FloatKernels;
import io.quantlane.kernel.scalar.ScalarKernels;
import jdk.incubator.vector.FloatVector;
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
 * <p>Shape of every loop: a body over whole vectors, then one masked vector for the tail (AVX-512 and
 * AVX2 have masked loads and stores, so the tail runs the same lane code as the body and results do not
 * depend on where an element falls). Reductions keep four independent accumulators in the body: one FMA
 * chain would stall on FMA latency (4 cycles) while the core can issue two per cycle.
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

    // ------------------------------------------------------------------ memory access, indices in floats

    private static FloatVector load(MemorySegment s, long index) {
        return FloatVector.fromMemorySegment(S, s, index * Float.BYTES, NATIVE);
    }

    private static FloatVector load(MemorySegment s, long index, VectorMask<Float> m) {
        return FloatVector.fromMemorySegment(S, s, index * Float.BYTES, NATIVE, m);
    }

    private static void store(FloatVector v, MemorySegment s, long index) {
        v.intoMemorySegment(s, index * Float.BYTES, NATIVE);
    }

    private static void store(FloatVector v, MemorySegment s, long index, VectorMask<Float> m) {
        v.intoMemorySegment(s, index * Float.BYTES, NATIVE, m);
    }

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
            a0 = load(x, xOff + i).fma(load(y, yOff + i), a0);
            a1 = load(x, xOff + i + L).fma(load(y, yOff + i + L), a1);
            a2 = load(x, xOff + i + 2 * L).fma(load(y, yOff + i + 2 * L), a2);
            a3 = load(x, xOff + i + 3 * L).fma(load(y, yOff + i + 3 * L), a3);
        }
        for (; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            a0 = load(x, xOff + i, m).fma(load(y, yOff + i, m), a0);
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
            store(load(x, xOff + i).fma(FloatVector.broadcast(S, alpha), load(y, yOff + i)), y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            store(load(x, xOff + i, m).fma(FloatVector.broadcast(S, alpha), load(y, yOff + i, m)), y, yOff + i, m);
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
            store(load(x, xOff + i).mul(alpha), x, xOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            store(load(x, xOff + i, m).mul(alpha), x, xOff + i, m);
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
            a0 = a0.add(load(x, xOff + i));
            a1 = a1.add(load(x, xOff + i + L));
            a2 = a2.add(load(x, xOff + i + 2 * L));
            a3 = a3.add(load(x, xOff + i + 3 * L));
        }
        for (; i < n; i += L) {
            a0 = a0.add(load(x, xOff + i, S.indexInRange(i, n)));
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
            a0 = a0.max(load(x, xOff + i));
            a1 = a1.max(load(x, xOff + i + L));
        }
        for (; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            a0 = a0.lanewise(VectorOperators.MAX, load(x, xOff + i, m), m);
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
            store(load(x, xOff + i).add(load(y, yOff + i)), z, zOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            store(load(x, xOff + i, m).add(load(y, yOff + i, m)), z, zOff + i, m);
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
            store(load(x, xOff + i).mul(load(y, yOff + i)), z, zOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            store(load(x, xOff + i, m).mul(load(y, yOff + i, m)), z, zOff + i, m);
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
            store(load(x, xOff + i).fma(load(y, yOff + i), load(z, zOff + i)), z, zOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            store(load(x, xOff + i, m).fma(load(y, yOff + i, m), load(z, zOff + i, m)), z, zOff + i, m);
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
                FloatVector xv = load(x, xOff + j);
                a0 = load(a, r0 + j).fma(xv, a0);
                a1 = load(a, r1 + j).fma(xv, a1);
                a2 = load(a, r2 + j).fma(xv, a2);
                a3 = load(a, r3 + j).fma(xv, a3);
            }
            if (j < n) {
                VectorMask<Float> mk = S.indexInRange(j, n);
                FloatVector xv = load(x, xOff + j, mk);
                a0 = load(a, r0 + j, mk).fma(xv, a0);
                a1 = load(a, r1 + j, mk).fma(xv, a1);
                a2 = load(a, r2 + j, mk).fma(xv, a2);
                a3 = load(a, r3 + j, mk).fma(xv, a3);
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
                FloatVector acc = load(y, yOff + j);
                acc = load(a, r0 + j).fma(FloatVector.broadcast(S, s0), acc);
                acc = load(a, r1 + j).fma(FloatVector.broadcast(S, s1), acc);
                acc = load(a, r2 + j).fma(FloatVector.broadcast(S, s2), acc);
                acc = load(a, r3 + j).fma(FloatVector.broadcast(S, s3), acc);
                store(acc, y, yOff + j);
            }
            if (j < n) {
                VectorMask<Float> mk = S.indexInRange(j, n);
                FloatVector acc = load(y, yOff + j, mk);
                acc = load(a, r0 + j, mk).fma(FloatVector.broadcast(S, s0), acc);
                acc = load(a, r1 + j, mk).fma(FloatVector.broadcast(S, s1), acc);
                acc = load(a, r2 + j, mk).fma(FloatVector.broadcast(S, s2), acc);
                acc = load(a, r3 + j, mk).fma(FloatVector.broadcast(S, s3), acc);
                store(acc, y, yOff + j, mk);
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
            store(zero(), y, yOff + i);
        }
        if (i < n) {
            store(zero(), y, yOff + i, S.indexInRange(i, n));
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
                    acc = acc.add(load(a, aOff + (long) r * lda + j));
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    acc = acc.add(load(a, aOff + (long) r * lda + j, m));
                }
            }
            if (beta != 0f) {
                acc = load(out, outOff + j, m).fma(FloatVector.broadcast(S, beta), acc);
            }
            store(acc, out, outOff + j, m);
        }
    }

    // ------------------------------------------------------------------ activations

    @Override
    public void relu(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            store(load(x, xOff + i).max(0f), y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            store(load(x, xOff + i, m).max(0f), y, yOff + i, m);
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
            FloatVector v = load(x, xOff + i);
            store(v.mul(slope).blend(v, v.compare(VectorOperators.GT, 0f)), y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = load(x, xOff + i, m);
            store(v.mul(slope).blend(v, v.compare(VectorOperators.GT, 0f)), y, yOff + i, m);
        }
    }

    @Override
    public void leakyReluBackward(int n, float slope, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                                  MemorySegment dx, long dxOff) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector g = load(dy, dyOff + i);
            store(g.mul(slope).blend(g, load(x, xOff + i).compare(VectorOperators.GT, 0f)), dx, dxOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector g = load(dy, dyOff + i, m);
            store(g.mul(slope).blend(g, load(x, xOff + i, m).compare(VectorOperators.GT, 0f)), dx, dxOff + i, m);
        }
    }

    @Override
    public void exp(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            store(VectorMath.exp(load(x, xOff + i)), y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            store(VectorMath.exp(load(x, xOff + i, m)), y, yOff + i, m);
        }
    }

    @Override
    public void sigmoid(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            store(VectorMath.sigmoid(load(x, xOff + i)), y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            store(VectorMath.sigmoid(load(x, xOff + i, m)), y, yOff + i, m);
        }
    }

    @Override
    public void sigmoidBackward(int n, MemorySegment y, long yOff, MemorySegment dy, long dyOff,
                                MemorySegment dx, long dxOff) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector s = load(y, yOff + i);
            store(load(dy, dyOff + i).mul(s).mul(s.neg().add(1f)), dx, dxOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector s = load(y, yOff + i, m);
            store(load(dy, dyOff + i, m).mul(s).mul(s.neg().add(1f)), dx, dxOff + i, m);
        }
    }

    @Override
    public void tanh(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            store(VectorMath.tanh(load(x, xOff + i)), y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            store(VectorMath.tanh(load(x, xOff + i, m)), y, yOff + i, m);
        }
    }

    @Override
    public void tanhBackward(int n, MemorySegment y, long yOff, MemorySegment dy, long dyOff,
                             MemorySegment dx, long dxOff) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector t = load(y, yOff + i);
            store(load(dy, dyOff + i).mul(t.neg().fma(t, t.broadcast(1f))), dx, dxOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector t = load(y, yOff + i, m);
            store(load(dy, dyOff + i, m).mul(t.neg().fma(t, t.broadcast(1f))), dx, dxOff + i, m);
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
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            store(gelu(load(x, xOff + i)), y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            store(gelu(load(x, xOff + i, m)), y, yOff + i, m);
        }
    }

    @Override
    public void geluBackward(int n, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                             MemorySegment dx, long dxOff) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            store(load(dy, dyOff + i).mul(geluGrad(load(x, xOff + i))), dx, dxOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            store(load(dy, dyOff + i, m).mul(geluGrad(load(x, xOff + i, m))), dx, dxOff + i, m);
        }
    }

    // ------------------------------------------------------------------ softmax

    /** Sum of exp(x - shift) over a contiguous row; when {@code y != null} also stores each term there. */
    private static float expShiftSum(int n, MemorySegment x, long xOff, float shift, MemorySegment y, long yOff) {
        FloatVector acc = zero();
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector e = VectorMath.exp(load(x, xOff + i).sub(shift));
            if (y != null) {
                store(e, y, yOff + i);
            }
            acc = acc.add(e);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector e = VectorMath.exp(load(x, xOff + i, m).sub(shift));
            if (y != null) {
                store(e, y, yOff + i, m);
            }
            acc = acc.add(e, m);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void softmax(int rows, int cols, MemorySegment x, long xOff, int ldx, MemorySegment y, long yOff, int ldy) {
        for (int r = 0; r < rows; r++) {
            long xr = xOff + (long) r * ldx;
            long yr = yOff + (long) r * ldy;
            float total = expShiftSum(cols, x, xr, maxUnit(cols, x, xr), y, yr);
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
            float shift = max + (float) Math.log(expShiftSum(cols, x, xr, max, null, 0));
            int j = 0;
            for (int bound = S.loopBound(cols); j < bound; j += L) {
                store(load(x, xr + j).sub(shift), y, yr + j);
            }
            if (j < cols) {
                VectorMask<Float> m = S.indexInRange(j, cols);
                store(load(x, xr + j, m).sub(shift), y, yr + j, m);
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
            FloatVector d = load(pred, predOff + i).sub(load(target, targetOff + i));
            acc = d.fma(d, acc);
            store(d.mul(scale), grad, gradOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector d = load(pred, predOff + i, m).sub(load(target, targetOff + i, m));
            acc = d.fma(d, acc);   // masked-off lanes load 0 - 0
            store(d.mul(scale), grad, gradOff + i, m);
        }
        return acc.reduceLanes(VectorOperators.ADD) / n;
    }

    /**
     * Per lane: e = exp(-|z|), softplus(z) = max(z, 0) + log1p(e), sigmoid(z) = z >= 0 ? 1/(1+e) : e/(1+e),
     * so one exp serves both the loss and the gradient and nothing overflows.
     */
    @Override
    public float bceWithLogitsLoss(int n, MemorySegment logits, long logitsOff, MemorySegment target, long targetOff,
                                   float posWeight, MemorySegment grad, long gradOff) {
        if (n == 0) {
            return 0f;
        }
        float invN = 1f / n;
        FloatVector acc = zero();
        int i = 0;
        for (; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector z = load(logits, logitsOff + i, m);
            FloatVector t = load(target, targetOff + i, m);
            FloatVector e = VectorMath.exp(z.abs().neg());
            FloatVector spPos = z.max(0f).add(e.lanewise(VectorOperators.LOG1P));
            FloatVector spNeg = spPos.sub(z);
            FloatVector wt = t.mul(posWeight);
            FloatVector lossLane = wt.mul(spNeg).add(t.neg().add(1f).mul(spPos));
            acc = acc.add(lossLane, m);
            // sigmoid(|z|) = 1 / (1 + e) and sigmoid(-|z|) = e / (1 + e); grad = (1 - t) sigmoid(z) - w t sigmoid(-z).
            FloatVector big = e.broadcast(1f).div(e.add(1f));
            FloatVector tiny = e.mul(big);
            VectorMask<Float> nonNegative = z.compare(VectorOperators.GE, 0f);
            FloatVector sPos = tiny.blend(big, nonNegative);
            FloatVector sNeg = big.blend(tiny, nonNegative);
            FloatVector g = t.neg().add(1f).mul(sPos).sub(wt.mul(sNeg)).mul(invN);
            store(g, grad, gradOff + i, m);
        }
        return acc.reduceLanes(VectorOperators.ADD) * invN;
    }

    /**
     * Three passes per row: max; then sum of exp(z - max), sum of t (z - max) and sum of t; then the gradient.
     * The gradient pass reads z before writing the same index, so grad may be exactly the logits.
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
            FloatVector eSum = zero(), tzSum = zero(), tSum = zero();
            for (int j = 0; j < cols; j += L) {
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector zs = load(logits, zr + j, m).sub(max);
                FloatVector t = load(target, tr + j, m);
                eSum = eSum.add(VectorMath.exp(zs), m);
                tzSum = t.fma(zs, tzSum);
                tSum = tSum.add(t);
            }
            float total = eSum.reduceLanes(VectorOperators.ADD);
            float tTotal = tSum.reduceLanes(VectorOperators.ADD);
            loss += tTotal * (float) Math.log(total) - tzSum.reduceLanes(VectorOperators.ADD);
            float pScale = tTotal / total * invRows;
            for (int j = 0; j < cols; j += L) {
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector p = VectorMath.exp(load(logits, zr + j, m).sub(max));
                store(p.mul(pScale).sub(load(target, tr + j, m).mul(invRows)), grad, gr + j, m);
            }
        }
        return loss * invRows;
    }

    // ------------------------------------------------------------------ optimizers

    @Override
    public void sgd(int n, float lr, float weightDecay, MemorySegment w, long wOff, MemorySegment g, long gOff) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector wv = load(w, wOff + i, m);
            FloatVector step = wv.mul(weightDecay).add(load(g, gOff + i, m));
            store(step.fma(FloatVector.broadcast(S, -lr), wv), w, wOff + i, m);
        }
    }

    @Override
    public void sgdMomentum(int n, float lr, float momentum, float weightDecay, boolean nesterov,
                            MemorySegment w, long wOff, MemorySegment g, long gOff, MemorySegment v, long vOff) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector wv = load(w, wOff + i, m);
            FloatVector gv = wv.mul(weightDecay).add(load(g, gOff + i, m));
            FloatVector vv = load(v, vOff + i, m).mul(momentum).add(gv);
            store(vv, v, vOff + i, m);
            FloatVector step = nesterov ? vv.fma(FloatVector.broadcast(S, momentum), gv) : vv;
            store(step.fma(FloatVector.broadcast(S, -lr), wv), w, wOff + i, m);
        }
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

    /** The same arithmetic as the scalar twin's adamStep, lane by lane. */
    private static void adamStep(int n, float lr, float beta1, float beta2, float eps, float l2, float decoupled,
                                 int step, MemorySegment w, long wOff, MemorySegment g, long gOff,
                                 MemorySegment m, long mOff, MemorySegment v, long vOff) {
        float c1 = 1f / (1f - (float) Math.pow(beta1, step));
        float c2 = 1f / (1f - (float) Math.pow(beta2, step));
        float shrink = 1f - lr * decoupled;
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> k = S.indexInRange(i, n);
            FloatVector wv = load(w, wOff + i, k);
            FloatVector gv = wv.mul(l2).add(load(g, gOff + i, k));
            FloatVector mv = load(m, mOff + i, k).mul(beta1).add(gv.mul(1f - beta1));
            FloatVector vv = load(v, vOff + i, k).mul(beta2).add(gv.mul(gv).mul(1f - beta2));
            store(mv, m, mOff + i, k);
            store(vv, v, vOff + i, k);
            FloatVector denom = vv.mul(c2).lanewise(VectorOperators.SQRT).add(eps);
            store(wv.mul(shrink).sub(mv.mul(c1).mul(lr).div(denom)), w, wOff + i, k);
        }
    }
}
