package dev.tollgate.rego.builtins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.rego.RegoSyntax;
import dev.tollgate.rego.testing.ConformanceCases;
import dev.tollgate.rego.testing.ConformanceRunner;
import dev.tollgate.rego.testing.ConformanceRunner.CaseResult;
import dev.tollgate.rego.testing.ConformanceRunner.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** OPA's v0 conformance folders for the time and net.cidr built-ins pass in full. */
class TimeNetConformanceTest {
  /** Uses {@code test.sleep}, a built-in only OPA's own test binary has. */
  private static final Set<String> SKIP = Set.of("time/time caching");

  @ParameterizedTest
  @ValueSource(strings = {"time", "netcidrcontains", "netcidrcontainsmatches", "netcidrexpand",
      "netcidrintersects", "netcidrmerge", "netcidroverlap", "invalidkeyerror"})
  void folderPasses(String folder) throws Exception {
    Path dir = ConformanceCases.require("v0").resolve(folder);
    assertTrue(Files.isDirectory(dir), "no conformance folder " + dir);
    List<CaseResult> results = new ConformanceRunner(RegoSyntax.V0, SKIP, null).run(dir);
    assertTrue(results.stream().anyMatch(r -> r.status() == Status.PASSED), "no case ran");
    String failed = results.stream()
        .filter(r -> r.status() == Status.FAILED)
        .map(r -> r.note() + ": " + r.detail())
        .collect(Collectors.joining("\n"));
    assertEquals("", failed);
  }
}
