package io.quantlane.testing;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.function.LongPredicate;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A test operand: a segment of floats (native or heap) with a snapshot of its initial contents, so a test
 * can run two implementations on identical copies and check that nothing outside the written elements
 * changed (which catches a vector tail that stores past the end).
 */
public final class Buf {

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** Floats of slack after the last element an operand may touch: more than one 512-bit vector. */
    public static final int PAD = 19;

    public final MemorySegment seg;
    private final float[] orig;

    private Buf(MemorySegment seg, float[] orig) {
        this.seg = seg;
        this.orig = orig;
    }

    /** {@code size} floats uniform in [-scale, scale]. */
    public static Buf random(Arena arena, boolean heap, long size, Random rnd, float scale) {
        float[] values = new float[Math.toIntExact(size)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (rnd.nextFloat() * 2f - 1f) * scale;
        }
        return of(arena, heap, values);
    }

    /** A buffer holding {@code values} (copied). */
    public static Buf of(Arena arena, boolean heap, float[] values) {
        MemorySegment seg;
        if (heap) {
            seg = MemorySegment.ofArray(values.clone());
        } else {
            seg = arena.allocate(Math.max(1, (long) values.length * Float.BYTES), 64);
            MemorySegment.copy(values, 0, seg, F, 0, values.length);
        }
        return new Buf(seg, values.clone());
    }

    /** Floats needed for a strided vector at an offset, plus padding. */
    public static long vectorSize(long off, int n, int inc) {
        return off + (n == 0 ? 0 : (long) (n - 1) * inc + 1) + PAD;
    }

    /** Floats needed for a row-major matrix at an offset, plus padding. */
    public static long matrixSize(long off, int rows, int cols, int ld) {
        return off + (rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols) + PAD;
    }

    /** An independent buffer with the same initial contents and the same kind (heap or native). */
    public Buf copy(Arena arena) {
        return of(arena, !seg.isNative(), orig);
    }

    public float get(long index) {
        return seg.getAtIndex(F, index);
    }

    public float initial(long index) {
        return orig[Math.toIntExact(index)];
    }

    public int size() {
        return orig.length;
    }

    /** Fails if an element for which {@code written} is false no longer holds its initial bits. */
    public void assertUnchangedExcept(String name, LongPredicate written) {
        for (int i = 0; i < orig.length; i++) {
            if (!written.test(i) && Float.floatToRawIntBits(get(i)) != Float.floatToRawIntBits(orig[i])) {
                fail(name + "[" + i + "] was written but lies outside the output: " + orig[i] + " -> " + get(i));
            }
        }
    }

    /** Predicate: index i is one of the n elements of a strided vector. */
    public static LongPredicate inVector(long off, int n, int inc) {
        return i -> i >= off && (i - off) % inc == 0 && (i - off) / inc < n;
    }

    /** Predicate: index i is one of the elements of a row-major matrix. */
    public static LongPredicate inMatrix(long off, int rows, int cols, int ld) {
        return i -> i >= off && (i - off) / ld < rows && (i - off) % ld < cols;
    }
}
