"""Re-planning cost (SPEC 9): a one-order edit solved with and without `--previous`.

    python bench/replan.py [--sizes 10000 100000] [--seed 1] [--repeat 1]

Per size: `planner generate` writes a scenario, `planner solve` plans it into
base/, a what-if that extends it changes one order (the first line of the
middle order among the lines the base plan fills gets one unit less, so the
edit forces a change), and that what-if is solved from nothing and with
`--previous base`, taking turns. Prints a Markdown table (for
docs/benchmarks.md) with the median wall and CPU time of each, their ratios,
every run's wall time, and the units the re-plan changed against the plan made
from nothing. Run by hand, not in CI.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

PLANNER = [sys.executable, "-c", "from planner.cli import main; main()"]


def planner(*args: str | Path) -> tuple[float, float]:
    """Run `planner ARGS`; its wall seconds and its CPU seconds (user + system; less swayed by other
    work on a shared machine than the wall time)."""
    start, used = time.monotonic(), _children_cpu()
    subprocess.run([*PLANNER, *map(str, args)], check=True, capture_output=True)
    return time.monotonic() - start, _children_cpu() - used


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def moved(previous: Path, plan: Path) -> int:
    """Units changed between two result folders, over (line, lot)."""

    def by_lot(folder: Path) -> dict[tuple[str, str, str], int]:
        frame = pd.read_csv(folder / "allocations.csv", dtype=str, keep_default_na=False)
        frame = frame[frame["lot"] != ""]
        out: dict[tuple[str, str, str], int] = {}
        for o, ln, lot, q in zip(frame["order"], frame["line"], frame["lot"], frame["quantity"]):
            out[(o, ln, lot)] = out.get((o, ln, lot), 0) + int(q)
        return out

    a, b = by_lot(previous), by_lot(plan)
    return sum(abs(a.get(k, 0) - b.get(k, 0)) for k in {*a, *b})


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    print(
        "| lines | from nothing s | with --previous s | ratio "
        "| CPU s: from nothing | with --previous | CPU ratio | units moved: from nothing | with --previous "
        "| wall s of each run: from nothing / with --previous |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            planner("generate", "--lines", size, "--seed", args.seed, "--out", root / "data")
            planner("solve", root / "data" / "scenario.toml", "--out", root / "base", "--quiet")
            lines = pd.read_csv(root / "data" / "lines.csv", dtype=str, keep_default_na=False)
            planned = pd.read_csv(root / "base" / "lines.csv", dtype=str, keep_default_na=False)
            full = planned[(planned["status"] == "full") & (planned["reason"] == "")]
            served = set(zip(full["order"], full["line"]))
            lines = lines[[key in served for key in zip(lines["order"], lines["line"])]]
            orders = sorted(set(lines["order"]))
            order = orders[len(orders) // 2]
            first = lines[lines["order"] == order].iloc[0]
            quantity = max(1, int(first["quantity"]) - 1)
            edit = root / "edit.toml"
            edit.write_text(
                f'extends = "data/scenario.toml"\n\n[[override]]\ntable = "lines"\n'
                f"where = {{ order = {json.dumps(order)}, line = {json.dumps(first['line'])} }}\n"
                f"set = {{ quantity = {quantity} }}\n"
            )
            plain, replan = [], []
            for _ in range(args.repeat):
                plain.append(planner("solve", edit, "--out", root / "plain", "--quiet", "--force"))
                replan.append(
                    planner(
                        "solve", edit, "--out", root / "re", "--previous", root / "base", "--quiet", "--force"
                    )
                )
            a, b = (statistics.median(t for t, _ in runs) for runs in (plain, replan))
            ca, cb = (statistics.median(c for _, c in runs) for runs in (plain, replan))
            walls = " / ".join(", ".join(f"{t:.1f}" for t, _ in runs) for runs in (plain, replan))
            print(
                f"| {size:,} | {a:.2f} | {b:.2f} | {b / a:.2f} | {ca:.2f} | {cb:.2f} | {cb / ca:.2f} | "
                f"{moved(root / 'base', root / 'plain')} | {moved(root / 'base', root / 're')} | {walls} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
