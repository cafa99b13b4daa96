package dev.tollgate.authz.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.authz.identity.CallerIdentity;
import dev.tollgate.authz.tenant.TenantSettings;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.util.Optional;

/** What a {@link DecisionStage} knows about the check it is deciding. */
public record CheckContext(String decisionId, String tenant, TenantSettings tenantSettings,
                           Optional<CallerIdentity> identity, CheckRequest request, JsonNode input) {
}
