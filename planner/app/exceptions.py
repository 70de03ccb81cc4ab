"""Exceptions a planner acts on: lines overdue, lines that lost stock since the previous plan, and
lots allocated to lines that ship after the lot expires.

Each takes the dashboard's line table (`planner.app.dashboard.line_table`) and returns the rows to
act on, most urgent first, quantities with their unit.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from planner.result.plan import Plan

LINE_COLUMNS = ["order", "line", "item", "status", "reason", "ship_date", "requested", "allocated", "unit"]
OVERDUE_COLUMNS = [*LINE_COLUMNS[:6], "days_overdue", *LINE_COLUMNS[6:]]
LOST_COLUMNS = [*LINE_COLUMNS[:6], "before", "allocated", "lost", "unit"]
EXPIRING_COLUMNS = [
    "order",
    "line",
    "item",
    "lot",
    "warehouse",
    "quantity",
    "unit",
    "expires",
    "ship_date",
    "days_expired",
]


def overdue(lines: pd.DataFrame, today: date) -> pd.DataFrame:
    """The open lines whose ship date is before `today`, most days overdue first (then by order and
    line as `lines` has them)."""
    late = lines[[d < today for d in lines["ship_date"]]].copy()
    late["days_overdue"] = [(today - d).days for d in late["ship_date"]]
    late = late.sort_values("days_overdue", ascending=False, kind="stable")
    return late[OVERDUE_COLUMNS].reset_index(drop=True)


def lost_stock(plan: Plan, lines: pd.DataFrame) -> pd.DataFrame:
    """The lines this plan gives less than the previous plan did (SPEC 9; none without a previous
    plan): `before` the previous allocation from lots, `lost` how much less it gets now; most lost
    first."""
    changes = plan.changes_frame()
    if changes.empty:
        return pd.DataFrame(columns=LOST_COLUMNS)
    delta = (changes["now"] - changes["before"]).groupby([changes["order"], changes["line"]]).sum()
    lost = (-delta[delta < 0]).rename("lost").reset_index()
    out = lines.merge(lost, on=["order", "line"], how="inner")
    out["before"] = out["allocated"] + out["lost"]
    out = out.sort_values("lost", ascending=False, kind="stable")
    return out[LOST_COLUMNS].reset_index(drop=True)


def expiring(plan: Plan, lines: pd.DataFrame) -> pd.DataFrame:
    """Stock allocated from a lot that expires before the line's ship date (it expires before it is
    used): each (line, lot) with the lot's expiry and by how many days it falls short, most first."""
    expires = {lot.lot: lot.expires for lot in plan.prepared.lots if lot.expires is not None}
    ships = {(o, ln): d for o, ln, d in zip(lines["order"], lines["line"], lines["ship_date"])}
    units = {i.item: i.unit for i in plan.prepared.scenario.items}
    rows = []
    for a in plan.allocations:
        ends, ship = expires.get(a.lot), ships[(a.order, a.line)]
        if ends is not None and ends < ship:
            rows.append([a.order, a.line, a.item, a.lot, a.warehouse, a.quantity, units[a.item], ends, ship])
    out = pd.DataFrame(rows, columns=EXPIRING_COLUMNS[:-1])
    out["days_expired"] = [(s - e).days for s, e in zip(out["ship_date"], out["expires"])]
    return out.sort_values("days_expired", ascending=False, kind="stable").reset_index(drop=True)
