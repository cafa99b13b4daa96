# The capacity harness's small OPA-Envoy-style policy: method, path, query and body.
package envoy.authz

import rego.v1

default allow := false

allow if {
	input.attributes.request.http.method == "POST"
	input.parsed_path == ["api", "orders"]
	input.parsed_query.region == ["eu"]
	input.parsed_body.quantity <= 10
}
