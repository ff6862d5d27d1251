package io.quantlane.kernel;

import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;

/**
 * Adds the periodic hook for {@link KernelSelectionEvent} when Flight Recorder initialises (at once if it
 * already has). Until then nothing of JFR is touched: loading an event class makes JFR instrument it, and adding
 * the hook eagerly cost every JVM that uses quantlane 55 ms of start-up here, recording or not. A class of its
 * own, so that the event class stays unloaded until a recording needs it.
 */
final class KernelSelectionListener implements FlightRecorderListener {

    private final Capabilities capabilities;

    private KernelSelectionListener(Capabilities capabilities) {
        this.capabilities = capabilities;
    }

    /** Registers the listener; where the jdk.jfr module is not in the runtime image, the caller logs the error. */
    static void register(Capabilities c) {
        FlightRecorder.addListener(new KernelSelectionListener(c));
    }

    @Override
    public void recorderInitialized(FlightRecorder recorder) {
        FlightRecorder.addPeriodicEvent(KernelSelectionEvent.class, () -> KernelSelectionEvent.emit(capabilities));
    }
}
