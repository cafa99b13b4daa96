package dev.tollgate.authz.identity;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code jwt_svid} identity source: where the token is read and what it must carry.
 *
 * @param header     request header holding the token (lowercase); for {@code authorization} the
 *                   {@code Bearer } prefix is required and stripped
 * @param audiences  a token's {@code aud} must contain one of these
 * @param algorithms JWS algorithms accepted (never {@code none}, never an HMAC)
 */
public record JwtSvidSettings(String header, Set<String> audiences, Set<String> algorithms) {
    /** The asymmetric algorithms the JWT-SVID specification allows. */
    public static final Set<String> SPEC_ALGORITHMS = Set.of("RS256", "RS384", "RS512", "ES256", "ES384", "ES512",
            "PS256", "PS384", "PS512");
    public static final JwtSvidSettings DEFAULTS = new JwtSvidSettings("authorization", Set.of(), SPEC_ALGORITHMS);

    public JwtSvidSettings {
        header = header.toLowerCase(Locale.ROOT);
        audiences = Set.copyOf(audiences);
        algorithms = Set.copyOf(algorithms);
        for (String a : algorithms) {
            if (!SPEC_ALGORITHMS.contains(a)) {
                throw new IllegalArgumentException("algorithm '" + a + "' is not allowed for JWT-SVIDs (expected some of "
                        + List.copyOf(new java.util.TreeSet<>(SPEC_ALGORITHMS)) + ")");
            }
        }
    }
}
