package io.quantlane.jmh;

import io.quantlane.kernel.Kernels;
import io.quantlane.nn.InferenceContext;
import io.quantlane.nn.Mlp;
import io.quantlane.nn.Model;
import io.quantlane.nn.Network;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
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
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Batch-1 inference latency of ReLU MLPs, one sample per call on the caller's thread:
 * {@code quantlane} ({@code Model.predict} on native segments, SIMD kernels), {@code scalar} (the same with
 * {@code -Dquantlane.kernels=scalar}, set before the kernels load in the fork) and {@code ejml} (0.46.1:
 * FMatrixRMaj, {@code CommonOps_FDRM.mult} per layer, bias and ReLU in loops; the same weights). Run with
 * {@code -prof gc} for B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class InferenceBench {

    /** Layer widths, input first; hidden layers are ReLU, the output linear. */
    @Param({"32-64-64-1", "61-64-32-1"})
    public String widths;

    @Param({"quantlane", "scalar", "ejml"})
    public String impl;

    private Arena arena;
    private Network net;
    private Model model;
    private InferenceContext ctx;
    private MemorySegment x, y;
    private FMatrixRMaj[] ew, eb, ea;
    private FMatrixRMaj ex;

    @Setup(Level.Trial)
    public void setUp() {
        if (impl.equals("scalar")) {
            System.setProperty("quantlane.kernels", "scalar");
        }
        String path = Kernels.capabilities().report();
        if (impl.equals("scalar") != path.contains("scalar")) {
            throw new IllegalStateException("kernel path not as asked for " + impl + ": " + path);
        }
        Mlp spec = Mlp.reluStack(widths);
        net = Network.create(spec, 42);
        model = net.toModel();
        ctx = model.newContext();
        arena = Arena.ofConfined();
        x = arena.allocate((long) spec.inputs() * Float.BYTES, 64);
        y = arena.allocate((long) spec.outputs() * Float.BYTES, 64);
        Random rnd = new Random(1);
        for (int i = 0; i < spec.inputs(); i++) {
            x.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextGaussian());
        }
        var dense = spec.denseLayers();
        ew = new FMatrixRMaj[dense.size()];
        eb = new FMatrixRMaj[dense.size()];
        ea = new FMatrixRMaj[dense.size()];
        for (int l = 0; l < dense.size(); l++) {
            var d = dense.get(l);
            ew[l] = new FMatrixRMaj(d.inputs(), d.outputs(), true, net.weights(d));
            eb[l] = new FMatrixRMaj(1, d.outputs(), true, net.bias(d));
            ea[l] = new FMatrixRMaj(1, d.outputs());
        }
        ex = new FMatrixRMaj(1, spec.inputs(), true, x.toArray(ValueLayout.JAVA_FLOAT));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
        net.close();
        arena.close();
    }

    @Benchmark
    public float predict() {
        if (impl.equals("ejml")) {
            return ejml();
        }
        model.predict(ctx, x, 0, y, 0);
        return y.getAtIndex(ValueLayout.JAVA_FLOAT, 0);
    }

    private float ejml() {
        FMatrixRMaj in = ex;
        for (int l = 0; l < ew.length; l++) {
            CommonOps_FDRM.mult(in, ew[l], ea[l]);        // 1 x in times in x out
            float[] a = ea[l].data, b = eb[l].data;
            boolean hidden = l < ew.length - 1;
            for (int j = 0; j < a.length; j++) {
                float v = a[j] + b[j];
                a[j] = hidden ? Math.max(v, 0f) : v;
            }
            in = ea[l];
        }
        return in.data[0];
    }

    /** The networks the parameters above describe, for the docs. */
    static List<String> specs() {
        return List.of(Mlp.reluStack("32-64-64-1").toString(), Mlp.reluStack("61-64-32-1").toString());
    }
}
