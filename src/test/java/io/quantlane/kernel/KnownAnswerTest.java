package io.quantlane.kernel;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hand-computed answers for every kernel, through the {@link Kernels} facade (whichever path is in force).
 * These come first because the twin tests compare two implementations of this library, which could share
 * a misreading of a formula; the values here were worked out on paper.
 */
class KnownAnswerTest {

    private static final float TOL = 1e-6f;

    private static MemorySegment seg(float... values) {
        return MemorySegment.ofArray(values);
    }

    @Test
    void dotAxpyScalSumMax() {
        assertEquals(32f, Kernels.dot(3, seg(1, 2, 3), 0, 1, seg(4, 5, 6), 0, 1));
        assertEquals(32f, Kernels.dot(3, seg(9, 1, 0, 2, 0, 3), 1, 2, seg(4, 5, 6), 0, 1), "strided x from offset 1");
        assertEquals(0f, Kernels.dot(0, seg(), 0, 1, seg(), 0, 1));

        float[] y = {10, 20, 30};
        Kernels.axpy(3, 2f, seg(1, 2, 3), 0, 1, seg(y), 0, 1);
        assertArrayEquals(new float[] {12, 24, 36}, y);

        float[] x = {1, -2, 7};
        Kernels.scal(2, 3f, seg(x), 0, 1);
        assertArrayEquals(new float[] {3, -6, 7}, x, "third element untouched");

        float[] ramp = new float[17];
        for (int i = 0; i < 17; i++) {
            ramp[i] = i + 1;
        }
        assertEquals(153f, Kernels.sum(17, seg(ramp), 0, 1), "1 + ... + 17");
        assertEquals(17f, Kernels.max(17, seg(ramp), 0, 1));
        assertEquals(7f, Kernels.max(4, seg(3, -1, 7, 2), 0, 1));
        assertTrue(Float.isNaN(Kernels.max(3, seg(3, Float.NaN, 7), 0, 1)), "NaN propagates");
        assertEquals(Float.NEGATIVE_INFINITY, Kernels.max(0, seg(), 0, 1));
    }

    @Test
    void addMulFma() {
        float[] z = {10, 20};
        Kernels.add(2, seg(1, 2), 0, 1, seg(3, 4), 0, 1, seg(z), 0, 1);
        assertArrayEquals(new float[] {4, 6}, z);
        Kernels.mul(2, seg(1, 2), 0, 1, seg(3, 4), 0, 1, seg(z), 0, 1);
        assertArrayEquals(new float[] {3, 8}, z);
        z = new float[] {10, 20};
        Kernels.fma(2, seg(1, 2), 0, 1, seg(3, 4), 0, 1, seg(z), 0, 1);
        assertArrayEquals(new float[] {13, 28}, z);
    }

    @Test
    void gemvAndTranspose() {
        MemorySegment a = seg(1, 2, 3, 4, 5, 6);          // [[1 2 3] [4 5 6]]
        float[] y = {1, 1};
        Kernels.gemv(2, 3, 2f, a, 0, 3, seg(1, 1, 1), 0, 1, 1f, seg(y), 0, 1);
        assertArrayEquals(new float[] {13, 31}, y, "2 * [6 15] + [1 1]");

        float[] yt = {Float.NaN, Float.NaN, Float.NaN};
        Kernels.gemvT(2, 3, 1f, a, 0, 3, seg(1, 2), 0, 1, 0f, seg(yt), 0, 1);
        assertArrayEquals(new float[] {9, 12, 15}, yt, "beta = 0 ignores the NaN in y");

        // denseRow: y = relu(x W + b) with W = a as (in 2 x out 3), x = [1 2], b = [-10 0 1]: [9 12 15] + b
        float[] yd = {Float.NaN, Float.NaN, Float.NaN};
        Kernels.denseRow(2, 3, seg(1, 2), 0, a, 0, 3, seg(-10, 0, 1), 0, true, seg(yd), 0);
        assertArrayEquals(new float[] {0, 12, 16}, yd, "max(-1, 0), 12, 16");
        Kernels.denseRow(2, 3, seg(1, 2), 0, a, 0, 3, seg(-10, 0, 1), 0, false, seg(yd), 0);
        assertArrayEquals(new float[] {-1, 12, 16}, yd, "no ReLU");
        float[] one = {Float.NaN};
        Kernels.denseRow(3, 1, seg(1, 2, 3), 0, seg(1, 1, 2), 0, 1, seg(0.5f), 0, false, seg(one), 0);
        assertArrayEquals(new float[] {9.5f}, one, "one unit: 1 + 2 + 6 + 0.5");

        // lda 4 with a padding column that must be ignored
        MemorySegment padded = seg(1, 2, 3, 99, 4, 5, 6, 99);
        float[] y2 = new float[2];
        Kernels.gemv(2, 3, 1f, padded, 0, 4, seg(1, 0, 1), 0, 1, 0f, seg(y2), 0, 1);
        assertArrayEquals(new float[] {4, 10}, y2);
    }

    @Test
    void sgemmAllFourTranspositions() {
        // A = [[1 2] [3 4]], B = [[5 6] [7 8]]: AB = [[19 22] [43 50]], A^T B = [[26 30] [38 44]],
        // A B^T = [[17 23] [39 53]], A^T B^T = [[23 31] [34 46]].
        MemorySegment a = seg(1, 2, 3, 4), b = seg(5, 6, 7, 8);
        float[][] want = {{19, 22, 43, 50}, {26, 30, 38, 44}, {17, 23, 39, 53}, {23, 31, 34, 46}};
        for (int t = 0; t < 4; t++) {
            float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
            Kernels.sgemm((t & 1) != 0, (t & 2) != 0, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, seg(c), 0, 2);
            int index = ((t & 1) != 0 ? 1 : 0) + ((t & 2) != 0 ? 2 : 0);
            assertArrayEquals(want[index], c, "transA " + ((t & 1) != 0) + ", transB " + ((t & 2) != 0)
                    + "; beta = 0 ignores the NaN in C");
        }
        float[] c = {1, 1, 1, 1};
        Kernels.sgemm(false, false, 2, 2, 2, 2f, a, 0, 2, b, 0, 2, 1f, seg(c), 0, 2);
        assertArrayEquals(new float[] {39, 45, 87, 101}, c, "2 AB + C");
        float[] untouchedByNaN = {3, 4, 5, 6};
        Kernels.sgemm(false, false, 2, 2, 2, 0f, seg(Float.NaN, 0, 0, 0), 0, 2, b, 0, 2, 2f, seg(untouchedByNaN), 0, 2);
        assertArrayEquals(new float[] {6, 8, 10, 12}, untouchedByNaN, "alpha = 0: A is not read, C = beta C");
    }

    @Test
    void biasAndColumnSums() {
        float[] a = {1, 2, 3, 4};
        Kernels.addBias(2, 2, seg(a), 0, 2, seg(10, 20), 0);
        assertArrayEquals(new float[] {11, 22, 13, 24}, a);

        float[] out = {1, 1};
        Kernels.colSums(2, 2, seg(1, 2, 3, 4), 0, 2, 1f, seg(out), 0);
        assertArrayEquals(new float[] {5, 7}, out, "[4 6] accumulated onto [1 1]");
        out = new float[] {Float.NaN, Float.NaN};
        Kernels.colSums(2, 2, seg(1, 2, 3, 4), 0, 2, 0f, seg(out), 0);
        assertArrayEquals(new float[] {4, 6}, out);
    }

    @Test
    void reluFamily() {
        float[] y = new float[3];
        Kernels.relu(3, seg(-1, 0, 2), 0, seg(y), 0);
        assertArrayEquals(new float[] {0, 0, 2}, y);
        Kernels.reluBackward(3, seg(-1, 0, 2), 0, seg(5, 5, 5), 0, seg(y), 0);
        assertArrayEquals(new float[] {0, 0, 5}, y, "gradient passes only where x > 0");
        Kernels.leakyRelu(2, 0.1f, seg(-1, 2), 0, seg(y), 0);
        assertArrayEquals(new float[] {-0.1f, 2, 5}, y);
        Kernels.leakyReluBackward(2, 0.1f, seg(-1, 2), 0, seg(5, 5), 0, seg(y), 0);
        assertArrayEquals(new float[] {0.5f, 5, 5}, y, 1e-7f);
    }

    @Test
    void expSigmoidTanhGelu() {
        float ln2 = (float) Math.log(2), ln3 = (float) Math.log(3);
        float[] y = new float[3];
        Kernels.exp(3, seg(0, 1, ln2), 0, seg(y), 0);
        assertArrayEquals(new float[] {1, (float) Math.E, 2}, y, 1e-6f);

        Kernels.sigmoid(2, seg(0, ln3), 0, seg(y), 0);
        assertArrayEquals(new float[] {0.5f, 0.75f}, new float[] {y[0], y[1]}, TOL, "1 / (1 + 1/3) = 3/4");
        Kernels.sigmoidBackward(1, seg(0.5f), 0, seg(1), 0, seg(y), 0);
        assertEquals(0.25f, y[0], TOL);

        Kernels.tanh(2, seg(0, ln2), 0, seg(y), 0);
        assertArrayEquals(new float[] {0f, 0.6f}, new float[] {y[0], y[1]}, TOL, "(2 - 1/2) / (2 + 1/2)");
        Kernels.tanhBackward(1, seg(0.6f), 0, seg(2), 0, seg(y), 0);
        assertEquals(1.28f, y[0], TOL, "2 (1 - 0.36)");

        Kernels.gelu(3, seg(1, 0, 10), 0, seg(y), 0);
        // 0.5 (1 + tanh(sqrt(2/pi) * 1.044715)) = 0.5 (1 + tanh(0.833562)) = 0.841192
        assertArrayEquals(new float[] {0.841192f, 0f, 10f}, y, 1e-5f);
        Kernels.geluBackward(1, seg(0), 0, seg(3), 0, seg(y), 0);
        assertEquals(1.5f, y[0], TOL, "gelu'(0) = 1/2");
    }

    @Test
    void softmaxAndLogSoftmax() {
        float ln2 = (float) Math.log(2), ln3 = (float) Math.log(3);
        float[] y = new float[3];
        Kernels.softmax(1, 3, seg(0, ln2, ln3), 0, 3, seg(y), 0, 3);
        assertArrayEquals(new float[] {1 / 6f, 2 / 6f, 3 / 6f}, y, TOL, "weights 1 : 2 : 3");
        Kernels.logSoftmax(1, 3, seg(0, ln2, ln3), 0, 3, seg(y), 0, 3);
        assertArrayEquals(new float[] {(float) Math.log(1 / 6.0), (float) Math.log(2 / 6.0), (float) Math.log(0.5)}, y, TOL);

        float[] big = {1000, 1000, -1000, 0};
        Kernels.softmax(2, 2, seg(big), 0, 2, seg(big), 0, 2);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0f, 1f}, big, TOL, "no overflow at 1000; in place");
    }

    @Test
    void losses() {
        float[] g = new float[2];
        assertEquals(2.5f, Kernels.mseLoss(2, seg(1, 2), 0, seg(0, 0), 0, seg(g), 0), TOL, "(1 + 4) / 2");
        assertArrayEquals(new float[] {1, 2}, g, TOL, "2 (p - t) / n");

        // Huber, delta = 1: d = 0.5 is quadratic (0.125), d = -3 is linear (1 * (3 - 0.5) = 2.5).
        assertEquals((0.125f + 2.5f) / 2, Kernels.huberLoss(2, 1f, seg(0.5f, -1), 0, seg(0, 2), 0, seg(g), 0), TOL);
        assertArrayEquals(new float[] {0.25f, -0.5f}, g, TOL, "clamp(d, -1, 1) / n");
        assertEquals(4.5f, Kernels.huberLoss(1, 4f, seg(3), 0, seg(0), 0, seg(g), 0), TOL,
                "|d| = 3 <= delta = 4: d^2 / 2");

        float ln2 = (float) Math.log(2);
        assertEquals(ln2, Kernels.bceWithLogitsLoss(1, seg(0), 0, seg(1), 0, 1f, seg(g), 0), TOL);
        assertEquals(-0.5f, g[0], TOL, "sigmoid(0) - 1");
        assertEquals(2 * ln2, Kernels.bceWithLogitsLoss(1, seg(0), 0, seg(1), 0, 2f, seg(g), 0), TOL, "posWeight 2");
        assertEquals(-1f, g[0], TOL, "0.5 * 2 - 2");
        assertEquals(100f, Kernels.bceWithLogitsLoss(1, seg(100), 0, seg(0), 0, 1f, seg(g), 0), 1e-4f, "stable at z = 100");
        assertEquals(1f, g[0], TOL);

        float[] gz = new float[3];
        float loss = Kernels.softmaxCrossEntropyLoss(1, 3, seg(0, ln2, (float) Math.log(3)), 0, 3, seg(0, 0, 1), 0, 3,
                seg(gz), 0, 3);
        assertEquals(ln2, loss, TOL, "-log(1/2)");
        assertArrayEquals(new float[] {1 / 6f, 1 / 3f, -0.5f}, gz, TOL, "softmax - onehot");
    }

    @Test
    void optimizers() {
        float[] w = {1};
        Kernels.sgd(1, 0.1f, 0f, seg(w), 0, seg(0.5f), 0);
        assertEquals(0.95f, w[0], TOL);
        w[0] = 1;
        Kernels.sgd(1, 0.1f, 0.1f, seg(w), 0, seg(0.5f), 0);
        assertEquals(0.94f, w[0], TOL, "g + wd w = 0.6");

        float[] v = {1};
        w[0] = 1;
        Kernels.sgdMomentum(1, 0.1f, 0.9f, 0f, false, seg(w), 0, seg(0.5f), 0, seg(v), 0);
        assertEquals(1.4f, v[0], TOL, "0.9 * 1 + 0.5");
        assertEquals(0.86f, w[0], TOL);
        v[0] = 1;
        w[0] = 1;
        Kernels.sgdMomentum(1, 0.1f, 0.9f, 0f, true, seg(w), 0, seg(0.5f), 0, seg(v), 0);
        assertEquals(0.824f, w[0], TOL, "nesterov: 1 - 0.1 (0.5 + 0.9 * 1.4)");

        float[] m = {0};
        v[0] = 0;
        w[0] = 1;
        Kernels.adam(1, 0.1f, 0.9f, 0.999f, 1e-8f, 0f, 1, seg(w), 0, seg(0.5f), 0, seg(m), 0, seg(v), 0);
        assertEquals(0.05f, m[0], TOL);
        assertEquals(0.00025f, v[0], 1e-8f, "(1 - 0.999f) * 0.25; 0.999f itself is 0.999 - 1.3e-8");
        assertEquals(0.9f, w[0], TOL, "the first Adam step moves by lr: mhat / sqrt(vhat) = 1");
        m[0] = 0;
        v[0] = 0;
        w[0] = 1;
        Kernels.adamW(1, 0.1f, 0.9f, 0.999f, 1e-8f, 0.1f, 1, seg(w), 0, seg(0.5f), 0, seg(m), 0, seg(v), 0);
        assertEquals(0.89f, w[0], TOL, "1 * (1 - 0.1 * 0.1) - 0.1");
    }
}
