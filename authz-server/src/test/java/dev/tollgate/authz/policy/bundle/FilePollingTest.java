package dev.tollgate.authz.policy.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bundle file or directory on disk, re-read when it changes. */
class FilePollingTest {
  private final BundlePollerTest.RecordingListener listener =
      new BundlePollerTest.RecordingListener();
  private final BundleLoader loader = new BundleLoader(BundleOptions.DEFAULT);

  private static void write(Path file, byte[] bytes, int second) throws Exception {
    Files.write(file, bytes);
    // Distinct modification times, whatever the file system's clock granularity.
    Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(1_700_000_000L + second)));
  }

  @Test
  void archiveFileIsReloadedWhenItChangesAndTheLastGoodIsKept(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("bank-a.tar.gz");
    write(file, BundlePollerTest.bundle("r1"), 1);
    try (BundlePoller p = new BundlePoller(FileBundleSource.of(file), loader, listener)) {
      assertInstanceOf(PollOutcome.Activated.class, p.pollOnce());
      assertInstanceOf(PollOutcome.NotModified.class, p.pollOnce());

      write(file, "half-written".getBytes(), 2);
      PollOutcome.Failed f = assertInstanceOf(PollOutcome.Failed.class, p.pollOnce());
      assertTrue(f.error().getMessage().contains("not a gzip-compressed archive"),
          f.error().getMessage());
      assertEquals("r1", p.current().orElseThrow().revision());

      write(file, BundlePollerTest.bundle("r2"), 3);
      assertInstanceOf(PollOutcome.Activated.class, p.pollOnce());
      assertEquals("r2", p.current().orElseThrow().revision());
    }
  }

  @Test
  void directoryIsReloadedWhenAFileChanges(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("bank/a"));
    write(dir.resolve(".manifest"), "{\"revision\": \"d1\"}".getBytes(), 1);
    write(dir.resolve("bank/a/data.json"), "{\"limit\": 1}".getBytes(), 1);
    try (BundlePoller p = new BundlePoller(FileBundleSource.of(dir), loader, listener)) {
      assertInstanceOf(PollOutcome.Activated.class, p.pollOnce());
      assertInstanceOf(PollOutcome.NotModified.class, p.pollOnce());
      write(dir.resolve("bank/a/data.json"), "{\"limit\": 2}".getBytes(), 2);
      Bundle b = assertInstanceOf(PollOutcome.Activated.class, p.pollOnce()).bundle();
      assertEquals(2, b.dataAt(java.util.List.of("bank", "a", "limit")).orElseThrow().intValue());
    }
  }

  @Test
  void aSwappedSymlinkTargetIsAChange(@TempDir Path dir) throws Exception {
    Path v1 = dir.resolve("..v1.tar.gz");
    Path v2 = dir.resolve("..v2.tar.gz");
    write(v1, BundlePollerTest.bundle("r1"), 1);
    write(v2, BundlePollerTest.bundle("r2"), 1);
    Path link = Files.createSymbolicLink(dir.resolve("bundle.tar.gz"), v1);
    try (BundlePoller p = new BundlePoller(FileBundleSource.of(link), loader, listener)) {
      assertInstanceOf(PollOutcome.Activated.class, p.pollOnce());
      Files.delete(link);
      Files.createSymbolicLink(link, v2);
      assertInstanceOf(PollOutcome.Activated.class, p.pollOnce());
      assertEquals("r2", p.current().orElseThrow().revision());
    }
  }

  @Test
  void missingFileIsAFailure(@TempDir Path dir) {
    try (BundlePoller p = new BundlePoller(FileBundleSource.of(dir.resolve("none.tar.gz")),
        loader, listener)) {
      assertInstanceOf(PollOutcome.Failed.class, p.pollOnce());
      assertEquals(Optional.empty(), p.current());
    }
  }

  @Test
  void delaysAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> new FileBundleSource(Path.of("x"),
        Duration.ofSeconds(5), Duration.ofSeconds(1)));
  }
}
