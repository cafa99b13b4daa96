package dev.tollgate.authz.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.util.Base64;
import java.util.Map;

/**
 * ES256 end-user tokens signed with the test-only identity-provider keys of rego-tests/fixtures
 * (the public halves sit in each shipped tenant's data.json).
 */
public final class UserTokens {
    private static final Map<String, String[]> KEYS = Map.of(
            "bank-a", new String[] {"bank-a-idp-2026", "0GtOsgndJIFmR921-7Avl3I61S2R4fSdm9Oe34FJJOw"},
            "bank-b", new String[] {"bank-b-idp-2026", "xGcpgWUXTzSHOxpJRjc6HFCAYEPrYH35cMf4nEt_vCA"});
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private UserTokens() {
    }

    /** A token of {@code tenant}'s issuer for audience {@code tenant} with {@code scope}, expiring at {@code exp}. */
    public static String token(String tenant, String scope, long exp) {
        String[] key = KEYS.get(tenant);
        ObjectNode header = JSON.createObjectNode().put("alg", "ES256").put("typ", "JWT").put("kid", key[0]);
        ObjectNode claims = JSON.createObjectNode().put("iss", "https://idp." + tenant + ".example").put("aud", tenant)
                .put("sub", "customer-42").put("scope", scope).put("exp", exp);
        String signingInput = B64.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
            params.init(new ECGenParameterSpec("secp256r1"));
            PrivateKey pk = KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(
                    new BigInteger(1, Base64.getUrlDecoder().decode(key[1])), params.getParameterSpec(ECParameterSpec.class)));
            Signature sig = Signature.getInstance("SHA256withECDSAinP1363Format");
            sig.initSign(pk);
            sig.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64.encodeToString(sig.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
