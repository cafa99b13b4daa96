# bank-b's decision for calls to its workloads. The rules live in shared.access; who may call
# what lives in this tenant's data.json, so access changes are data reviews, not code reviews.
package envoy.authz

import rego.v1

import data.shared.access

default allow := false

allow if access.allowed

# The OPA-Envoy result object: allowed calls carry the verified caller to the service, denied
# calls carry a reason code and a status that tells the caller what to fix.
result := {
	"allowed": true,
	"headers": {"x-tollgate-caller": caller_id},
} if allow

result := {
	"allowed": false,
	"http_status": denial.status,
	"headers": {"x-tollgate-reason": denial.code, "content-type": "application/json"},
	"body": json.marshal({"error": denial.code, "message": denial.message}),
} if not allow

default caller_id := ""

caller_id := access.caller.id

# The first reason that applies; shared.access always has one for a denied call.
denial := access.denial
