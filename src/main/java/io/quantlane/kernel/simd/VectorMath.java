package io.quantlane.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Vectorized exp, tanh and sigmoid for float lanes.
 *
 * <p>Two methods exist and {@code -Dquantlane.exp=poly|jdk} picks one (default {@code poly}):
 * <ul>
 *   <li>{@code poly}: the polynomials below, a dozen FMAs and shifts, branch-free;</li>
 *   <li>{@code jdk}: {@link VectorOperators#EXP} and {@link VectorOperators#TANH}, which HotSpot maps to
 *       Intel's SVML stubs on x86 where available and otherwise computes lane by lane.</li>
 * </ul>
 * The default is the one measured faster on the reference machine (docs/benchmarks.md, "exp: poly vs jdk").
 *
 * <p>Error bounds of the polynomial path, asserted by {@code VectorMathTest} against {@link Math#exp} and
 * {@link Math#tanh} in double over dense sweeps of the float range:
 * exp: at most 2 ulp for results in the normal range (0.92 ulp measured); results below 2^-126 are
 * computed with an absolute error under 2^-149 (one subnormal step); overflow gives +Infinity, -Infinity
 * gives 0, NaN gives NaN. tanh: at most 3 ulp (2.2 measured) wherever |tanh x| &ge; 2^-20, odd symmetry and the sign of zero kept;
 * sigmoid: at most 5 ulp (2.2 measured) on [-87, 30].
 */
final class VectorMath {

    /** True when {@code -Dquantlane.exp=jdk}: use the JDK's vector math instead of our polynomials. */
    static final boolean JDK_MATH = "jdk".equalsIgnoreCase(System.getProperty("quantlane.exp", "poly"));

    private VectorMath() {
    }

    // exp(x) = 2^n * e^r with n = round(x / ln 2) and r = x - n ln 2 in [-ln2/2, ln2/2].
    private static final float LOG2E = 1.44269504088896341f;
    // ln 2 split in two (Cody and Waite): LN2_HI has few mantissa bits, so n * LN2_HI is exact for |n| <= 150.
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    // Adding 1.5 * 2^23 rounds a float in (-2^22, 2^22) to an integer held in the low mantissa bits.
    private static final float ROUND_MAGIC = 12582912f;
    private static final int ROUND_MAGIC_BITS = 0x4B40_0000;
    // Below -104 the result rounds to 0; above 89 it overflows. Clamping keeps n within [-150, 128].
    private static final float EXP_LO = -104f;
    private static final float EXP_HI = 89f;
    // Taylor coefficients 1/k! for k = 2..7; on |r| <= 0.347 the truncation error is below 2^-27.
    private static final float E2 = 1f / 2, E3 = 1f / 6, E4 = 1f / 24, E5 = 1f / 120, E6 = 1f / 720, E7 = 1f / 5040;

    // tanh for |x| < 0.3 by its Taylor series x + T3 x^3 + ... + T11 x^11 (next term < 2^-26 relative);
    // above 0.3, (1 - e) / (1 + e) with e = exp(-2|x|) loses at most a factor 1.2 to cancellation.
    private static final float TANH_SMALL = 0.3f;
    private static final int SIGN_BIT = 0x8000_0000;
    private static final float T3 = -1f / 3, T5 = 2f / 15, T7 = -17f / 315, T9 = 62f / 2835, T11 = -1382f / 155925;

    /** e^x per lane. */
    static FloatVector exp(FloatVector x) {
        if (JDK_MATH) {
            return x.lanewise(VectorOperators.EXP);
        }
        FloatVector xc = x.max(EXP_LO).min(EXP_HI);          // NaN stays NaN
        FloatVector t = xc.fma(LOG2E, ROUND_MAGIC);           // n in the low mantissa bits
        FloatVector n = t.sub(ROUND_MAGIC);
        FloatVector r = n.fma(n.broadcast(-LN2_HI), xc);
        r = n.fma(n.broadcast(-LN2_LO), r);
        FloatVector p = r.fma(E7, E6);
        p = p.fma(r, r.broadcast(E5));
        p = p.fma(r, r.broadcast(E4));
        p = p.fma(r, r.broadcast(E3));
        p = p.fma(r, r.broadcast(E2));
        p = p.fma(r, r.broadcast(1f));
        p = p.fma(r, r.broadcast(1f));
        // 2^n as two factors 2^n1 * 2^n2 (n1 = n >> 1), each a normal float even for n = -150 or 128,
        // so subnormal results and the top of the range come out right without special cases.
        IntVector ni = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
        IntVector n2 = ni.sub(n1);
        FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2);
    }

    /** tanh(x) per lane. */
    static FloatVector tanh(FloatVector x) {
        if (JDK_MATH) {
            return x.lanewise(VectorOperators.TANH);
        }
        // |tanh x| from |x|, then x's sign bit copied on: keeps tanh odd and tanh(-0) = -0.
        FloatVector ax = x.abs();
        FloatVector e = exp(ax.mul(-2f));
        FloatVector big = e.neg().add(1f).div(e.add(1f));
        FloatVector x2 = x.mul(x);
        FloatVector q = x2.fma(T11, T9);
        q = q.fma(x2, x2.broadcast(T7));
        q = q.fma(x2, x2.broadcast(T5));
        q = q.fma(x2, x2.broadcast(T3));
        FloatVector small = x2.mul(ax).fma(q, ax);
        FloatVector magnitude = big.blend(small, ax.lt(TANH_SMALL));
        IntVector sign = x.reinterpretAsInts().and(SIGN_BIT);
        return magnitude.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }

    /**
     * 1 / (1 + e^-x) per lane, as e / (1 + e) with e = exp(x) for negative x, so results stay accurate
     * (relative to their size) far into the left tail instead of flushing to 0 when e^-x overflows.
     */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector e = exp(x.abs().neg());
        FloatVector numerator = e.blend(e.broadcast(1f), x.compare(VectorOperators.GE, 0f));
        return numerator.div(e.add(1f));
    }
}
