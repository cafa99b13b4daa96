package dev.tollgate.loadtest;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/** CheckRequests written as protojson files, and their gRPC wire form. */
final class CheckRequests {
    private CheckRequests() {
    }

    /** Reads a protojson CheckRequest; the message names the file and what is wrong. */
    static CheckRequest read(Path file) throws IOException {
        CheckRequest.Builder b = CheckRequest.newBuilder();
        try {
            JsonFormat.parser().merge(Files.readString(file), b);
        } catch (InvalidProtocolBufferException e) {
            throw new IOException(file + ": not a protojson CheckRequest: " + e.getMessage(), e);
        }
        return b.build();
    }

    /** One gRPC length-prefixed message (uncompressed): what an HTTP/2 load tool posts as the body. */
    static byte[] grpcFrame(CheckRequest request) {
        byte[] message = request.toByteArray();
        ByteBuffer frame = ByteBuffer.allocate(5 + message.length);
        frame.put((byte) 0).putInt(message.length).put(message);
        return frame.array();
    }
}
