package io.quantlane.nn;

import io.quantlane.memory.Matrix;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The spec builder, its text form, the parameter layout, initialisation and the scaler. */
class MlpTest {

    @Test
    void reluStackFromWidths() {
        assertEquals(Mlp.input(32).dense(64).relu().dense(64).relu().dense(1), Mlp.reluStack("32-64-64-1"));
        assertEquals(Mlp.input(3).dense(2), Mlp.reluStack("3-2"));
        for (String bad : new String[] {"32", "32-x-1", "", "32--1", "0-4"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Mlp.reluStack(bad), bad);
            assertTrue(e.getMessage().startsWith("widths: ") || e.getMessage().contains("0"), e.getMessage());
        }
    }

    @Test
    void layoutIsAlignedAndCounted() {
        Mlp spec = Mlp.input(61).dense(64).relu().dense(32).relu().dense(1);
        List<Dense> d = spec.denseLayers();
        assertEquals(List.of(0, 2, 4), d.stream().map(Dense::index).toList(), "indexes count activations");
        assertEquals(0, d.get(0).weightOffset());
        assertEquals(61 * 64, d.get(0).biasOffset(), "3904 is a multiple of 16 already");
        for (Dense l : d) {
            assertEquals(0, l.weightOffset() % 16, "W 64-byte aligned");
            assertEquals(0, l.biasOffset() % 16, "b 64-byte aligned");
            assertTrue(l.biasOffset() >= l.weightOffset() + (long) l.inputs() * l.outputs());
        }
        assertEquals(61 * 64 + 64 + 64 * 32 + 32 + 32 + 1, spec.trainableParameters());
        assertEquals(61 * 64 + 64 * 32 + 32, spec.macsPerSample());
        assertEquals(64, spec.maxWidth());
        assertEquals(1, spec.outputs());
    }

    @Test
    void textRoundTrips() {
        Mlp spec = Mlp.input(7).dense(16).leakyRelu(0.01f).dense(8).gelu().dense(4).tanh().dense(3).sigmoid()
                .dense(2).softmax().dense(5).relu().dense(1);
        String text = spec.toString();
        assertEquals("input(7).dense(16).leakyRelu(0.01).dense(8).gelu().dense(4).tanh().dense(3).sigmoid()"
                + ".dense(2).softmax().dense(5).relu().dense(1)", text);
        assertEquals(spec, Mlp.parse(text));
        assertEquals(spec, Mlp.parse("Mlp. input( 7 ) .dense(16).leakyRelu(0.01) .dense(8).gelu().dense(4).tanh()"
                + ".dense(3).sigmoid().dense(2).softmax().dense(5).relu().dense(1)"));
    }

    @Test
    void badSpecsAreExplained() {
        assertEquals("features: expected > 0, got 0",
                assertThrows(IllegalArgumentException.class, () -> Mlp.input(0)).getMessage());
        assertEquals("relu: add a dense layer first; an activation on the raw input has nothing to learn from",
                assertThrows(IllegalStateException.class, () -> Mlp.input(3).relu()).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Mlp.parse("input(3).dense(4).swish()"))
                .getMessage().startsWith("architecture: unknown layer \"swish\"; expected dense, relu, leakyRelu"));
        assertEquals("architecture: must start with input(n), got dense(3)",
                assertThrows(IllegalArgumentException.class, () -> Mlp.parse("dense(3)")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Mlp.parse("input(x)")).getMessage()
                .contains("bad number \"x\""));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Mlp.input(100_000).dense(100_000))
                .getMessage().contains("exceed"));
    }

    @Test
    void initialisationFollowsTheNextActivation() {
        Mlp spec = Mlp.input(200).dense(300).relu().dense(300).tanh().dense(1);
        try (Network net = Network.create(spec, 9)) {
            List<Dense> d = spec.denseLayers();
            double heStd = Math.sqrt(2.0 / 200), xavierLimit = Math.sqrt(6.0 / 600);
            float[] w0 = net.weights(d.get(0)), w1 = net.weights(d.get(1));
            assertEquals(heStd, std(w0), heStd * 0.02, "He before ReLU: std sqrt(2 / in)");
            assertEquals(xavierLimit / Math.sqrt(3), std(w1), xavierLimit * 0.02, "Xavier before tanh: uniform");
            float max = 0;
            for (float v : w1) {
                max = Math.max(max, Math.abs(v));
            }
            assertTrue(max <= xavierLimit, "uniform within +-sqrt(6 / (in + out))");
            assertArrayEquals(new float[300], net.bias(d.get(0)), "biases start at zero");
            try (Network again = Network.create(spec, 9); Network other = Network.create(spec, 10)) {
                assertArrayEquals(w0, again.weights(d.get(0)), 0f, "same seed, same weights");
                assertTrue(w0[0] != other.weights(d.get(0))[0], "another seed, other weights");
            }
        }
    }

    private static double std(float[] v) {
        double s = 0, q = 0;
        for (float x : v) {
            s += x;
            q += (double) x * x;
        }
        double mean = s / v.length;
        return Math.sqrt(q / v.length - mean * mean);
    }

    @Test
    void scalerStandardisesAndSurvivesConstantColumns() {
        try (Arena arena = Arena.ofConfined()) {
            Matrix x = Matrix.copyOf(arena, 4, 2, new float[] {1, 5, 2, 5, 3, 5, 4, 5});
            Scaler s = Scaler.fit(x);
            assertArrayEquals(new float[] {2.5f, 5f}, s.mean());
            assertArrayEquals(new float[] {(float) Math.sqrt(1.25), 1f}, s.std(), 1e-7f, "population std; constant -> 1");
            s.apply(x);
            assertEquals(-1.5 / Math.sqrt(1.25), x.get(0, 0), 1e-6);
            assertEquals(0f, x.get(2, 1), "a constant column maps to 0, not NaN");
            assertThrows(IllegalArgumentException.class, () -> new Scaler(new float[] {0}, new float[] {0}));
        }
    }
}
