# Service-to-service access for one tenant, driven by the tenant's `data.access`:
#   namespaces  the Kubernetes namespaces the tenant owns
#   services    per destination service account: routes with methods, path glob and callers
#   grants      calls from other tenants' workloads, each naming caller, service, methods, path
#   jwt         the tenant's end-user token issuer (see shared.tokens)
package shared.access

import rego.v1

import data.shared.http
import data.shared.platform
import data.shared.spiffe
import data.shared.tokens

caller := spiffe.parse(input.attributes.source.principal)

destination := spiffe.parse(input.attributes.destination.principal)

service := destination.service_account

same_tenant if caller.namespace in data.access.namespaces

route_matches(route) if {
	method_matches(route.methods)
	glob.match(route.path, ["/"], http.path)
}

method_matches(methods) if "*" in methods

method_matches(methods) if http.method in methods

# Routes of the destination service that this request is for.
matching_routes contains route if {
	some route in data.access.services[service].routes
	route_matches(route)
}

# Routes (or cross-tenant grants) that name this caller.
granted contains route if {
	same_tenant
	some route in matching_routes
	caller.id in route.callers
}

granted contains grant if {
	not same_tenant
	some grant in data.access.grants
	grant.caller == caller.id
	grant.service == service
	route_matches(grant)
}

allowed if platform.allowed

allowed if {
	some route in granted
	tokens.satisfied(route)
}

default request_summary := "a non-HTTP connection"

request_summary := sprintf("%v %v", [http.method, http.path])

# Why a call is denied: the first reason that applies, with the status that helps the caller.
denial := {"code": "unauthenticated", "status": 401, "message": "the caller has no workload identity"} if {
	not caller
} else := {"code": "invalid_token", "status": 401, "message": "the end-user token is invalid or expired"} if {
	tokens.invalid
} else := {"code": "unknown_service", "status": 403, "message": sprintf("%v is not a service of this tenant", [input.attributes.destination.principal])} if {
	not data.access.services[service]
} else := {"code": "cross_tenant_not_granted", "status": 403, "message": sprintf("%v has no grant for %v on %v", [caller.id, request_summary, service])} if {
	not same_tenant
	count(granted) == 0
} else := {"code": "caller_not_allowed", "status": 403, "message": sprintf("%v may not call %v on %v", [caller.id, request_summary, service])} if {
	count(granted) == 0
} else := {"code": "end_user_token_required", "status": 401, "message": "this route needs an end-user token"} if {
	not tokens.present
} else := {"code": "insufficient_scope", "status": 403, "message": "the end-user token lacks a required scope"}

# The OPA-Envoy result object every tenant returns: allowed calls carry the verified caller to
# the service, denied calls carry a reason code and a status that tells the caller what to fix.
result := {
	"allowed": true,
	"headers": {"x-tollgate-caller": caller_id},
} if allowed

result := {
	"allowed": false,
	"http_status": denial.status,
	"headers": {"x-tollgate-reason": denial.code, "content-type": "application/json"},
	"body": json.marshal({"error": denial.code, "message": denial.message}),
} if not allowed

# Probes may come without an identity.
default caller_id := ""

caller_id := caller.id
