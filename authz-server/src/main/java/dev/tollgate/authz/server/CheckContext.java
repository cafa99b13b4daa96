package dev.tollgate.authz.server;

import dev.tollgate.authz.identity.CallerIdentity;
import dev.tollgate.authz.tenant.TenantSettings;
import dev.tollgate.rego.value.Value;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.util.Optional;

/** What a {@link DecisionStage} knows about the check it is deciding ({@code input} is lazy: read it on the check's thread). */
public record CheckContext(String decisionId, String tenant, TenantSettings tenantSettings,
                           Optional<CallerIdentity> identity, CheckRequest request, Value input) {
}
