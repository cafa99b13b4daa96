package dev.tollgate.authz.server;

import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import java.security.cert.X509Certificate;
import java.util.Optional;

/** One Check as a transport makes it: {@link CheckPipeline#check}, traced or not. Never throws. */
@FunctionalInterface
public interface CheckCall {
    CheckResponse check(CheckRequest request, Optional<X509Certificate> peerCertificate);
}
