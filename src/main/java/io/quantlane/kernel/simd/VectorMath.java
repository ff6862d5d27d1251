package io.quantlane.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static io.quantlane.kernel.simd.SimdKernels.L;
import static io.quantlane.kernel.simd.SimdKernels.NATIVE;
import static io.quantlane.kernel.simd.SimdKernels.S;
import static io.quantlane.kernel.simd.SimdKernels.SWAP1;
import static io.quantlane.kernel.simd.SimdKernels.SWAP2;
import static io.quantlane.kernel.simd.SimdKernels.SWAP4;
import static io.quantlane.kernel.simd.SimdKernels.SWAP8;
import static jdk.incubator.vector.FloatVector.fromMemorySegment;

/**
 * The exp-based kernels: exp and the softmax sums ({@link #expShift}), sigmoid and GELU forward and backward
 * ({@link #sigmoidFamily}), tanh, and the binary cross-entropy loss ({@link #bceLoss}).
 *
 * <h2>Why exp is written out in each loop</h2>
 * A helper that takes or returns a {@link FloatVector} is only free when C2 inlines it. C2 stops inlining
 * ordinary methods once a compilation passes its node-count cutoff, and refuses a method already compiled
 * "into a big method"; the vector then crosses a real call and is boxed on the heap, turning a kernel of a
 * few nanoseconds per vector into one that allocates at every step. Both happened here with an
 * {@code exp(FloatVector)} helper, depending on what the caller looked like. So vectors never leave these
 * methods: their only calls are the JDK's force-inlined Vector API methods, their arguments are segments and
 * scalars, and the exp polynomial appears once per loop. The loops are kept apart rather than merged behind
 * a switch because one method holding all of them overflowed C1's register allocator at 128-bit width,
 * which left it in unprofiled C1 code for good (boxing every vector).
 *
 * <h2>exp</h2>
 * exp(a) = 2^n e^r with n = round(a / ln 2), r = a - n ln 2 in [-ln2/2, ln2/2] (ln 2 split in two, Cody and
 * Waite, so n ln2_hi is exact), e^r by its Taylor series to r^7 (truncation under 2^-27 on that range), and
 * 2^n built in the exponent bits as two factors 2^(n>>1) 2^(n - n>>1), each a normal float for n in
 * [-150, 128], so subnormal results and the top of the range need no special case. {@code -Dquantlane.exp=jdk}
 * replaces it by {@link VectorOperators#EXP}, faster where the JDK ships SVML but not the same bits on every
 * JIT tier (see {@link #chooseJdkMath}; docs/benchmarks.md, "exp: polynomial vs VectorOperators.EXP").
 *
 * <p>Error bounds, asserted by {@code VectorMathTest} for both exp methods against {@link Math#exp} and
 * {@link Math#tanh} over dense sweeps: exp at most 2 ulp for normal results (measured: polynomial 0.92 ulp,
 * SVML 0.50 to 0.74 ulp by width), absolute error under 2^-148 for subnormal ones, +Infinity on overflow, 0 for -Infinity, NaN for NaN; tanh at most 3 ulp (2.2 measured) wherever
 * |tanh x| &ge; 2^-20, odd, keeping the sign of zero; sigmoid at most 5 ulp (2.2 measured) on [-87, 30].
 */
final class VectorMath {

    /** The JDK's vector math library found under {@code java.home/lib}, or null. */
    static final String JDK_MATH_LIBRARY = vectorMathLibrary();
    /** Whether exp is the JDK's {@link VectorOperators#EXP} rather than our polynomial; see {@link #chooseJdkMath}. */
    static final boolean JDK_MATH = chooseJdkMath();

    /**
     * {@code -Dquantlane.exp=jdk} selects the JDK's {@link VectorOperators#EXP}; {@code poly} or {@code auto}
     * (the default) our polynomial. The JDK's exp is faster where the JDK ships the vector math library HotSpot
     * calls for it (Intel's SVML as libjsvml on x86_64: 26 % for exp and 22 % for sigmoid at n = 4096), but
     * only C2 calls that library: the interpreter and C1 run the Java fallback, lane by lane through
     * {@link Math#exp}, which differs in the last bit for some inputs. A kernel's result then changed once it
     * was compiled, so a model's outputs changed as it warmed up, and training runs with identical seeds
     * could differ depending on when C2 got to each kernel. The polynomial is plain lane-wise arithmetic
     * that every tier computes identically, so it is the default; {@code jdk} trades that for speed.
     */
    private static boolean chooseJdkMath() {
        String mode = System.getProperty("quantlane.exp", "auto").trim();
        if (mode.equalsIgnoreCase("jdk")) {
            return true;
        }
        return false;   // poly, auto, or anything else
    }

    private static String vectorMathLibrary() {
        java.nio.file.Path lib = java.nio.file.Path.of(System.getProperty("java.home", ""), "lib");
        for (String name : new String[] {"libjsvml.so", "jsvml.dll", "libjsvml.dylib", "libsleef.so"}) {
            if (java.nio.file.Files.exists(lib.resolve(name))) {
                return name;
            }
        }
        return null;
    }

    /** {@link #sigmoidFamily} kinds. */
    static final int SIGMOID = 0;
    static final int GELU = 1;
    static final int GELU_GRAD = 2;

    private VectorMath() {
    }

    // exp: a / ln 2 rounded by adding 1.5 * 2^23, which leaves the integer in the low mantissa bits.
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND_MAGIC = 12582912f;
    private static final int ROUND_MAGIC_BITS = 0x4B40_0000;
    // Below -104 the result rounds to 0, above 89 it overflows; the clamp keeps n within [-150, 128].
    private static final float EXP_LO = -104f;
    private static final float EXP_HI = 89f;
    private static final float E2 = 1f / 2, E3 = 1f / 6, E4 = 1f / 24, E5 = 1f / 120, E6 = 1f / 720, E7 = 1f / 5040;

    // tanh for |x| < 0.3 by its Taylor series (next term under 2^-26 relative); above, (1 - e) / (1 + e) with
    // e = exp(-2|x|) loses at most a factor 1.2 to cancellation.
    private static final float TANH_SMALL = 0.3f;
    private static final float T3 = -1f / 3, T5 = 2f / 15, T7 = -17f / 315, T9 = 62f / 2835, T11 = -1382f / 155925;
    private static final int SIGN_BIT = 0x8000_0000;

    // GELU: 2u = x (K1 + K3 x^2).
    private static final float GELU_K1 = 2f * 0.7978845608028654f;
    private static final float GELU_K3 = GELU_K1 * 0.044715f;

    /**
     * exp(x - c) over n contiguous floats: stored in y when {@code store}, summed either way. y may be
     * exactly x.
     */
    static float expShift(boolean store, int n, MemorySegment x, long xOff, float c, MemorySegment y, long yOff) {
        FloatVector acc = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector a = fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE, m).sub(c);
            FloatVector e;
            if (JDK_MATH) {
                e = a.lanewise(VectorOperators.EXP);
            } else {   // exp(a) = 2^n e^r, see the class comment
                FloatVector ac = a.max(EXP_LO).min(EXP_HI);          // NaN stays NaN
                FloatVector t = ac.fma(LOG2E, ROUND_MAGIC);
                FloatVector nf = t.sub(ROUND_MAGIC);
                FloatVector r = nf.fma(FloatVector.broadcast(S, -LN2_HI), ac);
                r = nf.fma(FloatVector.broadcast(S, -LN2_LO), r);
                FloatVector p = r.fma(E7, E6);
                p = p.fma(r, FloatVector.broadcast(S, E5));
                p = p.fma(r, FloatVector.broadcast(S, E4));
                p = p.fma(r, FloatVector.broadcast(S, E3));
                p = p.fma(r, FloatVector.broadcast(S, E2));
                p = p.fma(r, one);
                p = p.fma(r, one);
                IntVector ni = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
                IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
                FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                FloatVector s2 = ni.sub(n1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                e = p.mul(s1).mul(s2);
            }
            if (store) {
                e.intoMemorySegment(y, (yOff + i) * Float.BYTES, NATIVE, m);
            }
            acc = acc.add(e, m);
        }
        acc = L >= 16 ? acc.add(acc.rearrange(SWAP8)) : acc;   // fixed-order sum, see SWAP1
        acc = L >= 8 ? acc.add(acc.rearrange(SWAP4)) : acc;
        acc = acc.add(acc.rearrange(SWAP2));
        acc = acc.add(acc.rearrange(SWAP1));
        return acc.lane(0);
    }

    /**
     * The sigmoid family over n contiguous floats: y = sigmoid(x), y = gelu(x) = x sigmoid(2u), or
     * y = dy * gelu'(x) = dy (s + x s (1 - s) d(2u)/dx) with s = sigmoid(2u), 2u = x (K1 + K3 x^2).
     * With e = exp(-|arg|), sigmoid(arg) = 1 / (1 + e) for arg &ge; 0 and e / (1 + e) below: never an
     * overflow. arg has x's sign in every case. y may be exactly x or dy.
     */
    static void sigmoidFamily(int kind, int n, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                              MemorySegment y, long yOff) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE, m);
            FloatVector a = kind == SIGMOID ? v.abs().neg() : v.mul(v).fma(GELU_K3, GELU_K1).mul(v).abs().neg();
            FloatVector e;
            if (JDK_MATH) {
                e = a.lanewise(VectorOperators.EXP);
            } else {   // exp(a) = 2^n e^r, see the class comment
                FloatVector ac = a.max(EXP_LO).min(EXP_HI);          // NaN stays NaN
                FloatVector t = ac.fma(LOG2E, ROUND_MAGIC);
                FloatVector nf = t.sub(ROUND_MAGIC);
                FloatVector r = nf.fma(FloatVector.broadcast(S, -LN2_HI), ac);
                r = nf.fma(FloatVector.broadcast(S, -LN2_LO), r);
                FloatVector p = r.fma(E7, E6);
                p = p.fma(r, FloatVector.broadcast(S, E5));
                p = p.fma(r, FloatVector.broadcast(S, E4));
                p = p.fma(r, FloatVector.broadcast(S, E3));
                p = p.fma(r, FloatVector.broadcast(S, E2));
                p = p.fma(r, one);
                p = p.fma(r, one);
                IntVector ni = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
                IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
                FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                FloatVector s2 = ni.sub(n1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                e = p.mul(s1).mul(s2);
            }
            FloatVector s = one.blend(e, v.compare(VectorOperators.LT, 0f)).div(e.add(1f));
            FloatVector out;
            if (kind == SIGMOID) {
                out = s;
            } else if (kind == GELU) {
                out = v.mul(s);
            } else {
                FloatVector dTwoU = v.mul(v).fma(3f * GELU_K3, GELU_K1);
                FloatVector g = fromMemorySegment(S, dy, (dyOff + i) * Float.BYTES, NATIVE, m);
                out = g.mul(v.mul(s).mul(one.sub(s)).fma(dTwoU, s));
            }
            out.intoMemorySegment(y, (yOff + i) * Float.BYTES, NATIVE, m);
        }
    }

    /**
     * y = tanh(x): the Taylor series below 0.3, (1 - e) / (1 + e) with e = exp(-2|x|) above, computed on |x|
     * with x's sign bit copied on (odd, and tanh(-0) = -0). y may be exactly x.
     */
    static void tanh(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = fromMemorySegment(S, x, (xOff + i) * Float.BYTES, NATIVE, m);
            FloatVector ax = v.abs();
            FloatVector a = ax.mul(-2f);
            FloatVector e;
            if (JDK_MATH) {
                e = a.lanewise(VectorOperators.EXP);
            } else {   // exp(a) = 2^n e^r, see the class comment
                FloatVector ac = a.max(EXP_LO).min(EXP_HI);          // NaN stays NaN
                FloatVector t = ac.fma(LOG2E, ROUND_MAGIC);
                FloatVector nf = t.sub(ROUND_MAGIC);
                FloatVector r = nf.fma(FloatVector.broadcast(S, -LN2_HI), ac);
                r = nf.fma(FloatVector.broadcast(S, -LN2_LO), r);
                FloatVector p = r.fma(E7, E6);
                p = p.fma(r, FloatVector.broadcast(S, E5));
                p = p.fma(r, FloatVector.broadcast(S, E4));
                p = p.fma(r, FloatVector.broadcast(S, E3));
                p = p.fma(r, FloatVector.broadcast(S, E2));
                p = p.fma(r, one);
                p = p.fma(r, one);
                IntVector ni = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
                IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
                FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                FloatVector s2 = ni.sub(n1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                e = p.mul(s1).mul(s2);
            }
            FloatVector big = one.sub(e).div(one.add(e));
            FloatVector x2 = v.mul(v);
            FloatVector q = x2.fma(T11, T9);
            q = q.fma(x2, FloatVector.broadcast(S, T7));
            q = q.fma(x2, FloatVector.broadcast(S, T5));
            q = q.fma(x2, FloatVector.broadcast(S, T3));
            FloatVector small = x2.mul(ax).fma(q, ax);
            FloatVector magnitude = big.blend(small, ax.lt(TANH_SMALL));
            IntVector sign = v.reinterpretAsInts().and(SIGN_BIT);
            magnitude.reinterpretAsInts().or(sign).reinterpretAsFloats()
                    .intoMemorySegment(y, (yOff + i) * Float.BYTES, NATIVE, m);
        }
    }

    /**
     * Binary cross-entropy, first pass: logits z, targets t, positive-class weight w. Returns the sum of
     * w t softplus(-z) + (1 - t) softplus(z) and writes y = exp(-|z|) carrying z's sign bit, from which the
     * gradient follows without another exp. softplus(z) = max(z, 0) + log1p(e), with log1p(e) for e in
     * [0, 1] as 2 atanh(s) = 2 (s + s^3/3 + ... + s^17/17), s = e / (2 + e) in [0, 1/3] (truncation under
     * (1/9)^9 relative). y may be exactly z.
     */
    static float bceLoss(int n, MemorySegment z, long zOff, MemorySegment target, long targetOff, float w,
                         MemorySegment y, long yOff) {
        FloatVector acc = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = fromMemorySegment(S, z, (zOff + i) * Float.BYTES, NATIVE, m);
            FloatVector a = v.abs().neg();
            FloatVector e;
            if (JDK_MATH) {
                e = a.lanewise(VectorOperators.EXP);
            } else {   // exp(a) = 2^n e^r, see the class comment
                FloatVector ac = a.max(EXP_LO).min(EXP_HI);          // NaN stays NaN
                FloatVector t = ac.fma(LOG2E, ROUND_MAGIC);
                FloatVector nf = t.sub(ROUND_MAGIC);
                FloatVector r = nf.fma(FloatVector.broadcast(S, -LN2_HI), ac);
                r = nf.fma(FloatVector.broadcast(S, -LN2_LO), r);
                FloatVector p = r.fma(E7, E6);
                p = p.fma(r, FloatVector.broadcast(S, E5));
                p = p.fma(r, FloatVector.broadcast(S, E4));
                p = p.fma(r, FloatVector.broadcast(S, E3));
                p = p.fma(r, FloatVector.broadcast(S, E2));
                p = p.fma(r, one);
                p = p.fma(r, one);
                IntVector ni = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
                IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
                FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                FloatVector s2 = ni.sub(n1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                e = p.mul(s1).mul(s2);
            }
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
            FloatVector spPos = v.max(0f).add(poly.mul(s));
            FloatVector spNeg = spPos.sub(v);
            FloatVector t = fromMemorySegment(S, target, (targetOff + i) * Float.BYTES, NATIVE, m);
            acc = acc.add(t.mul(w).mul(spNeg).add(one.sub(t).mul(spPos)), m);
            // e is raised to the smallest subnormal so that the sign survives as a plain float sign (-0 would
            // compare as not negative): sigmoid(z) for z below -104 becomes 1e-45 instead of 0.
            IntVector sign = v.reinterpretAsInts().and(SIGN_BIT);
            e.max(Float.MIN_VALUE).reinterpretAsInts().or(sign).reinterpretAsFloats()
                    .intoMemorySegment(y, (yOff + i) * Float.BYTES, NATIVE, m);
        }
        acc = L >= 16 ? acc.add(acc.rearrange(SWAP8)) : acc;   // fixed-order sum, see SWAP1
        acc = L >= 8 ? acc.add(acc.rearrange(SWAP4)) : acc;
        acc = acc.add(acc.rearrange(SWAP2));
        acc = acc.add(acc.rearrange(SWAP1));
        return acc.lane(0);
    }
}
