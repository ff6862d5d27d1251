package io.quantlane.nn;

import io.quantlane.kernel.FloatKernels;
import io.quantlane.kernel.Kernels;
import io.quantlane.memory.Matrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A trained MLP for inference: immutable, safe to share between any number of threads.
 *
 * <p>All mutable scratch lives in an {@link InferenceContext}, one per thread ({@link #newContext()}, cheap).
 * {@link #predict(InferenceContext, MemorySegment, long, MemorySegment, long)} then allocates nothing.
 *
 * <p>A batched call runs each row through exactly the code of a one-row call, so a row's output is the same,
 * bit for bit, whatever batch it comes in and whichever thread computes it. (Per-row kernels are the fast
 * choice for the small models this layer targets; for bulk scoring of large models, train-time
 * {@link TrainingPass#forward} runs GEMM over the whole batch.)
 *
 * <p>The parameters are a read-only segment: a private copy ({@link Network#toModel()}) or a memory-mapped
 * file ({@link ModelFile#load}). {@link #close()} releases that memory; call it only when no thread is
 * predicting.
 */
public final class Model implements AutoCloseable {

    /**
     * The kernels without the facade's argument checks: every shape on the per-row path was checked when the
     * model was built (layer widths against the parameter block, the context's buffers against the widest
     * layer) or at the top of predict (the caller's x and y), and the checks cost more than the arithmetic
     * of a small layer.
     */
    private static final FloatKernels K = Kernels.implementation();

    private final Mlp spec;
    private final Step[] steps;
    private final Arena arena;
    private final MemorySegment params;
    private final Scaler scaler;
    private final MemorySegment scale;   // 1 / std, so that x' = x * scale + shift (one fma)
    private final MemorySegment shift;   // -mean / std
    private final List<String> featureNames;
    private final Map<String, String> metadata;

    Model(Mlp spec, Arena arena, MemorySegment params, Scaler scaler, List<String> featureNames,
          Map<String, String> metadata) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.steps = Step.plan(spec.layers());
        this.arena = arena;
        if (params.byteSize() != spec.parameterCount() * Float.BYTES) {
            throw new IllegalArgumentException("params: expected " + spec.parameterCount() + " floats for " + spec
                    + ", got " + params.byteSize() / Float.BYTES);
        }
        this.params = params.asReadOnly();
        this.featureNames = List.copyOf(Objects.requireNonNull(featureNames, "featureNames"));
        if (!this.featureNames.isEmpty() && this.featureNames.size() != spec.inputs()) {
            throw new IllegalArgumentException("featureNames: expected " + spec.inputs() + " names (one per input), got "
                    + this.featureNames.size());
        }
        this.metadata = Map.copyOf(new LinkedHashMap<>(Objects.requireNonNull(metadata, "metadata")));
        this.scaler = scaler;
        if (scaler != null) {
            if (scaler.columns() != spec.inputs()) {
                throw new IllegalArgumentException("scaler: expected " + spec.inputs() + " columns, got "
                        + scaler.columns());
            }
            MemorySegment s = arena.allocate((long) spec.inputs() * Float.BYTES, 64);
            MemorySegment t = arena.allocate((long) spec.inputs() * Float.BYTES, 64);
            float[] mean = scaler.mean(), std = scaler.std();
            for (int j = 0; j < mean.length; j++) {
                s.setAtIndex(ValueLayout.JAVA_FLOAT, j, Scaler.scale(std[j]));
                t.setAtIndex(ValueLayout.JAVA_FLOAT, j, Scaler.shift(mean[j], std[j]));
            }
            this.scale = s.asReadOnly();
            this.shift = t.asReadOnly();
        } else {
            this.scale = null;
            this.shift = null;
        }
    }

    /** A model owning a private copy of {@code params}. */
    static Model copyOf(Mlp spec, MemorySegment params, Scaler scaler, List<String> featureNames,
                        Map<String, String> metadata) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment copy = arena.allocate(Math.max(spec.parameterCount() * Float.BYTES, 64), 64)
                    .asSlice(0, spec.parameterCount() * Float.BYTES);
            MemorySegment.copy(params, 0, copy, 0, copy.byteSize());
            return new Model(spec, arena, copy, scaler, featureNames, metadata);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The architecture. */
    public Mlp spec() {
        return spec;
    }

    /** Input width. */
    public int inputs() {
        return spec.inputs();
    }

    /** Output width. */
    public int outputs() {
        return spec.outputs();
    }

    /** The parameter block, read-only, laid out as {@link Network#parameters()}. */
    public MemorySegment parameters() {
        return params;
    }

    /** The input scaler applied before the first layer, or null. */
    public Scaler scaler() {
        return scaler;
    }

    /** Input column names, or an empty list. */
    public List<String> featureNames() {
        return featureNames;
    }

    /** Free-form key/value pairs (training seed, library version, data set...). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** A context for one thread's predictions with this model. */
    public InferenceContext newContext() {
        return new InferenceContext(this);
    }

    /**
     * One sample: x holds {@link #inputs()} raw floats (the model's scaler, if any, is applied here), y receives
     * {@link #outputs()} floats (probabilities when the model ends in sigmoid or softmax). y must not overlap x.
     */
    public void predict(InferenceContext ctx, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        checkContext(ctx);
        Check.matrix("x", x, xOff, 1, spec.inputs(), spec.inputs());
        Check.matrix("y", y, yOff, 1, spec.outputs(), spec.outputs());
        Check.writable("y", y);
        Check.disjoint("y", y, yOff, spec.outputs(), "x", x, xOff, spec.inputs());
        row(ctx, x, xOff, y, yOff);
    }

    /**
     * {@code rows} samples: x is (rows, inputs) with leading dimension ldx, y is (rows, outputs) with ldy; the
     * span of y (first to last element) must not overlap the span of x. Row by row through the one-sample code:
     * the same row gives the same output as
     * {@link #predict(InferenceContext, MemorySegment, long, MemorySegment, long)}.
     */
    public void predict(InferenceContext ctx, int rows, MemorySegment x, long xOff, int ldx,
                        MemorySegment y, long yOff, int ldy) {
        checkContext(ctx);
        Check.matrix("x", x, xOff, rows, spec.inputs(), ldx);
        Check.matrix("y", y, yOff, rows, spec.outputs(), ldy);
        Check.writable("y", y);
        if (rows > 0) {
            Check.disjoint("y", y, yOff, (long) (rows - 1) * ldy + spec.outputs(), "x", x, xOff,
                    (long) (rows - 1) * ldx + spec.inputs());
        }
        for (int r = 0; r < rows; r++) {
            row(ctx, x, xOff + (long) r * ldx, y, yOff + (long) r * ldy);
        }
    }

    /** {@code x.rows()} samples from a (rows, inputs) matrix into a (rows, outputs) one, as the batch call above. */
    public void predict(InferenceContext ctx, Matrix x, Matrix y) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (x.cols() != spec.inputs() || y.cols() != spec.outputs() || y.rows() != x.rows()) {
            throw new IllegalArgumentException("x, y: expected " + x.rows() + " x " + spec.inputs() + " and " + x.rows()
                    + " x " + spec.outputs() + ", got " + x.rows() + " x " + x.cols() + " and " + y.rows() + " x "
                    + y.cols());
        }
        predict(ctx, x.rows(), x.segment(), x.offset(), x.stride(), y.segment(), y.offset(), y.stride());
    }

    /** One sample from and into heap arrays (copied through the context's buffers: no allocation). */
    public void predict(InferenceContext ctx, float[] x, float[] y) {
        checkContext(ctx);
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (x.length != spec.inputs()) {
            throw new IllegalArgumentException("x: expected " + spec.inputs() + " floats, got " + x.length);
        }
        if (y.length != spec.outputs()) {
            throw new IllegalArgumentException("y: expected " + spec.outputs() + " floats, got " + y.length);
        }
        MemorySegment.copy(x, 0, ctx.input, ValueLayout.JAVA_FLOAT, 0, x.length);
        row(ctx, ctx.input, 0, ctx.output, 0);
        MemorySegment.copy(ctx.output, ValueLayout.JAVA_FLOAT, 0, y, 0, y.length);
    }

    /** Calls per warm-up round, and the rounds in a row that must look steady. */
    private static final int WARM_UP_ROUND = 2_000, WARM_UP_STEADY_ROUNDS = 3;

    /**
     * Runs predictions on this thread until every kernel the model uses runs its final compiled code, or until
     * {@code budget} is spent, and says how it went. Call it once after loading, before the model takes traffic:
     * the first predictions of a fresh JVM run interpreted, then in C1 code that boxes vectors (allocation and
     * 10 to 100 times the steady latency), and C2 compiles in the background.
     *
     * <p>It runs rounds of one-row predictions through
     * {@link #predict(InferenceContext, MemorySegment, long, MemorySegment, long)} and
     * {@link #predict(InferenceContext, float[], float[])} (the batched calls run the same per-row code) and
     * stops when {@value #WARM_UP_STEADY_ROUNDS} rounds in a row
     * allocated nothing on this thread, each ran within 15 % of the fastest round so far, and the JVM's total
     * compilation time did not move during them. The model is not changed; the context it uses is its own.
     *
     * @param budget the most wall time to spend; at least one round runs
     * @return the calls, time, final time per call and whether steady state was reached
     */
    public WarmUp warmUp(java.time.Duration budget) {
        Objects.requireNonNull(budget, "budget");
        if (budget.isNegative()) {
            throw new IllegalArgumentException("budget: expected a duration >= 0, got " + budget);
        }
        InferenceContext ctx = newContext();
        float[] x = new float[spec.inputs()], y = new float[spec.outputs()];
        for (int j = 0; j < x.length; j++) {
            x[j] = 0.5f - (j % 3) * 0.25f;   // finite, mixed signs
            ctx.input.setAtIndex(ValueLayout.JAVA_FLOAT, j, x[j]);
        }
        com.sun.management.ThreadMXBean allocation = null;
        java.lang.management.CompilationMXBean compiler = null;
        try {   // java.management and jdk.management are optional modules: without them, time alone decides
            var threads = java.lang.management.ManagementFactory.getThreadMXBean();
            allocation = threads instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported()
                    ? t : null;
            compiler = java.lang.management.ManagementFactory.getCompilationMXBean();
        } catch (LinkageError e) {
            // leave both null
        }
        boolean compileTime = compiler != null && compiler.isCompilationTimeMonitoringSupported();
        long start = System.nanoTime(), deadline = start + Math.min(budget.toNanos(), Long.MAX_VALUE / 4);
        long calls = 0, best = Long.MAX_VALUE, last;
        int steady = 0;
        do {
            long compiledBefore = compileTime ? compiler.getTotalCompilationTime() : 0;
            long allocatedBefore = allocation != null ? allocation.getCurrentThreadAllocatedBytes() : 0;
            long t0 = System.nanoTime();
            for (int i = 0; i < WARM_UP_ROUND; i += 2) {   // both one-row entries: segments and heap arrays
                predict(ctx, ctx.input, 0, ctx.output, 0);
                predict(ctx, x, y);
            }
            last = System.nanoTime() - t0;
            calls += WARM_UP_ROUND;
            boolean quiet = (allocation == null || allocation.getCurrentThreadAllocatedBytes() == allocatedBefore)
                    && (!compileTime || compiler.getTotalCompilationTime() == compiledBefore);
            best = Math.min(best, last);
            steady = quiet && last <= best * 1.15 ? steady + 1 : 0;
        } while (steady < WARM_UP_STEADY_ROUNDS && System.nanoTime() < deadline);
        return new WarmUp(calls, java.time.Duration.ofNanos(System.nanoTime() - start), (double) last / WARM_UP_ROUND,
                steady >= WARM_UP_STEADY_ROUNDS);
    }

    private void checkContext(InferenceContext ctx) {
        Objects.requireNonNull(ctx, "ctx");
        if (ctx.model != this) {
            throw new IllegalArgumentException("ctx: belongs to another model; use this model's newContext()");
        }
    }

    /**
     * The forward pass of one row, step by step (see {@link Step}), steps alternating between the context's
     * two buffers and the last writing y.
     */
    private void row(InferenceContext ctx, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        MemorySegment in = x;
        long inOff = xOff;
        int inputs = spec.inputs();
        if (scaler != null) {
            // x' = x * (1 / std) + (-mean / std)
            MemorySegment.copy(shift, 0, ctx.scaled, 0, (long) inputs * Float.BYTES);
            K.fma(inputs, x, xOff, 1, scale, 0, 1, ctx.scaled, 0, 1);
            in = ctx.scaled;
            inOff = 0;
        }
        Step[] steps = this.steps;
        int last = steps.length - 1;
        for (int i = 0; i <= last; i++) {
            Step st = steps[i];
            MemorySegment out = i == last ? y : ((i & 1) == 0 ? ctx.a : ctx.b);
            long outOff = i == last ? yOff : 0;
            int n = st.outputs;
            switch (st.op) {
                case Step.DENSE, Step.DENSE_RELU -> K.denseRow(st.inputs, n, in, inOff, params, st.weightOffset, n,
                        params, st.biasOffset, st.op == Step.DENSE_RELU, out, outOff);
                case Step.RELU -> K.relu(n, in, inOff, out, outOff);
                case Step.LEAKY_RELU -> K.leakyRelu(n, st.slope, in, inOff, out, outOff);
                case Step.SIGMOID -> K.sigmoid(n, in, inOff, out, outOff);
                case Step.TANH -> K.tanh(n, in, inOff, out, outOff);
                case Step.GELU -> K.gelu(n, in, inOff, out, outOff);
                default -> K.softmax(1, n, in, inOff, n, out, outOff, n);
            }
            in = out;
            inOff = outOff;
        }
    }

    /**
     * One call of the per-row forward pass, decoded from the layers once: a dense layer and a ReLU after it
     * become one DENSE_RELU step. Plain int codes, so the hot loop is a table switch.
     */
    private record Step(int op, int inputs, int outputs, long weightOffset, long biasOffset, float slope) {
        static final int DENSE = 0, DENSE_RELU = 1, RELU = 2, LEAKY_RELU = 3, SIGMOID = 4, TANH = 5, GELU = 6,
                SOFTMAX = 7;

        static Step[] plan(List<Layer> layers) {
            List<Step> steps = new ArrayList<>();
            for (int i = 0; i < layers.size(); i++) {
                switch (layers.get(i)) {
                    case Dense d -> {
                        boolean relu = i + 1 < layers.size() && layers.get(i + 1) instanceof Activation a
                                && a.kind() == Activation.Kind.RELU;
                        steps.add(new Step(relu ? DENSE_RELU : DENSE, d.inputs(), d.outputs(), d.weightOffset(),
                                d.biasOffset(), 0f));
                        i += relu ? 1 : 0;
                    }
                    case Activation a -> steps.add(new Step(switch (a.kind()) {
                        case RELU -> RELU;
                        case LEAKY_RELU -> LEAKY_RELU;
                        case SIGMOID -> SIGMOID;
                        case TANH -> TANH;
                        case GELU -> GELU;
                        case SOFTMAX -> SOFTMAX;
                    }, a.width(), a.width(), 0, 0, a.slope()));
                }
            }
            return steps.toArray(new Step[0]);
        }
    }

    /** Releases the parameter memory (a copy or a file mapping). No thread may be predicting. */
    @Override
    public void close() {
        arena.close();
    }

    @Override
    public String toString() {
        return "Model[" + spec + ", " + spec.trainableParameters() + " parameters"
                + (scaler != null ? ", scaled inputs" : "") + "]";
    }
}
