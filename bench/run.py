"""Benchmark: wall time and peak memory per phase on synthetic scenarios (run by hand, not in CI).

    python bench/run.py --sizes 1000 10000 --seed 1 [--without kits ...] [--solver highs] [--time-limit S]

Each size runs in a fresh process so peak memory (ru_maxrss) is its own. Prints
one Markdown table row per size, for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PHASES = ("generate", "load", "prepare", "solve", "write")


def measure(
    lines: int, seed: int, without: list[str], solver: str | None, time_limit: float | None
) -> dict[str, object]:
    """One size, in this process: per-phase seconds, peak RSS, components, tiers, status, gain."""
    from models.loading import load_scenario
    from planner.engine.components import components
    from planner.engine.eligibility import prepare
    from planner.engine.solve import solve
    from planner.io.features import Features
    from planner.io.generate import generate, write_scenario

    out: dict[str, object] = {"lines": lines}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "scenario"
        t = time.perf_counter()
        features = Features.only(set(Features.names()) - set(without))
        write_scenario(generate(lines, seed, features), folder, f"bench-{lines}")
        out["generate"] = time.perf_counter() - t
        t = time.perf_counter()
        scenario = load_scenario(folder)
        out["load"] = time.perf_counter() - t
        t = time.perf_counter()
        prep = prepare(scenario)
        comps = components(prep)
        out["prepare"] = time.perf_counter() - t
        t = time.perf_counter()
        plan = solve(
            scenario, solver=solver, time_limit=time_limit
        )  # prepares again: solve() is the unit users call
        out["solve"] = time.perf_counter() - t
        t = time.perf_counter()
        plan.write(Path(tmp) / "out")
        out["write"] = time.perf_counter() - t
    integer = [c for c in comps if c.needs_integers]
    largest = max(comps, key=lambda c: len(c.lines)) if comps else None
    out.update(
        {
            "components": len(comps),
            "integer_components": len(integer),
            "largest_lines": len(largest.lines) if largest else 0,
            "largest_tiers": len({prep.line_tier[li] for li in largest.lines}) if largest else 0,
            "tiers": len(prep.tiers),
            "status": plan.status,
            "solver": plan.solver,
            "allocated": sum(t.allocated for t in plan.tiers),
            "greedy": sum(t.baseline or 0 for t in plan.tiers),
            "tiers_above_greedy": sum(t.allocated > (t.baseline or 0) for t in plan.tiers),
            "first_tier_gain": next(
                (t.allocated - (t.baseline or 0) for t in plan.tiers if t.allocated != t.baseline), 0
            ),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "phases": plan.phases,
        }
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--without", nargs="*", default=[])
    parser.add_argument("--solver", default=None)
    parser.add_argument("--time-limit", type=float, default=None)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child mode: measure one size
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args.one, args.seed, args.without, args.solver, args.time_limit)))
        return
    print(
        "| lines | generate s | load s | prepare s | solve s | write s | peak MB | components (integer) "
        "| largest (lines, tiers) | tiers | status | allocated | greedy | tiers above greedy |"
    )
    print("|" + "---|" * 14)
    results = []
    for size in args.sizes:
        cmd = [sys.executable, __file__, "--one", str(size), "--seed", str(args.seed)]
        cmd += ["--without", *args.without] if args.without else []
        cmd += ["--solver", args.solver] if args.solver else []
        cmd += ["--time-limit", str(args.time_limit)] if args.time_limit else []
        r = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
        print(
            f"| {r['lines']:,} | " + " | ".join(f"{r[p]:.2f}" for p in PHASES) + f" | {r['peak_mb']:.0f} "
            f"| {r['components']:,} ({r['integer_components']:,}) "
            f"| {r['largest_lines']:,}, {r['largest_tiers']} "
            f"| {r['tiers']} | {r['status']} ({r['solver']}) | {r['allocated']:,} | {r['greedy']:,} "
            f"| {r['tiers_above_greedy']} |",
            flush=True,
        )
        results.append(r)
    names = list(results[0]["phases"]) if results else []
    print("\nInside `solve s`:\n\n| lines | " + " | ".join(f"{n} s" for n in names) + " |")
    print("|" + "---|" * (len(names) + 1))
    for r in results:
        print(f"| {r['lines']:,} | " + " | ".join(f"{r['phases'][n]:.2f}" for n in names) + " |")


if __name__ == "__main__":
    main()
