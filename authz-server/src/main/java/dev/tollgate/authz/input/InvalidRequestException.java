package dev.tollgate.authz.input;

/** The request cannot be turned into an input document; the message names the part that is wrong. */
public final class InvalidRequestException extends RuntimeException {
    public InvalidRequestException(String message) {
        super(message, null, false, false);
    }
}
