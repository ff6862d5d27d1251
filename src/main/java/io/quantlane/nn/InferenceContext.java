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

    /** The model this context serves. */
    public Model model() {
        return model;
    }
}
