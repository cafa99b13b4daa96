package dev.tollgate.authz.server.http;

import dev.tollgate.authz.decision.Header;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.DeniedHttpResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link CheckResponse} → the HTTP answer Envoy's HTTP ext_authz filter expects. Pure.
 *
 * <ul>
 *   <li>allow: 200; {@code ok_response.headers} (for {@code headersToUpstreamOnAllow}) and
 *       {@code response_headers_to_add} (for {@code headersToDownstreamOnAllow}) become response
 *       headers; {@code headers_to_remove} becomes {@code x-envoy-auth-headers-to-remove};
 *       query-parameter changes have no HTTP-mode equivalent and are dropped;</li>
 *   <li>deny: the denied status (403 when unset), its headers and its body.</li>
 * </ul>
 * Headers whose name or value HTTP cannot carry (control characters, a name that is not a token)
 * are left out rather than failing the answer.
 */
public final class HttpCheckResponses {
    /** Envoy's HTTP ext_authz filter removes the request headers named here before forwarding. */
    public static final String HEADERS_TO_REMOVE = "x-envoy-auth-headers-to-remove";

    private HttpCheckResponses() {
    }

    public static HttpAnswer answer(CheckResponse response) {
        List<Header> headers = new ArrayList<>();
        if (response.hasDeniedResponse() || response.getStatus().getCode() != 0) {
            DeniedHttpResponse denied = response.getDeniedResponse();
            int status = denied.getStatus().getCodeValue();
            add(denied.getHeadersList(), headers);
            return new HttpAnswer(status < 200 || status > 599 ? 403 : status, headers,
                    denied.getBody().getBytes(StandardCharsets.UTF_8));
        }
        OkHttpResponse ok = response.getOkResponse();
        add(ok.getHeadersList(), headers);
        add(ok.getResponseHeadersToAddList(), headers);
        if (ok.getHeadersToRemoveCount() > 0) {
            headers.add(new Header(HEADERS_TO_REMOVE, String.join(",", ok.getHeadersToRemoveList())));
        }
        return new HttpAnswer(200, headers, new byte[0]);
    }

    private static void add(List<HeaderValueOption> options, List<Header> out) {
        for (HeaderValueOption o : options) {
            HeaderValue h = o.getHeader();
            String value = h.getValue().isEmpty() ? h.getRawValue().toStringUtf8() : h.getValue();
            if (isToken(h.getKey()) && isFieldValue(value)) {
                out.add(new Header(h.getKey(), value));
            }
        }
    }

    static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static boolean isFieldValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
