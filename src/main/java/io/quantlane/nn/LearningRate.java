package io.quantlane.nn;

/**
 * A learning-rate schedule: the rate for optimizer step {@code step}, counted from 0.
 *
 * <pre>{@code
 * LearningRate.cosine(1e-3f, 10_000, 1e-5f).withWarmup(500)
 * }</pre>
 */
@FunctionalInterface
public interface LearningRate {

    /** The rate for step {@code step} (0-based). */
    float at(long step);

    /** The same rate at every step. */
    static LearningRate constant(float lr) {
        requireRate("lr", lr);
        return step -> lr;
    }

    /** {@code lr * gamma^(step / every)}: multiplied by gamma every {@code every} steps (as {@code StepLR}). */
    static LearningRate step(float lr, long every, float gamma) {
        requireRate("lr", lr);
        if (every <= 0) {
            throw new IllegalArgumentException("every: expected > 0, got " + every);
        }
        if (!(gamma > 0f) || !(gamma <= 1f)) {
            throw new IllegalArgumentException("gamma: expected 0 < gamma <= 1, got " + gamma);
        }
        return step -> (float) (lr * Math.pow(gamma, (double) (step / every)));
    }

    /**
     * Cosine annealing from {@code lr} to {@code minLr} over {@code total} steps, then {@code minLr}
     * (as {@code CosineAnnealingLR}): {@code minLr + (lr - minLr) (1 + cos(pi step / total)) / 2}.
     */
    static LearningRate cosine(float lr, long total, float minLr) {
        requireRate("lr", lr);
        if (total <= 0) {
            throw new IllegalArgumentException("total: expected > 0, got " + total);
        }
        if (!(minLr >= 0f) || !(minLr <= lr)) {
            throw new IllegalArgumentException("minLr: expected 0 <= minLr <= lr = " + lr + ", got " + minLr);
        }
        return step -> step >= total ? minLr
                : (float) (minLr + (lr - minLr) * 0.5 * (1 + Math.cos(Math.PI * step / total)));
    }

    /**
     * Linear warm-up: {@code at(0) * (step + 1) / steps} for the first {@code steps} steps, then this schedule
     * from its own step 0.
     */
    default LearningRate withWarmup(long steps) {
        if (steps <= 0) {
            throw new IllegalArgumentException("steps: expected > 0, got " + steps);
        }
        LearningRate after = this;
        return step -> step < steps ? after.at(0) * (float) (step + 1) / steps : after.at(step - steps);
    }

    private static void requireRate(String name, float lr) {
        if (!(lr > 0f) || !Float.isFinite(lr)) {
            throw new IllegalArgumentException(name + ": expected a finite number > 0, got " + lr);
        }
    }
}
