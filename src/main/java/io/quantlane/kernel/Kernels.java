package io.quantlane.kernel;

import io.quantlane.kernel.scalar.ScalarKernels;

import java.lang.foreign.MemorySegment;

/**
 * The public entry point to every kernel: checks the arguments, then runs the implementation chosen once
 * by {@link KernelProvider} (SIMD when the Vector API is usable, else the scalar twin). The formulas,
 * shapes and aliasing rules are those of {@link FloatKernels}; see there.
 *
 * <p>Every check failure is an {@link IllegalArgumentException} (bad size, offset, stride, overlap,
 * hyper-parameter) or an {@link IllegalStateException} (closed arena, segment confined to another thread)
 * whose message names the argument; a null segment is a {@link NullPointerException} naming it. Checks
 * allocate nothing, so a steady-state hot loop through this class is allocation-free.
 *
 * <p>Kernels run on the caller's thread and keep no state.
 */
public final class Kernels {

    /** The one implementation, in a static final field so the JIT sees a single target and inlines it. */
    private static final FloatKernels IMPL;
    private static final Capabilities CAPABILITIES;

    static {
        KernelProvider.Choice choice = KernelProvider.lookup();
        IMPL = choice.kernels();
        CAPABILITIES = choice.capabilities();
        KernelProvider.recordInJfr(CAPABILITIES);
    }

    private Kernels() {
    }

    /** What was chosen and why: JVM, path, species, FMA, reason. */
    public static Capabilities capabilities() {
        return CAPABILITIES;
    }

    /**
     * A start-up gate for services that must not run on the scalar path: returns the capabilities when the SIMD
     * kernels are in use, else throws an {@link IllegalStateException} with the reason the provider gave (for
     * example the missing {@code --add-modules jdk.incubator.vector}). Call it first thing in {@code main}; the
     * system property {@code -Dquantlane.kernels=simd} makes the first use of this class fail the same way.
     */
    public static Capabilities requireSimd() {
        if (!CAPABILITIES.isSimd()) {
            throw new IllegalStateException("quantlane: SIMD kernels required, but the " + CAPABILITIES.path()
                    + " path is in use: " + CAPABILITIES.reason());
        }
        return CAPABILITIES;
    }

    /** The implementation in use (for benchmarks and tests; skips the argument checks). */
    public static FloatKernels implementation() {
        return IMPL;
    }

    /** The scalar twin, whatever was chosen. */
    public static FloatKernels scalar() {
        return ScalarTwin.INSTANCE;
    }

    private static final class ScalarTwin {
        static final FloatKernels INSTANCE = IMPL instanceof ScalarKernels ? IMPL : new ScalarKernels();
    }

    // ---------------------------------------------------------------- BLAS level 1

    /** @see FloatKernels#dot */
    public static float dot(int n, MemorySegment x, long xOff, int incX, MemorySegment y, long yOff, int incY) {
        Args.size("n", n);
        Args.vector("x", x, xOff, n, incX);
        Args.vector("y", y, yOff, n, incY);
        return IMPL.dot(n, x, xOff, incX, y, yOff, incY);
    }

    /** @see FloatKernels#axpy */
    public static void axpy(int n, float alpha, MemorySegment x, long xOff, int incX,
                            MemorySegment y, long yOff, int incY) {
        Args.size("n", n);
        Args.vector("x", x, xOff, n, incX);
        Args.vector("y", y, yOff, n, incY);
        Args.writable("y", y);
        Args.noOverlap("y", y, yOff, Args.vectorSpan(n, incY), incY, "x", x, xOff, Args.vectorSpan(n, incX), incX, true);
        IMPL.axpy(n, alpha, x, xOff, incX, y, yOff, incY);
    }

    /** @see FloatKernels#scal */
    public static void scal(int n, float alpha, MemorySegment x, long xOff, int incX) {
        Args.size("n", n);
        Args.vector("x", x, xOff, n, incX);
        Args.writable("x", x);
        IMPL.scal(n, alpha, x, xOff, incX);
    }

    /** @see FloatKernels#sum */
    public static float sum(int n, MemorySegment x, long xOff, int incX) {
        Args.size("n", n);
        Args.vector("x", x, xOff, n, incX);
        return IMPL.sum(n, x, xOff, incX);
    }

    /** @see FloatKernels#max */
    public static float max(int n, MemorySegment x, long xOff, int incX) {
        Args.size("n", n);
        Args.vector("x", x, xOff, n, incX);
        return IMPL.max(n, x, xOff, incX);
    }

    /** @see FloatKernels#add */
    public static void add(int n, MemorySegment x, long xOff, int incX, MemorySegment y, long yOff, int incY,
                           MemorySegment z, long zOff, int incZ) {
        checkBinary(n, x, xOff, incX, y, yOff, incY, z, zOff, incZ, true);
        IMPL.add(n, x, xOff, incX, y, yOff, incY, z, zOff, incZ);
    }

    /** @see FloatKernels#mul */
    public static void mul(int n, MemorySegment x, long xOff, int incX, MemorySegment y, long yOff, int incY,
                           MemorySegment z, long zOff, int incZ) {
        checkBinary(n, x, xOff, incX, y, yOff, incY, z, zOff, incZ, true);
        IMPL.mul(n, x, xOff, incX, y, yOff, incY, z, zOff, incZ);
    }

    /** @see FloatKernels#fma */
    public static void fma(int n, MemorySegment x, long xOff, int incX, MemorySegment y, long yOff, int incY,
                           MemorySegment z, long zOff, int incZ) {
        checkBinary(n, x, xOff, incX, y, yOff, incY, z, zOff, incZ, false);
        IMPL.fma(n, x, xOff, incX, y, yOff, incY, z, zOff, incZ);
    }

    private static void checkBinary(int n, MemorySegment x, long xOff, int incX, MemorySegment y, long yOff, int incY,
                                    MemorySegment z, long zOff, int incZ, boolean exactOk) {
        Args.size("n", n);
        Args.vector("x", x, xOff, n, incX);
        Args.vector("y", y, yOff, n, incY);
        Args.vector("z", z, zOff, n, incZ);
        Args.writable("z", z);
        long zSpan = Args.vectorSpan(n, incZ);
        Args.noOverlap("z", z, zOff, zSpan, incZ, "x", x, xOff, Args.vectorSpan(n, incX), incX, exactOk);
        Args.noOverlap("z", z, zOff, zSpan, incZ, "y", y, yOff, Args.vectorSpan(n, incY), incY, exactOk);
    }

    // ---------------------------------------------------------------- BLAS level 2

    /** @see FloatKernels#gemv */
    public static void gemv(int m, int n, float alpha, MemorySegment a, long aOff, int lda,
                            MemorySegment x, long xOff, int incX, float beta, MemorySegment y, long yOff, int incY) {
        checkGemv(m, n, a, aOff, lda, x, xOff, incX, n, y, yOff, incY, m);
        IMPL.gemv(m, n, alpha, a, aOff, lda, x, xOff, incX, beta, y, yOff, incY);
    }

    /** @see FloatKernels#gemvT */
    public static void gemvT(int m, int n, float alpha, MemorySegment a, long aOff, int lda,
                             MemorySegment x, long xOff, int incX, float beta, MemorySegment y, long yOff, int incY) {
        checkGemv(m, n, a, aOff, lda, x, xOff, incX, m, y, yOff, incY, n);
        IMPL.gemvT(m, n, alpha, a, aOff, lda, x, xOff, incX, beta, y, yOff, incY);
    }

    private static void checkGemv(int m, int n, MemorySegment a, long aOff, int lda, MemorySegment x, long xOff,
                                  int incX, int xLen, MemorySegment y, long yOff, int incY, int yLen) {
        Args.size("m", m);
        Args.size("n", n);
        Args.matrix("a", a, aOff, m, n, lda, "lda");
        Args.vector("x", x, xOff, xLen, incX);
        Args.vector("y", y, yOff, yLen, incY);
        Args.writable("y", y);
        long ySpan = Args.vectorSpan(yLen, incY);
        Args.noOverlap("y", y, yOff, ySpan, incY, "a", a, aOff, Args.matrixSpan(m, n, lda), lda, false);
        Args.noOverlap("y", y, yOff, ySpan, incY, "x", x, xOff, Args.vectorSpan(xLen, incX), incX, false);
    }

    /** @see FloatKernels#denseRow */
    public static void denseRow(int in, int out, MemorySegment x, long xOff, MemorySegment w, long wOff, int ldw,
                                MemorySegment b, long bOff, boolean relu, MemorySegment y, long yOff) {
        Args.size("in", in);
        Args.size("out", out);
        Args.vector("x", x, xOff, in, 1);
        Args.matrix("w", w, wOff, in, out, ldw, "ldw");
        Args.vector("b", b, bOff, out, 1);
        Args.vector("y", y, yOff, out, 1);
        Args.writable("y", y);
        Args.noOverlap("y", y, yOff, out, 1, "x", x, xOff, in, 1, false);
        Args.noOverlap("y", y, yOff, out, 1, "w", w, wOff, Args.matrixSpan(in, out, ldw), ldw, false);
        Args.noOverlap("y", y, yOff, out, 1, "b", b, bOff, out, 1, false);
        IMPL.denseRow(in, out, x, xOff, w, wOff, ldw, b, bOff, relu, y, yOff);
    }

    // ---------------------------------------------------------------- BLAS level 3

    /** @see FloatKernels#sgemm */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a,
                             long aOff, int lda, MemorySegment b, long bOff, int ldb, float beta,
                             MemorySegment c, long cOff, int ldc) {
        sgemm(Parallel.CALLER, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** sgemm split over the threads of {@code par}; bit-identical to the single-threaded call. @see FloatKernels#sgemm */
    public static void sgemm(Parallel par, boolean transA, boolean transB, int m, int n, int k, float alpha,
                             MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb, float beta,
                             MemorySegment c, long cOff, int ldc) {
        checkGemm(par, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, Float.BYTES);
        IMPL.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, par);
    }

    /** @see FloatKernels#dgemm */
    public static void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha, MemorySegment a,
                             long aOff, int lda, MemorySegment b, long bOff, int ldb, double beta,
                             MemorySegment c, long cOff, int ldc) {
        dgemm(Parallel.CALLER, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** dgemm split over the threads of {@code par}; bit-identical to the single-threaded call. @see FloatKernels#dgemm */
    public static void dgemm(Parallel par, boolean transA, boolean transB, int m, int n, int k, double alpha,
                             MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb, double beta,
                             MemorySegment c, long cOff, int ldc) {
        checkGemm(par, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, Double.BYTES);
        IMPL.dgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, par);
    }

    private static void checkGemm(Parallel par, boolean transA, boolean transB, int m, int n, int k,
                                  MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                                  MemorySegment c, long cOff, int ldc, int bytes) {
        if (par == null) {
            throw new NullPointerException("par: expected a Parallel (Parallel.CALLER for the caller's thread), got null");
        }
        Args.size("m", m);
        Args.size("n", n);
        Args.size("k", k);
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        Args.matrix("a", a, aOff, aRows, aCols, lda, "lda", bytes);
        Args.matrix("b", b, bOff, bRows, bCols, ldb, "ldb", bytes);
        Args.matrix("c", c, cOff, m, n, ldc, "ldc", bytes);
        Args.writable("c", c);
        long cSpan = Args.matrixSpan(m, n, ldc);
        Args.noOverlap("c", c, cOff, cSpan, ldc, "a", a, aOff, Args.matrixSpan(aRows, aCols, lda), lda, false, bytes);
        Args.noOverlap("c", c, cOff, cSpan, ldc, "b", b, bOff, Args.matrixSpan(bRows, bCols, ldb), ldb, false, bytes);
        if (par.threads() > 1) {
            Args.shareable("a", a, "par");
            Args.shareable("b", b, "par");
            Args.shareable("c", c, "par");
        }
    }

    // ---------------------------------------------------------------- bias

    /** @see FloatKernels#addBias */
    public static void addBias(int rows, int cols, MemorySegment a, long aOff, int lda, MemorySegment bias, long biasOff) {
        Args.size("rows", rows);
        Args.size("cols", cols);
        Args.matrix("a", a, aOff, rows, cols, lda, "lda");
        Args.writable("a", a);
        Args.vector("bias", bias, biasOff, cols);
        Args.noOverlap("a", a, aOff, Args.matrixSpan(rows, cols, lda), lda, "bias", bias, biasOff, cols, 1, false);
        IMPL.addBias(rows, cols, a, aOff, lda, bias, biasOff);
    }

    /** @see FloatKernels#colSums */
    public static void colSums(int rows, int cols, MemorySegment a, long aOff, int lda, float beta,
                               MemorySegment out, long outOff) {
        Args.size("rows", rows);
        Args.size("cols", cols);
        Args.matrix("a", a, aOff, rows, cols, lda, "lda");
        Args.vector("out", out, outOff, cols);
        Args.writable("out", out);
        Args.noOverlap("out", out, outOff, cols, 1, "a", a, aOff, Args.matrixSpan(rows, cols, lda), lda, false);
        IMPL.colSums(rows, cols, a, aOff, lda, beta, out, outOff);
    }

    // ---------------------------------------------------------------- activations

    private static void checkUnary(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        Args.size("n", n);
        Args.vector("x", x, xOff, n);
        Args.vector("y", y, yOff, n);
        Args.writable("y", y);
        Args.noOverlap("y", y, yOff, n, 1, "x", x, xOff, n, 1, true);
    }

    /** Backward of an activation: dx from (x or y) and dy; dx may be exactly dy, never partly. */
    private static void checkBackward(String inName, int n, MemorySegment in, long inOff, MemorySegment dy, long dyOff,
                                      MemorySegment dx, long dxOff) {
        Args.size("n", n);
        Args.vector(inName, in, inOff, n);
        Args.vector("dy", dy, dyOff, n);
        Args.vector("dx", dx, dxOff, n);
        Args.writable("dx", dx);
        Args.noOverlap("dx", dx, dxOff, n, 1, "dy", dy, dyOff, n, 1, true);
        Args.noOverlap("dx", dx, dxOff, n, 1, inName, in, inOff, n, 1, true);
    }

    /** @see FloatKernels#relu */
    public static void relu(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        checkUnary(n, x, xOff, y, yOff);
        IMPL.relu(n, x, xOff, y, yOff);
    }

    /** @see FloatKernels#reluBackward */
    public static void reluBackward(int n, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                                    MemorySegment dx, long dxOff) {
        checkBackward("x", n, x, xOff, dy, dyOff, dx, dxOff);
        IMPL.reluBackward(n, x, xOff, dy, dyOff, dx, dxOff);
    }

    /** @see FloatKernels#leakyRelu */
    public static void leakyRelu(int n, float slope, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        Args.finite("slope", slope);
        checkUnary(n, x, xOff, y, yOff);
        IMPL.leakyRelu(n, slope, x, xOff, y, yOff);
    }

    /** @see FloatKernels#leakyReluBackward */
    public static void leakyReluBackward(int n, float slope, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                                         MemorySegment dx, long dxOff) {
        Args.finite("slope", slope);
        checkBackward("x", n, x, xOff, dy, dyOff, dx, dxOff);
        IMPL.leakyReluBackward(n, slope, x, xOff, dy, dyOff, dx, dxOff);
    }

    /** @see FloatKernels#exp */
    public static void exp(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        checkUnary(n, x, xOff, y, yOff);
        IMPL.exp(n, x, xOff, y, yOff);
    }

    /** @see FloatKernels#sigmoid */
    public static void sigmoid(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        checkUnary(n, x, xOff, y, yOff);
        IMPL.sigmoid(n, x, xOff, y, yOff);
    }

    /** @see FloatKernels#sigmoidBackward */
    public static void sigmoidBackward(int n, MemorySegment y, long yOff, MemorySegment dy, long dyOff,
                                       MemorySegment dx, long dxOff) {
        checkBackward("y", n, y, yOff, dy, dyOff, dx, dxOff);
        IMPL.sigmoidBackward(n, y, yOff, dy, dyOff, dx, dxOff);
    }

    /** @see FloatKernels#tanh */
    public static void tanh(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        checkUnary(n, x, xOff, y, yOff);
        IMPL.tanh(n, x, xOff, y, yOff);
    }

    /** @see FloatKernels#tanhBackward */
    public static void tanhBackward(int n, MemorySegment y, long yOff, MemorySegment dy, long dyOff,
                                    MemorySegment dx, long dxOff) {
        checkBackward("y", n, y, yOff, dy, dyOff, dx, dxOff);
        IMPL.tanhBackward(n, y, yOff, dy, dyOff, dx, dxOff);
    }

    /** @see FloatKernels#gelu */
    public static void gelu(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        checkUnary(n, x, xOff, y, yOff);
        IMPL.gelu(n, x, xOff, y, yOff);
    }

    /** @see FloatKernels#geluBackward */
    public static void geluBackward(int n, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                                    MemorySegment dx, long dxOff) {
        checkBackward("x", n, x, xOff, dy, dyOff, dx, dxOff);
        IMPL.geluBackward(n, x, xOff, dy, dyOff, dx, dxOff);
    }

    // ---------------------------------------------------------------- softmax

    private static void checkRows(int rows, int cols, MemorySegment x, long xOff, int ldx,
                                  MemorySegment y, long yOff, int ldy) {
        Args.size("rows", rows);
        Args.size("cols", cols);
        Args.matrix("x", x, xOff, rows, cols, ldx, "ldx");
        Args.matrix("y", y, yOff, rows, cols, ldy, "ldy");
        Args.writable("y", y);
        Args.noOverlap("y", y, yOff, Args.matrixSpan(rows, cols, ldy), ldy,
                "x", x, xOff, Args.matrixSpan(rows, cols, ldx), ldx, true);
    }

    /** @see FloatKernels#softmax */
    public static void softmax(int rows, int cols, MemorySegment x, long xOff, int ldx,
                               MemorySegment y, long yOff, int ldy) {
        checkRows(rows, cols, x, xOff, ldx, y, yOff, ldy);
        IMPL.softmax(rows, cols, x, xOff, ldx, y, yOff, ldy);
    }

    /** @see FloatKernels#logSoftmax */
    public static void logSoftmax(int rows, int cols, MemorySegment x, long xOff, int ldx,
                                  MemorySegment y, long yOff, int ldy) {
        checkRows(rows, cols, x, xOff, ldx, y, yOff, ldy);
        IMPL.logSoftmax(rows, cols, x, xOff, ldx, y, yOff, ldy);
    }

    // ---------------------------------------------------------------- losses

    /** Loss over n elements: grad may be exactly pred, must not touch target. */
    private static void checkLoss(String predName, int n, MemorySegment pred, long predOff,
                                  MemorySegment target, long targetOff, MemorySegment grad, long gradOff) {
        Args.size("n", n);
        Args.vector(predName, pred, predOff, n);
        Args.vector("target", target, targetOff, n);
        Args.vector("grad", grad, gradOff, n);
        Args.writable("grad", grad);
        Args.noOverlap("grad", grad, gradOff, n, 1, predName, pred, predOff, n, 1, true);
        Args.noOverlap("grad", grad, gradOff, n, 1, "target", target, targetOff, n, 1, false);
    }

    /** @see FloatKernels#mseLoss */
    public static float mseLoss(int n, MemorySegment pred, long predOff, MemorySegment target, long targetOff,
                                MemorySegment grad, long gradOff) {
        checkLoss("pred", n, pred, predOff, target, targetOff, grad, gradOff);
        return IMPL.mseLoss(n, pred, predOff, target, targetOff, grad, gradOff);
    }

    /** @see FloatKernels#huberLoss */
    public static float huberLoss(int n, float delta, MemorySegment pred, long predOff, MemorySegment target,
                                  long targetOff, MemorySegment grad, long gradOff) {
        if (!(delta > 0f) || !Float.isFinite(delta)) {
            throw new IllegalArgumentException("delta: expected a finite number > 0, got " + delta);
        }
        checkLoss("pred", n, pred, predOff, target, targetOff, grad, gradOff);
        return IMPL.huberLoss(n, delta, pred, predOff, target, targetOff, grad, gradOff);
    }

    /** @see FloatKernels#bceWithLogitsLoss */
    public static float bceWithLogitsLoss(int n, MemorySegment logits, long logitsOff, MemorySegment target,
                                          long targetOff, float posWeight, MemorySegment grad, long gradOff) {
        if (!(posWeight > 0f) || !Float.isFinite(posWeight)) {
            throw new IllegalArgumentException("posWeight: expected a finite number > 0, got " + posWeight);
        }
        checkLoss("logits", n, logits, logitsOff, target, targetOff, grad, gradOff);
        return IMPL.bceWithLogitsLoss(n, logits, logitsOff, target, targetOff, posWeight, grad, gradOff);
    }

    /** @see FloatKernels#softmaxCrossEntropyLoss */
    public static float softmaxCrossEntropyLoss(int rows, int cols, MemorySegment logits, long logitsOff, int ldz,
                                                MemorySegment target, long targetOff, int ldt,
                                                MemorySegment grad, long gradOff, int ldg) {
        Args.size("rows", rows);
        Args.size("cols", cols);
        Args.matrix("logits", logits, logitsOff, rows, cols, ldz, "ldz");
        Args.matrix("target", target, targetOff, rows, cols, ldt, "ldt");
        Args.matrix("grad", grad, gradOff, rows, cols, ldg, "ldg");
        Args.writable("grad", grad);
        long gSpan = Args.matrixSpan(rows, cols, ldg);
        Args.noOverlap("grad", grad, gradOff, gSpan, ldg, "logits", logits, logitsOff,
                Args.matrixSpan(rows, cols, ldz), ldz, true);
        Args.noOverlap("grad", grad, gradOff, gSpan, ldg, "target", target, targetOff,
                Args.matrixSpan(rows, cols, ldt), ldt, false);
        return IMPL.softmaxCrossEntropyLoss(rows, cols, logits, logitsOff, ldz, target, targetOff, ldt,
                grad, gradOff, ldg);
    }

    // ---------------------------------------------------------------- optimizers

    private static void checkOptimizer(int n, float lr, float weightDecay, MemorySegment w, long wOff,
                                       MemorySegment g, long gOff) {
        Args.size("n", n);
        Args.finite("lr", lr);
        Args.finite("weightDecay", weightDecay);
        Args.vector("w", w, wOff, n);
        Args.vector("g", g, gOff, n);
        Args.writable("w", w);
        Args.noOverlap("w", w, wOff, n, 1, "g", g, gOff, n, 1, false);
    }

    private static void checkBuffer(String name, int n, MemorySegment s, long off, MemorySegment w, long wOff,
                                    MemorySegment g, long gOff) {
        Args.vector(name, s, off, n);
        Args.writable(name, s);
        Args.noOverlap(name, s, off, n, 1, "w", w, wOff, n, 1, false);
        Args.noOverlap(name, s, off, n, 1, "g", g, gOff, n, 1, false);
    }

    /** @see FloatKernels#sgd */
    public static void sgd(int n, float lr, float weightDecay, MemorySegment w, long wOff, MemorySegment g, long gOff) {
        checkOptimizer(n, lr, weightDecay, w, wOff, g, gOff);
        IMPL.sgd(n, lr, weightDecay, w, wOff, g, gOff);
    }

    /** @see FloatKernels#sgdMomentum */
    public static void sgdMomentum(int n, float lr, float momentum, float weightDecay, boolean nesterov,
                                   MemorySegment w, long wOff, MemorySegment g, long gOff, MemorySegment v, long vOff) {
        checkOptimizer(n, lr, weightDecay, w, wOff, g, gOff);
        Args.inRange("momentum", momentum, 0f, 1f);
        checkBuffer("v", n, v, vOff, w, wOff, g, gOff);
        IMPL.sgdMomentum(n, lr, momentum, weightDecay, nesterov, w, wOff, g, gOff, v, vOff);
    }

    /** @see FloatKernels#adam */
    public static void adam(int n, float lr, float beta1, float beta2, float eps, float weightDecay, int step,
                            MemorySegment w, long wOff, MemorySegment g, long gOff, MemorySegment m, long mOff,
                            MemorySegment v, long vOff) {
        checkAdam(n, lr, beta1, beta2, eps, weightDecay, step, w, wOff, g, gOff, m, mOff, v, vOff);
        IMPL.adam(n, lr, beta1, beta2, eps, weightDecay, step, w, wOff, g, gOff, m, mOff, v, vOff);
    }

    /** @see FloatKernels#adamW */
    public static void adamW(int n, float lr, float beta1, float beta2, float eps, float weightDecay, int step,
                             MemorySegment w, long wOff, MemorySegment g, long gOff, MemorySegment m, long mOff,
                             MemorySegment v, long vOff) {
        checkAdam(n, lr, beta1, beta2, eps, weightDecay, step, w, wOff, g, gOff, m, mOff, v, vOff);
        IMPL.adamW(n, lr, beta1, beta2, eps, weightDecay, step, w, wOff, g, gOff, m, mOff, v, vOff);
    }

    private static void checkAdam(int n, float lr, float beta1, float beta2, float eps, float weightDecay, int step,
                                  MemorySegment w, long wOff, MemorySegment g, long gOff, MemorySegment m, long mOff,
                                  MemorySegment v, long vOff) {
        checkOptimizer(n, lr, weightDecay, w, wOff, g, gOff);
        Args.inRange("beta1", beta1, 0f, 1f);
        Args.inRange("beta2", beta2, 0f, 1f);
        if (!(eps > 0f) || !Float.isFinite(eps)) {
            throw new IllegalArgumentException("eps: expected a finite number > 0, got " + eps);
        }
        if (step < 1) {
            throw new IllegalArgumentException("step: expected >= 1 (Adam counts steps from 1), got " + step);
        }
        checkBuffer("m", n, m, mOff, w, wOff, g, gOff);
        checkBuffer("v", n, v, vOff, w, wOff, g, gOff);
        Args.noOverlap("v", v, vOff, n, 1, "m", m, mOff, n, 1, false);
    }
}
