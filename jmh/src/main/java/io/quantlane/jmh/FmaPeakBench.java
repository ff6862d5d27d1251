package io.quantlane.jmh;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * This machine's FMA ceiling from Java: 24 independent accumulators (as many as the GEMM tile holds), each
 * step one FMA per accumulator, no memory traffic. Each op is one vector FMA; GFLOP/s = 2 x lanes x ops/s
 * (16 float lanes or 8 double lanes at 512 bits). The GEMM rows in docs/benchmarks.md are fractions of it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FmaPeakBench {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int STEPS = 1024;

    public float x = 0.999f, y = 1e-6f;

    /** 24 x STEPS vector FMAs per call. */
    @Benchmark
    @OperationsPerInvocation(24 * STEPS)
    public float floatFma() {
        FloatVector m = FloatVector.broadcast(F, x), p = FloatVector.broadcast(F, y);
        FloatVector a0 = FloatVector.broadcast(F, 1f), a1 = a0.add(1f), a2 = a0.add(2f), a3 = a0.add(3f), a4 = a0.add(4f);
        FloatVector a5 = a0.add(5f), a6 = a0.add(6f), a7 = a0.add(7f), a8 = a0.add(8f), a9 = a0.add(9f), a10 = a0.add(10f);
        FloatVector a11 = a0.add(11f), a12 = a0.add(12f), a13 = a0.add(13f), a14 = a0.add(14f), a15 = a0.add(15f);
        FloatVector a16 = a0.add(16f), a17 = a0.add(17f), a18 = a0.add(18f), a19 = a0.add(19f), a20 = a0.add(20f);
        FloatVector a21 = a0.add(21f), a22 = a0.add(22f), a23 = a0.add(23f);
        for (int i = 0; i < STEPS; i++) {
            a0 = a0.fma(m, p); a1 = a1.fma(m, p); a2 = a2.fma(m, p); a3 = a3.fma(m, p);
            a4 = a4.fma(m, p); a5 = a5.fma(m, p); a6 = a6.fma(m, p); a7 = a7.fma(m, p);
            a8 = a8.fma(m, p); a9 = a9.fma(m, p); a10 = a10.fma(m, p); a11 = a11.fma(m, p);
            a12 = a12.fma(m, p); a13 = a13.fma(m, p); a14 = a14.fma(m, p); a15 = a15.fma(m, p);
            a16 = a16.fma(m, p); a17 = a17.fma(m, p); a18 = a18.fma(m, p); a19 = a19.fma(m, p);
            a20 = a20.fma(m, p); a21 = a21.fma(m, p); a22 = a22.fma(m, p); a23 = a23.fma(m, p);
        }
        FloatVector s = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .add(a12).add(a13).add(a14).add(a15).add(a16).add(a17).add(a18).add(a19).add(a20).add(a21).add(a22).add(a23);
        return s.lane(0);
    }

    /** The same in doubles. */
    @Benchmark
    @OperationsPerInvocation(24 * STEPS)
    public double doubleFma() {
        DoubleVector m = DoubleVector.broadcast(D, x), p = DoubleVector.broadcast(D, y);
        DoubleVector a0 = DoubleVector.broadcast(D, 1), a1 = a0.add(1), a2 = a0.add(2), a3 = a0.add(3), a4 = a0.add(4);
        DoubleVector a5 = a0.add(5), a6 = a0.add(6), a7 = a0.add(7), a8 = a0.add(8), a9 = a0.add(9), a10 = a0.add(10);
        DoubleVector a11 = a0.add(11), a12 = a0.add(12), a13 = a0.add(13), a14 = a0.add(14), a15 = a0.add(15);
        DoubleVector a16 = a0.add(16), a17 = a0.add(17), a18 = a0.add(18), a19 = a0.add(19), a20 = a0.add(20);
        DoubleVector a21 = a0.add(21), a22 = a0.add(22), a23 = a0.add(23);
        for (int i = 0; i < STEPS; i++) {
            a0 = a0.fma(m, p); a1 = a1.fma(m, p); a2 = a2.fma(m, p); a3 = a3.fma(m, p);
            a4 = a4.fma(m, p); a5 = a5.fma(m, p); a6 = a6.fma(m, p); a7 = a7.fma(m, p);
            a8 = a8.fma(m, p); a9 = a9.fma(m, p); a10 = a10.fma(m, p); a11 = a11.fma(m, p);
            a12 = a12.fma(m, p); a13 = a13.fma(m, p); a14 = a14.fma(m, p); a15 = a15.fma(m, p);
            a16 = a16.fma(m, p); a17 = a17.fma(m, p); a18 = a18.fma(m, p); a19 = a19.fma(m, p);
            a20 = a20.fma(m, p); a21 = a21.fma(m, p); a22 = a22.fma(m, p); a23 = a23.fma(m, p);
        }
        DoubleVector s = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .add(a12).add(a13).add(a14).add(a15).add(a16).add(a17).add(a18).add(a19).add(a20).add(a21).add(a22).add(a23);
        return s.lane(0);
    }
}
