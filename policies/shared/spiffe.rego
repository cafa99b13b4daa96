# SPIFFE IDs of Kubernetes workloads: spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>.
package shared.spiffe

import rego.v1

# parse(id) is {id, trust_domain, namespace, service_account} for a Kubernetes-shaped
# SPIFFE ID, and undefined for anything else (so callers fail closed).
parse(id) := {
	"id": id,
	"trust_domain": parts[0],
	"namespace": parts[2],
	"service_account": parts[4],
} if {
	startswith(id, "spiffe://")
	parts := split(substring(id, 9, -1), "/")
	count(parts) == 5
	parts[0] != ""
	parts[1] == "ns"
	parts[2] != ""
	parts[3] == "sa"
	parts[4] != ""
}
