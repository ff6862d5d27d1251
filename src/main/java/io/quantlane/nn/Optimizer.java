package io.quantlane.nn;

import io.quantlane.kernel.Kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A gradient-descent rule: its hyper-parameters and learning-rate schedule. Immutable; {@link #start(Network)}
 * makes the per-network state (momentum, Adam's moments) and its {@link State#step()} updates the whole
 * parameter block with one fused kernel.
 *
 * <ul>
 *   <li>{@link #sgd}: {@code w -= lr (g + wd w)}.</li>
 *   <li>{@link #momentum} / {@link #nesterov}: as {@code torch.optim.SGD(momentum=mu, nesterov=...)}.</li>
 *   <li>{@link #adam}: Kingma and Ba 2015 with bias correction, L2 decay added to the gradient (as
 *       {@code torch.optim.Adam}).</li>
 *   <li>{@link #adamW}: decoupled weight decay (Loshchilov and Hutter 2019, as {@code torch.optim.AdamW}).</li>
 * </ul>
 *
 * Weight decay applies to every parameter, biases included (PyTorch's default for a single parameter group).
 */
public final class Optimizer {

    enum Rule { SGD, MOMENTUM, NESTEROV, ADAM, ADAMW }

    private final Rule rule;
    private final LearningRate schedule;
    private final float momentum;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;

    private Optimizer(Rule rule, LearningRate schedule, float momentum, float beta1, float beta2, float eps,
                      float weightDecay) {
        this.rule = rule;
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.momentum = momentum;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** Plain SGD at a constant rate. */
    public static Optimizer sgd(float lr) {
        return new Optimizer(Rule.SGD, LearningRate.constant(lr), 0f, 0f, 0f, 0f, 0f);
    }

    /** SGD with (heavy-ball) momentum {@code mu}, e.g. 0.9. */
    public static Optimizer momentum(float lr, float mu) {
        return new Optimizer(Rule.MOMENTUM, LearningRate.constant(lr), requireMomentum(mu), 0f, 0f, 0f, 0f);
    }

    /** SGD with Nesterov momentum {@code mu}. */
    public static Optimizer nesterov(float lr, float mu) {
        return new Optimizer(Rule.NESTEROV, LearningRate.constant(lr), requireMomentum(mu), 0f, 0f, 0f, 0f);
    }

    /** Adam with beta1 0.9, beta2 0.999, eps 1e-8. */
    public static Optimizer adam(float lr) {
        return new Optimizer(Rule.ADAM, LearningRate.constant(lr), 0f, 0.9f, 0.999f, 1e-8f, 0f);
    }

    /** AdamW with beta1 0.9, beta2 0.999, eps 1e-8 and decoupled decay {@code weightDecay} (PyTorch uses 0.01). */
    public static Optimizer adamW(float lr, float weightDecay) {
        return new Optimizer(Rule.ADAMW, LearningRate.constant(lr), 0f, 0.9f, 0.999f, 1e-8f,
                requireDecay(weightDecay));
    }

    /** The same rule with another schedule (its rates replace {@code lr}). */
    public Optimizer schedule(LearningRate schedule) {
        return new Optimizer(rule, schedule, momentum, beta1, beta2, eps, weightDecay);
    }

    /** The same rule with L2 (or, for AdamW, decoupled) weight decay. */
    public Optimizer weightDecay(float weightDecay) {
        return new Optimizer(rule, schedule, momentum, beta1, beta2, eps, requireDecay(weightDecay));
    }

    /** Adam/AdamW with other moment decay rates and epsilon. */
    public Optimizer betas(float beta1, float beta2, float eps) {
        if (rule != Rule.ADAM && rule != Rule.ADAMW) {
            throw new IllegalStateException("betas: only Adam and AdamW have them, this is " + rule);
        }
        for (float b : new float[] {beta1, beta2}) {
            if (!(b >= 0f && b < 1f)) {
                throw new IllegalArgumentException("beta1/beta2: expected 0 <= beta < 1, got " + b);
            }
        }
        if (!(eps > 0f) || !Float.isFinite(eps)) {
            throw new IllegalArgumentException("eps: expected a finite number > 0, got " + eps);
        }
        return new Optimizer(rule, schedule, momentum, beta1, beta2, eps, weightDecay);
    }

    /** The schedule in use. */
    public LearningRate schedule() {
        return schedule;
    }

    private static float requireMomentum(float mu) {
        if (!(mu >= 0f && mu < 1f)) {
            throw new IllegalArgumentException("mu: expected 0 <= mu < 1, got " + mu);
        }
        return mu;
    }

    private static float requireDecay(float wd) {
        if (!(wd >= 0f) || !Float.isFinite(wd)) {
            throw new IllegalArgumentException("weightDecay: expected a finite number >= 0, got " + wd);
        }
        return wd;
    }

    /** Fresh state for {@code net}: zero moments, step 0. */
    public State start(Network net) {
        return new State(net);
    }

    @Override
    public String toString() {
        return switch (rule) {
            case SGD -> "sgd";
            case MOMENTUM -> "momentum(" + momentum + ")";
            case NESTEROV -> "nesterov(" + momentum + ")";
            case ADAM -> "adam(" + beta1 + ", " + beta2 + ", " + eps + ")";
            case ADAMW -> "adamW(" + beta1 + ", " + beta2 + ", " + eps + ")";
        } + (weightDecay != 0f ? " weightDecay " + weightDecay : "");
    }

    /** One network's optimizer state. Not thread-safe. */
    public final class State {

        private final Network net;
        private final int n;
        private final MemorySegment m;
        private final MemorySegment v;
        private long steps;

        private State(Network net) {
            this.net = Objects.requireNonNull(net, "net");
            this.n = Math.toIntExact(net.spec().parameterCount());
            Arena arena = Arena.ofAuto();
            long bytes = Math.max((long) n * Float.BYTES, 64);
            this.m = rule == Rule.SGD ? null : arena.allocate(bytes, 64);
            this.v = rule == Rule.ADAM || rule == Rule.ADAMW ? arena.allocate(bytes, 64) : null;
        }

        /** Steps taken so far. */
        public long steps() {
            return steps;
        }

        /** The rate the next step will use. */
        public float nextRate() {
            return schedule.at(steps);
        }

        /** Updates every parameter from the current gradients, at the schedule's rate for this step. */
        public void step() {
            float lr = schedule.at(steps);
            if (!(lr >= 0f) || !Float.isFinite(lr)) {
                throw new IllegalStateException("schedule: step " + steps + " gave learning rate " + lr);
            }
            steps++;
            MemorySegment w = net.parameters(), g = net.gradients();
            switch (rule) {
                case SGD -> Kernels.sgd(n, lr, weightDecay, w, 0, g, 0);
                case MOMENTUM, NESTEROV -> Kernels.sgdMomentum(n, lr, momentum, weightDecay, rule == Rule.NESTEROV,
                        w, 0, g, 0, m, 0);
                case ADAM -> Kernels.adam(n, lr, beta1, beta2, eps, weightDecay, Math.toIntExact(steps),
                        w, 0, g, 0, m, 0, v, 0);
                case ADAMW -> Kernels.adamW(n, lr, beta1, beta2, eps, weightDecay, Math.toIntExact(steps),
                        w, 0, g, 0, m, 0, v, 0);
            }
        }
    }
}
