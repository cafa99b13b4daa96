package dev.tollgate.authz.identity;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import io.spiffe.bundle.jwtbundle.JwtBundle;
import io.spiffe.bundle.jwtbundle.JwtBundleSet;
import io.spiffe.bundle.x509bundle.X509Bundle;
import io.spiffe.exception.SocketEndpointAddressException;
import io.spiffe.svid.x509svid.X509Svid;
import io.spiffe.workloadapi.DefaultWorkloadApiClient;
import io.spiffe.workloadapi.Watcher;
import io.spiffe.workloadapi.WorkloadApiClient;
import io.spiffe.workloadapi.X509Context;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Tollgate's own X.509-SVID and the trust bundles (X.509 and JWT authorities), from the SPIFFE
 * Workload API (java-spiffe):
 * watched for as long as the server runs, so rotations take effect without a restart. The key
 * manager hands every new TLS handshake the current SVID (connections already open keep theirs);
 * the trust manager checks client certificates as X.509-SVIDs against the current bundles, which
 * also feed {@link TrustBundles} for identity verification.
 */
public final class WorkloadApi implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WorkloadApi.class.getName());
    private static final String ALIAS = "svid";

    /** What {@code /ready} shows. */
    public record Status(String spiffeId, Instant expires, long rotations) {
    }

    private record Current(X509Svid svid, Instant expires) {
    }

    private final String socket;
    private final TrustBundles bundles;
    private final WorkloadApiClient client;
    private final CountDownLatch first = new CountDownLatch(1);
    private final AtomicLong updates = new AtomicLong();
    private volatile Current current;
    private volatile String lastError;
    // The latest of each stream; every update rebuilds the bundles from both.
    private Map<String, List<X509Certificate>> x509Authorities = Map.of();
    private Map<String, Map<String, JWK>> jwtAuthorities = Map.of();

    private WorkloadApi(String socket, TrustBundles bundles, WorkloadApiClient client) {
        this.socket = socket;
        this.bundles = bundles;
        this.client = client;
    }

    /**
     * Connects to {@code socket} ({@code unix:/path}) and waits for the first X.509 context.
     *
     * @throws IllegalArgumentException when the socket address is malformed or no SVID arrives in time
     */
    public static WorkloadApi connect(String socket, TrustBundles bundles, Duration wait) {
        WorkloadApiClient client;
        try {
            client = DefaultWorkloadApiClient.newClient(DefaultWorkloadApiClient.ClientOptions.builder()
                    .spiffeSocketPath(socket).build());
        } catch (SocketEndpointAddressException | RuntimeException e) {
            throw new IllegalArgumentException("identity.workload_api.socket '" + socket + "': " + e.getMessage());
        }
        WorkloadApi api = new WorkloadApi(socket, bundles, client);
        client.watchX509Context(api.new ContextWatcher());
        client.watchJwtBundles(api.new JwtBundleWatcher());
        try {
            if (!api.first.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                api.close();
                throw new IllegalArgumentException("identity.workload_api.socket '" + socket + "': no X.509-SVID within "
                        + wait.toSeconds() + " s" + (api.lastError == null ? "" : " (" + api.lastError + ")"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            api.close();
            throw new IllegalArgumentException("interrupted while waiting for the Workload API");
        }
        return api;
    }

    private final class ContextWatcher implements Watcher<X509Context> {
        @Override
        public void onUpdate(X509Context context) {
            X509Svid svid = context.getDefaultSvid();
            Map<String, List<X509Certificate>> cas = new LinkedHashMap<>();
            for (Map.Entry<io.spiffe.spiffeid.TrustDomain, X509Bundle> e
                    : context.getX509BundleSet().getBundles().entrySet()) {
                cas.put(e.getKey().getName(), new ArrayList<>(e.getValue().getX509Authorities()));
            }
            Set<String> domains = publish(cas, null);
            current = new Current(svid, svid.getLeaf().getNotAfter().toInstant());
            lastError = null;
            long n = updates.incrementAndGet();
            LOG.log(Level.INFO, (n == 1 ? "Workload API: X.509-SVID " : "Workload API: rotated to X.509-SVID ")
                    + svid.getSpiffeId() + " valid until " + current.expires() + ", bundles for " + domains);
            first.countDown();
        }

        @Override
        public void onError(Throwable error) {
            lastError = String.valueOf(error.getMessage());
            LOG.log(Level.WARNING, "Workload API " + socket + ": " + error.getMessage()
                    + (current == null ? "" : "; the current SVID and bundles stay in service"));
        }
    }

    private final class JwtBundleWatcher implements Watcher<JwtBundleSet> {
        @Override
        public void onUpdate(JwtBundleSet set) {
            Map<String, Map<String, JWK>> keys = new LinkedHashMap<>();
            for (Map.Entry<io.spiffe.spiffeid.TrustDomain, JwtBundle> e : set.getBundles().entrySet()) {
                Map<String, JWK> byKid = new LinkedHashMap<>();
                e.getValue().getJwtAuthorities().forEach((kid, key) -> {
                    JWK jwk = jwk(kid, key);
                    if (jwk != null) {
                        byKid.put(kid, jwk);
                    } else {
                        LOG.log(Level.WARNING, "Workload API: JWT authority " + kid + " of " + e.getKey().getName()
                                + " is neither an EC nor an RSA key; ignored");
                    }
                });
                keys.put(e.getKey().getName(), byKid);
            }
            LOG.log(Level.INFO, "Workload API: JWT bundles for " + publish(null, keys));
        }

        @Override
        public void onError(Throwable error) {
            LOG.log(Level.WARNING, "Workload API " + socket + " (JWT bundles): " + error.getMessage()
                    + "; the current JWT authorities stay in service");
        }
    }

    /** Swaps in new bundles made from the latest X.509 and JWT authorities (null: unchanged). */
    private synchronized Set<String> publish(Map<String, List<X509Certificate>> cas, Map<String, Map<String, JWK>> jwt) {
        if (cas != null) {
            x509Authorities = cas;
        }
        if (jwt != null) {
            jwtAuthorities = jwt;
        }
        Set<String> domains = new LinkedHashSet<>(x509Authorities.keySet());
        domains.addAll(jwtAuthorities.keySet());
        Map<String, TrustBundle> next = new LinkedHashMap<>();
        for (String td : domains) {
            next.put(td, TrustBundle.of(td, x509Authorities.getOrDefault(td, List.of()),
                    jwtAuthorities.getOrDefault(td, Map.of())));
        }
        bundles.replaceAll(next);
        return domains;
    }

    private static JWK jwk(String kid, PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            return curve == null ? null : new ECKey.Builder(curve, ec).keyID(kid).build();
        }
        if (key instanceof RSAPublicKey rsa) {
            return new RSAKey.Builder(rsa).keyID(kid).build();
        }
        return null;
    }

    public Status status() {
        Current c = current;
        return new Status(c.svid().getSpiffeId().toString(), c.expires(), Math.max(0, updates.get() - 1));
    }

    /** Rotations: updates after the first. */
    public long rotations() {
        return Math.max(0, updates.get() - 1);
    }

    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    /** Serves the current SVID to each new TLS handshake. */
    public X509ExtendedKeyManager keyManager() {
        return new X509ExtendedKeyManager() {
            @Override
            public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
                return ALIAS;
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return ALIAS;
            }

            @Override
            public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
                return ALIAS;
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return ALIAS;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return current.svid().getChainArray();
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return current.svid().getPrivateKey();
            }

            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return new String[] {ALIAS};
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return new String[] {ALIAS};
            }
        };
    }

    /** Accepts client certificates that verify as X.509-SVIDs against the current bundles. */
    public X509ExtendedTrustManager trustManager() {
        return new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                check(chain);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws CertificateException {
                check(chain);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws CertificateException {
                check(chain);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                check(chain);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws CertificateException {
                check(chain);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws CertificateException {
                check(chain);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                List<X509Certificate> all = new ArrayList<>();
                bundles.current().byTrustDomain().values().forEach(b -> all.addAll(b.x509Authorities()));
                return all.toArray(X509Certificate[]::new);
            }
        };
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("no client certificate");
        }
        try {
            X509SvidVerifier.verify(chain[0], bundles.current(), Instant.now());
        } catch (IllegalArgumentException e) {
            throw new CertificateException(e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (java.io.IOException e) {
            LOG.log(Level.WARNING, "Workload API client did not close cleanly: " + e.getMessage());
        }
    }
}
