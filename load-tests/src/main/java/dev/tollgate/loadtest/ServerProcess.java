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
 * A server in its own process (Tollgate or a baseline), started on free loopback ports; its ports
 * are read from its startup line, e.g. {@code tollgate listening grpc=HOST:PORT admin=HOST:PORT ...}.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern ADDRESS = Pattern.compile("(\\w+)=[^ ]*:(\\d+)");

    private final Process process;
    private final String listeningLine;
    private final StringBuilder output;

    private ServerProcess(Process process, String listeningLine, StringBuilder output) {
        this.process = process;
        this.listeningLine = listeningLine;
        this.output = output;
    }

    /** {@code java --enable-native-access=ALL-UNNAMED}, the JDK running this process. */
    static List<String> java() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED");
    }

    /** The command that runs Tollgate's packaged jar. */
    static List<String> tollgateJar(Path jar) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException(jar + " does not exist: build it with ./mvnw -pl authz-server -am package");
        }
        List<String> c = new ArrayList<>(java());
        c.addAll(List.of("-jar", jar.toString()));
        return c;
    }

    /** Arguments that serve {@code policies} on free loopback ports. */
    static List<String> serveArgs(Path policies) {
        return List.of("serve", "--policies", policies.toString(), "--bind", "127.0.0.1",
                "--grpc-port", "0", "--admin-port", "0");
    }

    /** Runs {@code command} and waits for the output line starting with {@code listeningPrefix}. */
    public static ServerProcess start(List<String> command, String listeningPrefix) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        CompletableFuture<String> line = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    synchronized (output) {
                        if (output.length() < 1 << 20) {
                            output.append(l).append('\n');
                        }
                    }
                    if (l.startsWith(listeningPrefix)) {
                        line.complete(l);
                    }
                }
            } catch (IOException e) {
                // the process ended: what it printed is kept
            }
            line.completeExceptionally(new IOException("exited before it printed '" + listeningPrefix + "'"));
        }, "server-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return new ServerProcess(process, line.get(90, TimeUnit.SECONDS), output);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + command.getFirst() + " started", e);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not start: "
                    + (e.getCause() == null ? e : e.getCause()).getMessage() + "; its output:\n" + snapshot(output), e);
        }
    }

    private static String snapshot(StringBuilder output) {
        synchronized (output) {
            return output.toString();
        }
    }

    /** The port of listener {@code name} (e.g. {@code grpc}, {@code admin}, {@code http}) in the startup line. */
    public int port(String name) {
        Matcher m = ADDRESS.matcher(listeningLine);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return Integer.parseInt(m.group(2));
            }
        }
        throw new IllegalStateException("no " + name + " address in '" + listeningLine + "'");
    }

    public boolean has(String name) {
        Matcher m = ADDRESS.matcher(listeningLine);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return true;
            }
        }
        return false;
    }

    public long pid() {
        return process.pid();
    }

    public String output() {
        return snapshot(output);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
