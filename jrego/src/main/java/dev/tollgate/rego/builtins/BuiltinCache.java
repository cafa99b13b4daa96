package dev.tollgate.rego.builtins;

import java.util.concurrent.ConcurrentHashMap;

/**
 * What pure built-ins remember between evaluations of one compiled policy: compiled glob and
 * regex patterns, parsed verification keys, token signature checks. One instance belongs to one
 * compiled policy, so a reload starts empty and tenants never see each other's entries. A hit is a
 * lock-free map read. Each area is bounded and dropped whole when full (no per-hit bookkeeping),
 * so a flood of distinct tokens cannot evict the policy's patterns. Keys and values are immutable.
 */
public final class BuiltinCache {
  /** Used by contexts that belong to no compiled policy (built-ins called directly). */
  static final BuiltinCache UNOWNED = new BuiltinCache();

  static final int PATTERN_LIMIT = 1024;
  static final int KEY_LIMIT = 256;
  static final int TOKEN_LIMIT = 4096;

  final Area patterns;
  final Area keys;
  final Area tokens;

  public BuiltinCache() {
    this(PATTERN_LIMIT, KEY_LIMIT, TOKEN_LIMIT);
  }

  BuiltinCache(int patternLimit, int keyLimit, int tokenLimit) {
    patterns = new Area(patternLimit);
    keys = new Area(keyLimit);
    tokens = new Area(tokenLimit);
  }

  /** Entries held now, over all areas (for tests and monitoring). */
  public int size() {
    return patterns.size() + keys.size() + tokens.size();
  }

  /** One bounded map. Two threads missing together may both compute; their results are equal. */
  static final class Area {
    private final int limit;
    private final ConcurrentHashMap<Object, Object> entries = new ConcurrentHashMap<>();

    Area(int limit) {
      if (limit < 1) {
        throw new IllegalArgumentException("limit " + limit);
      }
      this.limit = limit;
    }

    Object get(Object key) {
      return entries.get(key);
    }

    void put(Object key, Object value) {
      if (entries.size() >= limit) {
        entries.clear();
      }
      entries.put(key, value);
    }

    int size() {
      return entries.size();
    }
  }
}
