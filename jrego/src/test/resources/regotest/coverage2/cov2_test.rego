package cov2_test

import data.cov2

test_names if {
	cov2.names == ["x"] with input as {"users": [{"name": "x"}]}
}

test_f if {
	cov2.f(3) == 6
}

test_else if {
	cov2.g == "b" with input as {}
}
