package io.quantlane.kernel.scalar;

import io.quantlane.kernel.FloatKernels;
import io.quantlane.kernel.Parallel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The scalar twin: every kernel of {@link FloatKernels} written as the plainest loop that states the
 * formula, in float arithmetic, with {@link Math#exp} and {@link Math#tanh} for transcendentals. It is the
 * reference the SIMD kernels are tested against, and the fallback when the Vector API is unavailable.
 *
 * <p>Arguments are assumed valid (see {@code Kernels}, which checks them).
 */
public final class ScalarKernels implements FloatKernels {

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    @Override
    public int vectorBits() {
        return 0;
    }

    @Override
    public String describe() {
        return "scalar (plain Java loops, Math.exp / Math.tanh)";
    }

    private static float get(MemorySegment s, long index) {
        return s.getAtIndex(F, index);
    }

    private static void set(MemorySegment s, long index, float v) {
        s.setAtIndex(F, index, v);
    }

    private static double getD(MemorySegment s, long index) {
        return s.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, index);
    }

    private static void setD(MemorySegment s, long index, double v) {
        s.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, index, v);
    }

    @Override
    public float dot(int n, MemorySegment x, long xOff, int incX, MemorySegment y, long yOff, int incY) {
        float acc = 0f;
        for (int i = 0; i < n; i++) {
            acc += get(x, xOff + (long) i * incX) * get(y, yOff + (long) i * incY);
        }
        return acc;
    }

    @Override
    public void axpy(int n, float alpha, MemorySegment x, long xOff, int incX, MemorySegment y, long yOff, int incY) {
        for (int i = 0; i < n; i++) {
            long yi = yOff + (long) i * incY;
            set(y, yi, get(y, yi) + alpha * get(x, xOff + (long) i * incX));
        }
    }

    @Override
    public void scal(int n, float alpha, MemorySegment x, long xOff, int incX) {
        for (int i = 0; i < n; i++) {
            long xi = xOff + (long) i * incX;
            set(x, xi, alpha * get(x, xi));
        }
    }

    @Override
    public float sum(int n, MemorySegment x, long xOff, int incX) {
        float acc = 0f;
        for (int i = 0; i < n; i++) {
            acc += get(x, xOff + (long) i * incX);
        }
        return acc;
    }

    @Override
    public float max(int n, MemorySegment x, long xOff, int incX) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, get(x, xOff + (long) i * incX));
        }
        return m;
    }

    @Override
    public void add(int n, MemorySegment x, long xOff, int incX, MemorySegment y, long yOff, int incY,
                    MemorySegment z, long zOff, int incZ) {
        for (int i = 0; i < n; i++) {
            set(z, zOff + (long) i * incZ, get(x, xOff + (long) i * incX) + get(y, yOff + (long) i * incY));
        }
    }

    @Override
    public void mul(int n, MemorySegment x, long xOff, int incX, MemorySegment y, long yOff, int incY,
                    MemorySegment z, long zOff, int incZ) {
        for (int i = 0; i < n; i++) {
            set(z, zOff + (long) i * incZ, get(x, xOff + (long) i * incX) * get(y, yOff + (long) i * incY));
        }
    }

    @Override
    public void fma(int n, MemorySegment x, long xOff, int incX, MemorySegment y, long yOff, int incY,
                    MemorySegment z, long zOff, int incZ) {
        for (int i = 0; i < n; i++) {
            long zi = zOff + (long) i * incZ;
            set(z, zi, Math.fma(get(x, xOff + (long) i * incX), get(y, yOff + (long) i * incY), get(z, zi)));
        }
    }

    @Override
    public void gemv(int m, int n, float alpha, MemorySegment a, long aOff, int lda, MemorySegment x, long xOff,
                     int incX, float beta, MemorySegment y, long yOff, int incY) {
        for (int i = 0; i < m; i++) {
            float acc = 0f;
            for (int j = 0; j < n; j++) {
                acc += get(a, aOff + (long) i * lda + j) * get(x, xOff + (long) j * incX);
            }
            long yi = yOff + (long) i * incY;
            set(y, yi, beta == 0f ? alpha * acc : alpha * acc + beta * get(y, yi));
        }
    }

    @Override
    public void gemvT(int m, int n, float alpha, MemorySegment a, long aOff, int lda, MemorySegment x, long xOff,
                      int incX, float beta, MemorySegment y, long yOff, int incY) {
        for (int j = 0; j < n; j++) {
            float acc = 0f;
            for (int i = 0; i < m; i++) {
                acc += get(a, aOff + (long) i * lda + j) * get(x, xOff + (long) i * incX);
            }
            long yj = yOff + (long) j * incY;
            set(y, yj, beta == 0f ? alpha * acc : alpha * acc + beta * get(y, yj));
        }
    }

    @Override
    public void denseRow(int in, int out, MemorySegment x, long xOff, MemorySegment w, long wOff, int ldw,
                         MemorySegment b, long bOff, boolean relu, MemorySegment y, long yOff) {
        for (int j = 0; j < out; j++) {
            float acc = get(b, bOff + j);
            for (int i = 0; i < in; i++) {
                acc += get(x, xOff + i) * get(w, wOff + (long) i * ldw + j);
            }
            set(y, yOff + j, relu ? Math.max(acc, 0f) : acc);
        }
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, long aOff,
                      int lda, MemorySegment b, long bOff, int ldb, float beta, MemorySegment c, long cOff, int ldc,
                      Parallel par) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long cij = cOff + (long) i * ldc + j;
                float acc = 0f;
                if (alpha != 0f) {
                    for (int p = 0; p < k; p++) {
                        float aip = transA ? get(a, aOff + (long) p * lda + i) : get(a, aOff + (long) i * lda + p);
                        float bpj = transB ? get(b, bOff + (long) j * ldb + p) : get(b, bOff + (long) p * ldb + j);
                        acc += aip * bpj;
                    }
                }
                set(c, cij, beta == 0f ? alpha * acc : alpha * acc + beta * get(c, cij));
            }
        }
    }

    /** The same loops as sgemm, in double. Runs on the caller's thread whatever {@code par} says. */
    @Override
    public void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha, MemorySegment a, long aOff,
                      int lda, MemorySegment b, long bOff, int ldb, double beta, MemorySegment c, long cOff, int ldc,
                      Parallel par) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long cij = cOff + (long) i * ldc + j;
                double acc = 0;
                if (alpha != 0) {
                    for (int p = 0; p < k; p++) {
                        double aip = transA ? getD(a, aOff + (long) p * lda + i) : getD(a, aOff + (long) i * lda + p);
                        double bpj = transB ? getD(b, bOff + (long) j * ldb + p) : getD(b, bOff + (long) p * ldb + j);
                        acc += aip * bpj;
                    }
                }
                setD(c, cij, beta == 0 ? alpha * acc : alpha * acc + beta * getD(c, cij));
            }
        }
    }

    @Override
    public void addBias(int rows, int cols, MemorySegment a, long aOff, int lda, MemorySegment bias, long biasOff) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                long aij = aOff + (long) i * lda + j;
                set(a, aij, get(a, aij) + get(bias, biasOff + j));
            }
        }
    }

    @Override
    public void colSums(int rows, int cols, MemorySegment a, long aOff, int lda, float beta,
                        MemorySegment out, long outOff) {
        for (int j = 0; j < cols; j++) {
            float acc = 0f;
            for (int i = 0; i < rows; i++) {
                acc += get(a, aOff + (long) i * lda + j);
            }
            set(out, outOff + j, beta == 0f ? acc : acc + beta * get(out, outOff + j));
        }
    }

    @Override
    public void relu(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        for (int i = 0; i < n; i++) {
            set(y, yOff + i, Math.max(get(x, xOff + i), 0f));   // NaN stays NaN, -0 becomes 0
        }
    }

    @Override
    public void reluBackward(int n, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                             MemorySegment dx, long dxOff) {
        for (int i = 0; i < n; i++) {
            set(dx, dxOff + i, get(x, xOff + i) > 0f ? get(dy, dyOff + i) : 0f);
        }
    }

    @Override
    public void leakyRelu(int n, float slope, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        for (int i = 0; i < n; i++) {
            float v = get(x, xOff + i);
            set(y, yOff + i, v > 0f ? v : slope * v);
        }
    }

    @Override
    public void leakyReluBackward(int n, float slope, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                                  MemorySegment dx, long dxOff) {
        for (int i = 0; i < n; i++) {
            float g = get(dy, dyOff + i);
            set(dx, dxOff + i, get(x, xOff + i) > 0f ? g : slope * g);
        }
    }

    @Override
    public void exp(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        for (int i = 0; i < n; i++) {
            set(y, yOff + i, (float) Math.exp(get(x, xOff + i)));
        }
    }

    @Override
    public void sigmoid(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        for (int i = 0; i < n; i++) {
            set(y, yOff + i, sigmoid(get(x, xOff + i)));
        }
    }

    private static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    @Override
    public void sigmoidBackward(int n, MemorySegment y, long yOff, MemorySegment dy, long dyOff,
                                MemorySegment dx, long dxOff) {
        for (int i = 0; i < n; i++) {
            float s = get(y, yOff + i);
            set(dx, dxOff + i, get(dy, dyOff + i) * s * (1f - s));
        }
    }

    @Override
    public void tanh(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        for (int i = 0; i < n; i++) {
            set(y, yOff + i, (float) Math.tanh(get(x, xOff + i)));
        }
    }

    @Override
    public void tanhBackward(int n, MemorySegment y, long yOff, MemorySegment dy, long dyOff,
                             MemorySegment dx, long dxOff) {
        for (int i = 0; i < n; i++) {
            float t = get(y, yOff + i);
            set(dx, dxOff + i, get(dy, dyOff + i) * (1f - t * t));
        }
    }

    // GELU in double: in float, 1 + tanh(u) cancels to 0 for x below about -5 while the true value is
    // still a normal float, so the twin would be the less accurate side.
    private static final double SQRT_2_OVER_PI_D = Math.sqrt(2.0 / Math.PI);
    private static final double GELU_C_D = 0.044715;

    @Override
    public void gelu(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        for (int i = 0; i < n; i++) {
            double v = get(x, xOff + i);
            double u = SQRT_2_OVER_PI_D * (v + GELU_C_D * v * v * v);
            set(y, yOff + i, (float) (v / (1.0 + Math.exp(-2.0 * u))));   // = 0.5 v (1 + tanh u)
        }
    }

    @Override
    public void geluBackward(int n, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                             MemorySegment dx, long dxOff) {
        for (int i = 0; i < n; i++) {
            double v = get(x, xOff + i);
            double u = SQRT_2_OVER_PI_D * (v + GELU_C_D * v * v * v);
            double du = SQRT_2_OVER_PI_D * (1.0 + 3.0 * GELU_C_D * v * v);
            double s = 1.0 / (1.0 + Math.exp(-2.0 * u));                    // = 0.5 (1 + tanh u)
            set(dx, dxOff + i, (float) (get(dy, dyOff + i) * (s + v * s * (1.0 - s) * 2.0 * du)));
        }
    }

    @Override
    public void softmax(int rows, int cols, MemorySegment x, long xOff, int ldx, MemorySegment y, long yOff, int ldy) {
        for (int r = 0; r < rows; r++) {
            long xr = xOff + (long) r * ldx;
            long yr = yOff + (long) r * ldy;
            float max = max(cols, x, xr, 1);
            float total = 0f;
            for (int j = 0; j < cols; j++) {
                float e = (float) Math.exp(get(x, xr + j) - max);
                set(y, yr + j, e);
                total += e;
            }
            for (int j = 0; j < cols; j++) {
                set(y, yr + j, get(y, yr + j) / total);
            }
        }
    }

    @Override
    public void logSoftmax(int rows, int cols, MemorySegment x, long xOff, int ldx,
                           MemorySegment y, long yOff, int ldy) {
        for (int r = 0; r < rows; r++) {
            long xr = xOff + (long) r * ldx;
            long yr = yOff + (long) r * ldy;
            float max = max(cols, x, xr, 1);
            float total = 0f;
            for (int j = 0; j < cols; j++) {
                total += (float) Math.exp(get(x, xr + j) - max);
            }
            float shift = max + (float) Math.log(total);
            for (int j = 0; j < cols; j++) {
                set(y, yr + j, get(x, xr + j) - shift);
            }
        }
    }

    @Override
    public float mseLoss(int n, MemorySegment pred, long predOff, MemorySegment target, long targetOff,
                         MemorySegment grad, long gradOff) {
        if (n == 0) {
            return 0f;
        }
        float loss = 0f;
        float scale = 2f / n;
        for (int i = 0; i < n; i++) {
            float d = get(pred, predOff + i) - get(target, targetOff + i);
            loss += d * d;
            set(grad, gradOff + i, scale * d);
        }
        return loss / n;
    }

    @Override
    public float huberLoss(int n, float delta, MemorySegment pred, long predOff, MemorySegment target, long targetOff,
                           MemorySegment grad, long gradOff) {
        if (n == 0) {
            return 0f;
        }
        float loss = 0f;
        for (int i = 0; i < n; i++) {
            float d = get(pred, predOff + i) - get(target, targetOff + i);
            float a = Math.abs(d);
            loss += a <= delta ? 0.5f * d * d : delta * (a - 0.5f * delta);
            set(grad, gradOff + i, Math.max(-delta, Math.min(delta, d)) / n);
        }
        return loss / n;
    }

    @Override
    public float bceWithLogitsLoss(int n, MemorySegment logits, long logitsOff, MemorySegment target,
                                   long targetOff, float posWeight, MemorySegment grad, long gradOff) {
        if (n == 0) {
            return 0f;
        }
        float loss = 0f;
        for (int i = 0; i < n; i++) {
            float z = get(logits, logitsOff + i);
            float t = get(target, targetOff + i);
            // softplus(z) = log(1 + e^z) = max(z, 0) + log1p(e^-|z|), and softplus(-z) = softplus(z) - z.
            float spPos = Math.max(z, 0f) + (float) Math.log1p(Math.exp(-Math.abs(z)));
            float spNeg = spPos - z;
            loss += posWeight * t * spNeg + (1f - t) * spPos;
            // (1 - t) sigmoid(z) - w t sigmoid(-z): the same as sigmoid(z) (w t + 1 - t) - w t, without the
            // cancellation of sigmoid(z) - 1 when z is large.
            double sPos = 1.0 / (1.0 + Math.exp(-z)), sNeg = 1.0 / (1.0 + Math.exp(z));
            set(grad, gradOff + i, (float) (((1.0 - t) * sPos - posWeight * t * sNeg) / n));
        }
        return loss / n;
    }

    @Override
    public float softmaxCrossEntropyLoss(int rows, int cols, MemorySegment logits, long logitsOff, int ldz,
                                         MemorySegment target, long targetOff, int ldt,
                                         MemorySegment grad, long gradOff, int ldg) {
        if (rows == 0 || cols == 0) {
            return 0f;
        }
        float loss = 0f;
        for (int r = 0; r < rows; r++) {
            long zr = logitsOff + (long) r * ldz;
            long tr = targetOff + (long) r * ldt;
            long gr = gradOff + (long) r * ldg;
            float max = max(cols, logits, zr, 1);
            float total = 0f;
            for (int j = 0; j < cols; j++) {
                total += (float) Math.exp(get(logits, zr + j) - max);
            }
            float logTotal = (float) Math.log(total);
            float tSum = 0f;
            float rowLoss = 0f;
            for (int j = 0; j < cols; j++) {
                float t = get(target, tr + j);
                tSum += t;
                rowLoss -= t * (get(logits, zr + j) - max - logTotal);
            }
            for (int j = 0; j < cols; j++) {
                float p = (float) Math.exp(get(logits, zr + j) - max) / total;
                set(grad, gr + j, (p * tSum - get(target, tr + j)) / rows);
            }
            loss += rowLoss;
        }
        return loss / rows;
    }

    @Override
    public void sgd(int n, float lr, float weightDecay, MemorySegment w, long wOff, MemorySegment g, long gOff) {
        for (int i = 0; i < n; i++) {
            float wi = get(w, wOff + i);
            set(w, wOff + i, wi - lr * (get(g, gOff + i) + weightDecay * wi));
        }
    }

    @Override
    public void sgdMomentum(int n, float lr, float momentum, float weightDecay, boolean nesterov,
                            MemorySegment w, long wOff, MemorySegment g, long gOff, MemorySegment v, long vOff) {
        for (int i = 0; i < n; i++) {
            float wi = get(w, wOff + i);
            float gi = get(g, gOff + i) + weightDecay * wi;
            float vi = momentum * get(v, vOff + i) + gi;
            set(v, vOff + i, vi);
            float step = nesterov ? gi + momentum * vi : vi;
            set(w, wOff + i, wi - lr * step);
        }
    }

    @Override
    public void adam(int n, float lr, float beta1, float beta2, float eps, float weightDecay, int step,
                     MemorySegment w, long wOff, MemorySegment g, long gOff, MemorySegment m, long mOff,
                     MemorySegment v, long vOff) {
        adamStep(n, lr, beta1, beta2, eps, weightDecay, 0f, step, w, wOff, g, gOff, m, mOff, v, vOff);
    }

    @Override
    public void adamW(int n, float lr, float beta1, float beta2, float eps, float weightDecay, int step,
                      MemorySegment w, long wOff, MemorySegment g, long gOff, MemorySegment m, long mOff,
                      MemorySegment v, long vOff) {
        adamStep(n, lr, beta1, beta2, eps, 0f, weightDecay, step, w, wOff, g, gOff, m, mOff, v, vOff);
    }

    /** Adam with coupled L2 ({@code l2}) and decoupled ({@code decoupled}) weight decay; one of them is 0. */
    private static void adamStep(int n, float lr, float beta1, float beta2, float eps, float l2, float decoupled,
                                 int step, MemorySegment w, long wOff, MemorySegment g, long gOff,
                                 MemorySegment m, long mOff, MemorySegment v, long vOff) {
        // Bias corrections in double: 1 - beta2^step cancels badly for small steps (beta2 = 0.999, step 3:
        // 0.003), and a float beta2^step would carry its rounding error into c2 magnified a thousandfold.
        float c1 = (float) (1.0 / (1.0 - Math.pow(beta1, step)));
        float c2 = (float) (1.0 / (1.0 - Math.pow(beta2, step)));
        float shrink = 1f - lr * decoupled;
        for (int i = 0; i < n; i++) {
            float wi = get(w, wOff + i);
            float gi = get(g, gOff + i) + l2 * wi;
            float mi = beta1 * get(m, mOff + i) + (1f - beta1) * gi;
            float vi = beta2 * get(v, vOff + i) + (1f - beta2) * gi * gi;
            set(m, mOff + i, mi);
            set(v, vOff + i, vi);
            set(w, wOff + i, wi * shrink - lr * (mi * c1) / ((float) Math.sqrt(vi * c2) + eps));
        }
    }
}
