"""What explain.csv costs a solve (issue 13's target: at most 10 % more), in one process.

    python bench/explain_cost.py SCENARIO OUT

Loads SCENARIO, solves it (its own solver), writes the plan to OUT, and times in CPU seconds
(`time.process_time`, every thread) and wall seconds the whole and explain.csv's three parts: the
engine's rows (`planner.result.explain.explain_frame`), the checker's (`explain_rows`, inside
`check_tables`) and writing explain.csv. The share is the parts over the rest. Run with the tree to
measure first on PYTHONPATH (it hooks the modules by name, so an older tree works too). Run by
hand, not in CI; e.g. `planner generate --lines 100000 --seed 3 --out /tmp/g100k` first.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pandas as pd

import planner.check.checker as checker
import planner.result.explain as engine_explain
import planner.result.plan as plan_module
from models.loading import load_scenario
from planner.engine.solve import solve

PARTS = {"engine rows": [0.0, 0.0], "checker rows": [0.0, 0.0], "writing explain.csv": [0.0, 0.0]}
"""Per part, CPU and wall seconds."""


def timed(part: str, call: Callable[..., Any]) -> Callable[..., Any]:
    """`call`, its seconds added to PARTS[part]."""

    def run(*args: Any, **kwargs: Any) -> Any:
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            PARTS[part][0] += time.process_time() - cpu
            PARTS[part][1] += time.perf_counter() - wall

    return run


def hook() -> None:
    """Time the three parts where the solve and the write reach them (in the modules' namespaces)."""
    engine, check, plan = vars(engine_explain), vars(checker), vars(plan_module)
    engine["explain_frame"] = timed("engine rows", engine["explain_frame"])
    rows = check["explain_rows"]
    check["explain_rows"] = timed("checker rows", lambda *args: list(rows(*args)))
    write = plan["write_csv_text"]
    write_explain = timed("writing explain.csv", write)

    def write_csv_text(frame: pd.DataFrame, *args: Any, **kwargs: Any) -> str:
        explain = list(frame.columns) == engine_explain.EXPLAIN_COLUMNS
        return str((write_explain if explain else write)(frame, *args, **kwargs))

    plan["write_csv_text"] = write_csv_text


def main() -> None:
    scenario_path, out = sys.argv[1], Path(sys.argv[2])
    hook()
    print(f"load average {os.getloadavg()[0]:.2f}")
    laps = [(time.process_time(), time.perf_counter())]
    scenario = load_scenario(scenario_path)
    laps.append((time.process_time(), time.perf_counter()))
    plan = solve(scenario)
    laps.append((time.process_time(), time.perf_counter()))
    plan.write(out)
    laps.append((time.process_time(), time.perf_counter()))
    for name, (start, end) in zip(("load", "solve", "write"), pairwise(laps)):
        print(f"{name:22s} {end[0] - start[0]:6.2f} CPU s {end[1] - start[1]:6.2f} wall s")
    for name, (cpu, wall) in PARTS.items():
        print(f"  {name:20s} {cpu:6.2f} CPU s {wall:6.2f} wall s")
    total = laps[-1][0] - laps[0][0]
    explain = sum(cpu for cpu, _ in PARTS.values())
    print(f"total {total:.2f} CPU s, explain.csv {explain:.2f}, without it {total - explain:.2f}")
    print(f"share {100 * explain / (total - explain):.1f} % (load average {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
