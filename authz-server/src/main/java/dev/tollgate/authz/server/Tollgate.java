package dev.tollgate.authz.server;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.decision.Reason;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.identity.IdentityResolver;
import dev.tollgate.authz.ratelimit.RateLimitConfigException;
import dev.tollgate.authz.ratelimit.RateLimiter;
import dev.tollgate.authz.telemetry.CheckMetrics;
import dev.tollgate.authz.telemetry.DecisionLog;
import dev.tollgate.authz.telemetry.MetricWriter;
import dev.tollgate.authz.telemetry.MetricsRegistry;
import dev.tollgate.authz.telemetry.ProcessMetrics;
import dev.tollgate.authz.telemetry.RateLimitMetricSource;
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
    private final TenantLoader loader;
    private final TenantRegistry registry;
    private final RateLimiter rateLimiter;
    private final CheckMetrics checkMetrics;
    private final DecisionLog decisionLog;
    private final MetricsRegistry metrics = new MetricsRegistry();
    private final CheckPipeline pipeline;
    private final HealthStatusManager health = new HealthStatusManager();

    public Tollgate(ServerConfig config, Engines engines, List<DecisionStage> stages) {
        this(config, engines, stages, Ticker.systemTicker());
    }

    /**
     * @param stages extra stages after an allow; the rate limiter runs after them
     * @param ticker the rate limiter's clock (tests pass a fake one)
     * @throws UncheckedIOException when the decision log file cannot be opened
     */
    public Tollgate(ServerConfig config, Engines engines, List<DecisionStage> stages, Ticker ticker) {
        this.config = config;
        this.loader = new TenantLoader(engines);
        this.registry = new TenantRegistry(TenantLoader.tenantNames(config.policiesDir()));
        try {
            this.decisionLog = DecisionLog.open(config.decisionLog());
        } catch (IOException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "its directory does not exist"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.toString();
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
        all.add(new RateLimitStage(rateLimiter, checkMetrics));
        this.pipeline = new CheckPipeline(new TenantResolver(config.tenancy()), new IdentityResolver(config.identity()),
                registry, config.input(), config.maxHeaderBytes(), config.responseHeaders(), all,
                new CheckTelemetry(checkMetrics, decisionLog));
        metrics.register(checkMetrics)
                .register(new RateLimitMetricSource(rateLimiter.metrics()))
                .register(this::tenantReadiness)
                .register(decisionLog)
                .register(ProcessMetrics.fromManifest());
        setHealth(ServingStatus.NOT_SERVING);
    }

    /**
     * Loads every tenant and installs its rate limits; health turns SERVING only if all loaded. A
     * tenant whose limits cannot be used (counters: redis without server redis settings) fails to load.
     */
    public void loadTenants() {
        List<Tenant> loaded = new ArrayList<>();
        for (String name : registry.names().stream().sorted().toList()) {
            Tenant t = loader.load(config.policiesDir(), name);
            if (t.loaded()) {
                try {
                    rateLimiter.replaceTenant(name, t.settings().rateLimits());
                } catch (RateLimitConfigException e) {
                    t.policy().ifPresent(p -> p.close());
                    t = new Tenant(name, t.settings(), t.engine(), Optional.empty(),
                            Optional.of(config.policiesDir().resolve(name).resolve("tenant.yaml") + ": "
                                    + String.join("; ", e.problems())), t.revision());
                }
            }
            if (t.loaded()) {
                LOG.log(Level.INFO, "tenant " + name + " loaded (engine " + t.engine().orElse("?") + ", revision "
                        + t.revision() + ")");
            } else {
                rateLimiter.removeTenant(name);
                LOG.log(Level.WARNING, "tenant " + name + " failed to load: " + t.error().orElse(""));
            }
            loaded.add(t);
        }
        registry.publish(loaded);
        setHealth(registry.allLoaded() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
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
        return List.of(
                ServerInterceptors.intercept(new AuthorizationService(pipeline), new PeerCertificateInterceptor()),
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
        for (Tenant t : registry.tenants()) {
            t.policy().ifPresent(p -> p.close());
        }
        rateLimiter.close();
        decisionLog.close();
    }
}
