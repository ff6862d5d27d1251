package io.quantlane.kernel;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Parallel}: every part runs exactly once, failures reach the caller, no thread unless asked for. */
class ParallelTest {

    @Test
    void everyPartRunsOnceOnTheCallerAndThePool() {
        try (Parallel three = Parallel.newPool(3)) {
            for (int parts : new int[] {0, 1, 2, 3, 7, 100}) {
                AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(1, parts));
                Set<String> threads = ConcurrentHashMap.newKeySet();
                three.run(parts, p -> {
                    runs.incrementAndGet(p);
                    threads.add(Thread.currentThread().getName());
                });
                for (int p = 0; p < parts; p++) {
                    assertEquals(1, runs.get(p), "part " + p + " of " + parts);
                }
                assertTrue(threads.stream().allMatch(t -> t.equals(Thread.currentThread().getName())
                        || t.startsWith("quantlane-worker-")), "ran on " + threads);
            }
        }
    }

    @Test
    void callerAloneByDefault() {
        assertSame(Parallel.CALLER, Parallel.newPool(1));
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        Parallel.CALLER.run(5, p -> threads.add(Thread.currentThread()));
        assertEquals(Set.of(Thread.currentThread()), threads);
        assertEquals(1, Parallel.CALLER.threads());
    }

    @Test
    void aFailingPartIsRethrownToTheCaller() {
        try (Parallel two = Parallel.newPool(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> two.run(8, p -> {
                if (p == 5) {
                    throw new IllegalStateException("part 5 failed");
                }
            }));
            assertEquals("part 5 failed", e.getMessage());
            AtomicIntegerArray after = new AtomicIntegerArray(4);
            two.run(4, after::incrementAndGet);   // the pool still works afterwards
            for (int p = 0; p < 4; p++) {
                assertEquals(1, after.get(p));
            }
        }
    }

    @Test
    void badArgumentsAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Parallel.newPool(0)).getMessage().startsWith("threads:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Parallel.on(Runnable::run, -1)).getMessage().startsWith("threads:"));
        assertTrue(assertThrows(NullPointerException.class, () -> Parallel.on(null, 2)).getMessage().startsWith("executor"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Parallel.CALLER.run(-1, p -> { })).getMessage().startsWith("parts:"));
    }
}
