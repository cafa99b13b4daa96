package authz

default allow := false

allow if {
	input.user == "alice"
	input.method == "GET"
}

admin(user) if user == "root"

conflict := 1 if input.x
conflict := 2 if input.x
