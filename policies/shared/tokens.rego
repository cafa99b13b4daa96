# End-user tokens (JWT bearer) forwarded by the API tier. The tenant's `data.access.jwt`
# names the issuer, the audience and the issuer's public keys (JWKS).
package shared.tokens

import rego.v1

import data.shared.http

present if http.bearer_token

# The token's claims, only when its signature, issuer, audience and validity period check out.
claims := payload if {
	config := data.access.jwt
	[valid, _, payload] := io.jwt.decode_verify(http.bearer_token, {
		"cert": json.marshal(config.jwks),
		"iss": config.issuer,
		"aud": config.audience,
	})
	valid
}

invalid if {
	present
	not claims
}

scopes := {s | some s in split(claims.scope, " ")}

# satisfied(route): a route without an end-user requirement needs no token (but a token that
# is present must be valid); a route with one needs a valid token holding every listed scope.
satisfied(route) if {
	not route.end_user
	not invalid
}

satisfied(route) if {
	claims
	every scope in route.end_user.scopes {
		scope in scopes
	}
}
