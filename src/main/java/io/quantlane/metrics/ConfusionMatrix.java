package io.quantlane.metrics;

/**
 * Counts of a binary decision against the truth, "positive" being the class of interest (a default, say).
 *
 * @param truePositives  positives predicted positive
 * @param falsePositives negatives predicted positive
 * @param trueNegatives  negatives predicted negative
 * @param falseNegatives positives predicted negative
 */
public record ConfusionMatrix(long truePositives, long falsePositives, long trueNegatives, long falseNegatives) {

    /** All cases. */
    public long total() {
        return truePositives + falsePositives + trueNegatives + falseNegatives;
    }

    /** Share of cases decided correctly; NaN for no cases. */
    public double accuracy() {
        return (double) (truePositives + trueNegatives) / total();
    }

    /** Recall of the positive class, TP / (TP + FN); NaN without positives. */
    public double truePositiveRate() {
        return (double) truePositives / (truePositives + falseNegatives);
    }

    /** FP / (FP + TN); NaN without negatives. */
    public double falsePositiveRate() {
        return (double) falsePositives / (falsePositives + trueNegatives);
    }

    /** TP / (TP + FP); NaN when nothing is predicted positive. */
    public double precision() {
        return (double) truePositives / (truePositives + falsePositives);
    }

    /**
     * Average cost per case: {@code (costFalseNegative FN + costFalsePositive FP) / total}. For the German
     * credit data with "bad" as positive: a bad customer accepted costs 5, a good one refused costs 1.
     */
    public double averageCost(double costFalseNegative, double costFalsePositive) {
        return (costFalseNegative * falseNegatives + costFalsePositive * falsePositives) / total();
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "            predicted +  predicted -%n"
                        + "actual +  %11d  %11d%nactual -  %11d  %11d", truePositives, falseNegatives, falsePositives,
                trueNegatives);
    }
}
