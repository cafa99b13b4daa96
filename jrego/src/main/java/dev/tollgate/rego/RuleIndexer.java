package dev.tollgate.rego;

import dev.tollgate.rego.Plan.Node;

/** Builds rule indexes for nodes with many complete rules. */
final class RuleIndexer {
  private RuleIndexer() {}

  static void index(Node root) {
    // filled in below
  }
}
