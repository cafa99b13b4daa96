package cov2

names := [n | some u in input.users
	n := u.name]

f(x) := y if {
	y := x * 2
}

g := "a" if {
	input.a
} else := "b"

unused if {
	input.never
}
