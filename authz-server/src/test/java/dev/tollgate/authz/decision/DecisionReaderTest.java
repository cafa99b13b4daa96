package dev.tollgate.authz.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DecisionReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Decision read(String json) throws Exception {
        return DecisionReader.read(JSON.readTree(json));
    }

    @Test
    void booleans() throws Exception {
        assertTrue(read("true").allowed());
        Decision deny = read("false");
        assertFalse(deny.allowed());
        assertEquals(Reason.POLICY_DENIED, deny.reason());
        assertEquals(403, deny.httpStatus());
    }

    @Test
    void fullObject() throws Exception {
        JsonNode raw = JSON.readTree("""
                {"allowed": true,
                 "headers": {"x-a": "1", "x-b": ["2", "3"]},
                 "response_headers_to_add": [{"x-c": "4"}, {"x-d": ["5"]}],
                 "request_headers_to_remove": ["authorization"],
                 "query_parameters_to_set": {"p": "v", "q": ["w1", "w2"]},
                 "query_parameters_to_remove": ["debug"],
                 "dynamic_metadata": {"k": "v"},
                 "rate_limit": {"bucket": "gold"}}""");
        Decision d = DecisionReader.read(raw);
        assertTrue(d.allowed());
        assertEquals(List.of(new Header("x-a", "1"), new Header("x-b", "2"), new Header("x-b", "3")), d.headers());
        assertEquals(List.of(new Header("x-c", "4"), new Header("x-d", "5")), d.responseHeadersToAdd());
        assertEquals(List.of("authorization"), d.requestHeadersToRemove());
        assertEquals(List.of(new Header("p", "v"), new Header("q", "w1"), new Header("q", "w2")), d.queryParametersToSet());
        assertEquals(List.of("debug"), d.queryParametersToRemove());
        assertEquals("v", d.dynamicMetadata().get("k").textValue());
        assertEquals("gold", d.raw().at("/rate_limit/bucket").textValue());
    }

    @Test
    void denyWithStatusAndBody() throws Exception {
        Decision d = read("{\"allowed\": false, \"http_status\": 429, \"body\": \"slow down\"}");
        assertFalse(d.allowed());
        assertEquals(429, d.httpStatus());
        assertEquals(Optional.of("slow down"), d.body());
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("\"yes\"", "policy result must be a boolean or an object, got string"),
                Arguments.of("[true]", "policy result must be a boolean or an object, got array"),
                Arguments.of("{}", "policy result object has no \"allowed\" field"),
                Arguments.of("{\"allowed\": \"true\"}", "\"allowed\" must be a boolean"),
                Arguments.of("{\"allowed\": false, \"http_status\": \"403\"}", "\"http_status\" must be an integer"),
                Arguments.of("{\"allowed\": false, \"http_status\": 999}", "\"http_status\" 999 is not an HTTP status Envoy accepts"),
                Arguments.of("{\"allowed\": true, \"headers\": {\"a\": 1}}", "\"headers.a\" must be a string or an array of strings"),
                Arguments.of("{\"allowed\": true, \"headers\": {\"a\": [1]}}", "\"headers.a\" values must be strings"),
                Arguments.of("{\"allowed\": true, \"headers\": \"a\"}", "\"headers\" must be an object"),
                Arguments.of("{\"allowed\": true, \"headers\": [\"a\"]}", "\"headers\" array items must be objects"),
                Arguments.of("{\"allowed\": true, \"request_headers_to_remove\": \"a\"}", "\"request_headers_to_remove\" must be an array of strings"),
                Arguments.of("{\"allowed\": true, \"query_parameters_to_remove\": [1]}", "\"query_parameters_to_remove\" must be an array of strings"),
                Arguments.of("{\"allowed\": true, \"query_parameters_to_set\": [\"a\"]}", "\"query_parameters_to_set\" must be an object"),
                Arguments.of("{\"allowed\": false, \"body\": {}}", "\"body\" must be a string"),
                Arguments.of("{\"allowed\": true, \"dynamic_metadata\": 1}", "\"dynamic_metadata\" must be an object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedResultsNameTheField(String json, String message) {
        assertEquals(message, assertThrows(InvalidResultException.class, () -> read(json)).getMessage());
    }
}
