package authz_test

import data.authz

test_alice_may_get if {
	authz.allow with input as {"user": "alice", "method": "GET"}
}

test_bob_may_get if {
	print("checking bob")
	authz.allow with input as {"user": "bob", "method": "GET"}
}

test_alice_may_post if {
	x := 1
	x == 1
	authz.allow with input as {"user": "alice", "method": "POST"}
}

test_conflict if {
	authz.conflict with input as {"x": true}
}

test_false := false

test_root_is_admin if {
	print("root is", "admin")
	authz.admin("root")
}

todo_test_later if {
	false
}
