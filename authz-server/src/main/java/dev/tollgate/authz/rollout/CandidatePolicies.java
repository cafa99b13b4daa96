package dev.tollgate.authz.rollout;

import dev.tollgate.authz.telemetry.MetricSource;
import dev.tollgate.authz.telemetry.MetricWriter;
import dev.tollgate.authz.tenant.Tenant;
import dev.tollgate.authz.tenant.TenantLoader;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The candidate policies, loaded with the same {@link TenantLoader} as live tenants and kept
 * current by a fingerprint check every poll interval. A candidate that fails to load keeps its last
 * good revision (or none); it never touches the live tenant of the same name. Readers get an
 * immutable snapshot without locking.
 */
public final class CandidatePolicies implements MetricSource, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CandidatePolicies.class.getName());

    /** A candidate's state: the policy in use (if any) and the latest load's error (if it failed). */
    public record State(Optional<Tenant> tenant, Optional<String> error) {
    }

    private final CandidateConfig config;
    private final TenantLoader loader;
    private final Duration pollInterval;
    private final Map<String, String> attempted = new HashMap<>();
    private final Map<String, LongAdder> failures = new HashMap<>();
    private volatile Map<String, State> states = Map.of();
    private ScheduledExecutorService scheduler;

    public CandidatePolicies(CandidateConfig config, TenantLoader loader, Duration pollInterval) {
        this.config = config;
        this.loader = loader;
        this.pollInterval = pollInterval;
        for (CandidateConfig.Tenant t : config.tenants()) {
            failures.put(t.name(), new LongAdder());
        }
    }

    /** The candidate in service for {@code tenant}, if one has loaded. */
    public Optional<Tenant> get(String tenant) {
        State s = states.get(tenant);
        return s == null ? Optional.empty() : s.tenant();
    }

    public Map<String, State> states() {
        return states;
    }

    /** Loads every candidate whose files changed since the last attempt (the first call loads all). */
    public synchronized void scan() {
        Map<String, State> next = new LinkedHashMap<>(states);
        for (CandidateConfig.Tenant c : config.tenants()) {
            String fingerprint = Files.isDirectory(c.policies().resolve(c.name()))
                    ? TenantLoader.revision(c.policies(), c.name()) : "missing";
            if (fingerprint.equals(attempted.get(c.name()))) {
                continue;
            }
            attempted.put(c.name(), fingerprint);
            State previous = next.getOrDefault(c.name(), new State(Optional.empty(), Optional.empty()));
            Tenant loaded = fingerprint.equals("missing")
                    ? new Tenant(c.name(), dev.tollgate.authz.tenant.TenantSettings.DEFAULTS, Optional.empty(),
                            Optional.empty(), Optional.of(c.policies().resolve(c.name()) + ": no such folder"), "none")
                    : loader.load(c.policies(), c.name());
            if (loaded.loaded()) {
                next.put(c.name(), new State(Optional.of(loaded), Optional.empty()));
                LOG.log(Level.INFO, "candidate policy for tenant " + c.name() + " loaded (revision "
                        + loaded.revision() + ")");
            } else {
                String error = loaded.error().orElse("unknown error");
                next.put(c.name(), new State(previous.tenant(), Optional.of(error)));
                failures.get(c.name()).increment();
                LOG.log(Level.WARNING, "candidate policy for tenant " + c.name() + " failed to load"
                        + previous.tenant().map(t -> ", revision " + t.revision() + " stays candidate").orElse("")
                        + ": " + error);
            }
        }
        states = Map.copyOf(next);
    }

    /** Checks the candidates' fingerprints every poll interval from now on. */
    public synchronized void start() {
        if (scheduler != null || config.isEmpty()) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tollgate-candidate-reload");
            t.setDaemon(true);
            return t;
        });
        long every = pollInterval.toMillis();
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                scan();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "candidate policy scan failed", e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void collect(MetricWriter out) {
        Map<String, State> s = states;
        out.family("tollgate_candidate_ready", MetricWriter.Type.GAUGE,
                "1 when the tenant's candidate policy is loaded, else 0.");
        for (CandidateConfig.Tenant c : config.tenants()) {
            State st = s.get(c.name());
            out.sample(st != null && st.tenant().isPresent() ? 1 : 0, "tenant", c.name());
        }
        out.family("tollgate_candidate_load_failures_total", MetricWriter.Type.COUNTER,
                "Candidate policy loads that failed (the previous candidate, if any, stays).");
        for (CandidateConfig.Tenant c : config.tenants()) {
            out.sample(failures.get(c.name()).sum(), "tenant", c.name());
        }
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        for (State s : states.values()) {
            s.tenant().flatMap(Tenant::policy).ifPresent(p -> p.close());
        }
    }
}
