package dupes

test_twice if {
	true
}

test_twice if {
	1 == 2
}
