package dev.tollgate.authz.identity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parser for Envoy's {@code x-forwarded-client-cert} header: comma-separated elements, each a
 * semicolon-separated list of {@code Key=Value} pairs, values optionally double-quoted.
 */
public final class Xfcc {
    private Xfcc() {
    }

    /** One element's pairs, keys lowercased; a repeated key keeps its first value. */
    public static List<Map<String, String>> parse(String header) {
        List<Map<String, String>> elements = new ArrayList<>();
        Map<String, String> current = new LinkedHashMap<>();
        StringBuilder key = new StringBuilder();
        StringBuilder value = new StringBuilder();
        boolean inValue = false;
        boolean quoted = false;
        int i = 0;
        int n = header.length();
        while (i < n) {
            char c = header.charAt(i);
            if (quoted) {
                if (c == '\\' && i + 1 < n) {
                    value.append(header.charAt(i + 1));
                    i += 2;
                    continue;
                }
                if (c == '"') {
                    quoted = false;
                } else {
                    value.append(c);
                }
                i++;
                continue;
            }
            switch (c) {
                case '"' -> {
                    if (!inValue || !value.isEmpty()) {
                        throw new IllegalArgumentException("unexpected '\"' at index " + i);
                    }
                    quoted = true;
                }
                case '=' -> {
                    if (inValue) {
                        value.append(c);
                    } else {
                        inValue = true;
                    }
                }
                case ';', ',' -> {
                    endPair(current, key, value, inValue, i);
                    inValue = false;
                    if (c == ',') {
                        elements.add(current);
                        current = new LinkedHashMap<>();
                    }
                }
                default -> (inValue ? value : key).append(c);
            }
            i++;
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quoted value");
        }
        endPair(current, key, value, inValue, n);
        elements.add(current);
        return elements;
    }

    private static void endPair(Map<String, String> element, StringBuilder key, StringBuilder value,
                                boolean inValue, int index) {
        String k = key.toString().trim();
        if (k.isEmpty() && !inValue) {
            key.setLength(0);
            value.setLength(0);
            return;
        }
        if (k.isEmpty() || !inValue) {
            throw new IllegalArgumentException("malformed pair before index " + index);
        }
        element.putIfAbsent(k.toLowerCase(Locale.ROOT), value.toString());
        key.setLength(0);
        value.setLength(0);
    }
}
