package io.quantlane.nn;

import java.util.List;

/**
 * The outcome of {@link Trainer#fit}.
 *
 * @param history            one entry per epoch run
 * @param bestEpoch          the epoch with the lowest validation loss (the last epoch without validation)
 * @param bestValidationLoss its validation loss, NaN without validation
 * @param stoppedEarly       whether early stopping ended training before the last epoch
 * @param restoredBest       whether the network's weights were reset to those of {@code bestEpoch}
 * @param steps              optimizer steps taken
 */
public record TrainingReport(List<EpochStats> history, int bestEpoch, double bestValidationLoss,
                             boolean stoppedEarly, boolean restoredBest, long steps) {

    public TrainingReport {
        history = List.copyOf(history);
    }

    /** The last epoch's statistics. */
    public EpochStats last() {
        return history.get(history.size() - 1);
    }
}
