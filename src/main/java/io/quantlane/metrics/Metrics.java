package io.quantlane.metrics;

import java.util.Arrays;
import java.util.Objects;

/**
 * Evaluation measures for scores and forecasts, in double precision, over arrays of equal length.
 *
 * <p>Classification: labels are 0 or 1 (1 = the positive class, e.g. a default); scores are any real numbers
 * where higher means "more likely positive" (for {@link #rocAuc} and {@link #ksStatistic}), probabilities in
 * [0, 1] for the others. Regression: predictions and outcomes are real numbers.
 *
 * <p>Every method rejects empty input, arrays of different lengths, labels other than 0 and 1, and
 * non-finite values, naming the argument and the index.
 */
public final class Metrics {

    private Metrics() {
    }

    // ------------------------------------------------------------------ ranking

    /**
     * Area under the ROC curve: the probability that a random positive scores above a random negative,
     * ties counting one half (Mann-Whitney U with average ranks for tied scores). Needs both classes.
     */
    public static double rocAuc(float[] scores, float[] labels) {
        int n = check(scores, labels);
        Integer[] order = byScore(scores);
        double rankSumPositives = 0;
        long positives = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double averageRank = (i + j) / 2.0 + 1;   // ranks i+1 .. j+1 share their mean
            for (int t = i; t <= j; t++) {
                if (labels[order[t]] == 1f) {
                    rankSumPositives += averageRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        requireBothClasses(positives, negatives);
        return (rankSumPositives - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /**
     * Kolmogorov-Smirnov statistic: the largest gap between the score distributions of positives and
     * negatives, {@code max over thresholds |TPR - FPR|}, thresholds between distinct scores (tied scores move
     * together). Needs both classes.
     */
    public static double ksStatistic(float[] scores, float[] labels) {
        int n = check(scores, labels);
        Integer[] order = byScore(scores);
        long positives = 0;
        for (float l : labels) {
            positives += l == 1f ? 1 : 0;
        }
        long negatives = n - positives;
        requireBothClasses(positives, negatives);
        double best = 0;
        long seenPositives = 0, seenNegatives = 0;
        for (int i = n - 1; i >= 0; ) {   // from the highest score down: "positive if score >= s"
            int j = i;
            while (j - 1 >= 0 && scores[order[j - 1]] == scores[order[i]]) {
                j--;
            }
            for (int t = j; t <= i; t++) {
                if (labels[order[t]] == 1f) {
                    seenPositives++;
                } else {
                    seenNegatives++;
                }
            }
            best = Math.max(best, Math.abs((double) seenPositives / positives - (double) seenNegatives / negatives));
            i = j - 1;
        }
        return best;
    }

    // ------------------------------------------------------------------ probabilities

    /**
     * Mean negative log-likelihood, {@code -(1/n) sum [y log p + (1 - y) log(1 - p)]}, with p clipped to
     * [1e-15, 1 - 1e-15] so a confident mistake costs about 34.5 rather than infinity (as scikit-learn).
     */
    public static double logLoss(float[] probabilities, float[] labels) {
        int n = checkProbabilities(probabilities, labels);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double p = Math.min(Math.max(probabilities[i], 1e-15), 1 - 1e-15);
            sum -= labels[i] == 1f ? Math.log(p) : Math.log1p(-p);
        }
        return sum / n;
    }

    /** Brier score, the mean squared difference between probability and outcome: 0 is perfect. */
    public static double brier(float[] probabilities, float[] labels) {
        int n = checkProbabilities(probabilities, labels);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double d = probabilities[i] - labels[i];
            sum += d * d;
        }
        return sum / n;
    }

    /** The decisions "positive when p > threshold" against the labels. */
    public static ConfusionMatrix confusion(float[] probabilities, float[] labels, double threshold) {
        int n = checkProbabilities(probabilities, labels);
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold: expected a value in [0, 1], got " + threshold);
        }
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < n; i++) {
            boolean predicted = probabilities[i] > threshold, actual = labels[i] == 1f;
            if (predicted) {
                tp += actual ? 1 : 0;
                fp += actual ? 0 : 1;
            } else {
                fn += actual ? 1 : 0;
                tn += actual ? 0 : 1;
            }
        }
        return new ConfusionMatrix(tp, fp, tn, fn);
    }

    /** Share decided correctly by "positive when p > threshold". */
    public static double accuracy(float[] probabilities, float[] labels, double threshold) {
        return confusion(probabilities, labels, threshold).accuracy();
    }

    /**
     * Average cost per case of "positive when p > threshold" under a cost matrix with zero cost for correct
     * decisions. The Bayes-optimal threshold for calibrated p is {@code costFalsePositive / (costFalsePositive
     * + costFalseNegative)}: 1/6 for the German credit costs (5 and 1).
     */
    public static double expectedCost(float[] probabilities, float[] labels, double threshold, double costFalseNegative,
                                      double costFalsePositive) {
        if (!(costFalseNegative >= 0) || !(costFalsePositive >= 0)
                || Double.isInfinite(costFalseNegative) || Double.isInfinite(costFalsePositive)) {
            throw new IllegalArgumentException("costs: expected finite numbers >= 0, got " + costFalseNegative + " and "
                    + costFalsePositive);
        }
        return confusion(probabilities, labels, threshold).averageCost(costFalseNegative, costFalsePositive);
    }

    // ------------------------------------------------------------------ regression and direction

    /** Root mean squared error. */
    public static double rmse(float[] predictions, float[] outcomes) {
        int n = checkReal(predictions, outcomes);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double d = (double) predictions[i] - outcomes[i];
            sum += d * d;
        }
        return Math.sqrt(sum / n);
    }

    /** Mean absolute error. */
    public static double mae(float[] predictions, float[] outcomes) {
        int n = checkReal(predictions, outcomes);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.abs((double) predictions[i] - outcomes[i]);
        }
        return sum / n;
    }

    /**
     * Directional hit rate: the share of cases where the forecast and the outcome are both above zero or both
     * not ("up" means strictly positive; a zero forecast or outcome counts as "not up").
     */
    public static double hitRate(float[] predictions, float[] outcomes) {
        int n = checkReal(predictions, outcomes);
        long hits = 0;
        for (int i = 0; i < n; i++) {
            hits += (predictions[i] > 0) == (outcomes[i] > 0) ? 1 : 0;
        }
        return (double) hits / n;
    }

    // ------------------------------------------------------------------ checks

    private static Integer[] byScore(float[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(scores[a], scores[b]));
        return order;
    }

    private static void requireBothClasses(long positives, long negatives) {
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("labels: expected both classes, got " + positives + " positives and "
                    + negatives + " negatives");
        }
    }

    private static int checkReal(float[] a, float[] b) {
        int n = sameLength(a, "predictions", b, "outcomes");
        finite(a, "predictions");
        finite(b, "outcomes");
        return n;
    }

    private static int check(float[] scores, float[] labels) {
        int n = sameLength(scores, "scores", labels, "labels");
        finite(scores, "scores");
        binary(labels);
        return n;
    }

    private static int checkProbabilities(float[] p, float[] labels) {
        int n = sameLength(p, "probabilities", labels, "labels");
        for (int i = 0; i < n; i++) {
            if (!(p[i] >= 0f && p[i] <= 1f)) {
                throw new IllegalArgumentException("probabilities: index " + i + " is " + p[i] + ", expected [0, 1]");
            }
        }
        binary(labels);
        return n;
    }

    private static int sameLength(float[] a, String aName, float[] b, String bName) {
        Objects.requireNonNull(a, aName);
        Objects.requireNonNull(b, bName);
        if (a.length != b.length) {
            throw new IllegalArgumentException(bName + ": expected " + a.length + " values (as " + aName + "), got "
                    + b.length);
        }
        if (a.length == 0) {
            throw new IllegalArgumentException(aName + ": expected at least one value");
        }
        return a.length;
    }

    private static void finite(float[] a, String name) {
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                throw new IllegalArgumentException(name + ": index " + i + " is " + a[i]);
            }
        }
    }

    private static void binary(float[] labels) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] != 0f && labels[i] != 1f) {
                throw new IllegalArgumentException("labels: index " + i + " is " + labels[i] + ", expected 0 or 1");
            }
        }
    }
}
