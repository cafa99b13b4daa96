package dev.tollgate.authz.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.authz.decision.Decision;
import dev.tollgate.authz.rollout.CandidateConfig;
import dev.tollgate.authz.rollout.CandidatePolicies;
import dev.tollgate.authz.telemetry.CandidateResult;
import dev.tollgate.authz.telemetry.DecisionLog;
import dev.tollgate.authz.telemetry.DecisionRecord;
import dev.tollgate.authz.telemetry.LoggedInput;
import dev.tollgate.authz.telemetry.MetricSource;
import dev.tollgate.authz.telemetry.MetricWriter;
import dev.tollgate.authz.tenant.Tenant;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Decides sampled checks a second time with the tenant's candidate policy, on one background
 * thread. The Check path only offers to a bounded queue (a full queue drops and counts), so a slow,
 * hanging or throwing candidate can never delay or change a live answer. Outcomes are counted by
 * live and candidate decision; differing ones go to the decision log with both reasons.
 */
final class CandidateRunner implements CandidateShadow, MetricSource, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CandidateRunner.class.getName());
    private static final Job STOP = new Job(null, null, null, false, null, 0, null, 0);

    /** What the worker needs of one check; the input is shared read-only with the live check. */
    private record Job(String tenant, String revision, JsonNode input, boolean liveAllowed, String liveReason,
                       int liveStatus, String decisionId, long timestampMillis) {
    }

    private final Map<String, Double> samples = new HashMap<>();
    private final CandidatePolicies policies;
    private final DecisionLog log;
    private final ArrayBlockingQueue<Job> queue;
    // Per tenant: [live allow/deny][candidate allow/deny].
    private final Map<String, LongAdder[][]> counts = new HashMap<>();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final Thread worker;

    CandidateRunner(CandidateConfig config, CandidatePolicies policies, DecisionLog log) {
        this.policies = policies;
        this.log = log;
        this.queue = new ArrayBlockingQueue<>(config.queueSize());
        for (CandidateConfig.Tenant t : config.tenants()) {
            samples.put(t.name(), t.sample());
            counts.put(t.name(), new LongAdder[][] {{new LongAdder(), new LongAdder()},
                    {new LongAdder(), new LongAdder()}});
        }
        worker = Thread.ofPlatform().daemon().name("tollgate-candidate").start(this::run);
    }

    @Override
    public void offer(String tenant, String revision, ObjectValue input, Decision live, String decisionId) {
        Double sample = samples.get(tenant);
        if (sample == null || (sample < 1.0 && ThreadLocalRandom.current().nextDouble() >= sample)) {
            return;
        }
        // The input document is read lazily by the check's own thread: the worker gets a copy.
        if (!queue.offer(new Job(tenant, revision, Json.toJackson(input), live.allowed(), live.reason().code(),
                live.allowed() ? 200 : live.httpStatus(), decisionId, System.currentTimeMillis()))) {
            dropped.increment();
        }
    }

    private void run() {
        try {
            while (true) {
                Job job = queue.take();
                if (job == STOP) {
                    return;
                }
                try {
                    decide(job);
                } catch (RuntimeException | StackOverflowError e) {
                    failed.increment();
                    LOG.log(Level.WARNING, "candidate evaluation for tenant " + job.tenant() + " check "
                            + job.decisionId() + " failed: " + e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void decide(Job job) {
        Optional<Tenant> candidate = policies.get(job.tenant());
        if (candidate.isEmpty()) {
            skipped.increment();
            return;
        }
        long start = System.nanoTime();
        Decision d = CheckPipeline.evaluate(candidate.get(), (ObjectValue) Json.fromJackson(job.input()), job.decisionId(),
                "candidate of tenant " + job.tenant());
        long nanos = System.nanoTime() - start;
        counts.get(job.tenant())[job.liveAllowed() ? 0 : 1][d.allowed() ? 0 : 1].increment();
        if (d.allowed() != job.liveAllowed() && log.wants(false)) {
            log.offer(differing(job, candidate.get(), d, nanos));
        }
    }

    /** A decision-log line for the live decision, with the candidate's beside it. */
    private DecisionRecord differing(Job job, Tenant candidate, Decision d, long nanos) {
        JsonNode in = job.input();
        JsonNode identity = in.path("identity");
        JsonNode http = in.path("attributes").path("request").path("http");
        String path = http.path("path").isTextual() ? RateLimitStage.pathWithoutQuery(http.get("path").textValue())
                : null;
        LoggedInput input = log.includesInput()
                ? new LoggedInput(in, CheckTelemetry.maskRules(candidate.policy().orElse(null))) : null;
        return new DecisionRecord(job.decisionId(), job.timestampMillis(), job.tenant(),
                identity.path("spiffe_id").textValue(), identity.path("source").textValue(),
                http.path("method").textValue(), path, job.liveAllowed(), job.liveReason(),
                job.liveStatus(), job.revision(), nanos, 0, null, null, null, null, input,
                new CandidateResult(d.allowed(), d.reason().code(), candidate.revision()));
    }

    @Override
    public void collect(MetricWriter out) {
        out.family("tollgate_candidate_decisions_total", MetricWriter.Type.COUNTER,
                "Checks decided again by the tenant's candidate policy, by live and candidate decision.");
        String[] names = {"allow", "deny"};
        for (String tenant : new java.util.TreeSet<>(counts.keySet())) {
            LongAdder[][] c = counts.get(tenant);
            for (int live = 0; live < 2; live++) {
                for (int cand = 0; cand < 2; cand++) {
                    out.sample(c[live][cand].sum(), "tenant", tenant, "live", names[live], "candidate", names[cand]);
                }
            }
        }
        out.single("tollgate_candidate_dropped_total", MetricWriter.Type.COUNTER,
                "Sampled checks not decided by the candidate because its queue was full.", dropped.sum());
        out.single("tollgate_candidate_skipped_total", MetricWriter.Type.COUNTER,
                "Sampled checks not decided because the tenant's candidate policy has not loaded.", skipped.sum());
        out.single("tollgate_candidate_failures_total", MetricWriter.Type.COUNTER,
                "Candidate evaluations that threw (counted, never answered).", failed.sum());
    }

    @Override
    public void close() {
        queue.clear();
        if (!queue.offer(STOP)) {
            worker.interrupt();
        }
        try {
            worker.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker.interrupt(); // a candidate stuck in evaluation must not hold up shutdown
    }
}
