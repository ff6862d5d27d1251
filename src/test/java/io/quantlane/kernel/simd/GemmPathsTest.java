package io.quantlane.kernel.simd;

import io.quantlane.kernel.FloatKernels;
import io.quantlane.kernel.Kernels;
import io.quantlane.testing.GemmCase;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Both SIMD GEMM paths forced on every shape, whichever the facade would choose: the packed path (micro-kernel,
 * packing, edge tiles) and the direct path (in-place tiles, masked remainders, B transposed into scratch),
 * in float32 and float64, against the scalar twin. Run again with the species pinned to 128 and 256 bits.
 */
class GemmPathsTest {

    private static final FloatKernels TWIN = Kernels.scalar();

    @Property(tries = 100)
    void sgemmPaths(@ForAll("cases") GemmCase g, @ForAll boolean packed) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] ops = g.floats(arena);
            MemorySegment c = g.copy(arena, ops[2]), ref = g.copy(arena, ops[2]);
            float alpha = (float) g.alpha(), beta = (float) g.beta();
            if (packed) {
                SimdSgemm.packed(g.transA(), g.transB(), g.m(), g.n(), g.k(), alpha, ops[0], GemmCase.A_OFF, g.lda(),
                        ops[1], GemmCase.B_OFF, g.ldb(), beta, c, GemmCase.C_OFF, g.ldc());
            } else {
                SimdSgemm.direct(g.transA(), g.transB(), g.m(), g.n(), g.k(), alpha, ops[0], GemmCase.A_OFF, g.lda(),
                        ops[1], GemmCase.B_OFF, g.ldb(), beta, c, GemmCase.C_OFF, g.ldc());
            }
            TWIN.sgemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), alpha, ops[0], GemmCase.A_OFF, g.lda(),
                    ops[1], GemmCase.B_OFF, g.ldb(), beta, ref, GemmCase.C_OFF, g.ldc());
            g.assertFloatsClose(ops, c, ref);
        }
    }

    @Property(tries = 80)
    void dgemmPaths(@ForAll("cases") GemmCase g, @ForAll boolean packed) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] ops = g.doubles(arena);
            MemorySegment c = g.copy(arena, ops[2]), ref = g.copy(arena, ops[2]);
            if (packed) {
                SimdDgemm.packed(g.transA(), g.transB(), g.m(), g.n(), g.k(), g.alpha(), ops[0], GemmCase.A_OFF, g.lda(),
                        ops[1], GemmCase.B_OFF, g.ldb(), g.beta(), c, GemmCase.C_OFF, g.ldc());
            } else {
                SimdDgemm.direct(g.transA(), g.transB(), g.m(), g.n(), g.k(), g.alpha(), ops[0], GemmCase.A_OFF, g.lda(),
                        ops[1], GemmCase.B_OFF, g.ldb(), g.beta(), c, GemmCase.C_OFF, g.ldc());
            }
            TWIN.dgemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), g.alpha(), ops[0], GemmCase.A_OFF, g.lda(),
                    ops[1], GemmCase.B_OFF, g.ldb(), g.beta(), ref, GemmCase.C_OFF, g.ldc());
            g.assertDoublesClose(ops, c, ref);
        }
    }

    /** The paths' contract: alpha != 0 and k >= 1 (the facade handles the rest). */
    @Provide
    static Arbitrary<GemmCase> cases() {
        Arbitrary<Integer> dims = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(1, 2, 3, 5, 6, 7, 8, 11, 12, 13, 15, 16, 17, 23, 24, 25, 31, 32, 33, 47, 48,
                        49, 63, 64, 65, 97, 129, 193, 257, 293)),
                Tuple.of(2, Arbitraries.integers().between(1, 300)));
        Arbitrary<Integer> mn = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(0)), Tuple.of(12, dims));
        Arbitrary<Double> alpha = Arbitraries.of(1.0, -1.0, 0.5, 2.0);
        Arbitrary<Double> beta = Arbitraries.of(0.0, 1.0, -1.0, 0.5);
        return Combinators.combine(mn, mn, dims, Arbitraries.of(false, true), Arbitraries.of(false, true), alpha, beta,
                        Arbitraries.of(0, 0, 1, 5))
                .flatAs((m, n, k, ta, tb, al, be, pad) -> Combinators.combine(Arbitraries.of(false, true),
                        Arbitraries.longs()).as((heap, seed) -> new GemmCase(m, n, k, ta, tb, al, be, pad, heap, seed)));
    }
}
