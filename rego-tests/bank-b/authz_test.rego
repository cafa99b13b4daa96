# bank-b owns the transaction service that bank-a's API may call for transfers.
package envoy.authz_test

import rego.v1

import data.envoy.authz
import data.fixtures

api := fixtures.spiffe("bank-b", "api-ms")

statements := fixtures.spiffe("bank-b", "statement-ms")

transactions := fixtures.spiffe("bank-b", "transaction-ms")

auth := fixtures.spiffe("bank-b", "auth-ms")

bank_a_api := fixtures.spiffe("bank-a", "api-ms")

transfer := fixtures.http_check(api, transactions, "POST", "/transfer")

test_api_may_transfer_for_a_user_with_the_scope if {
	check := fixtures.with_token(transfer, fixtures.user_token("bank-b", {}))
	authz.allow with input as check
	authz.result.headers["x-tollgate-caller"] == api with input as check
}

test_transfer_needs_an_end_user_token if {
	fixtures.denied(transfer, "end_user_token_required", 401)
}

test_transfer_needs_the_transfer_scope if {
	check := fixtures.with_token(transfer, fixtures.user_token("bank-b", {"scope": "profile"}))
	fixtures.denied(check, "insufficient_scope", 403)
}

test_expired_token_is_rejected if {
	check := fixtures.with_token(transfer, fixtures.user_token("bank-b", {"exp": 1000000000}))
	fixtures.denied(check, "invalid_token", 401)
}

test_token_from_another_issuer_is_rejected if {
	check := fixtures.with_token(transfer, fixtures.user_token("bank-a", {}))
	fixtures.denied(check, "invalid_token", 401)
}

test_token_for_another_audience_is_rejected if {
	check := fixtures.with_token(transfer, fixtures.user_token("bank-b", {"aud": "bank-a"}))
	fixtures.denied(check, "invalid_token", 401)
}

test_garbage_token_is_rejected if {
	fixtures.denied(fixtures.with_token(transfer, "not.a.jwt"), "invalid_token", 401)
}

test_statement_service_may_not_transfer if {
	check := fixtures.http_check(statements, transactions, "POST", "/transfer")
	fixtures.denied(fixtures.with_token(check, fixtures.user_token("bank-b", {})), "caller_not_allowed", 403)
}

test_statement_service_may_read_transactions if {
	authz.allow with input as fixtures.http_check(statements, transactions, "GET", "/transactions/2026/11")
}

test_query_string_does_not_change_the_route if {
	authz.allow with input as fixtures.http_check(statements, transactions, "GET", "/transactions/42?expand=all")
}

test_auth_service_is_called_by_the_api_only if {
	authz.allow with input as fixtures.http_check(api, auth, "POST", "/token/introspect")
	fixtures.denied(fixtures.http_check(statements, auth, "POST", "/token/introspect"), "caller_not_allowed", 403)
}

test_bank_a_api_may_transfer_through_its_grant if {
	authz.allow with input as fixtures.http_check(bank_a_api, transactions, "POST", "/transfer")
}

test_the_grant_covers_transfers_only if {
	check := fixtures.http_check(bank_a_api, transactions, "GET", "/transactions/1")
	fixtures.denied(check, "cross_tenant_not_granted", 403)
}

test_other_bank_a_workloads_have_no_grant if {
	check := fixtures.http_check(fixtures.spiffe("bank-a", "audit-ms"), transactions, "POST", "/transfer")
	fixtures.denied(check, "cross_tenant_not_granted", 403)
}

test_the_grant_lives_in_data if {
	check := fixtures.http_check(bank_a_api, transactions, "POST", "/transfer")
	not authz.allow with input as check with data.access.grants as []
}

test_caller_without_identity_is_unauthenticated if {
	check := {"attributes": {
		"destination": {"principal": transactions},
		"request": {"http": {"method": "GET", "path": "/transactions/1", "headers": {}}},
	}}
	fixtures.denied(check, "unauthenticated", 401)
}

test_unknown_service_is_denied if {
	check := fixtures.http_check(api, fixtures.spiffe("bank-b", "shadow-ms"), "GET", "/anything")
	fixtures.denied(check, "unknown_service", 403)
}

test_tcp_checks_without_http_are_denied if {
	check := {"attributes": {"source": {"principal": api}, "destination": {"principal": transactions}}, "identity": fixtures.identity(api)}
	fixtures.denied(check, "caller_not_allowed", 403)
}

test_probes_are_open if {
	every path in ["/healthz", "/readyz", "/livez"] {
		authz.allow with input as fixtures.http_check(fixtures.spiffe("kube-system", "kubelet"), transactions, "GET", path)
	}
}

test_metrics_are_for_the_platform_collectors if {
	authz.allow with input as fixtures.http_check("spiffe://cluster.local/ns/monitoring/sa/prometheus", transactions, "GET", "/metrics")
	not authz.allow with input as fixtures.http_check(api, transactions, "GET", "/metrics")
}

test_denials_explain_themselves_in_the_body if {
	body := json.unmarshal(authz.result.body) with input as transfer
	body.error == "end_user_token_required"
	body.message != ""
}

test_probes_need_no_identity if {
	check := {"attributes": {
		"destination": {"principal": transactions},
		"request": {"http": {"method": "GET", "path": "/readyz", "headers": {}}},
	}}
	r := authz.result with input as check
	r.allowed
	r.headers["x-tollgate-caller"] == ""
}

# The reference architecture's rule: only spiffe://bank-a/api-ms may call /transfer on
# spiffe://bank-b/trans-ms; bank-b decides the same for either ID shape.
bank_a_api_own := fixtures.bank_spiffe("bank-a", "api-ms")

trans := fixtures.bank_spiffe("bank-b", "trans-ms")

test_bank_a_api_in_its_own_trust_domain_may_transfer if {
	authz.allow with input as fixtures.federated(fixtures.http_check(bank_a_api_own, trans, "POST", "/transfer"), true)
	authz.allow with input as fixtures.http_check(bank_a_api_own, trans, "POST", "/transfer")
	authz.allow with input as fixtures.http_check(bank_a_api_own, transactions, "POST", "/transfer")
	authz.allow with input as fixtures.http_check(bank_a_api, trans, "POST", "/transfer")
	authz.result.headers["x-tollgate-caller"] == bank_a_api_own with input as fixtures.http_check(bank_a_api_own, trans, "POST", "/transfer")
}

test_other_bank_a_workloads_are_denied_in_either_shape if {
	every caller in [fixtures.bank_spiffe("bank-a", "audit-ms"), fixtures.spiffe("bank-a", "audit-ms"), fixtures.bank_spiffe("bank-a", "trans-ms")] {
		fixtures.denied(fixtures.http_check(caller, trans, "POST", "/transfer"), "cross_tenant_not_granted", 403)
	}
}

test_other_routes_are_denied_in_either_shape if {
	every caller in [bank_a_api_own, bank_a_api] {
		fixtures.denied(fixtures.http_check(caller, trans, "GET", "/transactions/1"), "cross_tenant_not_granted", 403)
		fixtures.denied(fixtures.http_check(caller, trans, "POST", "/transfer/extra"), "cross_tenant_not_granted", 403)
	}
}

test_unknown_trust_domains_are_denied if {
	every caller in [fixtures.bank_spiffe("bank-z", "api-ms"), "spiffe://bank-z/ns/bank-a/sa/api-ms"] {
		fixtures.denied(fixtures.http_check(caller, trans, "POST", "/transfer"), "unknown_trust_domain", 403)
	}
}

test_bank_b_own_workloads_in_its_trust_domain if {
	check := fixtures.with_token(fixtures.http_check(fixtures.bank_spiffe("bank-b", "api-ms"), trans, "POST", "/transfer"), fixtures.user_token("bank-b", {}))
	authz.allow with input as check
	fixtures.denied(fixtures.http_check(fixtures.bank_spiffe("bank-b", "api-ms"), trans, "POST", "/transfer"), "end_user_token_required", 401)
	authz.allow with input as fixtures.http_check(fixtures.bank_spiffe("bank-b", "statement-ms"), trans, "GET", "/transactions/1")
}

test_a_bank_a_id_cannot_pose_as_bank_b if {
	# bank-a's trust domain may mint any path; a bank-b-looking path in it is still bank-a's.
	check := fixtures.http_check("spiffe://bank-a/ns/bank-b/sa/statement-ms", trans, "GET", "/transactions/1")
	fixtures.denied(check, "cross_tenant_not_granted", 403)
}

test_unknown_workload_in_the_own_trust_domain if {
	fixtures.denied(fixtures.http_check(bank_a_api_own, fixtures.bank_spiffe("bank-b", "shadow-ms"), "POST", "/transfer"), "unknown_service", 403)
}
