package io.quantlane.kernel.simd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Per-thread scratch for the GEMM kernels, grown to the largest request this thread has made and then
 * reused, so steady-state calls allocate nothing: heap arrays for the packed panels and the edge tile (the
 * micro-kernels index them with ints), and a native block for the direct path's transposed B (its kernels
 * read segments). Never a heap segment: the JDK's segment-access code keeps one type profile for all
 * callers, and once it has seen heap and native segments C2 stops intrinsifying vector loads and boxes them
 * (seen as 600 bytes per call in kernels that had nothing to do with GEMM). Each thread that runs a GEMM (the caller, or a worker of a {@code Parallel}) has its own;
 * the GC frees them once the thread is gone (the block comes from {@link Arena#ofAuto()}). One call uses one
 * of each at a time; none is ever shared between threads.
 */
final class GemmScratch {

    private static final ThreadLocal<GemmScratch> MINE = ThreadLocal.withInitial(GemmScratch::new);
    private MemorySegment block = MemorySegment.NULL;
    private float[] floats = new float[0];
    private double[] doubles = new double[0];

    private GemmScratch() {
    }

    /** This thread's block, at least {@code bytes} long. Its contents are not kept across calls. */
    static MemorySegment get(long bytes) {
        GemmScratch s = MINE.get();
        if (s.block.byteSize() < bytes) {
            s.block = Arena.ofAuto().allocate(Math.max(bytes, s.block.byteSize() * 3 / 2), 64);
        }
        return s.block;
    }

    /** This thread's float array, at least {@code n} long (packed panels: int indices let C2 drop bounds checks). */
    static float[] floats(int n) {
        GemmScratch s = MINE.get();
        if (s.floats.length < n) {
            s.floats = new float[Math.max(n, s.floats.length * 3 / 2)];
        }
        return s.floats;
    }

    /** This thread's double array, at least {@code n} long. */
    static double[] doubles(int n) {
        GemmScratch s = MINE.get();
        if (s.doubles.length < n) {
            s.doubles = new double[Math.max(n, s.doubles.length * 3 / 2)];
        }
        return s.doubles;
    }
}
