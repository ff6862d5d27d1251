package io.quantlane.workloads;

import io.quantlane.data.Csv;
import io.quantlane.data.Splits;
import io.quantlane.data.Table;
import io.quantlane.data.Windows;
import io.quantlane.memory.Matrix;
import io.quantlane.metrics.Metrics;
import io.quantlane.nn.Loss;
import io.quantlane.nn.Mlp;
import io.quantlane.nn.Model;
import io.quantlane.nn.Network;
import io.quantlane.nn.Optimizer;
import io.quantlane.nn.Scaler;
import io.quantlane.nn.Trainer;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Next-day log returns of the DAX, SMI, CAC and FTSE from windows of lagged returns of all four, on the
 * EuStockMarkets data, split chronologically. One MLP predicts the four returns at once.
 *
 * <p>Everything fitted sees the training span only: the scaler and the weights. Each row's features end the
 * day before its target. The report compares the return RMSE with the random walk (predicting zero) and with
 * the training mean, and the directional hit rate with "always up". Daily index returns are close to
 * unpredictable, so the honest expectation is parity with the random walk, not a win.
 */
public final class MarketPrediction {

    /** The four indices, in the file's column order. */
    public static final List<String> SERIES = List.of("DAX", "SMI", "CAC", "FTSE");

    private MarketPrediction() {
    }

    /**
     * Settings of one run.
     *
     * @param lags          days of returns per series in a window
     * @param trainFraction leading share of the days used for training
     */
    public record Config(int lags, double trainFraction, int hidden, float learningRate, float weightDecay, int epochs,
                         int batchSize, long seed) {

        /** The settings the demo uses. */
        public static Config defaults() {
            return new Config(5, 0.8, 16, 1e-3f, 0.1f, 30, 64, 42);
        }
    }

    /** One series' test-span scores. */
    public record SeriesScores(String series, double rmse, double randomWalkRmse, double trainMeanRmse,
                               double hitRate, double alwaysUpHitRate) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-5s RMSE %.5f (random walk %.5f, train mean %.5f, ratio %.3f)  "
                            + "hit rate %.3f (always up %.3f)", series, rmse, randomWalkRmse, trainMeanRmse,
                    rmse / randomWalkRmse, hitRate, alwaysUpHitRate);
        }
    }

    /**
     * The per-series scores and the test-span predictions (row i is the day {@code time[i]} of the returns).
     */
    public record Report(List<SeriesScores> series, float[][] predictions, int[] time, int trainRows, int testRows) {
        public Report {
            series = List.copyOf(series);
        }
    }

    /** The bundled copy of the data (src/main/resources/datasets/eustockmarkets.csv). */
    public static Table bundledData() throws IOException {
        try (InputStream in = MarketPrediction.class.getResourceAsStream("/datasets/eustockmarkets.csv")) {
            if (in == null) {
                throw new IOException("datasets/eustockmarkets.csv is missing from the jar");
            }
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                return Csv.defaults().read(r, "eustockmarkets.csv");
            }
        }
    }

    /** Log returns of the four series, one row per day after the first. */
    public static double[][] returns(Table prices) {
        double[][] r = new double[SERIES.size()][];
        for (int s = 0; s < r.length; s++) {
            r[s] = Windows.logReturns(prices.numeric(SERIES.get(s)).values());
        }
        return r;
    }

    /** Trains on the leading span of {@code returns} and scores the rest. */
    public static Report run(double[][] returns, Config cfg) {
        int k = returns.length;
        int[] targets = new int[k];
        for (int s = 0; s < k; s++) {
            targets[s] = s;
        }
        try (Arena arena = Arena.ofShared()) {
            Windows.Windowed w = Windows.lagged(arena, returns, cfg.lags(), targets);
            int rows = w.features().rows();
            Splits.Split split = Splits.chronological(rows, cfg.trainFraction());
            int nTrain = split.train().length, nTest = split.test().length;
            Matrix x = w.features(), y = w.targets();
            Matrix xTrain = x.slice(0, 0, nTrain, x.cols()), yTrain = y.slice(0, 0, nTrain, y.cols());
            Matrix xTest = x.slice(nTrain, 0, nTest, x.cols()), yTest = y.slice(nTrain, 0, nTest, y.cols());
            Matrix xTrainScaled = Matrix.copyOf(arena, nTrain, xTrain.cols(), xTrain.toArray());
            Scaler scaler = Scaler.fit(xTrainScaled);   // the training span only
            scaler.apply(xTrainScaled);
            // Targets standardised with the training span's mean and sd (returns are ~0.01: unscaled, the loss
            // and its gradients are tiny), predictions mapped back.
            Matrix yTrainScaled = Matrix.copyOf(arena, nTrain, k, yTrain.toArray());
            Scaler targetScaler = Scaler.fit(yTrainScaled);
            targetScaler.apply(yTrainScaled);
            float[] tMean = targetScaler.mean(), tSd = targetScaler.std();
            Mlp spec = Mlp.input(xTrain.cols()).dense(cfg.hidden()).tanh().dense(k);
            float[][] pred = new float[nTest][k];
            try (Network net = Network.create(spec, cfg.seed())) {
                Trainer.builder().loss(Loss.mse()).optimizer(Optimizer.adamW(cfg.learningRate(), cfg.weightDecay()))
                        .epochs(cfg.epochs()).batchSize(cfg.batchSize()).seed(cfg.seed()).build()
                        .fit(net, xTrainScaled, yTrainScaled);
                try (Model model = net.toModel(scaler, List.of(), Map.of())) {
                    Matrix p = Matrix.allocate(arena, nTest, k);
                    model.predict(model.newContext(), xTest, p);
                    for (int i = 0; i < nTest; i++) {
                        for (int s = 0; s < k; s++) {
                            pred[i][s] = p.get(i, s) * tSd[s] + tMean[s];
                        }
                    }
                }
            }
            List<SeriesScores> scores = new ArrayList<>();
            for (int s = 0; s < k; s++) {
                float[] p = new float[nTest], actual = new float[nTest], zero = new float[nTest];
                float[] mean = new float[nTest], up = new float[nTest];
                double trainMean = 0;
                for (int i = 0; i < nTrain; i++) {
                    trainMean += yTrain.get(i, s);
                }
                trainMean /= nTrain;
                for (int i = 0; i < nTest; i++) {
                    p[i] = pred[i][s];
                    actual[i] = yTest.get(i, s);
                    mean[i] = (float) trainMean;
                    up[i] = 1f;
                }
                scores.add(new SeriesScores(SERIES.size() == k ? SERIES.get(s) : "series " + s,
                        Metrics.rmse(p, actual), Metrics.rmse(zero, actual), Metrics.rmse(mean, actual),
                        Metrics.hitRate(p, actual), Metrics.hitRate(up, actual)));
            }
            int[] time = java.util.Arrays.copyOfRange(w.time(), nTrain, rows);
            return new Report(scores, pred, time, nTrain, nTest);
        }
    }

    /** The lines the demo prints. */
    public static List<String> summary(Report r, Config cfg) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "market: next-day log returns of DAX, SMI, CAC, FTSE from %d days of all "
                + "four; chronological split, %d training days, %d test days", cfg.lags(), r.trainRows(), r.testRows()));
        for (SeriesScores s : r.series()) {
            lines.add("  " + s);
        }
        long beaten = r.series().stream().filter(s -> s.rmse() < s.randomWalkRmse()).count();
        lines.add("  beats the random walk on " + beaten + " of " + r.series().size() + " series; a large win would "
                + "suggest look-ahead leakage");
        return lines;
    }
}
