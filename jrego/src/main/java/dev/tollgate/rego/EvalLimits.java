package dev.tollgate.rego;

/**
 * Bounds on one evaluation; exceeding one fails it with {@code eval_cancel_error}.
 *
 * @param maxSteps expressions evaluated plus collection elements visited
 * @param maxDepth nesting of rule and function evaluations
 * @param maxWallNanos wall-clock time, 0 for none
 */
public record EvalLimits(long maxSteps, int maxDepth, long maxWallNanos) {
  public static final EvalLimits DEFAULT = new EvalLimits(50_000_000L, 120, 10_000_000_000L);

  public EvalLimits {
    if (maxSteps <= 0 || maxDepth <= 0 || maxWallNanos < 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }
}
