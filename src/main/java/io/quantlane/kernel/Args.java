package io.quantlane.kernel;

import java.lang.foreign.MemorySegment;

/**
 * Argument checks shared by every entry point of {@link Kernels}. Each failure names the argument and
 * what was expected; the messages are built only on failure, so a passing check allocates nothing.
 */
final class Args {

    private Args() {
    }

    /** {@code n >= 0}. */
    static void size(String name, int n) {
        if (n < 0) {
            throw new IllegalArgumentException(name + ": expected >= 0, got " + n);
        }
    }

    /** The segment exists, its arena is open and this thread may use it. */
    static void live(String name, MemorySegment s) {
        if (s == null) {
            throw new NullPointerException(name + ": expected a MemorySegment, got null");
        }
        if (!s.scope().isAlive()) {
            throw new IllegalStateException(name + ": the segment's arena is closed");
        }
        if (!s.isAccessibleBy(Thread.currentThread())) {
            throw new IllegalStateException(name + ": the segment is confined to another thread");
        }
    }

    /** A thread that never runs: a segment it may access is one any thread may access. */
    private static final Thread SOME_OTHER_THREAD = new Thread(() -> { }, "quantlane-args-probe");

    /** For a threaded call: worker threads must be able to read and write the segment. */
    static void shareable(String name, MemorySegment s, String parName) {
        if (!s.isAccessibleBy(SOME_OTHER_THREAD)) {
            throw new IllegalArgumentException(name + ": a segment confined to one thread cannot be shared with the "
                    + "threads of " + parName + "; allocate it from Arena.ofShared(), Arena.ofAuto() or Arena.global()");
        }
    }

    /** The segment can be written. */
    static void writable(String name, MemorySegment s) {
        if (s.isReadOnly()) {
            throw new IllegalArgumentException(name + ": expected a writable segment, got a read-only one");
        }
    }

    /** A strided vector of n floats at offset {@code off}, stride {@code inc}, inside a live segment. */
    static void vector(String name, MemorySegment s, long off, int n, int inc) {
        live(name, s);
        if (off < 0) {
            throw new IllegalArgumentException(name + "Off: expected >= 0, got " + off);
        }
        if (inc < 1) {
            throw new IllegalArgumentException("inc" + capitalize(name) + ": expected >= 1, got " + inc);
        }
        long capacity = s.byteSize() / Float.BYTES;
        long span = n == 0 ? 0 : (long) (n - 1) * inc + 1;
        if (off > capacity || span > capacity - off) {
            throw new IllegalArgumentException(name + ": " + n + " floats with stride " + inc + " from " + name + "Off = "
                    + off + " need " + (off + span) + " floats, the segment holds " + capacity);
        }
    }

    /** A contiguous vector of n floats at offset {@code off}. */
    static void vector(String name, MemorySegment s, long off, int n) {
        vector(name, s, off, n, 1);
    }

    /** A row-major {@code rows x cols} float matrix with leading dimension {@code ld}, inside a live segment. */
    static void matrix(String name, MemorySegment s, long off, int rows, int cols, int ld, String ldName) {
        matrix(name, s, off, rows, cols, ld, ldName, Float.BYTES);
    }

    /** The same for elements of {@code bytes} bytes (8 for the float64 kernels). */
    static void matrix(String name, MemorySegment s, long off, int rows, int cols, int ld, String ldName, int bytes) {
        live(name, s);
        if (off < 0) {
            throw new IllegalArgumentException(name + "Off: expected >= 0, got " + off);
        }
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException(ldName + ": expected >= max(1, cols) = " + Math.max(1, cols)
                    + ", got " + ld);
        }
        long capacity = s.byteSize() / bytes;
        long span = matrixSpan(rows, cols, ld);
        if (off > capacity || span > capacity - off) {
            throw new IllegalArgumentException(name + ": a " + rows + " x " + cols + " matrix with " + ldName + " " + ld
                    + " from " + name + "Off = " + off + " needs " + (off + span) + (bytes == Float.BYTES ? " floats" : " doubles")
                    + ", the segment holds " + capacity);
        }
    }

    static long vectorSpan(int n, int inc) {
        return n == 0 ? 0 : (long) (n - 1) * inc + 1;
    }

    static long matrixSpan(int rows, int cols, int ld) {
        return rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
    }

    /**
     * Rejects an output that overlaps an input. When {@code exactOk}, the output may be the very same
     * elements as the input: same start and same stride ({@code outStride == inStride}).
     */
    static void noOverlap(String outName, MemorySegment out, long outOff, long outSpan, long outStride,
                          String inName, MemorySegment in, long inOff, long inSpan, long inStride, boolean exactOk) {
        noOverlap(outName, out, outOff, outSpan, outStride, inName, in, inOff, inSpan, inStride, exactOk, Float.BYTES);
    }

    /** The same for elements of {@code bytes} bytes. */
    static void noOverlap(String outName, MemorySegment out, long outOff, long outSpan, long outStride,
                          String inName, MemorySegment in, long inOff, long inSpan, long inStride, boolean exactOk,
                          int bytes) {
        if (outSpan == 0 || inSpan == 0 || !sameMemory(out, in)) {
            return;
        }
        long o0 = out.address() + outOff * bytes;
        long o1 = o0 + outSpan * bytes;
        long i0 = in.address() + inOff * bytes;
        long i1 = i0 + inSpan * bytes;
        if (o0 >= i1 || i0 >= o1) {
            return;
        }
        if (exactOk && o0 == i0 && outSpan == inSpan && outStride == inStride) {
            return;
        }
        throw new IllegalArgumentException(outName + ": overlaps " + inName
                + (exactOk ? " (only exact in-place use, same offset and stride, is allowed)"
                           : " (this kernel does not allow " + outName + " to alias " + inName + ")"));
    }

    /** True when both segments address the same memory space (the same heap array, or both off-heap). */
    private static boolean sameMemory(MemorySegment a, MemorySegment b) {
        if (a.isNative() || b.isNative()) {
            return a.isNative() && b.isNative();
        }
        return a.heapBase().orElse(null) == b.heapBase().orElse(null);
    }

    /** A finite float, for hyper-parameters where NaN would silently poison a whole model. */
    static void finite(String name, float v) {
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException(name + ": expected a finite number, got " + v);
        }
    }

    /** {@code lo <= v < hi}, for rates like beta1 in [0, 1). */
    static void inRange(String name, float v, float lo, float hi) {
        if (!(v >= lo && v < hi)) {
            throw new IllegalArgumentException(name + ": expected in [" + lo + ", " + hi + "), got " + v);
        }
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
