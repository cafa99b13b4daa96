package dev.tollgate.loadtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Tollgate server in its own process, started from the packaged jar on free loopback ports; its
 * ports are read from the startup line ({@code tollgate listening grpc=HOST:PORT admin=HOST:PORT ...}).
 */
public final class TollgateProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("tollgate listening .*");
    private static final Pattern ADDRESS = Pattern.compile("(\\w+)=[^ ]*:(\\d+)");

    private final Process process;
    private final int grpcPort;
    private final int adminPort;
    private final String listeningLine;
    private final StringBuilder output;

    private TollgateProcess(Process process, String listeningLine, StringBuilder output) {
        this.process = process;
        this.listeningLine = listeningLine;
        this.output = output;
        this.grpcPort = port(listeningLine, "grpc");
        this.adminPort = port(listeningLine, "admin");
    }

    /** Starts {@code java -jar JAR serve --policies DIR} on loopback and waits for its startup line. */
    public static TollgateProcess start(Path jar, Path policies, List<String> extraArgs) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException(jar + " does not exist: build it with ./mvnw -pl authz-server -am package");
        }
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "--enable-native-access=ALL-UNNAMED",
                "-jar", jar.toString(), "serve", "--policies", policies.toString(), "--bind", "127.0.0.1",
                "--grpc-port", "0", "--admin-port", "0"));
        command.addAll(extraArgs);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        CompletableFuture<String> line = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    synchronized (output) {
                        output.append(l).append('\n');
                    }
                    if (LISTENING.matcher(l).matches()) {
                        line.complete(l);
                    }
                }
            } catch (IOException e) {
                // the process ended: what it printed is kept
            }
            line.completeExceptionally(new IOException("tollgate exited before it listened"));
        }, "tollgate-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return new TollgateProcess(process, line.get(60, TimeUnit.SECONDS), output);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while tollgate started", e);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            String printed;
            synchronized (output) {
                printed = output.toString();
            }
            throw new IOException("tollgate did not start: " + e.getMessage() + "; its output:\n" + printed, e);
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int port(String line, String listener) {
        Matcher m = ADDRESS.matcher(line);
        while (m.find()) {
            if (m.group(1).equals(listener)) {
                return Integer.parseInt(m.group(2));
            }
        }
        throw new IllegalStateException("no " + listener + " address in '" + line + "'");
    }

    public int grpcPort() {
        return grpcPort;
    }

    public int adminPort() {
        return adminPort;
    }

    /** The port of listener {@code name} (e.g. {@code http}) named in the startup line. */
    public int port(String name) {
        return port(listeningLine, name);
    }

    public long pid() {
        return process.pid();
    }

    public String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
