package dev.tollgate.loadtest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value} command-line options; an unknown name or a missing value is an error. */
record Args(Map<String, String> values) {

    static Args parse(String[] args, String... names) {
        Set<String> known = Set.of(names);
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || !known.contains(arg.substring(2))) {
                throw usage("unknown option '" + arg + "' (options: --" + String.join(", --", List.of(names)) + ")");
            }
            if (i + 1 >= args.length) {
                throw usage("option '" + arg + "' needs a value");
            }
            values.put(arg.substring(2), args[++i]);
        }
        return new Args(Map.copyOf(values));
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    String require(String name) {
        String v = values.get(name);
        if (v == null) {
            throw usage("option --" + name + " is required");
        }
        return v;
    }

    int getInt(String name, int fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw usage("option --" + name + ": expected a whole number, got '" + v + "'");
        }
    }

    static IllegalArgumentException usage(String message) {
        return new IllegalArgumentException(message);
    }
}
