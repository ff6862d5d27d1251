package io.quantlane.kernel;

import io.quantlane.testing.Buf;
import io.quantlane.testing.Tolerance;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.lang.foreign.Arena;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every kernel behind the {@link Kernels} facade (the SIMD path unless it is forced off) against its scalar
 * twin, on random sizes weighted towards vector edges, random offsets and strides, heap and native memory,
 * magnitudes from 1e-20 to 1e8. Run by the build at the preferred width and pinned to 128 and 256 bits.
 *
 * <p>Each property runs both implementations on identical copies, compares every output element under
 * {@link Tolerance} and checks that no element outside the output changed.
 */
class KernelTwinPropertiesTest {

    private static final FloatKernels TWIN = Kernels.scalar();

    // ------------------------------------------------------------------ generators

    /** 0 .. ~2100, weighted to 0, 1, L-1, L, L+1, 2L+-1, 4L+-1 for L = 4, 8, 16, and odd sizes. */
    @Provide
    static Arbitrary<Integer> sizes() {
        Arbitrary<Integer> edges = Arbitraries.of(0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65,
                127, 129, 207, 255, 256, 257, 702, 1023, 1024, 1025, 2047, 2100);
        return Arbitraries.frequencyOf(Tuple.of(3, edges), Tuple.of(1, Arbitraries.integers().between(0, 2100)));
    }

    static Arbitrary<Integer> smallSizes() {
        Arbitrary<Integer> edges = Arbitraries.of(0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33);
        return Arbitraries.frequencyOf(Tuple.of(3, edges), Tuple.of(1, Arbitraries.integers().between(0, 40)));
    }

    static Arbitrary<Integer> offsets() {
        return Arbitraries.integers().between(0, 7);
    }

    @Provide
    static Arbitrary<Integer> strides() {
        return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(1)), Tuple.of(1, Arbitraries.of(2, 3, 5)));
    }

    @Provide
    static Arbitrary<Float> scales() {
        return Arbitraries.of(1e-20f, 1e-3f, 1f, 1e3f, 1e8f);
    }

    /** Arguments of exp, tanh and friends: from barely nonzero to well past overflow. */
    static Arbitrary<Float> transcendentalScales() {
        return Arbitraries.of(1e-6f, 0.5f, 4f, 30f, 200f);
    }

    /** One strided vector operand's layout. */
    record Layout(int off, int inc) {
        long index(int i) {
            return off + (long) i * inc;
        }
    }

    record VecCase(int n, Layout x, Layout y, Layout z, float scale, boolean heap, long seed) {
        Random rnd() {
            return new Random(seed);
        }
    }

    static Arbitrary<Layout> layouts() {
        return Combinators.combine(offsets(), strides()).as(Layout::new);
    }

    @Provide
    static Arbitrary<VecCase> vectors() {
        return Combinators.combine(sizes(), layouts(), layouts(), layouts(), scales(), Arbitraries.of(true, false),
                Arbitraries.longs()).as(VecCase::new);
    }

    /** Contiguous operands (unit stride), for activations, losses and optimizers. */
    @Provide
    static Arbitrary<VecCase> contiguous() {
        Arbitrary<Layout> unit = offsets().map(o -> new Layout(o, 1));
        return Combinators.combine(sizes(), unit, unit, unit, scales(), Arbitraries.of(true, false),
                Arbitraries.longs()).as(VecCase::new);
    }

    @Provide
    static Arbitrary<VecCase> transcendental() {
        Arbitrary<Layout> unit = offsets().map(o -> new Layout(o, 1));
        return Combinators.combine(sizes(), unit, unit, unit, transcendentalScales(), Arbitraries.of(true, false),
                Arbitraries.longs()).as(VecCase::new);
    }

    record MatCase(int rows, int cols, int padA, int padB, int offA, int offB, float scale, boolean heap, long seed) {
        int lda() {
            return Math.max(1, cols + padA);
        }

        int ldb() {
            return Math.max(1, cols + padB);
        }

        Random rnd() {
            return new Random(seed);
        }
    }

    @Provide
    static Arbitrary<MatCase> matrices() {
        return Combinators.combine(smallSizes(), sizes().filter(c -> c <= 700), Arbitraries.of(0, 0, 1, 3),
                        Arbitraries.of(0, 0, 2, 5), offsets(), offsets(), scales(), Arbitraries.longs())
                .as((r, c, pa, pb, oa, ob, s, seed) -> new MatCase(r, c, pa, pb, oa, ob, s, (seed & 1) == 0, seed));
    }

    @Provide
    static Arbitrary<MatCase> softmaxMatrices() {
        return Combinators.combine(smallSizes(), sizes().filter(c -> c <= 1100), Arbitraries.of(0, 0, 1, 3),
                        Arbitraries.of(0, 0, 2, 5), offsets(), offsets(), Arbitraries.of(0.1f, 3f, 30f, 90f),
                        Arbitraries.longs())
                .as((r, c, pa, pb, oa, ob, s, seed) -> new MatCase(r, c, pa, pb, oa, ob, s, (seed & 1) == 0, seed));
    }

    // ------------------------------------------------------------------ helpers

    private static Buf vec(Arena arena, VecCase c, Layout l, Random rnd, float scale) {
        return Buf.random(arena, c.heap(), Buf.vectorSize(l.off(), c.n(), l.inc()), rnd, scale);
    }

    /** Compares output vector elements under tol, with an error scale per element; checks the rest untouched. */
    private static void compareVector(String name, Buf got, Buf ref, int n, Layout l, Tolerance tol,
                                      java.util.function.IntToDoubleFunction scale) {
        for (int i = 0; i < n; i++) {
            tol.assertClose(name + "[" + i + "] of " + n, got.get(l.index(i)), ref.get(l.index(i)), scale.applyAsDouble(i));
        }
        got.assertUnchangedExcept(name, Buf.inVector(l.off(), n, l.inc()));
    }

    private static void compareVector(String name, Buf got, Buf ref, int n, Layout l, Tolerance tol) {
        compareVector(name, got, ref, n, l, tol, i -> 0);
    }

    // ------------------------------------------------------------------ BLAS level 1

    @Property
    void dot(@ForAll("vectors") VecCase c) {
        try (Arena arena = Arena.ofConfined()) {
            Random rnd = c.rnd();
            Buf x = vec(arena, c, c.x(), rnd, c.scale()), y = vec(arena, c, c.y(), rnd, c.scale());
            float got = Kernels.dot(c.n(), x.seg, c.x().off(), c.x().inc(), y.seg, c.y().off(), c.y().inc());
            float ref = TWIN.dot(c.n(), x.seg, c.x().off(), c.x().inc(), y.seg, c.y().off(), c.y().inc());
            double mag = 0;
            for (int i = 0; i < c.n(); i++) {
                mag += Math.abs((double) x.get(c.x().index(i)) * y.get(c.y().index(i)));
            }
            Tolerance.reduction(c.n(), 4).assertClose("dot", got, ref, mag);
        }
    }

    @Property
    void axpy(@ForAll("vectors") VecCase c, @ForAll("scales") float alpha) {
        try (Arena arena = Arena.ofConfined()) {
            Random rnd = c.rnd();
            Buf x = vec(arena, c, c.x(), rnd, c.scale()), y = vec(arena, c, c.y(), rnd, c.scale());
            Buf y2 = y.copy(arena);
            Kernels.axpy(c.n(), alpha, x.seg, c.x().off(), c.x().inc(), y.seg, c.y().off(), c.y().inc());
            TWIN.axpy(c.n(), alpha, x.seg, c.x().off(), c.x().inc(), y2.seg, c.y().off(), c.y().inc());
            compareVector("y", y, y2, c.n(), c.y(), Tolerance.ulps(2),
                    i -> Math.abs(y.initial(c.y().index(i))) + Math.abs(alpha * x.get(c.x().index(i))));
        }
    }

    @Property
    void scal(@ForAll("vectors") VecCase c, @ForAll("scales") float alpha) {
        try (Arena arena = Arena.ofConfined()) {
            Buf x = vec(arena, c, c.x(), c.rnd(), c.scale());
            Buf x2 = x.copy(arena);
            Kernels.scal(c.n(), alpha, x.seg, c.x().off(), c.x().inc());
            TWIN.scal(c.n(), alpha, x2.seg, c.x().off(), c.x().inc());
            compareVector("x", x, x2, c.n(), c.x(), Tolerance.ulps(1));
        }
    }

    @Property
    void sum(@ForAll("vectors") VecCase c) {
        try (Arena arena = Arena.ofConfined()) {
            Buf x = vec(arena, c, c.x(), c.rnd(), c.scale());
            float got = Kernels.sum(c.n(), x.seg, c.x().off(), c.x().inc());
            float ref = TWIN.sum(c.n(), x.seg, c.x().off(), c.x().inc());
            double mag = 0;
            for (int i = 0; i < c.n(); i++) {
                mag += Math.abs(x.get(c.x().index(i)));
            }
            Tolerance.reduction(c.n(), 4).assertClose("sum", got, ref, mag);
        }
    }

    @Property
    void max(@ForAll("vectors") VecCase c) {
        try (Arena arena = Arena.ofConfined()) {
            Buf x = vec(arena, c, c.x(), c.rnd(), c.scale());
            assertEquals(TWIN.max(c.n(), x.seg, c.x().off(), c.x().inc()),
                    Kernels.max(c.n(), x.seg, c.x().off(), c.x().inc()), "max of " + c.n());
        }
    }

    enum Binary { ADD, MUL, FMA }

    @Property
    void elementwise(@ForAll("vectors") VecCase c, @ForAll Binary op) {
        try (Arena arena = Arena.ofConfined()) {
            Random rnd = c.rnd();
            Buf x = vec(arena, c, c.x(), rnd, c.scale()), y = vec(arena, c, c.y(), rnd, c.scale());
            Buf z = vec(arena, c, c.z(), rnd, c.scale() * c.scale()), z2 = z.copy(arena);
            int n = c.n();
            Layout lx = c.x(), ly = c.y(), lz = c.z();
            switch (op) {
                case ADD -> {
                    Kernels.add(n, x.seg, lx.off(), lx.inc(), y.seg, ly.off(), ly.inc(), z.seg, lz.off(), lz.inc());
                    TWIN.add(n, x.seg, lx.off(), lx.inc(), y.seg, ly.off(), ly.inc(), z2.seg, lz.off(), lz.inc());
                }
                case MUL -> {
                    Kernels.mul(n, x.seg, lx.off(), lx.inc(), y.seg, ly.off(), ly.inc(), z.seg, lz.off(), lz.inc());
                    TWIN.mul(n, x.seg, lx.off(), lx.inc(), y.seg, ly.off(), ly.inc(), z2.seg, lz.off(), lz.inc());
                }
                case FMA -> {
                    Kernels.fma(n, x.seg, lx.off(), lx.inc(), y.seg, ly.off(), ly.inc(), z.seg, lz.off(), lz.inc());
                    TWIN.fma(n, x.seg, lx.off(), lx.inc(), y.seg, ly.off(), ly.inc(), z2.seg, lz.off(), lz.inc());
                }
            }
            compareVector(op + " z", z, z2, n, lz, Tolerance.ulps(1));
        }
    }

    // ------------------------------------------------------------------ BLAS level 2

    @Property
    void gemv(@ForAll("matrices") MatCase c, @ForAll boolean transposed, @ForAll("strides") int incX,
              @ForAll("strides") int incY, @ForAll("coefficients") float alpha, @ForAll("coefficients") float beta) {
        try (Arena arena = Arena.ofConfined()) {
            Random rnd = c.rnd();
            int m = c.rows(), n = c.cols();
            int xLen = transposed ? m : n, yLen = transposed ? n : m;
            Buf a = Buf.random(arena, c.heap(), Buf.matrixSize(c.offA(), m, n, c.lda()), rnd, c.scale());
            Buf x = Buf.random(arena, c.heap(), Buf.vectorSize(c.offB(), xLen, incX), rnd, c.scale());
            Layout ly = new Layout(3, incY);
            Buf y = Buf.random(arena, c.heap(), Buf.vectorSize(ly.off(), yLen, incY), rnd, c.scale());
            if (beta == 0f) {
                for (int i = 0; i < yLen; i++) {
                    y.seg.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, ly.index(i), Float.NaN);
                }
            }
            Buf y2 = y.copy(arena);
            if (transposed) {
                Kernels.gemvT(m, n, alpha, a.seg, c.offA(), c.lda(), x.seg, c.offB(), incX, beta, y.seg, ly.off(), incY);
                TWIN.gemvT(m, n, alpha, a.seg, c.offA(), c.lda(), x.seg, c.offB(), incX, beta, y2.seg, ly.off(), incY);
            } else {
                Kernels.gemv(m, n, alpha, a.seg, c.offA(), c.lda(), x.seg, c.offB(), incX, beta, y.seg, ly.off(), incY);
                TWIN.gemv(m, n, alpha, a.seg, c.offA(), c.lda(), x.seg, c.offB(), incX, beta, y2.seg, ly.off(), incY);
            }
            int k = transposed ? m : n;
            compareVector(transposed ? "gemvT y" : "gemv y", y, y2, yLen, ly, Tolerance.reduction(k, 8), i -> {
                double mag = beta == 0f ? 0 : Math.abs(beta * y2.initial(ly.index(i)));
                for (int p = 0; p < k; p++) {
                    long ai = transposed ? c.offA() + (long) p * c.lda() + i : c.offA() + (long) i * c.lda() + p;
                    mag += Math.abs((double) alpha * a.get(ai) * x.get(c.offB() + (long) p * incX));
                }
                return mag;
            });
        }
    }

    @Provide
    static Arbitrary<Float> coefficients() {
        return Arbitraries.of(0f, 1f, -1f, 0.5f, 2.5f, -3f);
    }

    @Property(tries = 150)
    void sgemm(@ForAll("gemmDims") int m, @ForAll("gemmDims") int n, @ForAll("gemmDims") int k,
               @ForAll boolean transA, @ForAll boolean transB, @ForAll("coefficients") float alpha,
               @ForAll("coefficients") float beta, @ForAll("pads") int pad, @ForAll boolean heap, @ForAll long seed) {
        try (Arena arena = Arena.ofConfined()) {
            Random rnd = new Random(seed);
            int aRows = transA ? k : m, aCols = transA ? m : k, bRows = transB ? n : k, bCols = transB ? k : n;
            int lda = Math.max(1, aCols + pad), ldb = Math.max(1, bCols + pad), ldc = Math.max(1, n + pad);
            Buf a = Buf.random(arena, heap, Buf.matrixSize(1, aRows, aCols, lda), rnd, 1f);
            Buf b = Buf.random(arena, heap, Buf.matrixSize(2, bRows, bCols, ldb), rnd, 1f);
            float[] cInit = new float[Math.toIntExact(Buf.matrixSize(3, m, n, ldc))];
            for (int i = 0; i < cInit.length; i++) {
                cInit[i] = beta == 0f ? Float.NaN : rnd.nextFloat() * 2 - 1;   // beta = 0 must not read C
            }
            Buf c = Buf.of(arena, heap, cInit), c2 = c.copy(arena);
            Kernels.sgemm(transA, transB, m, n, k, alpha, a.seg, 1, lda, b.seg, 2, ldb, beta, c.seg, 3, ldc);
            TWIN.sgemm(transA, transB, m, n, k, alpha, a.seg, 1, lda, b.seg, 2, ldb, beta, c2.seg, 3, ldc);
            Tolerance tol = Tolerance.reduction(k, 8);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double mag = beta == 0f ? 0 : Math.abs(beta * cInit[3 + i * ldc + j]);
                    for (int p = 0; p < k; p++) {
                        float aip = a.get(1 + (transA ? (long) p * lda + i : (long) i * lda + p));
                        float bpj = b.get(2 + (transB ? (long) j * ldb + p : (long) p * ldb + j));
                        mag += Math.abs((double) alpha * aip * bpj);
                    }
                    long idx = 3 + (long) i * ldc + j;
                    tol.assertClose("C[" + i + "][" + j + "] (" + m + "x" + n + "x" + k + ")", c.get(idx), c2.get(idx), mag);
                }
            }
            c.assertUnchangedExcept("c", Buf.inMatrix(3, m, n, ldc));
        }
    }

    @Provide
    static Arbitrary<Integer> gemmDims() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 33, 37, 64, 97)),
                Tuple.of(1, Arbitraries.integers().between(0, 120)));
    }

    @Provide
    static Arbitrary<Integer> pads() {
        return Arbitraries.of(0, 0, 1, 5);
    }

    // ------------------------------------------------------------------ bias

    /** W is the (in x out) matrix of the case, x has in floats, b and y have out; heap or native, padded ldw. */
    @Property
    void denseRow(@ForAll("matrices") MatCase c, @ForAll boolean relu) {
        try (Arena arena = Arena.ofConfined()) {
            Random rnd = c.rnd();
            int in = c.rows(), out = c.cols();
            Buf w = Buf.random(arena, c.heap(), Buf.matrixSize(c.offA(), in, out, c.lda()), rnd, c.scale());
            Buf x = Buf.random(arena, c.heap(), Buf.vectorSize(c.offB(), in, 1), rnd, c.scale());
            Buf b = Buf.random(arena, c.heap(), Buf.vectorSize(5, out, 1), rnd, c.scale() * c.scale());
            Layout ly = new Layout(3, 1);
            Buf y = Buf.random(arena, c.heap(), Buf.vectorSize(ly.off(), out, 1), rnd, 1f);
            for (int j = 0; j < out; j++) {
                y.seg.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, ly.index(j), Float.NaN);   // not read
            }
            Buf y2 = y.copy(arena);
            Kernels.denseRow(in, out, x.seg, c.offB(), w.seg, c.offA(), c.lda(), b.seg, 5, relu, y.seg, ly.off());
            TWIN.denseRow(in, out, x.seg, c.offB(), w.seg, c.offA(), c.lda(), b.seg, 5, relu, y2.seg, ly.off());
            compareVector("denseRow y", y, y2, out, ly, Tolerance.reduction(in + 1, 8), j -> {
                double mag = Math.abs(b.get(5 + j));
                for (int i = 0; i < in; i++) {
                    mag += Math.abs((double) x.get(c.offB() + i) * w.get(c.offA() + (long) i * c.lda() + j));
                }
                return mag;
            });
            y.assertUnchangedExcept("y", Buf.inVector(ly.off(), out, 1));
        }
    }

    @Property
    void addBias(@ForAll("matrices") MatCase c) {
        try (Arena arena = Arena.ofConfined()) {
            Random rnd = c.rnd();
            Buf a = Buf.random(arena, c.heap(), Buf.matrixSize(c.offA(), c.rows(), c.cols(), c.lda()), rnd, c.scale());
            Buf b = Buf.random(arena, c.heap(), Buf.vectorSize(c.offB(), c.cols(), 1), rnd, c.scale());
            Buf a2 = a.copy(arena);
            Kernels.addBias(c.rows(), c.cols(), a.seg, c.offA(), c.lda(), b.seg, c.offB());
            TWIN.addBias(c.rows(), c.cols(), a2.seg, c.offA(), c.lda(), b.seg, c.offB());
            for (int i = 0; i < c.rows(); i++) {
                compareRow("a", a, a2, c.offA() + (long) i * c.lda(), c.cols(), Tolerance.ulps(1));
            }
            a.assertUnchangedExcept("a", Buf.inMatrix(c.offA(), c.rows(), c.cols(), c.lda()));
        }
    }

    private static void compareRow(String name, Buf got, Buf ref, long start, int cols, Tolerance tol) {
        for (int j = 0; j < cols; j++) {
            tol.assertClose(name + "[" + (start + j) + "]", got.get(start + j), ref.get(start + j));
        }
    }

    @Property
    void colSums(@ForAll("matrices") MatCase c, @ForAll("coefficients") float beta) {
        try (Arena arena = Arena.ofConfined()) {
            Random rnd = c.rnd();
            Buf a = Buf.random(arena, c.heap(), Buf.matrixSize(c.offA(), c.rows(), c.cols(), c.lda()), rnd, c.scale());
            Layout lo = new Layout(c.offB(), 1);
            Buf out = Buf.random(arena, c.heap(), Buf.vectorSize(c.offB(), c.cols(), 1), rnd, c.scale());
            Buf out2 = out.copy(arena);
            Kernels.colSums(c.rows(), c.cols(), a.seg, c.offA(), c.lda(), beta, out.seg, c.offB());
            TWIN.colSums(c.rows(), c.cols(), a.seg, c.offA(), c.lda(), beta, out2.seg, c.offB());
            compareVector("out", out, out2, c.cols(), lo, Tolerance.reduction(c.rows(), 4), j -> {
                double mag = Math.abs(beta * out.initial(lo.index(j)));
                for (int i = 0; i < c.rows(); i++) {
                    mag += Math.abs(a.get(c.offA() + (long) i * c.lda() + j));
                }
                return mag;
            });
        }
    }

    // ------------------------------------------------------------------ activations

    enum Activation { RELU, LEAKY_RELU, EXP, SIGMOID, TANH, GELU }

    @Property
    void activationForward(@ForAll("transcendental") VecCase c, @ForAll Activation act, @ForAll boolean inPlace) {
        try (Arena arena = Arena.ofConfined()) {
            Random rnd = c.rnd();
            int n = c.n();
            Buf x = vec(arena, c, c.x(), rnd, c.scale());
            Buf x2 = x.copy(arena);
            Layout ly = inPlace ? c.x() : c.y();
            Buf y = inPlace ? x : vec(arena, c, c.y(), rnd, 1f);
            Buf y2 = inPlace ? x2 : y.copy(arena);
            long xo = c.x().off(), yo = ly.off();
            Tolerance tol = switch (act) {
                case RELU, LEAKY_RELU -> Tolerance.ulps(1);
                case EXP -> Tolerance.ulps(4);
                case SIGMOID, TANH -> Tolerance.ulps(6);
                case GELU -> Tolerance.ulps(8);
            };
            switch (act) {
                case RELU -> { Kernels.relu(n, x.seg, xo, y.seg, yo); TWIN.relu(n, x2.seg, xo, y2.seg, yo); }
                case LEAKY_RELU -> { Kernels.leakyRelu(n, 0.01f, x.seg, xo, y.seg, yo); TWIN.leakyRelu(n, 0.01f, x2.seg, xo, y2.seg, yo); }
                case EXP -> { Kernels.exp(n, x.seg, xo, y.seg, yo); TWIN.exp(n, x2.seg, xo, y2.seg, yo); }
                case SIGMOID -> { Kernels.sigmoid(n, x.seg, xo, y.seg, yo); TWIN.sigmoid(n, x2.seg, xo, y2.seg, yo); }
                case TANH -> { Kernels.tanh(n, x.seg, xo, y.seg, yo); TWIN.tanh(n, x2.seg, xo, y2.seg, yo); }
                case GELU -> { Kernels.gelu(n, x.seg, xo, y.seg, yo); TWIN.gelu(n, x2.seg, xo, y2.seg, yo); }
            }
            // GELU's condition number grows with |x| on the negative side (the result is x e^{2u} there),
            // so its error is relative to |y| (1 + |2u|).
            compareVector(act + " y", y, y2, n, ly, tol, i -> act != Activation.GELU ? 0
                    : Math.abs(y2.get(ly.index(i))) * (1 + Math.abs(twoU(x2.initial(c.x().index(i))))));
            if (!inPlace) {
                x.assertUnchangedExcept("x", i -> false);
            }
        }
    }

    /** 2u = 2 sqrt(2/pi) (x + 0.044715 x^3), the argument of GELU's sigmoid. */
    private static double twoU(double x) {
        return 2 * Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x);
    }

    @Property
    void activationBackward(@ForAll("transcendental") VecCase c, @ForAll Activation act, @ForAll boolean inPlace) {
        if (act == Activation.EXP) {
            return;   // exp has no backward kernel: its derivative is its output
        }
        try (Arena arena = Arena.ofConfined()) {
            Random rnd = c.rnd();
            int n = c.n();
            // sigmoid and tanh backward take the forward output, which lies in (0, 1) and (-1, 1).
            float inScale = act == Activation.SIGMOID || act == Activation.TANH ? 1f : c.scale();
            Buf in = vec(arena, c, c.x(), rnd, inScale);
            Buf dy = vec(arena, c, c.y(), rnd, 1f);
            Buf dy2 = dy.copy(arena);
            Layout ldx = inPlace ? c.y() : c.z();
            Buf dx = inPlace ? dy : vec(arena, c, c.z(), rnd, 1f);
            Buf dx2 = inPlace ? dy2 : dx.copy(arena);
            long io = c.x().off(), go = c.y().off(), xo = ldx.off();
            switch (act) {
                case RELU -> { Kernels.reluBackward(n, in.seg, io, dy.seg, go, dx.seg, xo); TWIN.reluBackward(n, in.seg, io, dy2.seg, go, dx2.seg, xo); }
                case LEAKY_RELU -> { Kernels.leakyReluBackward(n, 0.1f, in.seg, io, dy.seg, go, dx.seg, xo); TWIN.leakyReluBackward(n, 0.1f, in.seg, io, dy2.seg, go, dx2.seg, xo); }
                case SIGMOID -> { Kernels.sigmoidBackward(n, in.seg, io, dy.seg, go, dx.seg, xo); TWIN.sigmoidBackward(n, in.seg, io, dy2.seg, go, dx2.seg, xo); }
                case TANH -> { Kernels.tanhBackward(n, in.seg, io, dy.seg, go, dx.seg, xo); TWIN.tanhBackward(n, in.seg, io, dy2.seg, go, dx2.seg, xo); }
                case GELU -> { Kernels.geluBackward(n, in.seg, io, dy.seg, go, dx.seg, xo); TWIN.geluBackward(n, in.seg, io, dy2.seg, go, dx2.seg, xo); }
                default -> throw new AssertionError(act);
            }
            compareVector(act + " dx", dx, dx2, n, ldx, Tolerance.ulps(8), i -> {
                double x = in.get(c.x().index(i)), g = Math.abs(dy2.initial(c.y().index(i)));
                return switch (act) {
                    case SIGMOID -> g * Math.abs(x) * (1 + Math.abs(x));
                    case TANH -> g * (1 + x * x);
                    case GELU -> {
                        double s = 1 / (1 + Math.exp(-twoU(x)));
                        double d2u = 2 * Math.sqrt(2 / Math.PI) * (1 + 3 * 0.044715 * x * x);
                        yield g * (s + Math.abs(x * s * (1 - s) * d2u)) * (1 + Math.abs(twoU(x)));
                    }
                    default -> 0;
                };
            });
        }
    }

    // ------------------------------------------------------------------ softmax

    @Property
    void softmax(@ForAll("softmaxMatrices") MatCase c, @ForAll boolean log, @ForAll boolean inPlace) {
        try (Arena arena = Arena.ofConfined()) {
            Random rnd = c.rnd();
            int rows = c.rows(), cols = c.cols();
            Buf x = Buf.random(arena, c.heap(), Buf.matrixSize(c.offA(), rows, cols, c.lda()), rnd, c.scale());
            Buf x2 = x.copy(arena);
            long yo = inPlace ? c.offA() : c.offB();
            int ldy = inPlace ? c.lda() : c.ldb();
            Buf y = inPlace ? x : Buf.random(arena, c.heap(), Buf.matrixSize(yo, rows, cols, ldy), rnd, 1f);
            Buf y2 = inPlace ? x2 : y.copy(arena);
            if (log) {
                Kernels.logSoftmax(rows, cols, x.seg, c.offA(), c.lda(), y.seg, yo, ldy);
                TWIN.logSoftmax(rows, cols, x2.seg, c.offA(), c.lda(), y2.seg, yo, ldy);
            } else {
                Kernels.softmax(rows, cols, x.seg, c.offA(), c.lda(), y.seg, yo, ldy);
                TWIN.softmax(rows, cols, x2.seg, c.offA(), c.lda(), y2.seg, yo, ldy);
            }
            // The row sum carries a reduction error of about cols ulps into every element; log-softmax's
            // error is absolute, proportional to the magnitudes of x, max and log(sum).
            Tolerance tol = Tolerance.reduction(cols, 8);
            for (int r = 0; r < rows; r++) {
                long start = yo + (long) r * ldy;
                for (int j = 0; j < cols; j++) {
                    double ref = y2.get(start + j);
                    double scale = log ? Math.abs(x2.initial(c.offA() + (long) r * c.lda() + j)) + 2 * c.scale()
                            + Math.log(cols + 1) : 0;
                    tol.assertClose((log ? "logSoftmax" : "softmax") + " y[" + r + "][" + j + "]", y.get(start + j), ref, scale);
                }
            }
            y.assertUnchangedExcept("y", Buf.inMatrix(yo, rows, cols, ldy));
        }
    }

    // ------------------------------------------------------------------ losses

    @Property
    void mseLoss(@ForAll("contiguous") VecCase c, @ForAll boolean inPlace) {
        try (Arena arena = Arena.ofConfined()) {
            Random rnd = c.rnd();
            int n = c.n();
            Buf p = vec(arena, c, c.x(), rnd, c.scale()), t = vec(arena, c, c.y(), rnd, c.scale());
            Buf p2 = p.copy(arena);
            Layout lg = inPlace ? c.x() : c.z();
            Buf g = inPlace ? p : vec(arena, c, c.z(), rnd, 1f);
            Buf g2 = inPlace ? p2 : g.copy(arena);
            float got = Kernels.mseLoss(n, p.seg, c.x().off(), t.seg, c.y().off(), g.seg, lg.off());
            float ref = TWIN.mseLoss(n, p2.seg, c.x().off(), t.seg, c.y().off(), g2.seg, lg.off());
            Tolerance.reduction(n, 8).assertClose("mse loss", got, ref);
            compareVector("mse grad", g, g2, n, lg, Tolerance.ulps(2));
        }
    }

    @Property
    void huberLoss(@ForAll("contiguous") VecCase c, @ForAll boolean inPlace) {
        try (Arena arena = Arena.ofConfined()) {
            Random rnd = c.rnd();
            int n = c.n();
            Buf p = vec(arena, c, c.x(), rnd, c.scale()), t = vec(arena, c, c.y(), rnd, c.scale());
            Buf p2 = p.copy(arena);
            Layout lg = inPlace ? c.x() : c.z();
            Buf g = inPlace ? p : vec(arena, c, c.z(), rnd, 1f);
            Buf g2 = inPlace ? p2 : g.copy(arena);
            float delta = c.scale() * (0.05f + rnd.nextFloat());   // both branches at every magnitude
            float got = Kernels.huberLoss(n, delta, p.seg, c.x().off(), t.seg, c.y().off(), g.seg, lg.off());
            float ref = TWIN.huberLoss(n, delta, p2.seg, c.x().off(), t.seg, c.y().off(), g2.seg, lg.off());
            Tolerance.reduction(n, 8).assertClose("huber loss", got, ref);
            compareVector("huber grad", g, g2, n, lg, Tolerance.ulps(2));
        }
    }

    @Property
    void bceWithLogitsLoss(@ForAll("transcendental") VecCase c, @ForAll("posWeights") float posWeight) {
        try (Arena arena = Arena.ofConfined()) {
            Random rnd = c.rnd();
            int n = c.n();
            Buf z = vec(arena, c, c.x(), rnd, c.scale());
            float[] targets = new float[Math.toIntExact(Buf.vectorSize(c.y().off(), n, 1))];
            for (int i = 0; i < targets.length; i++) {
                targets[i] = rnd.nextInt(4) == 0 ? rnd.nextFloat() : rnd.nextInt(2);   // hard and soft labels
            }
            Buf t = Buf.of(arena, c.heap(), targets);
            Buf g = vec(arena, c, c.z(), rnd, 1f), g2 = g.copy(arena);
            long zo = c.x().off(), to = c.y().off(), go = c.z().off();
            float got = Kernels.bceWithLogitsLoss(n, z.seg, zo, t.seg, to, posWeight, g.seg, go);
            float ref = TWIN.bceWithLogitsLoss(n, z.seg, zo, t.seg, to, posWeight, g2.seg, go);
            double mag = 0;
            for (int i = 0; i < n; i++) {
                double zi = z.get(zo + i);
                mag += (posWeight + 1) * (Math.abs(zi) + 1) / n;
            }
            Tolerance.reduction(n, 16).assertClose("bce loss", got, ref, mag);
            compareVector("bce grad", g, g2, n, c.z(), Tolerance.ulps(12), i -> (posWeight + 1.0) / n);
        }
    }

    @Provide
    static Arbitrary<Float> posWeights() {
        return Arbitraries.of(1f, 0.5f, 3f);
    }

    @Property
    void softmaxCrossEntropyLoss(@ForAll("softmaxMatrices") MatCase c, @ForAll boolean inPlace) {
        try (Arena arena = Arena.ofConfined()) {
            Random rnd = c.rnd();
            int rows = c.rows(), cols = c.cols();
            Buf z = Buf.random(arena, c.heap(), Buf.matrixSize(c.offA(), rows, cols, c.lda()), rnd, c.scale());
            Buf z2 = z.copy(arena);
            float[] targets = new float[Math.toIntExact(Buf.matrixSize(c.offB(), rows, cols, c.ldb()))];
            for (int r = 0; r < rows && cols > 0; r++) {
                if (rnd.nextBoolean()) {
                    targets[c.offB() + r * c.ldb() + rnd.nextInt(cols)] = 1f;   // one-hot
                } else {
                    for (int j = 0; j < cols; j++) {
                        targets[c.offB() + r * c.ldb() + j] = 1f / cols;       // smoothed
                    }
                }
            }
            Buf t = Buf.of(arena, c.heap(), targets);
            long go = inPlace ? c.offA() : 2;
            int ldg = inPlace ? c.lda() : Math.max(1, cols + 1);
            Buf g = inPlace ? z : Buf.random(arena, c.heap(), Buf.matrixSize(go, rows, cols, ldg), rnd, 1f);
            Buf g2 = inPlace ? z2 : g.copy(arena);
            float got = Kernels.softmaxCrossEntropyLoss(rows, cols, z.seg, c.offA(), c.lda(), t.seg, c.offB(), c.ldb(),
                    g.seg, go, ldg);
            float ref = TWIN.softmaxCrossEntropyLoss(rows, cols, z2.seg, c.offA(), c.lda(), t.seg, c.offB(), c.ldb(),
                    g2.seg, go, ldg);
            double mag = 2 * c.scale() + Math.log(cols + 1) + 1;
            Tolerance.reduction(rows * cols, 16).assertClose("softmax CE loss", got, ref, mag);
            Tolerance tol = Tolerance.reduction(cols, 16);
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    long idx = go + (long) r * ldg + j;
                    tol.assertClose("softmax CE grad[" + r + "][" + j + "]", g.get(idx), g2.get(idx), 2.0 / rows);
                }
            }
            g.assertUnchangedExcept("grad", Buf.inMatrix(go, rows, cols, ldg));
        }
    }

    // ------------------------------------------------------------------ optimizers

    enum Optimizer { SGD, MOMENTUM, NESTEROV, ADAM, ADAMW }

    @Property
    void optimizerStep(@ForAll("contiguous") VecCase c, @ForAll Optimizer opt, @ForAll("decays") float wd,
                       @ForAll("steps") int step) {
        try (Arena arena = Arena.ofConfined()) {
            Random rnd = c.rnd();
            int n = c.n();
            float lr = 0.01f;
            Buf w = vec(arena, c, c.x(), rnd, 1f), g = vec(arena, c, c.y(), rnd, c.scale());
            Buf m = vec(arena, c, c.z(), rnd, c.scale());
            float[] vInit = new float[Math.toIntExact(Buf.vectorSize(3, n, 1))];
            for (int i = 0; i < vInit.length; i++) {
                vInit[i] = rnd.nextFloat() * c.scale() * c.scale();   // a second moment is >= 0
            }
            Buf v = Buf.of(arena, c.heap(), vInit);
            Buf w2 = w.copy(arena), m2 = m.copy(arena), v2 = v.copy(arena);
            long wo = c.x().off(), go = c.y().off(), mo = c.z().off(), vo = 3;
            switch (opt) {
                case SGD -> { Kernels.sgd(n, lr, wd, w.seg, wo, g.seg, go); TWIN.sgd(n, lr, wd, w2.seg, wo, g.seg, go); }
                case MOMENTUM, NESTEROV -> {
                    boolean nest = opt == Optimizer.NESTEROV;
                    Kernels.sgdMomentum(n, lr, 0.9f, wd, nest, w.seg, wo, g.seg, go, m.seg, mo);
                    TWIN.sgdMomentum(n, lr, 0.9f, wd, nest, w2.seg, wo, g.seg, go, m2.seg, mo);
                }
                case ADAM -> {
                    Kernels.adam(n, lr, 0.9f, 0.999f, 1e-8f, wd, step, w.seg, wo, g.seg, go, m.seg, mo, v.seg, vo);
                    TWIN.adam(n, lr, 0.9f, 0.999f, 1e-8f, wd, step, w2.seg, wo, g.seg, go, m2.seg, mo, v2.seg, vo);
                }
                case ADAMW -> {
                    Kernels.adamW(n, lr, 0.9f, 0.999f, 1e-8f, wd, step, w.seg, wo, g.seg, go, m.seg, mo, v.seg, vo);
                    TWIN.adamW(n, lr, 0.9f, 0.999f, 1e-8f, wd, step, w2.seg, wo, g.seg, go, m2.seg, mo, v2.seg, vo);
                }
            }
            // Each output is a short sum of terms; its rounding error is relative to the sum of their magnitudes.
            boolean adam = opt == Optimizer.ADAM || opt == Optimizer.ADAMW;
            double c1 = 1 / (1 - Math.pow(0.9, step)), c2 = 1 / (1 - Math.pow(0.999, step));
            java.util.function.IntToDoubleFunction gradMag =
                    i -> Math.abs(g.get(go + i)) + Math.abs(wd * w.initial(wo + i));
            compareVector(opt + " w", w, w2, n, c.x(), Tolerance.ulps(16), i -> {
                double w0 = Math.abs(w.initial(wo + i));
                if (adam) {
                    return w0 + lr * Math.abs(m2.get(mo + i)) * c1 / (Math.sqrt(v2.get(vo + i) * c2) + 1e-8);
                }
                return w0 + lr * 2 * (gradMag.applyAsDouble(i) + Math.abs(m2.get(mo + i)));
            });
            compareVector(opt + " m", m, m2, n, c.z(), Tolerance.ulps(8),
                    i -> Math.abs(m.initial(mo + i)) + gradMag.applyAsDouble(i));
            compareVector(opt + " v", v, v2, n, new Layout(3, 1), Tolerance.ulps(8),
                    i -> Math.abs(v.initial(vo + i)) + Math.pow(gradMag.applyAsDouble(i), 2));
        }
    }

    @Provide
    static Arbitrary<Float> decays() {
        return Arbitraries.of(0f, 1e-4f, 0.1f);
    }

    @Provide
    static Arbitrary<Integer> steps() {
        return Arbitraries.of(1, 2, 10, 1000);
    }
}
