package io.quantlane.nn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Objects;

/**
 * The forward and backward passes of one {@link Network} over batches of up to {@code maxBatch} rows, with
 * the buffers they need allocated once: every layer's output (the backward pass reads them) and two
 * ping-pong buffers for the gradients flowing down.
 *
 * <pre>{@code
 * pass.forward(batch, x, xOff);                    // x is (batch, inputs)
 * float loss = lossFn.lossAndGradient(...pass.buffer(), pass.outputOffset()..., dOut, 0);
 * net.zeroGrad();
 * pass.backward(dOut, 0);                          // dOut is (batch, outputs): dL/doutput; grads accumulate
 * }</pre>
 *
 * <p>The input is read in place and must stay unchanged until {@link #backward} returns. Not thread-safe.
 */
public final class TrainingPass {

    private final Network net;
    private final int maxBatch;
    private final MemorySegment buffer;
    private final long[] outputOffsets;
    private final MemorySegment gradA;
    private final MemorySegment gradB;

    private MemorySegment x;
    private long xOff;
    private int batch;
    private int layersRun;

    public TrainingPass(Network net, int maxBatch) {
        this.net = Objects.requireNonNull(net, "net");
        if (maxBatch <= 0) {
            throw new IllegalArgumentException("maxBatch: expected > 0, got " + maxBatch);
        }
        this.maxBatch = maxBatch;
        List<Layer> layers = net.spec().layers();
        outputOffsets = new long[layers.size()];
        long floats = 0;
        for (int i = 0; i < layers.size(); i++) {
            outputOffsets[i] = floats;
            floats += roundUp((long) maxBatch * layers.get(i).outputs());
        }
        Arena arena = Arena.ofAuto();   // freed with the pass
        buffer = arena.allocate(Math.max(floats, 16) * Float.BYTES, 64);
        long gradFloats = (long) maxBatch * net.spec().maxWidth();
        gradA = arena.allocate(Math.max(gradFloats, 16) * Float.BYTES, 64);
        gradB = arena.allocate(Math.max(gradFloats, 16) * Float.BYTES, 64);
    }

    private static long roundUp(long floats) {
        return (floats + Mlp.SLICE_ALIGN - 1) / Mlp.SLICE_ALIGN * Mlp.SLICE_ALIGN;
    }

    /** The network this pass trains. */
    public Network net() {
        return net;
    }

    /** Largest batch this pass accepts. */
    public int maxBatch() {
        return maxBatch;
    }

    /** Runs every layer. x is (batch, inputs), rows packed. */
    public void forward(int batch, MemorySegment x, long xOff) {
        forward(batch, x, xOff, net.spec().layers().size());
    }

    /**
     * Runs the first {@code layers} layers (a loss that fuses the final sigmoid or softmax stops one short).
     * x is (batch, inputs), rows packed.
     */
    public void forward(int batch, MemorySegment x, long xOff, int layers) {
        if (batch <= 0 || batch > maxBatch) {
            throw new IllegalArgumentException("batch: expected 1.." + maxBatch + ", got " + batch);
        }
        List<Layer> all = net.spec().layers();
        if (layers < 1 || layers > all.size()) {
            throw new IllegalArgumentException("layers: expected 1.." + all.size() + ", got " + layers);
        }
        this.x = Objects.requireNonNull(x, "x");
        this.xOff = xOff;
        this.batch = batch;
        this.layersRun = layers;
        MemorySegment params = net.parameters();
        MemorySegment in = x;
        long inOff = xOff;
        for (int i = 0; i < layers; i++) {
            all.get(i).forward(batch, params, in, inOff, buffer, outputOffsets[i]);
            in = buffer;
            inOff = outputOffsets[i];
        }
    }

    /** The segment holding every layer's output. */
    public MemorySegment buffer() {
        return buffer;
    }

    /** Float offset in {@link #buffer()} of layer {@code layer}'s output, (batch, outputs) rows packed. */
    public long outputOffset(int layer) {
        return outputOffsets[layer];
    }

    /** Float offset of the last layer the latest forward pass ran. */
    public long outputOffset() {
        return outputOffsets[layersRun - 1];
    }

    /** Width of the last layer the latest forward pass ran. */
    public int outputWidth() {
        return net.spec().layers().get(layersRun - 1).outputs();
    }

    /** Rows in the latest forward pass. */
    public int batch() {
        return batch;
    }

    /** Layers the latest forward pass ran. */
    public int layersRun() {
        return layersRun;
    }

    /**
     * Back-propagates {@code dOut} = dL/d(output of the last layer run), (batch, width) rows packed, through
     * the layers of the latest forward pass; adds every parameter's gradient into {@link Network#gradients()}.
     */
    public void backward(MemorySegment dOut, long dOutOff) {
        if (layersRun == 0) {
            throw new IllegalStateException("backward: call forward first");
        }
        List<Layer> all = net.spec().layers();
        MemorySegment params = net.parameters();
        MemorySegment grads = net.gradients();
        MemorySegment dy = dOut;
        long dyOff = dOutOff;
        for (int i = layersRun - 1; i >= 0; i--) {
            Layer layer = all.get(i);
            MemorySegment in = i == 0 ? x : buffer;
            long inOff = i == 0 ? xOff : outputOffsets[i - 1];
            MemorySegment dx = i == 0 ? null : (dy == gradA ? gradB : gradA);
            layer.backward(batch, params, grads, in, inOff, buffer, outputOffsets[i], dy, dyOff, dx, 0);
            dy = dx;
            dyOff = 0;
        }
    }
}
