package dev.tollgate.authz.policy;

import dev.tollgate.authz.tenant.Tenant;
import dev.tollgate.authz.tenant.TenantLoader;
import dev.tollgate.authz.tenant.TenantSettings;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps the folder tenants of a policy directory current. A scan fingerprints every tenant's files
 * (content, not timestamps) and recompiles only tenants whose fingerprint changed since the last
 * attempt; new folders are loaded, vanished ones unloaded. Scans run on one background thread,
 * never on the Check path, triggered by file-system events (debounced) and by a periodic timer.
 *
 * <p>The timer is what makes Kubernetes ConfigMap volumes work: an update there swaps the
 * {@code ..data} link to a new timestamped directory, which changes no watched file. The swap
 * does show up as an event on the directory holding {@code ..data} (watched too, so it is
 * usually picked up at once), and whatever events miss, the next fingerprint check finds.
 */
final class DirectoryReloader implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DirectoryReloader.class.getName());

    private final Path policiesDir;
    private final TenantLoader loader;
    private final Set<String> excluded;
    private final Consumer<Tenant> publish;
    private final Consumer<String> unload;
    private final ReloadOptions options;
    private final Map<String, String> attempted = new HashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tollgate-policy-reload");
        t.setDaemon(true);
        return t;
    });
    private WatchService watcher;
    private Thread watchThread;
    private final Object debounceLock = new Object();
    private ScheduledFuture<?> pending;

    /**
     * @param excluded tenant names served from elsewhere (configured bundles); their folders are ignored
     * @param publish  receives every freshly loaded tenant, good or failed
     * @param unload   receives the names of tenants whose folder is gone
     */
    DirectoryReloader(Path policiesDir, TenantLoader loader, Set<String> excluded, Consumer<Tenant> publish,
                      Consumer<String> unload, ReloadOptions options) {
        this.policiesDir = policiesDir;
        this.loader = loader;
        this.excluded = Set.copyOf(excluded);
        this.publish = publish;
        this.unload = unload;
        this.options = options;
    }

    /** Loads what changed since the last scan; the first scan loads every tenant. */
    synchronized void scan() {
        List<String> names;
        try {
            names = TenantLoader.tenantNames(policiesDir).stream().filter(n -> !excluded.contains(n)).toList();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "policy directory " + policiesDir + " cannot be listed: " + e.getMessage());
            return;
        }
        for (String gone : new HashSet<>(attempted.keySet())) {
            if (!names.contains(gone)) {
                attempted.remove(gone);
                LOG.log(Level.INFO, "tenant " + gone + " unloaded: its folder is gone");
                unload.accept(gone);
            }
        }
        for (String name : names) {
            String fingerprint = TenantLoader.revision(policiesDir, name);
            if (fingerprint.equals(attempted.get(name))) {
                continue;
            }
            // Fingerprinted before loading: a change made during the load is seen by the next scan.
            attempted.put(name, fingerprint);
            // Any failure is a failed load of this tenant, never the end of the scan or of its thread.
            try {
                publish.accept(loader.load(policiesDir, name));
            } catch (RuntimeException | Error e) {
                publish.accept(new Tenant(name, TenantSettings.DEFAULTS, Optional.empty(), Optional.empty(),
                        Optional.of(policiesDir.resolve(name) + ": could not be loaded: " + e), fingerprint));
            }
        }
        registerDirectories();
    }

    /** Starts the watcher (if configured) and the periodic fingerprint check. */
    void start() {
        if (options.watch()) {
            try {
                watcher = policiesDir.getFileSystem().newWatchService();
                registerDirectories();
                watchThread = Thread.ofPlatform().daemon().name("tollgate-policy-watch").start(this::watch);
            } catch (IOException | UnsupportedOperationException e) {
                LOG.log(Level.WARNING, "cannot watch " + policiesDir + " (" + e.getMessage()
                        + "); relying on the periodic check every " + options.pollInterval());
            }
        }
        long every = options.pollInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::safeScan, every, every, TimeUnit.MILLISECONDS);
    }

    private void watch() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                key.pollEvents();
                key.reset();
                changed();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    /** Something changed: scan once things have been quiet for the debounce time. */
    private void changed() {
        synchronized (debounceLock) {
            if (pending != null) {
                pending.cancel(false);
            }
            if (!scheduler.isShutdown()) {
                pending = scheduler.schedule(this::safeScan, options.debounce().toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private void safeScan() {
        try {
            scan();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "policy reload scan failed", e);
        }
    }

    /** Watches the policy directory and every directory below it, hidden ones (..data) excepted. */
    private void registerDirectories() {
        WatchService w = watcher;
        if (w == null) {
            return;
        }
        try {
            Files.walkFileTree(policiesDir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), 8, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    if (!d.equals(policiesDir) && d.getFileName().toString().startsWith(".")) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    d.register(w, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                            StandardWatchEventKinds.ENTRY_MODIFY);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | ClosedWatchServiceException e) {
            LOG.log(Level.DEBUG, "cannot watch below " + policiesDir + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                // nothing left to do
            }
        }
        if (watchThread != null) {
            watchThread.interrupt();
        }
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
