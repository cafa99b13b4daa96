package dev.tollgate.authz.input;

/**
 * @param parseBody whether {@code parsed_body}/{@code truncated_body} are produced (OPA-Envoy's
 *                  {@code skip_request_body_parse} inverted)
 * @param maxParsedBodyBytes bodies longer than this are not parsed and count as truncated
 */
public record InputOptions(boolean parseBody, int maxParsedBodyBytes) {
    public static final InputOptions DEFAULTS = new InputOptions(true, 1 << 20);
}
