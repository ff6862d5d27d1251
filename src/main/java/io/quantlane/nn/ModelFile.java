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
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * quantlane's own model file: self-describing, checksummed, saved atomically, loaded by memory-mapping.
 *
 * <pre>
 * offset  size  field
 *      0     8  magic 89 'Q' 'L' 'M' 0D 0A 1A 0A (PNG-style: catches text-mode and 7-bit transfers)
 *      8     4  format version, u32 little-endian (this library writes and reads {@value #VERSION})
 *     12     4  header length H in bytes, u32 LE
 *     16     8  payload length P in bytes, u64 LE
 *     24     4  CRC32C of every byte from offset 32 to the end (header, padding, payload), u32 LE
 *     28     4  zero
 *     32     H  header: UTF-8 lines "key: value" (backslash escapes \n and \\ in values)
 *      .     .  zero padding to a multiple of 64 bytes
 *      D     P  payload: the parameter block as float32 little-endian, then the scaler's means and stds
 * </pre>
 *
 * Header keys, in order: {@code architecture} ({@link Mlp#toString()}), {@code dtype} ({@code f32}),
 * {@code byteOrder} ({@code little}), {@code parameters} (floats in the block, padding included),
 * {@code scaler} ({@code none} or {@code meanStd}), zero or more {@code feature} lines (the input names in
 * order), and {@code meta.<key>} lines. The file length must be exactly D + P.
 *
 * <p>Loading maps the file read-only and the model's parameters are a slice of that mapping: no copy on
 * little-endian machines. Every field is checked and the checksum verified before a {@link Model} exists;
 * a bad file raises {@link ModelFileException} and leaves nothing mapped.
 */
public final class ModelFile {

    /** The format version this library writes and reads. */
    public static final int VERSION = 1;

    static final byte[] MAGIC = {(byte) 0x89, 'Q', 'L', 'M', 0x0D, 0x0A, 0x1A, 0x0A};
    static final int PREAMBLE = 32;
    private static final long MAX_HEADER = 16L << 20;

    private ModelFile() {
    }

    /** Writes {@code model} to {@code path} through a temporary file in the same directory, then a rename. */
    public static void save(Model model, Path path) throws IOException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(path, "path");
        byte[] header = header(model).getBytes(StandardCharsets.UTF_8);
        long dataStart = align64(PREAMBLE + header.length);
        ByteBuffer payload = payload(model);
        CRC32C crc = new CRC32C();
        crc.update(header);
        crc.update(new byte[(int) (dataStart - PREAMBLE - header.length)]);
        crc.update(payload.duplicate());

        ByteBuffer pre = ByteBuffer.allocate(PREAMBLE).order(ByteOrder.LITTLE_ENDIAN);
        pre.put(MAGIC).putInt(VERSION).putInt(header.length).putLong(payload.remaining())
                .putInt((int) crc.getValue()).putInt(0).flip();
        ByteBuffer head = ByteBuffer.allocate((int) (dataStart - PREAMBLE));
        head.put(header).position(head.capacity()).flip();
        writeAtomically(path, pre, head, payload);
    }

    /** Writes the buffers to a temporary sibling of {@code path}, forces it to disk, then renames it over path. */
    static void writeAtomically(Path path, ByteBuffer... parts) throws IOException {
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                for (ByteBuffer b : parts) {
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);   // only still there if something failed
        }
    }

    private static String header(Model model) {
        StringBuilder sb = new StringBuilder();
        line(sb, "architecture", model.spec().toString());
        line(sb, "dtype", "f32");
        line(sb, "byteOrder", "little");
        line(sb, "parameters", Long.toString(model.spec().parameterCount()));
        line(sb, "scaler", model.scaler() == null ? "none" : "meanStd");
        for (String f : model.featureNames()) {
            line(sb, "feature", f);
        }
        for (Map.Entry<String, String> e : new TreeMap<>(model.metadata()).entrySet()) {
            line(sb, "meta." + e.getKey(), e.getValue());
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String key, String value) {
        if (key.contains(":") || key.contains("\n")) {
            throw new IllegalArgumentException("metadata: key \"" + key + "\" may not contain ':' or a line break");
        }
        sb.append(key).append(": ").append(value.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
    }

    private static ByteBuffer payload(Model model) {
        long params = model.spec().parameterCount();
        int inputs = model.inputs();
        long floats = params + (model.scaler() == null ? 0 : 2L * inputs);
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(floats * Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        MemorySegment dst = MemorySegment.ofBuffer(buf);
        MemorySegment.copy(model.parameters(), ValueLayout.JAVA_FLOAT, 0, dst, LE_FLOAT, 0, params);
        if (model.scaler() != null) {
            float[] mean = model.scaler().mean(), std = model.scaler().std();
            for (int j = 0; j < inputs; j++) {
                dst.setAtIndex(LE_FLOAT, params + j, mean[j]);
                dst.setAtIndex(LE_FLOAT, params + inputs + j, std[j]);
            }
        }
        return buf;
    }

    static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static long align64(long n) {
        return (n + 63) / 64 * 64;
    }

    /**
     * Maps {@code path} and checks it completely (magic, version, lengths, checksum, header, shapes) before
     * returning a model whose parameters live in the mapping. Close the model to unmap the file.
     *
     * @throws ModelFileException for anything wrong with the file, with the reason
     */
    public static Model load(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        Arena arena = Arena.ofShared();
        try {
            MemorySegment file;
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                long size = ch.size();
                if (size < PREAMBLE) {
                    throw new ModelFileException(path, "truncated: " + size + " bytes, a model file has at least "
                            + PREAMBLE);
                }
                file = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            }
            return read(path, file, arena);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Checks {@code file} (a whole model file) and builds a model over it; package-private for the fuzz tests. */
    static Model read(Path path, MemorySegment file, Arena arena) throws ModelFileException {
        for (int i = 0; i < MAGIC.length; i++) {
            if (file.get(ValueLayout.JAVA_BYTE, i) != MAGIC[i]) {
                throw new ModelFileException(path, "not a quantlane model file (bad magic bytes)");
            }
        }
        ValueLayout.OfInt u32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        int version = file.get(u32, 8);
        if (version != VERSION) {
            throw new ModelFileException(path, "format version " + Integer.toUnsignedString(version)
                    + " is not supported; this quantlane reads version " + VERSION);
        }
        long headerLen = Integer.toUnsignedLong(file.get(u32, 12));
        long payloadLen = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 16);
        int storedCrc = file.get(u32, 24);
        if (file.get(u32, 28) != 0) {
            throw new ModelFileException(path, "reserved bytes 28..31 must be zero (damaged file)");
        }
        if (headerLen > MAX_HEADER) {
            throw new ModelFileException(path, "header length " + headerLen + " is implausible (damaged file)");
        }
        long dataStart = align64(PREAMBLE + headerLen);
        if (payloadLen < 0 || dataStart + payloadLen != file.byteSize()) {
            throw new ModelFileException(path, "truncated or padded: the preamble promises " + (dataStart + payloadLen)
                    + " bytes, the file has " + file.byteSize());
        }
        CRC32C crc = new CRC32C();
        crc.update(file.asSlice(PREAMBLE).asByteBuffer());
        if ((int) crc.getValue() != storedCrc) {
            throw new ModelFileException(path, String.format("checksum mismatch (CRC32C stored %08x, computed %08x): "
                    + "the file is damaged", storedCrc, (int) crc.getValue()));
        }
        String header;
        try {
            header = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(file.asSlice(PREAMBLE, headerLen).asByteBuffer()).toString();
        } catch (CharacterCodingException e) {
            throw new ModelFileException(path, "header is not UTF-8", e);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        List<String> features = new ArrayList<>();
        Map<String, String> meta = new LinkedHashMap<>();
        for (String line : header.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon < 0) {
                throw new ModelFileException(path, "header line \"" + line + "\" is not \"key: value\"");
            }
            String key = line.substring(0, colon);
            String value = unescape(line.substring(colon + 2));
            if (key.equals("feature")) {
                features.add(value);
            } else if (key.startsWith("meta.")) {
                meta.put(key.substring(5), value);
            } else if (fields.put(key, value) != null) {
                throw new ModelFileException(path, "header repeats \"" + key + "\"");
            }
        }
        Mlp spec;
        try {
            spec = Mlp.parse(require(path, fields, "architecture"));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ModelFileException(path, e.getMessage(), e);
        }
        expect(path, fields, "dtype", "f32");
        expect(path, fields, "byteOrder", "little");
        String params = require(path, fields, "parameters");
        if (!params.equals(Long.toString(spec.parameterCount()))) {
            throw new ModelFileException(path, "parameters: " + params + " does not match " + spec.parameterCount()
                    + " for " + spec);
        }
        String scalerKind = require(path, fields, "scaler");
        if (!scalerKind.equals("none") && !scalerKind.equals("meanStd")) {
            throw new ModelFileException(path, "scaler: expected none or meanStd, got " + scalerKind);
        }
        boolean scaled = scalerKind.equals("meanStd");
        long expected = (spec.parameterCount() + (scaled ? 2L * spec.inputs() : 0)) * Float.BYTES;
        if (payloadLen != expected) {
            throw new ModelFileException(path, "payload is " + payloadLen + " bytes, " + spec + " needs " + expected);
        }
        MemorySegment payload = file.asSlice(dataStart, payloadLen);
        long paramBytes = spec.parameterCount() * Float.BYTES;
        MemorySegment paramSeg = payload.asSlice(0, paramBytes);
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN || dataStart % 64 != 0) {
            MemorySegment copy = arena.allocate(Math.max(paramBytes, 64), 64).asSlice(0, paramBytes);
            MemorySegment.copy(paramSeg, LE_FLOAT, 0, copy, ValueLayout.JAVA_FLOAT, 0, spec.parameterCount());
            paramSeg = copy;
        }
        Scaler scaler = null;
        try {
            if (scaled) {
                float[] mean = new float[spec.inputs()], std = new float[spec.inputs()];
                for (int j = 0; j < mean.length; j++) {
                    mean[j] = payload.getAtIndex(LE_FLOAT, spec.parameterCount() + j);
                    std[j] = payload.getAtIndex(LE_FLOAT, spec.parameterCount() + spec.inputs() + j);
                }
                scaler = new Scaler(mean, std);
            }
            return new Model(spec, arena, paramSeg, scaler, features, meta);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(path, e.getMessage(), e);
        }
    }

    private static String require(Path path, Map<String, String> fields, String key) throws ModelFileException {
        String v = fields.get(key);
        if (v == null) {
            throw new ModelFileException(path, "header lacks \"" + key + "\"");
        }
        return v;
    }

    private static void expect(Path path, Map<String, String> fields, String key, String value)
            throws ModelFileException {
        String v = require(path, fields, key);
        if (!v.equals(value)) {
            throw new ModelFileException(path, key + ": expected " + value + ", got " + v);
        }
    }

    private static String unescape(String v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length()) {
                char n = v.charAt(++i);
                sb.append(n == 'n' ? '\n' : n);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
