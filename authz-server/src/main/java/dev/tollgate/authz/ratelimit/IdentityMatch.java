package dev.tollgate.authz.ratelimit;

/**
 * Which callers a rule covers. At most one kind of selector is set, except that
 * {@code trustDomain} may narrow a namespace (with or without service account) selector.
 * {@link #rank()} orders selectors from most to least specific.
 */
record IdentityMatch(String spiffeId, String trustDomain, String namespace, String serviceAccount, Glob spiffeIdGlob) {

    static final IdentityMatch ANY = new IdentityMatch(null, null, null, null, null);

    static final int RANK_SPIFFE_ID = 5;
    static final int RANK_SERVICE_ACCOUNT = 4;
    static final int RANK_NAMESPACE = 3;
    static final int RANK_TRUST_DOMAIN = 2;
    static final int RANK_GLOB = 1;
    static final int RANK_ANY = 0;

    int rank() {
        if (spiffeId != null) {
            return RANK_SPIFFE_ID;
        }
        if (serviceAccount != null) {
            return RANK_SERVICE_ACCOUNT;
        }
        if (namespace != null) {
            return RANK_NAMESPACE;
        }
        if (trustDomain != null) {
            return RANK_TRUST_DOMAIN;
        }
        if (spiffeIdGlob != null) {
            return RANK_GLOB;
        }
        return RANK_ANY;
    }

    boolean matches(Caller caller) {
        if (spiffeId != null) {
            return spiffeId.equals(caller.spiffeId());
        }
        if (spiffeIdGlob != null) {
            return caller.spiffeId() != null && spiffeIdGlob.matches(caller.spiffeId());
        }
        if (trustDomain != null && !trustDomain.equals(caller.trustDomain())) {
            return false;
        }
        if (namespace != null && !namespace.equals(caller.namespace())) {
            return false;
        }
        return serviceAccount == null || serviceAccount.equals(caller.serviceAccount());
    }
}
