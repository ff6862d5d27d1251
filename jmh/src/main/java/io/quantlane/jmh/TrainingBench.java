package io.quantlane.jmh;

import io.quantlane.kernel.Kernels;
import io.quantlane.nn.Loss;
import io.quantlane.nn.Mlp;
import io.quantlane.nn.Network;
import io.quantlane.nn.Optimizer;
import io.quantlane.nn.TrainingPass;
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
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One training step of a 32-256-256-1 ReLU MLP at batch 256 (zeroGrad, forward, MSE and its gradient,
 * backward, Adam over the whole parameter block), beside the sgemm products of the same sizes, in one run.
 *
 * <p>A step does 2 B (32*256 + 256*256 + 256) flops forward, the same again for the weight gradients, and the
 * input gradients of every dense layer but the first: 2 B (256*256 + 256); B = 256 gives 109.4 MFLOP. The
 * {@code sgemm} benchmark runs the step's largest product alone, 256 x 256 x 256 (forward of the middle
 * layer), for the "share of sgemm speed" target. GFLOP/s = flops / time (docs/benchmarks.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class TrainingBench {

    @Param({"256"})
    public int batch;

    private Arena arena;
    private Network net;
    private TrainingPass pass;
    private Optimizer.State adam;
    private final Loss loss = Loss.mse();
    private MemorySegment x, t, d, ga, gb, gc;

    @Setup(Level.Trial)
    public void setUp() {
        Mlp spec = Mlp.input(32).dense(256).relu().dense(256).relu().dense(1);
        net = Network.create(spec, 1);
        pass = new TrainingPass(net, batch);
        adam = Optimizer.adam(1e-5f).start(net);
        arena = Arena.ofShared();   // not confined: see docs/benchmarks.md, "confined arenas and C2"
        x = arena.allocate((long) batch * 32 * Float.BYTES, 64);
        t = arena.allocate((long) batch * Float.BYTES, 64);
        d = arena.allocate((long) batch * Float.BYTES, 64);
        Random rnd = new Random(2);
        for (long i = 0; i < (long) batch * 32; i++) {
            x.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextGaussian());
        }
        for (int i = 0; i < batch; i++) {
            t.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextGaussian());
        }
        ga = arena.allocate(256L * 256 * Float.BYTES, 64);
        gb = arena.allocate(256L * 256 * Float.BYTES, 64);
        gc = arena.allocate(256L * 256 * Float.BYTES, 64);
        for (long i = 0; i < 256L * 256; i++) {
            ga.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextGaussian());
            gb.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextGaussian());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        net.close();
        arena.close();
    }

    @Benchmark
    public float step() {
        net.zeroGrad();
        pass.forward(batch, x, 0);
        float l = loss.lossAndGradient(batch, 1, pass.buffer(), pass.outputOffset(), t, 0, d, 0);
        pass.backward(d, 0);
        adam.step();
        return l;
    }

    @Benchmark
    public MemorySegment sgemm() {
        Kernels.sgemm(false, false, 256, 256, 256, 1f, ga, 0, 256, gb, 0, 256, 0f, gc, 0, 256);
        return gc;
    }
}
