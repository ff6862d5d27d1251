package io.quantlane.nn;

import io.quantlane.memory.Matrix;
import io.quantlane.testing.Tolerance;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Model.predict: against a double-precision reference, batch = single, threads = single, scaler, errors. */
class InferenceTest {

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    static final Mlp SPEC = Mlp.input(61).dense(64).relu().dense(32).gelu().dense(3).softmax();

    /** The forward pass written out in double from the network's W and b, as the formulas say. */
    static double[] reference(Network net, float[] x) {
        double[] a = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            a[i] = x[i];
        }
        for (Layer l : net.spec().layers()) {
            double[] out = new double[l.outputs()];
            switch (l) {
                case Dense d -> {
                    float[] w = net.weights(d), b = net.bias(d);
                    for (int o = 0; o < d.outputs(); o++) {
                        double s = b[o];
                        for (int i = 0; i < d.inputs(); i++) {
                            s += a[i] * w[i * d.outputs() + o];
                        }
                        out[o] = s;
                    }
                }
                case Activation act -> {
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (double v : a) {
                        max = Math.max(max, v);
                    }
                    for (double v : a) {
                        sum += Math.exp(v - max);
                    }
                    for (int i = 0; i < a.length; i++) {
                        double v = a[i];
                        out[i] = switch (act.kind()) {
                            case RELU -> Math.max(v, 0);
                            case LEAKY_RELU -> v > 0 ? v : act.slope() * v;
                            case SIGMOID -> 1 / (1 + Math.exp(-v));
                            case TANH -> Math.tanh(v);
                            case GELU -> 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
                            case SOFTMAX -> Math.exp(v - max) / sum;
                        };
                    }
                }
            }
            a = out;
        }
        return a;
    }

    static float[] randomRow(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }

    @Test
    void predictMatchesTheDoubleReference() {
        Random rnd = new Random(1);
        try (Network net = Network.create(SPEC, 17); Model model = net.toModel()) {
            InferenceContext ctx = model.newContext();
            float[] y = new float[3];
            Tolerance tol = Tolerance.reduction(64 + 61 + 32, 16);
            for (int t = 0; t < 50; t++) {
                float[] x = randomRow(rnd, 61);
                model.predict(ctx, x, y);
                double[] ref = reference(net, x);
                for (int o = 0; o < 3; o++) {
                    tol.assertClose("sample " + t + " output " + o, y[o], ref[o], 1);
                }
            }
        }
    }

    @Test
    void batchedRowsEqualSingleRowsBitForBit() {
        Random rnd = new Random(2);
        int rows = 37;
        try (Arena arena = Arena.ofConfined(); Network net = Network.create(SPEC, 3); Model model = net.toModel()) {
            InferenceContext ctx = model.newContext();
            int ldx = 64, ldy = 5;   // padded rows, offsets not zero
            MemorySegment x = arena.allocate((7 + (long) rows * ldx) * 4, 64);
            MemorySegment y = arena.allocate((3 + (long) rows * ldy) * 4, 64);
            for (long i = 0; i < x.byteSize() / 4; i++) {
                x.setAtIndex(F, i, (float) rnd.nextGaussian());
            }
            model.predict(ctx, rows, x, 7, ldx, y, 3, ldy);
            MemorySegment one = arena.allocate(3 * 4, 64);
            for (int r = 0; r < rows; r++) {
                model.predict(ctx, x, 7 + (long) r * ldx, one, 0);
                for (int o = 0; o < 3; o++) {
                    assertEquals(Float.floatToIntBits(one.getAtIndex(F, o)),
                            Float.floatToIntBits(y.getAtIndex(F, 3 + (long) r * ldy + o)), "row " + r + " output " + o);
                }
            }
        }
    }

    /** 8 threads x 10 000 predictions on one shared model, each with its own context, equal one thread's. */
    @Test
    void sharedModelAcrossThreadsIsBitIdentical() throws Exception {
        int perThread = 10_000, threads = 8, distinct = 500;
        Random rnd = new Random(3);
        float[][] inputs = new float[distinct][];
        for (int i = 0; i < distinct; i++) {
            inputs[i] = randomRow(rnd, 61);
        }
        try (Network net = Network.create(SPEC, 5); Model model = net.toModel()) {
            float[][] expected = new float[distinct][3];
            InferenceContext mine = model.newContext();
            for (int i = 0; i < distinct; i++) {
                model.predict(mine, inputs[i], expected[i]);
            }
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int offset = t * 61;
                    results.add(pool.submit(() -> {
                        InferenceContext ctx = model.newContext();
                        float[] y = new float[3];
                        int mismatches = 0;
                        for (int k = 0; k < perThread; k++) {
                            int i = (k + offset) % distinct;
                            model.predict(ctx, inputs[i], y);
                            for (int o = 0; o < 3; o++) {
                                if (Float.floatToIntBits(y[o]) != Float.floatToIntBits(expected[i][o])) {
                                    mismatches++;
                                }
                            }
                        }
                        return mismatches;
                    }));
                }
                int total = 0;
                for (Future<Integer> f : results) {
                    total += f.get();
                }
                assertEquals(0, total, "outputs differing from the single-thread run");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void theScalerIsAppliedExactlyAsAtTrainingTime() {
        Random rnd = new Random(4);
        try (Arena arena = Arena.ofConfined(); Network net = Network.create(Mlp.input(4).dense(8).tanh().dense(1), 2)) {
            Matrix raw = Matrix.allocate(arena, 50, 4);
            for (int i = 0; i < 50; i++) {
                for (int j = 0; j < 4; j++) {
                    raw.set(i, j, (float) (rnd.nextGaussian() * (j + 1) * 10 + j * 100));
                }
            }
            Scaler scaler = Scaler.fit(raw);
            Matrix scaled = Matrix.copyOf(arena, 50, 4, raw.toArray());
            scaler.apply(scaled);
            double mean0 = 0;
            for (int i = 0; i < 50; i++) {
                mean0 += scaled.get(i, 0);
            }
            assertEquals(0, mean0 / 50, 1e-5, "standardised column mean");
            try (Model withScaler = net.toModel(scaler, List.of("a", "b", "c", "d"), Map.of());
                 Model plain = net.toModel()) {
                InferenceContext c1 = withScaler.newContext(), c2 = plain.newContext();
                float[] y1 = new float[1], y2 = new float[1];
                for (int i = 0; i < 50; i++) {
                    withScaler.predict(c1, raw.row(i).toArray(), y1);
                    plain.predict(c2, scaled.row(i).toArray(), y2);
                    assertEquals(Float.floatToIntBits(y2[0]), Float.floatToIntBits(y1[0]), "row " + i);
                }
            }
        }
    }

    @Test
    void theModelIsASnapshot() {
        try (Network net = Network.create(Mlp.input(2).dense(1), 2); Model model = net.toModel()) {
            float[] y = new float[1], again = new float[1];
            InferenceContext ctx = model.newContext();
            model.predict(ctx, new float[] {1, 2}, y);
            net.parameters().setAtIndex(F, 0, 100f);
            model.predict(ctx, new float[] {1, 2}, again);
            assertArrayEquals(y, again, 0f, "training on after toModel() does not change the model");
            assertThrows(IllegalArgumentException.class, () -> model.parameters().setAtIndex(F, 0, 1f), "read-only");
        }
    }

    @Test
    void badCallsAreRejectedByName() {
        try (Arena arena = Arena.ofConfined(); Network net = Network.create(Mlp.input(3).dense(2), 2);
             Model model = net.toModel(); Model other = net.toModel()) {
            InferenceContext ctx = model.newContext();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.predict(ctx, new float[2], new float[2]));
            assertEquals("x: expected 3 floats, got 2", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> model.predict(other.newContext(), new float[3], new float[2]));
            assertEquals("ctx: belongs to another model; use this model's newContext()", e.getMessage());
            MemorySegment small = arena.allocate(8);
            e = assertThrows(IllegalArgumentException.class,
                    () -> model.predict(ctx, small, 0, arena.allocate(8), 0));
            assertEquals("x: 1 x 3 floats (ld 3) from offset 0 need 3 floats, the segment holds 2", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> model.predict(ctx, 4, arena.allocate(48), 0, 2, arena.allocate(32), 0, 2));
            assertEquals("ldx: expected >= 3 (the row width), got 2", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> net.toModel(null, List.of("only one"), Map.of()));
            assertEquals("featureNames: expected 3 names (one per input), got 1", e.getMessage());
        }
    }
}
