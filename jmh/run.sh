#!/usr/bin/env bash
# Builds the library and the benchmarks on a JDK 25, then runs JMH with any arguments given, e.g.
#   jmh/run.sh KernelBench -prof gc -rf json -rff kernels.json
#   jmh/run.sh ExpMethodBench
# JMH forks its benchmark JVMs from the same JDK; the benchmark classes add --add-modules jdk.incubator.vector.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../scripts/jdk25.sh
. "$root/scripts/jdk25.sh"
jdk=$(find_jdk25) || { echo "jmh/run.sh: no JDK 25 or newer found; set QUANTLANE_JAVA_HOME" >&2; exit 1; }
build_benchmarks "$jdk"
exec "$jdk/bin/java" -jar "$root/jmh/target/benchmarks.jar" "$@"
