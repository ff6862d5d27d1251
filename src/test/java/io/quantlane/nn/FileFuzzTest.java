package io.quantlane.nn;

import io.quantlane.data.Csv;
import io.quantlane.data.CsvException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Byte-level fuzzing of everything that reads outside input: model files, safetensors files and CSV text.
 * Every mutated input must give either a working result or the reader's own exception with a message; any
 * other exception or error (an index error, an out-of-memory from a hostile length, a stack overflow) fails the
 * test with the case that caused it. Seeded, so a failure reproduces; over 10^5 cases in all.
 *
 * <p>Mutations: truncation, bit flips, hostile 32- and 64-bit values written over length fields and elsewhere,
 * random or hostile text spliced into headers (huge, negative and malformed numbers, brackets, quotes), bytes
 * inserted and deleted, junk appended. Model-file mutations get their checksum fixed most of the time so that
 * they reach the header and shape checks behind it.
 */
class FileFuzzTest {

    private static final int MODEL_FILE_CASES = 40_000, SAFETENSORS_CASES = 40_000, CSV_CASES = 30_000;
    private static final long[] HOSTILE = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0xFFFF_FFFFL,
        Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40, 1L << 31, 64, 100L << 20};
    private static final String[] HOSTILE_TEXT = {"99999999999999999999", "-1", "2147483647", "2147483648", "0",
        "1e308", "NaN", "\"", "[", "]", "{", "}", ",", ":", "\\", "\\u0000", "null", "[[[[[[[[", "-0",
        "input(1048576)", "dense(2147483647)", "relu()", "\n", "\u00e9", "9223372036854775807"};

    @TempDir
    Path dir;

    /** Tallies outcomes; failures keep the first few cases for the report. */
    private static final class Outcomes {
        final String what;
        int accepted;
        int rejected;
        final Map<String, Integer> reasons = new TreeMap<>();
        final List<String> failures = new ArrayList<>();

        Outcomes(String what) {
            this.what = what;
        }

        void rejected(String message) {
            rejected++;
            if (message == null || message.isBlank()) {
                failures.add("a rejection without a message");
                return;
            }
            String key = message.replaceAll("[0-9]+", "N");
            key = key.substring(0, Math.min(48, key.length()));
            reasons.merge(key, 1, Integer::sum);
        }

        void failed(String c, Throwable t) {
            if (failures.size() < 5) {
                failures.add(c + ": " + t);
            } else {
                failures.add("");
            }
        }

        void check(int cases) {
            assertTrue(failures.isEmpty(), what + ": " + failures.size() + " of " + cases + " cases failed, e.g. "
                    + failures.subList(0, Math.min(5, failures.size())));
            assertEquals(cases, accepted + rejected);
            System.out.println(what + " fuzz: " + cases + " cases, " + rejected + " rejected with a reason, " + accepted
                    + " still valid; " + reasons.size() + " distinct reasons");
        }
    }

    private static Model smallModel() {
        try (Network net = Network.create(Mlp.input(3).dense(4).relu().dense(2).softmax(), 7)) {
            return net.toModel(new Scaler(new float[] {1, 2, 3}, new float[] {1, 0.5f, 2}), List.of("a", "b", "c"),
                    Map.of("seed", "7"));
        }
    }

    /** Runs a model that a reader accepted, so that a model built from damaged bytes is shown to be usable. */
    private static void exercise(Model m) {
        InferenceContext ctx = m.newContext();
        float[] x = new float[m.inputs()], y = new float[m.outputs()];
        m.predict(ctx, x, y);
    }

    @Test
    void mutatedModelFilesAreRejectedCleanly() throws IOException {
        Path good = dir.resolve("good.qlm");
        try (Model m = smallModel()) {
            ModelFile.save(m, good);
        }
        byte[] base = Files.readAllBytes(good);
        Random rnd = new Random(20261204);
        Outcomes out = new Outcomes("model file");
        Path name = Path.of("fuzz.qlm");
        for (int c = 0; c < MODEL_FILE_CASES; c++) {
            int op = c % 7;
            byte[] b = mutate(base, op, rnd, 32);
            if (op != 0 && b.length >= 32 && rnd.nextInt(4) != 0) {
                ModelFileTest.fixCrc(b);   // past the checksum, to the field checks
            }
            Arena arena = Arena.ofShared();
            try {
                if (b.length < ModelFile.PREAMBLE) {   // ModelFile.load refuses these before mapping
                    arena.close();
                    out.rejected("truncated: " + b.length);
                    continue;
                }
                MemorySegment seg = arena.allocate(b.length, 64);
                MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_BYTE, 0, b.length);
                try (Model m = ModelFile.read(name, seg, arena)) {
                    exercise(m);
                    out.accepted++;
                }
            } catch (ModelFileException e) {
                arena.close();
                out.rejected(e.getMessage());
            } catch (Throwable t) {
                if (arena.scope().isAlive()) {
                    arena.close();
                }
                out.failed("case " + c + " (op " + op + ")", t);
                out.rejected++;   // counted, reported as a failure
            }
        }
        out.check(MODEL_FILE_CASES);
    }

    @Test
    void mutatedSafetensorsAreRejectedCleanly() throws IOException {
        Path good = dir.resolve("good.safetensors");
        try (Model m = smallModel()) {
            Safetensors.save(m, good);
        }
        byte[] base = Files.readAllBytes(good);
        int headerEnd = 8 + (int) ByteBuffer.wrap(base, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Random rnd = new Random(4);
        Outcomes out = new Outcomes("safetensors");
        Path name = Path.of("fuzz.safetensors");
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buffer = arena.allocate(base.length * 4L + 4096, 64);
            for (int c = 0; c < SAFETENSORS_CASES; c++) {
                int op = c % 7;
                byte[] b = mutate(base, op, rnd, headerEnd);
                if (b.length > buffer.byteSize()) {
                    b = java.util.Arrays.copyOf(b, (int) buffer.byteSize());
                }
                try {
                    if (b.length < 8) {   // Safetensors.load refuses these before mapping
                        out.rejected("truncated: " + b.length);
                        continue;
                    }
                    MemorySegment seg = buffer.asSlice(0, b.length);
                    MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_BYTE, 0, b.length);
                    try (Model m = Safetensors.read(name, seg, c % 2 == 0 ? null
                            : Mlp.input(3).dense(4).relu().dense(2).softmax())) {
                        exercise(m);
                        out.accepted++;
                    }
                } catch (ModelFileException e) {
                    out.rejected(e.getMessage());
                } catch (Throwable t) {
                    out.failed("case " + c + " (op " + op + ")", t);
                    out.rejected++;
                }
            }
        }
        out.check(SAFETENSORS_CASES);
    }

    /** Hand-made hostile headers: each names a length or size no machine could honour. */
    @Test
    void hostileSafetensorsHeadersAreRejectedWithoutAllocating() throws IOException {
        String[] headers = {
            "{\"__metadata__\":{\"quantlane.architecture\":\"input(1048576).dense(1048576).dense(1048576)\"}}",
            "{\"0.weight\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647],\"data_offsets\":[0,16]}}",
            "{\"0.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,9223372036854775807]}}",
            "{\"0.weight\":{\"dtype\":\"F32\",\"shape\":[-2,-2],\"data_offsets\":[0,16]}}",
            "{\"0.weight\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],\"data_offsets\":[0,16]}}",
            "{\"0.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[16,0]}}",
            "[".repeat(100_000),
            "{\"a\":" + "[".repeat(70) + "]".repeat(70) + "}",
            "{\"__metadata__\":{\"quantlane.architecture\":\"input(1)" + ".relu()".repeat(5000) + "\"}}",
        };
        for (String h : headers) {
            byte[] json = h.getBytes(StandardCharsets.UTF_8);
            ByteBuffer file = ByteBuffer.allocate(8 + json.length + 16).order(ByteOrder.LITTLE_ENDIAN);
            file.putLong(json.length).put(json);
            Path p = dir.resolve("hostile.safetensors");
            Files.write(p, file.array());
            ModelFileException e = org.junit.jupiter.api.Assertions.assertThrows(ModelFileException.class,
                    () -> Safetensors.load(p, h.contains("architecture") ? null : Mlp.input(2).dense(2)).close(),
                    h.substring(0, Math.min(80, h.length())));
            assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        }
        for (long n : new long[] {-1, Long.MAX_VALUE, 1L << 40, 0, 1}) {
            Path p = dir.resolve("length.safetensors");
            Files.write(p, ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array());
            String message = org.junit.jupiter.api.Assertions.assertThrows(ModelFileException.class,
                    () -> Safetensors.load(p).close()).getMessage();
            assertTrue(message.contains("header length " + n), message);
        }
    }

    @Test
    void mutatedCsvIsParsedOrRejectedByLine() throws IOException {
        String base;
        try (InputStream in = FileFuzzTest.class.getResourceAsStream("/datasets/german_credit.csv")) {
            base = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().limit(40)
                    .reduce("", (a, l) -> a + l + "\n");
        }
        byte[] bytes = base.getBytes(StandardCharsets.UTF_8);
        Random rnd = new Random(99);
        Outcomes out = new Outcomes("csv");
        for (int c = 0; c < CSV_CASES; c++) {
            String text = new String(mutate(bytes, c % 7, rnd, bytes.length), StandardCharsets.UTF_8);
            try {
                Csv.defaults().parse(text, "fuzz.csv");
                out.accepted++;
            } catch (CsvException e) {
                if (!e.getMessage().startsWith("fuzz.csv, line ")) {
                    out.failed("case " + c + ": a CSV error without its line", e);
                }
                out.rejected(e.getMessage());
            } catch (Throwable t) {
                out.failed("case " + c, t);
                out.rejected++;
            }
        }
        out.check(CSV_CASES);
    }

    /**
     * One mutation of {@code base}; text splices land in the first {@code textEnd} bytes (the header), other
     * mutations anywhere.
     */
    private static byte[] mutate(byte[] base, int op, Random rnd, int textEnd) {
        byte[] b = base.clone();
        switch (op) {
            case 0 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));   // truncation
            case 1 -> {   // 1 to 4 bit flips
                for (int i = rnd.nextInt(4); i >= 0; i--) {
                    int at = rnd.nextInt(b.length);
                    b[at] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 2 -> {   // a hostile integer, 4 or 8 bytes, often over the leading length fields
                long v = HOSTILE[rnd.nextInt(HOSTILE.length)];
                int width = rnd.nextBoolean() ? 4 : 8;
                int at = rnd.nextInt(3) == 0 ? rnd.nextInt(Math.max(1, b.length - width)) : 8 + 4 * rnd.nextInt(4);
                ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                if (at + width <= b.length) {
                    if (width == 4) {
                        bb.putInt(at, (int) v);
                    } else {
                        bb.putLong(at, v);
                    }
                }
            }
            case 3, 4 -> {   // hostile or random text spliced into the header, same length kept or not
                int from = rnd.nextInt(Math.max(1, textEnd)), len = rnd.nextInt(12);
                String splice = op == 3 ? HOSTILE_TEXT[rnd.nextInt(HOSTILE_TEXT.length)] : randomText(rnd);
                b = splice(b, from, Math.min(len, b.length - from), splice.getBytes(StandardCharsets.UTF_8));
            }
            case 5 -> {   // bytes inserted or deleted
                int at = rnd.nextInt(b.length);
                b = rnd.nextBoolean() ? splice(b, at, 0, new byte[] {(byte) rnd.nextInt(256)})
                        : splice(b, at, Math.min(1 + rnd.nextInt(8), b.length - at), new byte[0]);
            }
            default -> {   // junk appended
                byte[] junk = new byte[1 + rnd.nextInt(100)];
                rnd.nextBytes(junk);
                b = splice(b, b.length, 0, junk);
            }
        }
        return b;
    }

    private static String randomText(Random rnd) {
        String alphabet = "0123456789(){}[]\",:.-e \n\\tinputdsrlFB";
        StringBuilder sb = new StringBuilder();
        for (int i = rnd.nextInt(10); i >= 0; i--) {
            sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }
}
