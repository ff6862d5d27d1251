package io.quantlane.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Scratch memory for hot loops: a bump allocator over one off-heap block.
 *
 * <p>A pass takes what it needs with {@link #take(long)} (float offsets into {@link #segment()}, no objects
 * created) or {@link #matrix(int, int)} (a view), then {@link #reset()} makes the whole block free again.
 * Every reservation is 64-byte aligned. The block never moves during a pass, so offsets stay valid until
 * the next {@code reset}.
 *
 * <p>The block has a fixed capacity; asking for more than is left throws with the sizes involved rather
 * than silently growing mid-pass (which would invalidate the block the pass is using). Size it up front
 * with {@link #ensureCapacity(long)}, or read {@link #peakBytes()} after a warm-up pass. Growing allocates
 * a new block from the caller's arena; the old block is released when that arena closes.
 *
 * <p>Not thread-safe: one workspace per thread.
 */
public final class Workspace {

    private final Arena arena;
    private MemorySegment block;
    private long used;
    private long peak;

    /** A workspace whose blocks come from {@code arena}, with {@code initialBytes} of capacity. */
    public Workspace(Arena arena, long initialBytes) {
        this.arena = Objects.requireNonNull(arena, "arena");
        if (initialBytes < 0) {
            throw new IllegalArgumentException("initialBytes: expected >= 0, got " + initialBytes);
        }
        this.block = arena.allocate(Math.max(initialBytes, Matrix.ALIGNMENT), Matrix.ALIGNMENT);
    }

    /** The block that offsets from {@link #take} refer to. Changes only in {@link #ensureCapacity}. */
    public MemorySegment segment() {
        return block;
    }

    /** Capacity in bytes. */
    public long capacityBytes() {
        return block.byteSize();
    }

    /** Bytes reserved since the last reset, including alignment padding. */
    public long usedBytes() {
        return used;
    }

    /** The most bytes ever reserved in one pass: the capacity a warmed-up workload needs. */
    public long peakBytes() {
        return peak;
    }

    /**
     * Reserves {@code floats} floats and returns their offset, in floats, into {@link #segment()}.
     * The memory is not cleared.
     *
     * @throws IllegalStateException when the block has too little left; the message gives the sizes
     */
    public long take(long floats) {
        if (floats < 0) {
            throw new IllegalArgumentException("floats: expected >= 0, got " + floats);
        }
        long start = (used + Matrix.ALIGNMENT - 1) & -Matrix.ALIGNMENT;
        long end = start + floats * Float.BYTES;
        if (floats > Long.MAX_VALUE / 8 || end > block.byteSize()) {
            throw new IllegalStateException("workspace exhausted: " + floats + " floats requested, "
                    + Math.max(0, block.byteSize() - start) + " bytes left of " + block.byteSize()
                    + "; call ensureCapacity(" + (end) + ") before the pass");
        }
        used = end;
        if (end > peak) {
            peak = end;
        }
        return start / Float.BYTES;
    }

    /** Reserves a {@code rows x cols} matrix (contiguous) and returns a view of it. Not cleared. */
    public Matrix matrix(int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("shape: expected rows >= 0 and cols >= 0, got " + rows + " x " + cols);
        }
        long off = take((long) rows * cols);
        return Matrix.wrap(block, off, rows, cols, Math.max(cols, 1));
    }

    /** Frees everything taken so far. Previously returned offsets and views must not be used again. */
    public void reset() {
        used = 0;
    }

    /**
     * Makes the capacity at least {@code bytes}. Only allowed when nothing is taken (right after
     * construction or {@link #reset()}), since a new block invalidates outstanding offsets.
     */
    public void ensureCapacity(long bytes) {
        if (bytes <= block.byteSize()) {
            return;
        }
        if (used != 0) {
            throw new IllegalStateException("ensureCapacity: " + used + " bytes are still taken; call reset() first");
        }
        long grown = Math.max(bytes, block.byteSize() + (block.byteSize() >> 1));
        block = arena.allocate(grown, Matrix.ALIGNMENT);
    }
}
