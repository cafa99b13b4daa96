package dev.tollgate.authz.identity;

import java.util.Optional;

/**
 * A SPIFFE ID that passed strict parsing. {@code namespace} and {@code serviceAccount} are present
 * only for Kubernetes-shaped paths ({@code /ns/<ns>/sa/<sa>}).
 */
public record SpiffeId(String spiffeId, String trustDomain, String path,
                       Optional<String> namespace, Optional<String> serviceAccount) {

    /** Parses {@code text} strictly, throwing {@link InvalidSpiffeIdException} with the reason. */
    public static SpiffeId parse(String text) {
        return SpiffeIdParser.parse(text);
    }

    @Override
    public String toString() {
        return spiffeId;
    }
}
