package dev.tollgate.authz.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

class CheckResponsesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void allowCarriesMutationsAndMetadata() throws Exception {
        Decision d = DecisionReader.read(JSON.readTree("""
                {"allowed": true, "headers": {"x-user": "alice"}, "response_headers_to_add": {"x-r": "1"},
                 "request_headers_to_remove": ["cookie"], "query_parameters_to_set": {"a": "b"},
                 "query_parameters_to_remove": ["c"], "dynamic_metadata": {"tier": "gold", "decision_id": "forged"}}"""));
        ObjectNode identity = JSON.createObjectNode().put("spiffe_id", "spiffe://td/x");
        CheckResponse r = CheckResponses.build(d, "id-1", "bank-a", CheckResponses.value(identity), ResponseHeaders.DEFAULTS);
        assertEquals(Status.Code.OK.value(), r.getStatus().getCode());
        assertEquals("x-user", r.getOkResponse().getHeaders(0).getHeader().getKey());
        assertEquals("alice", r.getOkResponse().getHeaders(0).getHeader().getValue());
        assertEquals("x-r", r.getOkResponse().getResponseHeadersToAdd(0).getHeader().getKey());
        assertEquals("cookie", r.getOkResponse().getHeadersToRemove(0));
        assertEquals("a", r.getOkResponse().getQueryParametersToSet(0).getKey());
        assertEquals("c", r.getOkResponse().getQueryParametersToRemove(0));
        var md = r.getDynamicMetadata().getFieldsMap();
        assertEquals("gold", md.get("tier").getStringValue());
        assertEquals("id-1", md.get("decision_id").getStringValue(), "policy cannot forge the decision id");
        assertEquals("bank-a", md.get("tenant").getStringValue());
        assertEquals("allowed", md.get("reason").getStringValue());
        assertEquals("spiffe://td/x", md.get("identity").getStructValue().getFieldsMap().get("spiffe_id").getStringValue());
    }

    @Test
    void denyCarriesStatusBodyAndReasonHeaders() throws Exception {
        Decision d = DecisionReader.read(JSON.readTree(
                "{\"allowed\": false, \"http_status\": 429, \"body\": \"no\", \"headers\": {\"x-why\": \"law\"}}"));
        CheckResponse r = CheckResponses.build(d, "id-2", "bank-a", null, new ResponseHeaders("x-why-denied", "x-did"));
        assertEquals(Status.Code.PERMISSION_DENIED.value(), r.getStatus().getCode());
        assertEquals(429, r.getDeniedResponse().getStatus().getCodeValue());
        assertEquals("no", r.getDeniedResponse().getBody());
        var headers = r.getDeniedResponse().getHeadersList();
        assertEquals("x-why", headers.get(0).getHeader().getKey());
        assertEquals("x-why-denied", headers.get(1).getHeader().getKey());
        assertEquals("policy_denied", headers.get(1).getHeader().getValue());
        assertEquals("x-did", headers.get(2).getHeader().getKey());
        assertEquals("id-2", headers.get(2).getHeader().getValue());
        assertTrue(r.getDynamicMetadata().getFieldsMap().get("identity").hasNullValue());
    }

    @Test
    void serverDenyExplainsItselfAndIdentityDeniesAreUnauthenticated() {
        CheckResponse r = CheckResponses.build(Decision.deny(Reason.IDENTITY_MISSING, "no caller identity"), "id-3",
                null, null, ResponseHeaders.DEFAULTS);
        assertEquals(Status.Code.UNAUTHENTICATED.value(), r.getStatus().getCode());
        assertEquals(401, r.getDeniedResponse().getStatus().getCodeValue());
        assertEquals("identity_missing: no caller identity\n", r.getDeniedResponse().getBody());
    }

    @Test
    void aPolicyReasonInTheReasonHeaderIsTheOnlyOne() throws Exception {
        Decision d = DecisionReader.read(JSON.readTree(
                "{\"allowed\": false, \"http_status\": 403, \"headers\": {\"X-Tollgate-Reason\": \"caller_not_allowed\"}}"));
        CheckResponse r = CheckResponses.build(d, "id-4", "bank-b", null, ResponseHeaders.DEFAULTS);
        var reasons = r.getDeniedResponse().getHeadersList().stream()
                .filter(h -> h.getHeader().getKey().equalsIgnoreCase("x-tollgate-reason"))
                .map(h -> h.getHeader().getValue()).toList();
        assertEquals(java.util.List.of("caller_not_allowed"), reasons);
        assertEquals("policy_denied", r.getDynamicMetadata().getFieldsMap().get("reason").getStringValue());
    }
}
