package io.quantlane.nn;

import java.util.Locale;

/**
 * What one epoch did, passed to the {@link Trainer}'s listener.
 *
 * @param epoch            1-based
 * @param trainLoss        mean training loss over the epoch's batches, weighted by batch size
 * @param validationLoss   loss on the validation rows after the epoch, NaN without validation
 * @param metric           the builder's metric on the validation rows, NaN without one
 * @param learningRate     the rate of the epoch's last step
 * @param seconds          wall time of the epoch, validation included
 * @param samplesPerSecond training rows per second
 */
public record EpochStats(int epoch, double trainLoss, double validationLoss, double metric, float learningRate,
                         double seconds, double samplesPerSecond) {

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "epoch %d: train loss %.6f, validation loss %.6f%s, lr %.3g, "
                        + "%.3f s, %.0f samples/s", epoch, trainLoss, validationLoss,
                Double.isNaN(metric) ? "" : String.format(Locale.ROOT, ", metric %.4f", metric),
                learningRate, seconds, samplesPerSecond);
    }
}
