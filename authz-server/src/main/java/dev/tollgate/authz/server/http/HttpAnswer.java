package dev.tollgate.authz.server.http;

import dev.tollgate.authz.decision.Header;
import java.util.List;

/** The HTTP response Envoy's HTTP ext_authz filter reads: 200 allows, anything else denies. */
public record HttpAnswer(int status, List<Header> headers, byte[] body) {
    public HttpAnswer {
        headers = List.copyOf(headers);
    }

    /** A refusal made by the listener itself (bad or oversized request, overload). */
    static HttpAnswer plain(int status, String message) {
        return new HttpAnswer(status, List.of(new Header("content-type", "text/plain; charset=utf-8")),
                (message + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
