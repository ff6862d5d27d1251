package io.quantlane.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * A row-major float32 matrix view over a {@link MemorySegment}: element (i, j) lives at float index
 * {@code offset + i * stride + j} of the segment. A vector is a matrix with one row (contiguous) or one
 * column (strided by {@code stride}).
 *
 * <p>A {@code Matrix} owns nothing: the memory belongs to whoever created the segment (usually an
 * {@link Arena} the caller closes). Views ({@link #row}, {@link #slice}, {@link #column}) share the same
 * memory and never copy. Any segment works: native, memory-mapped or heap ({@code float[]}-backed, see
 * {@link #wrap(float[], int, int)}). Elements are stored in native byte order.
 *
 * <p>The object is immutable and cheap; it is a way to carry (segment, offset, rows, cols, stride) to the
 * kernels in {@code io.quantlane.kernel}, whose arguments are exactly those fields.
 */
public final class Matrix {

    /** Native allocations are aligned to a cache line, which is also one AVX-512 register. */
    public static final long ALIGNMENT = 64;

    /** Floats accessed without alignment constraints, so byte[]-backed or odd offsets still work. */
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final MemorySegment segment;
    private final long offset;
    private final int rows;
    private final int cols;
    private final int stride;

    private Matrix(MemorySegment segment, long offset, int rows, int cols, int stride) {
        this.segment = segment;
        this.offset = offset;
        this.rows = rows;
        this.cols = cols;
        this.stride = stride;
    }

    /** A zero-filled {@code rows x cols} matrix, 64-byte aligned, from {@code arena}. */
    public static Matrix allocate(Arena arena, int rows, int cols) {
        Objects.requireNonNull(arena, "arena");
        requireShape(rows, cols);
        long bytes = Math.multiplyExact((long) rows, (long) cols) * Float.BYTES;
        MemorySegment seg = arena.allocate(Math.max(bytes, 1), ALIGNMENT);
        return new Matrix(seg, 0, rows, cols, cols);
    }

    /** A {@code rows x cols} matrix copied from a row-major array, 64-byte aligned, from {@code arena}. */
    public static Matrix copyOf(Arena arena, int rows, int cols, float[] rowMajor) {
        Objects.requireNonNull(rowMajor, "rowMajor");
        requireShape(rows, cols);
        if ((long) rows * cols != rowMajor.length) {
            throw new IllegalArgumentException("rowMajor: expected " + rows + " x " + cols + " = "
                    + (long) rows * cols + " floats, got " + rowMajor.length);
        }
        Matrix m = allocate(arena, rows, cols);
        MemorySegment.copy(rowMajor, 0, m.segment, FLOAT, 0, rowMajor.length);
        return m;
    }

    /** A 1 x n row vector holding a copy of {@code values}, 64-byte aligned, from {@code arena}. */
    public static Matrix vectorOf(Arena arena, float... values) {
        return copyOf(arena, 1, values.length, values);
    }

    /** A view of a heap array, row-major with stride {@code cols}; writes go to the array. */
    public static Matrix wrap(float[] rowMajor, int rows, int cols) {
        Objects.requireNonNull(rowMajor, "rowMajor");
        return wrap(MemorySegment.ofArray(rowMajor), 0, rows, cols, cols);
    }

    /**
     * A view of any segment. {@code offset} and {@code stride} count floats. Requires
     * {@code stride >= cols} and the last element {@code offset + (rows-1)*stride + cols - 1} inside the segment.
     */
    public static Matrix wrap(MemorySegment segment, long offset, int rows, int cols, int stride) {
        Objects.requireNonNull(segment, "segment");
        requireShape(rows, cols);
        if (offset < 0) {
            throw new IllegalArgumentException("offset: expected >= 0, got " + offset);
        }
        if (stride < Math.max(1, cols)) {
            throw new IllegalArgumentException("stride: expected >= max(1, cols) = " + Math.max(1, cols)
                    + ", got " + stride);
        }
        long capacity = segment.byteSize() / Float.BYTES;
        long extent = rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * stride + cols;
        if (offset > capacity || extent > capacity - offset) {
            throw new IllegalArgumentException("segment: a " + rows + " x " + cols + " matrix with stride "
                    + stride + " at float offset " + offset + " needs " + (offset + extent)
                    + " floats, the segment holds " + capacity);
        }
        return new Matrix(segment, offset, rows, cols, stride);
    }

    private static void requireShape(int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("shape: expected rows >= 0 and cols >= 0, got " + rows + " x " + cols);
        }
    }

    public MemorySegment segment() { return segment; }

    /** Offset of element (0, 0), in floats. */
    public long offset() { return offset; }

    public int rows() { return rows; }

    public int cols() { return cols; }

    /** Distance between the starts of consecutive rows, in floats (the BLAS leading dimension). */
    public int stride() { return stride; }

    /** Number of elements, {@code rows * cols}. */
    public long size() { return (long) rows * cols; }

    /** True when the rows follow each other without gaps, so the matrix is one contiguous run of floats. */
    public boolean isContiguous() { return stride == cols || rows <= 1; }

    /** Float index of element (i, j) in {@link #segment()}. */
    public long index(int i, int j) {
        Objects.checkIndex(i, rows);
        Objects.checkIndex(j, cols);
        return offset + (long) i * stride + j;
    }

    public float get(int i, int j) {
        return segment.getAtIndex(FLOAT, index(i, j));
    }

    public void set(int i, int j, float value) {
        segment.setAtIndex(FLOAT, index(i, j), value);
    }

    /** Row {@code i} as a 1 x cols view. */
    public Matrix row(int i) {
        Objects.checkIndex(i, rows);
        return new Matrix(segment, offset + (long) i * stride, 1, cols, cols);
    }

    /** Column {@code j} as a rows x 1 view whose stride is this matrix's stride. */
    public Matrix column(int j) {
        Objects.checkIndex(j, cols);
        return new Matrix(segment, offset + j, rows, 1, stride);
    }

    /** The {@code nRows x nCols} block starting at (row0, col0), sharing memory with this matrix. */
    public Matrix slice(int row0, int col0, int nRows, int nCols) {
        Objects.checkFromIndexSize(row0, nRows, rows);
        Objects.checkFromIndexSize(col0, nCols, cols);
        return new Matrix(segment, offset + (long) row0 * stride + col0, nRows, nCols, stride);
    }

    /** Sets every element to {@code value}. */
    public Matrix fill(float value) {
        if (isContiguous() && Float.floatToRawIntBits(value) == 0) {   // +0.0: all-zero bytes
            segment.asSlice(offset * Float.BYTES, size() * Float.BYTES).fill((byte) 0);
            return this;
        }
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                segment.setAtIndex(FLOAT, offset + (long) i * stride + j, value);
            }
        }
        return this;
    }

    /** Copies {@code src} (same shape) into this matrix. */
    public void copyFrom(Matrix src) {
        if (src.rows != rows || src.cols != cols) {
            throw new IllegalArgumentException("src: expected " + rows + " x " + cols + ", got "
                    + src.rows + " x " + src.cols);
        }
        for (int i = 0; i < rows; i++) {
            MemorySegment.copy(src.segment, (src.offset + (long) i * src.stride) * Float.BYTES,
                    segment, (offset + (long) i * stride) * Float.BYTES, (long) cols * Float.BYTES);
        }
    }

    /** A row-major copy of the elements on the heap (for tests and reporting, not hot paths). */
    public float[] toArray() {
        float[] out = new float[Math.toIntExact(size())];
        for (int i = 0; i < rows; i++) {
            MemorySegment.copy(segment, FLOAT, (offset + (long) i * stride) * Float.BYTES, out, i * cols, cols);
        }
        return out;
    }

    @Override
    public String toString() {
        return "Matrix[" + rows + " x " + cols + ", stride " + stride + ", offset " + offset + "]";
    }
}
