package envoy.authz

default allow := false

allow if {
	input.method == "GET"
	input.path == "/public"
}

allow if {
	input.method == "POST"
	input.user in data.writers
}

reason := "reader" if {
	input.method == "GET"
} else := "writer" if {
	input.method == "POST"
} else := "unknown"
