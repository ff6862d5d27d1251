package io.quantlane.workloads;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The market workload on the bundled data: no look-ahead, honest magnitudes, reproducible. */
class MarketPredictionTest {

    private static final MarketPrediction.Config SHORT = new MarketPrediction.Config(5, 0.8, 8, 1e-3f, 0.1f, 8, 64, 3);

    /** Changing every return from day t on (t inside the test span) leaves every prediction for a day up to t unchanged. */
    @Test
    void predictionsUpToTimeTIgnoreLaterData() throws IOException {
        double[][] returns = MarketPrediction.returns(MarketPrediction.bundledData());
        MarketPrediction.Report base = MarketPrediction.run(returns, SHORT);
        int t = base.time()[100];
        double[][] changed = new double[returns.length][];
        for (int s = 0; s < returns.length; s++) {
            changed[s] = returns[s].clone();
            for (int i = t; i < changed[s].length; i++) {
                changed[s][i] = 0.05 * ((i % 7) - 3);   // wild, unlike the data
            }
        }
        MarketPrediction.Report after = MarketPrediction.run(changed, SHORT);
        int compared = 0;
        for (int i = 0; i < base.time().length && base.time()[i] <= t; i++) {
            assertArrayEquals(base.predictions()[i], after.predictions()[i], 0f, "prediction for day " + base.time()[i]);
            compared++;
        }
        assertEquals(101, compared);
        boolean laterDiffer = false;
        for (int i = 102; i < base.time().length; i++) {
            laterDiffer |= base.predictions()[i][0] != after.predictions()[i][0];
        }
        assertTrue(laterDiffer, "the check can fail: predictions after t do see the change");
    }

    @Test
    void errorsAreOfTheRandomWalksMagnitudeAndReproducible() throws IOException {
        double[][] returns = MarketPrediction.returns(MarketPrediction.bundledData());
        MarketPrediction.Report r = MarketPrediction.run(returns, SHORT);
        assertEquals(4, r.series().size());
        for (MarketPrediction.SeriesScores s : r.series()) {
            double ratio = s.rmse() / s.randomWalkRmse();
            assertTrue(ratio > 0.9 && ratio < 1.2, s + ": a big win would mean leakage, a big loss a broken fit");
            assertTrue(s.hitRate() > 0.4 && s.hitRate() < 0.65, s.toString());
            assertTrue(s.randomWalkRmse() > 0.005 && s.randomWalkRmse() < 0.03, "daily index returns: " + s);
        }
        MarketPrediction.Report again = MarketPrediction.run(returns, SHORT);
        for (int i = 0; i < r.predictions().length; i++) {
            assertArrayEquals(r.predictions()[i], again.predictions()[i], 0f, "row " + i);
        }
    }
}
