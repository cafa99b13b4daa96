package dev.tollgate.authz.identity;

import java.util.List;
import java.util.Set;

/**
 * How identities are found: sources tried in order, whether the XFCC header is trusted,
 * and which trust domains are accepted (empty = any).
 */
public record IdentityPolicy(List<IdentitySource> sources, boolean trustXfcc, Set<String> trustDomains) {
    public IdentityPolicy {
        sources = List.copyOf(sources);
        trustDomains = Set.copyOf(trustDomains);
    }
}
