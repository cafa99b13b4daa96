package dev.tollgate.loadtest;

import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Request tools for the capacity harness.
 *
 * <pre>
 * CheckTool frame REQUEST.json OUT.bin         gRPC-framed body for h2load -d
 * CheckTool check REQUEST.json --port N       one Check; prints "allow" or "deny REASON HTTP_STATUS"
 * </pre>
 */
public final class CheckTool {
    private CheckTool() {
    }

    public static void main(String[] args) throws Exception {
        try {
            if (args.length == 3 && args[0].equals("frame")) {
                Files.write(Path.of(args[2]), CheckRequests.grpcFrame(CheckRequests.read(Path.of(args[1]))));
                return;
            }
            if (args.length >= 2 && args[0].equals("check")) {
                String[] rest = java.util.Arrays.copyOfRange(args, 2, args.length);
                Args a = Args.parse(rest, "port", "host");
                System.out.println(check(CheckRequests.read(Path.of(args[1])), a.get("host", "127.0.0.1"),
                        a.getInt("port", 9191)));
                return;
            }
            throw Args.usage("usage: CheckTool frame REQUEST.json OUT.bin | CheckTool check REQUEST.json [--port N]");
        } catch (IllegalArgumentException | java.io.IOException e) {
            System.err.println("CheckTool: " + e.getMessage());
            System.exit(2);
        }
    }

    /** "allow", or "deny" with the reason header and HTTP status of the denied response. */
    static String check(CheckRequest request, String host, int port) throws InterruptedException {
        ManagedChannel channel = NettyChannelBuilder.forAddress(host, port).usePlaintext().build();
        try {
            CheckResponse r = AuthorizationGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(request);
            return describe(r);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    static String describe(CheckResponse r) {
        if (r.getStatus().getCode() == 0) {
            return "allow";
        }
        String reason = "-";
        for (HeaderValueOption h : r.getDeniedResponse().getHeadersList()) {
            if (h.getHeader().getKey().equals("x-tollgate-reason")) {
                reason = h.getHeader().getValue();
            }
        }
        return "deny " + reason + " " + r.getDeniedResponse().getStatus().getCodeValue();
    }
}
