package dev.tollgate.authz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.decision.Reason;
import dev.tollgate.authz.identity.IdentityPolicy;
import dev.tollgate.authz.identity.IdentitySource;
import dev.tollgate.authz.tenant.TenantRouting;
import dev.tollgate.authz.testsupport.Requests;
import dev.tollgate.authz.testsupport.TestPki;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InProcessServerTest {
    @TempDir
    static Path root;
    static Tollgate tollgate;
    static InProcessTollgate served;
    static ManagedChannel channel;
    static AuthorizationGrpc.AuthorizationBlockingStub authz;
    static ServingStatus healthBeforeLoad;

    static ServerConfig config(Path policies) {
        ServerConfig defaults = ServerConfig.defaults();
        return defaults.withPoliciesDir(policies)
                .withHttp(defaults.http().withListener(new ServerConfig.Listener("127.0.0.1", 0)))
                .withIdentity(new IdentityPolicy(List.of(IdentitySource.PRINCIPAL, IdentitySource.CERTIFICATE,
                        IdentitySource.XFCC, IdentitySource.PEER_CERTIFICATE), false, Set.of()))
                .withTenancy(new TenantRouting(List.of(TenantRouting.Source.DESTINATION_PRINCIPAL,
                        TenantRouting.Source.CONTEXT_EXTENSION, TenantRouting.Source.HOST),
                        Map.of("bank-a-staging", "bank-a"), Map.of("ledger.bank-b.example", "bank-b"), Optional.empty()));
    }

    @BeforeAll
    static void start() throws Exception {
        Path policies = Fixtures.policies(root.resolve("policies"));
        // A stage after allow, as the rate limiter will be: denies when the policy asks for it.
        DecisionStage limiter = (ctx, d) -> d.raw().path("throttle").asBoolean()
                ? d.deniedBy(new Reason("rate_limited", 429), "over the limit") : d;
        tollgate = new Tollgate(config(policies), Fixtures.engines(), List.of(limiter));
        served = new InProcessTollgate(tollgate);
        channel = served.channel;
        authz = served.authz;
        healthBeforeLoad = health();
        tollgate.loadTenants();
    }

    @AfterAll
    static void stop() throws Exception {
        served.close();
    }

    static ServingStatus health() {
        return HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.newBuilder().setService("").build()).getStatus();
    }

    static String header(List<HeaderValueOption> headers, String name) {
        return headers.stream().filter(h -> h.getHeader().getKey().equals(name)).map(h -> h.getHeader().getValue())
                .findFirst().orElse(null);
    }

    static String reason(CheckResponse r) {
        return r.getDynamicMetadata().getFieldsMap().get("reason").getStringValue();
    }

    static void assertDenied(CheckResponse r, String reason, int httpStatus) {
        assertFalse(r.hasOkResponse(), r.toString());
        assertEquals(reason, header(r.getDeniedResponse().getHeadersList(), "x-tollgate-reason"), r.toString());
        assertEquals(reason, reason(r));
        assertEquals(httpStatus, r.getDeniedResponse().getStatus().getCodeValue());
        String id = r.getDynamicMetadata().getFieldsMap().get("decision_id").getStringValue();
        assertEquals(36, id.length());
        assertEquals(id, header(r.getDeniedResponse().getHeadersList(), "x-tollgate-decision-id"));
    }

    static void assertAllowed(CheckResponse r) {
        assertEquals(Status.Code.OK.value(), r.getStatus().getCode(), r.toString());
        assertTrue(r.hasOkResponse());
        assertEquals(36, r.getDynamicMetadata().getFieldsMap().get("decision_id").getStringValue().length());
    }

    /** Checks of every kind of answer: allows (plain, shaped, fail-open) and denies (policy, 429 with body, 401, server). */
    static final List<CheckRequest> EVERY_KIND_OF_ANSWER = List.of(
            Requests.get("/accounts/42"),
            Requests.get("/shape"),
            Requests.get("/teapot"),
            Requests.get("/undefined"),
            Requests.get("/error"),
            Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD, Requests.http("DELETE", "/accounts/42")).build(),
            Requests.check(null, Requests.BANK_A_WORKLOAD, Requests.http("GET", "/accounts")).build(),
            Requests.check(Requests.CALLER, "spiffe://cluster.local/ns/bank-z/sa/x", Requests.http("GET", "/")).build(),
            Requests.check(Requests.CALLER, "spiffe://cluster.local/ns/bank-b/sa/ledger",
                    Requests.http("GET", "/error")).build(),
            Requests.check(null, "spiffe://cluster.local/ns/bank-b/sa/ledger", Requests.http("GET", "/public")).build());

    /** A response with its decision id (metadata and deny header) replaced by "id", for comparing two checks. */
    static CheckResponse withoutDecisionId(CheckResponse r) {
        CheckResponse.Builder b = r.toBuilder();
        b.getDynamicMetadataBuilder().putFields("decision_id",
                com.google.protobuf.Value.newBuilder().setStringValue("id").build());
        if (r.hasDeniedResponse()) {
            for (HeaderValueOption.Builder h : b.getDeniedResponseBuilder().getHeadersBuilderList()) {
                if (h.getHeader().getKey().equals("x-tollgate-decision-id")) {
                    h.getHeaderBuilder().setValue("id");
                }
            }
        }
        return b.build();
    }

    /** Over gRPC, what the client parses is the message the pipeline builds for the same check. */
    static void assertGrpcAnswersAreThePipelinesMessages(AuthorizationGrpc.AuthorizationBlockingStub stub,
                                                         Tollgate t) {
        for (CheckRequest request : EVERY_KIND_OF_ANSWER) {
            CheckResponse overGrpc = stub.check(request);
            CheckResponse built = t.pipeline().check(request, Optional.empty());
            assertEquals(withoutDecisionId(built), withoutDecisionId(overGrpc), request.toString());
        }
    }

    @Test
    void grpcAnswersAreWhatThePipelineBuilds() {
        assertGrpcAnswersAreThePipelinesMessages(authz, tollgate);
    }

    @Test
    void healthIsNotServingBeforeTenantsLoadAndServingAfter() {
        assertEquals(ServingStatus.NOT_SERVING, healthBeforeLoad);
        assertEquals(ServingStatus.SERVING, health());
        assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.newBuilder()
                .setService(AuthorizationGrpc.SERVICE_NAME).build()).getStatus());
    }

    @Test
    void reflectionListsTheAuthorizationService() throws Exception {
        CompletableFuture<ServerReflectionResponse> result = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .serverReflectionInfo(new StreamObserver<>() {
                    public void onNext(ServerReflectionResponse r) {
                        result.complete(r);
                    }

                    public void onError(Throwable t) {
                        result.completeExceptionally(t);
                    }

                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        List<String> names = new ArrayList<>();
        result.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList().forEach(s -> names.add(s.getName()));
        requests.onCompleted();
        assertTrue(names.contains("envoy.service.auth.v3.Authorization"), names.toString());
        assertTrue(names.contains("grpc.health.v1.Health"), names.toString());
    }

    @Test
    void allowCarriesIdentityAndTenantInMetadata() {
        CheckResponse r = authz.check(Requests.get("/accounts/42"));
        assertAllowed(r);
        var md = r.getDynamicMetadata().getFieldsMap();
        assertEquals("bank-a", md.get("tenant").getStringValue());
        var identity = md.get("identity").getStructValue().getFieldsMap();
        assertEquals(Requests.CALLER, identity.get("spiffe_id").getStringValue());
        assertEquals("principal", identity.get("source").getStringValue());
        JsonNode input = Fixtures.LAST_INPUT.get();
        assertEquals("accounts", input.at("/parsed_path/0").asText());
        assertEquals("bank-a", input.get("tenant").asText());
    }

    @Test
    void policyDeny() {
        CheckResponse r = authz.check(Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD,
                Requests.http("DELETE", "/accounts/42")).build());
        assertDenied(r, "policy_denied", 403);
        assertEquals(Status.Code.PERMISSION_DENIED.value(), r.getStatus().getCode());
    }

    @Test
    void responseShaping() {
        CheckResponse r = authz.check(Requests.get("/shape"));
        assertAllowed(r);
        var ok = r.getOkResponse();
        assertEquals("teller", header(ok.getHeadersList(), "x-caller"));
        assertEquals("tollgate", header(ok.getResponseHeadersToAddList(), "x-served-by"));
        assertEquals(List.of("cookie"), ok.getHeadersToRemoveList());
        assertEquals("v", ok.getQueryParametersToSet(0).getKey());
        assertEquals(List.of("debug"), ok.getQueryParametersToRemoveList());
        assertEquals("gold", r.getDynamicMetadata().getFieldsMap().get("tier").getStringValue());

        CheckResponse denied = authz.check(Requests.get("/teapot"));
        assertDenied(denied, "policy_denied", 429);
        assertEquals("too many", denied.getDeniedResponse().getBody());
        assertEquals("1", header(denied.getDeniedResponse().getHeadersList(), "retry-after"));
    }

    @Test
    void undefinedErrorAndMalformedResultsDenyClosed() {
        assertDenied(authz.check(Requests.get("/undefined")), "undefined_result", 403);
        CheckResponse error = authz.check(Requests.get("/error"));
        assertDenied(error, "evaluation_error", 403);
        assertFalse(error.getDeniedResponse().getBody().contains("division"), "internal messages stay internal");
        assertDenied(authz.check(Requests.get("/malformed")), "evaluation_error", 403);
    }

    @Test
    void failOpenTenantAllowsOnEvaluationError() {
        CheckResponse r = authz.check(Requests.check(Requests.CALLER, "spiffe://cluster.local/ns/bank-b/sa/ledger",
                Requests.http("GET", "/error")).build());
        assertAllowed(r);
        assertEquals(Reason.FAIL_OPEN.code(), reason(r));
    }

    @Test
    void missingAndInvalidIdentityDeny401() {
        CheckResponse missing = authz.check(Requests.check(null, Requests.BANK_A_WORKLOAD, Requests.http("GET", "/")).build());
        assertDenied(missing, "identity_missing", 401);
        assertEquals(Status.Code.UNAUTHENTICATED.value(), missing.getStatus().getCode());
        CheckResponse invalid = authz.check(Requests.check("spiffe://cluster.local/ns/bank-a/sa/../admin",
                Requests.BANK_A_WORKLOAD, Requests.http("GET", "/")).build());
        assertDenied(invalid, "identity_invalid", 401);
        assertEquals("identity_invalid: principal: path contains a '..' segment\n", invalid.getDeniedResponse().getBody());
    }

    @Test
    void brokenCertificateIsADenyNotAnError() {
        CheckRequest.Builder r = Requests.check(null, Requests.BANK_A_WORKLOAD, Requests.http("GET", "/"));
        r.getAttributesBuilder().getSourceBuilder().setCertificate("-----BEGIN%20CERTIFICATE-----%0AAAAA%0A-----END%20CERTIFICATE-----%0A");
        assertDenied(authz.check(r.build()), "identity_invalid", 401);
    }

    @Test
    void certificateSource() {
        CheckRequest.Builder r = Requests.check(null, Requests.BANK_A_WORKLOAD, Requests.http("GET", "/accounts"));
        r.getAttributesBuilder().getSourceBuilder().setCertificate(TestPki.urlEncodedPem(TestPki.get().clientCert));
        CheckResponse response = authz.check(r.build());
        assertAllowed(response);
        assertEquals("certificate", Fixtures.LAST_INPUT.get().at("/identity/source").asText());
    }

    @Test
    void forgedXfccIsIgnoredWhenUntrusted() {
        CheckResponse r = authz.check(Requests.check(null, Requests.BANK_A_WORKLOAD, Requests.http("GET", "/")
                .putHeaders("x-forwarded-client-cert", "URI=" + Requests.CALLER)).build());
        assertDenied(r, "identity_missing", 401);
        assertTrue(r.getDeniedResponse().getBody().contains("present but not trusted"));
    }

    @Test
    void anonymousTenantEvaluatesWithoutIdentity() {
        CheckResponse r = authz.check(Requests.check(null, "spiffe://cluster.local/ns/bank-b/sa/ledger",
                Requests.http("GET", "/public")).build());
        assertAllowed(r);
        assertFalse(Fixtures.LAST_INPUT.get().has("identity"));
        assertTrue(r.getDynamicMetadata().getFieldsMap().get("identity").hasNullValue());
    }

    @Test
    void tenantRouting() {
        // Namespace mapping: bank-a-staging -> bank-a.
        assertAllowed(authz.check(Requests.check(Requests.CALLER, "spiffe://cluster.local/ns/bank-a-staging/sa/x",
                Requests.http("GET", "/")).build()));
        assertEquals("bank-a", Fixtures.LAST_INPUT.get().get("tenant").asText());
        // Host mapping.
        CheckRequest byHost = Requests.check(Requests.CALLER, null,
                Requests.http("GET", "/public").setHost("ledger.bank-b.example:443")).build();
        assertEquals("bank-b", authz.check(byHost).getDynamicMetadata().getFieldsMap().get("tenant").getStringValue());
        // Context extension to the WASM tenant: real OPA wasm, whose rule needs input.user, denies.
        CheckRequest.Builder toDemo = Requests.check(Requests.CALLER, null, Requests.http("GET", "/"));
        toDemo.getAttributesBuilder().putContextExtensions("tenant", "demo");
        CheckResponse demo = authz.check(toDemo.build());
        assertDenied(demo, "policy_denied", 403);
        assertEquals("demo", demo.getDynamicMetadata().getFieldsMap().get("tenant").getStringValue());
        // Nobody owns it.
        assertDenied(authz.check(Requests.check(Requests.CALLER, "spiffe://cluster.local/ns/bank-z/sa/x",
                Requests.http("GET", "/")).build()), "unknown_tenant", 403);
    }

    @Test
    void tcpChecksAreDecidedOnIdentity() {
        assertAllowed(authz.check(Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD, null).build()));
        assertDenied(authz.check(Requests.check("spiffe://cluster.local/ns/bank-b/sa/x", Requests.BANK_A_WORKLOAD, null)
                .build()), "policy_denied", 403);
    }

    @Test
    void decisionStageRunsAfterAllow() {
        // The stage registered in start() reads a field of the raw policy result, as the rate limiter will.
        CheckResponse r = authz.check(Requests.get("/throttle"));
        assertDenied(r, "rate_limited", 429);
        assertEquals("rate_limited: over the limit\n", r.getDeniedResponse().getBody());
        assertTrue(tollgate.pipeline().decide(Requests.get("/shape"), Optional.empty()).decision().allowed());
    }

    @Test
    void hostileRequestsGetPreciseDenies() {
        CheckResponse huge = authz.check(Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD,
                Requests.http("GET", "/").putHeaders("x-big", "a".repeat(70_000))).build());
        assertDenied(huge, "invalid_request", 400);
        assertTrue(huge.getDeniedResponse().getBody().contains("more than the limit of 65536"));
        assertDenied(authz.check(Requests.get("/a%zz")), "invalid_request", 400);
        CheckResponse badJson = authz.check(Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD,
                Requests.http("POST", "/t").putHeaders("content-type", "application/json").setBody("{\"a\":")).build());
        assertDenied(badJson, "invalid_request", 400);
        CheckResponse deep = authz.check(Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD,
                Requests.http("POST", "/t").putHeaders("content-type", "application/json")
                        .setRawBody(ByteString.copyFromUtf8("[".repeat(5000) + "]".repeat(5000)))).build());
        assertDenied(deep, "invalid_request", 400);
        assertDenied(authz.check(CheckRequest.getDefaultInstance()), "unknown_tenant", 403);
    }
}
