package dev.tollgate.authz.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.Value;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The body parser accepts what Jackson accepted (the parser bodies went through before) and reads the same values. */
class JsonBodyTest {
    private static final ObjectMapper JACKSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final String[] TOKENS = {"{", "}", "[", "]", ":", ",", "\"a\"", "\"b\\n\\u00e9\\\"\"", "\"\\x\"",
        "\"\\ud83d\\ude00\"", "1", "-0", "01", "1.5", "1.", "-", "2e3", "1E-2", "1e+", "true", "tru", "null", "nul", " ",
        "\n", "\t", "\"", "\\", "x", "'s'", "1e400", "-12345678901234567890123", "0.000001", "\u0001"};

    @Test
    void agreesWithJacksonOnRandomText() throws Exception {
        Random r = new Random(11);
        int accepted = 0;
        for (int i = 0; i < 40_000; i++) {
            StringBuilder b = new StringBuilder();
            for (int n = r.nextInt(12); n > 0; n--) {
                b.append(TOKENS[r.nextInt(TOKENS.length)]);
            }
            String text = b.toString();
            Value expected;
            try {
                JsonNode node = JACKSON.readTree(text);
                expected = node == null || node.isMissingNode() ? NullValue.INSTANCE : Json.fromJackson(node);
            } catch (Exception e) {
                expected = null;
            }
            Value actual;
            try {
                actual = JsonBody.parse(text);
            } catch (InvalidRequestException e) {
                actual = null;
            }
            assertChecksAsItParses(text);
            if (expected == null && actual != null || expected != null && !expected.equals(actual)) {
                fail("for " + text.replace("\n", "\\n") + ": Jackson read " + expected + ", the body parser " + actual);
            }
            if (actual != null) {
                accepted++;
            }
        }
        assertEquals(true, accepted > 2000, "too few valid documents: " + accepted);
    }

    /** Pieces for texts that hit the checker's own paths: escapes, exponents, number lengths, depth, positions. */
    private static final String[] HARD_TOKENS = {"{", "}", "[", "]", ":", ",", "\"k\"", " ", "\n", "\r\n", "\t",
        "\"", "\\", "\\u", "\\u00e9", "\\uD83D\\ude00", "\\uFFFF", "\\u00G0", "\\u0x", "\\uabcdef", "\\n",
        "\\q", "\\/", "\\b", "\u0007", "\u001f", "\u007f", "\u00e9", "\ud83d\ude00", "\ud800", "\uff10",
        "\u0663", "a", "x", "0", "-", "+", ".", "e", "E", "e+", "e-", "1", "9", "00", "123456789", "1234567890",
        "9999999999", "2147483647", "2147483648", "0000000000", "true", "false", "null", "tru", "nulll", "true1"};

    @Test
    void checkRefusesExactlyWhatParseRefusesWithTheSameMessage() {
        Random r = new Random(23);
        int refused = 0;
        int accepted = 0;
        int outOfRange = 0;
        int longExponentAccepted = 0;
        java.util.regex.Pattern longExponent = java.util.regex.Pattern.compile("[eE][+-]?0*[1-9][0-9]{9}");
        for (int i = 0; i < 60_000; i++) {
            StringBuilder b = new StringBuilder();
            switch (r.nextInt(4)) {
                case 0 -> {
                    for (int n = 1 + r.nextInt(14); n > 0; n--) {
                        b.append(HARD_TOKENS[r.nextInt(HARD_TOKENS.length)]);
                    }
                }
                case 1 -> b.append("[\"").append(stringPiece(r)).append(stringPiece(r)).append("\"]");
                case 2 -> b.append(r.nextBoolean() ? "[" : "").append(number(r));
                default -> {
                    int depth = JsonBody.MAX_DEPTH - 2 + r.nextInt(4);
                    b.append("[".repeat(depth)).append(r.nextBoolean() ? number(r) : "\"s\"")
                            .append("]".repeat(r.nextInt(depth + 1)));
                }
            }
            String text = b.toString();
            if (assertChecksAsItParses(text)) {
                accepted++;
                if (longExponent.matcher(text).find()) {
                    longExponentAccepted++;
                }
            } else {
                refused++;
                try {
                    JsonBody.check(text);
                } catch (InvalidRequestException e) {
                    if (e.getMessage().contains("out of range")) {
                        outOfRange++;
                    }
                }
            }
        }
        assertTrue(accepted > 5_000 && refused > 10_000, accepted + " accepted, " + refused + " refused");
        assertTrue(outOfRange > 500 && longExponentAccepted > 500,
                outOfRange + " out of range, " + longExponentAccepted + " accepted with 10-digit exponents");
    }

    /** Numbers around the limits: exponents of 8 to 12 digits (some with leading zeros), up to 1,002 characters. */
    private static String number(Random r) {
        StringBuilder b = new StringBuilder();
        if (r.nextBoolean()) {
            b.append('-');
        }
        b.append(r.nextInt(10) == 0 ? "0" : Integer.toString(1 + r.nextInt(999)));
        if (r.nextBoolean()) {
            b.append('.').append(digits(r, r.nextInt(4) == 0 ? 990 + r.nextInt(12) : 1 + r.nextInt(5)));
        }
        if (r.nextInt(4) != 0) {
            b.append(r.nextBoolean() ? 'e' : 'E').append(switch (r.nextInt(3)) {
                case 0 -> "-";
                case 1 -> "+";
                default -> "";
            });
            b.append("0".repeat(r.nextInt(3) == 0 ? r.nextInt(4) : 0));
            b.append(switch (r.nextInt(5)) {
                case 0 -> "2147483647";
                case 1 -> "2147482648";
                case 2 -> "2147483648";
                default -> digits(r, 1 + r.nextInt(12));
            });
        }
        if (r.nextInt(5) == 0) {
            b.append(HARD_TOKENS[r.nextInt(HARD_TOKENS.length)]);
        }
        return b.toString();
    }

    private static String digits(Random r, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append((char) ('0' + r.nextInt(10)));
        }
        return b.toString();
    }

    private static String stringPiece(Random r) {
        StringBuilder b = new StringBuilder();
        for (int n = r.nextInt(6); n > 0; n--) {
            b.append(switch (r.nextInt(6)) {
                case 0 -> "\\u" + Integer.toHexString(0x10000 + r.nextInt(0x10000)).substring(1);
                case 1 -> "\\u" + HARD_TOKENS[r.nextInt(HARD_TOKENS.length)];
                case 2 -> "\\" + (char) (0x20 + r.nextInt(0x60));
                case 3 -> "\n";
                default -> HARD_TOKENS[r.nextInt(HARD_TOKENS.length)];
            });
        }
        return b.toString();
    }

    /** Parsing and checking agree: both accept {@code text}, or both refuse it with the same message. */
    private static boolean assertChecksAsItParses(String text) {
        String parseError = null;
        String checkError = null;
        try {
            JsonBody.parse(text);
        } catch (InvalidRequestException e) {
            parseError = e.getMessage();
        }
        try {
            JsonBody.check(text);
        } catch (InvalidRequestException e) {
            checkError = e.getMessage();
        }
        if (!java.util.Objects.equals(parseError, checkError)) {
            fail("for " + (text.length() > 300 ? text.substring(0, 300) + "..." : text).replace("\n", "\\n")
                    + ": parse says " + parseError + ", check says " + checkError);
        }
        return parseError == null;
    }

    @Test
    void checkingAllocatesNothingPerValue() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < 2_000; i++) {
            b.append("{\"amount\": ").append(i * 7919 % 100_000).append(".25, \"n\": -").append(i)
                    .append("e-7, \"big\": 12345678901234567890123, \"note\": \"J\\u00f6rg \\\"q\\\" \\n\", \"ok\": true},");
        }
        String body = b.append("null]").toString();
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        JsonBody.check(body);
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long before = threads.getThreadAllocatedBytes(id);
            JsonBody.check(body);
            least = Math.min(least, threads.getThreadAllocatedBytes(id) - before);
        }
        assertTrue(least < 1_000, "checking 10,000 values allocated " + least + " bytes");
    }

    @Test
    void errorsSayWhatAndWhere() {
        String[][] table = {
            {"{\"a\": 1,", "request body is not valid JSON (line 1, column 9: unexpected end of input)"},
            {"{\"a\"\n  1}", "request body is not valid JSON (line 2, column 3: expected ':', got '1')"},
            {"[1 2]", "request body is not valid JSON (line 1, column 4: expected ',' or ']', got '2')"},
            {"{\"n\": 01}", "request body is not valid JSON (line 1, column 7: a number has a leading zero)"},
            {"12x", "request body is not valid JSON (line 1, column 3: expected white space after a number, got 'x')"},
            {"[1e99999999999]", "request body has a number out of range (1e99999999999; line 1, column 2)"}};
        for (String[] row : table) {
            assertEquals(row[1], assertThrows(InvalidRequestException.class, () -> JsonBody.parse(row[0])).getMessage());
        }
    }

    /**
     * A lazily read top-level object answers every lookup as the parsed one does (repeated keys:
     * the last wins; escaped keys; nested values), and is the same object when read whole; texts
     * that do not parse are refused with the same message.
     */
    @Test
    void lazyTopLevelObjectAgreesWithTheParsedOne() {
        Random r = new Random(23);
        String[] keys = {"\"amount\"", "\"currency\"", "\"a\"", "\"\\u0061\"", "\"\"", "\"a\\\"b\"", "\"é\"", "\"to\""};
        String[] values = {"1", "-2.5e3", "\"EUR\"", "\"x\\ny\"", "true", "null", "[1, {\"a\": 2}]", "{\"a\": {\"b\": []}}", "{}",
            "\"}{\\\"],\"", "[\"]\", {\"}\": \"\\\\\"}]", "0", "-0.5", "false"};
        String[] probes = {"amount", "currency", "a", "", "a\"b", "é", "to", "missing"};
        for (int round = 0; round < 5_000; round++) {
            StringBuilder text = new StringBuilder(r.nextBoolean() ? " " : "").append('{');
            int n = r.nextInt(7);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    text.append(r.nextBoolean() ? "," : " ,\n ");
                }
                text.append(keys[r.nextInt(keys.length)]).append(r.nextBoolean() ? ":" : " : ")
                        .append(values[r.nextInt(values.length)]);
            }
            text.append('}');
            if (r.nextInt(10) == 0) {
                text.append(r.nextBoolean() ? "," : "trailing");
            }
            if (r.nextInt(20) == 0) {
                text.setLength(text.length() - 1);
            }
            String body = text.toString();
            Value parsed;
            try {
                parsed = JsonBody.parse(body);
            } catch (InvalidRequestException e) {
                InvalidRequestException lazy = assertThrows(InvalidRequestException.class, () -> JsonBody.lazy(body));
                assertEquals(e.getMessage(), lazy.getMessage(), body);
                continue;
            }
            dev.tollgate.rego.value.ObjectValue eager = (dev.tollgate.rego.value.ObjectValue) parsed;
            dev.tollgate.rego.value.ObjectValue lazy = (dev.tollgate.rego.value.ObjectValue) JsonBody.lazy(body);
            for (String probe : probes) {
                Value k = dev.tollgate.rego.value.StringValue.of(probe);
                assertEquals(eager.get(k), lazy.get(k), body + " [" + probe + "]");
                assertEquals(eager.get(k), lazy.get(k), body + " [" + probe + "] again");
            }
            assertEquals(eager.size(), lazy.size(), body);
            assertEquals(eager, lazy, body);
            assertEquals(eager.toJson(), lazy.toJson(), body);
        }
    }
}
