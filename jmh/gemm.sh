#!/usr/bin/env bash
# The GEMM measurements of docs/benchmarks.md, in one script run (about 25 minutes on 2 cores):
#   jmh/gemm.sh [out-dir]          then: python3 jmh/report.py out-dir/*.json
# Each step is one JMH invocation; within a step every implementation runs in the same invocation, so the
# ratios compare like with like. OpenBLAS is pinned to one thread (its presets read the environment).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$root/jmh/results}
mkdir -p "$out"
export OPENBLAS_NUM_THREADS=1
# shellcheck source=../scripts/jdk25.sh
. "$root/scripts/jdk25.sh"
jdk=$(find_jdk25) || { echo "jmh/gemm.sh: no JDK 25 or newer found; set QUANTLANE_JAVA_HOME" >&2; exit 1; }
build_benchmarks "$jdk"
run() {
  local name=$1; shift
  echo "== $name" >&2
  "$jdk/bin/java" -jar "$root/jmh/target/benchmarks.jar" "$@" -rf json -rff "$out/$name.json" \
      | grep -E '^(Benchmark|Gemm|Fma)' || true
}
vec="--add-modules=jdk.incubator.vector"

# 1. the ceiling, then quantlane against OpenBLAS at the square sizes of the issue, float and double
run peak FmaPeakBench
run square 'GemmBench.(sgemm|dgemm)$' -p shape=16,64,256,512,1024,2048 -p impl=quantlane,openblas -prof gc
# 2. EJML and the scalar twin where one call takes under a second
run ejml 'GemmBench.(sgemm|dgemm)$' -p shape=16,64,256,512,1024 -p impl=quantlane,ejml
run scalar 'GemmBench.(sgemm|dgemm)$' -p shape=16,64,256 -p impl=quantlane,scalar
# 3. the shapes of an MLP: batch 1, 8, 32, 256; forward (NN), input gradient (NT), weight gradient (TN)
run mlp 'GemmBench.sgemm$' -p impl=quantlane,openblas -prof gc -p shape=1x64x64,1x256x256,1x1024x1024,8x256x256,8x1024x1024,32x256x256,32x1024x1024,256x32x256,256x256x256,256x1024x1024,256x256x256:NT,256x256x256:TN,32x1024x1024:NT,32x1024x1024:TN,8x1024x1024:NT,8x256x256:NT
# 4. two threads against one (Parallel.newPool(2) on this 2-core machine)
run threads 'GemmBench.(sgemm|dgemm)$' -p shape=256,512,1024,2048 -p impl=quantlane,quantlane2t
# 5. tile shapes and the packed/direct crossover, each as its own forked JVM setting
for tile in 12x2 8x3 6x4 6x2; do
  run "tile-$tile" 'GemmBench.(sgemm|dgemm)$' -p shape=256,1024 -p impl=quantlane -f 1 \
      -jvmArgsAppend "$vec -Dquantlane.gemm.tile=$tile -Dquantlane.dgemm.tile=$tile"
done
# the same at pinned 256 and 128 bits (the tile is picked per register count, not per width: see GemmConfig)
for bits in 256 128; do
  for tile in 12x2 8x3 6x4 6x2; do
    run "tile$bits-$tile" 'GemmBench.sgemm$' -p shape=256,1024 -p impl=quantlane -f 1 \
        -jvmArgsAppend "$vec -Dquantlane.vectorBits=$bits -Dquantlane.gemm.tile=$tile"
  done
done
for path in direct packed; do
  run "path-$path" 'GemmBench.sgemm$' -p impl=quantlane -f 1 -jvmArgsAppend "$vec -Dquantlane.gemm.path=$path" \
      -p shape=32,64,96,128,192,256,8x1024x1024,32x1024x1024,64x256x256,256x32x256
done
