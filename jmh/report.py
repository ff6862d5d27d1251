#!/usr/bin/env python3
"""Turns a JMH JSON result (-rf json) into the markdown tables of docs/benchmarks.md.

Usage: python3 jmh/report.py kernels.json [rerun.json ...]
       python3 jmh/report.py jmh/results/*.json      (the files of jmh/gemm.sh: GEMM tables)
Later files replace earlier ones' results for the same benchmark and parameters (for kernels re-measured
after a change); their rows are marked with *. KernelBench rows pair impl=simd with impl=scalar at each size: time per call (mean +- 99.9% error as JMH
reports it over all forks and iterations), the scalar/simd ratio, and B/op from -prof gc.
"""
import json
import os
import sys
from collections import defaultdict

FLOAT_LANES, DOUBLE_LANES = 16, 8   # 512-bit vectors: FmaPeakBench counts one vector FMA per op


def dims(shape):
    """'256' -> (256, 256, 256, 'NN'); '8x1024x256:NT' -> (8, 1024, 256, 'NT') as (m, k, n, ops)."""
    base, _, ops = shape.partition(":")
    parts = [int(x) for x in base.split("x")]
    m, k, n = parts * 3 if len(parts) == 1 else parts
    return m, k, n, ops or "NN"


def gflops(shape, micros):
    m, k, n, _ = dims(shape)
    return 2.0 * m * n * k / (micros * 1e3)


def gemm_tables(gemm, peak):
    """gemm: {(step, method, shape, impl): (score us, error, B/op)}; peak: {method: GFLOP/s}."""
    def cell(key):
        return gemm.get(key)

    def order(shape):
        m, k, n, ops = dims(shape)
        return (m * n * k, ops, shape)

    if peak:
        print("| FMA ceiling (24 independent accumulators) | GFLOP/s |")
        print("|---|---:|")
        for method in sorted(peak):
            print(f"| {method} | {peak[method]:,.1f} |")
        print()
    steps = sorted({k[0] for k in gemm})
    for step in steps:
        rows = {(k[1], k[2]) for k in gemm if k[0] == step}
        impls = sorted({k[3] for k in gemm if k[0] == step}, key=lambda i: (i != "quantlane", i))
        if len(impls) < 2:
            continue
        other = impls[1]
        if other == "quantlane2t":
            print(f"### {step}: one thread vs Parallel.newPool(2)")
            print()
            print("| op | shape (m x k x n) | 1 thread µs/op | GFLOP/s | 2 threads µs/op | GFLOP/s | speed-up |")
            print("|---|---|---:|---:|---:|---:|---:|")
            for method, shape in sorted(rows, key=lambda r: (r[0], order(r[1]))):
                q, o = cell((step, method, shape, "quantlane")), cell((step, method, shape, other))
                if q and o:
                    print(f"| {method} | {shape} | {q[0]:,.1f} ± {q[1]:,.1f} | {gflops(shape, q[0]):,.1f} | {o[0]:,.1f} ± "
                          f"{o[1]:,.1f} | {gflops(shape, o[0]):,.1f} | {q[0] / o[0]:.2f}x |")
            print()
            continue
        print(f"### {step}: quantlane vs {other}")
        print()
        print(f"| op | shape (m x k x n) | quantlane µs/op | GFLOP/s | % of FMA ceiling | {other} µs/op | GFLOP/s "
              f"| quantlane speed / {other} | quantlane B/op |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for method, shape in sorted(rows, key=lambda r: (r[0], order(r[1]))):
            q, o = cell((step, method, shape, "quantlane")), cell((step, method, shape, other))
            if q is None or o is None:
                continue
            ceiling = peak.get("floatFma" if method == "sgemm" else "doubleFma")
            gq, go = gflops(shape, q[0]), gflops(shape, o[0])
            frac = f"{100 * gq / ceiling:.0f} %" if ceiling else "n/a"
            alloc = "n/a" if q[2] is None else f"{q[2]:.3f}"
            print(f"| {method} | {shape} | {q[0]:,.2f} ± {q[1]:,.2f} | {gq:,.1f} | {frac} | {o[0]:,.2f} ± {o[1]:,.2f} "
                  f"| {go:,.1f} | {o[0] / q[0]:.2f}x | {alloc} |")
        print()


def variant_tables(variants):
    """variants: {(family, variant, method, shape): (score, error)} from the tile-* and path-* steps."""
    for family in sorted({k[0] for k in variants}):
        names = sorted({k[1] for k in variants if k[0] == family})
        keys = sorted({(k[2], k[3]) for k in variants if k[0] == family}, key=lambda r: (r[0], dims(r[1])[0] * dims(r[1])[1] * dims(r[1])[2]))
        print(f"### {family}: GFLOP/s (one fork each)")
        print()
        print("| op | shape | " + " | ".join(names) + " |")
        print("|---|---|" + "---:|" * len(names))
        for method, shape in keys:
            vals = []
            for v in names:
                r = variants.get((family, v, method, shape))
                vals.append("" if r is None else f"{gflops(shape, r[0]):,.1f} ± {gflops(shape, r[0]) * r[1] / r[0]:,.1f}")
            print(f"| {method} | {shape} | " + " | ".join(vals) + " |")
        print()


def main(paths):
    runs, rerun = [], set()
    for index, path in enumerate(paths):
        for run in json.load(open(path)):
            runs.append(run)
            if index > 0 and run["benchmark"].rsplit(".", 2)[-2] == "KernelBench":
                rerun.add(run["benchmark"].rsplit(".", 1)[-1])
    kernels = defaultdict(dict)
    exp_method = {}
    gemm, peak, variants = {}, {}, {}
    for path in paths:
        step = os.path.splitext(os.path.basename(path))[0]
        for run in json.load(open(path)):
            cls, method = run["benchmark"].rsplit(".", 2)[-2:]
            score = run["primaryMetric"]["score"]
            err = run["primaryMetric"]["scoreError"]
            alloc = run.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
            if cls == "FmaPeakBench":
                peak[method] = score * (FLOAT_LANES if method == "floatFma" else DOUBLE_LANES) * 2 / 1000
            elif cls == "GemmBench" and "-" in step:
                family, variant = step.split("-", 1)
                variants[(family, variant, method, run["params"]["shape"])] = (score, err)
            elif cls == "GemmBench":
                gemm[(step, method, run["params"]["shape"], run["params"]["impl"])] = (score, err, alloc)
    if gemm or peak:
        gemm_tables(gemm, peak)
        variant_tables(variants)
        return
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
