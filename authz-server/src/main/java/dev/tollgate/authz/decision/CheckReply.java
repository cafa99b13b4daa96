package dev.tollgate.authz.decision;

import com.google.protobuf.Value;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The answer to one Check: what {@link CheckResponses#build} would make of it, kept as its parts
 * (decision, decision id, tenant, identity, revision) and written straight to the wire from
 * encoded pieces that repeat across checks ({@link CheckReplies}) plus the few bytes that are
 * this check's own. {@link #message()} builds the {@link CheckResponse} for those who want the
 * message (HTTP mode, tests); the gRPC service only writes bytes ({@link #writeTo}).
 *
 * <p>Not thread-safe: used by the thread that answers the check.
 */
public final class CheckReply {
    private final CheckReplies encoding;
    private final Decision decision;
    private final String decisionId;
    private final String tenant;
    private final IdentityMetadata identity;
    private final String revision;

    private CheckResponse message;

    // The encoded response, in wire order, set on first use by CheckReplies.encode: fixed
    // (status and ok_response of a plain allow, or null), the first ownLength bytes of own (the
    // status and HTTP response otherwise, the dynamic_metadata field header and the decision_id
    // entry), then the cached metadata entries.
    byte[] fixed;
    byte[] own;
    int ownLength;
    byte[] policyEntries;
    byte[] reasonEntry;
    byte[] tenantEntries;
    int size = -1;

    CheckReply(CheckReplies encoding, Decision decision, String decisionId, String tenant, IdentityMetadata identity,
               String revision) {
        this.encoding = encoding;
        this.decision = decision;
        this.decisionId = decisionId;
        this.tenant = tenant;
        this.identity = identity == null ? IdentityMetadata.ANONYMOUS : identity;
        this.revision = revision;
    }

    public Decision decision() {
        return decision;
    }

    public String decisionId() {
        return decisionId;
    }

    /** The deciding tenant, or null when none was resolved. */
    public String tenant() {
        return tenant;
    }

    /** The revision of the policy that decided, or null. */
    public String revision() {
        return revision;
    }

    /** {@code identity} as it appears in the metadata (a null value for anonymous callers). */
    public Value identity() {
        return identity.value();
    }

    IdentityMetadata identityMetadata() {
        return identity;
    }

    boolean anonymous() {
        return identity == IdentityMetadata.ANONYMOUS;
    }

    /** The HTTP status Envoy answers with: 200 for an allow. */
    public int httpStatus() {
        return decision.allowed() ? 200 : decision.httpStatus();
    }

    /** The response as a message, built on first use: equal to what a client parses from {@link #writeTo}. */
    public CheckResponse message() {
        if (message == null) {
            message = CheckResponses.build(decision, decisionId, tenant, anonymous() ? null : identity.value(),
                    encoding.names(), revision);
        }
        return message;
    }

    /** Size of the encoded response in bytes. */
    public int serializedSize() {
        if (size < 0) {
            encoding.encode(this);
        }
        return size;
    }

    /** Writes the encoded {@link CheckResponse} to {@code out}; returns the number of bytes written. */
    public int writeTo(OutputStream out) throws IOException {
        int n = serializedSize();
        if (fixed != null) {
            out.write(fixed);
        }
        out.write(own, 0, ownLength);
        write(out, policyEntries);
        write(out, reasonEntry);
        write(out, tenantEntries);
        out.write(identity.entry());
        return n;
    }

    private static void write(OutputStream out, byte[] b) throws IOException {
        if (b.length > 0) {
            out.write(b);
        }
    }

    /** The encoded {@link CheckResponse}. */
    public byte[] toByteArray() {
        byte[] out = new byte[serializedSize()];
        int at = 0;
        if (fixed != null) {
            at = copy(fixed, out, at);
        }
        System.arraycopy(own, 0, out, at, ownLength);
        at += ownLength;
        at = copy(policyEntries, out, at);
        at = copy(reasonEntry, out, at);
        at = copy(tenantEntries, out, at);
        copy(identity.entry(), out, at);
        return out;
    }

    private static int copy(byte[] from, byte[] to, int at) {
        System.arraycopy(from, 0, to, at, from.length);
        return at + from.length;
    }

    @Override
    public String toString() {
        return message().toString();
    }
}
