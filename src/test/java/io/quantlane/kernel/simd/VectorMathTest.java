package io.quantlane.kernel.simd;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The error bounds stated in {@link VectorMath}'s Javadoc, measured against {@link Math#exp} and
 * {@link Math#tanh} in double over dense sweeps, through the SIMD kernels at the width in force.
 */
class VectorMathTest {

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final SimdKernels SIMD = new SimdKernels();

    interface Kernel {
        void apply(int n, MemorySegment x, long xOff, MemorySegment y, long yOff);
    }

    /** Largest error in ulps of the float nearest the true value, over x = lo, lo + step, ... < hi. */
    private static double maxUlpError(Kernel kernel, DoubleUnaryOperator truth, double lo, double hi, int count,
                                      double minMagnitude) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocate((long) count * Float.BYTES, 64);
            MemorySegment y = arena.allocate((long) count * Float.BYTES, 64);
            for (int i = 0; i < count; i++) {
                x.setAtIndex(F, i, (float) (lo + (hi - lo) * i / count));
            }
            kernel.apply(count, x, 0, y, 0);
            double worst = 0;
            for (int i = 0; i < count; i++) {
                double ref = truth.applyAsDouble(x.getAtIndex(F, i));
                if (Math.abs(ref) < minMagnitude || Math.abs(ref) > Float.MAX_VALUE) {
                    continue;
                }
                double err = Math.abs(y.getAtIndex(F, i) - ref) / Math.ulp((float) ref);
                worst = Math.max(worst, err);
            }
            return worst;
        }
    }

    /** NaN matches NaN, infinities match exactly, finite values within {@code ulps}. */
    private static void assertSame(float want, float got, int ulps, String what) {
        if (Float.isNaN(want) || Float.isInfinite(want)) {
            assertEquals(want, got, what);
        } else {
            assertEquals(want, got, Math.ulp(want) * ulps, what);
        }
    }

    @Test
    void expIsWithinTwoUlpsOverTheNormalRange() {
        double worst = maxUlpError(SIMD::exp, Math::exp, -87.3, 88.7, 2_000_003, Float.MIN_NORMAL);
        System.out.printf("exp: max error %.2f ulp over [-87.3, 88.7]%n", worst);
        assertTrue(worst <= 2.0, "exp error " + worst + " ulp exceeds the documented 2 ulp");
    }

    @Test
    void expSubnormalResultsAreWithinOneSubnormalStep() {
        try (Arena arena = Arena.ofConfined()) {
            int count = 100_000;
            MemorySegment x = arena.allocate((long) count * Float.BYTES, 64);
            MemorySegment y = arena.allocate((long) count * Float.BYTES, 64);
            for (int i = 0; i < count; i++) {
                x.setAtIndex(F, i, (float) (-110 + 23.0 * i / count));
            }
            SIMD.exp(count, x, 0, y, 0);
            for (int i = 0; i < count; i++) {
                double ref = Math.exp(x.getAtIndex(F, i));
                if (ref < Float.MIN_NORMAL) {
                    assertTrue(Math.abs(y.getAtIndex(F, i) - ref) <= 2 * Float.MIN_VALUE,
                            "exp(" + x.getAtIndex(F, i) + ") = " + y.getAtIndex(F, i) + ", expected " + ref);
                }
            }
        }
    }

    @Test
    void expSpecialValues() {
        float[] in = {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, 0f, -0f, 89f, 88.8f, -104f, -200f, 1f};
        float[] want = {0f, Float.POSITIVE_INFINITY, Float.NaN, 1f, 1f, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY,
                0f, 0f, (float) Math.E};
        float[] out = new float[in.length];
        SIMD.exp(in.length, MemorySegment.ofArray(in), 0, MemorySegment.ofArray(out), 0);
        for (int i = 0; i < in.length; i++) {
            assertSame(want[i], out[i], 2, "exp(" + in[i] + ")");
        }
    }

    @Test
    void tanhIsWithinThreeUlps() {
        double wide = maxUlpError(SIMD::tanh, Math::tanh, -12, 12, 2_000_003, 0);
        double small = maxUlpError(SIMD::tanh, Math::tanh, -0.5, 0.5, 1_000_003, Math.scalb(1.0, -20));
        System.out.printf("tanh: max error %.2f ulp over [-12, 12], %.2f ulp over [-0.5, 0.5]%n", wide, small);
        assertTrue(wide <= 3.0, "tanh error " + wide + " ulp exceeds the documented 3 ulp");
        assertTrue(small <= 3.0, "tanh error near 0 " + small + " ulp exceeds the documented 3 ulp");
    }

    @Test
    void tanhSpecialValuesAndOddSymmetry() {
        float[] in = {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, 0f, -0f, 1e-30f, -1e-30f, 0.3f, -0.3f, 50f};
        float[] out = new float[in.length];
        SIMD.tanh(in.length, MemorySegment.ofArray(in), 0, MemorySegment.ofArray(out), 0);
        for (int i = 0; i < in.length; i++) {
            assertSame((float) Math.tanh(in[i]), out[i], 3, "tanh(" + in[i] + ")");
        }
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(out[4]), "tanh(-0) keeps its sign");
        assertEquals(-out[7], out[8], "tanh is odd");
    }

    @Test
    void sigmoidIsAccurateInBothTails() {
        double worst = maxUlpError(SIMD::sigmoid, v -> 1 / (1 + Math.exp(-v)), -87, 30, 1_000_003, Float.MIN_NORMAL);
        System.out.printf("sigmoid: max error %.2f ulp over [-87, 30]%n", worst);
        assertTrue(worst <= 5.0, "sigmoid error " + worst + " ulp");
    }
}
