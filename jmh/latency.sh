#!/usr/bin/env bash
# The latency harness (io.quantlane.jmh.Latency): batch-1 inference percentiles recorded with HdrHistogram, on a
# JDK 25, after Model.warmUp. Arguments go to the harness, e.g.
#   jmh/latency.sh --calls 20000000 --out /tmp/latency
# It writes latency-MODEL.hlog (interval histograms) and latency-MODEL.txt (percentile distribution) there.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../scripts/jdk25.sh
. "$root/scripts/jdk25.sh"
jdk=$(find_jdk25) || { echo "jmh/latency.sh: no JDK 25 or newer found; set QUANTLANE_JAVA_HOME" >&2; exit 1; }
build_benchmarks "$jdk"
exec "$jdk/bin/java" --add-modules jdk.incubator.vector -XX:-UseProfiledLoopPredicate \
  -cp "$root/jmh/target/benchmarks.jar" io.quantlane.jmh.Latency "$@"
