package io.quantlane.testing;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Steady-state allocation checks with {@code ThreadMXBean}'s per-thread allocated-bytes counter.
 *
 * <p>C2 compiles in the background and a busy 2-core machine can take seconds to get to a method, so the
 * call is warmed up in rounds until one measured round allocates nothing; a call still allocating after the
 * time budget fails with the bytes per call.
 */
public final class Allocations {

    private static final long MAX_WARMUP_NANOS = 20_000_000_000L;
    private static final int CALLS_PER_ROUND = 3_000;
    private static final int MEASURED_CALLS = 500;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocations() {
    }

    public static void assertSteadyStateAllocatesNothing(String what, Runnable call) {
        long bytes = -1;
        long start = System.nanoTime();
        long warmupCalls = 0;
        while (bytes != 0 && System.nanoTime() - start < MAX_WARMUP_NANOS) {
            for (int i = 0; i < CALLS_PER_ROUND; i++) {
                call.run();
            }
            warmupCalls += CALLS_PER_ROUND;
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < MEASURED_CALLS; i++) {
                call.run();
            }
            bytes = THREADS.getCurrentThreadAllocatedBytes() - before;
        }
        if (bytes != 0) {
            fail(what + " still allocates " + (double) bytes / MEASURED_CALLS + " bytes per call after "
                    + warmupCalls + " warm-up calls");
        }
    }
}
