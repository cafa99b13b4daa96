# bank-a grants no other tenant access; its audit service reads the ledger.
package envoy.authz_test

import rego.v1

import data.envoy.authz
import data.fixtures

api := fixtures.spiffe("bank-a", "api-ms")

audit := fixtures.spiffe("bank-a", "audit-ms")

transactions := fixtures.spiffe("bank-a", "transaction-ms")

ledger := fixtures.spiffe("bank-a", "ledger-ms")

test_api_may_transfer_for_a_user if {
	check := fixtures.with_token(fixtures.http_check(api, transactions, "POST", "/transfer"), fixtures.user_token("bank-a", {}))
	authz.allow with input as check
}

test_only_the_api_may_transfer if {
	check := fixtures.with_token(fixtures.http_check(audit, transactions, "POST", "/transfer"), fixtures.user_token("bank-a", {}))
	fixtures.denied(check, "caller_not_allowed", 403)
}

test_audit_reads_the_ledger if {
	authz.allow with input as fixtures.http_check(audit, ledger, "GET", "/ledger/accounts/7/entries")
}

test_audit_may_not_write_the_ledger if {
	check := fixtures.http_check(audit, ledger, "POST", "/ledger/entries")
	fixtures.denied(check, "caller_not_allowed", 403)
	authz.allow == false with input as check
}

test_transactions_write_the_ledger if {
	authz.allow with input as fixtures.http_check(transactions, ledger, "POST", "/ledger/entries")
}

test_bank_b_has_no_grant_here if {
	check := fixtures.http_check(fixtures.spiffe("bank-b", "api-ms"), transactions, "POST", "/transfer")
	fixtures.denied(check, "cross_tenant_not_granted", 403)
}

gateway := fixtures.spiffe("istio-system", "istio-ingressgateway-service-account")

test_the_ingress_gateway_reaches_the_api_without_a_grant if {
	authz.allow with input as fixtures.http_check(gateway, api, "GET", "/api/accounts/7")
	authz.allow with input as fixtures.http_check(gateway, api, "POST", "/api/payments")
}

test_the_ingress_gateway_reaches_only_the_routes_that_name_it if {
	fixtures.denied(fixtures.http_check(gateway, transactions, "GET", "/transactions/1"), "caller_not_allowed", 403)
	fixtures.denied(fixtures.http_check(gateway, api, "DELETE", "/api/accounts/7"), "caller_not_allowed", 403)
}

test_other_istio_system_workloads_are_not_the_gateway if {
	check := fixtures.http_check(fixtures.spiffe("istio-system", "istiod"), api, "GET", "/api/accounts/7")
	fixtures.denied(check, "caller_not_allowed", 403)
}

test_a_grant_in_data_opens_the_route if {
	grants := [{"caller": "bank-b/api-ms", "service": "ledger-ms", "methods": ["GET"], "path": "/ledger/**"}]
	check := fixtures.http_check(fixtures.spiffe("bank-b", "api-ms"), ledger, "GET", "/ledger/x")
	authz.allow with input as check with data.access.grants as grants
}

test_methods_are_matched_case_insensitively if {
	authz.allow with input as fixtures.http_check(audit, ledger, "get", "/ledger/x")
}

test_path_globs_do_not_escape_their_prefix if {
	fixtures.denied(fixtures.http_check(audit, ledger, "GET", "/ledgerx/secret"), "caller_not_allowed", 403)
}

test_allowed_calls_name_the_verified_caller if {
	r := authz.result with input as fixtures.http_check(audit, ledger, "GET", "/ledger/x")
	r.allowed
	r.headers["x-tollgate-caller"] == audit
}

test_probes_need_no_identity if {
	check := {"attributes": {
		"destination": {"principal": ledger},
		"request": {"http": {"method": "GET", "path": "/healthz", "headers": {}}},
	}}
	r := authz.result with input as check
	r.allowed
	r.headers["x-tollgate-caller"] == ""
}

# The same workloads named in bank-a's own trust domain decide the same way.
test_bank_trust_domain_ids_decide_like_kubernetes_ids if {
	bank_api := fixtures.bank_spiffe("bank-a", "api-ms")
	check := fixtures.with_token(fixtures.http_check(bank_api, fixtures.bank_spiffe("bank-a", "trans-ms"), "POST", "/transfer"), fixtures.user_token("bank-a", {}))
	authz.allow with input as check
	authz.allow with input as fixtures.http_check(fixtures.bank_spiffe("bank-a", "audit-ms"), ledger, "GET", "/ledger/x")
	fixtures.denied(fixtures.http_check(fixtures.bank_spiffe("bank-a", "audit-ms"), ledger, "POST", "/ledger/entries"), "caller_not_allowed", 403)
}

test_mixed_shapes_meet_in_one_name if {
	authz.allow with input as fixtures.http_check(fixtures.bank_spiffe("bank-a", "trans-ms"), ledger, "POST", "/ledger/entries")
	authz.allow with input as fixtures.http_check(transactions, fixtures.bank_spiffe("bank-a", "ledger-ms"), "POST", "/ledger/entries")
}

test_a_caller_flagged_federated_is_never_bank_a_itself if {
	check := fixtures.federated(fixtures.http_check(audit, ledger, "GET", "/ledger/x"), true)
	fixtures.denied(check, "cross_tenant_not_granted", 403)
	authz.allow with input as fixtures.federated(fixtures.http_check(audit, ledger, "GET", "/ledger/x"), false)
}

test_bank_b_trust_domain_is_not_accepted_here if {
	check := fixtures.http_check(fixtures.bank_spiffe("bank-b", "api-ms"), transactions, "POST", "/transfer")
	fixtures.denied(check, "unknown_trust_domain", 403)
}

test_the_policy_decides_on_input_identity_not_the_principal if {
	check := fixtures.http_check(audit, ledger, "GET", "/ledger/x")
	fixtures.denied(json.remove(check, ["identity"]), "unauthenticated", 401)
	authz.allow with input as json.remove(check, ["attributes/source/principal"])
}

test_kubernetes_shape_outside_the_mesh_trust_domain_is_not_bank_a if {
	# spiffe://bank-b/ns/bank-a/sa/audit-ms belongs to bank-b's trust domain, not to namespace bank-a.
	check := fixtures.http_check("spiffe://bank-b/ns/bank-a/sa/audit-ms", ledger, "GET", "/ledger/x")
	fixtures.denied(check, "unknown_trust_domain", 403)
}
