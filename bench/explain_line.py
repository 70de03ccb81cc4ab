"""`planner explain --line` on one line of a large plan (issue 13's 2 s target).

    python bench/explain_line.py [--sizes 100000] [--seed 3] [--lines 5]

Per size: `planner generate` writes a scenario and `planner solve` plans it. `--lines` short lines
drawn by a fixed seed are explained one at a time, each as its own `planner explain --line`
process (wall and user+sys CPU seconds) and in one process with the scenario loaded once (what
the dashboard does: `explain_lines` alone), with the size of the part of the scenario around
the line (`around`). Prints a Markdown table (for docs/benchmarks.md). Run by hand,
not in CI.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from models.cells import read_csv_file
from models.loading import load_scenario
from planner.app.explain import around, explain_lines

PLANNER = [sys.executable, "-m", "planner"]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100000])
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--lines", type=int, default=5)
    args = parser.parse_args()
    print("| lines | line | part (lines, lots) | process wall s | process CPU s | in process s |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="bench-explain-") as tmp:
        for size in args.sizes:
            folder, out = Path(tmp) / f"g{size}", Path(tmp) / f"r{size}"
            subprocess.run(
                [*PLANNER, "generate", "--lines", str(size), "--seed", str(args.seed), "--out", folder],
                check=True,
                capture_output=True,
            )
            subprocess.run(
                [*PLANNER, "solve", folder, "--out", out, "--quiet"], check=True, capture_output=True
            )
            table = read_csv_file(out / "lines.csv")
            short = table[
                (table["tier"] != "") & (table["allocated"].astype(int) < table["requested"].astype(int))
            ]
            keys = sorted(zip(short["order"], short["line"]))
            chosen = random.Random(args.seed).sample(keys, args.lines)
            data = load_scenario(folder)
            for key in chosen:
                name = "/".join(key)
                start, cpu = time.perf_counter(), _cpu()
                subprocess.run(
                    [*PLANNER, "explain", folder, out, "--line", name],
                    check=True,
                    capture_output=True,
                )
                wall, used = time.perf_counter() - start, _cpu() - cpu
                part = around(data, key)
                start = time.perf_counter()
                explain_lines(data, out, [key])
                inside = time.perf_counter() - start
                sizes = f"{len(part.lines):,}, {len(part.lots):,}"
                print(f"| {size:,} | {name} | {sizes} | {wall:.2f} | {used:.2f} | {inside:.2f} |", flush=True)


if __name__ == "__main__":
    main()
