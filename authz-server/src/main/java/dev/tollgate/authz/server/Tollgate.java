package dev.tollgate.authz.server;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.decision.Reason;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.identity.IdentityResolver;
import dev.tollgate.authz.identity.TrustBundles;
import dev.tollgate.authz.identity.WorkloadApi;
import java.time.InstantSource;
import dev.tollgate.authz.policy.BundleTenant;
import dev.tollgate.authz.policy.PolicyLifecycle;
import dev.tollgate.authz.policy.ReloadStats;
import dev.tollgate.authz.policy.TenantActivator;
import dev.tollgate.authz.ratelimit.RateLimitConfigException;
import dev.tollgate.authz.ratelimit.RateLimiter;
import dev.tollgate.authz.rollout.CandidatePolicies;
import dev.tollgate.authz.telemetry.CheckMetrics;
import dev.tollgate.authz.telemetry.DecisionLog;
import dev.tollgate.authz.telemetry.MetricWriter;
import dev.tollgate.authz.telemetry.MetricsRegistry;
import dev.tollgate.authz.telemetry.ProcessMetrics;
import dev.tollgate.authz.telemetry.RateLimitMetricSource;
import dev.tollgate.authz.telemetry.Tracing;
import dev.tollgate.authz.ratelimit.TenantRateLimits;
import dev.tollgate.authz.tenant.TenantRouting;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import dev.tollgate.authz.tenant.Tenant;
import dev.tollgate.authz.tenant.TenantLoader;
import dev.tollgate.authz.tenant.TenantRegistry;
import dev.tollgate.authz.tenant.TenantResolver;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The transport-independent server: tenants, Check pipeline (with rate limiting as its last
 * stage), health, metrics, decision log and the gRPC services. The Netty server
 * ({@link TollgateServer}) and in-process tests both serve {@link #services()}.
 */
public final class Tollgate implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Tollgate.class.getName());

    private final ServerConfig config;
    private final TenantRegistry registry;
    private final RateLimiter rateLimiter;
    private final CheckMetrics checkMetrics;
    private final DecisionLog decisionLog;
    private final MetricsRegistry metrics = new MetricsRegistry();
    private final CheckPipeline pipeline;
    private final PolicyLifecycle lifecycle;
    private final HealthStatusManager health = new HealthStatusManager();
    private final IdentityResolver identityResolver;
    private final Optional<WorkloadApi> workloadApi;
    private static final java.time.Duration WORKLOAD_API_WAIT = java.time.Duration.ofSeconds(30);
    private final Tracing tracing;
    private final CheckPipeline httpPipeline;
    private final TenantResolver httpTenants;
    private final CheckCall grpcCheck;
    private final CheckCall httpCheck;
    private final CandidatePolicies candidatePolicies;
    private final CandidateRunner candidateRunner;
    private final BlockingChecks blocking = new BlockingChecks(BlockingChecks.DEFAULT_THREADS, BlockingChecks.DEFAULT_QUEUE);

    public Tollgate(ServerConfig config, Engines engines, List<DecisionStage> stages) {
        this(config, engines, stages, Ticker.systemTicker());
    }

    /**
     * @param stages extra stages after an allow; the rate limiter runs after them
     * @param ticker the rate limiter's clock (tests pass a fake one)
     * @throws UncheckedIOException when the decision log file cannot be opened
     */
    public Tollgate(ServerConfig config, Engines engines, List<DecisionStage> stages, Ticker ticker) {
        this(config, engines, stages, ticker, Tracing.start(config.tracing()));
    }

    /**
     * @param tracing the OpenTelemetry SDK ({@link Tracing#OFF} when {@code tracing.enabled} is false);
     *                closed with this server
     */
    public Tollgate(ServerConfig config, Engines engines, List<DecisionStage> stages, Ticker ticker, Tracing tracing) {
        this.config = config;
        // First: a trust bundle that cannot be read stops startup before anything else is opened.
        if (config.identity().workloadApiSocket().isPresent()) {
            TrustBundles fromWorkloadApi = TrustBundles.none();
            this.workloadApi = Optional.of(WorkloadApi.connect(config.identity().workloadApiSocket().get(),
                    fromWorkloadApi, WORKLOAD_API_WAIT));
            this.identityResolver = new IdentityResolver(config.identity(), fromWorkloadApi, InstantSource.system());
        } else {
            this.workloadApi = Optional.empty();
            this.identityResolver = new IdentityResolver(config.identity());
        }
        this.tracing = tracing;
        TenantLoader loader = new TenantLoader(engines);
        List<String> expected = new ArrayList<>(TenantLoader.tenantNames(config.policiesDir()));
        for (BundleTenant b : config.bundleTenants()) {
            if (!expected.contains(b.name())) {
                expected.add(b.name());
            }
        }
        this.registry = new TenantRegistry(expected);
        try {
            this.decisionLog = DecisionLog.open(config.decisionLog());
        } catch (IOException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "its directory does not exist"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.toString();
            tracing.close();
            throw new UncheckedIOException("decision_log.output: cannot open " + config.decisionLog().file()
                    .map(Object::toString).orElse("stdout") + " (" + why + ")", e);
        }
        try {
            this.rateLimiter = RateLimiter.builder().ticker(ticker).redis(config.redis().orElse(null)).build();
        } catch (RateLimitConfigException e) {
            throw new IllegalStateException("a limiter without tenants cannot be misconfigured", e);
        }
        Set<String> reasons = Reason.ALL.stream().map(Reason::code).collect(Collectors.toSet());
        this.checkMetrics = new CheckMetrics(reasons, Set.of(Reason.EVALUATION_ERROR.code(), Reason.FAIL_OPEN.code()));
        registry.names().forEach(checkMetrics::declareTenant);
        List<DecisionStage> all = new ArrayList<>(stages);
        RateLimitStage rateLimitStage = new RateLimitStage(rateLimiter, checkMetrics);
        all.add(tracing.enabled() ? new TracedRateLimitStage(rateLimitStage, tracing.tracer()) : rateLimitStage);
        if (config.candidates().isEmpty()) {
            this.candidatePolicies = null;
            this.candidateRunner = null;
        } else {
            this.candidatePolicies = new CandidatePolicies(config.candidates(), loader, config.reload().pollInterval());
            this.candidateRunner = new CandidateRunner(config.candidates(), candidatePolicies, decisionLog);
            metrics.register(candidatePolicies).register(candidateRunner);
        }
        CheckTelemetry telemetry = new CheckTelemetry(checkMetrics, decisionLog, tracing.enabled());
        this.pipeline = new CheckPipeline(new TenantResolver(config.tenancy()), identityResolver,
                registry, config.input(), config.maxHeaderBytes(), config.responseHeaders(), all, telemetry,
                candidateRunner);
        // HTTP mode: the /tenants/<tenant>/ path prefix (carried as context_extensions.tenant) decides first.
        this.httpTenants = new TenantResolver(httpRouting(config.tenancy()));
        this.httpPipeline = new CheckPipeline(httpTenants, identityResolver, registry, config.input(),
                config.maxHeaderBytes(), config.responseHeaders(), all, telemetry, candidateRunner);
        CheckCall grpcPlain = pipeline::reply;
        CheckCall httpPlain = httpPipeline::reply;
        this.grpcCheck = tracing.enabled() ? new TracedChecks(grpcPlain, tracing, "grpc") : grpcPlain;
        this.httpCheck = tracing.enabled() ? new TracedChecks(httpPlain, tracing, "http") : httpPlain;
        metrics.register(checkMetrics)
                .register(new RateLimitMetricSource(rateLimiter.metrics()))
                .register(this::tenantReadiness)
                .register(decisionLog)
                .register(ProcessMetrics.fromManifest())
                .register(this::reloadMetrics)
                .register(this::trustBundleMetrics)
                .register(this::workloadApiMetrics);
        this.lifecycle = new PolicyLifecycle(config.policiesDir(), loader, registry, config.reload(),
                config.bundleTenants(), this::updateHealth, new RateLimitActivation(), Clock.systemUTC());
        setHealth(ServingStatus.NOT_SERVING);
    }

    /** Loads every tenant once; health turns SERVING only if every tenant has a policy in service. */
    public void loadTenants() {
        lifecycle.loadAll();
        if (candidatePolicies != null) {
            candidatePolicies.scan();
        }
    }

    /** Keeps policies current from now on: directory watch, fingerprint checks, bundle polling. */
    public void startReloading() {
        lifecycle.start();
        identityResolver.bundles().start(config.identity().bundlePoll());
        if (candidatePolicies != null) {
            candidatePolicies.start();
        }
    }

    /** The trust bundles identities are verified against. */
    public TrustBundles trustBundles() {
        return identityResolver.bundles();
    }

    /** The Workload API connection, when {@code identity.workload_api.socket} is set. */
    public Optional<WorkloadApi> workloadApi() {
        return workloadApi;
    }

    private void workloadApiMetrics(MetricWriter out) {
        if (workloadApi.isEmpty()) {
            return;
        }
        WorkloadApi.Status s = workloadApi.get().status();
        out.single("tollgate_workload_api_svid_rotations_total", MetricWriter.Type.COUNTER,
                "X.509-SVID updates from the Workload API after the first.", s.rotations());
        out.single("tollgate_workload_api_svid_expiry_timestamp_seconds", MetricWriter.Type.GAUGE,
                "When the current X.509-SVID of the gRPC listener expires (Unix time).", s.expires().getEpochSecond());
    }

    private void trustBundleMetrics(MetricWriter out) {
        TrustBundles.Stats stats = identityResolver.bundles().stats();
        out.single("tollgate_trust_bundle_reloads_total", MetricWriter.Type.COUNTER,
                "Trust bundle changes taken into service (files re-read after a change).", stats.reloads());
        out.single("tollgate_trust_bundle_reload_failures_total", MetricWriter.Type.COUNTER,
                "Trust bundle files that changed but could not be read or parsed; the last good bundle serves.",
                stats.failures());
    }

    /** Reload statistics (successes, failures, last error, per-tenant revision), for metrics. */
    public ReloadStats reloadStats() {
        return lifecycle.stats();
    }

    /** Fingerprints the policy directory now and reloads what changed. */
    public void rescanPolicies() {
        lifecycle.rescan();
        if (candidatePolicies != null) {
            candidatePolicies.scan();
        }
    }

    private void updateHealth() {
        setHealth(registry.allLoaded() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
    }

    /**
     * Installs a tenant's rate limits as its policy goes into service. Unchanged limits keep their
     * counters; limits the server cannot honour (Redis counters without Redis settings) refuse the
     * load, so the last good policy and its limits keep serving.
     */
    private final class RateLimitActivation implements TenantActivator {
        @Override
        public Tenant activate(Tenant t) {
            try {
                rateLimiter.replaceTenant(t.name(), t.settings().rateLimits());
                return tracing.enabled() ? traced(t) : t;
            } catch (RateLimitConfigException e) {
                t.policy().ifPresent(p -> p.close());
                return new Tenant(t.name(), t.settings(), t.engine(), Optional.empty(),
                        Optional.of("tenant.yaml: " + String.join("; ", e.problems())), t.revision());
            }
        }

        @Override
        public void deactivate(String name) {
            rateLimiter.removeTenant(name);
        }
    }

    private Tenant traced(Tenant t) {
        if (t.policy().isEmpty()) {
            return t;
        }
        return new Tenant(t.name(), t.settings(), t.engine(), Optional.of(new TracedPolicy(t.policy().get(),
                tracing.tracer(), t.name(), t.engine().orElse(""), t.revision())), t.error(), t.revision());
    }

    private static TenantRouting httpRouting(TenantRouting routing) {
        List<TenantRouting.Source> sources = new ArrayList<>();
        sources.add(TenantRouting.Source.CONTEXT_EXTENSION);
        for (TenantRouting.Source s : routing.sources()) {
            if (s != TenantRouting.Source.CONTEXT_EXTENSION) {
                sources.add(s);
            }
        }
        return new TenantRouting(sources, routing.namespaces(), routing.hosts(), routing.defaultTenant(),
                routing.trustDomains());
    }

    /** The Check as the gRPC service makes it (traced when tracing is on). */
    CheckCall grpcCheck() {
        return grpcCheck;
    }

    /** The Check as the HTTP ext_authz listener makes it (traced when tracing is on). */
    public CheckCall httpCheck() {
        return httpCheck;
    }

    /**
     * Whether an HTTP-mode check may block, so that it must not run on an event loop: the same rule
     * as for gRPC ({@link CheckPipeline#mayBlock(CheckRequest)}).
     */
    public boolean httpCheckMayBlock(CheckRequest request) {
        return httpPipeline.mayBlock(request);
    }

    private void reloadMetrics(MetricWriter out) {
        ReloadStats stats = lifecycle.stats();
        out.family("tollgate_policy_loads_total", MetricWriter.Type.COUNTER,
                "Policy loads and reloads per tenant, by result; a failed reload keeps the last good policy.");
        for (var e : new java.util.TreeMap<>(stats.tenants()).entrySet()) {
            out.sample(e.getValue().successes(), "tenant", e.getKey(), "result", "success");
            out.sample(e.getValue().failures(), "tenant", e.getKey(), "result", "failure");
        }
        out.family("tollgate_policy_last_load_failed", MetricWriter.Type.GAUGE,
                "1 when the tenant's most recent load failed (the last good policy serves), else 0.");
        for (var e : new java.util.TreeMap<>(stats.tenants()).entrySet()) {
            out.sample(e.getValue().lastError().isPresent() ? 1 : 0, "tenant", e.getKey());
        }
    }

    private void tenantReadiness(MetricWriter out) {
        out.family("tollgate_tenant_ready", MetricWriter.Type.GAUGE,
                "1 when the tenant's policy is loaded and serving, else 0.");
        for (String name : registry.names().stream().sorted().toList()) {
            out.sample(registry.get(name).map(Tenant::loaded).orElse(false) ? 1 : 0, "tenant", name);
        }
    }

    private void setHealth(ServingStatus status) {
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
        health.setStatus(AuthorizationGrpc.SERVICE_NAME, status);
    }

    /** Authorization (with the peer-certificate interceptor), health and reflection. */
    public List<ServerServiceDefinition> services() {
        return services(blocking);
    }

    /** As {@link #services()}, with checks that may block run by {@code blocking} (tests size it). */
    List<ServerServiceDefinition> services(BlockingChecks blocking) {
        return List.of(
                ServerInterceptors.intercept(new AuthorizationService(pipeline, grpcCheck, blocking),
                        new PeerCertificateInterceptor()),
                health.getHealthService().bindService(),
                ProtoReflectionServiceV1.newInstance().bindService());
    }

    /** Marks the server NOT_SERVING for good (orderly shutdown). */
    void enterShutdown() {
        health.enterTerminalState();
    }

    public TenantRegistry registry() {
        return registry;
    }

    public CheckPipeline pipeline() {
        return pipeline;
    }

    /** What {@code GET /metrics} serves; other components add their numbers with {@code register}. */
    public MetricsRegistry metrics() {
        return metrics;
    }

    public RateLimiter rateLimiter() {
        return rateLimiter;
    }

    @Override
    public void close() {
        lifecycle.close();
        identityResolver.bundles().close();
        workloadApi.ifPresent(WorkloadApi::close);
        if (candidateRunner != null) {
            candidateRunner.close();
            candidatePolicies.close();
        }
        for (Tenant t : registry.tenants()) {
            t.policy().ifPresent(p -> p.close());
        }
        rateLimiter.close();
        blocking.close();
        decisionLog.close();
        tracing.close();
    }
}
