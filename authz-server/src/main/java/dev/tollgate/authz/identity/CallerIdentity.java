package dev.tollgate.authz.identity;

import java.util.Optional;

/**
 * The caller's SPIFFE ID and where it came from.
 *
 * @param verified  true when Tollgate verified the credential itself (an X.509-SVID chained to a
 *                  trust bundle, a JWT-SVID signed by a JWT authority), false when it is taken on
 *                  the word of the proxy (a principal, an unverified certificate)
 * @param federated for the deciding tenant: true when the caller's trust domain is not one of the
 *                  tenant's own, false when it is, empty when the tenant's trust domains are unknown
 */
public record CallerIdentity(SpiffeId id, IdentitySource source, boolean verified, Optional<Boolean> federated) {
    private static final Optional<Boolean> FOREIGN = Optional.of(true);
    private static final Optional<Boolean> OWN = Optional.of(false);

    public CallerIdentity(SpiffeId id, IdentitySource source) {
        this(id, source, false, Optional.empty());
    }

    public CallerIdentity(SpiffeId id, IdentitySource source, boolean verified) {
        this(id, source, verified, Optional.empty());
    }

    /** This identity as seen by a tenant whose own trust domains do ({@code false}) or do not include it. */
    public CallerIdentity withFederated(Optional<Boolean> flag) {
        if (flag.equals(federated)) {
            return this;
        }
        return new CallerIdentity(id, source, verified, flag.isEmpty() ? flag : flag.get() ? FOREIGN : OWN);
    }
}
