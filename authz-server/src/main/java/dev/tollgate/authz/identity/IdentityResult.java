package dev.tollgate.authz.identity;

/** Outcome of identity resolution: errors are values, never exceptions to the caller. */
public sealed interface IdentityResult {
    record Found(CallerIdentity identity) implements IdentityResult {
    }

    /** No configured source carried an identity. */
    record Missing(String detail) implements IdentityResult {
    }

    /** A source carried something that is not an acceptable SPIFFE ID. */
    record Invalid(IdentitySource source, String detail) implements IdentityResult {
    }
}
