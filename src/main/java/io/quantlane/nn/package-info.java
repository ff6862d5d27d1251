/**
 * The network layer: multi-layer perceptrons built from quantlane kernels, small enough to read in one sitting.
 *
 * <p>Where to start:
 * <ul>
 *   <li>{@link io.quantlane.nn.Mlp}: the architecture, {@code Mlp.input(61).dense(64).relu().dense(1)}.</li>
 *   <li>{@link io.quantlane.nn.Dense} and {@link io.quantlane.nn.Activation}: each layer's forward and backward
 *       pass, a few kernel calls with a comment per step.</li>
 *   <li>{@link io.quantlane.nn.Network}: parameters and gradients, one off-heap block each;
 *       {@link io.quantlane.nn.TrainingPass} runs the layers over a batch.</li>
 *   <li>{@link io.quantlane.nn.Loss}, {@link io.quantlane.nn.Optimizer}, {@link io.quantlane.nn.LearningRate},
 *       {@link io.quantlane.nn.Init}; {@link io.quantlane.nn.Trainer} puts them together.</li>
 *   <li>{@link io.quantlane.nn.Model} and {@link io.quantlane.nn.InferenceContext}: immutable, thread-safe,
 *       allocation-free inference; {@link io.quantlane.nn.ModelFile} and {@link io.quantlane.nn.Safetensors}
 *       store it.</li>
 * </ul>
 *
 * <p>Conventions: rows are samples; every buffer is row-major with packed rows; W is (in, out); gradients are
 * named and laid out as what they differentiate, and backward passes add into them.
 */
package io.quantlane.nn;
