package io.quantlane.nn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One thread's scratch for {@link Model#predict}: two activation buffers of the model's widest layer, the
 * scaled input, and staging for the {@code float[]} overload. Cheap to make (a few hundred bytes for
 * typical models); keep one per thread, for example in a {@code ThreadLocal}. Not thread-safe.
 */
public final class InferenceContext {

    final Model model;
    final MemorySegment a;
    final MemorySegment b;
    final MemorySegment scaled;
    final MemorySegment input;
    final MemorySegment output;

    InferenceContext(Model model) {
        this.model = model;
        Arena arena = Arena.ofAuto();   // freed with the context
        long width = Math.max(model.spec().maxWidth(), 16) * (long) Float.BYTES;
        a = arena.allocate(width, 64);
        b = arena.allocate(width, 64);
        scaled = arena.allocate(width, 64);
        input = arena.allocate(width, 64);
        output = arena.allocate(width, 64);
    }

    /** A context for {@code model} over the buffers of {@code from}, which must be wide enough ({@link #fits}). */
    private InferenceContext(Model model, InferenceContext from) {
        this.model = model;
        a = from.a;
        b = from.b;
        scaled = from.scaled;
        input = from.input;
        output = from.output;
    }

    /** Whether this context's buffers are wide enough for {@code other}'s layers. */
    boolean fits(Model other) {
        return (long) other.spec().maxWidth() * Float.BYTES <= a.byteSize();
    }

    /**
     * This context's buffers serving {@code other} (a small object, no new memory): used by {@link ModelSlot}
     * after a swap. The two contexts must not be used at the same time.
     */
    InferenceContext reboundTo(Model other) {
        if (!fits(other)) {
            throw new IllegalArgumentException("other: its widest layer (" + other.spec().maxWidth() + ") does not fit"
                    + " this context's buffers of " + a.byteSize() / Float.BYTES + " floats");
        }
        return new InferenceContext(other, this);
    }

    /** The model this context serves. */
    public Model model() {
        return model;
    }
}
