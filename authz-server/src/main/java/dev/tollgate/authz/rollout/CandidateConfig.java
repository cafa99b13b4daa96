package dev.tollgate.authz.rollout;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code candidates:} in the server config: a second policy revision per tenant, evaluated beside
 * the live one off the Check path.
 *
 * @param queueSize checks waiting for candidate evaluation; more are dropped and counted
 * @param tenants   the tenants that have a candidate
 */
public record CandidateConfig(int queueSize, List<Tenant> tenants) {
    public static final CandidateConfig NONE = new CandidateConfig(1000, List.of());

    public CandidateConfig {
        if (queueSize < 1) {
            throw new IllegalArgumentException("queue_size must be positive, got " + queueSize);
        }
        tenants = List.copyOf(tenants);
    }

    /**
     * One tenant's candidate: the folder {@code policies/<name>} (with {@code policies/shared}), laid
     * out and loaded exactly as the live policy directory, a bundle directory included.
     *
     * @param sample fraction (0..1) of the tenant's checks also decided by the candidate
     */
    public record Tenant(String name, Path policies, double sample) {
        public Tenant {
            if (!(sample >= 0 && sample <= 1)) {
                throw new IllegalArgumentException("sample must be from 0 to 1, got " + sample);
            }
        }
    }

    public boolean isEmpty() {
        return tenants.isEmpty();
    }
}
