package io.quantlane.kernel;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/**
 * A JFR event with the kernel choice: emitted at the start of every recording chunk (a periodic event with
 * period {@code beginChunk}), so any recording of a JVM that uses quantlane says which path it ran, even when
 * the recording starts long after the choice was made. View it with
 * {@code jfr print --events io.quantlane.KernelSelection recording.jfr}.
 *
 * <p>Hooked in by {@link KernelSelectionListener} when Flight Recorder initialises.
 */
@Name("io.quantlane.KernelSelection")
@Label("quantlane Kernel Selection")
@Category("quantlane")
@Description("The kernel implementation quantlane chose for this JVM, and why")
@Period("beginChunk")
@StackTrace(false)
final class KernelSelectionEvent extends Event {

    @Label("Path")
    @Description("simd or scalar")
    String path;

    @Label("Vector Bits")
    @Description("Float vector width in use; 0 on the scalar path")
    int vectorBits;

    @Label("Max Vector Bits")
    int maxVectorBits;

    @Label("Implementation")
    String implementation;

    @Label("FMA")
    boolean fma;

    @Label("Reason")
    String reason;

    @Label("JVM")
    String jvm;

    /** Commits one event with {@code c}; called by the periodic hook. */
    static void emit(Capabilities c) {
        KernelSelectionEvent e = new KernelSelectionEvent();
        e.path = c.path();
        e.vectorBits = c.vectorBits();
        e.maxVectorBits = c.maxVectorBits();
        e.implementation = c.implementation();
        e.fma = c.fma();
        e.reason = c.reason();
        e.jvm = c.jvm();
        e.commit();
    }
}
