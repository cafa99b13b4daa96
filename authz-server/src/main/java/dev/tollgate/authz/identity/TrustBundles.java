package dev.tollgate.authz.identity;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The trust bundles of every trust domain Tollgate verifies ({@code identity.trust_bundles}),
 * read from files and re-read when their content changes. Checks read one immutable snapshot;
 * a file that no longer parses keeps its last good bundle serving.
 */
public final class TrustBundles implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TrustBundles.class.getName());

    /** Every trust domain's bundle at one moment; {@code generation} changes with every swap. */
    public record Snapshot(Map<String, TrustBundle> byTrustDomain, long generation) {
        public Snapshot {
            byTrustDomain = Map.copyOf(byTrustDomain);
        }

        public Optional<TrustBundle> get(String trustDomain) {
            return Optional.ofNullable(byTrustDomain.get(trustDomain));
        }
    }

    /** Reload counts and the latest error, for metrics and readiness. */
    public record Stats(long reloads, long failures, Optional<String> lastError) {
    }

    private static final AtomicLong GENERATIONS = new AtomicLong();

    private final Map<String, Path> files;
    private final Map<String, byte[]> digests = new HashMap<>();
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile Snapshot current;
    private volatile String lastError;
    private ScheduledExecutorService poller;

    private TrustBundles(Map<String, Path> files) {
        this.files = Map.copyOf(files);
    }

    /** No bundles: nothing is verified. */
    public static TrustBundles none() {
        TrustBundles b = new TrustBundles(Map.of());
        b.current = new Snapshot(Map.of(), GENERATIONS.incrementAndGet());
        return b;
    }

    /**
     * Reads every file now.
     *
     * @throws IllegalArgumentException naming the trust domain and file that cannot be read or parsed
     */
    public static TrustBundles load(Map<String, Path> files) {
        TrustBundles b = new TrustBundles(files);
        Map<String, TrustBundle> loaded = new LinkedHashMap<>();
        for (var e : b.files.entrySet()) {
            byte[] content = read(e.getKey(), e.getValue());
            loaded.put(e.getKey(), TrustBundle.parse(e.getKey(), content, origin(e.getKey(), e.getValue())));
            b.digests.put(e.getKey(), digest(content));
        }
        b.current = new Snapshot(loaded, GENERATIONS.incrementAndGet());
        return b;
    }

    public boolean configured() {
        return !current.byTrustDomain().isEmpty();
    }

    public Snapshot current() {
        return current;
    }

    /** Replaces every bundle at once (bundles that come from the Workload API rather than files). */
    public void replaceAll(Map<String, TrustBundle> bundles) {
        current = new Snapshot(bundles, GENERATIONS.incrementAndGet());
        reloads.incrementAndGet();
    }

    public Stats stats() {
        return new Stats(reloads.get(), failures.get(), Optional.ofNullable(lastError));
    }

    /** Re-reads the files and swaps in the ones whose content changed and parses. */
    public synchronized void refresh() {
        Map<String, TrustBundle> next = new LinkedHashMap<>(current.byTrustDomain());
        boolean changed = false;
        for (var e : files.entrySet()) {
            String td = e.getKey();
            try {
                byte[] content = read(td, e.getValue());
                byte[] d = digest(content);
                if (Arrays.equals(d, digests.get(td))) {
                    continue;
                }
                next.put(td, TrustBundle.parse(td, content, origin(td, e.getValue())));
                digests.put(td, d);
                changed = true;
                LOG.log(Level.INFO, "trust bundle for " + td + " reloaded from " + e.getValue());
            } catch (IllegalArgumentException ex) {
                failures.incrementAndGet();
                lastError = ex.getMessage();
                LOG.log(Level.WARNING, "trust bundle reload failed, the last good bundle keeps serving: "
                        + ex.getMessage());
            }
        }
        if (changed) {
            current = new Snapshot(next, GENERATIONS.incrementAndGet());
            reloads.incrementAndGet();
            lastError = null;
        }
    }

    /** Checks the files every {@code interval} from a background thread. */
    public synchronized void start(Duration interval) {
        if (files.isEmpty() || poller != null) {
            return;
        }
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tollgate-trust-bundles");
            t.setDaemon(true);
            return t;
        });
        long ms = interval.toMillis();
        poller.scheduleWithFixedDelay(() -> {
            try {
                refresh();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "trust bundle refresh failed", e);
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    private static String origin(String trustDomain, Path file) {
        return "identity.trust_bundles." + trustDomain + " (" + file + ")";
    }

    private static byte[] read(String trustDomain, Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(origin(trustDomain, file) + ": cannot read ("
                    + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.toString()) + ")");
        }
    }

    private static byte[] digest(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
