# SPIFFE IDs in both shapes the platform uses: Kubernetes workloads
# (spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>) and workloads named in their
# bank's own trust domain (spiffe://<bank>/<workload>).
package shared.spiffe

import rego.v1

# parse(id) is {id, trust_domain, workload} for a SPIFFE ID with a path, plus namespace and
# service_account for a Kubernetes-shaped one (whose workload is the service account), and
# undefined for anything else (so callers fail closed). It names the workload as Tollgate's
# input.identity.workload does.
parse(id) := {
	"id": id,
	"trust_domain": parts[0],
	"namespace": parts[2],
	"service_account": parts[4],
	"workload": parts[4],
} if {
	parts := segments(id)
	kubernetes_shaped(parts)
}

parse(id) := {
	"id": id,
	"trust_domain": parts[0],
	"workload": parts[count(parts) - 1],
} if {
	parts := segments(id)
	count(parts) > 1
	not kubernetes_shaped(parts)
}

# The trust domain followed by the path segments; undefined when any of them is empty.
segments(id) := parts if {
	startswith(id, "spiffe://")
	parts := split(substring(id, 9, -1), "/")
	every part in parts {
		part != ""
	}
}

kubernetes_shaped(parts) if {
	count(parts) == 5
	parts[1] == "ns"
	parts[3] == "sa"
}
