package dev.tollgate.authz.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tollgate.authz.decision.ResponseHeaders;
import dev.tollgate.authz.identity.IdentityPolicy;
import dev.tollgate.authz.identity.IdentitySource;
import dev.tollgate.authz.identity.JwtSvidSettings;
import dev.tollgate.authz.identity.SpiffeId;
import dev.tollgate.authz.input.InputOptions;
import dev.tollgate.authz.ratelimit.RateLimitConfigException;
import dev.tollgate.authz.ratelimit.RedisSettings;
import dev.tollgate.authz.telemetry.DecisionLogSettings;
import dev.tollgate.authz.telemetry.TracingSettings;
import dev.tollgate.authz.policy.BundleTenant;
import dev.tollgate.authz.policy.ReloadOptions;
import dev.tollgate.authz.rollout.CandidateConfig;
import dev.tollgate.authz.tenant.TenantRouting;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The whole server configuration: embedded defaults, overridden by a config file, then by flags.
 *
 * @param redis       shared rate-limit counters ({@code rate_limits.redis}); empty when not configured
 * @param decisionLog {@code decision_log}
 * @param http        the HTTP ext_authz listener ({@code http.*})
 * @param tracing     {@code tracing.*}
 * @param candidates  {@code candidates}: candidate policies evaluated beside the live ones
 */
public record ServerConfig(Listener grpc, int maxInboundMessageBytes, int maxInboundMetadataBytes,
                           Duration shutdownGrace, Tls tls, Listener admin, Path policiesDir,
                           IdentityPolicy identity, TenantRouting tenancy, InputOptions input, int maxHeaderBytes,
                           ResponseHeaders responseHeaders, int wasmPoolSize, Duration wasmBorrowTimeout,
                           Optional<RedisSettings> redis, DecisionLogSettings decisionLog,
                           ReloadOptions reload, List<BundleTenant> bundleTenants, HttpSettings http,
                           TracingSettings tracing, CandidateConfig candidates) {

    public ServerConfig {
        bundleTenants = List.copyOf(bundleTenants);
    }

    public record Listener(String address, int port) {
    }

    /** TLS for the gRPC listener; mTLS when {@code clientCaFile} is set. */
    public record Tls(Optional<Path> certFile, Optional<Path> keyFile, Optional<Path> clientCaFile,
                      boolean requireClientCert) {
        public boolean enabled() {
            return certFile.isPresent();
        }
    }

    static final String DEFAULTS_RESOURCE = "/default-config.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The embedded defaults alone. */
    public static ServerConfig defaults() {
        return load(Optional.empty());
    }

    /** Defaults overridden by {@code file}, if given. */
    public static ServerConfig load(Optional<Path> file) {
        JsonNode defaults;
        try (InputStream in = ServerConfig.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            defaults = YAML.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("embedded default-config.yaml is unreadable", e);
        }
        JsonNode user = null;
        String origin = "default-config.yaml";
        if (file.isPresent()) {
            origin = file.get().toString();
            if (!Files.isRegularFile(file.get())) {
                throw new ConfigException(origin + ": config file not found");
            }
            try {
                user = YAML.readTree(file.get().toFile());
            } catch (JacksonException e) {
                throw new ConfigException(origin + ": not valid YAML (line " + (e.getLocation() == null ? -1 : e.getLocation().getLineNr()) + ")");
            } catch (IOException e) {
                throw new ConfigException(origin + ": cannot read (" + e.getMessage() + ")");
            }
        }
        ConfigTree t = new ConfigTree(defaults, user, origin, Set.of("tenancy.namespaces", "tenancy.hosts",
                "tenancy.trust_domains", "identity.trust_bundles", "rate_limits.redis", "tenants", "keys",
                "candidates.tenants"));
        return from(t);
    }

    private static ServerConfig from(ConfigTree t) {
        Tls tls = new Tls(t.optionalString("grpc.tls.cert_file").map(Path::of),
                t.optionalString("grpc.tls.key_file").map(Path::of),
                t.optionalString("grpc.tls.client_ca_file").map(Path::of),
                t.bool("grpc.tls.require_client_cert"));
        checkTls(tls, t.originOf("grpc.tls.cert_file"));
        List<IdentitySource> sources = new ArrayList<>();
        for (String s : t.strings("identity.sources")) {
            try {
                sources.add(IdentitySource.fromWireName(s));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(t.originOf("identity.sources") + ": key 'identity.sources': " + e.getMessage());
            }
        }
        List<TenantRouting.Source> tenantSources = new ArrayList<>();
        for (String s : t.strings("tenancy.sources")) {
            try {
                tenantSources.add(TenantRouting.Source.fromWireName(s));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(t.originOf("tenancy.sources") + ": key 'tenancy.sources': " + e.getMessage());
            }
        }
        return new ServerConfig(
                new Listener(t.string("grpc.address"), t.integer("grpc.port", 0, 65535)),
                t.integer("grpc.max_inbound_message_bytes", 1024, Integer.MAX_VALUE),
                t.integer("grpc.max_inbound_metadata_bytes", 1024, Integer.MAX_VALUE),
                Duration.ofSeconds(t.integer("grpc.shutdown_grace_seconds", 0, 3600)),
                tls,
                new Listener(t.string("admin.address"), t.integer("admin.port", 0, 65535)),
                Path.of(t.string("policies.dir")),
                identity(t, sources),
                new TenantRouting(tenantSources, t.stringMap("tenancy.namespaces"), t.stringMap("tenancy.hosts"),
                        t.optionalString("tenancy.default_tenant"), t.stringMap("tenancy.trust_domains")),
                new InputOptions(t.bool("input.parse_body"),
                        t.integer("input.max_parsed_body_bytes", 0, Integer.MAX_VALUE)),
                t.integer("input.max_header_bytes", 1024, Integer.MAX_VALUE),
                new ResponseHeaders(t.string("response.reason_header"), t.string("response.decision_id_header")),
                t.integer("wasm.pool_size", 1, 1024),
                Duration.ofMillis(t.integer("wasm.borrow_timeout_ms", 1, 600_000)),
                redis(t), decisionLog(t),
                new ReloadOptions(t.bool("policies.watch"), Duration.ofMillis(t.integer("policies.debounce_ms", 0, 600_000)),
                        Duration.ofMillis(t.integer("policies.poll_interval_ms", 100, 3_600_000))),
                BundleTenantsConfig.parse(t.node("tenants"), t.originOf("tenants"), t.node("keys"), t.originOf("keys")),
                new HttpSettings(t.bool("http.enabled"),
                        new Listener(t.string("http.address"), t.integer("http.port", 0, 65535)),
                        t.integer("http.max_body_bytes", 0, Integer.MAX_VALUE),
                        t.integer("http.max_header_bytes", 1024, Integer.MAX_VALUE),
                        t.integer("http.max_initial_line_bytes", 256, Integer.MAX_VALUE),
                        t.integer("http.check_threads", 1, 1024),
                        t.integer("http.check_queue", 1, 1_000_000)),
                new TracingSettings(t.bool("tracing.enabled"), t.bool("tracing.include_caller")),
                CandidatesConfig.parse(t.node("candidates.tenants"), t.originOf("candidates.tenants"),
                        t.integer("candidates.queue_size", 1, 10_000_000)));
    }

    private static IdentityPolicy identity(ConfigTree t, List<IdentitySource> sources) {
        Map<String, Path> bundles = new LinkedHashMap<>();
        t.stringMap("identity.trust_bundles").forEach((td, file) -> {
            try {
                SpiffeId.parse("spiffe://" + td);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(t.originOf("identity.trust_bundles") + ": key 'identity.trust_bundles."
                        + td + "' is not a trust domain: " + e.getMessage());
            }
            bundles.put(td, Path.of(file));
        });
        boolean requireVerified = t.bool("identity.require_verified");
        Optional<String> socket = t.optionalString("identity.workload_api.socket")
                .or(() -> Optional.ofNullable(System.getenv("SPIFFE_ENDPOINT_SOCKET")).filter(s -> !s.isBlank()));
        if (socket.isPresent() && !bundles.isEmpty()) {
            throw new ConfigException(t.originOf("identity.trust_bundles") + ": 'identity.trust_bundles' and the Workload"
                    + " API (identity.workload_api.socket or SPIFFE_ENDPOINT_SOCKET) both supply bundles; use one");
        }
        if (socket.isPresent() && t.optionalString("grpc.tls.cert_file").isPresent()) {
            throw new ConfigException(t.originOf("grpc.tls.cert_file") + ": 'grpc.tls.cert_file' and the Workload API"
                    + " both supply the gRPC listener's certificate; use one");
        }
        JwtSvidSettings jwt;
        try {
            jwt = new JwtSvidSettings(t.string("identity.jwt_svid.header"),
                    new LinkedHashSet<>(t.strings("identity.jwt_svid.audiences")),
                    new LinkedHashSet<>(t.strings("identity.jwt_svid.algorithms")));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(t.originOf("identity.jwt_svid.algorithms") + ": key 'identity.jwt_svid.algorithms': "
                    + e.getMessage());
        }
        if (requireVerified && bundles.isEmpty() && socket.isEmpty()) {
            throw new ConfigException(t.originOf("identity.require_verified") + ": 'identity.require_verified' needs"
                    + " 'identity.trust_bundles' or the Workload API to verify against");
        }
        if (sources.contains(IdentitySource.JWT_SVID)) {
            if (jwt.audiences().isEmpty()) {
                throw new ConfigException(t.originOf("identity.sources") + ": the jwt_svid identity source"
                        + " needs 'identity.jwt_svid.audiences'");
            }
            if (bundles.isEmpty() && socket.isEmpty()) {
                throw new ConfigException(t.originOf("identity.sources") + ": the jwt_svid identity source needs"
                        + " 'identity.trust_bundles' or the Workload API for JWT authorities");
            }
            if (jwt.algorithms().isEmpty()) {
                throw new ConfigException(t.originOf("identity.jwt_svid.algorithms")
                        + ": key 'identity.jwt_svid.algorithms' must name at least one algorithm");
            }
        }
        return new IdentityPolicy(sources, t.bool("identity.trust_xfcc"),
                new LinkedHashSet<>(t.strings("identity.trust_domains")), bundles,
                Duration.ofMillis(t.integer("identity.trust_bundle_poll_ms", 100, 3_600_000)), requireVerified, jwt,
                socket);
    }

    private static Optional<RedisSettings> redis(ConfigTree t) {
        ConfigTree.Raw raw = t.raw("rate_limits.redis");
        if (raw.node().isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(RedisSettings.parse(raw.node(), raw.origin() + ": rate_limits"));
        } catch (RateLimitConfigException e) {
            throw new ConfigException(String.join("; ", e.problems()));
        }
    }

    private static DecisionLogSettings decisionLog(ConfigTree t) {
        ConfigTree.Raw output = t.raw("decision_log.output");
        String text;
        if (output.node().isBoolean() && !output.node().booleanValue()) {
            text = "off"; // YAML 1.1 reads an unquoted off as false
        } else if (output.node().isTextual() && !output.node().textValue().isBlank()) {
            text = output.node().textValue();
        } else {
            throw new ConfigException(output.origin() + ": key 'decision_log.output' must be \"off\", stdout or a"
                    + " file path, got " + output.node());
        }
        List<String> maskHeaders = t.strings("decision_log.mask_headers");
        for (String h : maskHeaders) {
            if (!h.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                throw new ConfigException(t.originOf("decision_log.mask_headers")
                        + ": key 'decision_log.mask_headers' must list header names, got '" + h + "'");
            }
        }
        return DecisionLogSettings.of(text, t.fraction("decision_log.sample_allowed"),
                        t.integer("decision_log.queue_size", 1, 10_000_000))
                .withInput(t.bool("decision_log.include_input"), maskHeaders)
                .withRotation(t.integer("decision_log.max_file_bytes", 0, Integer.MAX_VALUE),
                        t.integer("decision_log.max_files", 0, 1000));
    }

    static void checkTls(Tls tls, String origin) {
        if (tls.certFile().isPresent() != tls.keyFile().isPresent()) {
            throw new ConfigException(origin + ": TLS needs both 'grpc.tls.cert_file' and 'grpc.tls.key_file'");
        }
        if (tls.clientCaFile().isPresent() && tls.certFile().isEmpty()) {
            throw new ConfigException(origin + ": 'grpc.tls.client_ca_file' (mTLS) needs 'grpc.tls.cert_file' and 'grpc.tls.key_file'");
        }
    }

    public ServerConfig withGrpc(Listener l) {
        return new ServerConfig(l, maxInboundMessageBytes, maxInboundMetadataBytes, shutdownGrace, tls, admin,
                policiesDir, identity, tenancy, input, maxHeaderBytes, responseHeaders, wasmPoolSize, wasmBorrowTimeout,
                redis, decisionLog, reload, bundleTenants, http, tracing, candidates);
    }

    public ServerConfig withAdmin(Listener l) {
        return new ServerConfig(grpc, maxInboundMessageBytes, maxInboundMetadataBytes, shutdownGrace, tls, l,
                policiesDir, identity, tenancy, input, maxHeaderBytes, responseHeaders, wasmPoolSize, wasmBorrowTimeout,
                redis, decisionLog, reload, bundleTenants, http, tracing, candidates);
    }

    public ServerConfig withPoliciesDir(Path dir) {
        return new ServerConfig(grpc, maxInboundMessageBytes, maxInboundMetadataBytes, shutdownGrace, tls, admin,
                dir, identity, tenancy, input, maxHeaderBytes, responseHeaders, wasmPoolSize, wasmBorrowTimeout,
                redis, decisionLog, reload, bundleTenants, http, tracing, candidates);
    }

    public ServerConfig withTls(Tls newTls) {
        checkTls(newTls, "command line");
        if (newTls.enabled() && identity.workloadApiSocket().isPresent()) {
            throw new ConfigException("command line: --tls-cert and the Workload API (identity.workload_api.socket or"
                    + " SPIFFE_ENDPOINT_SOCKET) both supply the gRPC listener's certificate; use one");
        }
        return new ServerConfig(grpc, maxInboundMessageBytes, maxInboundMetadataBytes, shutdownGrace, newTls, admin,
                policiesDir, identity, tenancy, input, maxHeaderBytes, responseHeaders, wasmPoolSize, wasmBorrowTimeout,
                redis, decisionLog, reload, bundleTenants, http, tracing, candidates);
    }

    public ServerConfig withIdentity(IdentityPolicy newIdentity) {
        return new ServerConfig(grpc, maxInboundMessageBytes, maxInboundMetadataBytes, shutdownGrace, tls, admin,
                policiesDir, newIdentity, tenancy, input, maxHeaderBytes, responseHeaders, wasmPoolSize, wasmBorrowTimeout,
                redis, decisionLog, reload, bundleTenants, http, tracing, candidates);
    }

    public ServerConfig withRedis(Optional<RedisSettings> newRedis) {
        return new ServerConfig(grpc, maxInboundMessageBytes, maxInboundMetadataBytes, shutdownGrace, tls, admin,
                policiesDir, identity, tenancy, input, maxHeaderBytes, responseHeaders, wasmPoolSize, wasmBorrowTimeout,
                newRedis, decisionLog, reload, bundleTenants, http, tracing, candidates);
    }

    public ServerConfig withDecisionLog(DecisionLogSettings newDecisionLog) {
        return new ServerConfig(grpc, maxInboundMessageBytes, maxInboundMetadataBytes, shutdownGrace, tls, admin,
                policiesDir, identity, tenancy, input, maxHeaderBytes, responseHeaders, wasmPoolSize, wasmBorrowTimeout,
                redis, newDecisionLog, reload, bundleTenants, http, tracing, candidates);
    }

    public ServerConfig withReload(ReloadOptions newReload) {
        return new ServerConfig(grpc, maxInboundMessageBytes, maxInboundMetadataBytes, shutdownGrace, tls, admin,
                policiesDir, identity, tenancy, input, maxHeaderBytes, responseHeaders, wasmPoolSize, wasmBorrowTimeout,
                redis, decisionLog, newReload, bundleTenants, http, tracing, candidates);
    }

    public ServerConfig withTenancy(TenantRouting newTenancy) {
        return new ServerConfig(grpc, maxInboundMessageBytes, maxInboundMetadataBytes, shutdownGrace, tls, admin,
                policiesDir, identity, newTenancy, input, maxHeaderBytes, responseHeaders, wasmPoolSize, wasmBorrowTimeout,
                redis, decisionLog, reload, bundleTenants, http, tracing, candidates);
    }

    public ServerConfig withHttp(HttpSettings newHttp) {
        return new ServerConfig(grpc, maxInboundMessageBytes, maxInboundMetadataBytes, shutdownGrace, tls, admin,
                policiesDir, identity, tenancy, input, maxHeaderBytes, responseHeaders, wasmPoolSize, wasmBorrowTimeout,
                redis, decisionLog, reload, bundleTenants, newHttp, tracing, candidates);
    }

    public ServerConfig withTracing(TracingSettings newTracing) {
        return new ServerConfig(grpc, maxInboundMessageBytes, maxInboundMetadataBytes, shutdownGrace, tls, admin,
                policiesDir, identity, tenancy, input, maxHeaderBytes, responseHeaders, wasmPoolSize, wasmBorrowTimeout,
                redis, decisionLog, reload, bundleTenants, http, newTracing, candidates);
    }

    public ServerConfig withCandidates(CandidateConfig newCandidates) {
        return new ServerConfig(grpc, maxInboundMessageBytes, maxInboundMetadataBytes, shutdownGrace, tls, admin,
                policiesDir, identity, tenancy, input, maxHeaderBytes, responseHeaders, wasmPoolSize, wasmBorrowTimeout,
                redis, decisionLog, reload, bundleTenants, http, tracing, newCandidates);
    }
}
