package dev.tollgate.authz.policy.bundle;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A bundle served over HTTP(S) and polled, after OPA's bundle service config.
 *
 * @param url the bundle archive's URL
 * @param minDelay shortest wait between successful polls (OPA {@code min_delay_seconds}, 60 s)
 * @param maxDelay longest wait between polls, also the cap of the retry backoff after failures
 *     (OPA {@code max_delay_seconds}, 120 s)
 * @param connectTimeout TCP/TLS connect timeout
 * @param requestTimeout time allowed for the whole response
 * @param bearerToken a fixed token for {@code Authorization: Bearer}
 * @param bearerTokenFile a file holding the token, re-read before every poll so it can rotate
 */
public record HttpBundleSource(
    URI url,
    Duration minDelay,
    Duration maxDelay,
    Duration connectTimeout,
    Duration requestTimeout,
    Optional<String> bearerToken,
    Optional<Path> bearerTokenFile) implements BundleSource {

  public HttpBundleSource {
    Objects.requireNonNull(url, "url");
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("bundle url must be http or https: " + url);
    }
    if (url.getHost() == null) {
      throw new IllegalArgumentException("bundle url has no host: " + url);
    }
    requirePositive("minDelay", minDelay);
    requirePositive("maxDelay", maxDelay);
    requirePositive("connectTimeout", connectTimeout);
    requirePositive("requestTimeout", requestTimeout);
    if (maxDelay.compareTo(minDelay) < 0) {
      throw new IllegalArgumentException("maxDelay (" + maxDelay + ") is shorter than minDelay ("
          + minDelay + ")");
    }
    Objects.requireNonNull(bearerToken, "bearerToken");
    Objects.requireNonNull(bearerTokenFile, "bearerTokenFile");
    if (bearerToken.isPresent() && bearerTokenFile.isPresent()) {
      throw new IllegalArgumentException("give bearerToken or bearerTokenFile, not both");
    }
    if (bearerToken.filter(t -> t.isBlank() || t.chars().anyMatch(c -> c < 0x21 || c > 0x7e))
        .isPresent()) {
      throw new IllegalArgumentException("bearerToken must be non-blank printable ASCII");
    }
  }

  /** OPA's defaults: polls every 60-120 s, 10 s connect timeout, 60 s request timeout. */
  public static HttpBundleSource of(URI url) {
    return new HttpBundleSource(url, Duration.ofSeconds(60), Duration.ofSeconds(120),
        Duration.ofSeconds(10), Duration.ofSeconds(60), Optional.empty(), Optional.empty());
  }

  public HttpBundleSource withPolling(Duration min, Duration max) {
    return new HttpBundleSource(url, min, max, connectTimeout, requestTimeout, bearerToken,
        bearerTokenFile);
  }

  public HttpBundleSource withTimeouts(Duration connect, Duration request) {
    return new HttpBundleSource(url, minDelay, maxDelay, connect, request, bearerToken,
        bearerTokenFile);
  }

  public HttpBundleSource withBearerToken(String token) {
    return new HttpBundleSource(url, minDelay, maxDelay, connectTimeout, requestTimeout,
        Optional.of(token), Optional.empty());
  }

  public HttpBundleSource withBearerTokenFile(Path file) {
    return new HttpBundleSource(url, minDelay, maxDelay, connectTimeout, requestTimeout,
        Optional.empty(), Optional.of(file));
  }

  @Override
  public String location() {
    return url.toString();
  }

  private static void requirePositive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }

  @Override
  public String toString() {
    // Never print the token.
    return "HttpBundleSource[url=" + url + ", minDelay=" + minDelay + ", maxDelay=" + maxDelay
        + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
        + ", bearerToken=" + (bearerToken.isPresent() ? "***" : "none")
        + ", bearerTokenFile=" + bearerTokenFile.map(Path::toString).orElse("none") + "]";
  }
}
