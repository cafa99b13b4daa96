package cov_test

import data.cov

test_admin_allowed if {
	cov.allow with input as {"role": "admin"}
}
