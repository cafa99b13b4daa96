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

test_a_grant_in_data_opens_the_route if {
	grants := [{"caller": fixtures.spiffe("bank-b", "api-ms"), "service": "ledger-ms", "methods": ["GET"], "path": "/ledger/**"}]
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
