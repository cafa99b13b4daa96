package dev.tollgate.authz.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.identity.CallerIdentity;
import dev.tollgate.authz.identity.IdentityResolver;
import dev.tollgate.authz.identity.IdentityResult;
import dev.tollgate.authz.input.InputDocument;
import dev.tollgate.authz.input.InputDocuments;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The input document {@code serve} would build for a CheckRequest read from a protojson file. */
final class CheckRequestInput {
    private CheckRequestInput() {
    }

    /** @throws IOException when the file is unreadable or not a CheckRequest in protojson (message says where) */
    static InputDocument read(Path file, String tenant) throws IOException {
        CheckRequest.Builder b = CheckRequest.newBuilder();
        try {
            JsonFormat.parser().merge(Files.readString(file), b);
        } catch (InvalidProtocolBufferException e) {
            throw new IOException(file + ": not a CheckRequest in protojson: " + e.getMessage(), e);
        }
        CheckRequest request = b.build();
        ServerConfig defaults = ServerConfig.defaults();
        Optional<CallerIdentity> caller = new IdentityResolver(defaults.identity())
                .resolve(request.getAttributes(), Optional.empty()) instanceof IdentityResult.Found f
                ? Optional.of(f.identity()) : Optional.empty();
        return InputDocuments.build(request, caller, tenant, defaults.input());
    }
}
