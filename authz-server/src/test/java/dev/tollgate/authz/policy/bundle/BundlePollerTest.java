package dev.tollgate.authz.policy.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Polls a bundle server on the loopback interface. */
class BundlePollerTest {
  /** A canned response: status, optional ETag, body. */
  record Reply(int status, String etag, byte[] body) {}

  /** Request headers the server saw. */
  record Seen(String ifNoneMatch, String authorization) {}

  private HttpServer server;
  private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final RecordingListener listener = new RecordingListener();
  private URI url;

  static final class RecordingListener implements BundleListener {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    @Override
    public void activated(Bundle bundle) {
      events.add("activated " + bundle.revision());
    }

    @Override
    public void failed(BundleException error) {
      events.add("failed " + error.getMessage());
    }

    @Override
    public void notModified() {
      events.add("not modified");
    }
  }

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/bundles/bank-a.tar.gz", exchange -> {
      seen.add(new Seen(exchange.getRequestHeaders().getFirst("If-None-Match"),
          exchange.getRequestHeaders().getFirst("Authorization")));
      Reply r = replies.poll();
      if (r == null) {
        r = new Reply(404, null, new byte[0]);
      }
      if (r.etag() != null) {
        exchange.getResponseHeaders().add("ETag", r.etag());
      }
      exchange.sendResponseHeaders(r.status(), r.body().length == 0 ? -1 : r.body().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(r.body());
      }
    });
    server.start();
    url = URI.create("http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":"
        + server.getAddress().getPort() + "/bundles/bank-a.tar.gz");
  }

  private final java.util.concurrent.CountDownLatch release =
      new java.util.concurrent.CountDownLatch(1);

  @AfterEach
  void stopServer() {
    release.countDown();
    server.stop(0);
  }

  static byte[] bundle(String revision) {
    return TarGz.archive()
        .file("/.manifest", "{\"revision\": \"" + revision + "\", \"roots\": [\"bank/a\"]}")
        .file("/bank/a/authz.rego", "package bank.a\n")
        .build();
  }

  private BundlePoller poller(HttpBundleSource source) {
    return new BundlePoller(source, new BundleLoader(BundleOptions.DEFAULT), listener);
  }

  private HttpBundleSource source() {
    return HttpBundleSource.of(url).withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
  }

  @Test
  void keepsTheBundleOn304AndSendsTheEtag() {
    replies.add(new Reply(200, "\"v1\"", bundle("r1")));
    replies.add(new Reply(304, "\"v1\"", new byte[0]));
    try (BundlePoller p = poller(source())) {
      PollOutcome first = p.pollOnce();
      assertEquals("\"v1\"", assertInstanceOf(PollOutcome.Activated.class, first).etag());
      assertInstanceOf(PollOutcome.NotModified.class, p.pollOnce());
      assertEquals("r1", p.current().orElseThrow().revision());
    }
    assertNull(seen.get(0).ifNoneMatch());
    assertEquals("\"v1\"", seen.get(1).ifNoneMatch());
    assertEquals(List.of("activated r1", "not modified"), List.copyOf(listener.events));
  }

  @Test
  void serverErrorsKeepTheLastGoodBundle() {
    replies.add(new Reply(200, "\"v1\"", bundle("r1")));
    replies.add(new Reply(500, null, new byte[0]));
    try (BundlePoller p = poller(source())) {
      p.pollOnce();
      PollOutcome.Failed f = assertInstanceOf(PollOutcome.Failed.class, p.pollOnce());
      assertTrue(f.error().getMessage().contains("server responded with HTTP 500"),
          f.error().getMessage());
      assertEquals("r1", p.current().orElseThrow().revision());
    }
  }

  @Test
  void badBundleAfterAGoodOneIsReportedAndRecoveryFollows() {
    byte[] bad = TarGz.archive()
        .file("/.manifest", "{\"revision\": \"r2\", \"roots\": [\"bank/a\"]}")
        .file("/bank/b/authz.rego", "package bank.b\n")
        .build();
    replies.add(new Reply(200, "\"v1\"", bundle("r1")));
    replies.add(new Reply(200, "\"v2\"", bad));
    replies.add(new Reply(200, "\"v3\"", bundle("r3")));
    replies.add(new Reply(304, null, new byte[0]));
    try (BundlePoller p = poller(source())) {
      p.pollOnce();
      PollOutcome.Failed f = assertInstanceOf(PollOutcome.Failed.class, p.pollOnce());
      assertEquals(Optional.of("/bank/b/authz.rego"), f.error().entry());
      assertEquals("r1", p.current().orElseThrow().revision());
      assertInstanceOf(PollOutcome.Activated.class, p.pollOnce());
      assertEquals("r3", p.current().orElseThrow().revision());
      p.pollOnce();
    }
    // As in OPA, the request after a failure is unconditional.
    assertEquals("\"v1\"", seen.get(1).ifNoneMatch());
    assertNull(seen.get(2).ifNoneMatch());
    assertEquals("\"v3\"", seen.get(3).ifNoneMatch());
    List<String> events = List.copyOf(listener.events);
    assertEquals("activated r1", events.get(0));
    assertTrue(events.get(1).startsWith("failed /bank/b/authz.rego: manifest roots [bank/a]"),
        events.get(1));
    assertEquals(List.of("activated r3", "not modified"), events.subList(2, 4));
  }

  @Test
  void anActivatorCanRefuseABundleAndTheLastGoodStays() {
    replies.add(new Reply(200, "\"v1\"", bundle("r1")));
    replies.add(new Reply(200, "\"v2\"", bundle("does-not-compile")));
    replies.add(new Reply(200, "\"v3\"", bundle("r3")));
    List<String> compiled = new CopyOnWriteArrayList<>();
    BundleActivator compile = b -> {
      if (b.revision().equals("does-not-compile")) {
        throw new BundleException("/bank/a/authz.rego", "rego_parse_error: unexpected token");
      }
      compiled.add(b.revision());
    };
    try (BundlePoller p = new BundlePoller(source(), new BundleLoader(BundleOptions.DEFAULT),
        compile, listener)) {
      p.pollOnce();
      PollOutcome.Failed f = assertInstanceOf(PollOutcome.Failed.class, p.pollOnce());
      assertEquals(Optional.of("/bank/a/authz.rego"), f.error().entry());
      assertEquals("r1", p.current().orElseThrow().revision());
      p.pollOnce();
      assertEquals("r3", p.current().orElseThrow().revision());
    }
    assertEquals(List.of("r1", "r3"), compiled);
    assertNull(seen.get(2).ifNoneMatch());
  }

  @Test
  void failureBeforeAnyBundleLeavesNone() {
    replies.add(new Reply(200, null, "not a tarball".getBytes()));
    try (BundlePoller p = poller(source())) {
      assertInstanceOf(PollOutcome.Failed.class, p.pollOnce());
      assertTrue(p.current().isEmpty());
    }
  }

  @Test
  void sendsTheBearerTokenAndRereadsTheTokenFile(@TempDir Path dir) throws IOException {
    replies.add(new Reply(200, null, bundle("r1")));
    replies.add(new Reply(200, null, bundle("r2")));
    replies.add(new Reply(200, null, bundle("r3")));
    try (BundlePoller p = poller(source().withBearerToken("fixed-token"))) {
      p.pollOnce();
    }
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, "first\n");
    try (BundlePoller p = poller(source().withBearerTokenFile(tokenFile))) {
      p.pollOnce();
      Files.writeString(tokenFile, "rotated");
      p.pollOnce();
    }
    assertEquals(List.of("Bearer fixed-token", "Bearer first", "Bearer rotated"),
        seen.stream().map(Seen::authorization).toList());
  }

  @Test
  void redirectsAreFollowedButNotWithABearerToken() {
    server.createContext("/moved", exchange -> {
      exchange.getResponseHeaders().add("Location", url.toString());
      exchange.sendResponseHeaders(302, -1);
      exchange.close();
    });
    HttpBundleSource moved = HttpBundleSource.of(url.resolve("/moved"))
        .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
    replies.add(new Reply(200, null, bundle("r1")));
    try (BundlePoller p = poller(moved)) {
      assertInstanceOf(PollOutcome.Activated.class, p.pollOnce());
    }
    try (BundlePoller p = poller(moved.withBearerToken("t0ken"))) {
      PollOutcome.Failed f = assertInstanceOf(PollOutcome.Failed.class, p.pollOnce());
      assertTrue(f.error().getMessage().contains("HTTP 302 (redirects are not followed when a "
          + "bearer token is configured)"), f.error().getMessage());
    }
    assertEquals(1, seen.size());
  }

  @Test
  void downloadsOverTheSizeLimitAreRefused() {
    replies.add(new Reply(200, null, new byte[5000]));
    BundleLoader small = new BundleLoader(BundleOptions.DEFAULT.withLimits(
        new BundleLimits(1024, 4096, 10)));
    try (BundlePoller p = new BundlePoller(source(), small, listener)) {
      PollOutcome.Failed f = assertInstanceOf(PollOutcome.Failed.class, p.pollOnce());
      assertTrue(f.error().getMessage().contains("exceeds 4096 bytes"), f.error().getMessage());
    }
  }

  @Test
  void aServerThatStallsMidBodyTimesOut() {
    server.createContext("/stall", exchange -> {
      exchange.sendResponseHeaders(200, 100_000);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(new byte[10]);
        out.flush();
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    HttpBundleSource stalling = HttpBundleSource.of(url.resolve("/stall"))
        .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300));
    try (BundlePoller p = poller(stalling)) {
      PollOutcome.Failed f = assertInstanceOf(PollOutcome.Failed.class, p.pollOnce());
      assertTrue(f.error().getMessage().contains("timed out after PT0.3S"),
          f.error().getMessage());
    }
  }

  @Test
  void unreachableServerIsAFailureNotAnException() {
    server.stop(0);
    try (BundlePoller p = poller(source())) {
      PollOutcome.Failed f = assertInstanceOf(PollOutcome.Failed.class, p.pollOnce());
      assertTrue(f.error().getMessage().startsWith("bundle download from " + url), f.error()
          .getMessage());
    }
  }

  @Test
  void pollsInTheBackgroundUntilClosed() throws InterruptedException {
    replies.add(new Reply(200, "\"v1\"", bundle("r1")));
    replies.add(new Reply(500, null, new byte[0]));
    replies.add(new Reply(200, "\"v2\"", bundle("r2")));
    HttpBundleSource fast = source().withPolling(Duration.ofMillis(1), Duration.ofMillis(5));
    BundlePoller p = poller(fast);
    p.start();
    try {
      assertEquals("activated r1", listener.events.poll(10, TimeUnit.SECONDS));
      String failed = listener.events.poll(10, TimeUnit.SECONDS);
      assertTrue(failed != null && failed.contains("HTTP 500"), failed);
      assertEquals("activated r2", listener.events.poll(10, TimeUnit.SECONDS));
    } finally {
      p.close();
    }
    assertEquals("r2", p.current().orElseThrow().revision());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, p::start);
  }

  /** Always returns the same fraction, so delays are predictable. */
  record FixedRandom(double value) implements RandomGenerator {
    @Override
    public long nextLong() {
      throw new UnsupportedOperationException();
    }

    @Override
    public double nextDouble() {
      return value;
    }
  }

  @ParameterizedTest(name = "retry {0}, random {1} -> {2} ms")
  @CsvSource({
    "0, 0.0, 100",
    "1, 0.5, 160",
    "2, 0.5, 256",
    "3, 0.5, 409",
    "20, 0.5, 2000",
    "1, 0.0, 128",
    "1, 1.0, 192",
    "20, 1.0, 2400",
  })
  void retryBackoffStartsAtBaseAndGrowsBy1point6WithJitterUpToMaxDelay(int retries, double random, long ms) {
    Duration d = BundlePoller.retryDelay(Duration.ofMillis(100), Duration.ofSeconds(2), retries,
        new FixedRandom(random));
    assertEquals(ms, d.toMillis());
  }

  @ParameterizedTest(name = "random {0} -> {1} s")
  @CsvSource({"0.0, 60", "0.5, 90", "0.999999, 119"})
  void pollDelayIsUniformBetweenMinAndMax(double random, long seconds) {
    assertEquals(seconds, BundlePoller.pollDelay(Duration.ofSeconds(60), Duration.ofSeconds(120),
        new FixedRandom(random)).toSeconds());
  }

  @Test
  void sourceConfigIsValidated() {
    assertThrows("ftp", () -> HttpBundleSource.of(URI.create("ftp://h/b.tar.gz")));
    assertThrows("delay", () -> HttpBundleSource.of(url).withPolling(Duration.ofSeconds(10),
        Duration.ofSeconds(5)));
    assertThrows("token", () -> HttpBundleSource.of(url).withBearerToken("two words"));
    assertFalse(HttpBundleSource.of(url).withBearerToken("s3cret").toString().contains("s3cret"));
  }

  private static void assertThrows(String what, Runnable r) {
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, r::run, what);
  }

  @Test
  void listenerExceptionsDoNotStopPolling() {
    replies.add(new Reply(200, null, bundle("r1")));
    BundleListener throwing = new BundleListener() {
      @Override
      public void activated(Bundle bundle) {
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void failed(BundleException error) {}
    };
    try (BundlePoller p = new BundlePoller(source(), new BundleLoader(BundleOptions.DEFAULT),
        throwing)) {
      assertInstanceOf(PollOutcome.Activated.class, p.pollOnce());
      assertEquals("r1", p.current().orElseThrow().revision());
    }
  }
}
