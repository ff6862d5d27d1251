package io.quantlane.kernel;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every public kernel entry of {@link Kernels}, found by reflection (the build compiles with
 * {@code -parameters}, so argument names are known), called with bad arguments. The contract: an
 * {@link IllegalArgumentException}, {@link IllegalStateException} or (null segment) {@link NullPointerException}
 * whose message starts with the name of an argument; never an index exception, never a crash.
 */
class InvalidArgumentsTest {

    /** A threaded Parallel whose executor never runs anything (the checks must reject before any work). */
    private static final Parallel TWO_THREADS = Parallel.on(r -> { }, 2);

    /** Floats in every baseline segment: room for 3 x 3 matrices and 3-vectors with margin. */
    private static final int SEGMENT_FLOATS = 64;

    static List<Method> entries() {
        List<Method> out = new ArrayList<>();
        for (Method m : Kernels.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass() == Kernels.class && m.getParameterCount() > 0) {
                out.add(m);
            }
        }
        out.sort((a, b) -> a.getName().compareTo(b.getName()));
        return out;
    }

    enum Kind { SIZE, INC, LD, STEP, OFFSET, SEGMENT, FLOAT, DOUBLE, BOOL, PARALLEL }

    static Kind kind(Parameter p) {
        Class<?> t = p.getType();
        String name = p.getName();
        if (t == MemorySegment.class) {
            return Kind.SEGMENT;
        } else if (t == long.class) {
            return Kind.OFFSET;
        } else if (t == float.class) {
            return Kind.FLOAT;
        } else if (t == double.class) {
            return Kind.DOUBLE;
        } else if (t == Parallel.class) {
            return Kind.PARALLEL;
        } else if (t == boolean.class) {
            return Kind.BOOL;
        } else if (name.startsWith("inc")) {
            return Kind.INC;
        } else if (name.startsWith("ld")) {
            return Kind.LD;
        } else if (name.equals("step")) {
            return Kind.STEP;
        }
        return Kind.SIZE;
    }

    /** Valid arguments: 3-element vectors, 3 x 3 matrices, distinct segments, sensible hyper-parameters. */
    static Object[] baseline(Method method, Arena arena) {
        Parameter[] ps = method.getParameters();
        Object[] args = new Object[ps.length];
        for (int i = 0; i < ps.length; i++) {
            args[i] = switch (kind(ps[i])) {
                case SIZE, LD -> 3;
                case INC, STEP -> 1;
                case OFFSET -> 0L;
                case SEGMENT -> arena.allocate(SEGMENT_FLOATS * Float.BYTES, 64);
                case BOOL -> false;
                case DOUBLE -> 1.0;
                case PARALLEL -> Parallel.CALLER;
                case FLOAT -> switch (ps[i].getName()) {
                    case "lr" -> 0.01f;
                    case "momentum", "beta1" -> 0.9f;
                    case "beta2" -> 0.999f;
                    case "eps" -> 1e-8f;
                    case "posWeight", "alpha" -> 1f;
                    default -> 0.1f;
                };
            };
        }
        return args;
    }

    private static final List<String> VALIDATED_FLOATS =
            List.of("lr", "weightDecay", "momentum", "beta1", "beta2", "eps", "slope", "posWeight", "delta");

    /** Values that are wrong for this parameter whatever the others are. */
    static List<Object> definitelyInvalid(Parameter p, Arena closedArena) {
        return switch (kind(p)) {
            case SIZE -> List.of(-1, Integer.MIN_VALUE);
            case INC -> List.of(0, -1);
            case LD -> List.of(0, 2);   // below cols = 3
            case STEP -> List.of(0, -5);
            case OFFSET -> List.of(-1L, Long.MIN_VALUE, (long) SEGMENT_FLOATS, Long.MAX_VALUE);
            case SEGMENT -> {
                List<Object> bad = new ArrayList<>();
                bad.add(null);
                bad.add(closedArena.allocate(SEGMENT_FLOATS * Float.BYTES));   // closed below
                bad.add(MemorySegment.ofArray(new float[2]));                  // too small
                yield bad;
            }
            case FLOAT -> VALIDATED_FLOATS.contains(p.getName()) ? List.of(Float.NaN, Float.POSITIVE_INFINITY) : List.of();
            case BOOL, DOUBLE -> List.of();
            case PARALLEL -> {
                List<Object> bad = new ArrayList<>();
                bad.add(null);
                bad.add(TWO_THREADS);   // with the baseline's confined segments: workers could not read them
                yield bad;
            }
        };
    }

    @Test
    void everyEntryRejectsEachInvalidArgumentByName() throws Exception {
        int checked = 0;
        List<Method> methods = entries();
        assertTrue(methods.size() >= 30, "expected every kernel entry, found " + methods.size());
        for (Method method : methods) {
            Parameter[] ps = method.getParameters();
            for (int i = 0; i < ps.length; i++) {
                Arena closed = Arena.ofConfined();
                List<Object> bads = definitelyInvalid(ps[i], closed);
                closed.close();
                for (Object bad : bads) {
                    try (Arena arena = Arena.ofConfined()) {
                        Object[] args = baseline(method, arena);
                        args[i] = bad;
                        Throwable thrown = invoke(method, args);
                        String where = method.getName() + " with " + ps[i].getName() + " = " + describe(bad);
                        assertNotNull(thrown, where + " was accepted");
                        assertClean(method, thrown, where);
                        assertTrue(thrown.getMessage().contains(ps[i].getName()),
                                where + ": message does not name " + ps[i].getName() + ": " + thrown.getMessage());
                        checked++;
                    }
                }
            }
        }
        System.out.println("InvalidArgumentsTest: " + checked + " single-argument corruptions over "
                + methods.size() + " entries, each rejected by name");
        assertTrue(checked > 200, "too few cases: " + checked);
    }

    @Test
    void baselineArgumentsAreAccepted() throws Exception {
        for (Method method : entries()) {
            try (Arena arena = Arena.ofConfined()) {
                Throwable thrown = invoke(method, baseline(method, arena));
                if (thrown != null) {
                    fail(method.getName() + " rejected valid arguments: " + thrown);
                }
            }
        }
    }

    @Test
    void overlapIsRejectedAndExactInPlaceAccepted() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(64 * Float.BYTES, 64);
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> Kernels.relu(8, s, 0, s, 1));
            assertTrue(e.getMessage().startsWith("y: overlaps x"), e.getMessage());
            Kernels.relu(8, s, 0, s, 0);   // exact in place: allowed
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> Kernels.gemv(2, 2, 1f, s, 0, 2, s, 10, 1, 0f, s, 10, 1));   // gemv never in place
            MemorySegment heap = MemorySegment.ofArray(new float[32]);
            MemorySegment sameArray = MemorySegment.ofArray((float[]) heap.heapBase().orElseThrow());
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> Kernels.axpy(8, 1f, heap, 0, 1, sameArray, 4, 1), "two segments over one array overlap");
            Kernels.axpy(8, 1f, heap, 0, 1, MemorySegment.ofArray(new float[32]), 4, 1);
        }
    }

    @Test
    void wrongThreadIsRejected() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(64);
            Throwable[] seen = new Throwable[1];
            Thread t = new Thread(() -> {
                try {
                    Kernels.sum(4, s, 0, 1);
                } catch (Throwable e) {
                    seen[0] = e;
                }
            });
            t.start();
            t.join();
            assertTrue(seen[0] instanceof IllegalStateException, "got " + seen[0]);
            assertTrue(seen[0].getMessage().startsWith("x: "), seen[0].getMessage());
        }
    }

    // ------------------------------------------------------------------ random corruption

    @Provide
    static Arbitrary<Method> methods() {
        return Arbitraries.of(entries());
    }

    @Property(tries = 3000)
    void randomCorruptionsAreRejectedCleanly(@ForAll("methods") Method method, @ForAll long seed) throws Exception {
        Random rnd = new Random(seed);
        try (Arena arena = Arena.ofConfined()) {
            Object[] args = baseline(method, arena);
            Parameter[] ps = method.getParameters();
            int corruptions = 1 + rnd.nextInt(3);
            for (int c = 0; c < corruptions; c++) {
                int i = rnd.nextInt(ps.length);
                args[i] = randomValue(ps[i], args, ps, arena, rnd);
            }
            Throwable thrown = invoke(method, args);
            Statistics.collect(thrown == null ? "accepted" : thrown.getClass().getSimpleName());
            if (thrown != null) {
                assertClean(method, thrown, method.getName() + Arrays.toString(Arrays.stream(args).map(InvalidArgumentsTest::describe).toArray()));
            }
        }
    }

    /** Anything at all for this parameter, valid or not: huge, negative, aliased, read-only, closed. */
    private static Object randomValue(Parameter p, Object[] args, Parameter[] ps, Arena arena, Random rnd) {
        int[] ints = {-1, 0, 1, 2, 3, 17, 63, 64, 65, 1 << 20, Integer.MAX_VALUE, Integer.MIN_VALUE};
        return switch (kind(p)) {
            case SIZE, INC, LD, STEP -> ints[rnd.nextInt(ints.length)];
            case OFFSET -> new long[] {-1, 0, 1, 5, 60, 63, 64, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE}[rnd.nextInt(10)];
            case FLOAT -> new float[] {0f, 1f, -1f, 0.5f, 0.999f, 1e-8f, Float.NaN, Float.NEGATIVE_INFINITY,
                    Float.MAX_VALUE}[rnd.nextInt(9)];
            case BOOL -> rnd.nextBoolean();
            case DOUBLE -> new double[] {0, 1, -1, 0.5, Double.NaN, Double.MAX_VALUE}[rnd.nextInt(6)];
            case PARALLEL -> new Parallel[] {null, Parallel.CALLER, TWO_THREADS}[rnd.nextInt(3)];
            case SEGMENT -> {
                int choice = rnd.nextInt(7);
                List<MemorySegment> others = new ArrayList<>();
                for (int j = 0; j < ps.length; j++) {
                    if (args[j] instanceof MemorySegment s && ps[j] != p) {
                        others.add(s);
                    }
                }
                MemorySegment other = others.isEmpty() ? arena.allocate(256) : others.get(rnd.nextInt(others.size()));
                yield switch (choice) {
                    case 0 -> null;
                    case 1 -> {
                        Arena closed = Arena.ofConfined();
                        MemorySegment s = closed.allocate(256);
                        closed.close();
                        yield s;
                    }
                    case 2 -> other;                                            // aliasing
                    case 3 -> other.byteSize() > 16 ? other.asSlice(Float.BYTES * (1 + rnd.nextInt(3))) : other;  // partial overlap
                    case 4 -> arena.allocate(SEGMENT_FLOATS * Float.BYTES).asReadOnly();
                    case 5 -> MemorySegment.ofArray(new float[rnd.nextInt(8)]);
                    default -> MemorySegment.ofArray(new byte[SEGMENT_FLOATS * Float.BYTES + 3]).asSlice(3);
                };
            }
        };
    }

    // ------------------------------------------------------------------ helpers

    private static Throwable invoke(Method method, Object[] args) throws IllegalAccessException {
        try {
            method.invoke(null, args);
            return null;
        } catch (InvocationTargetException e) {
            return e.getCause();
        }
    }

    /** The exception is one of the three allowed types and its message starts with an argument's name. */
    private static void assertClean(Method method, Throwable thrown, String where) {
        if (!(thrown instanceof IllegalArgumentException || thrown instanceof IllegalStateException
                || thrown instanceof NullPointerException)) {
            throw new AssertionError(where + " threw " + thrown.getClass().getName(), thrown);
        }
        String msg = thrown.getMessage();
        assertNotNull(msg, where + ": exception without a message");
        int colon = msg.indexOf(':');
        assertTrue(colon > 0, where + ": message does not start with an argument name: " + msg);
        String named = msg.substring(0, colon);
        boolean known = Arrays.stream(method.getParameters()).anyMatch(p -> p.getName().equals(named));
        assertTrue(known, where + ": message names '" + named + "', not an argument of " + method.getName() + ": " + msg);
        assertEquals(-1, msg.indexOf("Index"), where + ": leaked an index message: " + msg);
    }

    private static String describe(Object o) {
        if (o instanceof MemorySegment s) {
            return s.scope().isAlive() ? "segment(" + s.byteSize() + " bytes" + (s.isReadOnly() ? ", read-only" : "") + ")"
                    : "segment(closed)";
        }
        return String.valueOf(o);
    }
}
