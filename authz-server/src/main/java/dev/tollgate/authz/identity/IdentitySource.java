package dev.tollgate.authz.identity;

import java.util.Locale;

/** Where a caller's SPIFFE ID was found; {@link #wireName()} is what {@code input.identity.source} says. */
public enum IdentitySource {
    PRINCIPAL("principal"),
    CERTIFICATE("certificate"),
    XFCC("xfcc"),
    PEER_CERTIFICATE("peer_certificate"),
    JWT_SVID("jwt_svid");

    private final String wireName;

    IdentitySource(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Accepts the wire name, e.g. {@code peer_certificate}. */
    public static IdentitySource fromWireName(String name) {
        for (IdentitySource s : values()) {
            if (s.wireName.equals(name.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown identity source '" + name
                + "' (expected principal, certificate, xfcc, peer_certificate or jwt_svid)");
    }
}
