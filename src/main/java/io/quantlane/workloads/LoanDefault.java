package io.quantlane.workloads;

import io.quantlane.data.Column;
import io.quantlane.data.Csv;
import io.quantlane.data.Encoder;
import io.quantlane.data.Splits;
import io.quantlane.data.Table;
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
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Loan-default risk on the German credit data: an MLP and a logistic regression (the same trainer, no hidden
 * layer) under stratified k-fold cross-validation, scored from the pooled out-of-fold probabilities.
 *
 * <p>Per fold, everything that is fitted sees the training rows only: the one-hot levels, the scaler, the
 * weights. "bad" is the positive class. The cost is the data set's: 5 for a bad customer accepted, 1 for a good
 * one refused, averaged per applicant at the cost-optimal rule P(bad) > 1/6.
 */
public final class LoanDefault {

    /** The data set's cost of accepting a bad customer. */
    public static final double COST_BAD_ACCEPTED = 5;
    /** The cost of refusing a good one. */
    public static final double COST_GOOD_REFUSED = 1;
    /** The Bayes-optimal threshold for those costs: 1 / (1 + 5). */
    public static final double THRESHOLD = COST_GOOD_REFUSED / (COST_GOOD_REFUSED + COST_BAD_ACCEPTED);

    private LoanDefault() {
    }

    /**
     * Settings of one run.
     *
     * @param folds   cross-validation folds
     * @param hidden  units in the MLP's hidden ReLU layer
     * @param epochs  MLP epochs; the logistic model gets {@code logisticEpochs}
     * @param members MLPs trained per fold from seeds {@code seed, seed + 1, ...}, their probabilities averaged
     * @param seed    seeds the folds, the weights and the shuffling
     */
    public record Config(int folds, int hidden, float learningRate, float weightDecay, int epochs, int members,
                         float logisticLearningRate, float logisticDecay, int logisticEpochs, int batchSize, long seed) {

        public Config {
            if (folds < 2 || hidden < 1 || epochs < 1 || members < 1 || logisticEpochs < 1 || batchSize < 1) {
                throw new IllegalArgumentException("folds >= 2 and hidden, epochs, members, logisticEpochs, batchSize"
                        + " >= 1 expected, got " + this);
            }
        }

        /**
         * The settings the demo and docs/workloads.md report: 10 folds, a 64-unit ReLU layer, AdamW 3e-4 with
         * decoupled decay 2 for 100 epochs, 5 networks averaged; the logistic model AdamW 1e-3, decay 0.1, 60
         * epochs; batch 32; seed 1 (repeats use 1, 2, ...).
         */
        public static Config defaults() {
            return new Config(10, 64, 3e-4f, 2f, 100, 5, 1e-3f, 0.1f, 60, 32, 1);
        }

        /** The same settings with another seed. */
        public Config withSeed(long newSeed) {
            return new Config(folds, hidden, learningRate, weightDecay, epochs, members, logisticLearningRate,
                    logisticDecay, logisticEpochs, batchSize, newSeed);
        }
    }

    /** One model's cross-validated scores. */
    public record Scores(String model, double auc, double ks, double accuracy, double cost, double brier,
                         double logLoss) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-22s AUC %.3f  KS %.3f  accuracy@0.5 %.3f  cost@1/6 %.3f  Brier %.3f",
                    model, auc, ks, accuracy, cost, brier);
        }
    }

    /** The MLP's and the logistic regression's scores, and the out-of-fold probabilities behind them. */
    public record Report(Scores mlp, Scores logistic, float[] mlpProbabilities, float[] logisticProbabilities) {
        public Report {
            mlpProbabilities = mlpProbabilities.clone();
            logisticProbabilities = logisticProbabilities.clone();
        }
    }

    /**
     * Repeated cross-validation: {@link #run} with seeds {@code cfg.seed()}, {@code + 1}, ... (new folds, new
     * weights), the spread between repeats being what a single split's figures hide.
     */
    public record Repeated(Config config, List<Report> runs) {
        public Repeated {
            runs = List.copyOf(runs);
            if (runs.isEmpty()) {
                throw new IllegalArgumentException("runs: at least one expected");
            }
        }

        /** The mean over the repeats of one score of one model, e.g. {@code mean(Report::mlp, Scores::auc)}. */
        public double mean(Function<Report, Scores> model, ToDoubleFunction<Scores> score) {
            return runs.stream().mapToDouble(r -> score.applyAsDouble(model.apply(r))).average().orElseThrow();
        }

        /** The sample standard deviation over the repeats (0 for one repeat). */
        public double sd(Function<Report, Scores> model, ToDoubleFunction<Scores> score) {
            double mean = mean(model, score);
            double ss = runs.stream().mapToDouble(r -> score.applyAsDouble(model.apply(r)) - mean)
                    .map(d -> d * d).sum();
            return runs.size() < 2 ? 0 : Math.sqrt(ss / (runs.size() - 1));
        }
    }

    /** Runs {@code repeats} cross-validations with seeds {@code cfg.seed() + r}; one progress line per fold. */
    public static Repeated repeated(Table data, Config cfg, int repeats, Consumer<String> progress) {
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats: at least 1 expected, got " + repeats);
        }
        List<Report> runs = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            String prefix = "repeat " + (r + 1) + "/" + repeats + ", ";
            runs.add(run(data, cfg.withSeed(cfg.seed() + r), progress == null ? null : s -> progress.accept(prefix + s)));
        }
        return new Repeated(cfg, runs);
    }

    /** The bundled copy of the data (src/main/resources/datasets/german_credit.csv). */
    public static Table bundledData() throws IOException {
        try (InputStream in = LoanDefault.class.getResourceAsStream("/datasets/german_credit.csv")) {
            if (in == null) {
                throw new IOException("datasets/german_credit.csv is missing from the jar");
            }
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                return Csv.defaults().read(r, "german_credit.csv");
            }
        }
    }

    /** Runs the cross-validation; {@code progress} hears one line per fold. */
    public static Report run(Table data, Config cfg, Consumer<String> progress) {
        Objects.requireNonNull(cfg, "cfg");
        Column.Categorical target = data.categorical("class");
        float[] y = new float[data.rows()];
        for (int i = 0; i < y.length; i++) {
            y[i] = "bad".equals(target.get(i)) ? 1f : 0f;
        }
        float[] mlp = new float[y.length], logistic = new float[y.length];
        List<Splits.Split> folds = Splits.stratifiedKFold(y, cfg.folds(), cfg.seed());
        for (int f = 0; f < folds.size(); f++) {
            Splits.Split split = folds.get(f);
            Encoder encoder = Encoder.fitAllBut(data, List.of("class"), split.train());
            try (Arena arena = Arena.ofShared()) {
                Matrix xTrain = encoder.transform(arena, data, split.train());
                Matrix xTest = encoder.transform(arena, data, split.test());
                Scaler scaler = Scaler.fit(xTrain);
                scaler.apply(xTrain);
                Matrix yTrain = Matrix.allocate(arena, split.train().length, 1);
                for (int i = 0; i < split.train().length; i++) {
                    yTrain.set(i, 0, y[split.train()[i]]);
                }
                int w = encoder.width();
                fitAndScore(Mlp.input(w).dense(cfg.hidden()).relu().dense(1).sigmoid(),
                        Optimizer.adamW(cfg.learningRate(), cfg.weightDecay()), cfg.epochs(), cfg.members(), cfg, xTrain, yTrain,
                        scaler, xTest, split.test(), mlp);
                fitAndScore(Mlp.input(w).dense(1).sigmoid(), Optimizer.adamW(cfg.logisticLearningRate(),
                                cfg.logisticDecay()), cfg.logisticEpochs(), 1, cfg, xTrain, yTrain, scaler, xTest,
                        split.test(), logistic);
            }
            if (progress != null) {
                progress.accept("fold " + (f + 1) + "/" + folds.size() + " done");
            }
        }
        String name = "MLP " + cfg.hidden() + " ReLU" + (cfg.members() > 1 ? " x" + cfg.members() : "");
        return new Report(scores(name, mlp, y), scores("logistic regression", logistic, y), mlp, logistic);
    }

    /**
     * Trains {@code members} networks (seeds {@code cfg.seed()}, {@code + 1}, ...) on the fold's training rows
     * and writes the mean of their probabilities for the test rows into {@code out}.
     */
    private static void fitAndScore(Mlp spec, Optimizer optimizer, int epochs, int members, Config cfg,
                                    Matrix xTrain, Matrix yTrain, Scaler scaler, Matrix xTest, int[] testRows,
                                    float[] out) {
        float[] sum = new float[testRows.length];
        for (int member = 0; member < members; member++) {
            long seed = cfg.seed() + member;
            try (Network net = Network.create(spec, seed)) {
                Trainer.builder().loss(Loss.binaryCrossEntropy()).optimizer(optimizer).epochs(epochs)
                        .batchSize(cfg.batchSize()).seed(seed).build().fit(net, xTrain, yTrain);
                try (Arena arena = Arena.ofShared(); Model model = net.toModel(scaler, List.of(), Map.of())) {
                    Matrix p = Matrix.allocate(arena, testRows.length, 1);
                    model.predict(model.newContext(), xTest, p);   // raw test rows; the model's scaler applies
                    for (int i = 0; i < testRows.length; i++) {
                        sum[i] += p.get(i, 0);
                    }
                }
            }
        }
        for (int i = 0; i < testRows.length; i++) {
            out[testRows[i]] = sum[i] / members;
        }
    }

    private static Scores scores(String name, float[] p, float[] y) {
        return new Scores(name, Metrics.rocAuc(p, y), Metrics.ksStatistic(p, y), Metrics.accuracy(p, y, 0.5),
                Metrics.expectedCost(p, y, THRESHOLD, COST_BAD_ACCEPTED, COST_GOOD_REFUSED), Metrics.brier(p, y),
                Metrics.logLoss(p, y));
    }

    /** The lines the demo prints: mean ± sd over the repeats, and the targets. */
    public static List<String> summary(Repeated r) {
        Config cfg = r.config();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "loan default: German credit, 1000 applicants, %d-fold stratified CV "
                + "repeated %d times (seeds %d-%d), out-of-fold scores, mean ± sd over the repeats", cfg.folds(),
                r.runs().size(), cfg.seed(), cfg.seed() + r.runs().size() - 1));
        lines.add(String.format(Locale.ROOT, "  %-22s %-15s %-15s %-15s %-15s %s", "model", "AUC", "KS",
                "accuracy@0.5", "cost@P>1/6", "Brier"));
        for (Function<Report, Scores> model : List.<Function<Report, Scores>>of(Report::mlp, Report::logistic)) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-22s",
                    model.apply(r.runs().get(0)).model()));
            for (ToDoubleFunction<Scores> score : List.<ToDoubleFunction<Scores>>of(Scores::auc, Scores::ks,
                    Scores::accuracy, Scores::cost, Scores::brier)) {
                line.append(String.format(Locale.ROOT, " %-15s", String.format(Locale.ROOT, "%.3f ± %.3f",
                        r.mean(model, score), r.sd(model, score))));
            }
            lines.add(line.toString().stripTrailing());
        }
        double auc = r.mean(Report::mlp, Scores::auc), cost = r.mean(Report::mlp, Scores::cost);
        lines.add(String.format(Locale.ROOT, "  target MLP AUC >= 0.79: %.3f, %s; average cost <= 0.53: %.3f, %s", auc,
                auc >= 0.79 ? "met" : "NOT met", cost, cost <= 0.53 ? "met" : "NOT met"));
        lines.add("  baselines: always \"good\" costs 1.500 (accuracy 0.700), always \"bad\" 0.700;");
        lines.add("             R's logistic regression on this protocol: AUC 0.785, cost 0.545");
        return lines;
    }
}
