package cov

allow if {
	input.role == "admin"
}

deny if {
	input.role == "guest"
	input.blocked
}
