package io.quantlane.nn;

import java.lang.foreign.MemorySegment;

/** The built-in losses: a name, the head they absorb, and the kernel that computes loss and gradient. */
record FusedLoss(String name, Activation.Kind fusedHead, Kernel kernel) implements Loss {

    /** {@link Loss#lossAndGradient}'s signature, for a lambda over one kernel call. */
    @FunctionalInterface
    interface Kernel {
        float apply(int rows, int cols, MemorySegment out, long outOff, MemorySegment target, long targetOff,
                    MemorySegment grad, long gradOff);
    }

    @Override
    public float lossAndGradient(int rows, int cols, MemorySegment out, long outOff, MemorySegment target,
                                 long targetOff, MemorySegment grad, long gradOff) {
        return kernel.apply(rows, cols, out, outOff, target, targetOff, grad, gradOff);
    }

    @Override
    public String toString() {
        return name;
    }
}
