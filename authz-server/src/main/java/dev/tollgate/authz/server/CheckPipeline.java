package dev.tollgate.authz.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.authz.decision.CheckReplies;
import dev.tollgate.authz.decision.CheckReply;
import dev.tollgate.authz.decision.CheckResponses;
import dev.tollgate.authz.decision.Decision;
import dev.tollgate.authz.decision.DecisionReader;
import dev.tollgate.authz.decision.IdentityMetadata;
import dev.tollgate.authz.decision.InvalidResultException;
import dev.tollgate.authz.decision.Reason;
import dev.tollgate.authz.decision.ResponseHeaders;
import dev.tollgate.authz.engine.CompiledPolicy;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.ratelimit.TenantRateLimits;
import dev.tollgate.authz.engine.EvalResult;
import dev.tollgate.authz.identity.CallerIdentity;
import dev.tollgate.authz.identity.IdentityResolver;
import dev.tollgate.authz.identity.IdentityResult;
import dev.tollgate.authz.input.InputDocument;
import dev.tollgate.authz.input.InputDocuments;
import dev.tollgate.authz.input.InputOptions;
import dev.tollgate.authz.input.InvalidRequestException;
import dev.tollgate.authz.tenant.Tenant;
import dev.tollgate.authz.tenant.TenantRegistry;
import dev.tollgate.authz.tenant.TenantResolver;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import java.lang.System.Logger.Level;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;

/**
 * One Check, transport-free: tenant → identity → input document → engine → decision →
 * {@link DecisionStage}s (allowed decisions only, e.g. rate limiting) → {@link CheckReply}.
 * Never throws: every failure becomes a deny with a reason.
 */
public final class CheckPipeline {
    private static final System.Logger LOG = System.getLogger(CheckPipeline.class.getName());

    private final TenantResolver tenantResolver;
    private final IdentityResolver identityResolver;
    private final TenantRegistry registry;
    private final InputOptions inputOptions;
    private final int maxHeaderBytes;
    private final CheckReplies replies;
    private final List<DecisionStage> stages;
    private final CheckObserver observer;
    private final CandidateShadow candidates;

    public CheckPipeline(TenantResolver tenantResolver, IdentityResolver identityResolver, TenantRegistry registry,
                         InputOptions inputOptions, int maxHeaderBytes, ResponseHeaders responseHeaders,
                         List<DecisionStage> stages) {
        this(tenantResolver, identityResolver, registry, inputOptions, maxHeaderBytes, responseHeaders, stages,
                CheckObserver.NONE);
    }

    CheckPipeline(TenantResolver tenantResolver, IdentityResolver identityResolver, TenantRegistry registry,
                  InputOptions inputOptions, int maxHeaderBytes, ResponseHeaders responseHeaders,
                  List<DecisionStage> stages, CheckObserver observer) {
        this(tenantResolver, identityResolver, registry, inputOptions, maxHeaderBytes, responseHeaders, stages,
                observer, null);
    }

    /** @param candidates shadow evaluation of candidate policies, or null when no tenant has one */
    CheckPipeline(TenantResolver tenantResolver, IdentityResolver identityResolver, TenantRegistry registry,
                  InputOptions inputOptions, int maxHeaderBytes, ResponseHeaders responseHeaders,
                  List<DecisionStage> stages, CheckObserver observer, CandidateShadow candidates) {
        this.candidates = candidates;
        this.observer = observer;
        this.tenantResolver = tenantResolver;
        this.identityResolver = identityResolver;
        this.registry = registry;
        this.inputOptions = inputOptions;
        this.maxHeaderBytes = maxHeaderBytes;
        this.replies = new CheckReplies(responseHeaders);
        this.stages = List.copyOf(stages);
    }

    /**
     * The decision and what the response is built from.
     *
     * @param revision  the deciding tenant's policy revision, or null when no loaded tenant decided
     * @param evalNanos time spent in the policy engine, 0 when no policy ran
     * @param input     the input document the policy saw (read-only), or null when no policy ran
     * @param policy    the policy that decided, or null when none ran (the decision log evaluates its mask rules)
     */
    public record Outcome(Decision decision, String decisionId, String tenant, CallerIdentity identity,
                          String revision, long evalNanos, ObjectValue input, CompiledPolicy policy) {
        public Outcome(Decision decision, String decisionId, String tenant, CallerIdentity identity) {
            this(decision, decisionId, tenant, identity, null, 0);
        }

        public Outcome(Decision decision, String decisionId, String tenant, CallerIdentity identity, String revision) {
            this(decision, decisionId, tenant, identity, revision, 0);
        }

        public Outcome(Decision decision, String decisionId, String tenant, CallerIdentity identity, String revision,
                       long evalNanos) {
            this(decision, decisionId, tenant, identity, revision, evalNanos, null, null);
        }
    }

    /**
     * One Check, answered as the gRPC service sends it: the reply's bytes are encoded when it is
     * written ({@link CheckReply#writeTo}); {@link CheckReply#message()} builds the message.
     */
    public CheckReply reply(CheckRequest request, Optional<X509Certificate> peerCertificate) {
        long start = System.nanoTime();
        Outcome o = decide(request, peerCertificate);
        long nanos = System.nanoTime() - start;
        try {
            observer.checked(request, o, nanos);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "check " + o.decisionId() + ": telemetry failed", e);
        }
        return replies.reply(o.decision(), o.decisionId(), o.tenant(), identityMetadata(o.identity()), o.revision());
    }

    /** One Check, as a {@link CheckResponse} message ({@link #reply} and {@link CheckReply#message()}). */
    public CheckResponse check(CheckRequest request, Optional<X509Certificate> peerCertificate) {
        return reply(request, peerCertificate).message();
    }

    private final EvalPace pace = new EvalPace();

    /**
     * Whether deciding this check may block its thread: its tenant counts rate limits in Redis, may
     * call {@code http.send}, borrows WASM instances from a pool, or its evaluations have lately taken
     * more than {@link EvalPace#SLOW_NANOS} on average. Such checks leave the transport thread;
     * everything else (unknown or unloaded tenants included) is decided on it.
     */
    public boolean mayBlock(CheckRequest request) {
        Optional<String> name = tenantResolver.resolve(request.getAttributes(), registry.names());
        if (name.isEmpty()) {
            return false;
        }
        Optional<Tenant> tenant = registry.get(name.get());
        return tenant.isPresent() && tenant.get().loaded() && (mayBlock(tenant.get()) || pace.slow(name.get()));
    }

    static boolean mayBlock(Tenant t) {
        return t.settings().evaluation().httpSendEnabled()
                || t.settings().rateLimits().counters() == TenantRateLimits.Counters.REDIS
                || t.engine().filter(Engines.WASM::equals).isPresent();
    }

    /** The answer to a check that cannot be taken on now: a 503 deny ({@code overloaded}), counted as any other. */
    public CheckReply overloaded(CheckRequest request) {
        String tenant = tenantResolver.resolve(request.getAttributes(), registry.names()).orElse(null);
        Outcome o = new Outcome(Decision.deny(Reason.OVERLOADED,
                "too many checks are waiting for tenants that may block; retry later"), DecisionIds.next(), tenant, null);
        try {
            observer.checked(request, o, 0);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "check " + o.decisionId() + ": telemetry failed", e);
        }
        return replies.reply(o.decision(), o.decisionId(), o.tenant(), null, null);
    }

    private static final int IDENTITY_MEMO_LIMIT = 10_000;
    // Callers repeat: the metadata of an identity is built and encoded once, not per check.
    /** An identity as input JSON (read-only) and as response metadata, made once per caller. */
    record IdentityForms(ObjectValue input, IdentityMetadata metadata) {
    }

    private final ConcurrentHashMap<CallerIdentity, IdentityForms> identityForms = new ConcurrentHashMap<>();

    IdentityForms identityForms(CallerIdentity identity) {
        IdentityForms f = identityForms.get(identity);
        if (f == null) {
            if (identityForms.size() >= IDENTITY_MEMO_LIMIT) {
                identityForms.clear();
            }
            ObjectNode json = InputDocuments.identityJson(identity);
            f = new IdentityForms(InputDocuments.identityValue(json), new IdentityMetadata(CheckResponses.value(json)));
            identityForms.put(identity, f);
        }
        return f;
    }

    IdentityMetadata identityMetadata(CallerIdentity identity) {
        return identity == null ? null : identityForms(identity).metadata();
    }

    public Outcome decide(CheckRequest request, Optional<X509Certificate> peerCertificate) {
        String decisionId = DecisionIds.next();
        String tenantName = null;
        CallerIdentity caller = null;
        try {
            AttributeContext attributes = request.getAttributes();
            String oversized = oversizedHeaders(attributes.getRequest().getHttp());
            if (oversized != null) {
                return new Outcome(Decision.deny(Reason.INVALID_REQUEST, oversized), decisionId, null, null);
            }
            Optional<String> resolved = tenantResolver.resolve(attributes, registry.names());
            if (resolved.isEmpty()) {
                return new Outcome(Decision.deny(Reason.UNKNOWN_TENANT, tenantResolver.describeMiss(attributes)),
                        decisionId, null, null);
            }
            tenantName = resolved.get();
            Optional<Tenant> tenant = registry.get(tenantName);
            if (tenant.isEmpty() || !tenant.get().loaded()) {
                return new Outcome(Decision.deny(Reason.TENANT_NOT_READY, "tenant policy is not loaded"),
                        decisionId, tenantName, null);
            }
            Optional<CallerIdentity> identity = Optional.empty();
            switch (identityResolver.resolve(attributes, peerCertificate)) {
                case IdentityResult.Found f -> identity = Optional.of(f.identity().withFederated(
                        tenantResolver.federated(attributes, tenantName, f.identity().id().trustDomain())));
                case IdentityResult.Missing m -> {
                    if (!tenant.get().settings().allowAnonymous()) {
                        return settled(tenant.get(), new Outcome(Decision.deny(Reason.IDENTITY_MISSING, m.detail()),
                                decisionId, tenantName, null, tenant.get().revision()));
                    }
                }
                case IdentityResult.Invalid i -> {
                    if (!tenant.get().settings().allowAnonymous()) {
                        return settled(tenant.get(), new Outcome(Decision.deny(Reason.IDENTITY_INVALID, i.detail()),
                                decisionId, tenantName, null, tenant.get().revision()));
                    }
                }
            }
            caller = identity.orElse(null);
            InputDocument input;
            try {
                input = InputDocuments.build(request, caller == null ? null : identityForms(caller).input(), tenantName,
                        inputOptions);
            } catch (InvalidRequestException e) {
                return settled(tenant.get(), new Outcome(Decision.deny(Reason.INVALID_REQUEST, e.getMessage()),
                        decisionId, tenantName, caller, tenant.get().revision()));
            }
            // The tenant read above is the snapshot this check uses to the end, whatever a reload publishes.
            long evalStart = System.nanoTime();
            Decision decision = evaluate(tenant.get(), input.value(), decisionId);
            long evalNanos = System.nanoTime() - evalStart;
            pace.record(tenantName, evalNanos);
            // A body the policy did not read is checked now: an unreadable one denies whatever the policy said.
            String unreadable = input.problem();
            if (unreadable != null) {
                return settled(tenant.get(), new Outcome(Decision.deny(Reason.INVALID_REQUEST, unreadable), decisionId,
                        tenantName, caller, tenant.get().revision(), evalNanos));
            }
            if (candidates != null) {
                candidates.offer(tenantName, tenant.get().revision(), input.value(), decision, decisionId);
            }
            if (decision.allowed()) {
                CheckContext context = new CheckContext(decisionId, tenantName, tenant.get().settings(), identity,
                        request, input.value());
                for (DecisionStage stage : stages) {
                    decision = stage.afterAllow(context, decision);
                    if (!decision.allowed()) {
                        break; // a deny stays a deny: later stages (and their counters) never see it
                    }
                }
            }
            return settled(tenant.get(), new Outcome(decision, decisionId, tenantName, caller,
                    tenant.get().revision(), evalNanos, input.value(), tenant.get().policy().orElseThrow()));
        } catch (RuntimeException | StackOverflowError e) {
            LOG.log(Level.ERROR, "check " + decisionId + " failed unexpectedly", e);
            return new Outcome(Decision.deny(Reason.EVALUATION_ERROR, ""), decisionId, tenantName, caller);
        }
    }

    /** A deny for a tenant in {@code mode: dry_run} becomes an allow that says what it would have been. */
    private static Outcome settled(Tenant tenant, Outcome o) {
        if (o.decision().allowed() || !tenant.settings().dryRun()) {
            return o;
        }
        return new Outcome(o.decision().allowedByDryRun(), o.decisionId(), o.tenant(), o.identity(), o.revision(),
                o.evalNanos(), o.input(), o.policy());
    }

    /**
     * The tenant policy's decision for an input document (before any {@link DecisionStage}): what the
     * policy said, an undefined-result deny, or an evaluation error under the tenant's fail mode.
     */
    public static Decision evaluate(Tenant tenant, ObjectValue input, String decisionId) {
        return evaluate(tenant, input, decisionId, null);
    }

    /**
     * As {@link #evaluate(Tenant, ObjectValue, String)}; {@code subject} starts its log lines (e.g. "candidate of
     * tenant x"), null for "tenant x" (built only when something is logged).
     */
    static Decision evaluate(Tenant tenant, ObjectValue input, String decisionId, String subject) {
        CompiledPolicy policy = tenant.policy().orElseThrow();
        String failure;
        switch (policy.evaluate(input)) {
            case EvalResult.Undefined u -> {
                return Decision.deny(Reason.UNDEFINED_RESULT, "");
            }
            case EvalResult.Defined d -> {
                try {
                    return DecisionReader.read(d.value());
                } catch (InvalidResultException e) {
                    failure = "policy result is malformed: " + e.getMessage();
                }
            }
            case EvalResult.Failed f -> failure = f.message();
        }
        LOG.log(Level.WARNING, (subject == null ? "tenant " + tenant.name() : subject) + " check " + decisionId
                + ": " + failure
                + (tenant.settings().failOpen() ? " (fail_mode open: allowing)" : ""));
        // The caller learns the reason code, not internal messages.
        return tenant.settings().failOpen() ? Decision.allow(Reason.FAIL_OPEN, "")
                : Decision.deny(Reason.EVALUATION_ERROR, "");
    }

    private String oversizedHeaders(AttributeContext.HttpRequest http) {
        long[] sum = new long[1];
        http.getHeadersMap().forEach((k, v) -> sum[0] += k.length() + v.length());
        long total = sum[0];
        for (HeaderValue h : http.getHeaderMap().getHeadersList()) {
            total += h.getKey().length() + h.getValue().length() + h.getRawValue().size();
        }
        return total > maxHeaderBytes
                ? "request headers total " + total + " bytes, more than the limit of " + maxHeaderBytes : null;
    }
}
