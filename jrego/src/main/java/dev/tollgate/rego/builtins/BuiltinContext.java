package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.Value;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * What a built-in may see of the evaluation that calls it. One context belongs to one
 * evaluation (one thread); values read from it are stable for that evaluation.
 */
public interface BuiltinContext {
  /** Wall-clock time of the evaluation's start, in nanoseconds since the epoch. */
  long nowNanos();

  /** A random source for this evaluation. */
  RandomGenerator random();

  /**
   * A map that lives as long as this evaluation, for built-ins whose results must be stable
   * within it (e.g. {@code rand.intn}, {@code http.send}). Keys should include the built-in name.
   */
  Map<Object, Object> evaluationCache();

  /**
   * What pure built-ins may remember across evaluations of the same compiled policy (compiled
   * patterns, parsed keys, checked signatures); contexts outside a policy share one.
   */
  default BuiltinCache policyCache() {
    return BuiltinCache.UNOWNED;
  }

  /** Whether built-in failures surface as errors rather than undefined. */
  boolean strictBuiltinErrors();

  /**
   * Counts {@code units} of work a built-in is about to do (elements it will build, nodes it will
   * visit) against the evaluation's step and time budget, so a limit stops one expensive call
   * instead of letting it run unbounded. Call it before the work, or as it goes.
   *
   * @throws RuntimeException the evaluation's cancellation error when a budget is exhausted
   */
  default void charge(long units) {}

  /** Receives the text of {@code print} calls. */
  void print(String line);

  /** Host settings that gate built-ins which reach outside (http.send, net.lookup_ip_addr). */
  Capabilities capabilities();

  /** The value {@code opa.runtime()} returns (config, environment) for this engine. */
  Value runtime();

  /**
   * What built-ins that reach outside the process may do. Both are off unless the host turns
   * them on.
   *
   * @param httpSendEnabled whether {@code http.send} may make requests
   * @param httpAllowedHosts hosts {@code http.send} may reach when enabled (empty = any)
   * @param netLookupEnabled whether {@code net.lookup_ip_addr} may resolve names
   * @param settings further host settings by name
   */
  record Capabilities(
      boolean httpSendEnabled,
      java.util.Set<String> httpAllowedHosts,
      boolean netLookupEnabled,
      Map<String, String> settings) {
    public static final Capabilities NONE =
        new Capabilities(false, java.util.Set.of(), false, Map.of());

    public Capabilities {
      httpAllowedHosts = java.util.Set.copyOf(httpAllowedHosts);
      settings = Map.copyOf(settings);
    }
  }
}
