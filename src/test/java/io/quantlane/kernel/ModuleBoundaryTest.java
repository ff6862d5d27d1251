package io.quantlane.kernel;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Only {@code io.quantlane.kernel.simd} may touch {@code jdk.incubator.vector}: every other compiled class
 * must link and run without the module. Checked on the class files the build produced, by looking for the
 * module's package name in their constant pools.
 */
class ModuleBoundaryTest {

    @Test
    void onlyTheSimdPackageReferencesTheVectorApi() throws IOException {
        Path classes = Path.of("target", "classes", "io", "quantlane");
        assertTrue(Files.isDirectory(classes), "run from the project root after compilation: " + classes.toAbsolutePath());
        List<Path> offenders;
        int checked;
        try (Stream<Path> files = Files.walk(classes)) {
            List<Path> all = files.filter(f -> f.toString().endsWith(".class")).toList();
            checked = all.size();
            offenders = all.stream()
                    .filter(f -> !f.startsWith(classes.resolve("kernel").resolve("simd")))
                    .filter(ModuleBoundaryTest::mentionsVectorApi)
                    .toList();
        }
        assertTrue(checked > 10, "found only " + checked + " class files");
        assertEquals(List.of(), offenders, "classes outside kernel.simd that reference jdk.incubator.vector");
    }

    @Test
    void theSimdPackageDoesUseIt() {
        Path simd = Path.of("target", "classes", "io", "quantlane", "kernel", "simd", "SimdKernels.class");
        assertTrue(mentionsVectorApi(simd), "the check itself must be able to see a reference");
    }

    private static boolean mentionsVectorApi(Path classFile) {
        try {
            String text = new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1);
            return text.contains("jdk/incubator/vector");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
