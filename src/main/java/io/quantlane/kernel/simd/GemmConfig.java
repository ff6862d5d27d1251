package io.quantlane.kernel.simd;

import java.util.Locale;

/**
 * The GEMM choices that are not vector code: tile shape, cache blocking, the packed-or-direct crossover and
 * how a threaded call is cut. Read once from system properties (for measuring alternatives) and held in
 * static finals of {@link SimdSgemm} and {@link SimdDgemm}, where C2 folds them.
 *
 * <p>How the defaults were chosen (docs/benchmarks.md has the runs): the reference machine has 48 KiB of L1d
 * and 2 MiB of L2 per core (the issue planned for 32 KiB and 1 MiB). KC sets the depth of a packed panel: the
 * B micro-panel of KC x NR values stays in L1 next to the A micro-panel streaming past; KC = 256 (32 KiB for
 * a 12 x 32 float tile, as for 12 x 16 doubles) was the best of 128, 256, 384 and 512. MC x KC (the A block)
 * is sized for 512 KiB of L2 and NC x KC (the B block) for 4 MiB of L3; their scans (MC 96 to 768, NC 512 to
 * 4096 at n = 1024 and 2048) were within noise, so they stay at those sizes, rounded to tile multiples.
 */
final class GemmConfig {

    static final int PATH_AUTO = 0, PATH_DIRECT = 1, PATH_PACKED = 2;

    /** Packed only from this many rows of C: with fewer, packed B would serve one or two row panels. */
    static final int PACKED_MIN_M = 16;
    /** ... and from this m n k: below it packing is a large share of the work. */
    static final long PACKED_MIN_VOLUME = 128L * 128 * 128;
    /** A threaded call gives each part at least this many multiply-adds; smaller parts cost more to hand out. */
    static final long MIN_PART_VOLUME = 64L * 64 * 64;

    private static final String[] NAMES = {"12x2", "8x3", "6x4", "6x2"};
    private static final int[] MRS = {12, 8, 6, 6};
    private static final int[] NVS = {2, 3, 4, 2};

    private GemmConfig() {
    }

    /**
     * The tile shape for the vector width in use, measured per width (docs/benchmarks.md, tile scans): with 32
     * vector registers (every AVX-512 CPU, at any pinned width; aarch64) 12 x 2 vectors at 512 bits, 6 x 4 at
     * 256, 6 x 2 at 128 (where the four shapes were within noise); with 16 registers (AVX2) 6 x 2, the
     * 12-accumulator shape that leaves room for loads.
     */
    static int defaultShape(int vectorBits) {
        boolean regs32 = SimdKernels.MAX_BITS >= 512 || System.getProperty("os.arch", "").equals("aarch64");
        if (!regs32) {
            return 3;
        }
        return vectorBits >= 512 ? 0 : vectorBits >= 256 ? 2 : 3;
    }

    static int shape(String property, int fallback) {
        String raw = System.getProperty(property);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(raw.trim().toLowerCase(Locale.ROOT))) {
                return i;
            }
        }
        throw new IllegalStateException(property + ": expected one of 12x2, 8x3, 6x4, 6x2, got '" + raw + "'");
    }

    static int mr(int shape) {
        return MRS[shape];
    }

    static int nv(int shape) {
        return NVS[shape];
    }

    /** KC: the B micro-panel (KC x NR elements) in 32 KiB, a multiple of 16, at least 64: 256 for 12 x 2. */
    static int defaultKc(int elementBytes, int nr) {
        return Math.max(64, (32 * 1024 / (nr * elementBytes)) & -16);
    }

    /** MC: the A block (MC x KC elements) in about 512 KiB. */
    static int defaultMc(int elementBytes, int kc) {
        return Math.max(48, 512 * 1024 / (kc * elementBytes));
    }

    /** NC: the B block (KC x NC elements) in about 4 MiB. */
    static int defaultNc(int elementBytes, int kc) {
        return Math.max(256, 4 * 1024 * 1024 / (kc * elementBytes));
    }

    static int blocking(String property, int fallback) {
        String raw = System.getProperty(property);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(raw.trim());
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalStateException(property + ": expected a positive integer, got '" + raw + "'");
    }

    static int path() {
        String raw = System.getProperty("quantlane.gemm.path", "auto").trim().toLowerCase(Locale.ROOT);
        return switch (raw) {
            case "auto" -> PATH_AUTO;
            case "direct" -> PATH_DIRECT;
            case "packed" -> PATH_PACKED;
            default -> throw new IllegalStateException("quantlane.gemm.path: expected auto, direct or packed, got '" + raw + "'");
        };
    }

    static int roundUp(int v, int unit) {
        return (v + unit - 1) / unit * unit;
    }

    /** How many parts a threaded call is cut into: at most threads, each with at least MIN_PART_VOLUME. */
    static int parts(int threads, int m, int n, int k, int mr, int nr) {
        if (threads <= 1) {
            return 1;
        }
        long volume = (long) m * n * k;
        long byVolume = Math.max(1, volume / MIN_PART_VOLUME);
        long byShape = Math.max((m + mr - 1) / mr, (n + nr - 1) / nr);
        return (int) Math.min(threads, Math.min(byVolume, byShape));
    }

    /**
     * Cut along rows when there are enough tile rows for every part (each part then packs only its own rows of
     * A, and B, whose packing is a vector copy, again); along columns otherwise.
     */
    static boolean splitRows(int m, int n, int mr, int nr, int parts) {
        return m >= 2 * mr * parts || m >= n;
    }

    static String describe(int shape, int lanes, int kc, int mc, int nc) {
        return NAMES[shape] + " tile (MR " + MRS[shape] + ", NR " + NVS[shape] * lanes + "), KC " + kc + ", MC " + mc
                + ", NC " + nc;
    }
}
