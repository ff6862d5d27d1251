package io.quantlane.workloads;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loan-default workload on the bundled data, with a short configuration (5 folds, few epochs) so the suite
 * stays fast: it must beat the trivial rules by a clear margin and be reproducible. The full protocol's figures
 * are in the demo and docs/workloads.md.
 */
class LoanDefaultTest {

    private static final LoanDefault.Config SHORT = new LoanDefault.Config(5, 16, 1e-3f, 1f, 40, 1, 3e-3f, 0.1f, 40, 32, 7);

    @Test
    void beatsTheTrivialRulesAndIsReproducible() throws IOException {
        List<String> progress = new ArrayList<>();
        LoanDefault.Report r = LoanDefault.run(LoanDefault.bundledData(), SHORT, progress::add);
        assertEquals(5, progress.size(), "one progress line per fold");
        for (LoanDefault.Scores s : List.of(r.mlp(), r.logistic())) {
            assertTrue(s.auc() > 0.72, s.toString());
            assertTrue(s.cost() < 0.65, s + ": always \"bad\" costs 0.700");
            assertTrue(s.accuracy() > 0.70, s + ": always \"good\" is 0.700 accurate");
            assertTrue(s.brier() < 0.21, s + ": predicting the base rate 0.3 scores 0.21");
        }
        LoanDefault.Report again = LoanDefault.run(LoanDefault.bundledData(), SHORT, null);
        assertArrayEquals(r.mlpProbabilities(), again.mlpProbabilities(), 0f, "same seed, same probabilities");
    }

    @Test
    void repeatsUseNewSeedsAndSummariseByMeanAndSd() throws IOException {
        LoanDefault.Config two = new LoanDefault.Config(3, 8, 1e-3f, 1f, 10, 2, 3e-3f, 0.1f, 10, 64, 5);
        List<String> progress = new ArrayList<>();
        LoanDefault.Repeated r = LoanDefault.repeated(LoanDefault.bundledData(), two, 2, progress::add);
        assertEquals(6, progress.size(), "one line per fold and repeat: " + progress);
        assertEquals("repeat 2/2, fold 3/3 done", progress.get(5));
        double a = r.runs().get(0).mlp().auc(), b = r.runs().get(1).mlp().auc();
        assertTrue(a != b, "the second repeat must use other folds and weights");
        assertEquals((a + b) / 2, r.mean(LoanDefault.Report::mlp, LoanDefault.Scores::auc), 1e-15);
        assertEquals(Math.abs(a - b) / Math.sqrt(2), r.sd(LoanDefault.Report::mlp, LoanDefault.Scores::auc), 1e-12);
        LoanDefault.Report single = LoanDefault.run(LoanDefault.bundledData(), two.withSeed(6), null);
        assertArrayEquals(single.mlpProbabilities(), r.runs().get(1).mlpProbabilities(), 0f,
                "repeat r runs with seed + r");
        assertTrue(r.runs().get(0).mlp().model().endsWith("x2"), r.runs().get(0).mlp().model());
        List<String> lines = LoanDefault.summary(r);
        assertTrue(lines.get(0).contains("repeated 2 times (seeds 5-6)"), lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("  target MLP AUC >= 0.79")), String.join("\n", lines));
    }

    @Test
    void badSettingsAreRejectedByName() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new LoanDefault.Config(10, 64, 3e-4f, 2f, 100, 0, 1e-3f, 0.1f, 60, 32, 1));
        assertTrue(e.getMessage().contains("members"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LoanDefault.repeated(null, LoanDefault.Config.defaults(), 0, null));
    }

    @Test
    void theCostOptimalThresholdIsOneSixth() {
        assertEquals(1.0 / 6, LoanDefault.THRESHOLD, 1e-15);
    }
}
