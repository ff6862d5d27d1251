package io.quantlane.kernel;

import java.lang.foreign.MemorySegment;

/**
 * The contract of every kernel: float32, and one float64 product ({@link #dgemm dgemm}). Two implementations exist: the plain-Java scalar twin
 * ({@code io.quantlane.kernel.scalar.ScalarKernels}, the obvious truth) and the Vector API one
 * ({@code io.quantlane.kernel.simd.SimdKernels}). Users call them through {@link Kernels}, which checks
 * every argument and then dispatches to the implementation the {@link KernelProvider} chose.
 *
 * <h2>Conventions shared by all kernels</h2>
 * <ul>
 *   <li>Operands are float32 in native byte order inside a {@link MemorySegment}. Offsets ({@code xOff})
 *       count floats, not bytes. Segments may be native, memory-mapped or heap-backed.</li>
 *   <li>Strided vectors: element {@code i} of {@code x} is at float index {@code xOff + i * incX};
 *       {@code incX >= 1}. Unit strides take the vectorized path; other strides are correct but scalar.</li>
 *   <li>Matrices are row-major: element (i, j) of {@code a} is at {@code aOff + i * lda + j}, with
 *       {@code lda >= cols}.</li>
 *   <li>"Exact in-place" means an output may be the very same elements as an input (same segment, same
 *       start, same stride); any other overlap between an output and an input is rejected. Kernels that do
 *       not allow in-place say so.</li>
 *   <li>{@code beta = 0} means the output is not read, so it may hold NaN or garbage.</li>
 *   <li>Implementations assume valid arguments; {@link Kernels} is where they are checked.</li>
 *   <li>Results may differ from the scalar twin by rounding: vectorized reductions sum in a different
 *       order, and polynomial exp/tanh differ from {@link Math#exp} by a few ulps (documented in
 *       {@code VectorMath}).</li>
 * </ul>
 */
public interface FloatKernels {

    /** Vector width in bits of the float lanes this implementation uses; 0 for the scalar twin. */
    int vectorBits();

    /** One line for logs and the capability report, e.g. "scalar" or "Species[float, 16, S_512_BIT], exp: polynomial". */
    String describe();

    // ---------------------------------------------------------------- BLAS level 1

    /** Returns {@code sum_i x[i] * y[i]} over {@code n} elements (0 when n = 0). */
    float dot(int n, MemorySegment x, long xOff, int incX, MemorySegment y, long yOff, int incY);

    /** {@code y[i] += alpha * x[i]}. y must not overlap x unless exactly in-place. */
    void axpy(int n, float alpha, MemorySegment x, long xOff, int incX, MemorySegment y, long yOff, int incY);

    /** {@code x[i] *= alpha}. */
    void scal(int n, float alpha, MemorySegment x, long xOff, int incX);

    /** Returns {@code sum_i x[i]} (0 when n = 0). */
    float sum(int n, MemorySegment x, long xOff, int incX);

    /** Returns {@code max_i x[i]}; NaN if any element is NaN; {@code -Infinity} when n = 0. */
    float max(int n, MemorySegment x, long xOff, int incX);

    /** {@code z[i] = x[i] + y[i]}. z may be exactly x or y. */
    void add(int n, MemorySegment x, long xOff, int incX, MemorySegment y, long yOff, int incY,
             MemorySegment z, long zOff, int incZ);

    /** {@code z[i] = x[i] * y[i]}. z may be exactly x or y. */
    void mul(int n, MemorySegment x, long xOff, int incX, MemorySegment y, long yOff, int incY,
             MemorySegment z, long zOff, int incZ);

    /** {@code z[i] = x[i] * y[i] + z[i]} (element-wise fused multiply-add into z). z must not overlap x or y. */
    void fma(int n, MemorySegment x, long xOff, int incX, MemorySegment y, long yOff, int incY,
             MemorySegment z, long zOff, int incZ);

    // ---------------------------------------------------------------- BLAS level 2

    /**
     * {@code y = alpha * A * x + beta * y}, A is {@code m x n} (row-major, lda), x has n elements, y has m.
     * y must not overlap A or x. beta = 0: y is not read.
     */
    void gemv(int m, int n, float alpha, MemorySegment a, long aOff, int lda, MemorySegment x, long xOff, int incX,
              float beta, MemorySegment y, long yOff, int incY);

    /**
     * {@code y = alpha * A^T * x + beta * y}, A is {@code m x n} (row-major, lda), x has m elements, y has n.
     * y must not overlap A or x. beta = 0: y is not read.
     */
    void gemvT(int m, int n, float alpha, MemorySegment a, long aOff, int lda, MemorySegment x, long xOff, int incX,
               float beta, MemorySegment y, long yOff, int incY);

    /**
     * One sample through a dense layer: {@code y = act(x W + b)}, x has {@code in} floats, W is {@code in x out}
     * row-major (leading dimension ldw), b and y have {@code out} floats; act is the identity, or ReLU when
     * {@code relu}. The batch-1 forward pass as one call: gemvT with the bias as the starting sum and the
     * ReLU at the store. y must not overlap x, W or b.
     */
    void denseRow(int in, int out, MemorySegment x, long xOff, MemorySegment w, long wOff, int ldw,
                  MemorySegment b, long bOff, boolean relu, MemorySegment y, long yOff);

    // ---------------------------------------------------------------- BLAS level 3

    /**
     * General matrix multiply with CBLAS row-major semantics: {@code C = alpha * op(A) * op(B) + beta * C},
     * op(A) is {@code m x k}, op(B) is {@code k x n}, C is {@code m x n}. op(X) is X, or X transposed when the
     * flag is set: A is stored {@code m x k} (lda &ge; k), or {@code k x m} (lda &ge; m) when {@code transA};
     * B is stored {@code k x n} (ldb &ge; n), or {@code n x k} (ldb &ge; k) when {@code transB}; ldc &ge; n.
     * beta = 0: C is not read (it may hold NaN). alpha = 0 or k = 0: C = beta * C and A, B are not read.
     * C must not overlap A or B.
     *
     * <p>{@code par} may split the call over threads ({@link Parallel}); the result is bit-identical to the
     * call with {@link Parallel#CALLER}. Per element, the sum over k may be grouped in blocks (the SIMD
     * kernel sums KC terms in registers, then adds them to C), so it can differ from the scalar twin's plain
     * loop by rounding.
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, long aOff, int lda,
               MemorySegment b, long bOff, int ldb, float beta, MemorySegment c, long cOff, int ldc, Parallel par);

    /** {@link #sgemm(boolean, boolean, int, int, int, float, MemorySegment, long, int, MemorySegment, long, int, float, MemorySegment, long, int, Parallel) sgemm} on the caller's thread. */
    default void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, long aOff,
                       int lda, MemorySegment b, long bOff, int ldb, float beta, MemorySegment c, long cOff, int ldc) {
        sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, Parallel.CALLER);
    }

    /**
     * {@link #sgemm sgemm} in float64: the same contract with every operand an array of doubles (native byte
     * order) and offsets, leading dimensions counted in doubles. The only float64 kernel: finance users ask
     * for double-precision products; everything else in the library is float32.
     */
    void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha, MemorySegment a, long aOff, int lda,
               MemorySegment b, long bOff, int ldb, double beta, MemorySegment c, long cOff, int ldc, Parallel par);

    /** {@link #dgemm dgemm} on the caller's thread. */
    default void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha, MemorySegment a, long aOff,
                       int lda, MemorySegment b, long bOff, int ldb, double beta, MemorySegment c, long cOff, int ldc) {
        dgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, Parallel.CALLER);
    }

    // ---------------------------------------------------------------- bias

    /** {@code A[i][j] += bias[j]} for every row i of the {@code rows x cols} matrix A. bias must not overlap A. */
    void addBias(int rows, int cols, MemorySegment a, long aOff, int lda, MemorySegment bias, long biasOff);

    /**
     * Column sums, the bias gradient: {@code out[j] = sum_i A[i][j] + beta * out[j]}. beta = 1 accumulates,
     * beta = 0 overwrites without reading out. out must not overlap A.
     */
    void colSums(int rows, int cols, MemorySegment a, long aOff, int lda, float beta, MemorySegment out, long outOff);

    // ---------------------------------------------------------------- activations (contiguous, exact in-place allowed)

    /** {@code y = max(x, 0)} with {@link Math#max} semantics: NaN stays NaN, so a diverging network is not masked. */
    void relu(int n, MemorySegment x, long xOff, MemorySegment y, long yOff);

    /** Takes the forward <em>input</em> x: {@code dx = x > 0 ? dy : 0}. dx may be exactly dy. */
    void reluBackward(int n, MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff);

    /** {@code y = x > 0 ? x : slope * x}. */
    void leakyRelu(int n, float slope, MemorySegment x, long xOff, MemorySegment y, long yOff);

    /** Takes the forward <em>input</em> x: {@code dx = x > 0 ? dy : slope * dy}. dx may be exactly dy. */
    void leakyReluBackward(int n, float slope, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                           MemorySegment dx, long dxOff);

    /** {@code y = exp(x)}; overflows to +Infinity, underflows to 0. */
    void exp(int n, MemorySegment x, long xOff, MemorySegment y, long yOff);

    /** {@code y = 1 / (1 + exp(-x))}. */
    void sigmoid(int n, MemorySegment x, long xOff, MemorySegment y, long yOff);

    /** Takes the forward <em>output</em> y: {@code dx = dy * y * (1 - y)}. dx may be exactly dy. */
    void sigmoidBackward(int n, MemorySegment y, long yOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff);

    /** {@code y = tanh(x)}. */
    void tanh(int n, MemorySegment x, long xOff, MemorySegment y, long yOff);

    /** Takes the forward <em>output</em> y: {@code dx = dy * (1 - y^2)}. dx may be exactly dy. */
    void tanhBackward(int n, MemorySegment y, long yOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff);

    /**
     * GELU, tanh form: {@code y = 0.5 x (1 + tanh(u))}, {@code u = sqrt(2/pi) (x + 0.044715 x^3)}; computed as
     * the equal {@code x * sigmoid(2u)}.
     */
    void gelu(int n, MemorySegment x, long xOff, MemorySegment y, long yOff);

    /**
     * Takes the forward <em>input</em> x: {@code dx = dy * (s + x s (1 - s) 2u')}, {@code s = sigmoid(2u)},
     * {@code u' = sqrt(2/pi) (1 + 3 * 0.044715 x^2)}. dx may be exactly dy.
     */
    void geluBackward(int n, MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff);

    // ---------------------------------------------------------------- row-wise softmax (exact in-place allowed)

    /** Each row: {@code y[j] = exp(x[j] - max) / sum_k exp(x[k] - max)}; rows x cols, lda per operand. */
    void softmax(int rows, int cols, MemorySegment x, long xOff, int ldx, MemorySegment y, long yOff, int ldy);

    /** Each row: {@code y[j] = x[j] - max - log(sum_k exp(x[k] - max))}. */
    void logSoftmax(int rows, int cols, MemorySegment x, long xOff, int ldx, MemorySegment y, long yOff, int ldy);

    // ---------------------------------------------------------------- losses with fused gradients

    /**
     * Mean squared error over n elements: returns {@code (1/n) sum (p - t)^2} and writes
     * {@code grad = 2 (p - t) / n}. grad may be exactly pred. n = 0 returns 0.
     */
    float mseLoss(int n, MemorySegment pred, long predOff, MemorySegment target, long targetOff,
                  MemorySegment grad, long gradOff);

    /**
     * Huber loss with threshold delta > 0 (as {@code torch.nn.HuberLoss}, mean reduction): with d = p - t, returns
     * {@code (1/n) sum h(d)}, {@code h(d) = d^2 / 2} for {@code |d| <= delta} and {@code delta (|d| - delta / 2)}
     * beyond, and writes {@code grad = clamp(d, -delta, delta) / n}. Quadratic near zero, linear in the tails, so
     * outliers pull with a bounded force. grad may be exactly pred. n = 0 returns 0.
     */
    float huberLoss(int n, float delta, MemorySegment pred, long predOff, MemorySegment target, long targetOff,
                    MemorySegment grad, long gradOff);

    /**
     * Binary cross-entropy on logits z with targets t in [0, 1] and positive-class weight w (1 = unweighted):
     * returns {@code (1/n) sum [w t softplus(-z) + (1 - t) softplus(z)]} and writes
     * {@code grad = ((1 - t) sigmoid(z) - w t sigmoid(-z)) / n} (which equals {@code (sigmoid(z) (w t + 1 - t) - w t) / n}
     * but keeps full relative accuracy when sigmoid(z) is near 1). Stable for any z. grad may be exactly the logits.
     */
    float bceWithLogitsLoss(int n, MemorySegment logits, long logitsOff, MemorySegment target, long targetOff,
                            float posWeight, MemorySegment grad, long gradOff);

    /**
     * Softmax cross-entropy over {@code rows} samples of {@code cols} classes; targets are distributions
     * (one-hot or smoothed). Returns {@code -(1/rows) sum_i sum_j t_ij log softmax(z_i)_j} and writes
     * {@code grad_ij = (softmax(z_i)_j * sum_k t_ik - t_ij) / rows}. grad may be exactly the logits.
     * rows = 0 or cols = 0 returns 0.
     */
    float softmaxCrossEntropyLoss(int rows, int cols, MemorySegment logits, long logitsOff, int ldz,
                                  MemorySegment target, long targetOff, int ldt,
                                  MemorySegment grad, long gradOff, int ldg);

    // ---------------------------------------------------------------- optimizer updates, in place over n parameters

    /** SGD with L2 weight decay: {@code w -= lr (g + weightDecay w)}. */
    void sgd(int n, float lr, float weightDecay, MemorySegment w, long wOff, MemorySegment g, long gOff);

    /**
     * SGD with momentum, as in PyTorch's {@code torch.optim.SGD}: {@code g' = g + wd w; v = mu v + g';}
     * then {@code w -= lr (g' + mu v)} when {@code nesterov}, else {@code w -= lr v}.
     */
    void sgdMomentum(int n, float lr, float momentum, float weightDecay, boolean nesterov,
                     MemorySegment w, long wOff, MemorySegment g, long gOff, MemorySegment v, long vOff);

    /**
     * Adam (Kingma and Ba 2015) with bias correction and L2 weight decay added to the gradient (as
     * {@code torch.optim.Adam}): {@code g' = g + wd w; m = b1 m + (1-b1) g'; v = b2 v + (1-b2) g'^2;
     * w -= lr (m / (1 - b1^step)) / (sqrt(v / (1 - b2^step)) + eps)}. step counts from 1.
     */
    void adam(int n, float lr, float beta1, float beta2, float eps, float weightDecay, int step,
              MemorySegment w, long wOff, MemorySegment g, long gOff, MemorySegment m, long mOff,
              MemorySegment v, long vOff);

    /**
     * AdamW (Loshchilov and Hutter 2019, as {@code torch.optim.AdamW}): decoupled decay
     * {@code w *= 1 - lr wd}, then the Adam step above without the L2 term.
     */
    void adamW(int n, float lr, float beta1, float beta2, float eps, float weightDecay, int step,
               MemorySegment w, long wOff, MemorySegment g, long gOff, MemorySegment m, long mOff,
               MemorySegment v, long vOff);
}
