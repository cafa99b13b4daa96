package dev.tollgate.authz.ratelimit;

import java.util.List;

/** A {@code rate_limits:} section that cannot be used; every problem names its source and key path. */
public final class RateLimitConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    RateLimitConfigException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per problem, e.g. {@code tenant.yaml: rate_limits.rules[1].per: expected one of second, minute, hour, got "day"}. */
    public List<String> problems() {
        return problems;
    }
}
