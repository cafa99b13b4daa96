package dev.tollgate.authz.server;

import io.envoyproxy.envoy.service.auth.v3.CheckRequest;

/** Told about every finished Check (metrics, decision log). Runs on the Check path: must not block or throw. */
@FunctionalInterface
interface CheckObserver {
    CheckObserver NONE = (request, outcome, checkNanos) -> {
    };

    void checked(CheckRequest request, CheckPipeline.Outcome outcome, long checkNanos);
}
