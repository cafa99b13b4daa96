package dev.tollgate.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Copies of a policy directory that a scenario changes (the shipped one is never touched). */
final class PolicyCopies {
    private PolicyCopies() {
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** Puts {@code counters: redis} into the {@code rate_limits} block of a tenant.yaml that has one. */
    static void useRedisCounters(Path tenantYaml) throws IOException {
        List<String> lines = Files.readAllLines(tenantYaml);
        int at = lines.indexOf("rate_limits:");
        if (at < 0) {
            throw new IOException(tenantYaml + " has no top-level rate_limits block to count in Redis");
        }
        lines.add(at + 1, "  counters: redis");
        Files.write(tenantYaml, lines);
    }

    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
