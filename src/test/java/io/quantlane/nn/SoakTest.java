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
 * may run while the predictions do (from an empty young generation), the predicting threads may allocate only
 * a bounded amount per swap (the context re-pointed at the new model, and the garbage of the JDK deoptimizing
 * their frames when the old model's shared arena closes), and the resident set must not grow. The
 * JVM has a fixed young generation (-Xmn64m in the surefire execution), as a service that sizes its heap would. On the scalar path (about 25x slower)
 * the count is 2 x 10^6, so that CI's scalar run stays within minutes.
 */
class SoakTest {

    private static final Mlp SPEC = Mlp.input(32).dense(64).relu().dense(64).relu().dense(1);
    private static final int THREAD_COUNT = 2;

    @Test
    void hundredMillionPredictionsWithSwapsAllocateNothingAndKeepTheResidentSet() throws Exception {
        long total = Kernels.capabilities().isSimd() ? 100_000_000L : 2_000_000L;
        long perThread = total / THREAD_COUNT;
        List<Model> spares = new ArrayList<>();
        for (int i = 0; i < 400; i++) {   // built up front: a swap then allocates only a little bookkeeping
            try (Network net = Network.create(SPEC, i)) {
                spares.add(net.toModel());
            }
        }
        ModelSlot slot = new ModelSlot(spares.get(0));
        WarmUp w = slot.current().warmUp(Duration.ofSeconds(30));
        ExecutorService pool = Executors.newFixedThreadPool(THREAD_COUNT);
        AtomicLong done = new AtomicLong();
        try (Arena arena = Arena.ofShared()) {
            // warm each predicting thread's path through the slot before the measured phase
            List<Future<Long>> warm = new ArrayList<>();
            for (int t = 0; t < THREAD_COUNT; t++) {
                warm.add(pool.submit(() -> run(slot, arena, 200_000, null)));
            }
            for (Future<Long> f : warm) {
                f.get();
            }
            System.gc();   // start from an empty young generation: the set-up above allocated plenty
            long gcBefore = collections();
            String namesBefore = collectionsByName();
            long rssStart = residentKb();
            long start = System.nanoTime();
            List<Future<Long>> workers = new ArrayList<>();
            for (int t = 0; t < THREAD_COUNT; t++) {
                workers.add(pool.submit(() -> run(slot, arena, perThread, done)));
            }
            long rssAfterTenth = -1, rssMax = 0;
            int swaps = 0;
            for (int tick = 0; !allDone(workers); tick++) {
                Thread.sleep(50);
                if (swaps + 1 < spares.size()) {
                    slot.swap(spares.get(++swaps));
                }
                if (tick % 20 == 0) {   // the resident set once a second (reading /proc allocates a little)
                    long rss = residentKb();
                    rssMax = Math.max(rssMax, rss);
                    if (rssAfterTenth < 0 && done.get() >= total / 10) {
                        rssAfterTenth = rss;
                    }
                }
            }
            rssMax = Math.max(rssMax, residentKb());
            long predictorBytes = 0;
            for (Future<Long> f : workers) {
                predictorBytes += f.get();   // a failed call fails the test here
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long gcDuring = collections() - gcBefore;
            System.out.printf(java.util.Locale.ROOT, "soak: %,d predictions on %d threads in %.1f s (%.0f ns per call "
                            + "per thread), %d swaps, %d collections, %,d bytes allocated by the predicting threads, resident set "
                            + "%d -> %d KB (max %d); %s%n",
                    done.get(), THREAD_COUNT, seconds, seconds * 1e9 * THREAD_COUNT / done.get(), swaps, gcDuring,
                    predictorBytes, rssStart, residentKb(), rssMax, w);
            assertEquals(perThread * THREAD_COUNT, done.get());
            assertTrue(swaps > 0, "the model was never swapped");
            assertEquals(0, gcDuring, "garbage collections while predicting: " + namesBefore + "-> "
                    + collectionsByName());
            // per swap and predicting thread: the context re-pointed at the new model (about 100 B) and the JDK's
            // deoptimization of the thread's frames when the retired model's shared arena closes (about 1.2 KB;
            // closing any shared arena does it, see ModelSlot)
            assertTrue(predictorBytes < 16_384 + (long) swaps * THREAD_COUNT * 4_096,
                    predictorBytes + " bytes allocated by the predicting threads over " + swaps + " swaps");
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

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Runs {@code calls} predictions; returns the bytes this thread allocated meanwhile. */
    private static long run(ModelSlot slot, Arena arena, long calls, AtomicLong done) {
        long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
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
        return THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore;
    }

    private static boolean allDone(List<Future<Long>> futures) {
        for (int i = 0; i < futures.size(); i++) {   // no iterator: the polling thread allocates nothing here
            if (!futures.get(i).isDone()) {
                return false;
            }
        }
        return true;
    }

    private static long collections() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    private static String collectionsByName() {
        StringBuilder sb = new StringBuilder();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sb.append(gc.getName()).append('=').append(gc.getCollectionCount()).append(' ');
        }
        return sb.toString();
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
