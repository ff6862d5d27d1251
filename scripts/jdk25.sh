# Sourced by ./quantlane and the jmh/ scripts: find_jdk25 prints the home of an installed JDK 25 or newer.
# Looks at QUANTLANE_JAVA_HOME, JAVA_HOME, /usr/lib/jvm, ~/.jdks and /opt, reading each JDK's release file.

jdk_major() {
  local release="$1/release"
  [ -x "$1/bin/java" ] && [ -f "$release" ] || return 0
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release"
}

find_jdk25() {
  local candidate major
  for candidate in "${QUANTLANE_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/* "$HOME"/.jdks/* /opt/java/* /opt/jdk*; do
    [ -n "$candidate" ] && [ -d "$candidate" ] || continue
    major=$(jdk_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# build_benchmarks JDK: installs the library and packages jmh/target/benchmarks.jar with that JDK (Maven runs on
# it too: the jar tool that seals the module descriptor must read class version 69). Used by jmh/*.sh.
build_benchmarks() {
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  (cd "$root" && JAVA_HOME="$1" mvn -q -B install -DskipTests)
  (cd "$root/jmh" && JAVA_HOME="$1" mvn -q -B package)
}
