package dev.tollgate.authz.server;

import dev.tollgate.authz.decision.CheckReply;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.security.cert.X509Certificate;
import java.util.Optional;

/** One Check as a transport makes it: {@link CheckPipeline#reply}, traced or not. Never throws. */
@FunctionalInterface
public interface CheckCall {
    CheckReply check(CheckRequest request, Optional<X509Certificate> peerCertificate);
}
