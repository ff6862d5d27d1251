package io.quantlane.data;

import io.quantlane.memory.Matrix;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Splits, one-hot encoding fitted on training rows, log returns and lagged windows. */
class PreparationTest {

    @Test
    void stratifiedFoldsPartitionTheRowsAndKeepTheClassBalance() {
        float[] labels = new float[1000];
        for (int i = 0; i < 300; i++) {
            labels[i * 3] = 1;   // 300 positives, as in the German credit data
        }
        List<Splits.Split> folds = Splits.stratifiedKFold(labels, 10, 7);
        Set<Integer> seen = new HashSet<>();
        for (Splits.Split f : folds) {
            assertEquals(1000, f.train().length + f.test().length);
            int positives = 0;
            for (int r : f.test()) {
                assertTrue(seen.add(r), "row " + r + " in two test folds");
                positives += labels[r] == 1 ? 1 : 0;
            }
            assertEquals(100, f.test().length);
            assertEquals(30, positives, "each fold keeps 30 % positives");
            Set<Integer> train = new HashSet<>();
            Arrays.stream(f.train()).forEach(train::add);
            Arrays.stream(f.test()).forEach(r -> assertTrue(!train.contains(r), "test row also in training"));
        }
        assertEquals(1000, seen.size(), "the test folds cover every row");
        assertArrayEquals(folds.get(3).test(), Splits.stratifiedKFold(labels, 10, 7).get(3).test(), "seeded");
        assertThrows(IllegalArgumentException.class, () -> Splits.stratifiedKFold(labels, 1, 7));
    }

    @Test
    void holdOutAndChronologicalSplits() {
        float[] labels = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1};
        Splits.Split s = Splits.stratifiedHoldOut(labels, 0.5, 1);
        assertEquals(5, s.test().length);
        assertEquals(2, Arrays.stream(s.test()).filter(r -> labels[r] == 1).count(), "half of each class");
        Splits.Split c = Splits.chronological(10, 0.8);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, c.train());
        assertArrayEquals(new int[] {8, 9}, c.test(), "the test span comes strictly after");
        assertThrows(IllegalArgumentException.class, () -> Splits.chronological(3, 0.1));
    }

    @Test
    void oneHotLevelsComeFromTheTrainingRowsOnly() {
        Table t = Csv.defaults().parse("age,job,y\n30,clerk,0\n40,chef,1\n50,pilot,1\n60,,0\n", "jobs.csv");
        Encoder e = Encoder.fitAllBut(t, List.of("y"), new int[] {0, 1, 3});   // "pilot" only in the test row
        assertEquals(List.of("age", "job=chef", "job=clerk"), e.featureNames());
        try (Arena arena = Arena.ofShared()) {
            Matrix m = e.transform(arena, t, new int[] {0, 1, 2, 3});
            assertArrayEquals(new float[] {30, 0, 1, 40, 1, 0, 50, 0, 0, 60, 0, 0}, m.toArray(),
                    "clerk, chef, unseen pilot and the missing job as zeros");
            assertEquals(2, e.unseenLastTransform(), "one unseen level, one missing value");
        }
        Table missingAge = Csv.defaults().parse("age,job\nNA,clerk\n", "m.csv");
        assertEquals("column \"age\": no value in the 1 training rows, nothing to learn or to fill in from; drop the"
                        + " column",
                assertThrows(IllegalArgumentException.class, () -> Encoder.fit(missingAge, List.of("age"), new int[] {0}))
                        .getMessage());
    }

    @Test
    void missingNumbersBecomeTheTrainingMedianWithAnIndicator() {
        // training rows 0-4: ages 20, NA, 40, 10, 90 -> median of the four present values (20 + 40) / 2 = 30
        Table t = Csv.defaults().parse("age,income\n20,1\nNA,2\n40,3\n10,4\n90,5\nNA,6\n1000,NA\n", "m.csv");
        Encoder e = Encoder.fit(t, List.of("age", "income"), new int[] {0, 1, 2, 3, 4});
        assertEquals(List.of("age", "age=missing", "income"), e.featureNames(),
                "an indicator only where training rows had a gap");
        try (Arena arena = Arena.ofShared()) {
            Matrix m = e.transform(arena, t, new int[] {1, 5, 6});
            // income: median of 1..5 = 3 fills the gap in row 6, which has no indicator position
            assertArrayEquals(new float[] {30, 1, 2, 30, 1, 6, 1000, 0, 3}, m.toArray());
            assertEquals(3, e.unseenLastTransform(), "three cells filled in");
        }
        Encoder back = Encoder.parse(e.describe());
        assertEquals(e.featureNames(), back.featureNames());
        assertEquals(e.describe(), back.describe(), "the medians survive the round trip exactly");
        assertThrows(IllegalArgumentException.class, () -> Encoder.parse("numeric\tage\n"), "the old two-field form");
        assertThrows(IllegalArgumentException.class, () -> Encoder.parse("numeric\tage\tx\t0\n"));
    }

    @Test
    void logReturnsAndWindows() {
        double[] r = Windows.logReturns(new double[] {100, 110, 99});
        assertEquals(Math.log(1.1), r[0], 1e-15);
        assertEquals(Math.log(0.9), r[1], 1e-15);
        assertThrows(IllegalArgumentException.class, () -> Windows.logReturns(new double[] {1, 0}));
        double[] a = {0, 1, 2, 3, 4}, b = {10, 11, 12, 13, 14};
        try (Arena arena = Arena.ofShared()) {
            Windows.Windowed w = Windows.lagged(arena, new double[][] {a, b}, 2, 1);
            assertEquals(3, w.features().rows());
            // row 0: a[0..1], b[0..1]; target b[2]
            assertArrayEquals(new float[] {0, 1, 10, 11}, w.features().row(0).toArray());
            assertEquals(12f, w.targets().get(0, 0));
            assertArrayEquals(new int[] {2, 3, 4}, w.time());
        }
    }

    /** Leakage: changing the series from time t on leaves every row whose target time is before t unchanged. */
    @Test
    void windowsUpToTimeTIgnoreLaterData() {
        double[] a = new double[50];
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.sin(i);
        }
        int t = 30;
        double[] changed = a.clone();
        for (int i = t; i < a.length; i++) {
            changed[i] = 1000 + i;
        }
        try (Arena arena = Arena.ofShared()) {
            Windows.Windowed w1 = Windows.lagged(arena, new double[][] {a}, 5, 0);
            Windows.Windowed w2 = Windows.lagged(arena, new double[][] {changed}, 5, 0);
            int[] time = w1.time();
            int compared = 0;
            for (int i = 0; i < time.length; i++) {
                if (time[i] < t) {
                    assertArrayEquals(w1.features().row(i).toArray(), w2.features().row(i).toArray(), "row " + i);
                    assertEquals(w1.targets().get(i, 0), w2.targets().get(i, 0));
                    compared++;
                } else if (time[i] == t) {
                    assertArrayEquals(w1.features().row(i).toArray(), w2.features().row(i).toArray(),
                            "the features of the row predicting time t use only data before t");
                }
            }
            assertEquals(25, compared);
        }
    }
}
