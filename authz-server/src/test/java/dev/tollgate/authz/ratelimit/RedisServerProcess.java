package dev.tollgate.authz.ratelimit;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** A real redis-server on a free loopback port, without persistence, that a test can stop and restart. */
public final class RedisServerProcess implements AutoCloseable {
    private final Path executable;
    final int port;
    private Process process;

    private RedisServerProcess(Path executable, int port) {
        this.executable = executable;
        this.port = port;
    }

    /**
     * Starts one, or skips the test when redis-server is missing; on CI ({@code CI=true}) a missing
     * redis-server fails instead, so the Redis tests cannot silently stop running.
     */
    public static RedisServerProcess start() throws IOException, InterruptedException {
        Path executable = find();
        if (executable == null) {
            String message = "redis-server is not installed (looked on PATH and /usr/bin); install it with "
                    + "'apt-get install -y redis-server' (.ci/run does this)";
            if ("true".equals(System.getenv("CI"))) {
                fail(message);
            }
            Assumptions.abort(message);
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        RedisServerProcess redis = new RedisServerProcess(executable, port);
        redis.startAgain();
        return redis;
    }

    private static Path find() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : (path + ":/usr/bin:/usr/local/bin").split(":")) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, "redis-server");
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    void startAgain() throws IOException, InterruptedException {
        process = new ProcessBuilder(List.of(executable.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--enable-debug-command", "local"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        for (int i = 0; i < 200; i++) {
            if (!process.isAlive()) {
                fail("redis-server exited with " + process.exitValue() + " on port " + port);
            }
            try {
                if ("+PONG".equals(command("PING"))) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(25);
        }
        fail("redis-server on port " + port + " did not answer PING");
    }

    void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Sends one inline command and returns the first reply line. */
    public String command(String... words) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write((String.join(" ", words) + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != -1 && c != '\r'; c = in.read()) {
                line.append((char) c);
            }
            return line.toString();
        }
    }

    public RedisSettings settings(String keyPrefix) {
        return new RedisSettings("127.0.0.1", port, java.time.Duration.ofMillis(250), keyPrefix, 10, 4, 50,
                java.time.Duration.ofMillis(300), java.time.Duration.ofMillis(100));
    }

    @Override
    public void close() {
        stop();
    }
}
