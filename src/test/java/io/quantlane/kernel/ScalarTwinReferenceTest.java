package io.quantlane.kernel;

import io.quantlane.kernel.scalar.ScalarKernels;
import io.quantlane.testing.Tolerance;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.lang.foreign.MemorySegment;
import java.util.Random;

/**
 * The scalar twin, which every SIMD kernel is held to, held in turn to formulas evaluated in double.
 * A float implementation is within about n ulps of the double truth for an n-term reduction and within
 * one or two ulps for a correctly rounded element-wise function.
 */
class ScalarTwinReferenceTest {

    private static final ScalarKernels TWIN = new ScalarKernels();

    @Provide
    static Arbitrary<Integer> sizes() {
        return KernelTwinPropertiesTest.sizes();
    }

    private static float[] random(Random rnd, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    private static MemorySegment seg(float[] a) {
        return MemorySegment.ofArray(a);
    }

    @Property(tries = 100)
    void reductions(@ForAll("sizes") int n, @ForAll long seed) {
        Random rnd = new Random(seed);
        float[] x = random(rnd, n, 10), y = random(rnd, n, 10);
        double dot = 0, dotMag = 0, sum = 0, sumMag = 0;
        for (int i = 0; i < n; i++) {
            dot += (double) x[i] * y[i];
            dotMag += Math.abs((double) x[i] * y[i]);
            sum += x[i];
            sumMag += Math.abs(x[i]);
        }
        Tolerance.reduction(n, 2).assertClose("dot", TWIN.dot(n, seg(x), 0, 1, seg(y), 0, 1), dot, dotMag);
        Tolerance.reduction(n, 2).assertClose("sum", TWIN.sum(n, seg(x), 0, 1), sum, sumMag);
    }

    @Property(tries = 60)
    void gemvAndColSums(@ForAll("sizes") int n, @ForAll long seed) {
        Random rnd = new Random(seed);
        int m = 1 + rnd.nextInt(9);
        float[] a = random(rnd, m * n, 1), x = random(rnd, n, 1), xt = random(rnd, m, 1);
        float[] y = new float[m], yt = new float[n], cs = new float[n];
        TWIN.gemv(m, n, 1f, seg(a), 0, Math.max(1, n), seg(x), 0, 1, 0f, seg(y), 0, 1);
        TWIN.gemvT(m, n, 1f, seg(a), 0, Math.max(1, n), seg(xt), 0, 1, 0f, seg(yt), 0, 1);
        TWIN.colSums(m, n, seg(a), 0, Math.max(1, n), 0f, seg(cs), 0);
        for (int i = 0; i < m; i++) {
            double ref = 0, mag = 0;
            for (int j = 0; j < n; j++) {
                ref += (double) a[i * n + j] * x[j];
                mag += Math.abs((double) a[i * n + j] * x[j]);
            }
            Tolerance.reduction(n, 2).assertClose("gemv y[" + i + "]", y[i], ref, mag);
        }
        for (int j = 0; j < n; j++) {
            double ref = 0, mag = 0, col = 0, colMag = 0;
            for (int i = 0; i < m; i++) {
                ref += (double) a[i * n + j] * xt[i];
                mag += Math.abs((double) a[i * n + j] * xt[i]);
                col += a[i * n + j];
                colMag += Math.abs(a[i * n + j]);
            }
            Tolerance.reduction(m, 2).assertClose("gemvT y[" + j + "]", yt[j], ref, mag);
            Tolerance.reduction(m, 2).assertClose("colSums[" + j + "]", cs[j], col, colMag);
        }
    }

    @Property(tries = 40)
    void sgemmAgainstDouble(@ForAll("sizes") int k, @ForAll boolean transA, @ForAll boolean transB, @ForAll long seed) {
        Random rnd = new Random(seed);
        int m = 1 + rnd.nextInt(5), n = 1 + rnd.nextInt(5);
        k = Math.min(k, 700);
        float[] a = random(rnd, m * k, 1), b = random(rnd, k * n, 1), c = new float[m * n];
        int lda = transA ? m : Math.max(1, k), ldb = transB ? Math.max(1, k) : n;
        TWIN.sgemm(transA, transB, m, n, k, 1f, seg(a), 0, lda, seg(b), 0, ldb, 0f, seg(c), 0, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double ref = 0, mag = 0;
                for (int p = 0; p < k; p++) {
                    double term = (double) (transA ? a[p * lda + i] : a[i * lda + p]) * (transB ? b[j * ldb + p] : b[p * ldb + j]);
                    ref += term;
                    mag += Math.abs(term);
                }
                Tolerance.reduction(k, 2).assertClose("C[" + i + "][" + j + "]", c[i * n + j], ref, mag);
            }
        }
    }

    @Property(tries = 60)
    void transcendentals(@ForAll("sizes") int n, @ForAll long seed) {
        Random rnd = new Random(seed);
        float[] x = random(rnd, n, 20);
        float[] e = new float[n], s = new float[n], t = new float[n], g = new float[n], dg = new float[n];
        float[] ones = new float[n];
        java.util.Arrays.fill(ones, 1f);
        TWIN.exp(n, seg(x), 0, seg(e), 0);
        TWIN.sigmoid(n, seg(x), 0, seg(s), 0);
        TWIN.tanh(n, seg(x), 0, seg(t), 0);
        TWIN.gelu(n, seg(x), 0, seg(g), 0);
        TWIN.geluBackward(n, seg(x), 0, seg(ones), 0, seg(dg), 0);
        Tolerance one = Tolerance.ulps(1);
        for (int i = 0; i < n; i++) {
            double v = x[i];
            one.assertClose("exp(" + v + ")", e[i], Math.exp(v));
            one.assertClose("sigmoid(" + v + ")", s[i], 1 / (1 + Math.exp(-v)));
            one.assertClose("tanh(" + v + ")", t[i], Math.tanh(v));
            double u = Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v);
            one.assertClose("gelu(" + v + ")", g[i], 0.5 * v * (1 + Math.tanh(u)), Math.abs(v) * 1e-9);
            double h = 1e-4 * Math.max(1, Math.abs(v));   // central difference of the double formula
            double up = v + h, dn = v - h;
            double fUp = 0.5 * up * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (up + 0.044715 * up * up * up)));
            double fDn = 0.5 * dn * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (dn + 0.044715 * dn * dn * dn)));
            new Tolerance(1e-4, 1e-6).assertClose("gelu'(" + v + ")", dg[i], (fUp - fDn) / (2 * h));
        }
    }

    @Property(tries = 60)
    void softmaxAndLosses(@ForAll("sizes") int cols, @ForAll long seed) {
        Random rnd = new Random(seed);
        float[] z = random(rnd, cols, 30);
        float[] sm = new float[cols], lsm = new float[cols], grad = new float[cols];
        TWIN.softmax(1, cols, seg(z), 0, Math.max(1, cols), seg(sm), 0, Math.max(1, cols));
        TWIN.logSoftmax(1, cols, seg(z), 0, Math.max(1, cols), seg(lsm), 0, Math.max(1, cols));
        double max = Double.NEGATIVE_INFINITY, total = 0;
        for (float v : z) {
            max = Math.max(max, v);
        }
        for (float v : z) {
            total += Math.exp(v - max);
        }
        Tolerance tol = Tolerance.reduction(cols, 4);
        for (int j = 0; j < cols; j++) {
            // x - max is rounded to float before exp: a relative error of |x - max| ulps, inherent to float.
            double ref = Math.exp(z[j] - max) / total;
            tol.assertClose("softmax[" + j + "]", sm[j], ref, ref * (1 + Math.abs(z[j] - max)));
            tol.assertClose("logSoftmax[" + j + "]", lsm[j], z[j] - max - Math.log(total), Math.abs(z[j]) + Math.abs(max) + 5);
        }
        if (cols > 0) {
            float[] onehot = new float[cols];
            int label = rnd.nextInt(cols);
            onehot[label] = 1;
            float loss = TWIN.softmaxCrossEntropyLoss(1, cols, seg(z), 0, cols, seg(onehot), 0, cols, seg(grad), 0, cols);
            tol.assertClose("softmax CE", loss, -(z[label] - max - Math.log(total)), Math.abs(z[label]) + Math.abs(max) + 5);
        }

        float[] t = new float[cols];
        for (int i = 0; i < cols; i++) {
            t[i] = rnd.nextInt(2);
        }
        float bce = TWIN.bceWithLogitsLoss(cols, seg(z), 0, seg(t), 0, 1f, seg(grad), 0);
        float mse = TWIN.mseLoss(cols, seg(z), 0, seg(t), 0, seg(new float[cols]), 0);
        double bceRef = 0, mseRef = 0;
        for (int i = 0; i < cols; i++) {
            double p = 1 / (1 + Math.exp(-z[i]));
            // -[t log p + (1 - t) log(1 - p)] with log p = -log1p(e^-z) and log(1 - p) = -log1p(e^z), which
            // keep full precision in double where 1 - p would cancel.
            bceRef += t[i] * Math.log1p(Math.exp(-z[i])) + (1 - t[i]) * Math.log1p(Math.exp(z[i]));
            mseRef += (z[i] - t[i]) * (double) (z[i] - t[i]);
            double pNeg = 1 / (1 + Math.exp(z[i]));   // 1 - p, without cancellation
            Tolerance.ulps(4).assertClose("bce grad[" + i + "]", grad[i], ((1 - t[i]) * p - t[i] * pNeg) / cols);
        }
        if (cols > 0) {
            tol.assertClose("bce", bce, bceRef / cols, 30);
            tol.assertClose("mse", mse, mseRef / cols);
        }
    }

    @Property(tries = 40)
    void adamAgainstDouble(@ForAll("sizes") int n, @ForAll long seed) {
        Random rnd = new Random(seed);
        float[] w = random(rnd, n, 1), g = random(rnd, n, 1), m = random(rnd, n, 0.1), v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextFloat() * 0.01f;
        }
        float[] w0 = w.clone(), m0 = m.clone(), v0 = v.clone();
        int step = 1 + rnd.nextInt(100);
        TWIN.adamW(n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, step, seg(w), 0, seg(g), 0, seg(m), 0, seg(v), 0);
        for (int i = 0; i < n; i++) {
            double b1 = 0.9f, b2 = 0.999f;   // the float hyper-parameters, as the kernel sees them
            double mi = b1 * m0[i] + (1 - b1) * g[i];
            double vi = b2 * v0[i] + (1 - b2) * g[i] * (double) g[i];
            double mhat = mi / (1 - Math.pow(b1, step)), vhat = vi / (1 - Math.pow(b2, step));
            double wi = w0[i] * (1 - 1e-3f * (double) 0.01f) - 1e-3f * mhat / (Math.sqrt(vhat) + 1e-8f);
            // w goes through seven roundings (shrink, c1, lr, c2, sqrt, divide, subtract): 12 ulps of its terms.
            Tolerance.ulps(8).assertClose("adamW m[" + i + "]", m[i], mi, Math.abs(m0[i]) + Math.abs(g[i]));
            Tolerance.ulps(8).assertClose("adamW v[" + i + "]", v[i], vi, v0[i] + g[i] * g[i]);
            Tolerance.ulps(12).assertClose("adamW w[" + i + "]", w[i], wi, Math.abs(w0[i]) + 1e-3 * Math.abs(mhat / (Math.sqrt(vhat) + 1e-8)));
        }
    }
}
