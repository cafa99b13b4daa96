# Sourced by ./tollgate, .ci/run and bench/jmh: `use_jdk25 NAME` exports JAVA_HOME (and PATH) for
# a JDK 25 — $JAVA_HOME when it is one, else the first under /usr/lib/jvm — or exits with a
# message that starts with NAME.
is_jdk25() {
  [[ -x "$1/bin/java" && -x "$1/bin/javac" ]] && "$1/bin/java" -version 2>&1 | grep -q 'version "25'
}

use_jdk25() {
  local who=$1 candidate
  if [[ -n "${JAVA_HOME:-}" ]] && is_jdk25 "$JAVA_HOME"; then
    export PATH="$JAVA_HOME/bin:$PATH"
    return 0
  fi
  for candidate in /usr/lib/jvm/*25*; do
    if is_jdk25 "$candidate"; then
      export JAVA_HOME="$candidate" PATH="$candidate/bin:$PATH"
      return 0
    fi
  done
  echo "$who: no JDK 25 found (JAVA_HOME is not a JDK 25 and /usr/lib/jvm/*25* holds none)." >&2
  echo "$who: install a JDK 25 (e.g. Temurin 25) or point JAVA_HOME at one." >&2
  exit 1
}
