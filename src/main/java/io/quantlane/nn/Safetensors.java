package io.quantlane.nn;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format: an 8-byte
 * little-endian header length N, N bytes of JSON ({@code {"name": {"dtype", "shape", "data_offsets"}, ...,
 * "__metadata__": {string: string}}}), then the raw little-endian tensor bytes, offsets counted from the end of
 * the header.
 *
 * <p><b>Names and layout.</b> The dense layer at position i of an {@link Mlp} (positions count activations)
 * is stored as {@code i.weight} with shape {@code [out, in]} and {@code i.bias} with shape {@code [out]}: the
 * {@code state_dict} of the PyTorch {@code nn.Sequential} with the same modules. For example
 * {@code Mlp.input(4).dense(8).relu().dense(1)} matches
 * {@code nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))}: {@code 0.weight} [8, 4], {@code 0.bias} [8],
 * {@code 2.weight} [1, 8], {@code 2.bias} [1]. quantlane keeps W as (in, out), so weights are transposed on
 * the way in and out. A missing bias ({@code nn.Linear(..., bias=False)}) loads as zeros.
 *
 * <p>Reading accepts F32, F64, F16 and BF16 tensors (converted to float32). Writing produces F32 and puts the
 * architecture ({@code quantlane.architecture}), the scaler ({@code quantlane.scaler.mean/std}, exact decimal
 * floats) and the feature names ({@code quantlane.features}, a JSON array) in {@code __metadata__}, with the
 * model's own metadata under its keys; the tensor set stays exactly the {@code nn.Sequential}'s, so
 * {@code model.load_state_dict(safetensors.torch.load_file(path))} works unchanged.
 */
public final class Safetensors {

    static final String ARCHITECTURE = "quantlane.architecture";
    static final String SCALER_MEAN = "quantlane.scaler.mean";
    static final String SCALER_STD = "quantlane.scaler.std";
    static final String FEATURES = "quantlane.features";
    private static final long MAX_HEADER = 100L << 20;   // the reference implementation's limit

    private Safetensors() {
    }

    /** Writes the model's weights (F32, PyTorch layout) and metadata, atomically. */
    public static void save(Model model, Path path) throws IOException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(path, "path");
        Mlp spec = model.spec();
        Map<String, String> meta = new TreeMap<>(model.metadata());
        meta.put(ARCHITECTURE, spec.toString());
        if (model.scaler() != null) {
            meta.put(SCALER_MEAN, floats(model.scaler().mean()));
            meta.put(SCALER_STD, floats(model.scaler().std()));
        }
        if (!model.featureNames().isEmpty()) {
            meta.put(FEATURES, "[" + String.join(",", model.featureNames().stream().map(Json::quote).toList()) + "]");
        }
        StringBuilder json = new StringBuilder("{\"__metadata__\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : meta.entrySet()) {
            json.append(first ? "" : ",").append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
            first = false;
        }
        json.append('}');
        long offset = 0;
        List<Dense> dense = spec.denseLayers();
        for (Dense d : dense) {
            long w = (long) d.inputs() * d.outputs() * Float.BYTES, b = (long) d.outputs() * Float.BYTES;
            json.append(",\"").append(d.index()).append(".weight\":{\"dtype\":\"F32\",\"shape\":[").append(d.outputs())
                    .append(',').append(d.inputs()).append("],\"data_offsets\":[").append(offset).append(',')
                    .append(offset + w).append("]}");
            offset += w;
            json.append(",\"").append(d.index()).append(".bias\":{\"dtype\":\"F32\",\"shape\":[").append(d.outputs())
                    .append("],\"data_offsets\":[").append(offset).append(',').append(offset + b).append("]}");
            offset += b;
        }
        json.append('}');
        // pad with spaces (in bytes: names may hold multi-byte characters) so the tensor data starts 8-byte
        // aligned, as the reference writer does
        int bytes = json.toString().getBytes(StandardCharsets.UTF_8).length;
        json.append(" ".repeat((8 - bytes % 8) % 8));
        byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer pre = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
        ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(offset)).order(ByteOrder.LITTLE_ENDIAN);
        MemorySegment dst = MemorySegment.ofBuffer(data);
        MemorySegment p = model.parameters();
        long at = 0;
        for (Dense d : dense) {
            for (int o = 0; o < d.outputs(); o++) {   // [out, in]: row o of the file is column o of W
                for (int i = 0; i < d.inputs(); i++) {
                    dst.setAtIndex(ModelFile.LE_FLOAT, at++,
                            p.getAtIndex(ValueLayout.JAVA_FLOAT, d.weightOffset() + (long) i * d.outputs() + o));
                }
            }
            for (int o = 0; o < d.outputs(); o++) {
                dst.setAtIndex(ModelFile.LE_FLOAT, at++, p.getAtIndex(ValueLayout.JAVA_FLOAT, d.biasOffset() + o));
            }
        }
        ModelFile.writeAtomically(path, pre, ByteBuffer.wrap(header), data);
    }

    /** Loads a file this library wrote (the architecture comes from {@code __metadata__}). */
    public static Model load(Path path) throws IOException {
        return load(path, null);
    }

    /**
     * Loads the weights of {@code spec}'s dense layers by name ({@code i.weight}, {@code i.bias}), e.g. from a
     * PyTorch {@code nn.Sequential}. With spec null the architecture is read from the metadata.
     *
     * @throws ModelFileException naming the tensor and what was expected, for any damage or mismatch
     */
    public static Model load(Path path, Mlp spec) throws IOException {
        Objects.requireNonNull(path, "path");
        try (Arena scratch = Arena.ofShared()) {   // not confined: see README, "Memory and the JIT"
            MemorySegment file;
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                if (ch.size() < 8) {
                    throw new ModelFileException(path, "truncated: " + ch.size() + " bytes, safetensors starts with an "
                            + "8-byte header length");
                }
                file = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), scratch);
            }
            return read(path, file, spec);
        }
    }

    /** Checks {@code file} (a whole safetensors file) and copies the model out; package-private for the fuzz tests. */
    static Model read(Path path, MemorySegment file, Mlp given) throws ModelFileException {
        long n = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (n < 2 || n > MAX_HEADER || n > file.byteSize() - 8) {
            throw new ModelFileException(path, "header length " + n + " does not fit a file of " + file.byteSize()
                    + " bytes (truncated or not safetensors)");
        }
        Map<String, Object> root;
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(file.asSlice(8, n).asByteBuffer()).toString();
            if (!(Json.parse(text) instanceof Map<?, ?> m)) {
                throw new ModelFileException(path, "header is not a JSON object");
            }
            @SuppressWarnings("unchecked") Map<String, Object> cast = (Map<String, Object>) m;
            root = cast;
        } catch (CharacterCodingException e) {
            throw new ModelFileException(path, "header is not UTF-8", e);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(path, e.getMessage(), e);
        }
        MemorySegment data = file.asSlice(8 + n);
        Map<String, String> meta = metadata(path, root.remove("__metadata__"));
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : root.entrySet()) {
            tensors.put(e.getKey(), Tensor.of(path, e.getKey(), e.getValue(), data.byteSize()));
        }
        checkNoOverlap(path, tensors);

        Mlp spec = given;
        try {
            if (spec == null) {
                String arch = meta.get(ARCHITECTURE);
                if (arch == null) {
                    throw new ModelFileException(path, "no " + ARCHITECTURE + " in __metadata__; pass the Mlp spec "
                            + "(e.g. Mlp.input(4).dense(8).relu().dense(1)) to load(path, spec)");
                }
                spec = Mlp.parse(arch);
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ModelFileException(path, e.getMessage(), e);
        }
        // Every tensor the spec needs is present with its shape before anything is allocated: the tensors lie
        // inside the file, so the allocation below is bounded by the file's size, whatever the header claims.
        for (Dense d : spec.denseLayers()) {
            String wName = d.index() + ".weight", bName = d.index() + ".bias";
            Tensor w = tensors.get(wName);
            if (w == null) {
                throw new ModelFileException(path, "tensor " + wName + " is missing: " + spec + " expects "
                        + expectedNames(spec) + ", the file has " + tensors.keySet());
            }
            w.requireShape(path, d.outputs(), d.inputs());
            Tensor b = tensors.get(bName);
            if (b != null) {
                b.requireShape(path, d.outputs());
            }
        }
        Set<String> used = new HashSet<>();
        Arena arena = Arena.ofShared();
        try {
            long paramBytes = spec.parameterCount() * Float.BYTES;
            MemorySegment params = arena.allocate(Math.max(paramBytes, 64), 64).asSlice(0, paramBytes);
            for (Dense d : spec.denseLayers()) {   // shapes checked above
                String wName = d.index() + ".weight", bName = d.index() + ".bias";
                Tensor w = tensors.get(wName);
                for (int o = 0; o < d.outputs(); o++) {
                    for (int i = 0; i < d.inputs(); i++) {
                        params.setAtIndex(ValueLayout.JAVA_FLOAT, d.weightOffset() + (long) i * d.outputs() + o,
                                w.get(data, (long) o * d.inputs() + i));
                    }
                }
                used.add(wName);
                Tensor b = tensors.get(bName);
                if (b != null) {
                    for (int o = 0; o < d.outputs(); o++) {
                        params.setAtIndex(ValueLayout.JAVA_FLOAT, d.biasOffset() + o, b.get(data, o));
                    }
                    used.add(bName);
                }
            }
            List<String> extra = new ArrayList<>(tensors.keySet());
            extra.removeAll(used);
            if (!extra.isEmpty()) {
                throw new ModelFileException(path, "tensors " + extra + " have no place in " + spec + ", which expects "
                        + expectedNames(spec));
            }
            Scaler scaler = null;
            if (meta.containsKey(SCALER_MEAN) || meta.containsKey(SCALER_STD)) {
                scaler = new Scaler(parseFloats(path, meta, SCALER_MEAN), parseFloats(path, meta, SCALER_STD));
            }
            List<String> features = List.of();
            if (meta.containsKey(FEATURES)) {
                Object f;
                try {
                    f = Json.parse(meta.get(FEATURES));
                } catch (IllegalArgumentException e) {
                    throw new ModelFileException(path, FEATURES + ": " + e.getMessage(), e);
                }
                if (!(f instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
                    throw new ModelFileException(path, FEATURES + ": expected a JSON array of strings");
                }
                features = list.stream().map(String.class::cast).toList();
            }
            Map<String, String> own = new LinkedHashMap<>(meta);
            own.keySet().removeIf(k -> k.startsWith("quantlane."));
            return new Model(spec, arena, params, scaler, features, own);
        } catch (ModelFileException e) {
            arena.close();
            throw e;
        } catch (IllegalArgumentException e) {
            arena.close();
            throw new ModelFileException(path, e.getMessage(), e);
        }
    }

    private static String expectedNames(Mlp spec) {
        List<String> names = new ArrayList<>();
        for (Dense d : spec.denseLayers()) {
            names.add(d.index() + ".weight [" + d.outputs() + ", " + d.inputs() + "]");
            names.add(d.index() + ".bias [" + d.outputs() + "]");
        }
        return names.toString();
    }

    private static Map<String, String> metadata(Path path, Object raw) throws ModelFileException {
        Map<String, String> meta = new LinkedHashMap<>();
        if (raw == null) {
            return meta;
        }
        if (!(raw instanceof Map<?, ?> m)) {
            throw new ModelFileException(path, "__metadata__ is not a JSON object");
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new ModelFileException(path, "__metadata__." + e.getKey() + ": expected a string value");
            }
            meta.put((String) e.getKey(), s);
        }
        return meta;
    }

    private static void checkNoOverlap(Path path, Map<String, Tensor> tensors) throws ModelFileException {
        List<Tensor> sorted = new ArrayList<>(tensors.values());
        sorted.sort((a, b) -> Long.compare(a.begin, b.begin));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).begin < sorted.get(i - 1).end) {
                throw new ModelFileException(path, "tensors " + sorted.get(i - 1).name + " and " + sorted.get(i).name
                        + " overlap");
            }
        }
    }

    private static String floats(float[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ",").append(v[i]);   // Float.toString reads back to the same float
        }
        return sb.toString();
    }

    private static float[] parseFloats(Path path, Map<String, String> meta, String key) throws ModelFileException {
        String s = meta.get(key);
        if (s == null) {
            throw new ModelFileException(path, "__metadata__ has one of " + SCALER_MEAN + " and " + SCALER_STD
                    + " but not " + key);
        }
        String[] parts = s.isEmpty() ? new String[0] : s.split(",");
        float[] v = new float[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                v[i] = Float.parseFloat(parts[i].trim());
            }
        } catch (NumberFormatException e) {
            throw new ModelFileException(path, key + ": expected comma-separated numbers", e);
        }
        return v;
    }

    /** One header entry, checked against the data section. */
    private record Tensor(String name, String dtype, long[] shape, long begin, long end) {

        static Tensor of(Path path, String name, Object raw, long dataBytes) throws ModelFileException {
            if (!(raw instanceof Map<?, ?> m)) {
                throw new ModelFileException(path, "tensor " + name + ": expected an object with dtype, shape and "
                        + "data_offsets");
            }
            if (!(m.get("dtype") instanceof String dtype)) {
                throw new ModelFileException(path, "tensor " + name + ": dtype missing");
            }
            int size = switch (dtype) {
                case "F32" -> 4;
                case "F64" -> 8;
                case "F16", "BF16" -> 2;
                default -> throw new ModelFileException(path, "tensor " + name + ": dtype " + dtype
                        + " is not supported (F32, F64, F16, BF16)");
            };
            long[] shape = longs(path, name, "shape", m.get("shape"), -1);
            long[] offsets = longs(path, name, "data_offsets", m.get("data_offsets"), 2);
            long count = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw new ModelFileException(path, "tensor " + name + ": negative dimension in shape");
                }
                count = Math.multiplyHigh(count, d) != 0 ? Long.MAX_VALUE : count * d;
            }
            long begin = offsets[0], end = offsets[1];
            if (begin < 0 || end < begin || end > dataBytes) {
                throw new ModelFileException(path, "tensor " + name + ": data_offsets [" + begin + ", " + end
                        + "] fall outside the " + dataBytes + " data bytes (truncated file?)");
            }
            if (count > Long.MAX_VALUE / size || end - begin != count * size) {
                throw new ModelFileException(path, "tensor " + name + ": " + (end - begin) + " bytes for shape "
                        + Arrays.toString(shape) + " of " + dtype + ", expected " + count * size);
            }
            return new Tensor(name, dtype, shape, begin, end);
        }

        private static long[] longs(Path path, String name, String field, Object raw, int length)
                throws ModelFileException {
            if (!(raw instanceof List<?> list) || (length >= 0 && list.size() != length)) {
                throw new ModelFileException(path, "tensor " + name + ": " + field + " must be an array"
                        + (length >= 0 ? " of " + length + " integers" : " of integers"));
            }
            long[] out = new long[list.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(list.get(i) instanceof Long v)) {
                    throw new ModelFileException(path, "tensor " + name + ": " + field + " must hold integers");
                }
                out[i] = v;
            }
            return out;
        }

        void requireShape(Path path, long... expected) throws ModelFileException {
            if (!Arrays.equals(shape, expected)) {
                throw new ModelFileException(path, "tensor " + name + ": shape " + Arrays.toString(shape)
                        + ", expected " + Arrays.toString(expected) + " (PyTorch layout [out, in])");
            }
        }

        /** Element {@code i} as float32. */
        float get(MemorySegment data, long i) {
            return switch (dtype) {
                case "F32" -> data.get(ModelFile.LE_FLOAT, begin + 4 * i);
                case "F64" -> (float) data.get(ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN),
                        begin + 8 * i);
                case "F16" -> Float.float16ToFloat(data.get(LE_SHORT, begin + 2 * i));
                default -> Float.intBitsToFloat((data.get(LE_SHORT, begin + 2 * i) & 0xFFFF) << 16);   // BF16
            };
        }

        private static final ValueLayout.OfShort LE_SHORT =
                ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    }
}
