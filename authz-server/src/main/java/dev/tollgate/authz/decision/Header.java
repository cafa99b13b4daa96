package dev.tollgate.authz.decision;

/** One header or query parameter name/value pair. */
public record Header(String name, String value) {
}
