package io.quantlane.memory;

import io.quantlane.kernel.Kernels;
import io.quantlane.testing.Allocations;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryTest {

    @Test
    void allocationIsAlignedZeroedAndRowMajor() {
        try (Arena arena = Arena.ofConfined()) {
            Matrix m = Matrix.allocate(arena, 3, 5);
            assertEquals(0, m.segment().address() % 64, "64-byte aligned");
            assertEquals(0f, m.get(2, 4));
            m.set(1, 2, 7f);
            assertEquals(7f, m.segment().getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, 1 * 5 + 2));
            assertEquals(15, m.size());
            assertTrue(m.isContiguous());
        }
    }

    @Test
    void viewsShareMemoryWithoutCopying() {
        try (Arena arena = Arena.ofConfined()) {
            Matrix m = Matrix.copyOf(arena, 3, 4, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
            Matrix block = m.slice(1, 1, 2, 2);
            assertArrayEquals(new float[] {6, 7, 10, 11}, block.toArray());
            assertEquals(4, block.stride());
            block.set(0, 0, -6f);
            assertEquals(-6f, m.get(1, 1), "a write through the view lands in the parent");
            assertArrayEquals(new float[] {2, -6, 10}, m.column(1).toArray());
            assertArrayEquals(new float[] {9, 10, 11, 12}, m.row(2).toArray());
            assertTrue(!block.isContiguous());
        }
    }

    @Test
    void heapArraysWorkWithTheKernels() {
        float[] data = {1, 2, 3, 4};
        Matrix m = Matrix.wrap(data, 2, 2);
        Kernels.scal(4, 2f, m.segment(), m.offset(), 1);
        assertArrayEquals(new float[] {2, 4, 6, 8}, data, "kernels write through to the array");
    }

    @Test
    void memoryMappedFilesWorkWithTheKernels(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("weights.bin");
        try (Arena arena = Arena.ofConfined();
             var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
                     java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            MemorySegment mapped = channel.map(java.nio.channels.FileChannel.MapMode.READ_WRITE, 0, 64L * Float.BYTES, arena);
            Matrix m = Matrix.wrap(mapped, 0, 8, 8, 8);
            for (int i = 0; i < 64; i++) {
                mapped.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, i);
            }
            assertEquals(63 * 64 / 2f, Kernels.sum(64, m.segment(), 0, 1), "0 + 1 + ... + 63");
            Kernels.scal(64, 2f, mapped, 0, 1);
            mapped.force();
        }
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(file))
                .order(java.nio.ByteOrder.nativeOrder());
        assertEquals(126f, bytes.getFloat(63 * Float.BYTES), "the kernel's write reached the file");
    }

    @Test
    void badShapesAreRejectedByName() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(40);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Matrix.wrap(seg, 0, 3, 4, 4));
            assertTrue(e.getMessage().startsWith("segment:"), e.getMessage());
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Matrix.wrap(seg, 0, 2, 4, 3))
                    .getMessage().startsWith("stride:"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Matrix.allocate(arena, -1, 2))
                    .getMessage().startsWith("shape:"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Matrix.copyOf(arena, 2, 2, new float[3]))
                    .getMessage().startsWith("rowMajor:"));
            assertThrows(IndexOutOfBoundsException.class, () -> Matrix.allocate(arena, 2, 2).get(2, 0));
        }
    }

    @Test
    void workspaceHandsOutAlignedScratchAndResets() {
        try (Arena arena = Arena.ofConfined()) {
            Workspace ws = new Workspace(arena, 1024);
            long a = ws.take(3);
            long b = ws.take(5);
            assertEquals(0, a);
            assertEquals(16, b, "the second block starts at the next 64-byte boundary (16 floats)");
            assertEquals(0, (ws.segment().address() + b * Float.BYTES) % 64);
            Matrix m = ws.matrix(4, 4);
            assertEquals(32, m.offset());
            assertEquals(192, ws.usedBytes());
            ws.reset();
            assertEquals(0, ws.take(1), "reset frees everything");
            assertEquals(192, ws.peakBytes(), "the peak survives resets, to size the next workspace");
        }
    }

    @Test
    void workspaceExhaustionIsExplicitNotSilent() {
        try (Arena arena = Arena.ofConfined()) {
            Workspace ws = new Workspace(arena, 256);
            ws.take(10);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ws.take(100));
            assertTrue(e.getMessage().contains("ensureCapacity"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> ws.ensureCapacity(4096), "cannot grow with offsets taken");
            ws.reset();
            ws.ensureCapacity(4096);
            assertTrue(ws.capacityBytes() >= 4096);
            ws.take(1000);
        }
    }

    @Test
    void workspaceTakeAllocatesNothing() {
        try (Arena arena = Arena.ofConfined()) {
            Workspace ws = new Workspace(arena, 1 << 20);
            long[] sink = new long[1];
            Allocations.assertSteadyStateAllocatesNothing("Workspace take/reset", () -> {
                sink[0] += ws.take(7) + ws.take(33);
                ws.reset();
            });
            assertTrue(sink[0] > 0);
        }
    }
}
