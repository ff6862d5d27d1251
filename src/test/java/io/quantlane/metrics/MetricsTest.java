package io.quantlane.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every metric against an example worked out by hand (the arithmetic is in the comments). */
class MetricsTest {

    private static final float[] SCORES = {0.1f, 0.4f, 0.35f, 0.8f};
    private static final float[] LABELS = {0, 0, 1, 1};

    @Test
    void rocAucCountsOrderedPairsAndHalvesTies() {
        // positives 0.35, 0.8 against negatives 0.1, 0.4: 0.35 > 0.1, 0.35 < 0.4, 0.8 > both: 3 of 4 pairs
        assertEquals(0.75, Metrics.rocAuc(SCORES, LABELS), 1e-12);
        // positives 0.5, 0.9 against negatives 0.5, 0.5: two ties (1/2 each) and two wins: 3 / 4
        assertEquals(0.75, Metrics.rocAuc(new float[] {0.5f, 0.5f, 0.5f, 0.9f}, new float[] {1, 0, 0, 1}), 1e-12);
        assertEquals(0.5, Metrics.rocAuc(new float[] {2, 2, 2}, new float[] {1, 0, 1}), 1e-12, "all tied");
        assertEquals(0.0, Metrics.rocAuc(new float[] {3, 1}, new float[] {0, 1}), 1e-12, "perfectly wrong");
    }

    @Test
    void ksIsTheLargestGapBetweenTheClassesCumulativeShares() {
        // thresholds from the top: >= 0.8: TPR 1/2, FPR 0; >= 0.4: 1/2, 1/2; >= 0.35: 1, 1/2; >= 0.1: 1, 1
        assertEquals(0.5, Metrics.ksStatistic(SCORES, LABELS), 1e-12);
        assertEquals(1.0, Metrics.ksStatistic(new float[] {0.2f, 0.9f}, new float[] {0, 1}), 1e-12, "separated");
        // a tie between a positive and a negative moves both at once: TPR 1 and FPR 1 together, gap 0
        assertEquals(0.0, Metrics.ksStatistic(new float[] {0.5f, 0.5f}, new float[] {1, 0}), 1e-12, "tie");
    }

    @Test
    void probabilityScores() {
        // -(ln 0.9 + ln 0.8) / 2 = (0.1053605 + 0.2231436) / 2
        assertEquals(0.16425205, Metrics.logLoss(new float[] {0.9f, 0.2f}, new float[] {1, 0}), 1e-7);
        // a confident mistake is clipped at p = 1e-15: -ln(1e-15) = 34.538776
        assertEquals(34.538776, Metrics.logLoss(new float[] {0f}, new float[] {1}), 1e-5);
        // ((0.9 - 1)^2 + (0.2 - 0)^2) / 2 = (0.01 + 0.04) / 2
        assertEquals(0.025, Metrics.brier(new float[] {0.9f, 0.2f}, new float[] {1, 0}), 1e-7);
    }

    @Test
    void decisionsAndCosts() {
        float[] p = {0.9f, 0.2f, 0.6f, 0.1f}, y = {1, 0, 0, 1};
        // p > 0.5: 0.9 TP, 0.6 FP; 0.2 TN, 0.1 FN
        ConfusionMatrix c = Metrics.confusion(p, y, 0.5);
        assertEquals(new ConfusionMatrix(1, 1, 1, 1), c);
        assertEquals(0.5, c.accuracy(), 0);
        assertEquals(0.5, c.truePositiveRate(), 0);
        assertEquals(0.5, c.falsePositiveRate(), 0);
        assertEquals(0.5, c.precision(), 0);
        // German credit costs, a missed default 5, a refused good customer 1: (5 * 1 + 1 * 1) / 4
        assertEquals(1.5, Metrics.expectedCost(p, y, 0.5, 5, 1), 0);
        // p > 1/6: 0.9 TP, 0.2 FP, 0.6 FP, 0.1 FN: (5 * 1 + 1 * 2) / 4
        assertEquals(1.75, Metrics.expectedCost(p, y, 1.0 / 6, 5, 1), 0);
        assertEquals(0.5, Metrics.accuracy(p, y, 0.5), 0);
        assertEquals(new ConfusionMatrix(0, 0, 1, 0), Metrics.confusion(new float[] {0.5f}, new float[] {0}, 0.5),
                "p equal to the threshold is a negative decision");
    }

    @Test
    void regressionAndDirection() {
        // errors 0, 1, 2: RMSE sqrt(5 / 3), MAE 3 / 3
        assertEquals(Math.sqrt(5.0 / 3), Metrics.rmse(new float[] {1, 2, 3}, new float[] {1, 1, 1}), 1e-12);
        assertEquals(1.0, Metrics.mae(new float[] {1, 2, 3}, new float[] {1, 1, 1}), 1e-12);
        // (up, up) hit, (down, down) hit, (up, down) miss, (0, 0) both "not up": hit
        assertEquals(0.75, Metrics.hitRate(new float[] {0.1f, -0.2f, 0.3f, 0}, new float[] {0.5f, -0.1f, -0.2f, 0}), 0);
    }

    @Test
    void badInputIsNamed() {
        assertEquals("labels: expected 4 values (as scores), got 3",
                assertThrows(IllegalArgumentException.class, () -> Metrics.rocAuc(SCORES, new float[3])).getMessage());
        assertEquals("labels: index 1 is 2.0, expected 0 or 1", assertThrows(IllegalArgumentException.class,
                () -> Metrics.rocAuc(new float[2], new float[] {0, 2})).getMessage());
        assertEquals("labels: expected both classes, got 0 positives and 2 negatives",
                assertThrows(IllegalArgumentException.class, () -> Metrics.rocAuc(new float[2], new float[2])).getMessage());
        assertEquals("scores: index 0 is NaN", assertThrows(IllegalArgumentException.class,
                () -> Metrics.ksStatistic(new float[] {Float.NaN, 1}, new float[] {0, 1})).getMessage());
        assertEquals("probabilities: index 0 is 1.5, expected [0, 1]", assertThrows(IllegalArgumentException.class,
                () -> Metrics.brier(new float[] {1.5f}, new float[] {1})).getMessage());
        assertEquals("predictions: expected at least one value", assertThrows(IllegalArgumentException.class,
                () -> Metrics.rmse(new float[0], new float[0])).getMessage());
    }
}
