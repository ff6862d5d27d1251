package io.quantlane.kernel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The provider's ladder. Runs in its own JVM (surefire forks per class) both with and without
 * {@code --add-modules jdk.incubator.vector}, so each branch is taken for real in one of the two runs.
 */
class KernelProviderTest {

    private static final List<LogRecord> RECORDS = new ArrayList<>();
    /** What Kernels' initialisation logged, before any test calls the provider directly. */
    private static List<LogRecord> initRecords;
    private static final boolean MODULE_PRESENT = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static final String ORIGINAL_MODE = System.getProperty(KernelProvider.KERNELS_PROPERTY);

    @BeforeAll
    static void captureLog() {
        // The default System.Logger backend is java.util.logging; listen before Kernels initialises.
        Logger.getLogger("io.quantlane.kernel").addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                RECORDS.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        Kernels.capabilities();
        initRecords = List.copyOf(RECORDS);
    }

    @AfterEach
    void restoreMode() {
        if (ORIGINAL_MODE == null) {
            System.clearProperty(KernelProvider.KERNELS_PROPERTY);
        } else {
            System.setProperty(KernelProvider.KERNELS_PROPERTY, ORIGINAL_MODE);
        }
    }

    @Test
    void initialisationLogsExactlyOneLineWithTheReason() {
        Capabilities c = Kernels.capabilities();
        long lines = initRecords.stream().filter(r -> r.getMessage().startsWith("quantlane kernels:")).count();
        assertEquals(1, lines, "one log line for the choice, got " + initRecords.size() + " records");
        assertEquals(1, initRecords.size(), "and nothing else");
        String message = initRecords.get(0).getMessage();
        assertTrue(message.contains(c.path()) && message.contains(c.reason()), message);
    }

    @Test
    void choiceMatchesTheEnvironment() {
        Capabilities c = Kernels.capabilities();
        String forced = System.getProperty(KernelProvider.KERNELS_PROPERTY, "auto");
        if (!MODULE_PRESENT) {
            assertEquals("scalar", c.path());
            assertTrue(c.reason().contains("--add-modules jdk.incubator.vector"), c.reason());
            assertEquals(0, c.vectorBits());
        } else if (forced.equals("scalar")) {
            assertEquals("scalar", c.path());
            assertTrue(c.reason().contains("forced"), c.reason());
        } else {
            assertEquals("simd", c.path(), c.reason());
            int pinned = Integer.getInteger(KernelProvider.VECTOR_BITS_PROPERTY, 0);
            assertEquals(pinned == 0 ? c.maxVectorBits() : pinned, c.vectorBits(), c.implementation());
            assertTrue(c.vectorBits() >= 128);
        }
        assertEquals(c.isSimd() ? "simd" : "scalar", Kernels.implementation().vectorBits() > 0 ? "simd" : "scalar");
        assertTrue(c.report().contains("reason:") && c.report().contains(c.jvm()), c.report());
    }

    @Test
    void requireSimdIsAStartUpGate() {
        Capabilities c = Kernels.capabilities();
        if (c.isSimd()) {
            assertEquals(c, Kernels.requireSimd());
        } else {
            IllegalStateException e = assertThrows(IllegalStateException.class, Kernels::requireSimd);
            assertEquals("quantlane: SIMD kernels required, but the scalar path is in use: " + c.reason(),
                    e.getMessage());
        }
    }

    @Test
    void everyJfrRecordingSaysWhichPathRuns() throws IOException {
        Capabilities c = Kernels.capabilities();
        Path file = Files.createTempFile("quantlane-kernels", ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable("io.quantlane.KernelSelection");
            recording.start();
            recording.stop();
            recording.dump(file);
            List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().equals("io.quantlane.KernelSelection")).toList();
            assertTrue(!events.isEmpty(), "no io.quantlane.KernelSelection event in the recording");
            RecordedEvent e = events.get(0);
            assertEquals(c.path(), e.getString("path"));
            assertEquals(c.vectorBits(), e.getInt("vectorBits"));
            assertEquals(c.maxVectorBits(), e.getInt("maxVectorBits"));
            assertEquals(c.reason(), e.getString("reason"));
            assertEquals(c.implementation(), e.getString("implementation"));
            assertEquals(c.fma(), e.getBoolean("fma"));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void forcingScalarIsHonoured() {
        System.setProperty(KernelProvider.KERNELS_PROPERTY, "scalar");
        KernelProvider.Choice choice = KernelProvider.lookup();
        assertEquals("scalar", choice.capabilities().path());
        assertEquals(0, choice.kernels().vectorBits());
    }

    @Test
    void forcingSimdWhereItCannotRunFailsLoudly() {
        System.setProperty(KernelProvider.KERNELS_PROPERTY, "simd");
        if (MODULE_PRESENT) {
            assertTrue(KernelProvider.lookup().capabilities().isSimd());
        } else {
            IllegalStateException e = assertThrows(IllegalStateException.class, KernelProvider::lookup);
            assertTrue(e.getMessage().contains("--add-modules"), e.getMessage());
        }
    }

    @Test
    void anUnknownModeIsRejectedByName() {
        System.setProperty(KernelProvider.KERNELS_PROPERTY, "gpu");
        IllegalStateException e = assertThrows(IllegalStateException.class, KernelProvider::lookup);
        assertTrue(e.getMessage().startsWith("quantlane.kernels"), e.getMessage());
    }
}
