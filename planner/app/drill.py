"""Drill-down: from an item to its lines and lots, from a line to the lots that serve it and to its
explanation (SPEC 10: who holds the stock it needs, what it could have first in its tier, which filter
keeps stock from it).

Each function takes the dashboard's tables (`planner.app.dashboard.DashboardPlan`) and returns the
rows one detail panel shows; quantities come with their unit.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from models.records import LineKey, Scenario
from planner.app.explain import LineExplanation, explain_lines
from planner.result.plan import Plan

SERVES_OWN = "its own line"
SERVES_OTHER = "takes its lots"
LOT_COLUMNS = [
    "lot",
    "warehouse",
    "owner",
    "status",
    "quantity",
    "allocable",
    "allocated",
    "left",
    "unit",
    "expires",
    "due",
]


def item_lines(lines: pd.DataFrame, allocations: pd.DataFrame, item: str) -> pd.DataFrame:
    """The lines of `item`, and the lines of other items that take stock of its lots (it serves them
    as an alternate or a kit component), with `serves` saying which (`SERVES_OWN`, `SERVES_OTHER`).
    `lines` is a `line_table`, `allocations` allocations.csv's frame (`item` is the lot's)."""
    takers = allocations.loc[allocations["item"] == item, ["order", "line"]].drop_duplicates()
    taking = lines.merge(takers, on=["order", "line"], how="left", indicator=True)["_merge"] == "both"
    own = (lines["item"] == item).to_numpy()
    keep = own | taking.to_numpy()
    out = lines[keep].copy()
    out.insert(0, "serves", [SERVES_OWN if o else SERVES_OTHER for o in own[keep]])
    return out.reset_index(drop=True)


def item_lots(scenario: Scenario, allocations: pd.DataFrame, item: str) -> pd.DataFrame:
    """The lots of `item` with what the plan (its allocations.csv rows) takes from each (to serve any
    line) and what is left of their allocable quantity, in lot order; `expires` and `due` empty where
    the lot has none."""
    unit = {i.item: i.unit for i in scenario.items}[item]
    own = allocations[(allocations["item"] == item) & (allocations["lot"] != "")]
    taken = {str(k): int(v) for k, v in own.groupby("lot")["quantity"].sum().items()}
    rows = [
        [
            lot.lot,
            lot.warehouse,
            lot.owner,
            lot.status,
            lot.quantity,
            lot.allocable,
            taken.get(lot.lot, 0),
            lot.allocable - taken.get(lot.lot, 0),
            unit,
            lot.expires,
            lot.due,
        ]
        for lot in sorted(scenario.lots, key=lambda x: x.lot)
        if lot.item == item
    ]
    return pd.DataFrame(rows, columns=LOT_COLUMNS)


HOLDER_COLUMNS = ["order", "line", "lot", "quantity", "unit", "why"]
RELAX_COLUMNS = ["filter", "quantity", "unit"]


def line_explanation(plan: Plan, key: LineKey, folder: Path | None = None) -> LineExplanation:
    """The explanation of line `key` (planner.app.explain.explain_lines): from the result folder the
    plan was read from, or else from the plan's own files written into a scratch folder."""
    scenario = plan.prepared.scenario
    if folder is not None:
        return explain_lines(scenario, folder, [key])[0]
    with tempfile.TemporaryDirectory(prefix="planner-explain-") as scratch:
        for name, text in plan.files().items():
            (Path(scratch) / name).write_text(text, encoding="utf-8")
        return explain_lines(scenario, Path(scratch), [key])[0]


def holders(e: LineExplanation) -> pd.DataFrame:
    """The lines holding stock the explained line may use: each (line, lot), how much and why it
    holds it (an earlier tier, a reservation, a pin ...), in the explained line's unit."""
    rows = [[f.other_order, f.other_line, f.lot, f.quantity, e.unit, f.detail] for f in e.held_by]
    return pd.DataFrame(rows, columns=HOLDER_COLUMNS)


def relaxations(e: LineExplanation) -> pd.DataFrame:
    """Each filter (owners, warehouses, status, expired ...) that alone keeps stock from the line, with
    what lifting it alone would free for the line (for a kit line: whole kits)."""
    return pd.DataFrame([[f.detail, f.quantity, e.unit] for f in e.relax], columns=RELAX_COLUMNS)
