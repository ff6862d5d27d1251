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
        long need = off + (long) (rows - 1) * ld + cols;
        long have = seg.byteSize() / Float.BYTES;
        if (need > have) {
            throw new IllegalArgumentException(name + ": " + rows + " x " + cols + " floats (ld " + ld + ") from offset "
                    + off + " need " + need + " floats, the segment holds " + have);
        }
    }

    static void writable(String name, MemorySegment seg) {
        if (seg.isReadOnly()) {
            throw new IllegalArgumentException(name + ": expected a writable segment, got a read-only one");
        }
    }
}
