package io.quantlane.kernel.simd;

import jdk.incubator.vector.FloatVector;

/**
 * Answers the provider's question "how wide can float vectors be here?" without initialising the kernels.
 * Loaded reflectively, only when module {@code jdk.incubator.vector} is present.
 */
public final class SimdProbe {

    private SimdProbe() {
    }

    /** Bit width of the preferred float species: the widest the CPU and JVM vectorize. */
    public static int maxFloatBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }
}
