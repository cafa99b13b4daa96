package dev.tollgate.authz.input;

import dev.tollgate.rego.value.ObjectValue;

/**
 * One check's input document: a read-only jrego object over the CheckRequest (see
 * {@link InputDocuments}), plus what could not be read from it. Belongs to the check that made it.
 */
public final class InputDocument {
    private final ObjectValue value;
    private final Body body;

    InputDocument(ObjectValue value, Body body) {
        this.value = value;
        this.body = body;
    }

    /** The document the policy evaluates; parts are made as they are read. */
    public ObjectValue value() {
        return value;
    }

    /**
     * Why the request cannot be read (an unparsable body), or null. Asked after evaluation: a body
     * the policy did not read is checked then, so the decision does not depend on what the policy read.
     */
    public String problem() {
        return body.problem();
    }

    /** The document as compact JSON text (sorted keys), as the WASM engine and logs see it. */
    @Override
    public String toString() {
        return value.toJson();
    }
}
