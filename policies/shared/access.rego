# Service-to-service access for one tenant, driven by the tenant's `data.access`:
#   namespaces     the Kubernetes namespaces the tenant owns (in platform.kubernetes_trust_domains)
#   trust_domains  the tenant's own SPIFFE trust domains (IDs like spiffe://bank-a/api-ms)
#   federated_trust_domains  other banks' trust domains whose callers grants may name
#   aliases        workload name in the tenant's own trust domain -> Kubernetes service account
#   services       per destination service: routes with methods, path glob and callers
#   grants         calls from other tenants' workloads, each naming caller, service, methods, path
#   jwt            the tenant's end-user token issuer (see shared.tokens)
# Callers are named "<bank>/<workload>": the bank is the namespace of a Kubernetes-shaped ID and
# the trust domain of any other, so spiffe://cluster.local/ns/bank-a/sa/api-ms and
# spiffe://bank-a/api-ms are both "bank-a/api-ms" and are decided the same way.
package shared.access

import rego.v1

import data.shared.http
import data.shared.platform
import data.shared.spiffe
import data.shared.tokens

# The caller as Tollgate established it (input.identity), whichever source supplied it.
identity := input.identity

kubernetes_caller if {
	identity.trust_domain in platform.kubernetes_trust_domains
	identity.namespace
}

caller_bank := identity.namespace if kubernetes_caller

caller_bank := identity.trust_domain if not kubernetes_caller

same_tenant if {
	kubernetes_caller
	caller_bank in data.access.namespaces
	not identity.federated
}

same_tenant if {
	not kubernetes_caller
	caller_bank in own_trust_domains
	not identity.federated
}

own_trust_domains := {td | some td in object.get(data.access, "trust_domains", [])}

federated_trust_domains := {td | some td in object.get(data.access, "federated_trust_domains", [])}

accepted_trust_domains := platform.kubernetes_trust_domains | own_trust_domains | federated_trust_domains

known_trust_domain if identity.trust_domain in accepted_trust_domains

# The tenant's own workloads go by their Kubernetes names in either shape.
workload_name(name) := object.get(object.get(data.access, "aliases", {}), name, name)

caller := {
	"id": identity.spiffe_id,
	"name": sprintf("%v/%v", [caller_bank, workload_name(identity.workload)]),
} if same_tenant

caller := {
	"id": identity.spiffe_id,
	"name": sprintf("%v/%v", [caller_bank, identity.workload]),
} if {
	identity.spiffe_id
	not same_tenant
}

destination := spiffe.parse(input.attributes.destination.principal)

service := workload_name(destination.workload)

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

# The mesh's own workloads (the ingress gateway, say) belong to no tenant: a tenant's routes may
# name them as callers without a grant.
platform_caller if {
	kubernetes_caller
	caller_bank in platform.platform_namespaces
	not identity.federated
}

# Routes (or cross-tenant grants) that name this caller.
granted contains route if {
	same_tenant
	some route in matching_routes
	caller.name in route.callers
}

granted contains route if {
	platform_caller
	some route in matching_routes
	caller.name in route.callers
}

granted contains grant if {
	not same_tenant
	known_trust_domain
	some grant in data.access.grants
	grant.caller == caller.name
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
} else := {"code": "unknown_trust_domain", "status": 403, "message": sprintf("%v is from trust domain %v, which this tenant does not accept", [caller.id, identity.trust_domain])} if {
	not known_trust_domain
} else := {"code": "invalid_token", "status": 401, "message": "the end-user token is invalid or expired"} if {
	tokens.invalid
} else := {"code": "unknown_service", "status": 403, "message": sprintf("%v is not a service of this tenant", [input.attributes.destination.principal])} if {
	not data.access.services[service]
} else := {"code": "cross_tenant_not_granted", "status": 403, "message": sprintf("%v has no grant for %v on %v", [caller.id, request_summary, service])} if {
	not same_tenant
	not platform_caller
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
