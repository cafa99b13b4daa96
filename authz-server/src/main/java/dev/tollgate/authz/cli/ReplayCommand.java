package dev.tollgate.authz.cli;

import dev.tollgate.authz.config.ConfigException;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.rego.RegoEngine;
import dev.tollgate.authz.engine.wasm.WasmEngine;
import dev.tollgate.authz.rollout.Replay;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tollgate replay}: what a policy change does to recorded requests. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {
            "Decides every request of FILE (JSON lines: CheckRequests in protojson, or decision-log lines",
            "with 'input') by the policies of --policies and by a baseline: --baseline DIR, or the decision",
            "each decision-log line recorded. Prints the changed ones and a summary line. Policies decide",
            "alone: rate limits are not applied, and a dry-run tenant's would-be deny counts as a deny."},
        footer = {"", "Exit status: 0 nothing changed, 3 some decision changed, 2 bad arguments, input or policies."})
final class ReplayCommand extends WriterCommand {
    @Option(names = "--policies", paramLabel = "DIR", required = true, description = "Policy directory to test.")
    Path policies;

    @Option(names = "--baseline", paramLabel = "DIR",
            description = "Policy directory to compare with (default: the decisions recorded in FILE).")
    Path baseline;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Server config whose tenancy, identity and input settings decide CheckRequest lines.")
    Path config;

    @Parameters(paramLabel = "FILE", description = "JSON lines to replay.")
    Path file;

    @Override
    int execute(PrintWriter out, PrintWriter err) {
        for (Path dir : baseline == null ? new Path[] {policies} : new Path[] {policies, baseline}) {
            if (!Files.isDirectory(dir)) {
                err.println("tollgate replay: no policy directory " + dir);
                return 2;
            }
        }
        if (!Files.isRegularFile(file)) {
            err.println("tollgate replay: no such file: " + file);
            return 2;
        }
        ServerConfig cfg;
        try {
            cfg = ServerConfig.load(Optional.ofNullable(config));
        } catch (ConfigException e) {
            err.println("tollgate replay: " + e.getMessage());
            return 2;
        }
        Engines engines = Engines.of(new RegoEngine(), new WasmEngine(cfg.wasmPoolSize(), cfg.wasmBorrowTimeout()));
        try (Replay replay = Replay.of(policies, Optional.ofNullable(baseline), cfg, engines);
             BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Replay.Result result = replay.run(in);
            result.print(out);
            return result.changed() > 0 ? 3 : 0;
        } catch (IllegalArgumentException e) {
            err.println("tollgate replay: " + e.getMessage());
            return 2;
        } catch (Replay.ReplayException e) {
            err.println("tollgate replay: " + file + ": " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("tollgate replay: cannot read " + file + " (" + e.getMessage() + ")");
            return 2;
        }
    }
}
