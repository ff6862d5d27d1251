package io.quantlane.jmh;

import io.quantlane.nn.InferenceContext;
import io.quantlane.nn.Mlp;
import io.quantlane.nn.Model;
import io.quantlane.nn.Network;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * Batch-1 inference latency as a distribution: JMH's SampleTime mode times individual calls and reports
 * p0.50 ... p0.9999 and the maximum. The same models and call as {@link InferenceBench} (quantlane only).
 * For HdrHistogram logs and allocation per call, see {@link Latency} ({@code jmh/latency.sh}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class InferenceLatencyBench {

    @Param({"32-64-64-1", "61-64-32-1"})
    public String widths;

    private Arena arena;
    private Network net;
    private Model model;
    private InferenceContext ctx;
    private MemorySegment x, y;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        net = Network.create(Mlp.reluStack(widths), 42);
        model = net.toModel();
        ctx = model.newContext();
        x = arena.allocate((long) model.inputs() * Float.BYTES, 64);
        for (int i = 0; i < model.inputs(); i++) {
            x.setAtIndex(ValueLayout.JAVA_FLOAT, i, (i % 7) * 0.25f - 0.75f);
        }
        y = arena.allocate((long) model.outputs() * Float.BYTES, 64);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
        net.close();
        arena.close();
    }

    @Benchmark
    public MemorySegment predict() {
        model.predict(ctx, x, 0, y, 0);
        return y;
    }
}
