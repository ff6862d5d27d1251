package io.quantlane.nn;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random corruptions of the inference entry points ({@link Model#predict} in its three forms and
 * {@link ModelSlot#predict}): null, closed, read-only, too small, aliased and partly overlapping segments,
 * negative and huge offsets, row counts and leading dimensions, arrays of the wrong length, a context of another
 * model. Each call must either run or throw {@link IllegalArgumentException}, {@link IllegalStateException} or
 * {@link NullPointerException} with a message that starts with the name of an argument.
 */
class NnInvalidArgumentsTest {

    private static final Set<String> NAMES = Set.of("x", "y", "ctx", "rows", "ldx", "ldy", "xOff", "yOff");
    private static final Mlp SPEC = Mlp.input(5).dense(7).relu().dense(3).softmax();

    @Property(tries = 4000)
    void corruptedCallsAreRejectedByName(@ForAll @IntRange(min = 0, max = 3) int entry, @ForAll long seed) {
        Random rnd = new Random(seed);
        try (Arena arena = Arena.ofShared(); Network net = Network.create(SPEC, 1); Model model = net.toModel();
             Model other = net.toModel(); ModelSlot slot = new ModelSlot(net.toModel())) {
            int rows = 3;
            MemorySegment x = arena.allocate(4L * 5 * rows, 64), y = arena.allocate(4L * 3 * rows, 64);
            Object[] args = {model.newContext(), x, 0L, y, 0L, rows, 5, 3};   // ctx, x, xOff, y, yOff, rows, ldx, ldy
            for (int c = 1 + rnd.nextInt(3); c > 0; c--) {
                int i = rnd.nextInt(args.length);
                args[i] = corrupt(i, args, arena, rnd, other);
            }
            Throwable thrown = null;
            try {
                InferenceContext ctx = (InferenceContext) args[0];
                MemorySegment xs = (MemorySegment) args[1], ys = (MemorySegment) args[3];
                long xOff = (Long) args[2], yOff = (Long) args[4];
                int n = (Integer) args[5], ldx = (Integer) args[6], ldy = (Integer) args[7];
                switch (entry) {
                    case 0 -> model.predict(ctx, xs, xOff, ys, yOff);
                    case 1 -> model.predict(ctx, n, xs, xOff, ldx, ys, yOff, ldy);
                    case 2 -> model.predict(ctx, new float[Math.floorMod(n, 8)], new float[Math.floorMod(ldy, 5)]);
                    default -> slot.predict(rnd.nextInt(4) == 0 ? new ModelSlot(other).newContext() : slot.newContext(),
                            xs, xOff, ys, yOff);
                }
            } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
                thrown = e;
            } catch (RuntimeException e) {
                throw new AssertionError("entry " + entry + " with " + describe(args) + " threw " + e, e);
            }
            Statistics.collect(thrown == null ? "ran" : thrown.getClass().getSimpleName());
            if (thrown != null) {
                String message = thrown.getMessage();
                assertNotNull(message, "no message: " + thrown);
                String named = message.split("[: ]", 2)[0];
                assertTrue(NAMES.contains(named), "the message does not start with an argument's name: " + message);
                assertTrue(!message.contains("Index"), "an index message leaked: " + message);
            }
        }
    }

    private static String describe(Object[] args) {
        StringBuilder sb = new StringBuilder();
        for (Object o : args) {
            sb.append(o instanceof MemorySegment s ? (s.scope().isAlive() ? "segment(" + s.byteSize() + " bytes at "
                    + Long.toHexString(s.address()) + (s.isReadOnly() ? ", read-only" : "") + ")" : "segment(closed)")
                    : String.valueOf(o)).append(", ");
        }
        return sb.toString();
    }

    private static Object corrupt(int i, Object[] args, Arena arena, Random rnd, Model other) {
        return switch (i) {
            case 0 -> rnd.nextBoolean() ? null : other.newContext();
            case 1, 3 -> {
                MemorySegment peer = (MemorySegment) args[i == 1 ? 3 : 1];
                yield switch (rnd.nextInt(6)) {
                    case 0 -> null;
                    case 1 -> {
                        Arena closed = Arena.ofShared();
                        MemorySegment s = closed.allocate(256, 64);
                        closed.close();
                        yield s;
                    }
                    case 2 -> peer;                                                        // aliasing
                    case 3 -> peer == null || peer.byteSize() < 8 ? arena.allocate(4) : peer.asSlice(4);  // overlap
                    case 4 -> arena.allocate(4L * rnd.nextInt(6), 4).asReadOnly();
                    default -> arena.allocate(4L * rnd.nextInt(12), 4);                    // too small, maybe
                };
            }
            case 2, 4 -> new long[] {-1, 1, 2, 7, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE}[rnd.nextInt(7)];
            default -> new int[] {-1, 0, 1, 2, 4, 6, 100, Integer.MAX_VALUE, Integer.MIN_VALUE}[rnd.nextInt(9)];
        };
    }
}
