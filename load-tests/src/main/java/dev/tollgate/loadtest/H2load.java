package dev.tollgate.loadtest;

import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Saturated throughput of one Check from nghttp2's {@code h2load}, a closed-model load tool written
 * in C: an independent cross-check of the open-model driver's figures. Absent when h2load is not
 * installed.
 */
final class H2load {
    private static final Pattern RATE = Pattern.compile("finished in [^,]*, ([0-9.]+) req/s");

    private H2load() {
    }

    static boolean available() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "h2load"))) {
                return true;
            }
        }
        return false;
    }

    /** Checks per second over {@code seconds} after {@code warmupSeconds}, 4 connections × 16 streams. */
    static Optional<Double> saturated(int port, CheckRequest request, int warmupSeconds, int seconds)
            throws IOException, InterruptedException {
        if (!available()) {
            return Optional.empty();
        }
        Path body = Files.createTempFile("check", ".bin");
        try {
            Files.write(body, CheckRequests.grpcFrame(request));
            Process p = new ProcessBuilder(List.of("h2load", "-t", "1", "-c", "4", "-m", "16", "-D",
                    Integer.toString(seconds), "--warm-up-time=" + warmupSeconds, "-d", body.toString(),
                    "-H", "content-type: application/grpc", "-H", "te: trailers",
                    "http://127.0.0.1:" + port + "/envoy.service.auth.v3.Authorization/Check"))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(seconds + warmupSeconds + 30L, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("h2load failed:\n" + out);
            }
            Matcher m = RATE.matcher(out);
            if (!m.find()) {
                throw new IOException("no rate in h2load's output:\n" + out);
            }
            return Optional.of(Double.parseDouble(m.group(1)));
        } finally {
            Files.deleteIfExists(body);
        }
    }
}
