package io.quantlane.kernel;

import io.quantlane.testing.GemmCase;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sgemm and dgemm through the facade against the scalar twin over random problems (m, n, k in 0 ... 300,
 * primes and sizes next to the vector length and tile edges weighted up; all four transpositions; padded
 * leading dimensions; alpha and beta including 0 and 1; beta = 0 with C full of NaN), and threaded calls
 * bit for bit against single-threaded ones.
 */
class GemmPropertiesTest {

    private static final FloatKernels TWIN = Kernels.scalar();
    private static final Parallel THREE = Parallel.newPool(3);

    @AfterAll
    static void closePool() {
        THREE.close();
    }

    @Property(tries = 120)
    void sgemmMatchesTwin(@ForAll("cases") GemmCase g) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] ops = g.floats(arena);
            MemorySegment c = g.copy(arena, ops[2]), ref = g.copy(arena, ops[2]);
            Kernels.sgemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), (float) g.alpha(), ops[0], GemmCase.A_OFF, g.lda(),
                    ops[1], GemmCase.B_OFF, g.ldb(), (float) g.beta(), c, GemmCase.C_OFF, g.ldc());
            TWIN.sgemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), (float) g.alpha(), ops[0], GemmCase.A_OFF, g.lda(),
                    ops[1], GemmCase.B_OFF, g.ldb(), (float) g.beta(), ref, GemmCase.C_OFF, g.ldc());
            g.assertFloatsClose(ops, c, ref);
        }
    }

    @Property(tries = 80)
    void dgemmMatchesTwin(@ForAll("cases") GemmCase g) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] ops = g.doubles(arena);
            MemorySegment c = g.copy(arena, ops[2]), ref = g.copy(arena, ops[2]);
            Kernels.dgemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), g.alpha(), ops[0], GemmCase.A_OFF, g.lda(),
                    ops[1], GemmCase.B_OFF, g.ldb(), g.beta(), c, GemmCase.C_OFF, g.ldc());
            TWIN.dgemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), g.alpha(), ops[0], GemmCase.A_OFF, g.lda(),
                    ops[1], GemmCase.B_OFF, g.ldb(), g.beta(), ref, GemmCase.C_OFF, g.ldc());
            g.assertDoublesClose(ops, c, ref);
        }
    }

    @Property(tries = 60)
    void threadedSgemmIsBitIdentical(@ForAll("bigCases") GemmCase g) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment[] ops = g.floats(arena);
            MemorySegment one = g.copy(arena, ops[2]), three = g.copy(arena, ops[2]);
            Kernels.sgemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), (float) g.alpha(), ops[0], GemmCase.A_OFF, g.lda(),
                    ops[1], GemmCase.B_OFF, g.ldb(), (float) g.beta(), one, GemmCase.C_OFF, g.ldc());
            Kernels.sgemm(THREE, g.transA(), g.transB(), g.m(), g.n(), g.k(), (float) g.alpha(), ops[0], GemmCase.A_OFF,
                    g.lda(), ops[1], GemmCase.B_OFF, g.ldb(), (float) g.beta(), three, GemmCase.C_OFF, g.ldc());
            assertArrayEquals(one.toArray(java.lang.foreign.ValueLayout.JAVA_INT),
                    three.toArray(java.lang.foreign.ValueLayout.JAVA_INT), g.shape());
        }
    }

    @Property(tries = 40)
    void threadedDgemmIsBitIdentical(@ForAll("bigCases") GemmCase g) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment[] ops = g.doubles(arena);
            MemorySegment one = g.copy(arena, ops[2]), three = g.copy(arena, ops[2]);
            Kernels.dgemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), g.alpha(), ops[0], GemmCase.A_OFF, g.lda(),
                    ops[1], GemmCase.B_OFF, g.ldb(), g.beta(), one, GemmCase.C_OFF, g.ldc());
            Kernels.dgemm(THREE, g.transA(), g.transB(), g.m(), g.n(), g.k(), g.alpha(), ops[0], GemmCase.A_OFF,
                    g.lda(), ops[1], GemmCase.B_OFF, g.ldb(), g.beta(), three, GemmCase.C_OFF, g.ldc());
            assertArrayEquals(one.toArray(java.lang.foreign.ValueLayout.JAVA_LONG),
                    three.toArray(java.lang.foreign.ValueLayout.JAVA_LONG), g.shape());
        }
    }

    /** A pool whose only thread is busy, and one that refuses work: the caller does every part itself. */
    @Test
    void threadedCallFinishesWhenTheExecutorCannotHelp() throws InterruptedException {
        ExecutorService single = Executors.newSingleThreadExecutor();
        CountDownLatch release = new CountDownLatch(1);
        single.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        java.util.concurrent.Executor refusing = r -> {
            throw new RejectedExecutionException("full");
        };
        GemmCase g = new GemmCase(300, 200, 100, false, false, 1, 0, 0, false, 7);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment[] ops = g.floats(arena);
            MemorySegment one = g.copy(arena, ops[2]), busy = g.copy(arena, ops[2]), refused = g.copy(arena, ops[2]);
            Kernels.sgemm(false, false, 300, 200, 100, 1f, ops[0], 1, g.lda(), ops[1], 2, g.ldb(), 0f, one, 3, g.ldc());
            Kernels.sgemm(Parallel.on(single, 4), false, false, 300, 200, 100, 1f, ops[0], 1, g.lda(), ops[1], 2, g.ldb(),
                    0f, busy, 3, g.ldc());
            Kernels.sgemm(Parallel.on(refusing, 4), false, false, 300, 200, 100, 1f, ops[0], 1, g.lda(), ops[1], 2,
                    g.ldb(), 0f, refused, 3, g.ldc());
            float[] expect = one.toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT);
            assertTrue(Arrays.equals(expect, busy.toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT)), "busy pool");
            assertTrue(Arrays.equals(expect, refused.toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT)), "refusing pool");
        } finally {
            release.countDown();
            single.shutdown();
        }
    }

    @Provide
    static Arbitrary<GemmCase> cases() {
        return cases(dims());
    }

    @Provide
    static Arbitrary<GemmCase> bigCases() {
        Arbitrary<Integer> big = Arbitraries.frequencyOf(Tuple.of(1, dims()),
                Tuple.of(3, Arbitraries.integers().between(64, 300)), Tuple.of(1, Arbitraries.of(511, 640, 777)));
        return cases(big);
    }

    /** Sizes 0 ... 300: vector and tile edges (L = 4, 8, 16; MR 6, 8, 12; NR 16 ... 64), primes, and any. */
    static Arbitrary<Integer> dims() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(0, 1, 2, 3, 5, 7, 8, 11, 12, 13, 15, 16, 17, 23, 24, 25, 31, 32, 33, 47, 48,
                        49, 63, 64, 65, 97, 127, 128, 129, 193, 251, 256, 257, 293, 300)),
                Tuple.of(2, Arbitraries.integers().between(0, 300)));
    }

    private static Arbitrary<GemmCase> cases(Arbitrary<Integer> dims) {
        Arbitrary<Double> coefficient = Arbitraries.of(0.0, 1.0, -1.0, 0.5, 2.0, -0.75);
        return Combinators.combine(dims, dims, dims, Arbitraries.of(false, true), Arbitraries.of(false, true),
                        coefficient, coefficient, Arbitraries.of(0, 0, 1, 5))
                .flatAs((m, n, k, ta, tb, alpha, beta, pad) -> Combinators.combine(Arbitraries.of(false, true),
                        Arbitraries.longs()).as((heap, seed) -> new GemmCase(m, n, k, ta, tb, alpha, beta, pad, heap, seed)));
    }
}
