package io.quantlane.testing;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The one tolerance rule of the test suite: {@code |got - ref| <= atol + rtol * max(|ref|, scale)}.
 *
 * <p>{@code rtol} is a multiple of float epsilon (2^-23) that the caller justifies: a few ulps for
 * element-wise arithmetic, growing with the length of a reduction. {@code scale} is the magnitude the
 * rounding error is proportional to when it is not |ref| itself: for a sum, the sum of absolute terms,
 * since cancellation can leave a tiny |ref| with an error proportional to the terms. NaN matches NaN and an
 * infinity matches only the same infinity.
 */
public record Tolerance(double rtol, double atol) {

    /** Float epsilon, the gap between 1 and the next float: 2^-23. */
    public static final double EPS = Math.ulp(1.0f);

    /** Element-wise results correct to {@code ulps} units in the last place, plus the smallest normal float. */
    public static Tolerance ulps(double ulps) {
        return new Tolerance(ulps * EPS, Float.MIN_NORMAL);
    }

    /**
     * A reduction of {@code n} terms computed in float by two different summation orders: each is within
     * about {@code n * EPS / 2} of the exact sum relative to the sum of |terms| (Higham, Accuracy and
     * Stability, 2nd ed., eq. 4.4), so their difference is within {@code (n + extraUlps) * EPS}.
     */
    public static Tolerance reduction(int n, double extraUlps) {
        return new Tolerance((n + extraUlps) * EPS, Float.MIN_NORMAL);
    }

    /** Double epsilon, 2^-52, for the float64 kernels. */
    public static final double EPS64 = Math.ulp(1.0);

    /** {@link #reduction} for sums computed in double. */
    public static Tolerance reduction64(int n, double extraUlps) {
        return new Tolerance((n + extraUlps) * EPS64, Double.MIN_NORMAL);
    }

    /**
     * An analytic derivative against a central difference {@code (L(p + h) - L(p - h)) / 2h} computed in float.
     * Rounding in the two loss evaluations contributes about {@code n EPS |L| / h} (n the terms summed, L of
     * order 1 here) and truncation {@code h^2 |L'''| / 6}; with h = 1e-2 and n up to 100 both stay below 1e-3,
     * so the bound is 2e-3 absolute plus 2 % of the derivative.
     */
    public static Tolerance finiteDifference() {
        return new Tolerance(2e-2, 2e-3);
    }

    /** Whether got is within tolerance of ref, errors proportional to max(|ref|, scale). */
    public boolean accepts(double got, double ref, double scale) {
        if (Double.isNaN(ref) || Double.isNaN(got)) {
            return Double.isNaN(ref) && Double.isNaN(got);
        }
        if (Double.isInfinite(ref) || Double.isInfinite(got)) {
            return got == ref;
        }
        return Math.abs(got - ref) <= atol + rtol * Math.max(Math.abs(ref), Math.abs(scale));
    }

    public void assertClose(String what, double got, double ref) {
        assertClose(what, got, ref, 0);
    }

    public void assertClose(String what, double got, double ref, double scale) {
        if (!accepts(got, ref, scale)) {
            fail(what + ": got " + got + ", expected " + ref + " (|diff| " + Math.abs(got - ref) + " > "
                    + (atol + rtol * Math.max(Math.abs(ref), Math.abs(scale))) + " = " + atol + " + " + rtol
                    + " * max(|ref|, " + Math.abs(scale) + "))");
        }
    }
}
