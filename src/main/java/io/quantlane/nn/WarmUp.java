package io.quantlane.nn;

import java.time.Duration;
import java.util.Locale;

/**
 * What {@link Model#warmUp(Duration)} did: how many predictions it ran, for how long, the time per call in its
 * last round, and whether the model reached steady state within the budget.
 *
 * @param calls       predictions run (one-row calls through every kernel the model uses)
 * @param elapsed     wall time spent
 * @param nsPerCall   mean time per call in the last round
 * @param converged   true when the last rounds allocated nothing, ran within 15 % of the fastest round, and the
 *                    JIT finished no compilation during them (see {@link Model#warmUp(Duration)})
 */
public record WarmUp(long calls, Duration elapsed, double nsPerCall, boolean converged) {

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "warm-up: %,d calls in %d ms, %.0f ns per call at the end, %s", calls,
                elapsed.toMillis(), nsPerCall, converged ? "steady" : "NOT steady within the budget");
    }
}
