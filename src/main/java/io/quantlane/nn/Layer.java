package io.quantlane.nn;

import java.lang.foreign.MemorySegment;

/**
 * One step of an {@link Mlp}: a forward/backward pair over a batch whose rows are samples.
 *
 * <p>Layers hold no memory. Parameters and gradients live in two blocks owned by a {@link Network} (or a
 * {@link Model}); a layer knows where its slices start. Inputs, outputs and their gradients are row-major with
 * rows packed (leading dimension = width), in any segments the caller passes. So one layer object serves
 * training, inference and every thread at once.
 *
 * <p>Backward <b>accumulates</b> into the parameter gradients ({@code +=}, cleared by
 * {@link Network#zeroGrad()}) and <b>overwrites</b> {@code dx}, the gradient with respect to the input.
 */
public sealed interface Layer permits Dense, Activation {

    /** Position in the model, counting every layer (as PyTorch's {@code nn.Sequential} numbers its modules). */
    int index();

    /** Width of one input row. */
    int inputs();

    /** Width of one output row. */
    int outputs();

    /** Number of trainable parameters (0 for activations). */
    long parameterCount();

    /**
     * x is (batch, inputs), y is (batch, outputs). y must not overlap x.
     *
     * @param params the parameter block this layer's slices index into
     */
    void forward(int batch, MemorySegment params, MemorySegment x, long xOff, MemorySegment y, long yOff);

    /**
     * x is (batch, inputs) and y (batch, outputs) as in the forward pass; dy is (batch, outputs), dL/dy.
     * Adds dL/dparams into {@code grads}; writes dx = dL/dx, (batch, inputs), unless {@code dx} is null (the
     * first layer needs none). dx must not overlap x, y or dy.
     */
    void backward(int batch, MemorySegment params, MemorySegment grads, MemorySegment x, long xOff,
                  MemorySegment y, long yOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff);

    /** Readable description, e.g. {@code "layer 2 (dense 64 -> 32)"}. */
    String describe();
}
