package io.quantlane.nn;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ModelSlot}: swaps under load lose no call, every answer comes from a whole model, old ones get closed. */
class ModelSlotTest {

    private static final Mlp SPEC = Mlp.input(8).dense(16).relu().dense(2);

    private static Model model(long seed) {
        try (Network net = Network.create(SPEC, seed)) {
            return net.toModel();
        }
    }

    @Test
    void swapsWhilePredictingLoseNoCall() throws Exception {
        float[] x = {0.5f, -1f, 2f, 0.25f, -0.75f, 1.5f, 0f, 3f};
        float[][] expected = new float[4][2];   // the answer of each of the four weight sets
        for (int s = 0; s < 4; s++) {
            try (Model m = model(s)) {
                m.predict(m.newContext(), x, expected[s]);
            }
        }
        List<Model> installed = new ArrayList<>();
        installed.add(model(0));
        ModelSlot slot = new ModelSlot(installed.get(0));
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<long[]>> predictors = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                predictors.add(pool.submit(() -> {
                    ModelSlot.Context ctx = slot.newContext();
                    float[] y = new float[2];
                    long[] seen = new long[4];
                    long calls = 0;
                    while (!stop.get() || calls < 1000) {
                        slot.predict(ctx, x, y);
                        int which = -1;
                        for (int s = 0; s < 4; s++) {
                            if (y[0] == expected[s][0] && y[1] == expected[s][1]) {
                                which = s;
                            }
                        }
                        if (which < 0) {
                            throw new AssertionError("an answer from no whole model: " + y[0] + ", " + y[1]);
                        }
                        seen[which]++;
                        calls++;
                    }
                    return seen;
                }));
            }
            for (int i = 1; i <= 400; i++) {
                Model next = model(i % 4);
                installed.add(next);
                slot.swap(next);
                if (i % 50 == 0) {
                    Thread.sleep(1);
                }
            }
            stop.set(true);
            long total = 0;
            for (Future<long[]> f : predictors) {
                long[] seen = f.get();   // rethrows a failed call
                for (long n : seen) {
                    total += n;
                }
            }
            assertTrue(total >= 2000, "calls made: " + total);
            assertEquals(400, slot.swaps());
        } finally {
            pool.shutdownNow();
        }
        Model last = slot.current();
        for (Model m : installed) {
            assertEquals(m == last, m.parameters().scope().isAlive(),
                    "every retired model closed once idle, the current one open");
        }
        slot.close();
        assertFalse(last.parameters().scope().isAlive(), "close retires the current model");
        slot.close();   // idempotent
        assertEquals("slot: closed", assertThrows(IllegalStateException.class,
                () -> slot.predict(slot.newContext(), x, new float[2])).getMessage());
    }

    @Test
    void badArgumentsAreNamed() {
        try (ModelSlot slot = new ModelSlot(model(1)); ModelSlot other = new ModelSlot(model(2))) {
            Model wide;
            try (Network net = Network.create(Mlp.input(9).dense(2), 1)) {
                wide = net.toModel();
            }
            try {
                assertEquals("next: expected 8 inputs and 2 outputs like the slot's model, got 9 and 2",
                        assertThrows(IllegalArgumentException.class, () -> slot.swap(wide)).getMessage());
            } finally {
                wide.close();
            }
            assertEquals("ctx: belongs to another slot; use this slot's newContext()",
                    assertThrows(IllegalArgumentException.class,
                            () -> slot.predict(other.newContext(), new float[8], new float[2])).getMessage());
            assertThrows(NullPointerException.class, () -> slot.swap(null));
        }
    }
}
