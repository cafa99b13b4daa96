# The HTTP request Envoy asks about, normalised once for every rule.
package shared.http

import rego.v1

# Undefined for TCP-level checks, which carry no HTTP attributes.
request := input.attributes.request.http

method := upper(request.method)

# The path without its query string.
path := split(request.path, "?")[0]

# Envoy hands header names over lower-cased.
headers := object.get(request, "headers", {})

# The end-user bearer token, when the request carries one.
bearer_token := token if {
	authorization := headers.authorization
	startswith(lower(authorization), "bearer ")
	token := trim_space(substring(authorization, 7, -1))
	token != ""
}
