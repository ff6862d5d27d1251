package io.quantlane.nn;

import io.quantlane.memory.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** quantlane's model file: bit-exact round trips, atomic saves, and every kind of damage rejected cleanly. */
class ModelFileTest {

    @TempDir
    Path dir;

    static Model trainedModel() {
        Mlp spec = Mlp.input(5).dense(16).leakyRelu(0.02f).dense(8).tanh().dense(2).softmax();
        Random rnd = new Random(1);
        try (Arena arena = Arena.ofConfined(); Network net = Network.create(spec, 3)) {
            Matrix x = Matrix.allocate(arena, 64, 5), y = Matrix.allocate(arena, 64, 2);
            for (int i = 0; i < 64; i++) {
                for (int j = 0; j < 5; j++) {
                    x.set(i, j, (float) rnd.nextGaussian() * 3 + j);
                }
                y.set(i, x.get(i, 0) > 0 ? 1 : 0, 1f);
            }
            Scaler scaler = Scaler.fit(x);
            scaler.apply(x);
            Trainer.builder().loss(Loss.softmaxCrossEntropy()).optimizer(Optimizer.adam(0.01f)).epochs(3).build()
                    .fit(net, x, y);
            return net.toModel(scaler, List.of("income", "debt: ratio", "age\nyears", "ünïcode", "x"),
                    Map.of("seed", "3", "trainedOn", "synthetic", "note", "multi\nline \\ text"));
        }
    }

    static void assertSameModel(Model a, Model b) {
        assertEquals(a.spec(), b.spec());
        assertArrayEquals(a.parameters().toArray(ValueLayout.JAVA_BYTE), b.parameters().toArray(ValueLayout.JAVA_BYTE),
                "parameters bit for bit");
        assertEquals(a.scaler(), b.scaler());
        assertEquals(a.featureNames(), b.featureNames());
        assertEquals(a.metadata(), b.metadata());
        InferenceContext ca = a.newContext(), cb = b.newContext();
        float[] x = {0.5f, -1f, 2f, 3f, 4f}, ya = new float[2], yb = new float[2];
        a.predict(ca, x, ya);
        b.predict(cb, x, yb);
        assertArrayEquals(ya, yb, 0f, "same predictions");
    }

    @Test
    void roundTripIsBitExact() throws IOException {
        Path file = dir.resolve("model.qlm");
        try (Model model = trainedModel()) {
            ModelFile.save(model, file);
            try (Model loaded = ModelFile.load(file)) {
                assertSameModel(model, loaded);
            }
            ModelFile.save(model, file);   // over an existing file
            try (Model again = ModelFile.load(file)) {
                assertSameModel(model, again);
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary files left behind");
        }
    }

    @Test
    void aLoadedModelCanBeTrainedFurther() throws IOException {
        Path file = dir.resolve("base.qlm");
        try (Model model = trainedModel()) {
            ModelFile.save(model, file);
        }
        try (Model loaded = ModelFile.load(file); Network net = Network.from(loaded)) {
            assertEquals(loaded.spec(), net.spec());
            assertArrayEquals(loaded.parameters().toArray(ValueLayout.JAVA_FLOAT), net.parameters().toArray(ValueLayout.JAVA_FLOAT),
                    0f, "the network starts from the file's weights");
            net.parameters().setAtIndex(ValueLayout.JAVA_FLOAT, 0, 42f);
            assertTrue(loaded.parameters().getAtIndex(ValueLayout.JAVA_FLOAT, 0) != 42f, "a copy, not the mapping");
        }
    }

    @Test
    void theHeaderIsReadableText() throws IOException {
        Path file = dir.resolve("m.qlm");
        try (Model model = trainedModel()) {
            ModelFile.save(model, file);
        }
        byte[] bytes = Files.readAllBytes(file);
        int headerLength = ByteBuffer.wrap(bytes, 12, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        String header = new String(bytes, 32, headerLength, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(header.startsWith("architecture: input(5).dense(16).leakyRelu(0.02).dense(8).tanh().dense(2)"
                + ".softmax()\ndtype: f32\nbyteOrder: little\n"), header);
        assertTrue(header.contains("feature: age\\nyears\n"), header);
        assertTrue(header.contains("meta.seed: 3\n"), header);
    }

    @Test
    void aFailedSaveLeavesNothing() throws IOException {
        Path missingDir = dir.resolve("no/such/dir/model.qlm");
        try (Model model = trainedModel()) {
            assertThrows(IOException.class, () -> ModelFile.save(model, missingDir));
            Path target = dir.resolve("existing.qlm");
            Files.createDirectory(target);   // a directory where the file should go: the rename fails
            assertThrows(IOException.class, () -> ModelFile.save(model, target));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("existing.qlm")), files.toList(), "no temporary file left");
        }
    }

    private Path saved() throws IOException {
        Path file = dir.resolve("good.qlm");
        try (Model model = trainedModel()) {
            ModelFile.save(model, file);
        }
        return file;
    }

    private static String loadError(Path file) {
        return assertThrows(ModelFileException.class, () -> ModelFile.load(file).close()).getMessage();
    }

    private Path withBytes(byte[] bytes) throws IOException {
        Path bad = dir.resolve("bad.qlm");
        Files.write(bad, bytes);
        return bad;
    }

    /** Rewrites the CRC so that a deliberate header edit gets past the checksum to the field checks. */
    static void fixCrc(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b, 32, b.length - 32);
        ByteBuffer.wrap(b, 24, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
    }

    @Test
    void damageIsRejectedWithTheReason() throws IOException {
        byte[] good = Files.readAllBytes(saved());

        byte[] flipped = good.clone();
        flipped[flipped.length - 7] ^= 0x10;
        assertTrue(loadError(withBytes(flipped)).contains("checksum mismatch (CRC32C stored"), "payload bit flip");

        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        assertTrue(loadError(withBytes(truncated)).contains("truncated or padded: the preamble promises "
                + good.length + " bytes, the file has " + truncated.length));
        assertTrue(loadError(withBytes(java.util.Arrays.copyOf(good, 10))).contains("truncated: 10 bytes"));
        assertTrue(loadError(withBytes(new byte[0])).contains("truncated: 0 bytes"));

        byte[] version = good.clone();
        version[8] = 2;
        assertTrue(loadError(withBytes(version)).endsWith("format version 2 is not supported; this quantlane reads "
                + "version 1"));

        byte[] magic = good.clone();
        magic[1] = 'X';
        assertTrue(loadError(withBytes(magic)).endsWith("not a quantlane model file (bad magic bytes)"));

        byte[] reserved = good.clone();
        reserved[30] = 1;
        assertTrue(loadError(withBytes(reserved)).contains("reserved bytes 28..31 must be zero"));

        String text = new String(good, java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] arch = text.replace("leakyRelu(0.02)", "leakyReLU(0.02)").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        fixCrc(arch);
        assertTrue(loadError(withBytes(arch)).contains("unknown layer \"leakyReLU\""), loadError(withBytes(arch)));

        byte[] width = text.replace("dense(16)", "dense(17)").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        fixCrc(width);
        assertTrue(loadError(withBytes(width)).contains("does not match"), loadError(withBytes(width)));

        byte[] dtype = text.replace("dtype: f32", "dtype: f16").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        fixCrc(dtype);
        assertTrue(loadError(withBytes(dtype)).endsWith("dtype: expected f32, got f16"));
    }

    /** Every single-byte corruption of a small file raises ModelFileException: none loads, none escapes as another error. */
    @Test
    void everyByteFlipIsCaught() throws IOException {
        Path file = dir.resolve("small.qlm");
        try (Network net = Network.create(Mlp.input(2).dense(3).relu().dense(1), 1); Model m = net.toModel()) {
            ModelFile.save(m, file);
        }
        byte[] good = Files.readAllBytes(file);
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= (byte) (1 << (i % 8));
            Path p = withBytes(bad);
            int at = i;
            assertThrows(ModelFileException.class, () -> ModelFile.load(p).close(), () -> "byte " + at);
        }
    }

    @Test
    void aFailedLoadLeavesNoMapping() throws IOException {
        Path maps = Path.of("/proc/self/maps");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(maps), "needs /proc/self/maps (Linux)");
        byte[] good = Files.readAllBytes(saved());
        good[good.length - 1] ^= 1;
        Path bad = withBytes(good);
        for (int i = 0; i < 3; i++) {
            loadError(bad);
        }
        assertFalse(Files.readString(maps).contains(bad.toAbsolutePath().toString()), "the damaged file is unmapped");
        Path ok = saved();
        Model m = ModelFile.load(ok);
        assertTrue(Files.readString(maps).contains(ok.toAbsolutePath().toString()), "a loaded model is a mapping");
        m.close();
        assertFalse(Files.readString(maps).contains(ok.toAbsolutePath().toString()), "close unmaps");
    }
}
