package shared.spiffe_test

import rego.v1

import data.shared.spiffe

test_parses_kubernetes_ids if {
	spiffe.parse("spiffe://cluster.local/ns/bank-a/sa/api-ms") == {
		"id": "spiffe://cluster.local/ns/bank-a/sa/api-ms",
		"trust_domain": "cluster.local",
		"namespace": "bank-a",
		"service_account": "api-ms",
	}
}

test_rejects_other_shapes if {
	every id in [
		"",
		"spiffe://cluster.local",
		"spiffe://cluster.local/ns/bank-a",
		"spiffe://cluster.local/ns/bank-a/sa/",
		"spiffe://cluster.local/ns//sa/api-ms",
		"spiffe:///ns/bank-a/sa/api-ms",
		"spiffe://cluster.local/ns/bank-a/sa/api-ms/extra",
		"spiffe://cluster.local/namespace/bank-a/sa/api-ms",
		"https://cluster.local/ns/bank-a/sa/api-ms",
	] {
		not spiffe.parse(id)
	}
}
