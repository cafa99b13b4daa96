package dev.tollgate.authz.server;

import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.identity.IdentityResolver;
import dev.tollgate.authz.policy.BundleTenant;
import dev.tollgate.authz.policy.PolicyLifecycle;
import dev.tollgate.authz.policy.ReloadStats;
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
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The transport-independent server: tenants, Check pipeline, health and the gRPC services. The
 * Netty server ({@link TollgateServer}) and in-process tests both serve {@link #services()}.
 */
public final class Tollgate implements AutoCloseable {
    private final ServerConfig config;
    private final TenantRegistry registry;
    private final CheckPipeline pipeline;
    private final PolicyLifecycle lifecycle;
    private final HealthStatusManager health = new HealthStatusManager();

    public Tollgate(ServerConfig config, Engines engines, List<DecisionStage> stages) {
        this.config = config;
        TenantLoader loader = new TenantLoader(engines);
        List<String> expected = new ArrayList<>(TenantLoader.tenantNames(config.policiesDir()));
        for (BundleTenant b : config.bundleTenants()) {
            if (!expected.contains(b.name())) {
                expected.add(b.name());
            }
        }
        this.registry = new TenantRegistry(expected);
        this.pipeline = new CheckPipeline(new TenantResolver(config.tenancy()), new IdentityResolver(config.identity()),
                registry, config.input(), config.maxHeaderBytes(), config.responseHeaders(), stages);
        this.lifecycle = new PolicyLifecycle(config.policiesDir(), loader, registry, config.reload(),
                config.bundleTenants(), this::updateHealth, Clock.systemUTC());
        setHealth(ServingStatus.NOT_SERVING);
    }

    /** Loads every tenant once; health turns SERVING only if every tenant has a policy in service. */
    public void loadTenants() {
        lifecycle.loadAll();
    }

    /** Keeps policies current from now on: directory watch, fingerprint checks, bundle polling. */
    public void startReloading() {
        lifecycle.start();
    }

    /** Reload statistics (successes, failures, last error, per-tenant revision), for metrics. */
    public ReloadStats reloadStats() {
        return lifecycle.stats();
    }

    /** Fingerprints the policy directory now and reloads what changed. */
    public void rescanPolicies() {
        lifecycle.rescan();
    }

    private void updateHealth() {
        setHealth(registry.allLoaded() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
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

    @Override
    public void close() {
        lifecycle.close();
        for (Tenant t : registry.tenants()) {
            t.policy().ifPresent(p -> p.close());
        }
    }
}
