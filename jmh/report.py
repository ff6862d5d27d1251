#!/usr/bin/env python3
"""Turns a JMH JSON result (-rf json) into the markdown tables of docs/benchmarks.md.

Usage: python3 jmh/report.py kernels.json [rerun.json ...]
Later files replace earlier ones' results for the same benchmark and parameters (for kernels re-measured
after a change); their rows are marked with *. KernelBench rows pair impl=simd with impl=scalar at each size: time per call (mean +- 99.9% error as JMH
reports it over all forks and iterations), the scalar/simd ratio, and B/op from -prof gc.
"""
import json
import sys
from collections import defaultdict


def main(paths):
    runs, rerun = [], set()
    for index, path in enumerate(paths):
        for run in json.load(open(path)):
            runs.append(run)
            if index > 0 and run["benchmark"].rsplit(".", 2)[-2] == "KernelBench":
                rerun.add(run["benchmark"].rsplit(".", 1)[-1])
    kernels = defaultdict(dict)
    exp_method = {}
    for run in runs:
        name = run["benchmark"].rsplit(".", 2)
        cls, method = name[-2], name[-1]
        p = run["params"]
        score = run["primaryMetric"]["score"]
        err = run["primaryMetric"]["scoreError"]
        alloc = run.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
        if cls == "KernelBench":
            kernels[(method, int(p["size"]))][p["impl"]] = (score, err, alloc)
        elif cls == "ExpMethodBench":
            exp_method[(method, p["method"])] = (score, err, alloc)

    print("| kernel | n | simd ns/op | scalar ns/op | scalar / simd | simd B/op |")
    print("|---|---:|---:|---:|---:|---:|")
    for (method, size) in sorted(kernels):
        row = kernels[(method, size)]
        if "simd" not in row or "scalar" not in row:
            continue
        s, se, sa = row["simd"]
        c, ce, _ = row["scalar"]
        alloc = "n/a" if sa is None else f"{sa:.3f}"
        mark = "*" if method in rerun else ""
        print(f"| {method}{mark} | {size} | {s:,.1f} ± {se:,.1f} | {c:,.1f} ± {ce:,.1f} | {c / s:.1f}x | {alloc} |")
    if exp_method:
        print()
        print("| function (n = 4096) | poly ns/op | jdk ns/op | jdk / poly |")
        print("|---|---:|---:|---:|")
        for method in sorted({m for m, _ in exp_method}):
            if (method, "poly") in exp_method and (method, "jdk") in exp_method:
                p, pe, _ = exp_method[(method, "poly")]
                j, je, _ = exp_method[(method, "jdk")]
                print(f"| {method} | {p:,.1f} ± {pe:,.1f} | {j:,.1f} ± {je:,.1f} | {j / p:.2f}x |")


if __name__ == "__main__":
    main(sys.argv[1:])
