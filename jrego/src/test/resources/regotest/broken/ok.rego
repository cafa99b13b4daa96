package ok

p if {
	x := 1
	y == 2
}

q := z
