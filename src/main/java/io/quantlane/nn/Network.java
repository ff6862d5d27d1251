package io.quantlane.nn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A trainable MLP: its spec, one off-heap block of parameters and one of gradients, laid out alike.
 *
 * <p>Every dense layer's W and b are slices of {@link #parameters()} at the offsets its {@link Dense} record
 * gives; the gradient of each parameter sits at the same offset in {@link #gradients()}. An optimizer step is
 * therefore one kernel call over the whole block (see {@link Optimizer}).
 *
 * <p>Training goes through {@link Trainer} or, for a hand-written loop, {@link TrainingPass}. For inference take
 * an immutable snapshot with {@link #toModel()}.
 *
 * <p>Not thread-safe. Owns its memory: {@link #close()} frees it, after which any use fails.
 */
public final class Network implements AutoCloseable {

    private final Mlp spec;
    private final Arena arena;
    private final MemorySegment params;
    private final MemorySegment grads;

    private Network(Mlp spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
        if (spec.denseLayers().isEmpty()) {
            throw new IllegalArgumentException("spec: " + spec + " has no dense layer, nothing to train");
        }
        this.arena = Arena.ofShared();
        long bytes = Math.max(spec.parameterCount() * Float.BYTES, 64);
        this.params = arena.allocate(bytes, 64);
        this.grads = arena.allocate(bytes, 64);
    }

    /** A network with {@link Init#AUTO} weights drawn from {@code seed}. */
    public static Network create(Mlp spec, long seed) {
        return create(spec, Init.AUTO, seed);
    }

    /** A network with weights from {@code init} drawn from {@code seed}, zero biases and zero gradients. */
    public static Network create(Mlp spec, Init init, long seed) {
        Network net = new Network(spec);
        Objects.requireNonNull(init, "init").fill(spec, net.params, seed);
        return net;
    }

    /** A network starting from a model's parameters (to fine-tune a loaded model). */
    public static Network from(Model model) {
        Network net = new Network(model.spec());
        MemorySegment.copy(model.parameters(), 0, net.params, 0, model.parameters().byteSize());
        return net;
    }

    /** The architecture. */
    public Mlp spec() {
        return spec;
    }

    /** All parameters, {@link Mlp#parameterCount()} floats in native order; slices per {@link Dense} record. */
    public MemorySegment parameters() {
        return params;
    }

    /** All gradients, laid out as {@link #parameters()}. */
    public MemorySegment gradients() {
        return grads;
    }

    /** Sets every gradient to zero (backward passes accumulate). */
    public void zeroGrad() {
        grads.fill((byte) 0);
    }

    /** W of a dense layer as a new row-major (in, out) array; for tests and inspection, not for hot paths. */
    public float[] weights(Dense layer) {
        return slice(layer.weightOffset(), (long) layer.inputs() * layer.outputs());
    }

    /** b of a dense layer as a new array. */
    public float[] bias(Dense layer) {
        return slice(layer.biasOffset(), layer.outputs());
    }

    private float[] slice(long off, long n) {
        return params.asSlice(off * Float.BYTES, n * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
    }

    /** Copies the parameters into {@code dst} (same spec), e.g. to keep the best weights seen. */
    void copyParametersTo(MemorySegment dst) {
        MemorySegment.copy(params, 0, dst, 0, params.byteSize());
    }

    void copyParametersFrom(MemorySegment src) {
        MemorySegment.copy(src, 0, params, 0, params.byteSize());
    }

    /** An immutable inference model holding a copy of the current parameters and no scaler. */
    public Model toModel() {
        return toModel(null, List.of(), Map.of());
    }

    /**
     * An immutable inference model holding a copy of the current parameters.
     *
     * @param scaler       applied to every input row before the first layer, or null
     * @param featureNames the input columns' names (empty, or {@link Mlp#inputs()} of them)
     * @param metadata     free-form key/value pairs stored in model files (training seed, data set, ...)
     */
    public Model toModel(Scaler scaler, List<String> featureNames, Map<String, String> metadata) {
        return Model.copyOf(spec, params, scaler, featureNames, metadata);
    }

    /** Frees the parameter and gradient memory. */
    @Override
    public void close() {
        arena.close();
    }
}
