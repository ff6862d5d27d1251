package io.quantlane.nn;

import io.quantlane.kernel.Kernels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Soak: 10^8 batch-1 predictions of a 32-64-64-1 model on 2 threads through a {@link ModelSlot} whose model is
 * swapped every 50 ms, in a JVM of its own (surefire execution "soak"). No call may fail, no garbage collection
 * may run while the predictions do, and the resident set must not grow. On the scalar path (about 25x slower)
 * the count is 2 x 10^6, so that CI's scalar run stays within minutes.
 */
class SoakTest {

    private static final Mlp SPEC = Mlp.input(32).dense(64).relu().dense(64).relu().dense(1);
    private static final int THREADS = 2;

    @Test
    void hundredMillionPredictionsWithSwapsAllocateNothingAndKeepTheResidentSet() throws Exception {
        long total = Kernels.capabilities().isSimd() ? 100_000_000L : 2_000_000L;
        long perThread = total / THREADS;
        List<Model> spares = new ArrayList<>();
        for (int i = 0; i < 400; i++) {   // built up front: a swap then allocates only a little bookkeeping
            try (Network net = Network.create(SPEC, i)) {
                spares.add(net.toModel());
            }
        }
        ModelSlot slot = new ModelSlot(spares.get(0));
        WarmUp w = slot.current().warmUp(Duration.ofSeconds(30));
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        AtomicLong done = new AtomicLong();
        try (Arena arena = Arena.ofShared()) {
            // warm each predicting thread's path through the slot before the measured phase
            List<Future<?>> warm = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                warm.add(pool.submit(() -> run(slot, arena, 200_000, null)));
            }
            for (Future<?> f : warm) {
                f.get();
            }
            long gcBefore = collections();
            long rssStart = residentKb();
            long start = System.nanoTime();
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                workers.add(pool.submit(() -> run(slot, arena, perThread, done)));
            }
            long rssAfterTenth = -1, rssMax = 0;
            int swaps = 0;
            while (workers.stream().anyMatch(f -> !f.isDone())) {
                Thread.sleep(50);
                if (swaps + 1 < spares.size()) {
                    slot.swap(spares.get(++swaps));
                }
                long rss = residentKb();
                rssMax = Math.max(rssMax, rss);
                if (rssAfterTenth < 0 && done.get() >= total / 10) {
                    rssAfterTenth = rss;
                }
            }
            for (Future<?> f : workers) {
                f.get();   // a failed call fails the test here
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long gcDuring = collections() - gcBefore;
            System.out.printf(java.util.Locale.ROOT, "soak: %,d predictions on %d threads in %.1f s (%.0f ns per call "
                            + "per thread), %d swaps, %d collections, resident set %d -> %d KB (max %d); %s%n",
                    done.get(), THREADS, seconds, seconds * 1e9 * THREADS / done.get(), swaps, gcDuring, rssStart,
                    residentKb(), rssMax, w);
            assertEquals(perThread * THREADS, done.get());
            assertTrue(swaps > 0, "the model was never swapped");
            assertEquals(0, gcDuring, "garbage collections while predicting");
            if (rssStart > 0) {   // Linux: /proc/self/status
                assertTrue(rssMax - Math.max(rssStart, rssAfterTenth) < 32 * 1024,
                        "resident set grew from " + rssStart + " KB (" + rssAfterTenth + " KB after a tenth) to " + rssMax);
            }
        } finally {
            pool.shutdownNow();
            slot.close();   // closes the installed model; the retired ones are closed already
            for (Model m : spares) {
                if (m.parameters().scope().isAlive()) {   // never installed
                    m.close();
                }
            }
        }
    }

    private static void run(ModelSlot slot, Arena arena, long calls, AtomicLong done) {
        ModelSlot.Context ctx = slot.newContext();
        MemorySegment x = arena.allocate(32 * Float.BYTES, 64), y = arena.allocate(Float.BYTES, 64);
        for (long i = 0; i < calls; i++) {
            x.setAtIndex(ValueLayout.JAVA_FLOAT, (int) (i & 31), (i & 1023) * 0.001f);
            slot.predict(ctx, x, 0, y, 0);
            if (!Float.isFinite(y.getAtIndex(ValueLayout.JAVA_FLOAT, 0))) {
                throw new AssertionError("a non-finite prediction at call " + i);
            }
            if (done != null && (i & 0xFFFF) == 0xFFFF) {
                done.addAndGet(0x10000);
            }
        }
        if (done != null) {
            done.addAndGet(calls & 0xFFFF);
        }
    }

    private static long collections() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    /** VmRSS from /proc/self/status in KB, or -1 off Linux. */
    private static long residentKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
