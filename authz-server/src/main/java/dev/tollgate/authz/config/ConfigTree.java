package dev.tollgate.authz.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Two YAML trees, the embedded defaults and the user's file; the defaults also act as the schema,
 * so a user key the defaults lack is unknown. Typed getters report bad values with key and file.
 */
final class ConfigTree {
    private final JsonNode defaults;
    private final JsonNode user;
    private final String userOrigin;
    private final Set<String> freeFormMaps;

    ConfigTree(JsonNode defaults, JsonNode user, String userOrigin, Set<String> freeFormMaps) {
        this.defaults = defaults;
        this.user = user;
        this.userOrigin = userOrigin;
        this.freeFormMaps = freeFormMaps;
        if (user != null && !user.isMissingNode() && !user.isNull()) {
            if (!user.isObject()) {
                throw new ConfigException(userOrigin + ": top level must be a mapping of keys");
            }
            checkKnown(user, defaults, "");
        }
    }

    private void checkKnown(JsonNode userNode, JsonNode defaultNode, String prefix) {
        for (Map.Entry<String, JsonNode> e : userNode.properties()) {
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode d = defaultNode.get(e.getKey());
            if (d == null) {
                throw new ConfigException(userOrigin + ": unknown key '" + key + "'");
            }
            if (d.isObject() && !freeFormMaps.contains(key)) {
                if (!e.getValue().isObject()) {
                    throw new ConfigException(userOrigin + ": key '" + key + "' must be a mapping");
                }
                checkKnown(e.getValue(), d, key);
            }
        }
    }

    private record Found(JsonNode node, String origin) {
    }

    private Found find(String key) {
        JsonNode u = at(user, key);
        if (u != null) {
            return new Found(u, userOrigin);
        }
        JsonNode d = at(defaults, key);
        if (d == null) {
            throw new IllegalStateException("no default for " + key);
        }
        return new Found(d, "default-config.yaml");
    }

    private static JsonNode at(JsonNode root, String key) {
        if (root == null) {
            return null;
        }
        JsonNode n = root;
        for (String part : key.split("\\.")) {
            n = n.get(part);
            if (n == null) {
                return null;
            }
        }
        return n;
    }

    private ConfigException bad(Found f, String key, String expected) {
        return new ConfigException(f.origin() + ": key '" + key + "' must be " + expected + ", got "
                + (f.node().isTextual() ? "'" + f.node().textValue() + "'" : f.node().toString()));
    }

    int integer(String key, int min, int max) {
        Found f = find(key);
        if (!f.node().isIntegralNumber() || f.node().asLong() < min || f.node().asLong() > max) {
            throw bad(f, key, "an integer from " + min + " to " + max);
        }
        return f.node().asInt();
    }

    boolean bool(String key) {
        Found f = find(key);
        if (!f.node().isBoolean()) {
            throw bad(f, key, "true or false");
        }
        return f.node().booleanValue();
    }

    String string(String key) {
        Found f = find(key);
        if (!f.node().isTextual() || f.node().textValue().isBlank()) {
            throw bad(f, key, "a non-empty string");
        }
        return f.node().textValue();
    }

    Optional<String> optionalString(String key) {
        Found f = find(key);
        if (f.node().isNull()) {
            return Optional.empty();
        }
        if (!f.node().isTextual() || f.node().textValue().isBlank()) {
            throw bad(f, key, "a non-empty string or null");
        }
        return Optional.of(f.node().textValue());
    }

    List<String> strings(String key) {
        Found f = find(key);
        if (!f.node().isArray()) {
            throw bad(f, key, "a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : f.node()) {
            if (!item.isTextual()) {
                throw bad(f, key, "a list of strings");
            }
            out.add(item.textValue());
        }
        return out;
    }

    Map<String, String> stringMap(String key) {
        Found f = find(key);
        if (!f.node().isObject()) {
            throw bad(f, key, "a mapping of strings to strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : f.node().properties()) {
            if (!e.getValue().isTextual()) {
                throw new ConfigException(f.origin() + ": key '" + key + "." + e.getKey() + "' must be a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    /** The raw tree at {@code key} (for free-form maps that their owner validates). */
    JsonNode node(String key) {
        return find(key).node();
    }

    String originOf(String key) {
        return find(key).origin();
    }

    /** A fraction from 0 to 1 (integers 0 and 1 included). */
    double fraction(String key) {
        Found f = find(key);
        if (!f.node().isNumber() || f.node().asDouble() < 0 || f.node().asDouble() > 1) {
            throw bad(f, key, "a number from 0 to 1");
        }
        return f.node().asDouble();
    }

    /** The raw value of a key whose shape another parser checks, with the file it came from. */
    record Raw(JsonNode node, String origin) {
    }

    Raw raw(String key) {
        Found f = find(key);
        return new Raw(f.node(), f.origin());
    }
}
