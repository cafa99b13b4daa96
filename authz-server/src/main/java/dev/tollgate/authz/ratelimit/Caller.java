package dev.tollgate.authz.ratelimit;

/**
 * Who is calling, as far as rate limiting cares. Fields are {@code null} when unknown: all of
 * them for an anonymous caller, {@code namespace} and {@code serviceAccount} for SPIFFE IDs that
 * are not Kubernetes-shaped. The server builds this from its own parsed identity; this package
 * does not parse SPIFFE IDs.
 */
public record Caller(String spiffeId, String trustDomain, String namespace, String serviceAccount) {

    /** A caller without a verified identity. */
    public static final Caller ANONYMOUS = new Caller(null, null, null, null);

    /** The bucket key for anonymous callers: they share one bucket per rule. */
    static final String ANONYMOUS_KEY = "anonymous";

    public boolean isAnonymous() {
        return spiffeId == null;
    }

    String bucketKey() {
        return spiffeId == null ? ANONYMOUS_KEY : spiffeId;
    }
}
