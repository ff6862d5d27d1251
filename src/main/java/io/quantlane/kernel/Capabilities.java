package io.quantlane.kernel;

/**
 * What {@link KernelProvider} found and chose, for logs, dashboards and start-up gates.
 *
 * @param jvm            JVM name and version, e.g. "OpenJDK 64-Bit Server VM 25.0.3+9-LTS"
 * @param path           "simd" or "scalar"
 * @param vectorBits     float vector width in use; 0 on the scalar path
 * @param maxVectorBits  the widest species this CPU and JVM offer (0 when the Vector API is absent)
 * @param implementation the implementation's own description (species, exp method)
 * @param fma            whether the JVM reports hardware FMA ({@code -XX:+UseFMA})
 * @param reason         why this path was chosen, in one sentence
 */
public record Capabilities(String jvm, String path, int vectorBits, int maxVectorBits, String implementation,
                           boolean fma, String reason) {

    /** True when the Vector API kernels are in use. */
    public boolean isSimd() {
        return "simd".equals(path);
    }

    /** A multi-line human-readable report. */
    public String report() {
        return "quantlane kernels\n"
                + "  jvm:            " + jvm + "\n"
                + "  path:           " + path + "\n"
                + "  vector bits:    " + vectorBits + " (max " + maxVectorBits + ")\n"
                + "  implementation: " + implementation + "\n"
                + "  fma:            " + fma + "\n"
                + "  reason:         " + reason;
    }
}
