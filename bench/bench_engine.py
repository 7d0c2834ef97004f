"""Benchmark the matching engine on generated data; prints figures, asserts nothing.

    .venv/bin/python bench/bench_engine.py                      # national + regional checks
    .venv/bin/python bench/bench_engine.py --data bench/data/national.jsonl --repeat 3
    .venv/bin/python bench/bench_engine.py --regional-only        # pruning loss only, quick

Figures (median of ``--repeat`` runs): problem build, candidate generation (time, feasible
pairs, kept pairs), solve, explanations, end-to-end engine time, peak memory; schools reached
and slots filled against a first-come-first-served baseline; and, on regional sets small enough
to solve unpruned, the pruning loss against the exact optimum.

Missing data files are generated with bench/generate_dataset.py's defaults (seed 1).
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from dataset_io import read_dataset  # noqa: E402
from generate_dataset import LANDSDELEN, generate  # noqa: E402

from matching.engine import build_problem, generate_candidates  # noqa: E402
from matching.engine.candidates import DEFAULT_K, DEFAULT_K_QUALITY, DEFAULT_POOL  # noqa: E402
from matching.engine.greedy import greedy  # noqa: E402
from matching.engine.solver import solve  # noqa: E402

TODAY = date(2026, 8, 20)
DATA = ROOT / "bench" / "data"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ensure(path: Path, **options: object) -> Path:
    if not path.exists():
        print(f"generating {path} {options}", flush=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        defaults: dict[str, object] = {
            "schools": 7000,
            "companies": 30000,
            "requests": 100000,
            "offers": 250000,
        }
        defaults.update({"seed": 1, **options})
        with path.open("w", encoding="utf-8") as fh:
            for line in generate(**defaults):  # type: ignore[arg-type]
                fh.write(json.dumps(line, separators=(",", ":")) + "\n")
    return path


def load(path: Path):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    gc.disable()  # hundreds of thousands of small objects: the collector only slows the parse
    try:
        dataset = read_dataset(path)
    finally:
        gc.enable()
    print(
        f"read {path.name}: {len(dataset.offers)} offers, {len(dataset.requests)} requests "
        f"in {time.perf_counter() - started:.1f} s (not engine time)",
        flush=True,
    )
    return dataset


def engine_run(dataset, k: int | None) -> dict[str, float]:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    problem = build_problem(dataset.offers, dataset.requests, today=TODAY)
    t1 = time.perf_counter()
    cands = generate_candidates(problem, k=k)
    result = solve(problem, cands)
    t2 = time.perf_counter()
    s = result.stats
    return {
        "build_s": t1 - t0,
        "candidates_s": s["seconds"]["candidates"],
        "network_s": s["seconds"]["network"],
        "solve_s": s["seconds"]["solve"],
        "explain_s": s["seconds"]["explain"],
        "total_s": t2 - t0,
        "feasible_pairs": s["feasible_pairs"],
        "candidate_pairs": s["candidate_pairs"],
        "slots_filled": s["slots_filled"],
        "schools_reached": s["schools_served"],
        "requests_served": s["requests_served"],
        "quality_total": s["quality_total"],
        "components": s["components"],
    }


def national(path: Path, repeat: int, k: int | None) -> None:
    dataset = load(path)
    print(f"peak memory after loading the file: {peak_mb():.0f} MB", flush=True)
    runs = []
    for i in range(repeat):
        runs.append(engine_run(dataset, k))
        print(
            f"  run {i + 1}: " + ", ".join(f"{key}={value:.2f}" for key, value in runs[-1].items()),
            flush=True,
        )
        gc.collect()
    print(f"\n== {path.name}: median of {repeat} (k={k}, k_quality={DEFAULT_K_QUALITY}, pool={DEFAULT_POOL})")
    for key in runs[0]:
        values = [r[key] for r in runs]
        print(
            f"  {key:16s} {statistics.median(values):14,.2f}   (min {min(values):,.2f}, max {max(values):,.2f})"
        )
    print(f"  peak memory      {peak_mb():14,.0f} MB (whole process, parsed file included)")

    # First-come-first-served baseline on each request's 48 best candidates by quality.
    problem = build_problem(dataset.offers, dataset.requests, today=TODAY)
    started = time.perf_counter()
    wide = generate_candidates(problem, k=DEFAULT_POOL, k_quality=DEFAULT_POOL)
    base = greedy(problem, wide).stats
    best = runs[-1]
    print(f"\n== greedy FCFS baseline ({time.perf_counter() - started:.1f} s incl. candidates)")
    for key, bkey in (("schools_reached", "schools_served"), ("slots_filled", "slots_filled")):
        print(
            f"  {key:16s} engine {best[key]:>10,}   greedy {base[bkey]:>10,}   "
            f"engine/greedy {best[key] / max(base[bkey], 1):.4f}"
        )
    print(f"  peak memory      {peak_mb():14,.0f} MB")


def pruning_loss(path: Path, k: int | None) -> None:
    dataset = load(path)
    problem = build_problem(dataset.offers, dataset.requests, today=TODAY)
    exact = solve(problem, generate_candidates(problem, k=None), explain=False).stats
    pruned = solve(problem, generate_candidates(problem, k=k), explain=False).stats
    print(f"\n== pruning loss on {path.name} (k={k} vs unpruned)")
    print(
        f"  pairs            exact {exact['candidate_pairs']:>10,}   pruned {pruned['candidate_pairs']:>10,}"
        f"   solve {exact['seconds']['solve']:.1f} s vs {pruned['seconds']['solve']:.1f} s"
    )
    for key in ("schools_served", "slots_filled", "quality_total"):
        ratio = pruned[key] / max(exact[key], 1)
        print(f"  {key:16s} exact {exact[key]:>10,}   pruned {pruned[key]:>10,}   ratio {ratio:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DATA / "national.jsonl")
    parser.add_argument(
        "--regional",
        type=Path,
        nargs="*",
        default=[DATA / "oost.jsonl", DATA / "oost-scarce.jsonl", DATA / "zuidwest-scarce.jsonl"],
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--k", type=int, default=DEFAULT_K)
    parser.add_argument(
        "--regional-only", action="store_true", help="Only the pruning loss on the regional sets."
    )
    args = parser.parse_args()
    if not args.regional_only:
        ensure(args.data)
    for path in args.regional:
        # Names like oost-scarce.jsonl say how to generate the file.
        region, _, rest = path.stem.partition("-")
        ensure(path, landsdeel=region if region in LANDSDELEN else None, scarce=rest == "scarce")
    # National first, so its peak memory is not the regional exact solves' peak.
    if not args.regional_only:
        national(args.data, args.repeat, args.k)
    for path in args.regional:
        pruning_loss(path, args.k)


if __name__ == "__main__":
    main()
