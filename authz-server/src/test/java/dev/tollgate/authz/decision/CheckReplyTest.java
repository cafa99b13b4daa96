package dev.tollgate.authz.decision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What a client parses from a {@link CheckReply}'s bytes is what {@link CheckResponses#build}
 * returns for the same decision (maps compare unordered), over every decision shape: allows with
 * and without mutations, denies with body, headers, 401 and the server's own explanations, dry-run
 * allows, metadata from the policy (including keys the server sets), anonymous callers, no tenant.
 */
class CheckReplyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String[] TEXT = {"", "a", "bank-a", "x-tollgate-reason", "X-Tollgate-Reason", "x-user",
        "caller_not_allowed", "J\u00f6rg", "\u65e5\u672c", "\ud83d\ude00", "line\nbreak", "tab\there", "\u0000",
        "lone \ud800 surrogate", "x".repeat(130), "y".repeat(20_000)};
    private static final String[] METADATA_KEYS = {"tier", "user", "decision_id", "reason", "tenant", "identity",
        "policy_revision", "would_deny_reason", "ratelimit_key", "", "\u00e9"};
    private static final int[] DENY_STATUSES = {400, 401, 403, 404, 429, 500, 503, 302};
    private static final ResponseHeaders[] NAMES = {ResponseHeaders.DEFAULTS,
        new ResponseHeaders("x-why-denied", "x-did"), new ResponseHeaders("x-user", "x-tollgate-reason")};

    @Test
    void clientsParseWhatBuildReturnsForRandomDecisions() throws Exception {
        Random r = new Random(7);
        CheckReplies[] encoders = new CheckReplies[NAMES.length];
        for (int i = 0; i < NAMES.length; i++) {
            encoders[i] = new CheckReplies(NAMES[i]);
        }
        List<IdentityMetadata> identities = identities();
        int denies = 0;
        int withMetadata = 0;
        // More than the caches hold (distinct metadata, tenants, revisions): they fill, clear and refill.
        for (int i = 0; i < 12_000; i++) {
            Decision d = decision(r);
            if (!d.allowed()) {
                denies++;
            }
            if (!d.dynamicMetadata().isEmpty()) {
                withMetadata++;
            }
            int n = r.nextInt(NAMES.length);
            String decisionId = r.nextInt(10) == 0 ? pick(r, TEXT) : java.util.UUID.randomUUID().toString();
            String tenant = r.nextInt(6) == 0 ? null : r.nextInt(3) == 0 ? "tenant-" + r.nextInt(1500) : pick(r, TEXT);
            String revision = r.nextInt(5) == 0 ? null : r.nextInt(2) == 0 ? "rev-" + r.nextInt(3) : pick(r, TEXT);
            IdentityMetadata identity = identities.get(r.nextInt(identities.size()));
            assertSame(d, decisionId, tenant, identity, revision, encoders[n], NAMES[n]);
        }
        assertTrue(denies > 3000 && withMetadata > 3000, denies + " denies, " + withMetadata + " with metadata");
    }

    @Test
    void everyServerReasonAndDryRun() throws Exception {
        CheckReplies encoder = new CheckReplies(ResponseHeaders.DEFAULTS);
        for (Reason reason : Reason.ALL) {
            for (String detail : new String[] {"", "tenant policy is not loaded"}) {
                Decision deny = Decision.deny(reason, detail);
                assertSame(deny, "id", "bank-a", null, "r1", encoder, ResponseHeaders.DEFAULTS);
                assertSame(deny, "id", null, null, null, encoder, ResponseHeaders.DEFAULTS);
                assertSame(Decision.allow(reason, detail), "id", "bank-a", null, "r1", encoder,
                        ResponseHeaders.DEFAULTS);
                assertSame(deny.allowedByDryRun(), "id", "bank-a", null, "r1", encoder, ResponseHeaders.DEFAULTS);
            }
        }
        Decision policy = DecisionReader.read(JSON.readTree("""
                {"allowed": false, "http_status": 401, "body": "who?", "headers": {"www-authenticate": "Bearer"},
                 "dynamic_metadata": {"tier": "gold", "decision_id": "forged", "tenant": "other", "n": [1, 2.5, null]}}"""));
        assertSame(policy.allowedByDryRun(), "id-1", "bank-a", null, "r1", encoder, ResponseHeaders.DEFAULTS);
        assertSame(policy, "id-1", "bank-a", null, "r1", encoder, ResponseHeaders.DEFAULTS);
        assertSame(policy, "id-1", null, null, null, encoder, ResponseHeaders.DEFAULTS);
    }

    @Test
    void aPlainAllowIsTheConstantPrefixAndTheMetadata() throws Exception {
        CheckReplies encoder = new CheckReplies(ResponseHeaders.DEFAULTS);
        IdentityMetadata identity = new IdentityMetadata(CheckResponses.value(JSON.readTree(
                "{\"spiffe_id\": \"spiffe://cluster.local/ns/bank-a/sa/teller\", \"trust_domain\": \"cluster.local\"}")));
        CheckReply reply = encoder.reply(DecisionReader.read(NODES.booleanNode(true)), "4f0c", "bank-a", identity, "r7");
        CheckResponse parsed = CheckResponse.parseFrom(reply.toByteArray());
        assertTrue(parsed.hasOkResponse());
        assertEquals(0, parsed.getStatus().getCode());
        var md = parsed.getDynamicMetadata().getFieldsMap();
        assertEquals(List.of("decision_id", "identity", "policy_revision", "reason", "tenant"),
                md.keySet().stream().sorted().toList());
        assertEquals("4f0c", md.get("decision_id").getStringValue());
        assertEquals("allowed", md.get("reason").getStringValue());
        // The status and ok_response come first, as protobuf writes them.
        byte[] canonical = CheckResponses.build(reply.decision(), "4f0c", "bank-a", identity.value(),
                ResponseHeaders.DEFAULTS, "r7").toByteArray();
        assertArrayEquals(java.util.Arrays.copyOf(canonical, 4), java.util.Arrays.copyOf(reply.toByteArray(), 4));
        assertEquals(canonical.length, reply.serializedSize());
    }

    private static void assertSame(Decision d, String decisionId, String tenant, IdentityMetadata identity,
                                   String revision, CheckReplies encoder, ResponseHeaders names)
            throws InvalidProtocolBufferException, IOException {
        CheckResponse built = CheckResponses.build(d, decisionId, tenant, identity == null ? null : identity.value(),
                names, revision);
        CheckReply reply = encoder.reply(d, decisionId, tenant, identity, revision);
        byte[] bytes = reply.toByteArray();
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        assertEquals(bytes.length, reply.writeTo(written));
        assertArrayEquals(bytes, written.toByteArray());
        assertEquals(bytes.length, reply.serializedSize());
        CheckResponse parsed = CheckResponse.parseFrom(bytes);
        // Parsed on both sides: a lone surrogate goes over the wire as '?' whichever way it is encoded.
        CheckResponse expected = CheckResponse.parseFrom(built.toByteArray());
        if (!expected.equals(parsed)) {
            fail("for " + d + " (decision id " + decisionId + ", tenant " + tenant + ", revision " + revision
                    + "):\nbuild: " + expected + "\nreply: " + parsed);
        }
        assertEquals(built.getSerializedSize(), bytes.length, "same entries, so the same size");
        assertEquals(built, reply.message());
    }

    private static List<IdentityMetadata> identities() throws IOException {
        List<IdentityMetadata> out = new ArrayList<>();
        out.add(null);
        out.add(IdentityMetadata.ANONYMOUS);
        out.add(new IdentityMetadata(CheckResponses.value(JSON.readTree("""
                {"spiffe_id": "spiffe://cluster.local/ns/bank-a/sa/teller", "trust_domain": "cluster.local",
                 "namespace": "bank-a", "service_account": "teller", "source": "principal", "federated": false}"""))));
        out.add(new IdentityMetadata(CheckResponses.value(JSON.readTree(
                "{\"spiffe_id\": \"spiffe://partner.example/x\", \"claims\": {\"aud\": [\"a\", \"b\"], \"exp\": 1.7e9}}"))));
        out.add(new IdentityMetadata(Value.newBuilder().setStringValue("odd").build()));
        return out;
    }

    private static Decision decision(Random r) {
        boolean allowed = r.nextBoolean();
        Reason reason = switch (r.nextInt(5)) {
            case 0 -> Reason.ALL.get(r.nextInt(Reason.ALL.size()));
            case 1 -> new Reason(pick(r, TEXT), 403);
            default -> allowed ? Reason.ALLOWED : Reason.POLICY_DENIED;
        };
        String detail = r.nextInt(3) == 0 ? pick(r, TEXT) : "";
        int status = allowed ? 200 : DENY_STATUSES[r.nextInt(DENY_STATUSES.length)];
        Optional<String> body = allowed || r.nextBoolean() ? Optional.empty() : Optional.of(pick(r, TEXT));
        ObjectNode metadata = r.nextInt(5) < 2 ? metadata(r) : NODES.objectNode();
        Decision d = new Decision(allowed, reason, detail, status, headers(r), headers(r), names(r), headers(r),
                names(r), body, metadata, NullNode.getInstance());
        return r.nextInt(8) == 0 && !allowed ? d.allowedByDryRun() : d;
    }

    private static List<Header> headers(Random r) {
        List<Header> out = new ArrayList<>();
        for (int n = r.nextInt(4) == 0 ? r.nextInt(4) : 0; n > 0; n--) {
            out.add(new Header(pick(r, TEXT), pick(r, TEXT)));
        }
        return out;
    }

    private static List<String> names(Random r) {
        List<String> out = new ArrayList<>();
        for (int n = r.nextInt(4) == 0 ? r.nextInt(3) : 0; n > 0; n--) {
            out.add(pick(r, TEXT));
        }
        return out;
    }

    private static ObjectNode metadata(Random r) {
        ObjectNode o = NODES.objectNode();
        for (int n = 1 + r.nextInt(4); n > 0; n--) {
            o.set(r.nextInt(4) == 0 ? "k" + r.nextInt(2000) : pick(r, METADATA_KEYS), json(r, 0));
        }
        return o;
    }

    private static JsonNode json(Random r, int depth) {
        return switch (r.nextInt(depth > 2 ? 6 : 8)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(r.nextBoolean());
            case 2 -> NODES.numberNode(r.nextInt(2000) - 1000);
            case 3 -> NODES.numberNode(new BigDecimal(r.nextInt(100_000)).movePointLeft(r.nextInt(5)));
            case 4 -> NODES.numberNode(r.nextDouble() * 1e12);
            case 5 -> NODES.textNode(pick(r, TEXT));
            case 6 -> {
                ArrayNode a = NODES.arrayNode();
                for (int n = r.nextInt(4); n > 0; n--) {
                    a.add(json(r, depth + 1));
                }
                yield a;
            }
            default -> {
                ObjectNode o = NODES.objectNode();
                for (int n = r.nextInt(4); n > 0; n--) {
                    o.set(pick(r, METADATA_KEYS), json(r, depth + 1));
                }
                yield o;
            }
        };
    }

    private static String pick(Random r, String[] from) {
        return from[r.nextInt(from.length)];
    }
}
