package io.quantlane.nn;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * Weight initialisation from a seeded generator; biases start at zero.
 *
 * <ul>
 *   <li>{@link #HE}: normal with standard deviation {@code sqrt(2 / in)} (He et al. 2015), for layers followed by
 *       ReLU, leaky ReLU or GELU.</li>
 *   <li>{@link #XAVIER}: uniform on {@code +-sqrt(6 / (in + out))} (Glorot and Bengio 2010), for tanh, sigmoid,
 *       softmax and linear outputs.</li>
 *   <li>{@link #AUTO}: He where the next layer is a rectifier, Xavier elsewhere.</li>
 * </ul>
 *
 * The values are drawn with {@link SplittableRandom} in a fixed order (layer by layer, W row by row), so a seed
 * gives the same weights on every machine and JDK that specify that generator the same way.
 */
public enum Init {
    HE, XAVIER, AUTO;

    /** Fills the dense layers' W slices of {@code params} and zeroes everything else (b, padding). */
    void fill(Mlp spec, MemorySegment params, long seed) {
        params.fill((byte) 0);
        SplittableRandom rnd = new SplittableRandom(seed);
        var layers = spec.layers();
        for (int i = 0; i < layers.size(); i++) {
            if (!(layers.get(i) instanceof Dense d)) {
                continue;
            }
            boolean he = this == HE || (this == AUTO && i + 1 < layers.size()
                    && layers.get(i + 1) instanceof Activation a && a.kind().rectifier());
            double std = Math.sqrt(2.0 / d.inputs());
            double limit = Math.sqrt(6.0 / (d.inputs() + d.outputs()));
            long n = (long) d.inputs() * d.outputs();
            for (long j = 0; j < n; j++) {
                double v = he ? rnd.nextGaussian() * std : (2 * rnd.nextDouble() - 1) * limit;
                params.setAtIndex(ValueLayout.JAVA_FLOAT, d.weightOffset() + j, (float) v);
            }
        }
    }
}
