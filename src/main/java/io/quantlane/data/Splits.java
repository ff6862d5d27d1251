package io.quantlane.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Row selections for honest evaluation: stratified k-fold cross-validation for classification, and
 * chronological splits for time series (the training span strictly before the test span). Every method
 * returns row indexes in increasing order and is deterministic for a given seed.
 */
public final class Splits {

    private Splits() {
    }

    /** Training and test rows of one split. */
    public record Split(int[] train, int[] test) {
        public Split {
            train = train.clone();
            test = test.clone();
        }

        @Override
        public int[] train() {
            return train.clone();
        }

        @Override
        public int[] test() {
            return test.clone();
        }

        @Override
        public String toString() {
            return "Split[" + train.length + " train, " + test.length + " test]";
        }
    }

    /**
     * Stratified k-fold: each class's rows are shuffled (seeded) and dealt round-robin to the k folds, so
     * every fold holds each class in nearly the same proportion as the whole (counts differ by at most one).
     * Fold i's test rows are its own; its training rows are all the others.
     *
     * @param labels class per row, any float values (one class per distinct value)
     */
    public static List<Split> stratifiedKFold(float[] labels, int k, long seed) {
        if (k < 2) {
            throw new IllegalArgumentException("k: expected at least 2 folds, got " + k);
        }
        if (labels.length < k) {
            throw new IllegalArgumentException("labels: " + labels.length + " rows cannot fill " + k + " folds");
        }
        float[] classes = distinct(labels);
        SplittableRandom rnd = new SplittableRandom(seed);
        List<List<Integer>> folds = new ArrayList<>();
        for (int f = 0; f < k; f++) {
            folds.add(new ArrayList<>());
        }
        int dealt = 0;
        for (float c : classes) {
            int[] rows = rowsOf(labels, c);
            shuffle(rows, rnd);
            for (int row : rows) {
                folds.get(dealt++ % k).add(row);   // continuing the deal across classes keeps fold sizes even
            }
        }
        List<Split> out = new ArrayList<>();
        for (int f = 0; f < k; f++) {
            int[] test = folds.get(f).stream().mapToInt(Integer::intValue).sorted().toArray();
            boolean[] inTest = new boolean[labels.length];
            for (int r : test) {
                inTest[r] = true;
            }
            int[] train = new int[labels.length - test.length];
            int t = 0;
            for (int r = 0; r < labels.length; r++) {
                if (!inTest[r]) {
                    train[t++] = r;
                }
            }
            out.add(new Split(train, test));
        }
        return out;
    }

    /** One stratified hold-out: {@code testFraction} of each class goes to the test rows. */
    public static Split stratifiedHoldOut(float[] labels, double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("testFraction: expected a value in (0, 1), got " + testFraction);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Integer> test = new ArrayList<>();
        for (float c : distinct(labels)) {
            int[] rows = rowsOf(labels, c);
            shuffle(rows, rnd);
            int take = (int) Math.round(rows.length * testFraction);
            for (int i = 0; i < take; i++) {
                test.add(rows[i]);
            }
        }
        int[] t = test.stream().mapToInt(Integer::intValue).sorted().toArray();
        if (t.length == 0 || t.length == labels.length) {
            throw new IllegalArgumentException("testFraction: " + testFraction + " of " + labels.length
                    + " rows leaves one side empty");
        }
        boolean[] inTest = new boolean[labels.length];
        for (int r : t) {
            inTest[r] = true;
        }
        return new Split(java.util.stream.IntStream.range(0, labels.length).filter(r -> !inTest[r]).toArray(), t);
    }

    /**
     * Chronological split of n time-ordered rows: the first {@code round(n trainFraction)} train, the rest test.
     * No row of the test span precedes a training row.
     */
    public static Split chronological(int n, double trainFraction) {
        if (!(trainFraction > 0 && trainFraction < 1)) {
            throw new IllegalArgumentException("trainFraction: expected a value in (0, 1), got " + trainFraction);
        }
        int cut = (int) Math.round(n * trainFraction);
        if (cut == 0 || cut == n) {
            throw new IllegalArgumentException("trainFraction: " + trainFraction + " of " + n + " rows leaves one side"
                    + " empty");
        }
        return new Split(java.util.stream.IntStream.range(0, cut).toArray(),
                java.util.stream.IntStream.range(cut, n).toArray());
    }

    private static float[] distinct(float[] labels) {
        float[] sorted = labels.clone();
        Arrays.sort(sorted);
        int n = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (!Float.isFinite(sorted[i])) {
                throw new IllegalArgumentException("labels: " + sorted[i] + " is not a class");
            }
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                sorted[n++] = sorted[i];
            }
        }
        return Arrays.copyOf(sorted, n);
    }

    private static int[] rowsOf(float[] labels, float c) {
        return java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] == c).toArray();
    }

    private static void shuffle(int[] a, SplittableRandom rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
