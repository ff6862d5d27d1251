package io.quantlane.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The architecture of a multi-layer perceptron, written as it reads:
 * <pre>{@code Mlp spec = Mlp.input(61).dense(64).relu().dense(32).relu().dense(1);}</pre>
 *
 * <p>An {@code Mlp} is an immutable value: every call returns a new spec, and the layers it lists know where
 * their parameters sit in the one parameter block (weights then bias, layer after layer, each slice starting
 * on a 16-float boundary so every W and b is 64-byte aligned). {@link #toString()} gives the same text as the
 * Java above, and {@link #parse(String)} reads it back; model files store that text.
 *
 * <p>Layers are numbered from 0 counting activations, as PyTorch numbers the modules of an
 * {@code nn.Sequential}; so {@code 0.weight} and {@code 2.weight} name the two dense layers of
 * {@code input(4).dense(8).relu().dense(1)} in a {@linkplain Safetensors safetensors} file.
 */
public final class Mlp {

    /** Parameter slices start on multiples of this many floats (64 bytes). */
    static final int SLICE_ALIGN = 16;

    private final int inputs;
    private final List<Layer> layers;
    private final long parameterCount;

    private Mlp(int inputs, List<Layer> layers, long parameterCount) {
        this.inputs = inputs;
        this.layers = List.copyOf(layers);
        this.parameterCount = parameterCount;
    }

    /** A spec with {@code features} inputs and no layers yet. */
    public static Mlp input(int features) {
        if (features <= 0) {
            throw new IllegalArgumentException("features: expected > 0, got " + features);
        }
        return new Mlp(features, List.of(), 0);
    }

    /**
     * The usual benchmark shape from its widths, input first: {@code "32-64-64-1"} is
     * {@code input(32).dense(64).relu().dense(64).relu().dense(1)}, ReLU between dense layers and a linear output.
     *
     * @throws IllegalArgumentException naming the text when it is not two or more positive widths joined by '-'
     */
    public static Mlp reluStack(String widths) {
        String[] w = widths.split("-");
        try {
            if (w.length < 2) {
                throw new NumberFormatException();
            }
            Mlp spec = input(Integer.parseInt(w[0].trim()));
            for (int i = 1; i < w.length; i++) {
                spec = spec.dense(Integer.parseInt(w[i].trim()));
                if (i < w.length - 1) {
                    spec = spec.relu();
                }
            }
            return spec;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("widths: expected two or more widths like 32-64-64-1, got \"" + widths
                    + "\"");
        }
    }

    /** Adds a fully connected layer with {@code units} outputs. */
    public Mlp dense(int units) {
        if (units <= 0) {
            throw new IllegalArgumentException("units: expected > 0, got " + units);
        }
        int in = outputs();
        long w = parameterCount;
        long b = align(w + (long) in * units);
        long end = align(b + units);
        if (end > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("units: " + in + " x " + units + " makes the model exceed "
                    + Integer.MAX_VALUE + " parameters");
        }
        return with(new Dense(layers.size(), in, units, w, b), end);
    }

    /** {@code max(x, 0)}. */
    public Mlp relu() {
        return activation(Activation.Kind.RELU, 0f);
    }

    /** {@code x} for x > 0, {@code slope x} otherwise. */
    public Mlp leakyRelu(float slope) {
        if (!Float.isFinite(slope)) {
            throw new IllegalArgumentException("slope: expected a finite number, got " + slope);
        }
        return activation(Activation.Kind.LEAKY_RELU, slope);
    }

    /** The logistic function. As the last layer with {@link Loss#binaryCrossEntropy()}, it is fused into the loss. */
    public Mlp sigmoid() {
        return activation(Activation.Kind.SIGMOID, 0f);
    }

    /** Hyperbolic tangent. */
    public Mlp tanh() {
        return activation(Activation.Kind.TANH, 0f);
    }

    /** GELU, tanh approximation. */
    public Mlp gelu() {
        return activation(Activation.Kind.GELU, 0f);
    }

    /** Row-wise softmax. As the last layer with {@link Loss#softmaxCrossEntropy()}, it is fused into the loss. */
    public Mlp softmax() {
        return activation(Activation.Kind.SOFTMAX, 0f);
    }

    private Mlp activation(Activation.Kind kind, float slope) {
        if (layers.isEmpty()) {
            throw new IllegalStateException(kind.specName() + ": add a dense layer first; an activation on the raw "
                    + "input has nothing to learn from");
        }
        return with(new Activation(layers.size(), kind, outputs(), slope), parameterCount);
    }

    private Mlp with(Layer layer, long newCount) {
        List<Layer> next = new ArrayList<>(layers);
        next.add(layer);
        return new Mlp(inputs, next, newCount);
    }

    private static long align(long floats) {
        return (floats + SLICE_ALIGN - 1) / SLICE_ALIGN * SLICE_ALIGN;
    }

    /** Input width. */
    public int inputs() {
        return inputs;
    }

    /** Output width: that of the last layer, or the input width if there is none. */
    public int outputs() {
        return layers.isEmpty() ? inputs : layers.get(layers.size() - 1).outputs();
    }

    /** The layers in order. */
    public List<Layer> layers() {
        return layers;
    }

    /** The dense layers in order. */
    public List<Dense> denseLayers() {
        List<Dense> out = new ArrayList<>();
        for (Layer l : layers) {
            if (l instanceof Dense d) {
                out.add(d);
            }
        }
        return out;
    }

    /** Floats in the parameter block, alignment padding included (padding is always zero). */
    public long parameterCount() {
        return parameterCount;
    }

    /** Trainable parameters, without padding. */
    public long trainableParameters() {
        long n = 0;
        for (Layer l : layers) {
            n += l.parameterCount();
        }
        return n;
    }

    /** The widest row anywhere in the network, input included. */
    public int maxWidth() {
        int w = inputs;
        for (Layer l : layers) {
            w = Math.max(w, l.outputs());
        }
        return w;
    }

    /** Multiply-adds of one sample's forward pass. */
    public long macsPerSample() {
        long n = 0;
        for (Dense d : denseLayers()) {
            n += (long) d.inputs() * d.outputs();
        }
        return n;
    }

    /** The Java expression that builds this spec, e.g. {@code input(61).dense(64).relu().dense(1)}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("input(").append(inputs).append(')');
        for (Layer l : layers) {
            switch (l) {
                case Dense d -> sb.append(".dense(").append(d.outputs()).append(')');
                case Activation a -> {
                    sb.append('.').append(a.kind().specName()).append('(');
                    if (a.kind() == Activation.Kind.LEAKY_RELU) {
                        sb.append(a.slope());   // Float.toString round-trips exactly
                    }
                    sb.append(')');
                }
            }
        }
        return sb.toString();
    }

    /**
     * Reads {@link #toString()}'s form back (whitespace and a leading {@code Mlp.} are allowed).
     *
     * @throws IllegalArgumentException naming the position and what was expected
     */
    public static Mlp parse(String text) {
        if (text.length() > MAX_PARSED_TEXT) {
            throw new IllegalArgumentException("architecture: " + text.length() + " characters, more than the "
                    + MAX_PARSED_TEXT + " a parsed architecture may have");
        }
        String s = text.replaceAll("\\s+", "");
        if (s.startsWith("Mlp.")) {
            s = s.substring(4);
        }
        int pos = 0;
        Mlp spec = null;
        while (pos < s.length()) {
            int open = s.indexOf('(', pos);
            int close = open < 0 ? -1 : s.indexOf(')', open);
            if (open < 0 || close < 0) {
                throw new IllegalArgumentException("architecture: expected name(args) at character " + pos
                        + " of \"" + text + "\"");
            }
            String name = s.substring(pos, open);
            String arg = s.substring(open + 1, close);
            try {
                spec = spec == null ? first(name, arg) : next(spec, name, arg);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("architecture: bad number \"" + arg + "\" for " + name + " in \""
                        + text + "\"");
            }
            if (spec.layers().size() > MAX_PARSED_LAYERS || spec.maxWidth() > MAX_PARSED_WIDTH) {
                throw new IllegalArgumentException("architecture: more than " + MAX_PARSED_LAYERS + " layers or a "
                        + "width above " + MAX_PARSED_WIDTH + " in \"" + abbreviate(text) + "\" (a damaged file?)");
            }
            pos = close + 1;
            if (pos < s.length()) {
                if (s.charAt(pos) != '.') {
                    throw new IllegalArgumentException("architecture: expected '.' at character " + pos + " of \""
                            + text + "\"");
                }
                pos++;
            }
        }
        if (spec == null) {
            throw new IllegalArgumentException("architecture: empty, expected input(n)...");
        }
        return spec;
    }

    /**
     * Limits on what {@link #parse} accepts, so that a damaged or hostile file cannot make a loader build a
     * model no machine can hold (or spend quadratic time on a million layers): {@value #MAX_PARSED_LAYERS}
     * layers, {@value #MAX_PARSED_WIDTH} units per layer, {@value #MAX_PARSED_TEXT} characters.
     */
    static final int MAX_PARSED_LAYERS = 4096, MAX_PARSED_WIDTH = 1 << 20, MAX_PARSED_TEXT = 1 << 20;

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    private static Mlp first(String name, String arg) {
        if (!name.equals("input")) {
            throw new IllegalArgumentException("architecture: must start with input(n), got " + name + "(" + arg + ")");
        }
        return input(Integer.parseInt(arg));
    }

    private static Mlp next(Mlp spec, String name, String arg) {
        if (name.equals("dense")) {
            return spec.dense(Integer.parseInt(arg));
        }
        for (Activation.Kind k : Activation.Kind.values()) {
            if (k.specName().equals(name)) {
                if (k == Activation.Kind.LEAKY_RELU) {
                    return spec.leakyRelu(Float.parseFloat(arg));
                }
                if (!arg.isEmpty()) {
                    throw new IllegalArgumentException("architecture: " + name + "() takes no argument, got " + arg);
                }
                return spec.activation(k, 0f);
            }
        }
        throw new IllegalArgumentException("architecture: unknown layer \"" + name + "\"; expected dense, "
                + String.join(", ", Arrays.stream(Activation.Kind.values()).map(Activation.Kind::specName).toList()));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mlp m && m.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
