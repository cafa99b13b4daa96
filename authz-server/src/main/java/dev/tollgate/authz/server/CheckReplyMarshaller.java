package dev.tollgate.authz.server;

import dev.tollgate.authz.decision.CheckReply;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The Check method's response marshaller: writes a {@link CheckReply}'s bytes to the transport
 * ({@link Drainable}, with its length known up front), as protobuf's marshaller writes a
 * {@code CheckResponse}. Server side only: clients parse the bytes as a {@code CheckResponse}.
 */
final class CheckReplyMarshaller implements MethodDescriptor.Marshaller<CheckReply> {
    static final CheckReplyMarshaller INSTANCE = new CheckReplyMarshaller();

    private CheckReplyMarshaller() {
    }

    @Override
    public InputStream stream(CheckReply reply) {
        return new ReplyStream(reply);
    }

    @Override
    public CheckReply parse(InputStream stream) {
        throw new UnsupportedOperationException("CheckReply is written, not read: parse a CheckResponse");
    }

    /**
     * The reply drained straight into the transport's buffers (Netty); made into one array only when a
     * transport reads it instead (in-process).
     */
    static final class ReplyStream extends InputStream implements Drainable, KnownLength {
        private static final byte[] DRAINED = new byte[0];

        private CheckReply reply;
        private byte[] bytes; // null until read or drained
        private int pos;

        ReplyStream(CheckReply reply) {
            this.reply = reply;
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            if (bytes == null) {
                int n = reply.writeTo(target);
                reply = null;
                bytes = DRAINED;
                return n;
            }
            int n = bytes.length - pos;
            target.write(bytes, pos, n);
            pos += n;
            return n;
        }

        private byte[] bytes() {
            if (bytes == null) {
                bytes = reply.toByteArray();
                reply = null;
            }
            return bytes;
        }

        @Override
        public int available() {
            if (bytes == null) {
                return reply.serializedSize();
            }
            return bytes.length - pos;
        }

        @Override
        public int read() {
            byte[] b = bytes();
            return pos < b.length ? b[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] into, int off, int len) {
            byte[] b = bytes();
            if (len == 0) {
                return 0;
            }
            if (pos >= b.length) {
                return -1;
            }
            int n = Math.min(len, b.length - pos);
            System.arraycopy(b, pos, into, off, n);
            pos += n;
            return n;
        }
    }
}
