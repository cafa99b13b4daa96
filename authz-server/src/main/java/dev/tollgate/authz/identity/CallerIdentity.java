package dev.tollgate.authz.identity;

/** The caller's verified SPIFFE ID and where it came from. */
public record CallerIdentity(SpiffeId id, IdentitySource source) {
}
