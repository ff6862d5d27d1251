package io.quantlane.nn;

import io.quantlane.kernel.Kernels;

import java.lang.foreign.MemorySegment;

/**
 * A training objective and its gradient, each one fused kernel. Outputs, targets and gradients are
 * (rows, cols) with rows packed; the loss is a mean (over all elements for the element-wise losses, over rows
 * for softmax cross-entropy), as PyTorch's default {@code reduction="mean"}.
 *
 * <p>Binary and softmax cross-entropy take <em>logits</em>. When the network ends in the matching
 * {@link Mlp#sigmoid()} or {@link Mlp#softmax()}, {@link Trainer} stops the forward pass before it and hands the
 * logits to the loss ({@link #fusedHead()}), which is exact and cannot overflow; inference still runs the
 * final activation and returns probabilities.
 */
public interface Loss {

    /** Writes dL/doutput into grad (which may be exactly the outputs) and returns L. */
    float lossAndGradient(int rows, int cols, MemorySegment out, long outOff, MemorySegment target, long targetOff,
                          MemorySegment grad, long gradOff);

    /** The final activation this loss absorbs, or null. */
    default Activation.Kind fusedHead() {
        return null;
    }

    /** A short name for reports, e.g. {@code "mse"}. */
    String name();

    /** Mean squared error (as {@code torch.nn.MSELoss}). */
    static Loss mse() {
        return new FusedLoss("mse", null, (rows, cols, out, outOff, target, targetOff, grad, gradOff) ->
                Kernels.mseLoss(Math.multiplyExact(rows, cols), out, outOff, target, targetOff, grad, gradOff));
    }

    /** Huber loss with threshold {@code delta} (as {@code torch.nn.HuberLoss}). */
    static Loss huber(float delta) {
        if (!(delta > 0f) || !Float.isFinite(delta)) {
            throw new IllegalArgumentException("delta: expected a finite number > 0, got " + delta);
        }
        return new FusedLoss("huber(" + delta + ")", null,
                (rows, cols, out, outOff, target, targetOff, grad, gradOff) -> Kernels.huberLoss(
                        Math.multiplyExact(rows, cols), delta, out, outOff, target, targetOff, grad, gradOff));
    }

    /** Binary cross-entropy on logits, targets in [0, 1] (as {@code torch.nn.BCEWithLogitsLoss}). */
    static Loss binaryCrossEntropy() {
        return binaryCrossEntropy(1f);
    }

    /**
     * Binary cross-entropy on logits with the positive class weighted by {@code posWeight} (as
     * {@code BCEWithLogitsLoss(pos_weight=...)}): set it to negatives / positives to balance rare defaults.
     */
    static Loss binaryCrossEntropy(float posWeight) {
        if (!(posWeight > 0f) || !Float.isFinite(posWeight)) {
            throw new IllegalArgumentException("posWeight: expected a finite number > 0, got " + posWeight);
        }
        return new FusedLoss(posWeight == 1f ? "bce" : "bce(posWeight " + posWeight + ")", Activation.Kind.SIGMOID,
                (rows, cols, out, outOff, target, targetOff, grad, gradOff) -> Kernels.bceWithLogitsLoss(
                        Math.multiplyExact(rows, cols), out, outOff, target, targetOff, posWeight, grad, gradOff));
    }

    /** Softmax cross-entropy on logits; targets are class distributions, one-hot or smoothed. */
    static Loss softmaxCrossEntropy() {
        return new FusedLoss("softmaxCrossEntropy", Activation.Kind.SOFTMAX,
                (rows, cols, out, outOff, target, targetOff, grad, gradOff) -> Kernels.softmaxCrossEntropyLoss(
                        rows, cols, out, outOff, cols, target, targetOff, cols, grad, gradOff, cols));
    }
}
