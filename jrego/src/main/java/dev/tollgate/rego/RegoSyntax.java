package dev.tollgate.rego;

/** Which Rego syntax modules are written in. */
public enum RegoSyntax {
  /** OPA 1.x: {@code if} and {@code contains} required, keywords reserved. */
  V1,
  /** Pre-1.0 syntax ({@code p { ... }}, {@code p[x] { ... }}), as OPA's --v0-compatible. */
  V0
}
