package io.quantlane.nn;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A model that can be replaced while other threads predict with it: {@link #swap} installs a new model at once,
 * calls already running finish on the old one, and the swapping thread closes the old one as soon as the last of
 * them returns (microseconds). No prediction fails or sees a closed model, and none waits for a lock.
 *
 * <p>Each installed model carries a count of its users: the slot holds one, and every prediction holds one for
 * its duration. A prediction takes the current model by raising its count from a positive value (a
 * compare-and-set that retries if a swap retired the model in between) and lowers it when done. A swap drops the
 * slot's own count, waits for the count to reach zero (it can then never rise again) and closes the model on its
 * own thread, so closing, which allocates, never lands on a predicting thread. Predictions allocate nothing,
 * except on a thread's first call after a swap: a small object that points the thread's buffers at the new model
 * (new buffers if its layers are wider).
 *
 * <p>One cost comes from the JDK, not from this class: closing a shared arena (here, the retired model's) makes
 * JDK 25 deoptimize the compiled frames of every thread inside memory-access code at that moment, so each
 * predicting thread runs part of one call in the interpreter (measured: about 1.2 KB of garbage per thread per
 * swap, and a few microseconds), closing any shared arena in the JVM has the same effect. Swaps are meant to be
 * rare (a new model version), not per request.
 *
 * <pre>{@code
 * ModelSlot slot = new ModelSlot(ModelFile.load(v1));      // the slot owns the model now
 * ModelSlot.Context ctx = slot.newContext();                // one per thread
 * slot.predict(ctx, x, y);                                  // from any number of threads
 * slot.swap(ModelFile.load(v2));                            // from any thread, while they predict
 * slot.close();                                             // closes the current model once idle
 * }</pre>
 *
 * A new model must have the old one's input and output widths, so callers' buffers stay valid.
 */
public final class ModelSlot implements AutoCloseable {

    /** One installed model and its count of users (the slot's own reference included). */
    private static final class Entry {
        final Model model;
        final AtomicInteger users = new AtomicInteger(1);

        Entry(Model model) {
            this.model = model;
        }
    }

    /** One thread's scratch for predictions through the slot; it follows the slot's swaps. Not thread-safe. */
    public static final class Context {
        private final ModelSlot slot;
        private Entry entry;
        private InferenceContext inner;

        private Context(ModelSlot slot) {
            this.slot = slot;
        }
    }

    private final AtomicReference<Entry> current;
    private final int inputs;
    private final int outputs;
    private final AtomicInteger swaps = new AtomicInteger();

    /** A slot holding {@code model}, which it now owns (and closes on a swap or on {@link #close()}). */
    public ModelSlot(Model model) {
        Objects.requireNonNull(model, "model");
        this.current = new AtomicReference<>(new Entry(model));
        this.inputs = model.inputs();
        this.outputs = model.outputs();
    }

    /** A context for one thread's predictions. */
    public Context newContext() {
        return new Context(this);
    }

    /** The model installed now (for inspection; it may be swapped out and closed at any moment). */
    public Model current() {
        Entry e = current.get();
        if (e == null) {
            throw new IllegalStateException("slot: closed");
        }
        return e.model;
    }

    /** How many swaps this slot has made. */
    public int swaps() {
        return swaps.get();
    }

    /**
     * One sample through the current model, as {@link Model#predict(InferenceContext, MemorySegment, long,
     * MemorySegment, long)}.
     */
    public void predict(Context ctx, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        Entry e = acquire(ctx);
        try {
            e.model.predict(contextFor(ctx, e), x, xOff, y, yOff);
        } finally {
            release(e);
        }
    }

    /** One sample from and into heap arrays, as {@link Model#predict(InferenceContext, float[], float[])}. */
    public void predict(Context ctx, float[] x, float[] y) {
        Entry e = acquire(ctx);
        try {
            e.model.predict(contextFor(ctx, e), x, y);
        } finally {
            release(e);
        }
    }

    /**
     * Installs {@code next} (the slot takes ownership) and retires the current model: waits until no prediction
     * is using it, then closes it, on this thread.
     *
     * @throws IllegalArgumentException if {@code next} has other input or output widths than the slot's
     * @throws IllegalStateException    if the slot is closed ({@code next} is then left open, still the caller's)
     */
    public void swap(Model next) {
        Objects.requireNonNull(next, "next");
        if (next.inputs() != inputs || next.outputs() != outputs) {
            throw new IllegalArgumentException("next: expected " + inputs + " inputs and " + outputs + " outputs like "
                    + "the slot's model, got " + next.inputs() + " and " + next.outputs());
        }
        Entry fresh = new Entry(next);
        Entry old;
        do {
            old = current.get();
            if (old == null) {
                throw new IllegalStateException("slot: closed");
            }
        } while (!current.compareAndSet(old, fresh));
        swaps.incrementAndGet();
        retire(old);
    }

    /** Retires the current model (waits for calls in flight, then closes it); later calls throw. Idempotent. */
    @Override
    public void close() {
        Entry old = current.getAndSet(null);
        if (old != null) {
            retire(old);
        }
    }

    /** Drops the slot's count of an entry no longer installed, waits out the calls in flight, closes the model. */
    private static void retire(Entry old) {
        old.users.decrementAndGet();
        for (int spins = 0; old.users.get() != 0; spins++) {   // calls in flight: usually a few hundred ns each
            if (spins < 1_000) {
                Thread.onSpinWait();
            } else {
                Thread.yield();   // a caller was descheduled mid-call: let it run rather than spin on its core
            }
        }
        old.model.close();
    }

    private Entry acquire(Context ctx) {
        Objects.requireNonNull(ctx, "ctx");
        if (ctx.slot != this) {
            throw new IllegalArgumentException("ctx: belongs to another slot; use this slot's newContext()");
        }
        while (true) {
            Entry e = current.get();
            if (e == null) {
                throw new IllegalStateException("slot: closed");
            }
            int n = e.users.get();
            // n == 0: retired and closed between the read and now; the slot already holds a newer entry
            if (n > 0 && e.users.compareAndSet(n, n + 1)) {
                return e;
            }
        }
    }

    private static void release(Entry e) {
        e.users.decrementAndGet();   // the retiring thread closes the model when this reaches zero
    }

    private static InferenceContext contextFor(Context ctx, Entry e) {
        if (ctx.entry != e) {   // first call, or the first since a swap: the old context served the old model
            ctx.entry = e;
            // after a swap the thread's buffers serve the new model when they are wide enough: one small object
            ctx.inner = ctx.inner != null && ctx.inner.fits(e.model) ? ctx.inner.reboundTo(e.model)
                    : e.model.newContext();
        }
        return ctx.inner;
    }
}
