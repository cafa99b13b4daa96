package dev.tollgate.authz.decision;

/** The policy result does not have the shape of an Envoy decision; the message names the field. */
public final class InvalidResultException extends RuntimeException {
    InvalidResultException(String message) {
        super(message, null, false, false);
    }
}
