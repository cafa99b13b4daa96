package dev.tollgate.authz.rollout;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.server.CheckPipeline;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code tollgate replay}: decides recorded requests with a policy directory and with a baseline
 * (another directory, or the decision each decision-log line recorded), and reports what changed.
 * A line is a CheckRequest in protojson (decided from scratch: tenant, identity, input document,
 * policy) or a decision-log line carrying {@code input} (the logged input document goes straight
 * to the tenant's policy; its {@code tenant} picks the tenant). Lines that report a candidate's
 * difference repeat a decision already logged and are skipped.
 */
public final class Replay implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Bad input: the message names the line. */
    public static final class ReplayException extends Exception {
        ReplayException(String message) {
            super(message);
        }
    }

    /** One decided line. */
    record Row(int line, String tenant, String request, PolicySet.Verdict baseline, PolicySet.Verdict now) {
        boolean changed() {
            return baseline.allowed() != now.allowed();
        }
    }

    /** The outcome: every decided line, in order. */
    public record Result(List<Row> rows) {
        public long changed() {
            return rows.stream().filter(Row::changed).count();
        }

        public long allowToDeny() {
            return rows.stream().filter(r -> r.changed() && r.baseline().allowed()).count();
        }

        /** The last line of the report. */
        public String summary() {
            long changed = changed();
            return "replay: " + rows.size() + " decisions, " + (rows.size() - changed) + " unchanged, " + changed
                    + " changed (" + allowToDeny() + " allow→deny, " + (changed - allowToDeny()) + " deny→allow)";
        }

        /** The changed lines as a table, then the summary. */
        public void print(PrintWriter out) {
            List<String[]> table = new ArrayList<>();
            table.add(new String[] {"LINE", "TENANT", "REQUEST", "BASELINE", "NOW"});
            for (Row r : rows) {
                if (r.changed()) {
                    table.add(new String[] {Integer.toString(r.line()), r.tenant() == null ? "-" : r.tenant(),
                            r.request(), r.baseline().toString(), r.now().toString()});
                }
            }
            if (table.size() > 1) {
                int[] width = new int[5];
                for (String[] row : table) {
                    for (int i = 0; i < row.length; i++) {
                        width[i] = Math.max(width[i], row[i].length());
                    }
                }
                for (String[] row : table) {
                    StringBuilder line = new StringBuilder();
                    for (int i = 0; i < row.length; i++) {
                        line.append(i == row.length - 1 ? row[i] : String.format("%-" + width[i] + "s  ", row[i]));
                    }
                    out.println(line.toString().stripTrailing());
                }
            }
            out.println(summary());
        }
    }

    private final PolicySet policies;
    private final Optional<PolicySet> baseline;

    private Replay(PolicySet policies, Optional<PolicySet> baseline) {
        this.policies = policies;
        this.baseline = baseline;
    }

    /**
     * @param config tenancy, identity and input settings for CheckRequest lines
     * @throws IllegalArgumentException when a tenant of either directory does not load
     */
    public static Replay of(Path policies, Optional<Path> baseline, ServerConfig config, Engines engines) {
        PolicySet now = PolicySet.load(policies, config, engines);
        try {
            return new Replay(now, baseline.map(b -> PolicySet.load(b, config, engines)));
        } catch (IllegalArgumentException e) {
            now.close();
            throw e;
        }
    }

    public Result run(BufferedReader lines) throws IOException, ReplayException {
        List<Row> rows = new ArrayList<>();
        int number = 0;
        for (String text = lines.readLine(); text != null; text = lines.readLine()) {
            number++;
            if (text.isBlank()) {
                continue;
            }
            JsonNode line;
            try {
                line = JSON.readTree(text);
            } catch (JacksonException e) {
                throw new ReplayException("line " + number + ": not JSON (" + e.getOriginalMessage() + ")");
            }
            if (!line.isObject()) {
                throw new ReplayException("line " + number + ": expected a JSON object");
            }
            if (line.has("candidate")) {
                continue;
            }
            rows.add(line.has("input") || line.has("decision_id") ? logged(number, line) : request(number, text, line));
        }
        return new Result(rows);
    }

    private Row logged(int number, JsonNode line) throws ReplayException {
        JsonNode input = line.get("input");
        if (input == null || !input.isObject()) {
            throw new ReplayException("line " + number + ": decision-log line without an 'input' object"
                    + " (log with decision_log.include_input: true)");
        }
        String tenant = line.path("tenant").isTextual() ? line.get("tenant").textValue()
                : input.path("tenant").textValue();
        if (tenant == null) {
            throw new ReplayException("line " + number + ": no 'tenant' in the line or its input");
        }
        String id = line.path("decision_id").asText("replay-" + number);
        PolicySet.Verdict before = baseline.isPresent() ? baseline.get().decide(tenant, input, id)
                : PolicySet.Verdict.recorded(line);
        JsonNode http = input.path("attributes").path("request").path("http");
        return new Row(number, tenant, describe(http.path("method").asText(""), http.path("path").asText("")), before,
                policies.decide(tenant, input, id));
    }

    private Row request(int number, String text, JsonNode line) throws ReplayException {
        if (!line.has("attributes")) {
            throw new ReplayException("line " + number + ": neither a CheckRequest (protojson with 'attributes')"
                    + " nor a decision-log line with 'input'");
        }
        if (baseline.isEmpty()) {
            throw new ReplayException("line " + number + ": a CheckRequest records no decision; give --baseline DIR");
        }
        CheckRequest.Builder b = CheckRequest.newBuilder();
        try {
            JsonFormat.parser().merge(text, b);
        } catch (InvalidProtocolBufferException e) {
            throw new ReplayException("line " + number + ": not a CheckRequest (" + e.getMessage() + ")");
        }
        CheckRequest request = b.build();
        var http = request.getAttributes().getRequest().getHttp();
        CheckPipeline.Outcome now = policies.decide(request);
        CheckPipeline.Outcome before = baseline.get().decide(request);
        String tenant = now.tenant() != null ? now.tenant() : before.tenant();
        return new Row(number, tenant, describe(http.getMethod(), http.getPath()),
                PolicySet.Verdict.of(before.decision()), PolicySet.Verdict.of(now.decision()));
    }

    private static String describe(String method, String path) {
        int end = path.length();
        for (char c : new char[] {'?', '#'}) {
            int at = path.indexOf(c);
            end = at >= 0 ? Math.min(end, at) : end;
        }
        String p = path.substring(0, end);
        return (method + " " + p).strip();
    }

    @Override
    public void close() {
        policies.close();
        baseline.ifPresent(PolicySet::close);
    }
}
