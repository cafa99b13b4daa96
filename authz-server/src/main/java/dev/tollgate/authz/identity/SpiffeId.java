package dev.tollgate.authz.identity;

import java.util.Optional;

/**
 * A SPIFFE ID that passed strict parsing. {@code namespace} and {@code serviceAccount} are present
 * only for Kubernetes-shaped paths ({@code /ns/<ns>/sa/<sa>}).
 */
public record SpiffeId(String spiffeId, String trustDomain, String path,
                       Optional<String> namespace, Optional<String> serviceAccount) {

    /**
     * The workload the ID names: the service account of a Kubernetes-shaped ID, the last path
     * segment of any other ({@code spiffe://bank-a/api-ms} is {@code api-ms}); empty for an ID
     * without a path.
     */
    public String workload() {
        return serviceAccount.orElseGet(() -> path.substring(path.lastIndexOf('/') + 1));
    }

    /** Parses {@code text} strictly, throwing {@link InvalidSpiffeIdException} with the reason. */
    public static SpiffeId parse(String text) {
        return SpiffeIdParser.parse(text);
    }

    @Override
    public String toString() {
        return spiffeId;
    }
}
