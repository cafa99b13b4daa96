package dev.tollgate.authz.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * One JSON line per decision, written by a background thread from a bounded queue. The Check path
 * only offers to the queue: when it is full the record is dropped and counted, never waited for.
 * Denies are always offered; allowed decisions are sampled.
 */
public final class DecisionLog implements MetricSource, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DecisionLog.class.getName());
    private static final JsonFactory JSON = new JsonFactory();
    private static final DecisionRecord STOP = new DecisionRecord("", 0, null, null, null, null, null, false, "", 0,
            null, 0, 0, null);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final boolean enabled;
    private final double sampleAllowed;
    private final boolean includeInput;
    private final InputMasking masking;
    // Lock-free on the Check side (many event-loop threads offer, one thread writes): a bounded
    // count in front of an unbounded queue; the writer parks when there is nothing to write.
    private final ConcurrentLinkedQueue<DecisionRecord> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final int capacity;
    private volatile boolean parked;
    private final Writer writer;
    private final RotatingFile file;
    private final boolean closeWriter;
    private final Thread thread;
    private final StringWriter line = new StringWriter();
    private final LongAdder written = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private volatile boolean closed;

    private DecisionLog(DecisionLogSettings settings, Writer writer, RotatingFile file, boolean closeWriter) {
        this.closeWriter = closeWriter;
        this.enabled = settings.enabled();
        this.sampleAllowed = settings.sampleAllowed();
        this.includeInput = settings.includeInput();
        this.masking = new InputMasking(java.util.Set.copyOf(settings.maskHeaders()));
        this.capacity = settings.queueSize();
        this.writer = writer;
        this.file = file;
        if (enabled) {
            thread = Thread.ofPlatform().daemon().name("tollgate-decision-log").start(this::drain);
        } else {
            thread = null;
        }
    }

    /**
     * A log as configured: off, stdout, or appending to a file, rotated by size when configured
     * (opened now, so a bad path fails at start).
     */
    public static DecisionLog open(DecisionLogSettings settings) throws IOException {
        if (!settings.enabled()) {
            return new DecisionLog(settings, null, null, false);
        }
        if (settings.file().isPresent()) {
            return new DecisionLog(settings, null,
                    new RotatingFile(settings.file().get(), settings.maxFileBytes(), settings.maxFiles()), true);
        }
        OutputStream out = new java.io.FileOutputStream(java.io.FileDescriptor.out);
        return new DecisionLog(settings, new OutputStreamWriter(out, StandardCharsets.UTF_8), null, false);
    }

    /** A log writing to {@code writer} (tests, embedding). */
    public static DecisionLog to(Writer writer, double sampleAllowed, int queueSize) {
        return to(writer, new DecisionLogSettings(true, java.util.Optional.empty(), sampleAllowed, queueSize));
    }

    /** A log writing to {@code writer} with these settings (their file ignored). */
    public static DecisionLog to(Writer writer, DecisionLogSettings settings) {
        return new DecisionLog(settings, writer, null, false);
    }

    public static DecisionLog off() {
        return new DecisionLog(DecisionLogSettings.OFF, null, null, false);
    }

    /** Whether lines carry the input document ({@code decision_log.include_input}). */
    public boolean includesInput() {
        return includeInput;
    }

    /** Whether a decision with this outcome should be built and offered (cheap; call first). */
    public boolean wants(boolean allowed) {
        if (!enabled || closed) {
            return false;
        }
        return !allowed || sampleAllowed >= 1.0
                || (sampleAllowed > 0 && ThreadLocalRandom.current().nextDouble() < sampleAllowed);
    }

    /** Queues a record without blocking; a full queue drops it. */
    public void offer(DecisionRecord record) {
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            dropped.increment();
            return;
        }
        queue.offer(record);
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    public long written() {
        return written.sum();
    }

    public long dropped() {
        return dropped.sum();
    }

    private void drain() {
        while (true) {
            DecisionRecord r = queue.poll();
            if (r == null) {
                flush();
                parked = true;
                // Re-checked after announcing the park: an offer made before it is seen here.
                if (queue.isEmpty()) {
                    LockSupport.parkNanos(this, 100_000_000L);
                }
                parked = false;
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                continue;
            }
            if (r == STOP) {
                flush();
                return;
            }
            queued.decrementAndGet();
            write(r);
        }
    }

    private void write(DecisionRecord r) {
        try {
            line.getBuffer().setLength(0);
            JsonGenerator g = JSON.createGenerator(line);
            g.setCodec(MAPPER);
            g.writeStartObject();
            g.writeStringField("decision_id", r.decisionId());
            g.writeStringField("timestamp", Instant.ofEpochMilli(r.timestampMillis()).toString());
            g.writeStringField("tenant", r.tenant());
            g.writeObjectFieldStart("caller");
            g.writeStringField("spiffe_id", r.spiffeId());
            g.writeStringField("source", r.identitySource());
            g.writeEndObject();
            g.writeStringField("method", r.method());
            g.writeStringField("path", r.path());
            g.writeBooleanField("allowed", r.allowed());
            g.writeStringField("reason", r.reason());
            g.writeNumberField("http_status", r.httpStatus());
            g.writeStringField("policy_revision", r.policyRevision());
            g.writeNumberField("eval_duration_us", r.evalNanos() / 1000.0);
            g.writeNumberField("check_duration_us", r.checkNanos() / 1000.0);
            if (r.rateLimitKey() != null) {
                g.writeStringField("rate_limit_key", r.rateLimitKey());
            }
            if (r.traceId() != null) {
                g.writeStringField("trace_id", r.traceId());
                g.writeStringField("span_id", r.spanId());
            }
            if (r.wouldDenyReason() != null) {
                g.writeStringField("would_deny_reason", r.wouldDenyReason());
            }
            if (r.candidate() != null) {
                g.writeObjectFieldStart("candidate");
                g.writeBooleanField("allowed", r.candidate().allowed());
                g.writeStringField("reason", r.candidate().reason());
                g.writeStringField("policy_revision", r.candidate().revision());
                g.writeEndObject();
            }
            if (r.input() != null) {
                writeInput(g, r);
            }
            g.writeEndObject();
            g.close();
            if (file != null) {
                file.writeLine(line.toString());
            } else {
                writer.write(line.toString());
                writer.write('\n');
            }
            written.increment();
        } catch (IOException | RuntimeException e) {
            if (failed.sum() == 0) {
                LOG.log(Level.WARNING, "decision log write failed (further failures are only counted): " + e);
            }
            failed.increment();
        }
    }

    /** The masked input with OPA's {@code erased} / {@code masked} lists; masked here, on the writer thread. */
    private void writeInput(JsonGenerator g, DecisionRecord r) throws IOException {
        ObjectNode event = MAPPER.createObjectNode();
        event.put("decision_id", r.decisionId());
        event.put("tenant", r.tenant());
        event.set("input", r.input().document());
        InputMasking.Masked m = masking.mask(r.input(), event);
        if (m.input() != null) {
            g.writeFieldName("input");
            g.writeTree(m.input());
        }
        if (!m.erased().isEmpty()) {
            g.writeArrayFieldStart("erased");
            for (String p : m.erased()) {
                g.writeString(p);
            }
            g.writeEndArray();
        }
        if (!m.masked().isEmpty()) {
            g.writeArrayFieldStart("masked");
            for (String p : m.masked()) {
                g.writeString(p);
            }
            g.writeEndArray();
        }
    }

    private void flush() {
        try {
            if (file != null) {
                file.flush();
            } else {
                writer.flush();
            }
        } catch (IOException e) {
            failed.increment();
        }
    }

    @Override
    public void collect(MetricWriter out) {
        out.single("tollgate_decision_log_written_total", MetricWriter.Type.COUNTER,
                "Decisions written to the decision log.", written.sum());
        out.single("tollgate_decision_log_dropped_total", MetricWriter.Type.COUNTER,
                "Decisions not logged because the decision log queue was full.", dropped.sum());
        out.single("tollgate_decision_log_write_errors_total", MetricWriter.Type.COUNTER,
                "Decision log lines that could not be written.", failed.sum());
    }

    /** Writes what is queued (waiting up to {@code timeoutMillis}), then stops; later offers are ignored. */
    public void close(long timeoutMillis) {
        if (thread == null || closed) {
            return;
        }
        closed = true;
        try {
            queue.offer(STOP); // after everything already queued, whatever the capacity
            LockSupport.unpark(thread);
            thread.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
        flush();
        if (closeWriter) {
            try {
                file.close();
            } catch (IOException e) {
                failed.increment();
            }
        }
    }

    @Override
    public void close() {
        close(5000);
    }
}
