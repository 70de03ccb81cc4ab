"""Drill-down: from an item to its lines and lots, from a line to the lots that serve it.

Each function takes the dashboard's tables (`planner.app.dashboard.DashboardPlan`) and returns the
rows one detail panel shows; quantities come with their unit.
"""

from __future__ import annotations

import pandas as pd

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


def item_lots(plan: Plan, item: str) -> pd.DataFrame:
    """The lots of `item` with what this plan takes from each (to serve any line) and what is left of
    their allocable quantity, in lot order; `expires` and `due` empty where the lot has none."""
    unit = {i.item: i.unit for i in plan.prepared.scenario.items}[item]
    taken: dict[str, int] = {}
    for a in plan.allocations:
        if a.item == item and a.lot:
            taken[a.lot] = taken.get(a.lot, 0) + a.quantity
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
        for lot in sorted(plan.prepared.lots, key=lambda x: x.lot)
        if lot.item == item
    ]
    return pd.DataFrame(rows, columns=LOT_COLUMNS)
