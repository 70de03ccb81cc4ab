"""Exceptions a planner acts on: lines overdue, lines that lost stock since the previous plan, lots
allocated to lines that ship after the lot expires, and pins that bind.

Each takes the dashboard's line table (`planner.app.dashboard.line_table`) and returns the rows to
act on, most urgent first, quantities with their unit.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from models.records import Scenario
from planner.result.plan import Plan

LINE_COLUMNS = ["order", "line", "item", "status", "reason", "ship_date", "requested", "allocated", "unit"]
OVERDUE_COLUMNS = [*LINE_COLUMNS[:6], "days_overdue", *LINE_COLUMNS[6:]]
LOST_COLUMNS = [*LINE_COLUMNS[:6], "before", "allocated", "lost", "unit"]
PIN_COLUMNS = ["order", "line", "lot", "pinned", "only", "status", "missing", "unit", "binds"]
HOLDS_SHORT = "holds its line short"
"""A pin of 0, or one with `only`, on a line left short: the lots it closes might have served it."""
TAKES_WANTED = "takes stock short lines of its item want"
"""A pin above 0 on a lot whose item has lines left short (taking part)."""
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


def expiring(scenario: Scenario, allocations: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """Stock allocated (`allocations`: allocations.csv's rows) from a lot that expires before the line's
    ship date (it expires before it is used): each (line, lot) with the lot's expiry and by how many
    days it falls short, most first."""
    expires = {lot.lot: lot.expires for lot in scenario.lots if lot.expires is not None}
    ships = {(o, ln): d for o, ln, d in zip(lines["order"], lines["line"], lines["ship_date"])}
    units = {i.item: i.unit for i in scenario.items}
    rows = []
    columns = ("order", "line", "item", "lot", "warehouse", "quantity")
    for order, line, item, lot, warehouse, quantity in zip(*(allocations[c].tolist() for c in columns)):
        ends, ship = expires.get(lot), ships[(order, line)]
        if ends is not None and ends < ship:
            rows.append([order, line, item, lot, warehouse, int(quantity), units[item], ends, ship])
    out = pd.DataFrame(rows, columns=EXPIRING_COLUMNS[:-1])
    out["days_expired"] = [(s - e).days for s, e in zip(out["ship_date"], out["expires"])]
    return out.sort_values("days_expired", ascending=False, kind="stable").reset_index(drop=True)


def binding_pins(scenario: Scenario, lines: pd.DataFrame) -> pd.DataFrame:
    """The pins (SPEC 9) of `scenario` that bind: a pin of 0 or with `only` whose line is left short
    (`HOLDS_SHORT`), and a pin above 0 on a lot whose item has short lines taking part, other than
    the pinned one (`TAKES_WANTED`); with the pinned line's status and what it misses."""
    lot_item = {lot.lot: lot.item for lot in scenario.lots}
    columns = ("order", "line", "status", "missing", "unit", "tier")
    facts = {
        (o, ln): (st, m, u, pd.notna(t))
        for o, ln, st, m, u, t in zip(*(lines[c] for c in columns), strict=True)
    }
    short = lines[lines["tier"].notna() & (lines["missing"] > 0)]
    short_by_item: dict[str, set[tuple[str, str]]] = {}
    for order, line, item in zip(short["order"], short["line"], short["item"], strict=True):
        short_by_item.setdefault(str(item), set()).add((str(order), str(line)))
    rows = []
    for pin in scenario.pins:
        status, missing, unit, taking_part = facts[pin.key]
        if (pin.quantity == 0 or pin.only) and missing > 0 and taking_part:
            binds = HOLDS_SHORT
        elif pin.quantity > 0 and short_by_item.get(lot_item[pin.lot], set()) - {pin.key}:
            binds = TAKES_WANTED
        else:
            continue
        rows.append(
            [
                pin.order,
                pin.line,
                pin.lot,
                pin.quantity,
                pin.only,
                status,
                missing,
                unit,
                binds,
            ]
        )
    return pd.DataFrame(rows, columns=PIN_COLUMNS)
