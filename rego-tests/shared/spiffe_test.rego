package shared.spiffe_test

import rego.v1

import data.shared.spiffe

test_parses_kubernetes_ids if {
	spiffe.parse("spiffe://cluster.local/ns/bank-a/sa/api-ms") == {
		"id": "spiffe://cluster.local/ns/bank-a/sa/api-ms",
		"trust_domain": "cluster.local",
		"namespace": "bank-a",
		"service_account": "api-ms",
		"workload": "api-ms",
	}
}

test_parses_bank_trust_domain_ids if {
	spiffe.parse("spiffe://bank-a/api-ms") == {"id": "spiffe://bank-a/api-ms", "trust_domain": "bank-a", "workload": "api-ms"}
	spiffe.parse("spiffe://bank-b/payments/trans-ms").workload == "trans-ms"
	spiffe.parse("spiffe://cluster.local/ns/bank-a/sa/api-ms/extra").workload == "extra"
	not spiffe.parse("spiffe://cluster.local/ns/bank-a/sa/api-ms/extra").namespace
}

test_rejects_ids_without_a_workload if {
	every id in [
		"",
		"spiffe://cluster.local",
		"spiffe://cluster.local/",
		"spiffe://cluster.local/ns/bank-a/sa/",
		"spiffe://cluster.local/ns//sa/api-ms",
		"spiffe:///ns/bank-a/sa/api-ms",
		"https://cluster.local/ns/bank-a/sa/api-ms",
	] {
		not spiffe.parse(id)
	}
}
