package io.quantlane.cli;

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
import io.quantlane.nn.ModelFile;
import io.quantlane.nn.Network;
import io.quantlane.nn.Optimizer;
import io.quantlane.nn.Scaler;
import io.quantlane.nn.Trainer;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * {@code train} and {@code predict} on any CSV: every column but the target is a feature (numbers as they
 * are, categories one-hot), standardised with a scaler fitted on the training rows; the model file carries
 * the encoding, the scaler and the target's description, so {@code predict} needs only the model and a CSV
 * with the same feature columns.
 */
final class TrainPredict {

    static final String TRAIN_HELP = """
            usage: quantlane train --data FILE.csv --target COLUMN --out MODEL.qlm [options]

              --task classify|regress   classify (default): the target has two values; the score is P(positive)
              --positive VALUE          the positive class (default: the rarer value)
              --layers 64,32            hidden ReLU layers (default 32); "none" for a linear / logistic model
              --epochs N                default 100        --batch N        default 32
              --lr X                    AdamW rate, default 0.001
              --decay X                 AdamW decoupled weight decay, default 0.1
              --seed N                  default 42
              --cv K                    first report K-fold cross-validated scores (stratified for classify)
              --drop a,b                columns that are not features (ids, dates, leaky fields)
            A text column with a different value in every row is an identifier and is left out (said on stderr).
            A missing number is filled with the training rows' median, plus a column=missing indicator.
            Progress goes to stderr; the model file to --out (written atomically).
            """;

    static final String PREDICT_HELP = """
            usage: quantlane predict --model MODEL.qlm --data FILE.csv [--out SCORES.csv]

            Writes one row per input row with a header "score": P(positive class) for a classifier, the
            predicted value for a regression. To stdout without --out. The CSV must hold the model's feature
            columns (others are ignored).
            """;

    private TrainPredict() {
    }

    static int train(String[] args, PrintStream out, PrintStream err) throws IOException {
        Flags f = Flags.parse("train", args, 1, Set.of("data", "target", "out", "task", "positive", "layers", "epochs",
                "batch", "lr", "decay", "seed", "cv", "drop"));
        Path data = Path.of(f.required("data"));
        String targetName = f.required("target");
        Path outPath = Path.of(f.required("out"));
        boolean classify = switch (f.get("task", "classify")) {
            case "classify" -> true;
            case "regress" -> false;
            default -> throw new Flags.UsageException("train: --task expects classify or regress, got \""
                    + f.get("task", "") + "\"");
        };
        int[] layers = layers(f.get("layers", "32"));
        int epochs = f.integer("epochs", 100, 1), batch = f.integer("batch", 32, 1), cv = f.integer("cv", 0, 0);
        float lr = f.number("lr", 1e-3f), decay = f.number("decay", 0.1f);
        long seed = f.integer("seed", 42, 0);
        if (cv == 1) {
            throw new Flags.UsageException("train: --cv needs at least 2 folds");
        }
        Table table = readCsv(data);
        Column target = table.column(targetName);
        String positive = null;
        float[] y = new float[table.rows()];
        if (classify) {
            if (!(target instanceof Column.Categorical) && !(target instanceof Column.Numeric)) {
                throw new Flags.UsageException("train: unsupported target column");
            }
            List<String> values = new ArrayList<>();
            for (int i = 0; i < table.rows(); i++) {
                if (target.isMissing(i)) {
                    throw new Flags.UsageException("train: target \"" + targetName + "\" is missing in data row "
                            + (i + 1));
                }
                values.add(target instanceof Column.Categorical c ? c.get(i) : num(((Column.Numeric) target).get(i)));
            }
            List<String> levels = values.stream().distinct().sorted().toList();
            if (levels.size() != 2) {
                throw new Flags.UsageException("train: --task classify needs a target with 2 values, \"" + targetName
                        + "\" has " + levels.size() + (levels.size() <= 5 ? " " + levels : ""));
            }
            positive = f.get("positive", null);
            if (positive == null) {
                long first = values.stream().filter(levels.get(0)::equals).count();
                positive = first <= values.size() - first ? levels.get(0) : levels.get(1);
            } else if (!levels.contains(positive)) {
                throw new Flags.UsageException("train: --positive \"" + positive + "\" is not a value of \"" + targetName
                        + "\" " + levels);
            }
            for (int i = 0; i < y.length; i++) {
                y[i] = values.get(i).equals(positive) ? 1f : 0f;
            }
        } else {
            if (!(target instanceof Column.Numeric n)) {
                throw new Flags.UsageException("train: --task regress needs a numeric target, \"" + targetName
                        + "\" is categorical");
            }
            for (int i = 0; i < y.length; i++) {
                if (n.isMissing(i)) {
                    throw new Flags.UsageException("train: target \"" + targetName + "\" is missing in data row " + (i + 1));
                }
                y[i] = (float) n.get(i);
            }
        }
        List<String> excluded = excluded(table, targetName, f.get("drop", null), err);
        Settings s = new Settings(classify, layers, epochs, batch, lr, decay, seed, excluded);
        int[] all = IntStream.range(0, table.rows()).toArray();
        if (cv >= 2) {
            List<Splits.Split> folds = classify ? Splits.stratifiedKFold(y, cv, seed)
                    : kFold(table.rows(), cv);
            float[] oof = new float[y.length];
            for (int k = 0; k < folds.size(); k++) {
                Splits.Split split = folds.get(k);
                try (Fitted fit = fit(table, y, split.train(), s)) {
                    float[] p = fit.predict(table, split.test());
                    for (int i = 0; i < p.length; i++) {
                        oof[split.test()[i]] = p[i];
                    }
                }
                err.println("train: fold " + (k + 1) + "/" + cv + " done");
            }
            out.println(classify
                    ? String.format(Locale.ROOT, "cv %d folds: AUC %.4f  KS %.4f  accuracy@0.5 %.4f  log-loss %.4f",
                    cv, Metrics.rocAuc(oof, y), Metrics.ksStatistic(oof, y), Metrics.accuracy(oof, y, 0.5),
                    Metrics.logLoss(oof, y))
                    : String.format(Locale.ROOT, "cv %d folds: RMSE %.6g  MAE %.6g", cv, Metrics.rmse(oof, y),
                    Metrics.mae(oof, y)));
        }
        try (Fitted fit = fit(table, y, all, s)) {
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("quantlane.task", classify ? "classify" : "regress");
            meta.put("quantlane.target", targetName);
            if (positive != null) {
                meta.put("quantlane.positive", positive);
            }
            meta.put("quantlane.targetMean", Float.toString(fit.targetMean));
            meta.put("quantlane.targetStd", Float.toString(fit.targetStd));
            meta.put("quantlane.encoder", fit.encoder.describe());
            meta.put("seed", Long.toString(seed));
            meta.put("trainedOn", data.getFileName().toString());
            try (Model model = fit.net.toModel(fit.scaler, fit.encoder.featureNames(), meta)) {
                ModelFile.save(model, outPath);
            }
        }
        out.println("train: wrote " + outPath + " (" + table.rows() + " rows, " + (classify ? "positive class \""
                + positive + "\"" : "regression") + ")");
        return 0;
    }

    static int predict(String[] args, PrintStream out, PrintStream err) throws IOException {
        Flags f = Flags.parse("predict", args, 1, Set.of("model", "data", "out"));
        Path modelPath = Path.of(f.required("model"));
        Path data = Path.of(f.required("data"));
        String outArg = f.get("out", null);
        try (Model model = ModelFile.load(modelPath)) {
            String enc = model.metadata().get("quantlane.encoder");
            if (enc == null) {
                throw new Flags.UsageException("predict: " + modelPath + " was not written by quantlane train (no "
                        + "encoder in its metadata)");
            }
            Encoder encoder = Encoder.parse(enc);
            Table table = readCsv(data);
            for (String c : encoder.columns()) {
                table.column(c);   // names a missing column
            }
            float mean = Float.parseFloat(model.metadata().getOrDefault("quantlane.targetMean", "0"));
            float std = Float.parseFloat(model.metadata().getOrDefault("quantlane.targetStd", "1"));
            boolean classify = "classify".equals(model.metadata().get("quantlane.task"));
            StringBuilder sb = new StringBuilder("score\n");
            try (Arena arena = Arena.ofShared()) {
                Matrix x = encoder.transform(arena, table, IntStream.range(0, table.rows()).toArray());
                Matrix p = Matrix.allocate(arena, x.rows(), 1);
                model.predict(model.newContext(), x, p);
                for (int i = 0; i < x.rows(); i++) {
                    sb.append(classify ? p.get(i, 0) : p.get(i, 0) * std + mean).append('\n');
                }
                if (encoder.unseenLastTransform() > 0) {
                    err.println("predict: " + encoder.unseenLastTransform() + " cells were missing or held a category the "
                            + "model never saw (numbers filled with the training median, categories as all zeros)");
                }
            }
            if (outArg == null) {
                out.print(sb);
            } else {
                Files.writeString(Path.of(outArg), sb, StandardCharsets.UTF_8);
                err.println("predict: wrote " + table.rows() + " scores to " + outArg);
            }
        }
        return 0;
    }

    private record Settings(boolean classify, int[] layers, int epochs, int batch, float lr, float decay, long seed,
                            List<String> excluded) {
    }

    /**
     * The columns that are not features: the target, those named by {@code --drop}, and identifiers (a text
     * column with a different value in every one of more than 20 rows, which one-hot encoding would turn into
     * one memorised column per row).
     */
    private static List<String> excluded(Table table, String target, String drop, PrintStream err) {
        List<String> excluded = new ArrayList<>(List.of(target));
        if (drop != null) {
            for (String name : drop.split(",")) {
                String trimmed = name.trim();
                if (trimmed.isEmpty()) {
                    throw new Flags.UsageException("train: --drop expects column names separated by commas, got \""
                            + drop + "\"");
                }
                table.column(trimmed);   // names a column that does not exist
                if (trimmed.equals(target)) {
                    throw new Flags.UsageException("train: --drop names the target \"" + target + "\"");
                }
                excluded.add(trimmed);
            }
        }
        for (String name : table.names()) {
            if (!excluded.contains(name) && table.column(name) instanceof Column.Categorical c && table.rows() > 20
                    && IntStream.range(0, table.rows()).mapToObj(c::get).distinct().count() == table.rows()) {
                err.println("train: left out \"" + name + "\": a different value in every row, an identifier "
                        + "(not a feature)");
                excluded.add(name);
            }
        }
        if (excluded.size() == table.names().size()) {
            throw new Flags.UsageException("train: no feature columns left besides the target");
        }
        return List.copyOf(excluded);
    }

    /** A network trained on some rows, with its encoder and scalers. */
    private static final class Fitted implements AutoCloseable {
        Encoder encoder;
        Scaler scaler;
        Network net;
        float targetMean;
        float targetStd = 1f;
        boolean classify;

        float[] predict(Table table, int[] rows) {
            try (Arena arena = Arena.ofShared(); Model model = net.toModel(scaler, List.of(), Map.of())) {
                Matrix x = encoder.transform(arena, table, rows);
                Matrix p = Matrix.allocate(arena, rows.length, 1);
                model.predict(model.newContext(), x, p);
                float[] out = p.toArray();
                for (int i = 0; i < out.length && !classify; i++) {
                    out[i] = out[i] * targetStd + targetMean;
                }
                return out;
            }
        }

        @Override
        public void close() {
            net.close();
        }
    }

    private static Fitted fit(Table table, float[] y, int[] rows, Settings s) {
        Fitted fit = new Fitted();
        fit.classify = s.classify();
        fit.encoder = Encoder.fitAllBut(table, s.excluded(), rows);
        try (Arena arena = Arena.ofShared()) {
            Matrix x = fit.encoder.transform(arena, table, rows);
            fit.scaler = Scaler.fit(x);
            fit.scaler.apply(x);
            Matrix t = Matrix.allocate(arena, rows.length, 1);
            double sum = 0, sq = 0;
            for (int i = 0; i < rows.length; i++) {
                sum += y[rows[i]];
                sq += (double) y[rows[i]] * y[rows[i]];
            }
            if (!s.classify()) {   // regression targets standardised on the training rows, mapped back on predict
                fit.targetMean = (float) (sum / rows.length);
                double var = sq / rows.length - fit.targetMean * (double) fit.targetMean;
                fit.targetStd = var > 1e-24 ? (float) Math.sqrt(var) : 1f;
            }
            for (int i = 0; i < rows.length; i++) {
                t.set(i, 0, s.classify() ? y[rows[i]] : (y[rows[i]] - fit.targetMean) / fit.targetStd);
            }
            Mlp spec = Mlp.input(fit.encoder.width());
            for (int units : s.layers()) {
                spec = spec.dense(units).relu();
            }
            spec = spec.dense(1);
            if (s.classify()) {
                spec = spec.sigmoid();
            }
            fit.net = Network.create(spec, s.seed());
            Trainer.builder().loss(s.classify() ? Loss.binaryCrossEntropy() : Loss.mse())
                    .optimizer(Optimizer.adamW(s.lr(), s.decay())).epochs(s.epochs()).batchSize(s.batch())
                    .seed(s.seed()).build().fit(fit.net, x, t);
        }
        return fit;
    }

    private static List<Splits.Split> kFold(int n, int k) {
        float[] one = new float[n];   // a single class: stratified dealing is plain k-fold
        return Splits.stratifiedKFold(one, k, 1);
    }

    private static int[] layers(String spec) {
        if (spec.equals("none")) {
            return new int[0];
        }
        try {
            int[] units = java.util.Arrays.stream(spec.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
            for (int u : units) {
                if (u <= 0) {
                    throw new NumberFormatException();
                }
            }
            return units;
        } catch (NumberFormatException e) {
            throw new Flags.UsageException("train: --layers expects sizes like 64,32 or \"none\", got \"" + spec + "\"");
        }
    }

    private static Table readCsv(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new Flags.UsageException("no such file: " + path);
        }
        return Csv.defaults().read(path);
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
