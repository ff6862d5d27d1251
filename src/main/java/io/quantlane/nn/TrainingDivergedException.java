package io.quantlane.nn;

/**
 * Training met a NaN or an infinity. The message names the epoch, the step, and the first layer whose
 * output, gradient or parameters were not finite. The failing step was not applied: the network keeps the
 * weights from before it.
 */
public final class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int epoch;
    private final long step;
    private final int layer;

    TrainingDivergedException(String message, int epoch, long step, int layer) {
        super(message);
        this.epoch = epoch;
        this.step = step;
        this.layer = layer;
    }

    /** 1-based epoch. */
    public int epoch() {
        return epoch;
    }

    /** 0-based optimizer step (counting over all epochs). */
    public long step() {
        return step;
    }

    /** Index of the first layer found non-finite, or -1 when only the loss was (e.g. a NaN target). */
    public int layer() {
        return layer;
    }
}
