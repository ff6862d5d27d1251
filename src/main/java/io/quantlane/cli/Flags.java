package io.quantlane.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} command-line flags, checked against the names a command accepts. */
final class Flags {

    private final String command;
    private final Map<String, String> values = new LinkedHashMap<>();

    private Flags(String command) {
        this.command = command;
    }

    /** Parses {@code args} (after the command name); unknown names, missing values and repeats are errors. */
    static Flags parse(String command, String[] args, int from, Set<String> known) {
        Flags f = new Flags(command);
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() == 2) {
                throw new UsageException(command + ": expected --name value, got \"" + a + "\"");
            }
            String name = a.substring(2);
            if (!known.contains(name)) {
                throw new UsageException(command + ": unknown option --" + name + " (see quantlane " + command
                        + " --help)");
            }
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                throw new UsageException(command + ": --" + name + " needs a value");
            }
            if (f.values.put(name, args[++i]) != null) {
                throw new UsageException(command + ": --" + name + " given twice");
            }
        }
        return f;
    }

    String required(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new UsageException(command + ": --" + name + " is required (see quantlane " + command + " --help)");
        }
        return v;
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int integer(String name, int fallback, int min) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min) {
                throw new UsageException(command + ": --" + name + " must be at least " + min + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " expects an integer, got \"" + v + "\"");
        }
    }

    float number(String name, float fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            float x = Float.parseFloat(v);
            if (!Float.isFinite(x) || x < 0) {
                throw new UsageException(command + ": --" + name + " must be a finite number >= 0, got " + v);
            }
            return x;
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " expects a number, got \"" + v + "\"");
        }
    }

    /** Bad command-line input: printed as one line, exit status 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
