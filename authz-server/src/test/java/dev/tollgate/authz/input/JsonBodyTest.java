package dev.tollgate.authz.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
                JsonBody.check(text);
            } catch (InvalidRequestException e) {
                actual = null;
                assertThrows(InvalidRequestException.class, () -> JsonBody.check(text));
            }
            if (expected == null && actual != null || expected != null && !expected.equals(actual)) {
                fail("for " + text.replace("\n", "\\n") + ": Jackson read " + expected + ", the body parser " + actual);
            }
            if (actual != null) {
                accepted++;
            }
        }
        assertEquals(true, accepted > 2000, "too few valid documents: " + accepted);
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
}
