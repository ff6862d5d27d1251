package io.quantlane.nn;

import io.quantlane.kernel.Kernels;

import java.lang.foreign.MemorySegment;

/**
 * A fully connected layer, {@code y = x W + b}.
 *
 * <p>Shapes: x is (batch, in), W is (in, out) row-major, b is (out), y is (batch, out). W is stored
 * input-major so that one sample's forward pass is a broadcast-FMA sweep over W's rows (no horizontal sums).
 * PyTorch's {@code nn.Linear} stores the transpose, (out, in); {@link Safetensors} converts on the way in and out.
 *
 * @param index         position in the model
 * @param inputs        in
 * @param outputs       out
 * @param weightOffset  float offset of W in the parameter (and gradient) block
 * @param biasOffset    float offset of b
 */
public record Dense(int index, int inputs, int outputs, long weightOffset, long biasOffset) implements Layer {

    @Override
    public long parameterCount() {
        return (long) inputs * outputs + outputs;
    }

    @Override
    public void forward(int batch, MemorySegment params, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        // y = x W          (batch, in) x (in, out)
        Kernels.sgemm(false, false, batch, outputs, inputs, 1f, x, xOff, inputs, params, weightOffset, outputs,
                0f, y, yOff, outputs);
        // y += b           broadcast over rows
        Kernels.addBias(batch, outputs, y, yOff, outputs, params, biasOffset);
    }

    @Override
    public void backward(int batch, MemorySegment params, MemorySegment grads, MemorySegment x, long xOff,
                         MemorySegment y, long yOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff) {
        // dW += x^T dy     (in, batch) x (batch, out)
        Kernels.sgemm(true, false, inputs, outputs, batch, 1f, x, xOff, inputs, dy, dyOff, outputs,
                1f, grads, weightOffset, outputs);
        // db += column sums of dy
        Kernels.colSums(batch, outputs, dy, dyOff, outputs, 1f, grads, biasOffset);
        if (dx != null) {
            // dx = dy W^T  (batch, out) x (out, in)
            Kernels.sgemm(false, true, batch, inputs, outputs, 1f, dy, dyOff, outputs, params, weightOffset,
                    outputs, 0f, dx, dxOff, inputs);
        }
    }

    @Override
    public String describe() {
        return "layer " + index + " (dense " + inputs + " -> " + outputs + ")";
    }
}
