package dev.tollgate.authz.policy.bundle;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;

/**
 * Keeps a bundle current by polling its source. For an HTTP(S) bundle server it works as OPA's
 * bundle downloader does: conditional GETs with {@code If-None-Match}, a random wait between
 * {@code minDelay} and {@code maxDelay} after each good poll, and after failures an exponential
 * backoff from 100 ms (factor 1.6, 20% jitter) capped at {@code maxDelay}; the request after a
 * failure is unconditional. A file source is re-read when its files' sizes or modification
 * times change. A failed download or an invalid bundle never replaces the last good bundle; it
 * is reported to the listener.
 *
 * <p>{@link #pollOnce()} polls synchronously (e.g. for a blocking first load at startup);
 * {@link #start()} polls in the background on a virtual thread until {@link #close()}.
 */
public final class BundlePoller implements AutoCloseable {
  static final Duration MIN_RETRY_DELAY = Duration.ofMillis(100);

  private final BundleSource source;
  private final BundleLoader loader;
  private final BundleListener listener;
  private final BundleActivator activator;
  private final HttpClient client;
  private final RandomGenerator random;
  private final boolean ownsClient;
  private final Object lock = new Object();
  private final java.util.concurrent.locks.ReentrantLock pollLock =
      new java.util.concurrent.locks.ReentrantLock();

  private volatile Bundle current;
  private volatile String etag;
  private Thread thread;
  private boolean closed;

  public BundlePoller(BundleSource source, BundleLoader loader, BundleListener listener) {
    this(source, loader, BundleActivator.NONE, listener);
  }

  /**
   * A poller whose bundles must also pass {@code activator} (e.g. compile for the tenant)
   * before they become current.
   */
  public BundlePoller(BundleSource source, BundleLoader loader, BundleActivator activator,
      BundleListener listener) {
    this(source, loader, activator, listener,
        source instanceof HttpBundleSource http
            ? HttpClient.newBuilder()
                .connectTimeout(http.connectTimeout())
                // The JDK client would resend the Authorization header to wherever a redirect
                // points; with a token configured, redirects are refused instead.
                .followRedirects(hasToken(http)
                    ? HttpClient.Redirect.NEVER : HttpClient.Redirect.NORMAL)
                .build()
            : null,
        RandomGenerator.getDefault(), true);
  }

  BundlePoller(BundleSource source, BundleLoader loader, BundleActivator activator,
      BundleListener listener, HttpClient client, RandomGenerator random, boolean ownsClient) {
    this.source = Objects.requireNonNull(source, "source");
    this.loader = Objects.requireNonNull(loader, "loader");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.activator = Objects.requireNonNull(activator, "activator");
    this.client = client;
    this.random = random;
    this.ownsClient = ownsClient;
  }

  /** The last good bundle, if one has been loaded. */
  public Optional<Bundle> current() {
    return Optional.ofNullable(current);
  }

  /** Polls once, now, on the calling thread; tells the listener the outcome. */
  public PollOutcome pollOnce() {
    PollOutcome outcome;
    // One poll at a time, so an older download can never replace a newer bundle.
    pollLock.lock();
    try {
      outcome = fetch();
    } catch (BundleException e) {
      // As OPA does: after a failure the next request is unconditional, so a bundle that
      // failed for a passing reason is fetched and checked again in full.
      etag = null;
      outcome = new PollOutcome.Failed(e);
    } catch (RuntimeException | Error e) {
      // Whatever goes wrong (a StackOverflowError from a hostile bundle included) is a failed
      // load like any other: reported, retried, and never the end of the polling thread.
      etag = null;
      outcome = new PollOutcome.Failed(unexpected(e));
    }
    try {
      // Told under the poll lock, so the listener hears outcomes in the order they happened;
      // a poll cut short by close() is not reported.
      if (!isClosed()) {
        switch (outcome) {
          case PollOutcome.Activated a -> listener.activated(a.bundle());
          case PollOutcome.NotModified n -> listener.notModified();
          case PollOutcome.Failed f -> listener.failed(f.error());
        }
      }
    } catch (RuntimeException | Error e) {
      // A faulty listener must not stop polling.
    } finally {
      pollLock.unlock();
    }
    return outcome;
  }

  private PollOutcome fetch() throws BundleException {
    return switch (source) {
      case HttpBundleSource http -> fetch(http);
      case FileBundleSource file -> fetch(file);
    };
  }

  private PollOutcome fetch(FileBundleSource file) throws BundleException {
    String fingerprint = FileFingerprint.of(file.path(), loader.options().limits().maxEntries());
    if (fingerprint.equals(etag)) {
      return new PollOutcome.NotModified();
    }
    Bundle bundle = loader.load(file.path());
    activate(bundle);
    synchronized (lock) {
      current = bundle;
      etag = fingerprint;
    }
    return new PollOutcome.Activated(bundle, fingerprint);
  }

  private PollOutcome fetch(HttpBundleSource source) throws BundleException {
    HttpRequest.Builder request = HttpRequest.newBuilder(source.url())
        .timeout(source.requestTimeout())
        .header("Accept", "application/gzip, application/octet-stream")
        .GET();
    String tag = etag;
    if (tag != null) {
      request.header("If-None-Match", tag);
    }
    bearerToken(source).ifPresent(t -> request.header("Authorization", "Bearer " + t));
    long cap = loader.options().limits().maxTotalBytes();
    CompletableFuture<HttpResponse<byte[]>> call =
        client.sendAsync(request.build(), CappedBody.handler(cap));
    HttpResponse<byte[]> response;
    try {
      // The deadline covers the whole response, body included, so a server that stalls
      // mid-body cannot hold the poller.
      response = call.get(source.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw BundleException.of("bundle download from " + source.url() + " timed out after "
          + source.requestTimeout());
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw BundleException.of("bundle download from " + source.url() + " was interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof CappedBody.TooLarge) {
        throw BundleException.of("bundle download from " + source.url() + " exceeds "
            + cap + " bytes (maxTotalBytes)");
      }
      throw BundleException.of("bundle download from " + source.url() + " failed: "
          + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()));
    }
    int status = response.statusCode();
    if (status == 304) {
      return new PollOutcome.NotModified();
    }
    if (status != 200) {
      String hint = status / 100 == 3 && hasToken(source)
          ? " (redirects are not followed when a bearer token is configured)" : "";
      throw BundleException.of("bundle download from " + source.url()
          + " failed: server responded with HTTP " + status + hint);
    }
    Bundle bundle = loader.loadArchive(response.body(), source.url().toString());
    activate(bundle);
    String newTag = response.headers().firstValue("ETag").orElse(null);
    synchronized (lock) {
      current = bundle;
      etag = newTag;
    }
    return new PollOutcome.Activated(bundle, newTag == null ? "" : newTag);
  }

  private void activate(Bundle bundle) throws BundleException {
    try {
      activator.activate(bundle);
    } catch (RuntimeException | Error e) {
      throw new BundleException(null, "bundle revision '" + bundle.revision()
          + "' was not activated: " + e, e);
    }
  }

  static BundleException unexpected(Throwable e) {
    String what = e instanceof StackOverflowError
        ? "its documents nest too deeply to process (" + e + ")"
        : e.toString();
    return new BundleException(null, "bundle could not be loaded: " + what, e);
  }

  private static boolean hasToken(HttpBundleSource source) {
    return source.bearerToken().isPresent() || source.bearerTokenFile().isPresent();
  }

  private static Optional<String> bearerToken(HttpBundleSource source) throws BundleException {
    if (source.bearerToken().isPresent()) {
      return source.bearerToken();
    }
    if (source.bearerTokenFile().isPresent()) {
      try {
        String t = Files.readString(source.bearerTokenFile().get(), StandardCharsets.UTF_8).strip();
        if (t.isEmpty() || t.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
          throw BundleException.of("bearer token file " + source.bearerTokenFile().get()
              + " must hold one printable ASCII token");
        }
        return Optional.of(t);
      } catch (IOException e) {
        throw BundleException.of("cannot read bearer token file "
            + source.bearerTokenFile().get() + ": " + e.getMessage());
      }
    }
    return Optional.empty();
  }

  /** Starts background polling on a virtual thread; the first poll happens at once. */
  public void start() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("poller is closed");
      }
      if (thread != null) {
        throw new IllegalStateException("poller already started");
      }
      thread = Thread.ofVirtual().name("bundle-poller " + source.location()).start(this::loop);
    }
  }

  private void loop() {
    int retries = 0;
    while (!isClosed()) {
      PollOutcome outcome;
      try {
        outcome = pollOnce();
      } catch (RuntimeException | Error e) {
        outcome = new PollOutcome.Failed(unexpected(e));
      }
      Duration delay;
      if (outcome instanceof PollOutcome.Failed) {
        delay = retryDelay(MIN_RETRY_DELAY, source.maxDelay(), retries, random);
        retries++;
      } else {
        retries = 0;
        delay = pollDelay(source.minDelay(), source.maxDelay(), random);
      }
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  /** A uniformly random wait in [min, max], as OPA's periodic polling uses. */
  static Duration pollDelay(Duration min, Duration max, RandomGenerator random) {
    long spread = max.toNanos() - min.toNanos();
    return min.plusNanos((long) (spread * random.nextDouble()));
  }

  /**
   * OPA's default backoff: the base delay for the first retry, then base times 1.6 per further
   * retry, capped at max, with +-20% jitter.
   */
  static Duration retryDelay(Duration base, Duration max, int retries, RandomGenerator random) {
    if (retries == 0) {
      return base;
    }
    double backoff = base.toNanos();
    double cap = max.toNanos();
    for (int r = retries; backoff < cap && r > 0; r--) {
      backoff *= 1.6;
    }
    backoff = Math.min(backoff, cap);
    backoff *= 1 + 0.2 * (random.nextDouble() * 2 - 1);
    return Duration.ofNanos(Math.max(0, (long) backoff));
  }

  /** Stops background polling and waits for the poller thread to end. */
  @Override
  public void close() {
    Thread t;
    synchronized (lock) {
      closed = true;
      t = thread;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (ownsClient && client != null) {
      client.close();
    }
  }
}
