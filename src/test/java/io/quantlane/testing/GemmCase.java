package io.quantlane.testing;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/**
 * One random GEMM problem, the same for float32 and float64: shapes, transposes, leading dimensions with
 * padding, alpha and beta, operands uniform in [-1, 1] at offsets 1, 2 and 3, and C filled with NaN when
 * beta = 0 (which must not be read). {@link #floats} and {@link #doubles} lay it out in either precision.
 */
public record GemmCase(int m, int n, int k, boolean transA, boolean transB, double alpha, double beta, int pad,
                       boolean heap, long seed) {

    public static final long A_OFF = 1, B_OFF = 2, C_OFF = 3;

    public int aRows() { return transA ? k : m; }
    public int aCols() { return transA ? m : k; }
    public int bRows() { return transB ? n : k; }
    public int bCols() { return transB ? k : n; }
    public int lda() { return Math.max(1, aCols() + pad); }
    public int ldb() { return Math.max(1, bCols() + pad); }
    public int ldc() { return Math.max(1, n + pad); }

    public long aSize() { return Buf.matrixSize(A_OFF, aRows(), aCols(), lda()); }
    public long bSize() { return Buf.matrixSize(B_OFF, bRows(), bCols(), ldb()); }
    public long cSize() { return Buf.matrixSize(C_OFF, m, n, ldc()); }

    /** Operands as float32: a, b, c, and |a|, |b| (for error magnitudes). */
    public MemorySegment[] floats(Arena arena) {
        Random rnd = new Random(seed);
        float[] a = randomF(aSize(), rnd), b = randomF(bSize(), rnd), c = randomF(cSize(), rnd);
        if (beta == 0) {
            java.util.Arrays.fill(c, Float.NaN);
        }
        float[] absA = a.clone(), absB = b.clone();
        for (int i = 0; i < absA.length; i++) absA[i] = Math.abs(absA[i]);
        for (int i = 0; i < absB.length; i++) absB[i] = Math.abs(absB[i]);
        return new MemorySegment[] {seg(arena, a), seg(arena, b), seg(arena, c), seg(arena, absA), seg(arena, absB)};
    }

    /** Operands as float64, the same values as {@link #floats} widened. */
    public MemorySegment[] doubles(Arena arena) {
        MemorySegment[] f = floats(Arena.ofAuto());
        MemorySegment[] d = new MemorySegment[f.length];
        for (int s = 0; s < f.length; s++) {
            float[] v = f[s].toArray(ValueLayout.JAVA_FLOAT);
            double[] w = new double[v.length];
            for (int i = 0; i < v.length; i++) w[i] = v[i];
            if (heap) {
                d[s] = MemorySegment.ofArray(w);
            } else {
                d[s] = arena.allocate((long) w.length * Double.BYTES, 64);
                MemorySegment.copy(w, 0, d[s], ValueLayout.JAVA_DOUBLE, 0, w.length);
            }
        }
        return d;
    }

    /** A copy of a segment of the same kind (heap or native). */
    public MemorySegment copy(Arena arena, MemorySegment s) {
        if (heap) {
            return s.heapBase().get() instanceof double[]
                    ? MemorySegment.ofArray(s.toArray(ValueLayout.JAVA_DOUBLE))
                    : MemorySegment.ofArray(s.toArray(ValueLayout.JAVA_FLOAT));
        }
        MemorySegment t = arena.allocate(s.byteSize(), 64);
        t.copyFrom(s);
        return t;
    }

    /** Whether float index i lies inside C (the elements sgemm may write). */
    public boolean inC(long i) {
        return Buf.inMatrix(C_OFF, m, n, ldc()).test(i);
    }

    /**
     * Checks C after an sgemm against the twin's C: every element of C within {@link Tolerance#reduction} of
     * k terms relative to |alpha| sum |a| |b| + |beta c|, every element outside C untouched.
     */
    public void assertFloatsClose(MemorySegment[] ops, MemorySegment got, MemorySegment ref) {
        MemorySegment mag = copy(Arena.ofAuto(), ops[2]);
        io.quantlane.kernel.Kernels.scalar().sgemm(transA, transB, m, n, k, (float) Math.abs(alpha), ops[3], A_OFF,
                lda(), ops[4], B_OFF, ldb(), 0f, mag, C_OFF, ldc());
        Tolerance tol = Tolerance.reduction(k, 8);
        ValueLayout.OfFloat f = ValueLayout.JAVA_FLOAT_UNALIGNED;
        for (long i = 0; i < got.byteSize() / Float.BYTES; i++) {
            float init = ops[2].getAtIndex(f, i);
            if (inC(i)) {
                double scale = mag.getAtIndex(f, i) + (beta == 0 ? 0 : Math.abs(beta * init));
                tol.assertClose("C[" + i + "] of " + shape(), got.getAtIndex(f, i), ref.getAtIndex(f, i), scale);
            } else if (Float.floatToRawIntBits(got.getAtIndex(f, i)) != Float.floatToRawIntBits(init)) {
                throw new AssertionError("float " + i + " lies outside C but was written, " + shape());
            }
        }
    }

    /** {@link #assertFloatsClose} for dgemm, with double epsilon. */
    public void assertDoublesClose(MemorySegment[] ops, MemorySegment got, MemorySegment ref) {
        MemorySegment mag = copy(Arena.ofAuto(), ops[2]);
        io.quantlane.kernel.Kernels.scalar().dgemm(transA, transB, m, n, k, Math.abs(alpha), ops[3], A_OFF,
                lda(), ops[4], B_OFF, ldb(), 0, mag, C_OFF, ldc());
        Tolerance tol = Tolerance.reduction64(k, 8);
        ValueLayout.OfDouble d = ValueLayout.JAVA_DOUBLE_UNALIGNED;
        for (long i = 0; i < got.byteSize() / Double.BYTES; i++) {
            double init = ops[2].getAtIndex(d, i);
            if (inC(i)) {
                double scale = mag.getAtIndex(d, i) + (beta == 0 ? 0 : Math.abs(beta * init));
                tol.assertClose("C[" + i + "] of " + shape(), got.getAtIndex(d, i), ref.getAtIndex(d, i), scale);
            } else if (Double.doubleToRawLongBits(got.getAtIndex(d, i)) != Double.doubleToRawLongBits(init)) {
                throw new AssertionError("double " + i + " lies outside C but was written, " + shape());
            }
        }
    }

    public String shape() {
        return m + "x" + n + "x" + k + (transA ? " A^T" : "") + (transB ? " B^T" : "") + " alpha " + alpha
                + " beta " + beta + " pad " + pad + (heap ? " heap" : " native");
    }

    private MemorySegment seg(Arena arena, float[] v) {
        if (heap) {
            return MemorySegment.ofArray(v);
        }
        MemorySegment s = arena.allocate(Math.max(1, (long) v.length * Float.BYTES), 64);
        MemorySegment.copy(v, 0, s, ValueLayout.JAVA_FLOAT, 0, v.length);
        return s;
    }

    private static float[] randomF(long size, Random rnd) {
        float[] v = new float[Math.toIntExact(size)];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextFloat() * 2 - 1;
        }
        return v;
    }
}
