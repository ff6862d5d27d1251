package io.quantlane.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * safetensors: our round trip, and files laid out as PyTorch's {@code safetensors.torch.save_file} writes an
 * {@code nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))} state_dict, built here byte by byte from
 * the format description (not by our writer).
 */
class SafetensorsTest {

    @TempDir
    Path dir;

    /** nn.Linear(2, 3).weight, [out = 3, in = 2], and the rest of the PyTorch model, as exact binary fractions. */
    static final float[] W0 = {0.5f, -1f, 0.25f, 2f, -0.75f, 1.5f};
    static final float[] B0 = {0.125f, -0.5f, 1f};
    static final float[] W2 = {1f, -2f, 0.5f};
    static final float[] B2 = {0.25f};

    /** y = W2 relu(W0 x + b0) + b2, written out with PyTorch's [out, in] indexing. */
    static float torchForward(float[] x) {
        float y = B2[0];
        for (int o = 0; o < 3; o++) {
            float h = B0[o] + W0[o * 2] * x[0] + W0[o * 2 + 1] * x[1];
            y += W2[o] * Math.max(h, 0f);
        }
        return y;
    }

    /** A tensor entry: name, dtype, shape, values. */
    record T(String name, String dtype, long[] shape, float[] values) {
        int elementBytes() {
            return dtype.equals("F64") ? 8 : dtype.equals("F32") ? 4 : 2;
        }
    }

    /** Writes the format by hand: u64 LE header length, JSON (padded with spaces to 8), data in entry order. */
    static byte[] file(String metadataJson, T... tensors) {
        StringBuilder json = new StringBuilder("{");
        if (metadataJson != null) {
            json.append("\"__metadata__\":").append(metadataJson).append(',');
        }
        long offset = 0;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int t = 0; t < tensors.length; t++) {
            T e = tensors[t];
            long bytes = (long) e.values.length * e.elementBytes();
            json.append(t == 0 ? "" : ",").append('"').append(e.name).append("\":{\"dtype\":\"").append(e.dtype)
                    .append("\",\"shape\":").append(java.util.Arrays.toString(e.shape).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
            ByteBuffer b = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : e.values) {
                switch (e.dtype) {
                    case "F32" -> b.putFloat(v);
                    case "F64" -> b.putDouble(v);
                    case "F16" -> b.putShort(Float.floatToFloat16(v));
                    case "BF16" -> b.putShort((short) (Float.floatToIntBits(v) >>> 16));
                    default -> throw new IllegalArgumentException(e.dtype);
                }
            }
            data.writeBytes(b.array());
        }
        json.append('}');
        while ((8 + json.length()) % 8 != 0) {
            json.append(' ');
        }
        byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + header.length + data.size()).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(header.length).put(header).put(data.toByteArray());
        return out.array();
    }

    static final Mlp TORCH_SPEC = Mlp.input(2).dense(3).relu().dense(1);

    static T[] torchTensors(String dtype) {
        // safetensors.torch.save_file writes entries sorted by name; the reader must not care either way
        return new T[] {
                new T("0.bias", dtype, new long[] {3}, B0), new T("0.weight", dtype, new long[] {3, 2}, W0),
                new T("2.bias", dtype, new long[] {1}, B2), new T("2.weight", dtype, new long[] {1, 3}, W2)};
    }

    private Path write(byte[] bytes) throws IOException {
        Path p = dir.resolve("model.safetensors");
        Files.write(p, bytes);
        return p;
    }

    @Test
    void pytorchLayoutLoadsByName() throws IOException {
        for (String dtype : new String[] {"F32", "F64", "F16", "BF16"}) {
            Path p = write(file("{\"format\":\"pt\"}", torchTensors(dtype)));
            try (Model m = Safetensors.load(p, TORCH_SPEC)) {
                InferenceContext ctx = m.newContext();
                float[] y = new float[1];
                float[][] xs = {{1, 2}, {-1, 0.5f}, {3, -2}, {0, 0}};
                for (float[] x : xs) {
                    m.predict(ctx, x, y);
                    assertEquals(torchForward(x), y[0], 1e-6f, dtype + " " + java.util.Arrays.toString(x));
                }
                assertEquals(Map.of("format", "pt"), m.metadata());
                Dense d = m.spec().denseLayers().get(0);
                // our W is (in, out): W[i][o] = torch weight[o][i]
                assertEquals(W0[2 * 2 + 1], m.parameters().getAtIndex(ValueLayout.JAVA_FLOAT, d.weightOffset() + 1 * 3 + 2),
                        dtype + ": our W[1][2] is torch weight[2][1]");
            }
        }
    }

    @Test
    void aMissingBiasLoadsAsZeros() throws IOException {
        T[] all = torchTensors("F32");
        Path p = write(file(null, all[1], all[2], all[3]));   // nn.Linear(2, 3, bias=False)
        try (Model m = Safetensors.load(p, TORCH_SPEC)) {
            Dense d = m.spec().denseLayers().get(0);
            for (int o = 0; o < 3; o++) {
                assertEquals(0f, m.parameters().getAtIndex(ValueLayout.JAVA_FLOAT, d.biasOffset() + o));
            }
        }
    }

    @Test
    void roundTripIsBitExact() throws IOException {
        Path p = dir.resolve("rt.safetensors");
        try (Model model = ModelFileTest.trainedModel()) {
            Safetensors.save(model, p);
            try (Model loaded = Safetensors.load(p)) {
                ModelFileTest.assertSameModel(model, loaded);
            }
            byte[] bytes = Files.readAllBytes(p);
            long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(0, (8 + n) % 8, "tensor data 8-byte aligned");
            String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
            assertTrue(header.contains("\"0.weight\":{\"dtype\":\"F32\",\"shape\":[16,5]"), header);
            assertTrue(header.contains("\"4.weight\":{\"dtype\":\"F32\",\"shape\":[2,8]"), header);
        }
    }

    @Test
    void ourFileLoadsIntoTheSameSpecGivenExplicitly() throws IOException {
        Path p = dir.resolve("rt.safetensors");
        try (Model model = ModelFileTest.trainedModel()) {
            Safetensors.save(model, p);
            try (Model loaded = Safetensors.load(p, model.spec())) {
                assertArrayEquals(model.parameters().toArray(ValueLayout.JAVA_FLOAT),
                        loaded.parameters().toArray(ValueLayout.JAVA_FLOAT), 0f);
            }
        }
    }

    private String error(byte[] bytes, Mlp spec) throws IOException {
        Path p = write(bytes);
        return assertThrows(ModelFileException.class, () -> Safetensors.load(p, spec).close()).getMessage();
    }

    @Test
    void mismatchesAndDamageAreNamed() throws IOException {
        T[] all = torchTensors("F32");
        assertTrue(error(file(null, all[0], all[1], all[2]), TORCH_SPEC).contains("tensor 2.weight is missing: "
                + "input(2).dense(3).relu().dense(1) expects [0.weight [3, 2], 0.bias [3], 2.weight [1, 3], 2.bias [1]]"));
        T wrongShape = new T("0.weight", "F32", new long[] {2, 3}, W0);
        assertTrue(error(file(null, all[0], wrongShape, all[2], all[3]), TORCH_SPEC)
                .contains("tensor 0.weight: shape [2, 3], expected [3, 2] (PyTorch layout [out, in])"));
        T extra = new T("5.weight", "F32", new long[] {1}, new float[] {1});
        assertTrue(error(file(null, all[0], all[1], all[2], all[3], extra), TORCH_SPEC)
                .contains("tensors [5.weight] have no place in input(2).dense(3).relu().dense(1)"));
        assertTrue(error(file(null, all[0], all[1], all[2], all[3]), null).contains("no quantlane.architecture in "
                + "__metadata__; pass the Mlp spec"));

        byte[] good = file(null, all);
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 4);
        assertTrue(error(truncated, TORCH_SPEC).contains("fall outside the"), error(truncated, TORCH_SPEC));
        byte[] hugeHeader = good.clone();
        ByteBuffer.wrap(hugeHeader).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        assertTrue(error(hugeHeader, TORCH_SPEC).contains("header length 1099511627776 does not fit"));
        assertTrue(error(new byte[5], TORCH_SPEC).contains("truncated: 5 bytes"));
        byte[] badJson = good.clone();
        badJson[8] = '[';
        assertTrue(error(badJson, TORCH_SPEC).contains("JSON header"), error(badJson, TORCH_SPEC));

        // overlapping data_offsets, dtype and count consistent: hand-edit the second tensor to start at 0
        String text = new String(good, StandardCharsets.ISO_8859_1);
        String overlapped = text.replace("\"data_offsets\":[12,36]", "\"data_offsets\":[ 0,24]");
        assertTrue(!overlapped.equals(text), "the edit applied");
        String overlapError = error(overlapped.getBytes(StandardCharsets.ISO_8859_1), TORCH_SPEC);
        assertTrue(overlapError.contains("overlap"), overlapError);
        String badCount = text.replace("\"data_offsets\":[12,36]", "\"data_offsets\":[12,32]");
        assertTrue(error(badCount.getBytes(StandardCharsets.ISO_8859_1), TORCH_SPEC)
                .contains("tensor 0.weight: 20 bytes for shape [3, 2] of F32, expected 24"));
        String ints = text.replaceFirst("\"F32\"", "\"I32\"");   // same length, so the header still fits
        assertTrue(error(ints.getBytes(StandardCharsets.ISO_8859_1), TORCH_SPEC)
                .contains("tensor 0.bias: dtype I32 is not supported (F32, F64, F16, BF16)"));
        String dupKey = text.replace("\"2.bias\"", "\"0.bias\"");
        assertTrue(error(dupKey.getBytes(StandardCharsets.ISO_8859_1), TORCH_SPEC).contains("duplicate key \"0.bias\""));
    }

    @Test
    void metadataMustBeStrings() throws IOException {
        assertTrue(error(file("{\"epochs\":3}", torchTensors("F32")), TORCH_SPEC)
                .contains("__metadata__.epochs: expected a string value"));
    }
}
