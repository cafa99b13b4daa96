package dev.tollgate.rego.bench;

import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.Value;

/** A realistic Envoy ext_authz policy and request, shared by the benchmark and its test. */
public final class AuthzPolicyFixture {
  private AuthzPolicyFixture() {}

  public static final String POLICY = """
      package envoy.authz

      import rego.v1

      default allow := false

      method := input.attributes.request.http.method
      path := input.attributes.request.http.path
      headers := input.attributes.request.http.headers
      principal := input.attributes.source.principal

      # identities are resolved from the SPIFFE principal through data
      caller := data.identities[principal]
      caller_ns := caller.namespace
      caller_sa := caller.service_account

      path_parts := input.parsed_path

      allow if {
        method == "GET"
        path == "/healthz"
      }

      allow if {
        method == "GET"
        path_parts[0] == "api"
        path_parts[1] == "v1"
        path_parts[2] == "accounts"
        caller_ns in data.trusted_namespaces
      }

      allow if {
        method == "POST"
        path_parts[0] == "api"
        path_parts[2] == "payments"
        caller_sa == "payments-gateway"
        headers["x-request-priority"] == "high"
      }

      allow if {
        method == "PUT"
        path_parts[2] == "accounts"
        caller_sa == "account-admin"
      }

      allow if {
        method == "DELETE"
        caller_sa == "platform-admin"
        headers["x-break-glass"] == "true"
      }

      allow if {
        method == "GET"
        path_parts[2] == "statements"
        caller_ns == "reporting"
      }

      allow if {
        method == "PATCH"
        path_parts[2] == "limits"
        caller_sa == "risk-engine"
      }

      allow if {
        method == "OPTIONS"
      }

      allow if {
        method == "HEAD"
        path == "/"
      }

      allow if {
        method == "GET"
        path_parts[2] == "rates"
      }

      allow if {
        method == "POST"
        path_parts[2] == "transfers"
        caller_sa == "transfer-service"
        not denied_caller
      }

      allow if {
        method == "POST"
        path_parts[2] == "cards"
        caller_sa == "card-issuer"
      }

      allow if {
        method == "GET"
        path_parts[2] == "cards"
        caller_ns in data.trusted_namespaces
      }

      allow if {
        method == "POST"
        path_parts[2] == "loans"
        caller_sa == "loan-origination"
      }

      allow if {
        method == "GET"
        path_parts[2] == "loans"
        caller_sa in {"loan-origination", "loan-servicing"}
      }

      allow if {
        method == "POST"
        path_parts[2] == "kyc"
        caller_sa == "kyc-service"
        headers["content-type"] == "application/json"
      }

      allow if {
        method == "GET"
        path_parts[2] == "audit"
        caller_ns == "compliance"
      }

      allow if {
        method == "POST"
        path_parts[2] == "webhooks"
        headers["x-signature"] != ""
        caller_ns == "integrations"
      }

      allow if {
        method == "GET"
        path_parts[2] == "fx"
        caller_sa == "fx-pricing"
      }

      allow if {
        method == "POST"
        path_parts[2] == "fx"
        caller_sa == "fx-trading"
      }

      allow if {
        method == "GET"
        path_parts[2] == "customers"
        caller_sa == "crm"
      }

      allow if {
        method == "PUT"
        path_parts[2] == "customers"
        caller_sa == "crm"
        headers["x-change-ticket"]
      }

      allow if {
        method == "GET"
        path == "/metrics"
        caller_ns == "monitoring"
      }

      allow if {
        method == "POST"
        path_parts[2] == "notifications"
        caller_sa == "notifier"
      }

      denied_caller if caller_sa in data.blocked_service_accounts
      """;

  public static final String DATA = """
      {"trusted_namespaces": ["frontend", "mobile-bff", "reporting"],
       "blocked_service_accounts": ["legacy-batch"],
       "identities": {
         "spiffe://bank-a.example.org/ns/frontend/sa/web-frontend":
           {"namespace": "frontend", "service_account": "web-frontend"},
         "spiffe://bank-a.example.org/ns/payments/sa/payments-gateway":
           {"namespace": "payments", "service_account": "payments-gateway"},
         "spiffe://bank-a.example.org/ns/reporting/sa/statements":
           {"namespace": "reporting", "service_account": "statements"},
         "spiffe://bank-a.example.org/ns/platform/sa/platform-admin":
           {"namespace": "platform", "service_account": "platform-admin"}
       }}
      """;

  public static final String INPUT = """
      {
        "attributes": {
          "source": {
            "address": {"socketAddress": {"address": "10.0.3.17", "portValue": 48512}},
            "principal": "spiffe://bank-a.example.org/ns/frontend/sa/web-frontend"
          },
          "destination": {
            "address": {"socketAddress": {"address": "10.0.7.2", "portValue": 8080}},
            "principal": "spiffe://bank-a.example.org/ns/accounts/sa/accounts-api"
          },
          "request": {
            "time": "2026-11-29T10:15:30.123456Z",
            "http": {
              "id": "8a1f0c7e-3b7d-4f8e-9d1c-7b2a6c9e5f10",
              "method": "GET",
              "path": "/api/v1/accounts/12345",
              "host": "accounts.bank-a.svc.cluster.local",
              "scheme": "http",
              "protocol": "HTTP/1.1",
              "headers": {
                ":authority": "accounts.bank-a.svc.cluster.local",
                ":method": "GET",
                ":path": "/api/v1/accounts/12345",
                "accept": "application/json",
                "user-agent": "Mozilla/5.0 (X11; Linux x86_64)",
                "x-request-id": "8a1f0c7e-3b7d-4f8e-9d1c-7b2a6c9e5f10",
                "x-b3-traceid": "4bf92f3577b34da6a3ce929d0e0e4736",
                "x-forwarded-proto": "https",
                "x-envoy-attempt-count": "1"
              }
            }
          },
          "contextExtensions": {"virtual_host": "accounts"}
        },
        "parsed_path": ["api", "v1", "accounts", "12345"],
        "parsed_query": {},
        "truncated_body": false,
        "version": {"encoding": "protojson", "ext_authz": "v3"}
      }
      """;

  public static Value input() {
    return Json.parse(INPUT);
  }

  public static Value data() {
    return Json.parse(DATA);
  }
}
