/**
 * quantlane: hand-vectorized float32 kernels over off-heap memory, and a thin neural-network layer.
 *
 * <p>{@code jdk.incubator.vector} is optional: without it (no {@code --add-modules jdk.incubator.vector}) the
 * library runs its scalar kernels and says so in one log line.
 */
module io.quantlane {
    requires static jdk.incubator.vector;
    requires static java.management;
    requires static jdk.management;
    requires static jdk.jfr;

    exports io.quantlane.memory;
    exports io.quantlane.kernel;
    exports io.quantlane.kernel.scalar;
    exports io.quantlane.nn;
    exports io.quantlane.metrics;
    exports io.quantlane.data;
    exports io.quantlane.workloads;
    exports io.quantlane.cli;
}
