package dev.tollgate.rego;

/**
 * A rule of a compiled policy, for tools such as test runners.
 *
 * @param packagePath e.g. {@code data.authz}
 * @param name the rule's path below its package, e.g. {@code allow} or {@code a.b}
 * @param location {@code file:line:col}
 * @param function whether the rule is a function
 */
public record RuleInfo(String packagePath, String name, String location, boolean function) {
  /** The rule's full reference, e.g. {@code data.authz.allow}. */
  public String ref() {
    return packagePath + "." + name;
  }
}
