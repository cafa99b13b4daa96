package dev.tollgate.loadtest;

import java.util.Map;

/**
 * One authorization question of the load mix, transport-free: who calls ({@code source}, a SPIFFE ID,
 * or null for a caller without identity), which workload ({@code destination}), and the HTTP
 * request. {@code kind} names the mix entry it came from, for reports.
 */
record Call(String kind, String source, String destination, String method, String path, Map<String, String> headers) {
    Call {
        headers = Map.copyOf(headers);
    }

    /** The namespace of the destination workload: the tenant under the shipped tenancy settings. */
    String destinationNamespace() {
        String marker = "/ns/";
        int i = destination.indexOf(marker);
        if (i < 0) {
            return "";
        }
        int start = i + marker.length();
        int end = destination.indexOf('/', start);
        return end < 0 ? destination.substring(start) : destination.substring(start, end);
    }
}
