package dev.tollgate.authz.server.http;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP check request as it came off the wire, transport-free.
 *
 * @param target   the request target as sent (origin form {@code /p?q}, or absolute form)
 * @param protocol {@code HTTP/1.1} or {@code HTTP/2}
 * @param scheme   {@code http} or {@code https}: how the check connection was made
 * @param headers  in arrival order, names as sent
 * @param remote   the peer of the check connection (the proxy), or null
 * @param local    the listener's address, or null
 */
public record HttpRequestView(String method, String target, String protocol, String scheme,
                              List<Map.Entry<String, String>> headers, byte[] body, InetSocketAddress remote,
                              InetSocketAddress local, Optional<X509Certificate> peerCertificate) {
    public HttpRequestView {
        headers = List.copyOf(headers);
    }
}
