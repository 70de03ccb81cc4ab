"""What-if latency (issue 15): one-order and one-lot edits re-planned from the base plan.

    python bench/whatif.py [--sizes 10000 100000] [--seed 3] [--edits 5]

Per size: `planner generate` writes a scenario and `planner solve` plans it into base/ (with its
components.txt). For each edit kind (an order's priority, a line's ship date, a line's quantity,
an order cancelled, a lot's quantity, a receipt of a new lot), `--edits` edits drawn by a fixed
seed are applied to the loaded scenario and each is solved in process with the base plan as the
previous plan (`solve`, what `planner solve --previous base` runs after loading), once taking
untouched components over and once not (the full re-plan); both must write the same tables.
Prints a Markdown table (for docs/benchmarks.md): per size and kind the median solve seconds of
each, and the median seconds of the take-over's phases. Run by hand, not in CI.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from models.cells import write_csv_text
from models.loading import load_scenario
from models.previous import read_previous
from models.records import PreviousPlan, Scenario
from planner.engine.solve import solve
from planner.result.plan import Plan

PLANNER = [sys.executable, "-c", "from planner.cli import main; main()"]
KINDS = ("priority", "ship_date", "quantity", "cancel", "lot_quantity", "receipt")


def edited(data: Scenario, kind: str, rng: random.Random) -> Scenario:
    """The scenario with one edit of `kind` drawn by `rng`."""
    if kind == "priority":
        i = rng.randrange(len(data.orders))
        order = data.orders[i]
        orders = (*data.orders[:i], replace(order, priority=(order.priority + 3) % 10), *data.orders[i + 1 :])
        return replace(data, orders=orders)
    if kind in ("ship_date", "quantity"):
        i = rng.randrange(len(data.lines))
        ln = data.lines[i]
        ln = (
            replace(ln, ship_date=ln.ship_date + timedelta(days=3))
            if kind == "ship_date"
            else replace(ln, quantity=max(1, ln.quantity - 1))
        )
        return replace(data, lines=(*data.lines[:i], ln, *data.lines[i + 1 :]))
    if kind == "cancel":
        gone = data.orders[rng.randrange(len(data.orders))].order
        return replace(
            data,
            orders=tuple(o for o in data.orders if o.order != gone),
            lines=tuple(ln for ln in data.lines if ln.order != gone),
            reservations=tuple(r for r in data.reservations if r.order != gone),
        )
    i = rng.randrange(len(data.lots))
    lot = data.lots[i]
    if kind == "lot_quantity":
        lots = (*data.lots[:i], replace(lot, quantity=lot.quantity + 5), *data.lots[i + 1 :])
    else:
        lots = (
            *data.lots,
            replace(lot, lot=f"{lot.lot}R", quantity=10, allocated=0, planned_issue=0, due=None),
        )
    return replace(data, lots=lots)


def tables(plan: Plan) -> tuple[str, ...]:
    return tuple(
        write_csv_text(frame)
        for frame in (plan.allocations_frame(), plan.lines_frame(), plan.items_frame(), plan.changes_frame())
    )


def timed(data: Scenario) -> tuple[float, Plan]:
    start = time.monotonic()
    plan = solve(data)
    return time.monotonic() - start, plan


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    print(
        "| lines | edit | take-over: median solve s | full re-plan: median solve s "
        "| take-over runs s | take-over phases (median s) |"
    )
    print("|---|---|---|---|---|---|")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            gen = ["generate", "--lines", str(size), "--seed", str(args.seed), "--out", str(root / "data")]
            subprocess.run([*PLANNER, *gen], check=True, capture_output=True)
            base = ["solve", str(root / "data" / "scenario.toml"), "--out", str(root / "base"), "--quiet"]
            subprocess.run([*PLANNER, *base], check=True, capture_output=True)
            data = load_scenario(root / "data" / "scenario.toml")
            previous = read_previous(root / "base")
            full_previous = PreviousPlan(previous.folder, previous.allocations)
            rng = random.Random(args.seed)
            for kind in KINDS:
                fast, full, phases = [], [], []
                for _ in range(args.edits):
                    whatif = edited(data, kind, rng)
                    seconds, plan = timed(whatif.replace(previous=previous))
                    full_seconds, full_plan = timed(whatif.replace(previous=full_previous))
                    if tables(plan) != tables(full_plan):
                        raise SystemExit(f"{kind}: the take-over's tables differ from the full re-plan's")
                    fast.append(seconds)
                    full.append(full_seconds)
                    phases.append(plan.phases)
                median = {p: statistics.median(ph.get(p, 0.0) for ph in phases) for p in phases[0]}
                print(
                    f"| {size:,} | {kind} | {statistics.median(fast):.2f} | {statistics.median(full):.2f} "
                    f"| {', '.join(f'{t:.1f}' for t in fast)} "
                    f"| {', '.join(f'{p} {s:.2f}' for p, s in median.items())} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
