package io.quantlane.nn;

import io.quantlane.testing.Allocations;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;

/**
 * No allocation per call after warm-up: one-row and batched predictions (with a scaler, and through the
 * float[] overload), and a whole training step (forward, loss, backward, optimizer). Runs in the
 * zero-allocation surefire execution (its own JVM, -Xbatch).
 */
class InferenceAllocationTest {

    @Test
    void predictAllocatesNothing() {
        Mlp spec = Mlp.input(32).dense(64).relu().dense(64).relu().dense(1);
        try (Arena arena = Arena.ofConfined(); Network net = Network.create(spec, 1);
             Model model = net.toModel(new Scaler(new float[32], filled(32, 2f)), List.of(), Map.of())) {
            InferenceContext ctx = model.newContext();
            MemorySegment x = arena.allocate(32 * 4L * 8, 64), y = arena.allocate(4L * 8, 64);
            float[] xa = new float[32], ya = new float[1];
            Allocations.assertSteadyStateAllocatesNothing("predict, one row",
                    () -> model.predict(ctx, x, 0, y, 0));
            Allocations.assertSteadyStateAllocatesNothing("predict, 8 rows",
                    () -> model.predict(ctx, 8, x, 0, 32, y, 0, 1));
            Allocations.assertSteadyStateAllocatesNothing("predict, float[]", () -> model.predict(ctx, xa, ya));
        }
    }

    @Test
    void predictWithEveryActivationAllocatesNothing() {
        Mlp spec = Mlp.input(61).dense(64).gelu().dense(32).tanh().dense(16).sigmoid().dense(8).leakyRelu(0.1f)
                .dense(3).softmax();
        try (Arena arena = Arena.ofConfined(); Network net = Network.create(spec, 1); Model model = net.toModel()) {
            InferenceContext ctx = model.newContext();
            MemorySegment x = arena.allocate(61 * 4L, 64), y = arena.allocate(3 * 4L, 64);
            Allocations.assertSteadyStateAllocatesNothing("predict " + spec, () -> model.predict(ctx, x, 0, y, 0));
        }
    }

    @Test
    void aTrainingStepAllocatesNothing() {
        // small, so that 3,000 warm-up steps stay well inside the allocation helper's time budget on the
        // scalar path too (CI runs the suite again with the scalar kernels); GEMM's own paths are in
        // ZeroAllocationTest
        Mlp spec = Mlp.input(8).dense(16).relu().dense(16).tanh().dense(1);
        int batch = 4;
        try (Arena arena = Arena.ofConfined(); Network net = Network.create(spec, 1)) {
            TrainingPass pass = new TrainingPass(net, batch);
            Optimizer.State adam = Optimizer.adam(1e-4f).start(net);
            Loss loss = Loss.mse();
            MemorySegment x = arena.allocate(batch * 8 * 4L, 64), t = arena.allocate(batch * 4L, 64);
            MemorySegment d = arena.allocate(batch * 4L, 64);
            Allocations.assertSteadyStateAllocatesNothing("training step " + spec, () -> {
                net.zeroGrad();
                pass.forward(batch, x, 0);
                loss.lossAndGradient(batch, 1, pass.buffer(), pass.outputOffset(), t, 0, d, 0);
                pass.backward(d, 0);
                adam.step();
            });
        }
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
}
