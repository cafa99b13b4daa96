package dev.tollgate.authz.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decision log: size-based rotation, and masking of logged input documents. */
class DecisionLogRolloutTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static DecisionRecord record(int n, LoggedInput input) {
        return new DecisionRecord("d-" + n, 1_764_000_000_123L, "bank-a", null, null, "GET", "/accounts/" + n, false,
                "policy_denied", 403, "sha256:01", 1000, 2000, null, null, null, null, input, null);
    }

    @Test
    void theFileRotatesBySizeAndKeepsMaxFiles() throws Exception {
        Path file = dir.resolve("decisions.jsonl");
        StringWriter w = new StringWriter();
        try (DecisionLog one = DecisionLog.to(w, 1.0, 10)) {
            one.offer(record(10, null));
        }
        int lineBytes = w.toString().length();
        // Room for three lines per file; 21 lines make 7 files' worth, of which the current one and 2 rotated stay.
        DecisionLogSettings settings = new DecisionLogSettings(true, Optional.of(file), 1.0, 100)
                .withRotation(3L * lineBytes + 1, 2);
        try (DecisionLog log = DecisionLog.open(settings)) {
            for (int i = 10; i < 31; i++) {
                log.offer(record(i, null));
            }
        }
        List<String> names;
        try (Stream<Path> files = Files.list(dir)) {
            names = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("decisions.jsonl", "decisions.jsonl.1", "decisions.jsonl.2"), names);
        assertEquals(List.of("d-28", "d-29", "d-30"), ids(file));
        assertEquals(List.of("d-25", "d-26", "d-27"), ids(dir.resolve("decisions.jsonl.1")));
        assertEquals(List.of("d-22", "d-23", "d-24"), ids(dir.resolve("decisions.jsonl.2")));
        for (String n : names) {
            assertTrue(Files.size(dir.resolve(n)) <= 3L * lineBytes + 1, n);
        }
    }

    @Test
    void withoutALimitTheFileNeverRotates() throws Exception {
        Path file = dir.resolve("decisions.jsonl");
        try (DecisionLog log = DecisionLog.open(new DecisionLogSettings(true, Optional.of(file), 1.0, 100))) {
            for (int i = 10; i < 60; i++) {
                log.offer(record(i, null));
            }
        }
        assertEquals(50, ids(file).size());
        assertFalse(Files.exists(dir.resolve("decisions.jsonl.1")));
    }

    private static List<String> ids(Path file) throws Exception {
        List<String> ids = new ArrayList<>();
        for (String l : Files.readAllLines(file)) {
            ids.add(JSON.readTree(l).get("decision_id").textValue());
        }
        return ids;
    }

    static ObjectNode input() throws Exception {
        return (ObjectNode) JSON.readTree("""
                {"attributes": {"request": {"http": {"method": "GET",
                   "headers": {"Authorization": "Bearer t0ken", "x-user": "alice", "a/b": "slash"},
                   "headerMap": {"headers": [{"key": "cookie", "value": "c00kie"}, {"key": "accept", "value": "*/*"}]}}}},
                 "parsed_query": {"ids": ["1", "2", "3"]},
                 "tenant": "bank-a"}""");
    }

    private static JsonNode written(LoggedInput input, List<String> maskHeaders) throws Exception {
        StringWriter out = new StringWriter();
        DecisionLogSettings s = new DecisionLogSettings(true, Optional.empty(), 1.0, 10).withInput(true, maskHeaders);
        try (DecisionLog log = DecisionLog.to(out, s)) {
            log.offer(record(1, input));
        }
        return JSON.readTree(out.toString());
    }

    @Test
    void alwaysMaskedHeadersAreErasedWhateverTheirCase() throws Exception {
        ObjectNode original = input();
        String before = original.toString();
        JsonNode line = written(new LoggedInput(original, LoggedInput.MaskRules.NONE),
                DecisionLogSettings.DEFAULT_MASK_HEADERS);
        assertFalse(line.toString().contains("t0ken"), line.toString());
        assertFalse(line.toString().contains("c00kie"), line.toString());
        assertEquals("alice", line.at("/input/attributes/request/http/headers/x-user").textValue());
        assertEquals("accept", line.at("/input/attributes/request/http/headerMap/headers/0/key").textValue());
        assertEquals(Set.of("/input/attributes/request/http/headers/Authorization",
                "/input/attributes/request/http/headerMap/headers/0"), set(line.get("erased")));
        assertEquals(before, original.toString(), "the document the policy saw is not touched");
    }

    @Test
    void maskRulesEraseAndUpsertByJsonPointer() throws Exception {
        JsonNode rules = JSON.readTree("""
                ["/input/parsed_query/ids/1", "/input/attributes/request/http/headers/a~1b", "/input/absent/x",
                 "/result", {"op": "upsert", "path": "/input/identity/spiffe_id", "value": "redacted"},
                 {"op": "remove", "path": "/input/tenant"}, {"op": "upsert", "path": "/input/x"}, 42]""");
        List<JsonNode> seen = new ArrayList<>();
        JsonNode line = written(new LoggedInput(input(), event -> {
            seen.add(event);
            return rules;
        }), List.of());
        assertEquals("[\"1\",\"3\"]", line.at("/input/parsed_query/ids").toString());
        assertTrue(line.at("/input/attributes/request/http/headers/a~1b").isMissingNode());
        assertEquals("redacted", line.at("/input/identity/spiffe_id").textValue());
        assertNull(line.get("input").get("tenant"));
        assertEquals("Bearer t0ken", line.at("/input/attributes/request/http/headers/Authorization").textValue(),
                "with an empty mask_headers list only the rules mask");
        assertEquals(List.of("/input/parsed_query/ids/1", "/input/attributes/request/http/headers/a~1b",
                "/input/tenant"), list(line.get("erased")));
        assertEquals(List.of("/input/identity/spiffe_id"), list(line.get("masked")));
        // The rules see the event with the unmasked input, as OPA's do.
        assertEquals("d-1", seen.getFirst().get("decision_id").textValue());
        assertEquals("Bearer t0ken", seen.getFirst().at("/input/attributes/request/http/headers/Authorization")
                .textValue());
    }

    @Test
    void rulesThatFailEraseTheWholeInput() throws Exception {
        JsonNode line = written(new LoggedInput(input(), event -> {
            throw new IllegalStateException("system.log.mask failed: conflict");
        }), List.of());
        assertNull(line.get("input"));
        assertEquals(List.of("/input"), list(line.get("erased")));
        assertEquals("d-1", line.get("decision_id").textValue());
    }

    @Test
    void erasingInputItselfDropsIt() throws Exception {
        JsonNode rules = JSON.readTree("[\"/input\"]");
        JsonNode line = written(new LoggedInput(input(), event -> rules), List.of());
        assertNull(line.get("input"));
        assertEquals(List.of("/input"), list(line.get("erased")));
    }

    private static List<String> list(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.textValue()));
        return out;
    }

    private static Set<String> set(JsonNode array) {
        return Set.copyOf(list(array));
    }
}
