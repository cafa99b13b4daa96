package dev.tollgate.authz.identity;

/** A string that is not a valid SPIFFE ID; the message says why. */
public final class InvalidSpiffeIdException extends IllegalArgumentException {
    InvalidSpiffeIdException(String message) {
        super(message);
    }
}
