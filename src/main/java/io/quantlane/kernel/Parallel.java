package io.quantlane.kernel;

import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Opt-in multi-threading for the kernels that can use it (GEMM). Kernels never start threads of their own and
 * never use the common {@link java.util.concurrent.ForkJoinPool}: by default ({@link #CALLER}) every call runs
 * on the caller's thread, and a caller who wants more hands a {@code Parallel} that names both the executor
 * and how many tasks one call may split into.
 *
 * <pre>{@code
 * try (Parallel two = Parallel.newPool(2)) {          // one extra daemon thread; the caller is the other
 *     Kernels.sgemm(two, false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
 * }
 * ExecutorService mine = ...;                          // or a pool the application already sizes and owns
 * Parallel p = Parallel.on(mine, 4);                   // closing p does not shut mine down
 * }</pre>
 *
 * <p>How a call runs: it cuts its work into at most {@link #threads()} parts, hands all but one to the
 * executor and works itself. Parts are claimed from a shared counter, so the caller also takes the parts that
 * no pool thread has picked up yet: a busy or saturated executor (even one whose threads are all waiting on
 * such calls) slows a call down but cannot deadlock it. The call returns when every part is done; the first
 * exception of a part is rethrown to the caller. A threaded call allocates a few small objects for its tasks;
 * a call with {@link #CALLER} allocates nothing.
 */
public final class Parallel implements AutoCloseable {

    /** Run on the caller's thread only: the default. */
    public static final Parallel CALLER = new Parallel(null, 1, false);

    private final Executor executor;
    private final int threads;
    private final boolean owned;

    private Parallel(Executor executor, int threads, boolean owned) {
        this.executor = executor;
        this.threads = threads;
        this.owned = owned;
    }

    /**
     * Splits calls into at most {@code threads} parts, {@code threads - 1} of them submitted to {@code executor}
     * (the caller's thread runs the rest). The executor stays the caller's: {@link #close()} leaves it alone.
     */
    public static Parallel on(Executor executor, int threads) {
        Objects.requireNonNull(executor, "executor");
        if (threads < 1) {
            throw new IllegalArgumentException("threads: expected >= 1, got " + threads);
        }
        return new Parallel(executor, threads, false);
    }

    /**
     * A pool of {@code threads - 1} daemon threads named {@code quantlane-worker-N}; with the caller that makes
     * {@code threads}. {@link #close()} shuts it down.
     */
    public static Parallel newPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: expected >= 1, got " + threads);
        }
        if (threads == 1) {
            return CALLER;
        }
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "quantlane-worker-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return new Parallel(Executors.newFixedThreadPool(threads - 1, factory), threads, true);
    }

    /** The most parts one call splits into (1 = the caller's thread only). */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task.accept(part)} for every part in {@code [0, parts)}, on the caller's thread and on up to
     * {@code threads() - 1} executor threads, and returns when all are done.
     */
    public void run(int parts, IntConsumer task) {
        Objects.requireNonNull(task, "task");
        if (parts < 0) {
            throw new IllegalArgumentException("parts: expected >= 0, got " + parts);
        }
        if (parts <= 1 || threads == 1) {
            for (int i = 0; i < parts; i++) {
                task.accept(i);
            }
            return;
        }
        Job job = new Job(parts, task, Thread.currentThread());
        int helpers = Math.min(threads, parts) - 1;
        for (int h = 0; h < helpers; h++) {
            try {
                executor.execute(job::work);
            } catch (RejectedExecutionException e) {
                break;   // the caller does those parts itself
            }
        }
        job.work();
        job.awaitAll();
    }

    /** Shuts down the pool made by {@link #newPool(int)}; does nothing for {@link #on} and {@link #CALLER}. */
    @Override
    public void close() {
        if (owned) {
            ((ExecutorService) executor).shutdown();
        }
    }

    @Override
    public String toString() {
        return threads == 1 ? "Parallel[caller's thread]" : "Parallel[" + threads + " threads on " + executor + "]";
    }

    /** One call's parts: claimed from {@code next}, counted down in {@code left}; the caller parks until 0. */
    private static final class Job {
        private final int parts;
        private final IntConsumer task;
        private final Thread caller;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger left;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(int parts, IntConsumer task, Thread caller) {
            this.parts = parts;
            this.task = task;
            this.caller = caller;
            this.left = new AtomicInteger(parts);
        }

        void work() {
            for (int part; (part = next.getAndIncrement()) < parts; ) {
                try {
                    if (failure.get() == null) {
                        task.accept(part);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    if (left.decrementAndGet() == 0) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }

        void awaitAll() {
            boolean interrupted = false;
            while (left.get() != 0) {
                LockSupport.park(this);
                interrupted |= Thread.interrupted();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            Throwable t = failure.get();
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error er) {
                throw er;
            }
            if (t != null) {
                throw new IllegalStateException("a parallel part failed", t);
            }
        }
    }
}
