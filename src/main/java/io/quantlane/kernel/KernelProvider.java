package io.quantlane.kernel;

import io.quantlane.kernel.scalar.ScalarKernels;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Optional;

/**
 * Chooses the kernel implementation once, at class-initialisation time of {@link Kernels}, and logs exactly
 * one line saying what it chose and why.
 *
 * <p>The ladder of refusals, in order; the first that applies picks the scalar twin:
 * <ol>
 *   <li>{@code -Dquantlane.kernels=scalar} forces it;</li>
 *   <li>module {@code jdk.incubator.vector} is not in the boot layer (pass
 *       {@code --add-modules jdk.incubator.vector});</li>
 *   <li>C2 is not available ({@code -Xint}, {@code -XX:TieredStopAtLevel} below 4, {@code -XX:-UseCompiler}):
 *       the Vector API would run interpreted, far slower than plain loops;</li>
 *   <li>the preferred float species is narrower than 128 bits.</li>
 * </ol>
 * Otherwise the SIMD class is loaded reflectively, so nothing touches {@code jdk.incubator.vector} when the
 * module is missing. {@code -Dquantlane.kernels=simd} turns every refusal into an {@link IllegalStateException}
 * instead of a fallback. {@code -Dquantlane.vectorBits=128|256|512} pins the species width (read by the SIMD
 * class; reported in {@link Capabilities#implementation()}).
 */
public final class KernelProvider {

    /** System property: {@code auto} (default), {@code simd} or {@code scalar}. */
    public static final String KERNELS_PROPERTY = "quantlane.kernels";
    /** System property: {@code 0} (default: the preferred species), {@code 128}, {@code 256} or {@code 512}. */
    public static final String VECTOR_BITS_PROPERTY = "quantlane.vectorBits";

    static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String SIMD_CLASS = "io.quantlane.kernel.simd.SimdKernels";
    private static final String PROBE_CLASS = "io.quantlane.kernel.simd.SimdProbe";
    private static final System.Logger LOG = System.getLogger("io.quantlane.kernel");

    record Choice(FloatKernels kernels, Capabilities capabilities) {
    }

    private KernelProvider() {
    }

    /** Makes the choice and logs it in one line. Called once, by {@link Kernels}. */
    static Choice lookup() {
        Choice choice = choose();
        Capabilities c = choice.capabilities();
        LOG.log(c.isSimd() ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                "quantlane kernels: " + c.path() + " [" + c.implementation() + "]: " + c.reason());
        return choice;
    }

    /** Registers the JFR event that records the choice in every recording ({@link KernelSelectionEvent}). */
    static void recordInJfr(Capabilities c) {
        try {
            KernelSelectionListener.register(c);
        } catch (LinkageError | RuntimeException e) {   // no jdk.jfr in this runtime image, or JFR refused
            LOG.log(System.Logger.Level.DEBUG, "quantlane kernels: no JFR event (" + e + ")");
        }
    }

    private static Choice choose() {
        String jvm = System.getProperty("java.vm.name", "?") + " " + System.getProperty("java.vm.version", "?");
        boolean fma = vmFlag("UseFMA").map(Boolean::parseBoolean).orElse(false);
        String mode = System.getProperty(KERNELS_PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        if (!mode.equals("auto") && !mode.equals("simd") && !mode.equals("scalar")) {
            throw new IllegalStateException(KERNELS_PROPERTY + ": expected auto, simd or scalar, got '" + mode + "'");
        }
        boolean moduleAbsent = ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty();
        int maxBits = moduleAbsent ? 0 : probeMaxBits();
        String refusal;
        if (mode.equals("scalar")) {
            refusal = "forced by -D" + KERNELS_PROPERTY + "=scalar";
        } else if (moduleAbsent) {
            refusal = "module " + VECTOR_MODULE + " is not available; pass --add-modules " + VECTOR_MODULE
                    + " to the java command for SIMD kernels";
        } else if (c2Refusal() != null) {
            refusal = c2Refusal();
        } else if (maxBits < 128) {
            refusal = "the preferred float vector is " + maxBits + " bits, under the 128 bits where SIMD pays";
        } else {
            refusal = null;
        }
        if (refusal == null) {
            try {
                FloatKernels simd = (FloatKernels) Class.forName(SIMD_CLASS).getDeclaredConstructor().newInstance();
                String why = "Vector API available, C2 enabled, widest float vector " + maxBits + " bits";
                return new Choice(simd, new Capabilities(jvm, "simd", simd.vectorBits(), maxBits, simd.describe(), fma, why));
            } catch (ReflectiveOperationException | LinkageError e) {
                refusal = "loading " + SIMD_CLASS + " failed: " + e;
            }
        }
        if (mode.equals("simd")) {
            throw new IllegalStateException("-D" + KERNELS_PROPERTY + "=simd, but SIMD kernels cannot run: " + refusal);
        }
        ScalarKernels scalar = new ScalarKernels();
        return new Choice(scalar, new Capabilities(jvm, "scalar", 0, maxBits, scalar.describe(), fma, refusal));
    }

    /** Widest float vector the JVM offers, asked of a small class in the SIMD package. */
    private static int probeMaxBits() {
        try {
            return (Integer) Class.forName(PROBE_CLASS).getMethod("maxFloatBits").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return 0;
        }
    }

    /** Why C2 cannot compile the Vector API intrinsics, or null when it can. */
    private static String c2Refusal() {
        String info = System.getProperty("java.vm.info", "");
        if (info.contains("interpreted mode")) {
            return "the JVM runs interpreted (-Xint)";
        }
        if (vmFlag("UseCompiler").map(v -> v.equals("false")).orElse(false)) {
            return "the JIT is disabled (-XX:-UseCompiler)";
        }
        boolean tiered = vmFlag("TieredCompilation").map(Boolean::parseBoolean).orElse(true);
        int stopAt = vmFlag("TieredStopAtLevel").map(Integer::parseInt).orElse(4);
        if (tiered && stopAt < 4) {
            return "C2 is disabled (-XX:TieredStopAtLevel=" + stopAt + ")";
        }
        String vmName = System.getProperty("java.vm.name", "");
        if (vmName.contains("Client VM")) {
            return "this is a client VM without C2";
        }
        return null;
    }

    /** A HotSpot flag's value, empty when not on HotSpot or jdk.management is missing. */
    private static Optional<String> vmFlag(String name) {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean == null ? Optional.empty() : Optional.of(bean.getVMOption(name).getValue());
        } catch (RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }
}
