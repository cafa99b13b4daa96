package dev.tollgate.authz.ratelimit;

import java.util.Comparator;
import java.util.List;

/**
 * One configured limit: who it covers, which requests, and the rate each caller gets (every
 * caller it matches has its own bucket, keyed by SPIFFE ID).
 *
 * @param methods HTTP methods it covers; empty covers every method and TCP checks
 * @param path    path glob; {@code null} covers every path and TCP checks
 * @param tier    the tier the rate came from, or {@code null} for an inline rate
 * @param index   declaration order within the tenant; the default rule comes last
 */
record LimitRule(String name, IdentityMatch identity, List<String> methods, Glob path, Rate rate, String tier, int index) {

    /**
     * Most specific first: identity rank (exact SPIFFE ID > namespace+service account > namespace
     * > trust domain > SPIFFE ID glob > any), then a rule naming methods before one that does
     * not, then path (exact > glob with more literal characters > any), then declaration order.
     */
    static final Comparator<LimitRule> MOST_SPECIFIC_FIRST = Comparator
            .comparingInt((LimitRule r) -> -r.identity().rank())
            .thenComparingInt(r -> r.methods().isEmpty() ? 1 : 0)
            .thenComparingInt(r -> -r.pathScore())
            .thenComparingInt(LimitRule::index);

    int pathScore() {
        if (path == null) {
            return -1;
        }
        return path.isLiteral() ? Integer.MAX_VALUE : path.literalChars();
    }

    /** {@code method} and {@code path} are {@code null} for TCP checks. */
    boolean matches(Caller caller, String method, String requestPath) {
        if (!methods.isEmpty() && !containsMethod(method)) {
            return false;
        }
        if (path != null && (requestPath == null || !path.matches(requestPath))) {
            return false;
        }
        return identity.matches(caller);
    }

    private boolean containsMethod(String method) {
        if (method == null) {
            return false;
        }
        for (int i = 0, n = methods.size(); i < n; i++) {
            if (methods.get(i).equals(method)) {
                return true;
            }
        }
        return false;
    }
}
