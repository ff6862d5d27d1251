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

    private static final LoanDefault.Config SHORT = new LoanDefault.Config(5, 16, 1e-3f, 1f, 40, 3e-3f, 0.1f, 40, 32, 7);

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
    void theCostOptimalThresholdIsOneSixth() {
        assertEquals(1.0 / 6, LoanDefault.THRESHOLD, 1e-15);
    }
}
