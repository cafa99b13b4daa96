package dev.tollgate.rego.testing;

import java.util.List;
import java.util.SortedSet;

/**
 * Line coverage of the non-test modules by a test run. A line is coverable when a rule head or a
 * body expression starts on it; it is covered when one of those expressions was evaluated or the
 * rule produced a value.
 *
 * @param files one entry per non-test module, by file name
 */
public record CoverageReport(List<FileCoverage> files) {
  public CoverageReport {
    files = List.copyOf(files);
  }

  /**
   * Coverage of one module.
   *
   * @param file the module's file name
   * @param covered covered line numbers
   * @param notCovered coverable line numbers that were not covered
   */
  /**
   * Coverage of several runs over overlapping modules (a library tested through each tenant):
   * a line counts as covered when any run covered it.
   */
  public static CoverageReport merge(List<CoverageReport> reports) {
    java.util.TreeMap<String, java.util.TreeSet<Integer>> covered = new java.util.TreeMap<>();
    java.util.TreeMap<String, java.util.TreeSet<Integer>> coverable = new java.util.TreeMap<>();
    for (CoverageReport r : reports) {
      for (FileCoverage f : r.files()) {
        covered.computeIfAbsent(f.file(), k -> new java.util.TreeSet<>()).addAll(f.covered());
        java.util.TreeSet<Integer> lines = coverable.computeIfAbsent(f.file(), k -> new java.util.TreeSet<>());
        lines.addAll(f.covered());
        lines.addAll(f.notCovered());
      }
    }
    List<FileCoverage> files = new java.util.ArrayList<>();
    coverable.forEach((file, lines) -> {
      java.util.TreeSet<Integer> missed = new java.util.TreeSet<>(lines);
      missed.removeAll(covered.get(file));
      files.add(new FileCoverage(file, covered.get(file), missed));
    });
    return new CoverageReport(files);
  }

  public record FileCoverage(String file, SortedSet<Integer> covered, SortedSet<Integer> notCovered) {
    public FileCoverage {
      covered = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(covered));
      notCovered = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(notCovered));
    }

    public int total() {
      return covered.size() + notCovered.size();
    }

    /** Percent of coverable lines covered; 100 for a module with nothing to cover. */
    public double percent() {
      return total() == 0 ? 100.0 : 100.0 * covered.size() / total();
    }
  }

  public int covered() {
    return files.stream().mapToInt(f -> f.covered().size()).sum();
  }

  public int total() {
    return files.stream().mapToInt(FileCoverage::total).sum();
  }

  /** Percent of all coverable lines covered; 100 when there is nothing to cover. */
  public double percent() {
    return total() == 0 ? 100.0 : 100.0 * covered() / total();
  }
}
