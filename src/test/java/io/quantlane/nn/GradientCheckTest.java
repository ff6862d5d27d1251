package io.quantlane.nn;

import io.quantlane.testing.Tolerance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every layer's and every loss's backward pass against central finite differences, then whole networks
 * (every activation, fused sigmoid and softmax heads) through {@link TrainingPass}.
 */
class GradientCheckTest {

    private static final float H = 1e-2f;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final Tolerance TOL = Tolerance.finiteDifference();

    /** Central difference of f with respect to element i of s. */
    private static double centralDifference(MemorySegment s, long i, float h, DoubleSupplier f) {
        float v = s.getAtIndex(F, i);
        s.setAtIndex(F, i, v + h);
        double up = f.getAsDouble();
        s.setAtIndex(F, i, v - h);
        double down = f.getAsDouble();
        s.setAtIndex(F, i, v);
        return (up - down) / (2.0 * h);
    }

    private static MemorySegment random(Arena arena, int n, Random rnd, float scale, boolean awayFromZero) {
        MemorySegment s = arena.allocate(Math.max(n, 1) * 4L, 64);
        for (int i = 0; i < n; i++) {
            float v = (float) (rnd.nextGaussian() * scale);
            if (awayFromZero && Math.abs(v) < 5 * H) {
                v = Math.copySign(5 * H + Math.abs(v), v);   // keep ReLU kinks farther than h from every input
            }
            s.setAtIndex(F, i, v);
        }
        return s;
    }

    private static double weightedSum(MemorySegment y, MemorySegment g, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (double) y.getAtIndex(F, i) * g.getAtIndex(F, i);
        }
        return sum;
    }

    static Stream<Mlp> singleLayers() {
        Mlp base = Mlp.input(5).dense(4);
        return Stream.of(base, base.relu(), base.leakyRelu(0.1f), base.sigmoid(), base.tanh(), base.gelu(),
                base.softmax());
    }

    /** L = sum(y * g) for a fixed g, so dL/dy = g; the last layer of the spec is the one under test. */
    @ParameterizedTest
    @MethodSource("singleLayers")
    void layerBackwardMatchesFiniteDifferences(Mlp spec) {
        Random rnd = new Random(spec.hashCode());
        int batch = 3;
        try (Arena arena = Arena.ofConfined(); Network net = Network.create(spec, 11)) {
            Layer layer = spec.layers().get(spec.layers().size() - 1);
            int in = layer.inputs(), out = layer.outputs();
            MemorySegment x = random(arena, batch * in, rnd, 1f, true);
            MemorySegment y = arena.allocate(batch * out * 4L, 64);
            MemorySegment g = random(arena, batch * out, rnd, 1f, false);
            MemorySegment dx = arena.allocate(batch * in * 4L, 64);
            MemorySegment p = net.parameters();
            // bias away from zero too, so dense outputs feeding nothing do not matter; fill b randomly
            if (layer instanceof Dense d) {
                for (int o = 0; o < out; o++) {
                    p.setAtIndex(F, d.biasOffset() + o, (float) rnd.nextGaussian() * 0.5f);
                }
            }
            DoubleSupplier loss = () -> {
                layer.forward(batch, p, x, 0, y, 0);
                return weightedSum(y, g, batch * out);
            };
            loss.getAsDouble();
            net.zeroGrad();
            layer.backward(batch, p, net.gradients(), x, 0, y, 0, g, 0, dx, 0);
            int checked = 0;
            for (int i = 0; i < batch * in; i++) {
                TOL.assertClose(layer.describe() + " dx[" + i + "]", dx.getAtIndex(F, i),
                        centralDifference(x, i, H, loss));
                checked++;
            }
            if (layer instanceof Dense d) {
                checked += checkParameters(net, d, loss);
            }
            assertTrue(checked >= batch * in, "checked " + checked + " derivatives");
        }
    }

    private static int checkParameters(Network net, Dense d, DoubleSupplier loss) {
        MemorySegment p = net.parameters(), g = net.gradients();
        int checked = 0;
        for (long j = 0; j < (long) d.inputs() * d.outputs(); j++) {
            long at = d.weightOffset() + j;
            TOL.assertClose(d.describe() + " dW[" + j + "]", g.getAtIndex(F, at), centralDifference(p, at, H, loss));
            checked++;
        }
        for (int o = 0; o < d.outputs(); o++) {
            long at = d.biasOffset() + o;
            TOL.assertClose(d.describe() + " db[" + o + "]", g.getAtIndex(F, at), centralDifference(p, at, H, loss));
            checked++;
        }
        return checked;
    }

    enum LossCase { MSE, HUBER, BCE, BCE_WEIGHTED, SOFTMAX_CE }

    @ParameterizedTest
    @EnumSource(LossCase.class)
    void lossGradientMatchesFiniteDifferences(LossCase which) {
        Random rnd = new Random(which.ordinal() + 5);
        int rows = 4, cols = 3, n = rows * cols;
        float delta = 0.5f;
        Loss loss = switch (which) {
            case MSE -> Loss.mse();
            case HUBER -> Loss.huber(delta);
            case BCE -> Loss.binaryCrossEntropy();
            case BCE_WEIGHTED -> Loss.binaryCrossEntropy(3f);
            case SOFTMAX_CE -> Loss.softmaxCrossEntropy();
        };
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = random(arena, n, rnd, 1.5f, false);
            MemorySegment target = arena.allocate(n * 4L, 64);
            for (int r = 0; r < rows; r++) {
                double total = 0;
                for (int c = 0; c < cols; c++) {
                    double t = switch (which) {
                        case MSE, HUBER -> rnd.nextGaussian();
                        case BCE, BCE_WEIGHTED -> rnd.nextDouble() < 0.3 ? rnd.nextDouble() : rnd.nextInt(2);
                        case SOFTMAX_CE -> rnd.nextDouble();
                    };
                    target.setAtIndex(F, r * cols + c, (float) t);
                    total += t;
                }
                if (which == LossCase.SOFTMAX_CE) {   // a distribution over the row's classes
                    for (int c = 0; c < cols; c++) {
                        target.setAtIndex(F, r * cols + c, (float) (target.getAtIndex(F, r * cols + c) / total));
                    }
                }
            }
            MemorySegment grad = arena.allocate(n * 4L, 64);
            MemorySegment scratch = arena.allocate(n * 4L, 64);
            loss.lossAndGradient(rows, cols, out, 0, target, 0, grad, 0);
            DoubleSupplier value = () -> loss.lossAndGradient(rows, cols, out, 0, target, 0, scratch, 0);
            int checked = 0;
            for (int i = 0; i < n; i++) {
                double d = out.getAtIndex(F, i) - target.getAtIndex(F, i);
                if (which == LossCase.HUBER && Math.abs(Math.abs(d) - delta) < 2 * H) {
                    continue;   // the Huber kink itself has no derivative
                }
                TOL.assertClose(loss.name() + " grad[" + i + "]", grad.getAtIndex(F, i),
                        centralDifference(out, i, H, value));
                checked++;
            }
            assertTrue(checked >= n - 2, "checked " + checked + " of " + n);
        }
    }

    static Stream<Object[]> networks() {
        return Stream.of(
                new Object[] {Mlp.input(4).dense(6).tanh().dense(5).gelu().dense(3).softmax(), Loss.softmaxCrossEntropy()},
                new Object[] {Mlp.input(3).dense(5).leakyRelu(0.1f).dense(4).relu().dense(1).sigmoid(),
                        Loss.binaryCrossEntropy(2f)},
                new Object[] {Mlp.input(3).dense(4).sigmoid().dense(2), Loss.mse()},
                new Object[] {Mlp.input(3).dense(4).tanh().dense(2), Loss.huber(1f)});
    }

    /**
     * Whole networks through TrainingPass, the fused head stopping the forward pass one layer short as the
     * Trainer does. A ReLU kink within h of a perturbed parameter makes the finite difference meaningless:
     * such parameters are recognised by h and h/2 disagreeing, skipped, and counted (at most 10 %).
     */
    @ParameterizedTest
    @MethodSource("networks")
    void networkBackwardMatchesFiniteDifferences(Mlp spec, Loss loss) {
        Random rnd = new Random(spec.hashCode());
        int batch = 5;
        List<Layer> layers = spec.layers();
        boolean fused = layers.get(layers.size() - 1) instanceof Activation a && a.kind() == loss.fusedHead();
        int run = fused ? layers.size() - 1 : layers.size();
        try (Arena arena = Arena.ofConfined(); Network net = Network.create(spec, 3)) {
            for (Dense d : spec.denseLayers()) {
                for (int o = 0; o < d.outputs(); o++) {
                    net.parameters().setAtIndex(F, d.biasOffset() + o, (float) rnd.nextGaussian() * 0.3f);
                }
            }
            int out = spec.outputs();
            MemorySegment x = random(arena, batch * spec.inputs(), rnd, 1f, false);
            MemorySegment target = arena.allocate(batch * out * 4L, 64);
            for (int r = 0; r < batch; r++) {
                int cls = rnd.nextInt(out);
                for (int c = 0; c < out; c++) {
                    float t = loss.fusedHead() == null ? (float) rnd.nextGaussian() : (c == cls || out == 1
                            ? rnd.nextInt(2) : 0);
                    if (loss.fusedHead() == Activation.Kind.SOFTMAX) {
                        t = c == cls ? 1 : 0;
                    }
                    target.setAtIndex(F, r * out + c, t);
                }
            }
            TrainingPass pass = new TrainingPass(net, batch);
            MemorySegment dOut = arena.allocate(batch * out * 4L, 64);
            MemorySegment scratch = arena.allocate(batch * out * 4L, 64);
            DoubleSupplier value = () -> {
                pass.forward(batch, x, 0, run);
                return loss.lossAndGradient(batch, out, pass.buffer(), pass.outputOffset(), target, 0, scratch, 0);
            };
            pass.forward(batch, x, 0, run);
            loss.lossAndGradient(batch, out, pass.buffer(), pass.outputOffset(), target, 0, dOut, 0);
            net.zeroGrad();
            pass.backward(dOut, 0);
            MemorySegment p = net.parameters(), g = net.gradients();
            int checked = 0, skipped = 0;
            for (Dense d : spec.denseLayers()) {
                long count = (long) d.inputs() * d.outputs();
                for (long j = 0; j < count + d.outputs(); j++) {
                    long at = j < count ? d.weightOffset() + j : d.biasOffset() + (j - count);
                    double fd = centralDifference(p, at, H, value);
                    double fdHalf = centralDifference(p, at, H / 2, value);
                    if (!TOL.accepts(fd, fdHalf, 0)) {
                        skipped++;
                        continue;
                    }
                    TOL.assertClose(spec + " " + d.describe() + " parameter " + j, g.getAtIndex(F, at), fd);
                    checked++;
                }
            }
            assertTrue(skipped * 10 <= checked + skipped, "skipped " + skipped + " of " + (checked + skipped));
            assertTrue(checked > 20, "checked " + checked);
        }
    }

    @Test
    void backwardAccumulatesUntilZeroGrad() {
        Mlp spec = Mlp.input(3).dense(2);
        try (Arena arena = Arena.ofConfined(); Network net = Network.create(spec, 1)) {
            Random rnd = new Random(2);
            MemorySegment x = random(arena, 3, rnd, 1f, false), dy = random(arena, 2, rnd, 1f, false);
            TrainingPass pass = new TrainingPass(net, 1);
            pass.forward(1, x, 0);
            net.zeroGrad();
            pass.backward(dy, 0);
            float[] once = net.gradients().asSlice(0, spec.parameterCount() * 4).toArray(F);
            pass.backward(dy, 0);
            float[] twice = net.gradients().asSlice(0, spec.parameterCount() * 4).toArray(F);
            for (int i = 0; i < once.length; i++) {
                org.junit.jupiter.api.Assertions.assertEquals(2 * once[i], twice[i], 0f, "gradient " + i + " doubles");
            }
            assertTrue(once[0] != 0f, "dW[0] = x[0] dy[0] is nonzero");
            net.zeroGrad();
            assertTrue(net.gradients().asSlice(0, 4).get(ValueLayout.JAVA_INT, 0) == 0, "zeroGrad clears");
        }
    }
}
