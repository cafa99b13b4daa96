# What the platform team needs from every workload, whatever the tenant's own rules say.
package shared.platform

import rego.v1

import data.shared.http

# The mesh's own trust domains: their IDs are Kubernetes-shaped, and the namespace says which
# bank a workload belongs to. In any other trust domain (a bank's own), the trust domain does.
kubernetes_trust_domains := {"cluster.local"}

# Namespaces of the mesh itself (Istio's gateways): their workloads serve every tenant.
platform_namespaces := {"istio-system"}

probe_paths := {"/healthz", "/livez", "/readyz", "/health", "/ready"}

# Telemetry collectors run by the platform team in their own namespaces.
telemetry_callers := {
	"spiffe://cluster.local/ns/monitoring/sa/prometheus",
	"spiffe://cluster.local/ns/platform/sa/otel-collector",
}

# Liveness and readiness probes are plain GETs and reveal nothing.
allowed if {
	http.method in {"GET", "HEAD"}
	http.path in probe_paths
}

# Metrics are scraped by the platform's collectors only.
allowed if {
	http.method == "GET"
	http.path == "/metrics"
	input.identity.spiffe_id in telemetry_callers
}
