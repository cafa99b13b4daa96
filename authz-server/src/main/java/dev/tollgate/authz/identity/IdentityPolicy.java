package dev.tollgate.authz.identity;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How identities are found: sources tried in order, whether the XFCC header is trusted,
 * which trust domains are accepted (empty = any), the trust bundles credentials are verified
 * against, and whether only verified identities are accepted.
 *
 * @param trustBundles   trust domain → PEM CA bundle or SPIFFE bundle (JWKS) file
 * @param bundlePoll     how often bundle files are checked for changes
 * @param requireVerified refuse identities Tollgate did not verify itself
 * @param workloadApiSocket the SPIFFE Workload API ({@code unix:/path}): Tollgate's own SVID and the bundles
 */
public record IdentityPolicy(List<IdentitySource> sources, boolean trustXfcc, Set<String> trustDomains,
                             Map<String, Path> trustBundles, Duration bundlePoll, boolean requireVerified,
                             JwtSvidSettings jwtSvid, Optional<String> workloadApiSocket) {
    public IdentityPolicy {
        sources = List.copyOf(sources);
        trustDomains = Set.copyOf(trustDomains);
        trustBundles = Map.copyOf(trustBundles);
    }

    public IdentityPolicy(List<IdentitySource> sources, boolean trustXfcc, Set<String> trustDomains) {
        this(sources, trustXfcc, trustDomains, Map.of(), Duration.ofSeconds(5), false, JwtSvidSettings.DEFAULTS,
                Optional.empty());
    }

    public IdentityPolicy withTrustBundles(Map<String, Path> bundles, boolean require) {
        return new IdentityPolicy(sources, trustXfcc, trustDomains, bundles, bundlePoll, require, jwtSvid,
                workloadApiSocket);
    }

    public IdentityPolicy withJwtSvid(JwtSvidSettings settings) {
        return new IdentityPolicy(sources, trustXfcc, trustDomains, trustBundles, bundlePoll, requireVerified, settings,
                workloadApiSocket);
    }

    public IdentityPolicy withWorkloadApi(Optional<String> socket, boolean require) {
        return new IdentityPolicy(sources, trustXfcc, trustDomains, trustBundles, bundlePoll, require, jwtSvid, socket);
    }
}
