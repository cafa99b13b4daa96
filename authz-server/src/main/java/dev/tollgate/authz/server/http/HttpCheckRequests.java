package dev.tollgate.authz.server.http;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.tollgate.authz.identity.Certificates;
import dev.tollgate.authz.identity.Xfcc;
import dev.tollgate.authz.tenant.TenantResolver;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Envoy's HTTP ext_authz request → the {@link CheckRequest} Envoy's gRPC ext_authz would have sent
 * for the same original request, so both modes share one pipeline and one input document. Pure.
 *
 * <ul>
 *   <li>{@code /tenants/<tenant>/rest} names the tenant (as {@code context_extensions.tenant}) and
 *       the policy sees {@code /rest};</li>
 *   <li>header names are lowercased, repeated headers joined with {@code ,} (as Envoy does),
 *       {@code host} becomes {@code :authority}, and {@code :method} / {@code :path} are added;
 *       hop-by-hop headers are dropped;</li>
 *   <li>a trusted {@code x-forwarded-client-cert}'s nearest element fills
 *       {@code source.principal} ({@code URI=}) and {@code destination.principal} ({@code By=});
 *       otherwise the connection's client certificate fills {@code source.principal};</li>
 *   <li>the body goes to {@code body} when it is UTF-8, else to {@code raw_body}.</li>
 * </ul>
 */
public final class HttpCheckRequests {
    /** The path prefix that names the deciding tenant. */
    public static final String TENANT_PREFIX = "/tenants/";

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "upgrade", "http2-settings", "trailer");

    private HttpCheckRequests() {
    }

    /**
     * @param trustXfcc        read {@code x-forwarded-client-cert} ({@code identity.trust_xfcc} with the
     *                         {@code xfcc} source configured)
     * @param peerAsPrincipal  the connection's client certificate may name the caller
     *                         ({@code peer_certificate} source configured)
     */
    public record Options(boolean trustXfcc, boolean peerAsPrincipal) {
    }

    /** What the mapping produced: a check to run, or a refusal with a 4xx status. */
    public sealed interface Mapped {
    }

    public record Check(CheckRequest request) implements Mapped {
    }

    public record Refused(int status, String message) implements Mapped {
    }

    public static Mapped map(HttpRequestView view, Options options, Instant now) {
        String target = view.target();
        if (!target.startsWith("/")) {
            int scheme = target.indexOf("://");
            int slash = scheme < 0 ? -1 : target.indexOf('/', scheme + 3);
            if (scheme < 0) {
                return new Refused(400, "request target must be a path starting with '/', got '" + clip(target) + "'");
            }
            target = slash < 0 ? "/" : target.substring(slash);
        }
        String tenant = null;
        if (target.startsWith(TENANT_PREFIX)) {
            int end = TENANT_PREFIX.length();
            while (end < target.length() && target.charAt(end) != '/' && target.charAt(end) != '?'
                    && target.charAt(end) != '#') {
                end++;
            }
            tenant = target.substring(TENANT_PREFIX.length(), end);
            if (tenant.isEmpty()) {
                return new Refused(400, "path " + clip(target) + " must name a tenant: /tenants/<tenant>/<path>");
            }
            String rest = target.substring(end);
            target = rest.startsWith("/") ? rest : "/" + rest;
        }

        AttributeContext.HttpRequest.Builder http = AttributeContext.HttpRequest.newBuilder()
                .setMethod(view.method())
                .setPath(target)
                .setProtocol(view.protocol());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":authority", "");
        headers.put(":method", view.method());
        headers.put(":path", target);
        for (Map.Entry<String, String> h : view.headers()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) || name.startsWith("x-http2-") || name.startsWith(":")) {
                continue;
            }
            if (name.equals("host")) {
                name = ":authority";
            }
            String value = h.getValue();
            headers.merge(name, value, (a, b) -> a.isEmpty() ? b : a + "," + b);
        }
        String authority = headers.get(":authority");
        if (authority.isEmpty()) {
            headers.remove(":authority");
        } else {
            http.setHost(authority);
        }
        String forwardedProto = headers.get("x-forwarded-proto");
        http.setScheme(forwardedProto != null && !forwardedProto.isEmpty() ? forwardedProto : view.scheme());
        String requestId = headers.get("x-request-id");
        if (requestId != null) {
            http.setId(requestId);
        }
        http.putAllHeaders(headers);
        byte[] body = view.body();
        if (body.length > 0) {
            String text = utf8(body);
            if (text != null) {
                http.setBody(text);
            } else {
                http.setRawBody(ByteString.copyFrom(body));
            }
            http.setSize(body.length);
        }

        AttributeContext.Peer.Builder source = AttributeContext.Peer.newBuilder();
        AttributeContext.Peer.Builder destination = AttributeContext.Peer.newBuilder();
        if (view.remote() != null) {
            source.setAddress(address(view.remote()));
        }
        if (view.local() != null) {
            destination.setAddress(address(view.local()));
        }
        String xfcc = headers.get("x-forwarded-client-cert");
        if (options.trustXfcc() && xfcc != null) {
            try {
                Map<String, String> nearest = Xfcc.parse(xfcc).getLast();
                source.setPrincipal(nearest.getOrDefault("uri", ""));
                destination.setPrincipal(nearest.getOrDefault("by", ""));
            } catch (IllegalArgumentException e) {
                // Left to identity resolution, which reports the malformed header as identity_invalid.
            }
        }
        if (source.getPrincipal().isEmpty() && options.peerAsPrincipal() && view.peerCertificate().isPresent()) {
            try {
                source.setPrincipal(Certificates.spiffeUri(view.peerCertificate().get()));
            } catch (IllegalArgumentException e) {
                // Left to identity resolution (peer_certificate source), which explains it.
            }
        }

        AttributeContext.Builder attributes = AttributeContext.newBuilder()
                .setSource(source)
                .setDestination(destination)
                .setRequest(AttributeContext.Request.newBuilder()
                        .setTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                        .setHttp(http));
        if (tenant != null) {
            attributes.putContextExtensions(TenantResolver.CONTEXT_EXTENSION_KEY, tenant);
        }
        return new Check(CheckRequest.newBuilder().setAttributes(attributes).build());
    }

    private static Address address(InetSocketAddress a) {
        return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                .setAddress(a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress())
                .setPortValue(a.getPort())).build();
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String clip(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "…";
    }

}
