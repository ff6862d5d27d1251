package io.quantlane.nn;

import io.quantlane.memory.Matrix;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Networks that must learn, and the Trainer's promises: determinism, early stopping, divergence reports. */
class TrainerTest {

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private static Matrix xorInputs(Arena arena) {
        return Matrix.copyOf(arena, 4, 2, new float[] {0, 0, 0, 1, 1, 0, 1, 1});
    }

    private static Matrix xorTargets(Arena arena) {
        return Matrix.copyOf(arena, 4, 1, new float[] {0, 1, 1, 0});
    }

    @Test
    void learnsXor() {
        try (Arena arena = Arena.ofConfined();
             Network net = Network.create(Mlp.input(2).dense(8).tanh().dense(1).sigmoid(), 42)) {
            Trainer trainer = Trainer.builder().loss(Loss.binaryCrossEntropy()).optimizer(Optimizer.adam(0.05f))
                    .epochs(400).batchSize(4).seed(1).build();
            TrainingReport report = trainer.fit(net, xorInputs(arena), xorTargets(arena));
            assertTrue(report.last().trainLoss() < 0.05, "final BCE " + report.last().trainLoss());
            try (Model model = net.toModel()) {
                InferenceContext ctx = model.newContext();
                float[] y = new float[1];
                float[][] in = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
                float[] expect = {0, 1, 1, 0};
                for (int i = 0; i < 4; i++) {
                    model.predict(ctx, in[i], y);
                    assertEquals(expect[i], y[0], 0.1, "P(xor(" + in[i][0] + ", " + in[i][1] + ") = 1)");
                }
            }
        }
    }

    @Test
    void xorNeedsTheHiddenLayer() {
        // The control: a linear model cannot separate XOR, so the test above measures the hidden layer.
        try (Arena arena = Arena.ofConfined(); Network net = Network.create(Mlp.input(2).dense(1).sigmoid(), 42)) {
            Trainer trainer = Trainer.builder().loss(Loss.binaryCrossEntropy()).optimizer(Optimizer.adam(0.05f))
                    .epochs(400).batchSize(4).build();
            assertTrue(trainer.fit(net, xorInputs(arena), xorTargets(arena)).last().trainLoss() > 0.6);
        }
    }

    /** y = x w + b + N(0, 0.1^2): the validation MSE must approach the noise variance 0.01. */
    @Test
    void fitsNoisyLinearRegression() {
        int rows = 2000, cols = 5;
        float[] w = {1.5f, -2f, 0.5f, 0f, 3f};
        float b = 0.7f;
        Random rnd = new Random(9);
        try (Arena arena = Arena.ofConfined(); Network net = Network.create(Mlp.input(cols).dense(1), 5)) {
            Matrix x = Matrix.allocate(arena, rows, cols), y = Matrix.allocate(arena, rows, 1);
            for (int i = 0; i < rows; i++) {
                double t = b;
                for (int j = 0; j < cols; j++) {
                    float v = (float) rnd.nextGaussian();
                    x.set(i, j, v);
                    t += w[j] * v;
                }
                y.set(i, 0, (float) (t + 0.1 * rnd.nextGaussian()));
            }
            List<EpochStats> seen = new ArrayList<>();
            Trainer trainer = Trainer.builder().loss(Loss.mse())
                    .optimizer(Optimizer.momentum(0.02f, 0.9f).schedule(LearningRate.cosine(0.02f, 1500, 1e-4f)))
                    .epochs(30).batchSize(32).validationFraction(0.25).seed(3).listener(seen::add)
                    .metric("rmse", (pred, target) -> {
                        double s = 0;
                        for (int i = 0; i < pred.rows(); i++) {
                            double d = pred.get(i, 0) - target.get(i, 0);
                            s += d * d;
                        }
                        return Math.sqrt(s / pred.rows());
                    }).build();
            TrainingReport report = trainer.fit(net, x, y);
            assertEquals(30, seen.size(), "one listener call per epoch");
            assertTrue(report.last().validationLoss() < 0.012, "validation MSE " + report.last().validationLoss()
                    + " vs noise variance 0.01");
            assertEquals(Math.sqrt(report.last().validationLoss()), report.last().metric(), 1e-4);
            assertTrue(seen.get(0).samplesPerSecond() > 0 && seen.get(0).seconds() > 0);
            Dense d = net.spec().denseLayers().get(0);
            float[] learned = net.weights(d);
            for (int j = 0; j < cols; j++) {
                assertEquals(w[j], learned[j], 0.02, "w[" + j + "]");
            }
            assertEquals(b, net.bias(d)[0], 0.02, "b");
        }
    }

    @Test
    void everyOptimizerLearnsTheRegression() {
        Optimizer[] all = {Optimizer.sgd(0.05f), Optimizer.momentum(0.02f, 0.9f), Optimizer.nesterov(0.02f, 0.9f),
                Optimizer.adam(0.02f), Optimizer.adamW(0.02f, 0.001f), Optimizer.sgd(0.05f).weightDecay(1e-4f),
                Optimizer.adam(0.05f).schedule(LearningRate.step(0.05f, 200, 0.5f).withWarmup(20))};
        for (Optimizer opt : all) {
            try (Arena arena = Arena.ofConfined(); Network net = Network.create(Mlp.input(3).dense(1), 5)) {
                Random rnd = new Random(4);
                Matrix x = Matrix.allocate(arena, 512, 3), y = Matrix.allocate(arena, 512, 1);
                for (int i = 0; i < 512; i++) {
                    double t = 0.3;
                    for (int j = 0; j < 3; j++) {
                        float v = (float) rnd.nextGaussian();
                        x.set(i, j, v);
                        t += (j + 1) * v;
                    }
                    y.set(i, 0, (float) t);
                }
                TrainingReport r = Trainer.builder().loss(Loss.mse()).optimizer(opt).epochs(40).batchSize(16).build()
                        .fit(net, x, y);
                assertTrue(r.history().get(0).trainLoss() > 10 * r.last().trainLoss() && r.last().trainLoss() < 0.05,
                        opt + ": loss " + r.history().get(0).trainLoss() + " -> " + r.last().trainLoss());
            }
        }
    }

    @Test
    void sameSeedGivesBitIdenticalWeights() {
        float[] first = null;
        for (int run = 0; run < 2; run++) {
            try (Arena arena = Arena.ofConfined();
                 Network net = Network.create(Mlp.input(2).dense(16).relu().dense(8).gelu().dense(1).sigmoid(), 7)) {
                Trainer.builder().loss(Loss.binaryCrossEntropy()).optimizer(Optimizer.adam(0.01f)).epochs(20)
                        .batchSize(3).seed(99).validationFraction(0.25).build()
                        .fit(net, repeat(arena, xorInputs(arena), 8), repeat(arena, xorTargets(arena), 8));
                float[] w = net.parameters().toArray(F);
                if (first == null) {
                    first = w;
                } else {
                    assertArrayEquals(first, w, 0f, "same seed, same weights bit for bit");
                }
            }
        }
        try (Arena arena = Arena.ofConfined();
             Network net = Network.create(Mlp.input(2).dense(16).relu().dense(8).gelu().dense(1).sigmoid(), 7)) {
            Trainer.builder().loss(Loss.binaryCrossEntropy()).optimizer(Optimizer.adam(0.01f)).epochs(20)
                    .batchSize(3).seed(100).validationFraction(0.25).build()
                    .fit(net, repeat(arena, xorInputs(arena), 8), repeat(arena, xorTargets(arena), 8));
            assertFalse(java.util.Arrays.equals(first, net.parameters().toArray(F)), "another seed, other weights");
        }
    }

    private static Matrix repeat(Arena arena, Matrix m, int times) {
        Matrix out = Matrix.allocate(arena, m.rows() * times, m.cols());
        for (int t = 0; t < times; t++) {
            for (int i = 0; i < m.rows(); i++) {
                for (int j = 0; j < m.cols(); j++) {
                    out.set(t * m.rows() + i, j, m.get(i, j));
                }
            }
        }
        return out;
    }

    /** Pure noise targets: validation loss bottoms out early, so patience stops training and the best weights return. */
    @Test
    void earlyStoppingRestoresTheBestWeights() {
        Random rnd = new Random(12);
        try (Arena arena = Arena.ofConfined();
             Network net = Network.create(Mlp.input(10).dense(64).relu().dense(1), 1)) {
            Matrix x = Matrix.allocate(arena, 60, 10), y = Matrix.allocate(arena, 60, 1);
            Matrix xv = Matrix.allocate(arena, 60, 10), yv = Matrix.allocate(arena, 60, 1);
            for (Matrix m : new Matrix[] {x, y, xv, yv}) {
                for (int i = 0; i < m.rows(); i++) {
                    for (int j = 0; j < m.cols(); j++) {
                        m.set(i, j, (float) rnd.nextGaussian());
                    }
                }
            }
            List<float[]> snapshots = new ArrayList<>();
            Trainer trainer = Trainer.builder().loss(Loss.mse()).optimizer(Optimizer.adam(0.01f)).epochs(200)
                    .batchSize(10).patience(5).listener(s -> snapshots.add(net.parameters().toArray(F))).build();
            TrainingReport r = trainer.fit(net, x, y, xv, yv);
            assertTrue(r.stoppedEarly(), "memorising noise must stop early; ran " + r.history().size());
            assertEquals(r.bestEpoch() + 5, r.history().size(), "stops 5 epochs after the best");
            assertTrue(r.restoredBest());
            assertArrayEquals(snapshots.get(r.bestEpoch() - 1), net.parameters().toArray(F), 0f,
                    "the weights are those after the best epoch");
            double min = r.history().stream().mapToDouble(EpochStats::validationLoss).min().orElseThrow();
            assertEquals(min, r.bestValidationLoss(), 0);
        }
    }

    @Test
    void anOverflowingLossIsReportedWithTheStep() {
        try (Arena arena = Arena.ofConfined();
             Network net = Network.create(Mlp.input(2).dense(8).relu().dense(1), 1)) {
            Matrix x = Matrix.copyOf(arena, 4, 2, new float[] {1e3f, -1e3f, 2e3f, 5e2f, -1e3f, 1e3f, 3e3f, 3e3f});
            Matrix y = Matrix.copyOf(arena, 4, 1, new float[] {1e4f, -1e4f, 1e4f, 0});
            Trainer trainer = Trainer.builder().loss(Loss.mse()).optimizer(Optimizer.sgd(10f)).epochs(50)
                    .batchSize(4).build();
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> trainer.fit(net, x, y));
            assertTrue(e.getMessage().startsWith("training diverged at epoch " + e.epoch() + ", step " + e.step()
                    + ": the loss is Infinity"), e.getMessage());
            assertTrue(e.step() > 0, "the first steps were finite");
            float[] kept = net.parameters().toArray(F);
            for (float v : kept) {
                assertTrue(Float.isFinite(v), "the failing step was not applied: " + e.getMessage());
            }
        }
    }

    @Test
    void aNonFiniteLayerOutputIsNamed() {
        try (Arena arena = Arena.ofConfined();
             Network net = Network.create(Mlp.input(2).dense(3).tanh().dense(4).relu().dense(1), 1)) {
            Dense first = net.spec().denseLayers().get(0), second = net.spec().denseLayers().get(1);
            for (int i = 0; i < 6; i++) {
                net.parameters().setAtIndex(F, first.weightOffset() + i, 1f);   // tanh(3 + 3) ~ 1 on every unit
            }
            net.parameters().setAtIndex(F, second.weightOffset(), Float.MAX_VALUE);   // overflows layer 2's output
            net.parameters().setAtIndex(F, second.weightOffset() + second.outputs(), Float.MAX_VALUE);
            Matrix x = Matrix.copyOf(arena, 1, 2, new float[] {3, 3});
            Matrix y = Matrix.copyOf(arena, 1, 1, new float[] {1});
            Trainer trainer = Trainer.builder().loss(Loss.mse()).optimizer(Optimizer.sgd(0.1f)).epochs(1).build();
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> trainer.fit(net, x, y));
            assertEquals(2, e.layer(), e.getMessage());
            assertTrue(e.getMessage().contains("the output of layer 2 (dense 3 -> 4)"), e.getMessage());
            assertEquals(0, e.step());
        }
    }

    @Test
    void nonFiniteDataIsRejectedByRowAndColumn() {
        try (Arena arena = Arena.ofConfined(); Network net = Network.create(Mlp.input(2).dense(1), 1)) {
            Matrix x = Matrix.copyOf(arena, 2, 2, new float[] {1, 2, 3, Float.NaN});
            Matrix y = Matrix.copyOf(arena, 2, 1, new float[] {0, 1});
            Trainer t = Trainer.builder().loss(Loss.mse()).optimizer(Optimizer.sgd(0.1f)).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.fit(net, x, y));
            assertEquals("x: row 1, column 1 is NaN; training needs finite data (impute or drop missing values first)",
                    e.getMessage());
            Matrix wide = Matrix.allocate(arena, 2, 3);
            e = assertThrows(IllegalArgumentException.class, () -> t.fit(net, wide, y));
            assertEquals("x: expected 2 columns (the network's inputs), got 3", e.getMessage());
        }
    }

    /** With clipping at c, one SGD step from zero momentum moves the parameters by at most lr * c. */
    @Test
    void clippingBoundsTheStep() {
        try (Arena arena = Arena.ofConfined(); Network net = Network.create(Mlp.input(2).dense(1), 1)) {
            Matrix x = Matrix.copyOf(arena, 1, 2, new float[] {100, -100});
            Matrix y = Matrix.copyOf(arena, 1, 1, new float[] {1000});
            float[] before = net.parameters().toArray(F);
            Trainer.builder().loss(Loss.mse()).optimizer(Optimizer.sgd(0.1f)).epochs(1).batchSize(1)
                    .clipGradientNorm(0.5f).build().fit(net, x, y);
            float[] after = net.parameters().toArray(F);
            double moved = 0;
            for (int i = 0; i < before.length; i++) {
                moved += (after[i] - before[i]) * (double) (after[i] - before[i]);
            }
            assertEquals(0.1 * 0.5, Math.sqrt(moved), 1e-6, "the clipped step is exactly lr * maxNorm long");
        }
    }

    @Test
    void scheduleKnownAnswers() {
        assertEquals(0.1f, LearningRate.constant(0.1f).at(1000));
        LearningRate step = LearningRate.step(1f, 10, 0.5f);
        assertEquals(1f, step.at(9));
        assertEquals(0.5f, step.at(10));
        assertEquals(0.25f, step.at(25));
        LearningRate cos = LearningRate.cosine(1f, 100, 0f);
        assertEquals(1f, cos.at(0), 1e-7);
        assertEquals(0.5f, cos.at(50), 1e-6);
        assertEquals(0f, cos.at(100), 1e-7);
        assertEquals(0f, cos.at(500), 1e-7);
        LearningRate warm = LearningRate.constant(0.4f).withWarmup(4);
        assertEquals(0.1f, warm.at(0), 1e-7);
        assertEquals(0.3f, warm.at(2), 1e-7);
        assertEquals(0.4f, warm.at(4), 1e-7);
        assertThrows(IllegalArgumentException.class, () -> LearningRate.constant(0f));
        assertThrows(IllegalArgumentException.class, () -> LearningRate.cosine(1f, 10, 2f));
    }

    @Test
    void optimizerStepMatchesTheKernelFormula() {
        // one Adam step from zero moments moves every parameter by lr * g / (|g| + eps) ~ lr * sign(g)
        try (Network net = Network.create(Mlp.input(2).dense(2), 3)) {
            MemorySegment g = net.gradients();
            Dense d = net.spec().denseLayers().get(0);
            float[] before = net.parameters().toArray(F);
            for (long i = 0; i < d.parameterCount() + 2; i++) {
                g.setAtIndex(F, i, i % 2 == 0 ? 0.5f : -2f);
            }
            Optimizer.adam(0.01f).start(net).step();
            float[] after = net.parameters().toArray(F);
            for (int i = 0; i < 4; i++) {
                assertEquals(before[i] - 0.01f * Math.signum(g.getAtIndex(F, i)), after[i], 1e-6, "w[" + i + "]");
            }
        }
    }
}
