package dev.tollgate.authz.policy;

import dev.tollgate.authz.policy.bundle.Bundle;
import dev.tollgate.authz.policy.bundle.BundleException;
import dev.tollgate.authz.policy.bundle.BundleListener;
import dev.tollgate.authz.policy.bundle.BundleLoader;
import dev.tollgate.authz.policy.bundle.BundlePoller;
import dev.tollgate.authz.tenant.Tenant;
import dev.tollgate.authz.tenant.TenantLoader;
import dev.tollgate.authz.tenant.TenantRegistry;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Puts tenants' policies into service and keeps them current: folder tenants through a
 * {@link DirectoryReloader}, bundle tenants through a {@link BundlePoller} each. Every load is
 * compiled off the Check path and swapped in per tenant (the registry's snapshot); a load that
 * fails keeps the tenant's last good policy serving, records the error for /ready, logs one line
 * and counts a failure, and touches no other tenant.
 */
public final class PolicyLifecycle implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PolicyLifecycle.class.getName());

    private final TenantLoader loader;
    private final TenantRegistry registry;
    private final List<BundleTenant> bundleTenants;
    private final Runnable onChange;
    private final TenantActivator activator;
    private final ReloadRecorder recorder;
    private final DirectoryReloader directory;
    private final List<BundlePoller> pollers = new ArrayList<>();

    /**
     * @param onChange called after every change to the registry (e.g. to update gRPC health)
     */
    public PolicyLifecycle(Path policiesDir, TenantLoader loader, TenantRegistry registry, ReloadOptions options,
                           List<BundleTenant> bundleTenants, Runnable onChange, Clock clock) {
        this(policiesDir, loader, registry, options, bundleTenants, onChange, TenantActivator.NONE, clock);
    }

    /**
     * @param onChange  called after every change to the registry (e.g. to update gRPC health)
     * @param activator called for each tenant that compiled before it serves, and for each removed one
     */
    public PolicyLifecycle(Path policiesDir, TenantLoader loader, TenantRegistry registry, ReloadOptions options,
                           List<BundleTenant> bundleTenants, Runnable onChange, TenantActivator activator,
                           Clock clock) {
        this.activator = activator;
        this.loader = loader;
        this.registry = registry;
        this.bundleTenants = List.copyOf(bundleTenants);
        this.onChange = onChange;
        this.recorder = new ReloadRecorder(clock);
        Set<String> bundleNames = this.bundleTenants.stream().map(BundleTenant::name).collect(Collectors.toSet());
        this.directory = new DirectoryReloader(policiesDir, loader, bundleNames, this::accept, this::unload, options);
    }

    /**
     * Loads every tenant once (bundle tenants: one poll each, each on its own thread, waited for);
     * then readiness can be judged. A poll that fails in any way is that tenant's failed load: the
     * calling thread goes on.
     */
    public void loadAll() {
        directory.scan();
        List<Thread> firstPolls = new ArrayList<>();
        for (BundleTenant b : bundleTenants) {
            BundlePoller poller = poller(b);
            pollers.add(poller);
            firstPolls.add(Thread.ofVirtual().name("bundle-first-poll " + b.name()).start(() -> firstPoll(b, poller)));
        }
        for (Thread t : firstPolls) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        registry.markComplete();
        onChange.run();
    }

    private void firstPoll(BundleTenant b, BundlePoller poller) {
        try {
            poller.pollOnce();
        } catch (RuntimeException | Error e) {
            failedBundle(b, "bundle could not be loaded: " + e);
        }
    }

    private void failedBundle(BundleTenant b, String error) {
        accept(new Tenant(b.name(), b.settings(), Optional.empty(), Optional.empty(),
                Optional.of(b.source().location() + ": " + error), "none"));
    }

    /** Starts watching the policy directory and polling bundles, in the background. */
    public void start() {
        directory.start();
        for (BundlePoller p : pollers) {
            p.start();
        }
    }

    /** Reload statistics now. */
    public ReloadStats stats() {
        return recorder.stats();
    }

    /** Fingerprints the policy directory now and reloads what changed (tests, admin use). */
    public void rescan() {
        directory.scan();
    }

    private BundlePoller poller(BundleTenant b) {
        BundleListener listener = new BundleListener() {
            @Override
            public void activated(Bundle bundle) {
                // Published by the activator already.
            }

            @Override
            public void failed(BundleException error) {
                failedBundle(b, error.getMessage());
            }
        };
        return new BundlePoller(b.source(), new BundleLoader(b.options()), bundle -> {
            Tenant t = loader.fromBundle(b.name(), b.settings(), bundle);
            if (!t.loaded()) {
                // Refused: the poller keeps the last good bundle and tells the listener.
                throw new BundleException(t.error().orElse("bundle did not compile"));
            }
            accept(t);
        }, listener);
    }

    private synchronized void accept(Tenant t) {
        if (t.loaded()) {
            t = activator.activate(t);
        }
        if (t.loaded()) {
            registry.put(t);
            recorder.success(t.name(), t.revision());
            LOG.log(Level.INFO, "tenant " + t.name() + " loaded (engine " + t.engine().orElse("?") + ", revision "
                    + t.revision() + ")");
        } else {
            String error = t.error().orElse("unknown error");
            Optional<Tenant> current = registry.get(t.name());
            if (current.isPresent() && current.get().loaded()) {
                registry.put(current.get().withError(error));
                LOG.log(Level.WARNING, "tenant " + t.name() + " reload failed, revision " + current.get().revision()
                        + " keeps serving: " + error);
            } else {
                registry.put(t);
                LOG.log(Level.WARNING, "tenant " + t.name() + " failed to load: " + error);
            }
            recorder.failure(t.name(), error);
        }
        onChange.run();
    }

    private synchronized void unload(String name) {
        registry.remove(name);
        activator.deactivate(name);
        recorder.removed(name);
        onChange.run();
    }

    @Override
    public void close() {
        directory.close();
        for (BundlePoller p : pollers) {
            p.close();
        }
    }
}
