package dev.tollgate.authz.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The last line of {@code tollgate test}: {@code N passed, N failed}, with {@code , N errored} and
 * {@code , N skipped} appended only when they are not zero (as the README documents).
 */
class TestSummaryLineTest {
    @TempDir
    Path dir;

    private String lastLine(String rego) throws Exception {
        Files.writeString(dir.resolve("p.rego"), rego);
        CliRun r = CliRun.of("test", dir.toString());
        return r.out().strip().lines().reduce((a, b) -> b).orElseThrow();
    }

    @Test
    void countsThatAreZeroAreLeftOutExceptPassedAndFailed() throws Exception {
        assertEquals("1 passed, 0 failed", lastLine("package p\n\ntest_a if true\n"));
        assertEquals("1 passed, 1 failed, 1 skipped",
                lastLine("package p\n\ntest_a if true\n\ntest_b if false\n\ntodo_test_c if false\n"));
        assertEquals("0 passed, 0 failed, 1 errored",
                lastLine("package p\n\nf(_) := 1\n\nf(_) := 2\n\ntest_err if f(0) == 1\n"));
    }
}
