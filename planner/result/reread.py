"""A plan read back from the result folder `solve` wrote, on the same scenario: the `Plan` that, written
again, gives that folder's tables (so the dashboard need not solve what `planner solve` or `run` has).

What the plan does is in its files: the allocations row by row, each line's allocated total (the
optimiser's share is that less the line's reservations), per tier the status, solver, bound and
greedy of summary.json, and the components' fingerprints of components.txt. The rest comes from
preparing the scenario again, as `solve` does.
`planner.io.runs.read_run` decides when a folder may be read instead of solving.
"""

from __future__ import annotations

import json
from pathlib import Path

from models.cells import read_csv_file
from models.codes import PlanStatus, Source
from models.previous import COMPONENTS
from planner.engine.components import components
from planner.engine.eligibility import Prepared
from planner.result.plan import Allocation, Plan, TierResult
from planner.result.summary import Summary

ALLOCATION_COLUMNS = ("order", "line", "item", "lot", "warehouse", "owner", "quantity", "source")
"""The columns of allocations.csv an `Allocation` holds (`due` is the lot's, written from it)."""


def plan_from_folder(prep: Prepared, folder: Path) -> Plan:
    """The plan whose allocations.csv, lines.csv and summary.json are in `folder`, on `prep`.

    Raises OSError, ValueError (SummaryError among them) or KeyError when the files do not read as a
    plan of this scenario; the caller compares the rebuilt plan's tables with the files.
    """
    prep = prep.reported()
    summary = Summary.from_json(json.loads((folder / "summary.json").read_text(encoding="utf-8")))
    lines = read_csv_file(folder / "lines.csv")
    allocated = {
        (o, n): int(q) for o, n, q in zip(lines["order"], lines["line"], lines["allocated"], strict=True)
    }
    added = {
        li: allocated[line.key] - line.reserved
        for li, line in enumerate(prep.lines)
        if prep.report_tier[li] is not None and allocated[line.key] != line.reserved
    }
    rows = read_csv_file(folder / "allocations.csv")
    columns = (rows[c].tolist() for c in ALLOCATION_COLUMNS)
    allocations = tuple(
        Allocation(o, n, item, lot, warehouse, owner, int(q), Source(source))
        for o, n, item, lot, warehouse, owner, q, source in zip(*columns, strict=True)
    )
    if len(summary.tiers) != len(prep.report_tiers):
        raise ValueError(
            f"summary.json has {len(summary.tiers)} tiers, the scenario {len(prep.report_tiers)}"
        )
    tiers = tuple(
        TierResult(t.tier, key, t.requested, t.allocated, t.bound, t.greedy)
        for t, key in zip(summary.tiers, prep.report_tiers, strict=True)
    )
    # The lines the exact flow solved (as solve routes them): explain.csv's same-tier details name them.
    flow_lines = frozenset(
        ()
        if summary.solver == "greedy"
        else (li for c in components(prep) if not c.needs_integers for li in c.lines)
    )
    return Plan(
        prepared=prep,
        added=added,
        allocations=allocations,
        status=PlanStatus(summary.status),
        solver=summary.solver,
        seconds=summary.seconds,
        tiers=tiers,
        notes=summary.notes[len(prep.notes) :],
        flow_lines=flow_lines,
        solved=tuple(listed.read_text(encoding="utf-8").split())
        if (listed := folder / COMPONENTS).is_file()
        else (),
    )
