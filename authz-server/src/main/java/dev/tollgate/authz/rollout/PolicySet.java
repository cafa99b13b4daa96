package dev.tollgate.authz.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.decision.Decision;
import dev.tollgate.authz.decision.Reason;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.identity.IdentityResolver;
import dev.tollgate.authz.server.CheckPipeline;
import dev.tollgate.authz.tenant.Tenant;
import dev.tollgate.authz.tenant.TenantLoader;
import dev.tollgate.authz.tenant.TenantRegistry;
import dev.tollgate.authz.tenant.TenantResolver;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every tenant of one policy directory, loaded as {@code serve} loads them, deciding by policy
 * alone: no rate limits (replayed requests would exhaust them), and a dry-run tenant's would-be
 * deny counts as the deny it stands for.
 */
final class PolicySet implements AutoCloseable {
    private final TenantRegistry registry;
    private final CheckPipeline pipeline;

    private PolicySet(TenantRegistry registry, CheckPipeline pipeline) {
        this.registry = registry;
        this.pipeline = pipeline;
    }

    /**
     * @throws IllegalArgumentException naming the tenant and its error when some tenant does not load
     */
    static PolicySet load(Path dir, ServerConfig config, Engines engines) {
        TenantLoader loader = new TenantLoader(engines);
        List<Tenant> tenants = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (String name : TenantLoader.tenantNames(dir)) {
            Tenant t = loader.load(dir, name);
            tenants.add(t);
            t.error().ifPresent(e -> errors.add("tenant " + name + ": " + e));
        }
        if (!errors.isEmpty()) {
            tenants.forEach(t -> t.policy().ifPresent(p -> p.close()));
            throw new IllegalArgumentException(dir + ": " + String.join("; ", errors));
        }
        TenantRegistry registry = new TenantRegistry(tenants.stream().map(Tenant::name).toList());
        registry.publish(tenants);
        CheckPipeline pipeline = new CheckPipeline(new TenantResolver(config.tenancy()),
                new IdentityResolver(config.identity()), registry, config.input(), config.maxHeaderBytes(),
                config.responseHeaders(), List.of());
        return new PolicySet(registry, pipeline);
    }

    /**
     * The policy's verdict for an input document (as logged with {@code decision_log.include_input});
     * {@code input} is a JSON object.
     */
    Verdict decide(String tenant, JsonNode input, String decisionId) {
        Optional<Tenant> t = registry.get(tenant);
        if (t.isEmpty()) {
            return new Verdict(false, Reason.UNKNOWN_TENANT.code());
        }
        return Verdict.of(CheckPipeline.evaluate(t.get(), (ObjectValue) Json.fromJackson(input), decisionId));
    }

    /** A whole CheckRequest decided as {@code serve} decides it: tenant, identity, input document, policy. */
    CheckPipeline.Outcome decide(CheckRequest request) {
        return pipeline.decide(request, Optional.empty());
    }

    @Override
    public void close() {
        registry.tenants().forEach(t -> t.policy().ifPresent(p -> p.close()));
    }

    /** Allow or deny, and why. */
    record Verdict(boolean allowed, String reason) {
        static Verdict of(Decision d) {
            if (d.reason().equals(Reason.DRY_RUN_WOULD_DENY)) {
                JsonNode would = d.dynamicMetadata().get(Decision.WOULD_DENY_REASON);
                return new Verdict(false, would == null ? Reason.POLICY_DENIED.code() : would.asText());
            }
            return new Verdict(d.allowed(), d.reason().code());
        }

        /** A decision as the decision log recorded it, read the same way. */
        static Verdict recorded(JsonNode line) {
            String reason = line.path("reason").asText("");
            if (reason.equals(Reason.DRY_RUN_WOULD_DENY.code())) {
                return new Verdict(false, line.path(Decision.WOULD_DENY_REASON).asText(Reason.POLICY_DENIED.code()));
            }
            if (reason.equals(Reason.RATE_LIMITED.code()) || reason.equals(Reason.RATE_LIMIT_UNAVAILABLE.code())) {
                // The policy allowed; replay decides by policy alone.
                return new Verdict(true, Reason.ALLOWED.code());
            }
            return new Verdict(line.path("allowed").asBoolean(false), reason);
        }

        @Override
        public String toString() {
            return (allowed ? "allow" : "deny") + " (" + reason + ")";
        }
    }
}
