package dev.tollgate.authz.server;

import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.identity.IdentityResolver;
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
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * The transport-independent server: tenants, Check pipeline, health and the gRPC services. The
 * Netty server ({@link TollgateServer}) and in-process tests both serve {@link #services()}.
 */
public final class Tollgate implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Tollgate.class.getName());

    private final ServerConfig config;
    private final TenantLoader loader;
    private final TenantRegistry registry;
    private final CheckPipeline pipeline;
    private final HealthStatusManager health = new HealthStatusManager();

    public Tollgate(ServerConfig config, Engines engines, List<DecisionStage> stages) {
        this.config = config;
        this.loader = new TenantLoader(engines);
        this.registry = new TenantRegistry(TenantLoader.tenantNames(config.policiesDir()));
        this.pipeline = new CheckPipeline(new TenantResolver(config.tenancy()), new IdentityResolver(config.identity()),
                registry, config.input(), config.maxHeaderBytes(), config.responseHeaders(), stages);
        setHealth(ServingStatus.NOT_SERVING);
    }

    /** Loads every tenant; health turns SERVING only if all loaded. */
    public void loadTenants() {
        List<Tenant> loaded = new ArrayList<>();
        for (String name : registry.names().stream().sorted().toList()) {
            Tenant t = loader.load(config.policiesDir(), name);
            if (t.loaded()) {
                LOG.log(Level.INFO, "tenant " + name + " loaded (engine " + t.engine().orElse("?") + ", revision "
                        + t.revision() + ")");
            } else {
                LOG.log(Level.WARNING, "tenant " + name + " failed to load: " + t.error().orElse(""));
            }
            loaded.add(t);
        }
        registry.publish(loaded);
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
        for (Tenant t : registry.tenants()) {
            t.policy().ifPresent(p -> p.close());
        }
    }
}
