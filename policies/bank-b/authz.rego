# bank-b's decision for calls to its workloads. The rules and the result's shape live in
# shared.access; who may call what lives in this tenant's data.json, so access changes are data
# reviews, not code reviews.
package envoy.authz

import rego.v1

import data.shared.access

default allow := false

allow if access.allowed

result := access.result
