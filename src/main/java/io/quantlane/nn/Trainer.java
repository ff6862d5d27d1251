package io.quantlane.nn;

import io.quantlane.kernel.Kernels;
import io.quantlane.memory.Matrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.ToDoubleBiFunction;

/**
 * Mini-batch training: seeded shuffling, epochs, a validation split, early stopping that restores the best
 * weights, a per-epoch listener, gradient clipping, and NaN/Inf detection.
 *
 * <pre>{@code
 * Trainer trainer = Trainer.builder()
 *         .loss(Loss.binaryCrossEntropy())
 *         .optimizer(Optimizer.adam(1e-3f))
 *         .epochs(100).batchSize(32).seed(7)
 *         .validationFraction(0.2).patience(10)
 *         .listener(stats -> System.err.println(stats))
 *         .build();
 * TrainingReport report = trainer.fit(network, x, y);     // x is (rows, inputs), y is (rows, outputs)
 * }</pre>
 *
 * <p>Each step: gather a batch, zero the gradients, forward, loss and its gradient, backward, check the loss
 * and the gradient norm are finite, clip the norm if asked, one optimizer step over the whole block.
 *
 * <p><b>Reproducibility.</b> The same seed, data, settings, kernel path and vector width, on one thread, give
 * bit-identical weights on every run: shuffling and the validation split come from {@link SplittableRandom}
 * seeded by {@code seed}, and every kernel sums in a fixed order. Another vector width or the scalar path
 * changes the rounding, so the weights differ in the last bits.
 *
 * <p>A trainer is immutable and may be reused; {@link #fit} is not meant to run twice at once on one network.
 */
public final class Trainer {

    private final Loss loss;
    private final Optimizer optimizer;
    private final int epochs;
    private final int batchSize;
    private final long seed;
    private final double validationFraction;
    private final int patience;
    private final float clipNorm;
    private final Consumer<EpochStats> listener;
    private final String metricName;
    private final ToDoubleBiFunction<Matrix, Matrix> metric;

    private Trainer(Builder b) {
        this.loss = Objects.requireNonNull(b.loss, "loss: call loss(...) on the builder");
        this.optimizer = Objects.requireNonNull(b.optimizer, "optimizer: call optimizer(...) on the builder");
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        this.validationFraction = b.validationFraction;
        this.patience = b.patience;
        this.clipNorm = b.clipNorm;
        this.listener = b.listener;
        this.metricName = b.metricName;
        this.metric = b.metric;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Trains on (x, y), holding out {@code validationFraction} of the rows (a seeded random choice) for
     * validation when it is above 0.
     */
    public TrainingReport fit(Network net, Matrix x, Matrix y) {
        checkData(net, x, y, "x", "y");
        int rows = x.rows();
        int[] order = identity(rows);
        int nVal = (int) Math.round(rows * validationFraction);
        if (validationFraction > 0 && (nVal == 0 || nVal == rows)) {
            throw new IllegalArgumentException("validationFraction: " + validationFraction + " of " + rows
                    + " rows leaves " + nVal + " for validation and " + (rows - nVal) + " for training; need both > 0");
        }
        shuffle(order, new SplittableRandom(seed ^ 0x5DEECE66DL));
        int[] train = Arrays.copyOfRange(order, nVal, rows);
        int[] val = Arrays.copyOfRange(order, 0, nVal);
        Arrays.sort(train);   // the epoch shuffle does the mixing; sorted keeps it independent of the split
        Arrays.sort(val);
        return run(net, x, y, train, x, y, val);
    }

    /** Trains on (x, y) and validates on (xVal, yVal), e.g. a chronological hold-out. */
    public TrainingReport fit(Network net, Matrix x, Matrix y, Matrix xVal, Matrix yVal) {
        checkData(net, x, y, "x", "y");
        checkData(net, xVal, yVal, "xVal", "yVal");
        if (xVal.rows() == 0) {
            throw new IllegalArgumentException("xVal: expected at least one validation row");
        }
        return run(net, x, y, identity(x.rows()), xVal, yVal, identity(xVal.rows()));
    }

    private TrainingReport run(Network net, Matrix x, Matrix y, int[] train, Matrix xv, Matrix yv, int[] val) {
        if (train.length == 0) {
            throw new IllegalArgumentException("x: expected at least one training row");
        }
        if (patience > 0 && val.length == 0) {
            throw new IllegalStateException("patience: early stopping needs validation rows; set validationFraction"
                    + " or pass a validation set");
        }
        Mlp spec = net.spec();
        List<Layer> layers = spec.layers();
        Layer lastLayer = layers.get(layers.size() - 1);
        boolean fused = loss.fusedHead() != null && lastLayer instanceof Activation a && a.kind() == loss.fusedHead();
        int trainLayers = fused ? layers.size() - 1 : layers.size();
        int in = spec.inputs(), out = spec.outputs();
        int batchRows = Math.min(batchSize, Math.max(train.length, val.length));
        TrainingPass pass = new TrainingPass(net, batchRows);
        Arena arena = Arena.ofAuto();
        MemorySegment bx = arena.allocate((long) batchRows * in * Float.BYTES, 64);
        MemorySegment by = arena.allocate((long) batchRows * out * Float.BYTES, 64);
        MemorySegment dOut = arena.allocate((long) batchRows * out * Float.BYTES, 64);
        MemorySegment best = val.length > 0 ? arena.allocate(Math.max(net.parameters().byteSize(), 64), 64) : null;
        Matrix valPred = metric != null && val.length > 0 ? Matrix.allocate(arena, val.length, out) : null;
        Matrix valTarget = valPred != null ? gatherAll(arena, yv, val) : null;
        Optimizer.State state = optimizer.start(net);
        int n = Math.toIntExact(spec.parameterCount());
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] order = train.clone();

        List<EpochStats> history = new ArrayList<>();
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch = 0, sinceBest = 0;
        boolean stoppedEarly = false;
        float lr = 0f;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long start = System.nanoTime();
            shuffle(order, rnd);
            double lossSum = 0;
            for (int from = 0; from < order.length; from += batchRows) {
                int b = Math.min(batchRows, order.length - from);
                gather(x, order, from, b, bx);
                gather(y, order, from, b, by);
                net.zeroGrad();
                pass.forward(b, bx, 0, trainLayers);
                float l = loss.lossAndGradient(b, out, pass.buffer(), pass.outputOffset(), by, 0, dOut, 0);
                if (!Float.isFinite(l)) {
                    throw diverged(net, pass, "the loss is " + l, epoch, state.steps(), bx, b, by);
                }
                pass.backward(dOut, 0);
                float normSq = Kernels.dot(n, net.gradients(), 0, 1, net.gradients(), 0, 1);
                if (!Float.isFinite(normSq)) {
                    throw diverged(net, pass, "the gradient norm is " + (float) Math.sqrt(normSq), epoch,
                            state.steps(), bx, b, by);
                }
                if (clipNorm > 0f && normSq > clipNorm * clipNorm) {
                    Kernels.scal(n, clipNorm / (float) Math.sqrt(normSq), net.gradients(), 0, 1);
                }
                lr = state.nextRate();
                state.step();
                lossSum += (double) l * b;
            }
            double trainLoss = lossSum / order.length;
            double valLoss = Double.NaN, metricValue = Double.NaN;
            if (val.length > 0) {
                valLoss = evaluate(pass, xv, yv, val, bx, by, dOut, trainLayers, valPred);
                if (!Double.isFinite(valLoss)) {
                    throw new TrainingDivergedException("training diverged at epoch " + epoch + ": the validation loss"
                            + " is " + valLoss + " although training stayed finite; check the validation data",
                            epoch, state.steps(), -1);
                }
                if (valPred != null) {
                    metricValue = metric.applyAsDouble(valPred, valTarget);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            EpochStats stats = new EpochStats(epoch, trainLoss, valLoss, metricValue, lr, seconds,
                    order.length / seconds);
            history.add(stats);
            if (listener != null) {
                listener.accept(stats);
            }
            if (val.length > 0) {
                if (valLoss < bestLoss) {
                    bestLoss = valLoss;
                    bestEpoch = epoch;
                    sinceBest = 0;
                    net.copyParametersTo(best);
                } else if (patience > 0 && ++sinceBest >= patience) {
                    stoppedEarly = epoch < epochs;
                    break;
                }
            } else {
                bestEpoch = epoch;
            }
        }
        boolean restore = patience > 0 && bestEpoch != history.size();
        if (restore) {
            net.copyParametersFrom(best);
        }
        return new TrainingReport(history, bestEpoch, val.length > 0 ? bestLoss : Double.NaN, stoppedEarly,
                restore, state.steps());
    }

    /** Mean loss over the validation rows (weights unchanged), filling valPred with full outputs if asked. */
    private double evaluate(TrainingPass pass, Matrix xv, Matrix yv, int[] val, MemorySegment bx, MemorySegment by,
                            MemorySegment scratch, int trainLayers, Matrix valPred) {
        int out = yv.cols();
        int all = pass.net().spec().layers().size();
        double sum = 0;
        for (int from = 0; from < val.length; from += pass.maxBatch()) {
            int b = Math.min(pass.maxBatch(), val.length - from);
            gather(xv, val, from, b, bx);
            gather(yv, val, from, b, by);
            pass.forward(b, bx, 0, valPred != null ? all : trainLayers);
            float l = loss.lossAndGradient(b, out, pass.buffer(), pass.outputOffset(trainLayers - 1), by, 0,
                    scratch, 0);
            sum += (double) l * b;
            if (valPred != null) {
                for (int r = 0; r < b; r++) {
                    MemorySegment.copy(pass.buffer(), (pass.outputOffset() + (long) r * out) * Float.BYTES,
                            valPred.segment(), (valPred.offset() + (long) (from + r) * valPred.stride()) * Float.BYTES,
                            (long) out * Float.BYTES);
                }
            }
        }
        return sum / val.length;
    }

    /** Finds the first non-finite place (input, a layer's output, a gradient slice) for the report. */
    private TrainingDivergedException diverged(Network net, TrainingPass pass, String what, int epoch, long step,
                                               MemorySegment bx, int b, MemorySegment by) {
        Mlp spec = net.spec();
        String where = null;
        int layer = -1;
        for (int i = 0; i < pass.layersRun() && where == null; i++) {
            Layer l = spec.layers().get(i);
            if (!finite(pass.buffer(), pass.outputOffset(i), (long) b * l.outputs())) {
                where = "first non-finite value: the output of " + l.describe();
                layer = i;
            }
        }
        for (Dense d : spec.denseLayers()) {
            if (where != null) {
                break;
            }
            if (!finite(net.parameters(), d.weightOffset(), (long) d.inputs() * d.outputs())
                    || !finite(net.parameters(), d.biasOffset(), d.outputs())) {
                where = "first non-finite value: the parameters of " + d.describe();
                layer = d.index();
            } else if (!finite(net.gradients(), d.weightOffset(), (long) d.inputs() * d.outputs())
                    || !finite(net.gradients(), d.biasOffset(), d.outputs())) {
                where = "first non-finite value: the gradient of " + d.describe();
                layer = d.index();
            }
        }
        if (where == null) {
            where = finite(by, 0, (long) b * spec.outputs()) ? "every output, parameter and gradient is finite: "
                    + "the loss overflowed" : "a target in this batch is not finite";
        }
        return new TrainingDivergedException("training diverged at epoch " + epoch + ", step " + step + ": " + what
                + "; " + where + ". The step was not applied; a lower learning rate (next " + optimizer.schedule()
                .at(step) + ") or gradient clipping may help", epoch, step, layer);
    }

    private static boolean finite(MemorySegment s, long off, long n) {
        for (long i = 0; i < n; i++) {
            if (!Float.isFinite(s.getAtIndex(ValueLayout.JAVA_FLOAT, off + i))) {
                return false;
            }
        }
        return true;
    }

    private static void gather(Matrix m, int[] rows, int from, int count, MemorySegment dst) {
        long rowBytes = (long) m.cols() * Float.BYTES;
        for (int r = 0; r < count; r++) {
            MemorySegment.copy(m.segment(), (m.offset() + (long) rows[from + r] * m.stride()) * Float.BYTES,
                    dst, r * rowBytes, rowBytes);
        }
    }

    private static Matrix gatherAll(Arena arena, Matrix m, int[] rows) {
        Matrix out = Matrix.allocate(arena, rows.length, m.cols());
        gather(m, rows, 0, rows.length, out.segment());
        return out;
    }

    private static void checkData(Network net, Matrix x, Matrix y, String xName, String yName) {
        Objects.requireNonNull(net, "net");
        Objects.requireNonNull(x, xName);
        Objects.requireNonNull(y, yName);
        Mlp spec = net.spec();
        if (x.cols() != spec.inputs()) {
            throw new IllegalArgumentException(xName + ": expected " + spec.inputs() + " columns (the network's inputs),"
                    + " got " + x.cols());
        }
        if (y.cols() != spec.outputs()) {
            throw new IllegalArgumentException(yName + ": expected " + spec.outputs() + " columns (the network's "
                    + "outputs), got " + y.cols());
        }
        if (x.rows() != y.rows()) {
            throw new IllegalArgumentException(yName + ": expected " + x.rows() + " rows (as " + xName + "), got "
                    + y.rows());
        }
        requireFinite(x, xName);
        requireFinite(y, yName);
    }

    private static void requireFinite(Matrix m, String name) {
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < m.cols(); j++) {
                float v = m.get(i, j);
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException(name + ": row " + i + ", column " + j + " is " + v
                            + "; training needs finite data (impute or drop missing values first)");
                }
            }
        }
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /** Fisher-Yates. */
    private static void shuffle(int[] a, SplittableRandom rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Settings for a {@link Trainer}; loss and optimizer are required. */
    public static final class Builder {
        private Loss loss;
        private Optimizer optimizer;
        private int epochs = 10;
        private int batchSize = 32;
        private long seed = 1;
        private double validationFraction;
        private int patience;
        private float clipNorm;
        private Consumer<EpochStats> listener;
        private String metricName;
        private ToDoubleBiFunction<Matrix, Matrix> metric;

        private Builder() {
        }

        public Builder loss(Loss loss) {
            this.loss = Objects.requireNonNull(loss, "loss");
            return this;
        }

        public Builder optimizer(Optimizer optimizer) {
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
            return this;
        }

        /** Passes over the training rows (default 10). */
        public Builder epochs(int epochs) {
            if (epochs <= 0) {
                throw new IllegalArgumentException("epochs: expected > 0, got " + epochs);
            }
            this.epochs = epochs;
            return this;
        }

        /** Rows per step (default 32); the last batch of an epoch may be smaller. */
        public Builder batchSize(int batchSize) {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batchSize: expected > 0, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Seeds the shuffling and the validation split (default 1). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Share of rows held out for validation by {@link #fit(Network, Matrix, Matrix)}, in [0, 1). */
        public Builder validationFraction(double fraction) {
            if (!(fraction >= 0 && fraction < 1)) {
                throw new IllegalArgumentException("fraction: expected 0 <= fraction < 1, got " + fraction);
            }
            this.validationFraction = fraction;
            return this;
        }

        /**
         * Early stopping: stop after {@code epochs} epochs without a lower validation loss, and restore the
         * weights of the best epoch. 0 (the default) trains every epoch and keeps the last weights.
         */
        public Builder patience(int epochs) {
            if (epochs < 0) {
                throw new IllegalArgumentException("epochs: expected >= 0, got " + epochs);
            }
            this.patience = epochs;
            return this;
        }

        /** Scales the whole gradient down when its L2 norm exceeds {@code maxNorm} (0 = off, the default). */
        public Builder clipGradientNorm(float maxNorm) {
            if (!(maxNorm >= 0f) || !Float.isFinite(maxNorm)) {
                throw new IllegalArgumentException("maxNorm: expected a finite number >= 0, got " + maxNorm);
            }
            this.clipNorm = maxNorm;
            return this;
        }

        /** Called after every epoch, on the training thread. */
        public Builder listener(Consumer<EpochStats> listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * A validation metric, computed after every epoch from (predictions, targets): the full network's
         * outputs (probabilities when it ends in sigmoid or softmax) and the validation targets.
         */
        public Builder metric(String name, ToDoubleBiFunction<Matrix, Matrix> metric) {
            this.metricName = Objects.requireNonNull(name, "name");
            this.metric = Objects.requireNonNull(metric, "metric");
            return this;
        }

        public Trainer build() {
            return new Trainer(this);
        }
    }

    /** The metric's name, or null. */
    public String metricName() {
        return metricName;
    }
}
