"""Orders as a planner works them: one row per order, what it asks and gets, and what blocks it.

Built from the dashboard's line table (`planner.app.dashboard.line_table`) and the scenario's
orders, so the Orders page counts exactly what the Lines page shows.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from models.records import Order, line_sort_key

ORDER_COLUMNS = [
    "order",
    "type",
    "customer",
    "priority",
    "ship_complete",
    "ship_date",
    "days_overdue",
    "lines",
    "lines_short",
    "requested",
    "allocated",
    "missing",
    "unit",
    "status",
    "blocks",
]
BLOCKS_SHOWN = 3
"""How many short lines `blocks` names before it counts the rest."""


def quantity_text(quantities: dict[str, int]) -> str:
    """Quantities per unit as text, never added across units: "60 pcs", "60 pcs + 2 m"."""
    return " + ".join(f"{q:,} {unit}" for unit, q in quantities.items())


def order_table(lines: pd.DataFrame, orders: tuple[Order, ...], today: date) -> pd.DataFrame:
    """Per order of `lines` (a `line_table`): type, customer, priority, whether it must ship complete,
    its first ship date and how many days that is past `today` (0: not overdue), its lines and how
    many of those taking part are short, requested, allocated and missing (numbers when its lines
    share one unit, else empty, with `unit` listing what is missing per unit; missing counts the
    lines that take part), its status (complete, partial, none, or takes no part) and what blocks it
    (each line not served in full, taking part or not, with its item, what it misses and its reason).

    Sorted by what matters: overdue first (most days first), then the most missing, then by order."""
    by_order = {o.order: o for o in orders}
    rows = []
    for order, own in lines.groupby("order", sort=False):
        facts = by_order[str(order)]
        open_ = own[own["missing"] > 0]
        short = open_[open_["tier"].notna()]
        first = min(own["ship_date"])
        units = list(dict.fromkeys(own["unit"]))
        one_unit = len(units) == 1
        missing_per_unit = {u: int(short.loc[short["unit"] == u, "missing"].sum()) for u in units}
        rows.append(
            {
                "order": str(order),
                "type": facts.type,
                "customer": facts.customer,
                "priority": facts.priority,
                "ship_complete": facts.full_delivery,
                "ship_date": first,
                "days_overdue": max(0, (today - first).days),
                "lines": len(own),
                "lines_short": len(short),
                "requested": int(own["requested"].sum()) if one_unit else None,
                "allocated": int(own["allocated"].sum()) if one_unit else None,
                "missing": int(short["missing"].sum()) if one_unit else None,
                "unit": units[0] if one_unit else quantity_text(missing_per_unit) + " missing",
                "status": _status(own),
                "blocks": _blocks(open_),
                "_missing": int(short["missing"].sum()),
            }
        )
    frame = pd.DataFrame(rows, columns=[*ORDER_COLUMNS, "_missing"])
    frame = frame.sort_values(
        ["days_overdue", "_missing", "order"], ascending=[False, False, True], kind="stable"
    )
    out = frame[ORDER_COLUMNS].reset_index(drop=True)
    for column in ("requested", "allocated", "missing"):
        out[column] = out[column].astype("Int64")
    return out


def _status(lines: pd.DataFrame) -> str:
    """complete: every line full; none: no line taking part gets anything; else partial. An order of
    lines that all take no part (a quote ...) "takes no part"."""
    taking_part = lines[lines["tier"].notna()]
    if taking_part.empty:
        return "takes no part"
    if (taking_part["missing"] <= 0).all():
        return "complete"
    return "none" if (taking_part["allocated"] == 0).all() else "partial"


def _blocks(short: pd.DataFrame) -> str:
    """The lines not served in full, in line order: "line 2 CABLE-USB 60 pcs (no_eligible_stock)",
    the first few named and the rest counted."""
    ordered = sorted(short.itertuples(index=False), key=lambda r: line_sort_key(str(r.line)))
    named = [f"line {r.line} {r.item} {r.missing:,} {r.unit} ({r.reason})" for r in ordered[:BLOCKS_SHOWN]]
    more = len(ordered) - BLOCKS_SHOWN
    return "; ".join(named) + (f"; and {more} more" if more > 0 else "")


def order_lines(lines: pd.DataFrame, order: str) -> pd.DataFrame:
    """The lines of `order` in `lines` (a `line_table`), as the Lines page shows them."""
    return lines[lines["order"] == order].reset_index(drop=True)
