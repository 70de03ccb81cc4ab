"""The greedy path against its floor: whole-process CPU and wall of the commands, at a git revision and here.

    python bench/floor.py REV SCENARIO [--repeat 3]

Issue 15's target 2 reads three numbers of the same scenario: `planner solve`,
`planner solve --solver greedy` (load, eligibility, the ERP-style greedy, the
report tables, the checker and the write, but no optimisation) and a pandas
read of its CSV files (the floor). This bench runs each of them, with
`planner --version`, `planner validate` and `planner check` on the solve's
folder, from REV (extracted with `git archive` into a temporary folder) and
from this tree, with the same Python, old and new taking turns, each under
`/usr/bin/time -v`, and prints a Markdown table (for docs/benchmarks.md):
median wall and user+sys CPU seconds, every run's wall, and peak memory.
Run by hand, not in CI; SCENARIO is read, results go to a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PANDAS_READ = (
    "import glob, sys\nimport pandas as pd\n"
    "for f in sorted(glob.glob(sys.argv[1] + '/*.csv')):\n"
    "    pd.read_csv(f, dtype=str, keep_default_na=False)\n"
)


def commands(scenario: Path, out: Path) -> dict[str, list[str] | None]:
    """Each measured command's planner arguments (None: the pandas read)."""
    return {
        "planner --version": ["--version"],
        "planner validate": ["validate", str(scenario)],
        "planner solve": ["solve", str(scenario), "--out", str(out / "solve"), "--quiet", "--force"],
        "planner solve --solver greedy": [
            *(
                "solve",
                str(scenario),
                "--out",
                str(out / "greedy"),
                "--solver",
                "greedy",
                "--quiet",
                "--force",
            )
        ],
        "planner check (the solve's folder)": ["check", str(scenario), str(out / "solve")],
        "pandas read of the CSV files (floor)": None,
    }


def timed(tree: Path, args: list[str] | None, scenario: Path, timing: Path) -> tuple[float, float, float]:
    """(wall s, user+sys s, peak MB) of one process run with `tree` first on the import path."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    code = (
        ["-c", PANDAS_READ, str(scenario)] if args is None else ["-c", "from planner.cli import main; main()"]
    )
    command = [sys.executable, *code, *(args or [])]
    done = subprocess.run(
        ["/usr/bin/time", "-v", "-o", str(timing), *command],
        cwd=tree,
        env=env,
        capture_output=True,
        check=False,
    )
    if done.returncode not in (0, 1):  # `planner check` exits 1 on violations: shown, still timed
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}")
    text = timing.read_text()

    def field(label: str) -> str:
        found = re.search(rf"{re.escape(label)}: (\S+)", text)
        if found is None:
            raise RuntimeError(f"no {label!r} in {timing}")
        return found.group(1)

    wall = 0.0
    for part in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":"):
        wall = wall * 60 + float(part)
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    return wall, cpu, int(field("Maximum resident set size (kbytes)")) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision", help="the git revision to compare against, e.g. main")
    parser.add_argument("scenario", type=Path, help="a scenario folder, e.g. from planner generate")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    scenario = args.scenario.resolve()
    with tempfile.TemporaryDirectory(prefix="floor-") as tmp:
        work = Path(tmp)
        old = work / "old"
        old.mkdir()
        archive = subprocess.run(["git", "archive", args.revision], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
        trees = {"old": old, "new": ROOT}
        runs: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
        for attempt in range(args.repeat):
            for name in commands(scenario, work):
                for label, tree in trees.items():
                    out = work / label
                    measured = timed(tree, commands(scenario, out)[name], scenario, work / "timing")
                    runs.setdefault((name, label), []).append(measured)
                    print(f"run {attempt + 1}, {label}: {name}: {measured[0]:.2f} s wall", file=sys.stderr)
    print(f"old: {args.revision}, new: {ROOT}; median of {args.repeat} runs each, taking turns\n")
    header = (
        "| command | old wall s | new wall s | old user+sys s | new user+sys s | old runs s | new runs s |"
    )
    print(header + " old / new peak MB |")
    print("|---" * 8 + "|")
    for name in commands(scenario, Path()):
        old_runs, new_runs = runs[(name, "old")], runs[(name, "new")]
        cells = [
            *(f"{statistics.median(r[i] for r in rs):.2f}" for i in (0,) for rs in (old_runs, new_runs)),
            *(f"{statistics.median(r[i] for r in rs):.2f}" for i in (1,) for rs in (old_runs, new_runs)),
            *(", ".join(f"{r[0]:.2f}" for r in rs) for rs in (old_runs, new_runs)),
            " / ".join(f"{statistics.median(r[2] for r in rs):.0f}" for rs in (old_runs, new_runs)),
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
