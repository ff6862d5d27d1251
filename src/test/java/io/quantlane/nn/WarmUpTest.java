package io.quantlane.nn;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Model#warmUp}: reaches steady state (no allocation after it), honours its budget, checks arguments. */
class WarmUpTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void afterAWarmUpPredictionsAllocateNothing() {
        try (Network net = Network.create(Mlp.input(32).dense(64).relu().dense(64).relu().dense(1), 3);
             Model model = net.toModel()) {
            WarmUp w = model.warmUp(Duration.ofSeconds(60));
            assertTrue(w.converged(), w.toString());
            assertTrue(w.calls() >= 6_000 && w.nsPerCall() > 0 && w.elapsed().toNanos() > 0, w.toString());
            assertTrue(w.toString().startsWith("warm-up: ") && w.toString().endsWith("steady"), w.toString());
            InferenceContext ctx = model.newContext();
            float[] x = new float[32], y = new float[1];
            model.predict(ctx, x, y);   // the context's own first use
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 1_000; i++) {
                x[i % 32] = i * 0.001f;
                model.predict(ctx, x, y);
            }
            assertEquals(0, THREADS.getCurrentThreadAllocatedBytes() - before, "bytes over 1,000 calls after " + w);
        }
    }

    @Test
    void aZeroBudgetRunsOneRoundAndSaysSo() {
        try (Network net = Network.create(Mlp.input(5).dense(3).tanh().dense(2).softmax(), 1);
             Model model = net.toModel()) {
            WarmUp w = model.warmUp(Duration.ZERO);
            assertEquals(2_000, w.calls());
            assertFalse(w.converged(), "three steady rounds cannot fit in one");
            assertTrue(w.toString().endsWith("NOT steady within the budget"), w.toString());
            assertEquals("budget: expected a duration >= 0, got PT-1S",
                    assertThrows(IllegalArgumentException.class, () -> model.warmUp(Duration.ofSeconds(-1)))
                            .getMessage());
            assertThrows(NullPointerException.class, () -> model.warmUp(null));
        }
    }
}
