package io.quantlane.nn;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** Argument checks for the nn entry points, with messages that name the argument and the expected shape. */
final class Check {

    private Check() {
    }

    /** A (rows, cols) float matrix at float offset off with leading dimension ld must fit in seg. */
    static void matrix(String name, MemorySegment seg, long off, int rows, int cols, int ld) {
        Objects.requireNonNull(seg, name);
        if (!seg.scope().isAlive()) {
            throw new IllegalStateException(name + ": the segment's arena is closed");
        }
        if (!seg.isAccessibleBy(Thread.currentThread())) {
            throw new IllegalStateException(name + ": the segment is confined to another thread");
        }
        if (rows < 0) {
            throw new IllegalArgumentException("rows: expected >= 0, got " + rows);
        }
        if (ld < cols) {
            throw new IllegalArgumentException("ld" + name + ": expected >= " + cols + " (the row width), got " + ld);
        }
        if (off < 0) {
            throw new IllegalArgumentException(name + "Off: expected >= 0, got " + off);
        }
        if (rows == 0) {
            return;
        }
        long span = (long) (rows - 1) * ld + cols;   // at most 2^62: no overflow
        long have = seg.byteSize() / Float.BYTES;
        if (off > have || span > have - off) {        // not off + span > have: off may be near Long.MAX_VALUE
            throw new IllegalArgumentException(name + ": " + rows + " x " + cols + " floats (ld " + ld + ") from offset "
                    + off + " need " + (off > have ? "more than " + have : Long.toString(off + span))
                    + " floats, the segment holds " + have);
        }
    }

    /**
     * Rejects an output region that overlaps an input region: {@code outFloats} floats from {@code outOff} of
     * {@code out} against {@code inFloats} from {@code inOff} of {@code in}. Allocation-free for native segments.
     */
    static void disjoint(String outName, MemorySegment out, long outOff, long outFloats,
                         String inName, MemorySegment in, long inOff, long inFloats) {
        if (outFloats == 0 || inFloats == 0 || out.isNative() != in.isNative()
                || (!out.isNative() && out.heapBase().orElse(null) != in.heapBase().orElse(null))) {
            return;
        }
        long o0 = out.address() + outOff * Float.BYTES, i0 = in.address() + inOff * Float.BYTES;
        if (o0 < i0 + inFloats * Float.BYTES && i0 < o0 + outFloats * Float.BYTES) {
            throw new IllegalArgumentException(outName + ": overlaps " + inName + "; the output must not share memory "
                    + "with the input");
        }
    }

    static void writable(String name, MemorySegment seg) {
        if (seg.isReadOnly()) {
            throw new IllegalArgumentException(name + ": expected a writable segment, got a read-only one");
        }
    }
}
