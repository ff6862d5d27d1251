package io.quantlane.nn;

import io.quantlane.kernel.Kernels;

import java.lang.foreign.MemorySegment;

/**
 * An element-wise (or, for softmax, row-wise) non-linearity of a fixed width; no parameters.
 *
 * @param index position in the model
 * @param kind  which function
 * @param width inputs = outputs
 * @param slope the negative-side slope for {@link Kind#LEAKY_RELU}, 0 otherwise
 */
public record Activation(int index, Kind kind, int width, float slope) implements Layer {

    /** The functions, each a kernel pair in {@link Kernels}. */
    public enum Kind {
        RELU("relu"), LEAKY_RELU("leakyRelu"), SIGMOID("sigmoid"), TANH("tanh"), GELU("gelu"), SOFTMAX("softmax");

        private final String specName;

        Kind(String specName) {
            this.specName = specName;
        }

        /** The name used in {@link Mlp#toString()}, e.g. {@code leakyRelu}. */
        public String specName() {
            return specName;
        }

        /** Whether He initialisation suits the dense layer before it (the ReLU family). */
        boolean rectifier() {
            return this == RELU || this == LEAKY_RELU || this == GELU;
        }
    }

    @Override
    public int inputs() {
        return width;
    }

    @Override
    public int outputs() {
        return width;
    }

    @Override
    public long parameterCount() {
        return 0;
    }

    @Override
    public void forward(int batch, MemorySegment params, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        int n = Math.multiplyExact(batch, width);
        switch (kind) {
            case RELU -> Kernels.relu(n, x, xOff, y, yOff);
            case LEAKY_RELU -> Kernels.leakyRelu(n, slope, x, xOff, y, yOff);
            case SIGMOID -> Kernels.sigmoid(n, x, xOff, y, yOff);
            case TANH -> Kernels.tanh(n, x, xOff, y, yOff);
            case GELU -> Kernels.gelu(n, x, xOff, y, yOff);
            case SOFTMAX -> Kernels.softmax(batch, width, x, xOff, width, y, yOff, width);
        }
    }

    @Override
    public void backward(int batch, MemorySegment params, MemorySegment grads, MemorySegment x, long xOff,
                         MemorySegment y, long yOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff) {
        if (dx == null) {
            return;   // nothing to learn here, and nobody below wants dx
        }
        int n = Math.multiplyExact(batch, width);
        switch (kind) {
            case RELU -> Kernels.reluBackward(n, x, xOff, dy, dyOff, dx, dxOff);
            case LEAKY_RELU -> Kernels.leakyReluBackward(n, slope, x, xOff, dy, dyOff, dx, dxOff);
            case SIGMOID -> Kernels.sigmoidBackward(n, y, yOff, dy, dyOff, dx, dxOff);
            case TANH -> Kernels.tanhBackward(n, y, yOff, dy, dyOff, dx, dxOff);
            case GELU -> Kernels.geluBackward(n, x, xOff, dy, dyOff, dx, dxOff);
            case SOFTMAX -> {
                // dx_j = y_j (dy_j - sum_k y_k dy_k), row by row: dx = y * dy, then dx -= (y . dy) y
                for (int r = 0; r < batch; r++) {
                    long row = (long) r * width;
                    float s = Kernels.dot(width, y, yOff + row, 1, dy, dyOff + row, 1);
                    Kernels.mul(width, y, yOff + row, 1, dy, dyOff + row, 1, dx, dxOff + row, 1);
                    Kernels.axpy(width, -s, y, yOff + row, 1, dx, dxOff + row, 1);
                }
            }
        }
    }

    @Override
    public String describe() {
        return "layer " + index + " (" + kind.specName + " " + width + ")";
    }
}
