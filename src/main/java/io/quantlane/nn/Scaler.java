package io.quantlane.nn;

import io.quantlane.memory.Matrix;

import java.util.Arrays;
import java.util.Objects;

/**
 * Standardisation of input columns, {@code x' = (x - mean) / std}, fitted on training rows only and then stored
 * with the model so that inference sees inputs exactly as training did.
 *
 * <p>A column with zero spread (a constant in the training data) gets std 1, so it maps to 0 instead of NaN.
 *
 * @param mean per column
 * @param std  per column, each > 0
 */
public record Scaler(float[] mean, float[] std) {

    public Scaler {
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(std, "std");
        if (mean.length != std.length) {
            throw new IllegalArgumentException("std: expected " + mean.length + " values (one per mean), got "
                    + std.length);
        }
        for (int j = 0; j < std.length; j++) {
            if (!Float.isFinite(mean[j]) || !(std[j] > 0f) || !Float.isFinite(std[j])) {
                throw new IllegalArgumentException("column " + j + ": expected a finite mean and a finite std > 0, got "
                        + mean[j] + " and " + std[j]);
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** Fits mean and (population) standard deviation per column of {@code x}, in double precision. */
    public static Scaler fit(Matrix x) {
        int rows = x.rows(), cols = x.cols();
        if (rows == 0) {
            throw new IllegalArgumentException("x: expected at least one row to fit a scaler");
        }
        double[] sum = new double[cols], sq = new double[cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double v = x.get(i, j);
                sum[j] += v;
            }
        }
        float[] mean = new float[cols], std = new float[cols];
        for (int j = 0; j < cols; j++) {
            mean[j] = (float) (sum[j] / rows);
        }
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double d = x.get(i, j) - (double) mean[j];
                sq[j] += d * d;
            }
        }
        for (int j = 0; j < cols; j++) {
            double s = Math.sqrt(sq[j] / rows);
            std[j] = s > 1e-12 && Double.isFinite(s) ? (float) s : 1f;
        }
        return new Scaler(mean, std);
    }

    /** Number of columns. */
    public int columns() {
        return mean.length;
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /**
     * Standardises {@code x} in place, computing {@code fma(x, 1 / std, -mean / std)} in float: the same
     * operations, so the same bits, as {@link Model#predict} applies to raw inputs.
     */
    public void apply(Matrix x) {
        if (x.cols() != mean.length) {
            throw new IllegalArgumentException("x: expected " + mean.length + " columns, got " + x.cols());
        }
        for (int j = 0; j < mean.length; j++) {
            float s = scale(std[j]), t = shift(mean[j], std[j]);
            for (int i = 0; i < x.rows(); i++) {
                x.set(i, j, Math.fma(x.get(i, j), s, t));
            }
        }
    }

    static float scale(float std) {
        return (float) (1.0 / std);
    }

    static float shift(float mean, float std) {
        return (float) (-(double) mean / std);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Scaler s && Arrays.equals(mean, s.mean) && Arrays.equals(std, s.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Scaler[" + mean.length + " columns]";
    }
}
