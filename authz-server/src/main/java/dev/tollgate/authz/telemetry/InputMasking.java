package dev.tollgate.authz.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Masks an input document before it is written, as OPA masks decision-log events: the policy's
 * {@code system.log.mask} rules name JSON pointers under {@code /input} to erase, or
 * {@code {"op": "upsert" | "remove", "path": ..., "value": ...}} operations; then the always-masked
 * request headers are erased. Pointers outside {@code /input} are ignored (only the input is
 * logged). Works on a copy; the document the policy saw is never touched.
 */
final class InputMasking {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String HEADERS = "/input/attributes/request/http/headers/";

    /**
     * @param input  the masked copy of the input document; null when {@code /input} itself was erased
     * @param erased JSON pointers erased, as OPA's {@code erased} event field
     * @param masked JSON pointers upserted, as OPA's {@code masked} event field
     */
    record Masked(JsonNode input, List<String> erased, List<String> masked) {
    }

    private final Set<String> alwaysMaskedHeaders;

    /** @param alwaysMaskedHeaders header names (any case) erased from every logged input */
    InputMasking(Set<String> alwaysMaskedHeaders) {
        this.alwaysMaskedHeaders = alwaysMaskedHeaders.stream().map(h -> h.toLowerCase(Locale.ROOT))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /**
     * @param event the decision-log event the rules see ({@code input} unmasked, plus decision fields)
     */
    Masked mask(LoggedInput logged, ObjectNode event) {
        ObjectNode root = NODES.objectNode();
        root.set("input", logged.document().deepCopy());
        List<String> erased = new ArrayList<>();
        List<String> masked = new ArrayList<>();
        JsonNode rules;
        try {
            rules = logged.rules().evaluate(event);
        } catch (RuntimeException e) {
            // The rules could not say what is secret: log nothing of the input rather than too much.
            return new Masked(null, List.of("/input"), List.of());
        }
        if (rules != null) {
            for (JsonNode rule : rules.isArray() ? rules : NODES.arrayNode().add(rules)) {
                apply(root, rule, erased, masked);
            }
        }
        eraseHeaders(root, erased);
        return new Masked(root.get("input"), erased, masked);
    }

    private static void apply(ObjectNode root, JsonNode rule, List<String> erased, List<String> masked) {
        if (rule.isTextual()) {
            if (erase(root, rule.textValue())) {
                erased.add(rule.textValue());
            }
            return;
        }
        if (!rule.isObject() || !rule.path("path").isTextual()) {
            return; // OPA ignores what it cannot read as a mask
        }
        String op = rule.path("op").asText("remove");
        String path = rule.get("path").textValue();
        if (op.equals("remove")) {
            if (erase(root, path)) {
                erased.add(path);
            }
        } else if (op.equals("upsert") && rule.has("value")) {
            if (upsert(root, path, rule.get("value"))) {
                masked.add(path);
            }
        }
    }

    /** Removes the member or array element at {@code pointer}; false when it is not there. */
    static boolean erase(ObjectNode root, String pointer) {
        List<String> parts = parts(pointer);
        if (parts == null) {
            return false;
        }
        JsonNode parent = root;
        for (int i = 0; i < parts.size() - 1 && parent != null; i++) {
            parent = child(parent, parts.get(i));
        }
        String last = parts.getLast();
        if (parent instanceof ObjectNode o) {
            return o.remove(last) != null;
        }
        if (parent instanceof ArrayNode a) {
            int index = index(last);
            if (index >= 0 && index < a.size()) {
                a.remove(index);
                return true;
            }
        }
        return false;
    }

    /** Sets {@code value} at {@code pointer}, creating missing objects on the way. */
    static boolean upsert(ObjectNode root, String pointer, JsonNode value) {
        List<String> parts = parts(pointer);
        if (parts == null) {
            return false;
        }
        JsonNode parent = root;
        for (int i = 0; i < parts.size() - 1; i++) {
            JsonNode next = child(parent, parts.get(i));
            if (next == null) {
                if (!(parent instanceof ObjectNode o)) {
                    return false;
                }
                next = o.putObject(parts.get(i));
            }
            parent = next;
        }
        if (parent instanceof ObjectNode o) {
            o.set(parts.getLast(), value.deepCopy());
            return true;
        }
        if (parent instanceof ArrayNode a) {
            int index = index(parts.getLast());
            if (index >= 0 && index < a.size()) {
                a.set(index, value.deepCopy());
                return true;
            }
        }
        return false;
    }

    private void eraseHeaders(ObjectNode root, List<String> erased) {
        if (alwaysMaskedHeaders.isEmpty()) {
            return;
        }
        JsonNode http = root.at("/input/attributes/request/http");
        if (http.get("headers") instanceof ObjectNode headers) {
            for (Iterator<String> names = headers.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (alwaysMaskedHeaders.contains(name.toLowerCase(Locale.ROOT))) {
                    names.remove();
                    erased.add(HEADERS + escape(name));
                }
            }
        }
        if (http.at("/headerMap/headers") instanceof ArrayNode list) {
            for (int i = list.size() - 1; i >= 0; i--) {
                String key = list.get(i).path("key").asText("");
                if (alwaysMaskedHeaders.contains(key.toLowerCase(Locale.ROOT))) {
                    list.remove(i);
                    erased.add("/input/attributes/request/http/headerMap/headers/" + i);
                }
            }
        }
    }

    private static JsonNode child(JsonNode node, String part) {
        if (node instanceof ObjectNode o) {
            return o.get(part);
        }
        if (node instanceof ArrayNode a) {
            int index = index(part);
            return index >= 0 && index < a.size() ? a.get(index) : null;
        }
        return null;
    }

    private static int index(String part) {
        return part.matches("0|[1-9][0-9]{0,8}") ? Integer.parseInt(part) : -1;
    }

    /** The unescaped segments of an RFC 6901 pointer below {@code /input}, or null for any other pointer. */
    private static List<String> parts(String pointer) {
        if (!pointer.equals("/input") && !pointer.startsWith("/input/")) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (String p : pointer.substring(1).split("/", -1)) {
            parts.add(p.replace("~1", "/").replace("~0", "~"));
        }
        return parts;
    }

    private static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }
}
