package io.quantlane.data;

import io.quantlane.memory.Matrix;

import java.lang.foreign.Arena;

/** Time-series features: log returns, and sliding windows of lagged values whose target lies strictly after. */
public final class Windows {

    private Windows() {
    }

    /** {@code r[t] = ln(p[t + 1] / p[t])}: n prices give n - 1 returns. Prices must be finite and positive. */
    public static double[] logReturns(double[] prices) {
        for (int i = 0; i < prices.length; i++) {
            if (!(prices[i] > 0) || Double.isInfinite(prices[i])) {
                throw new IllegalArgumentException("prices: index " + i + " is " + prices[i] + ", expected > 0");
            }
        }
        double[] r = new double[Math.max(prices.length - 1, 0)];
        for (int t = 0; t < r.length; t++) {
            r[t] = Math.log(prices[t + 1] / prices[t]);
        }
        return r;
    }

    /**
     * Lagged windows over several aligned series (e.g. the returns of four indices).
     *
     * @param features row i holds, for each series s in order, {@code s[i], ..., s[i + lags - 1]}
     * @param targets  row i holds {@code target[i + lags]}: the value right after the window
     * @param time     row i's target index {@code i + lags} in the series
     */
    public record Windowed(Matrix features, Matrix targets, int[] time) {
        public Windowed {
            time = time.clone();
        }

        @Override
        public int[] time() {
            return time.clone();
        }
    }

    /**
     * Builds the windows: with n values per series there are n - lags rows, and no row's features reach its
     * target's time or later (the leakage tests check this by changing data after a row's time).
     *
     * @param series  aligned series, all of the same length
     * @param lags    window length, >= 1
     * @param targets indexes into {@code series} of the series to predict
     */
    public static Windowed lagged(Arena arena, double[][] series, int lags, int... targets) {
        if (series.length == 0) {
            throw new IllegalArgumentException("series: expected at least one series");
        }
        int n = series[0].length;
        for (int s = 1; s < series.length; s++) {
            if (series[s].length != n) {
                throw new IllegalArgumentException("series: series " + s + " has " + series[s].length
                        + " values, series 0 has " + n);
            }
        }
        if (lags < 1 || lags >= n) {
            throw new IllegalArgumentException("lags: expected 1.." + (n - 1) + " for " + n + " values, got " + lags);
        }
        for (int t : targets) {
            if (t < 0 || t >= series.length) {
                throw new IllegalArgumentException("targets: " + t + " is not a series index (0.." + (series.length - 1)
                        + ")");
            }
        }
        int rows = n - lags;
        Matrix x = Matrix.allocate(arena, rows, series.length * lags);
        Matrix y = Matrix.allocate(arena, rows, targets.length);
        int[] time = new int[rows];
        for (int i = 0; i < rows; i++) {
            for (int s = 0; s < series.length; s++) {
                for (int l = 0; l < lags; l++) {
                    x.set(i, s * lags + l, (float) series[s][i + l]);
                }
            }
            for (int k = 0; k < targets.length; k++) {
                y.set(i, k, (float) series[targets[k]][i + lags]);
            }
            time[i] = i + lags;
        }
        return new Windowed(x, y, time);
    }
}
