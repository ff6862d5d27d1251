package io.quantlane.nn;

import io.quantlane.kernel.Kernels;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Outputs computed before the JIT has compiled anything equal those computed after C2 has, bit for bit. Runs
 * in a JVM of its own (surefire execution "cold-start", with -Xbatch so compilation happens at fixed points),
 * first thing, so the "cold" results really come from the interpreter and C1. With
 * {@code -Dquantlane.exp=jdk} (SVML under C2 only) or with {@code reduceLanes(ADD)} (C2 adds in a tree, the
 * fallback lane after lane) this test fails.
 */
class ColdStartDeterminismTest {

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final int SAMPLES = 200;
    private static final int WARM_CALLS = 60_000;

    @Test
    void modelOutputsDoNotChangeAsTheJitWarmsUp() {
        Mlp spec = Mlp.input(37).dense(64).gelu().dense(48).tanh().dense(33).leakyRelu(0.05f).dense(20).sigmoid()
                .dense(17).relu().dense(5).softmax();
        Random rnd = new Random(8);
        float[][] inputs = new float[SAMPLES][37];
        for (float[] x : inputs) {
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rnd.nextGaussian() * 2);
            }
        }
        try (Network net = Network.create(spec, 4); Model model = net.toModel()) {
            InferenceContext ctx = model.newContext();
            float[][] cold = new float[SAMPLES][5];
            for (int s = 0; s < SAMPLES; s++) {
                model.predict(ctx, inputs[s], cold[s]);
            }
            float[] y = new float[5];
            for (int k = 0; k < WARM_CALLS; k++) {
                model.predict(ctx, inputs[k % SAMPLES], y);
            }
            int differing = 0;
            for (int s = 0; s < SAMPLES; s++) {
                model.predict(ctx, inputs[s], y);
                for (int o = 0; o < 5; o++) {
                    differing += Float.floatToIntBits(y[o]) != Float.floatToIntBits(cold[s][o]) ? 1 : 0;
                }
            }
            assertEquals(0, differing, "outputs that changed after warm-up, of " + SAMPLES * 5);
        }
    }

    @Test
    void reductionsDoNotChangeAsTheJitWarmsUp() {
        Random rnd = new Random(9);
        int[] sizes = {3, 16, 17, 100, 257};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocate(257 * 4L, 64), y = arena.allocate(257 * 4L, 64);
            MemorySegment out = arena.allocate(257 * 4L, 64);
            for (int i = 0; i < 257; i++) {
                x.setAtIndex(F, i, (float) rnd.nextGaussian());
                y.setAtIndex(F, i, (float) rnd.nextGaussian());
            }
            float[] cold = run(sizes, x, y, out);
            for (int k = 0; k < WARM_CALLS / 4; k++) {
                run(sizes, x, y, out);
            }
            float[] hot = run(sizes, x, y, out);
            for (int i = 0; i < cold.length; i++) {
                assertEquals(Float.floatToIntBits(cold[i]), Float.floatToIntBits(hot[i]), "result " + i
                        + " (size " + sizes[i / 4] + ": dot, sum, mse, softmax[0])");
            }
        }
    }

    private static float[] run(int[] sizes, MemorySegment x, MemorySegment y, MemorySegment out) {
        float[] r = new float[sizes.length * 4];
        for (int s = 0; s < sizes.length; s++) {
            int n = sizes[s];
            r[4 * s] = Kernels.dot(n, x, 0, 1, y, 0, 1);
            r[4 * s + 1] = Kernels.sum(n, x, 0, 1);
            r[4 * s + 2] = Kernels.mseLoss(n, x, 0, y, 0, out, 0);
            Kernels.softmax(1, n, x, 0, n, out, 0, n);
            r[4 * s + 3] = out.getAtIndex(F, 0);
        }
        return r;
    }
}
