"""Orders as a planner works them: one row per order, what it asks and gets, and what blocks it.

Built from the dashboard's line table (`planner.app.dashboard.line_table`) and the scenario's
orders, so the Orders page counts exactly what the Lines page shows.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from models.records import Order
from planner.result.reasons import reason_words

ORDER_COLUMNS = [
    "order",
    "days_overdue",
    "missing",
    "unit",
    "status",
    "blocks",
    "type",
    "customer",
    "priority",
    "ship_complete",
    "ship_date",
    "lines",
    "lines_short",
    "requested",
    "allocated",
]
"""The Orders table's columns: what it is sorted by and what blocks it first, then the order's facts."""
BLOCKS_SHOWN = 3
"""How many short lines `blocks` names before it counts the rest."""
BLOCKS_SEPARATOR = " · "
"""Between the lines `blocks` names (each ends with its reason's sentence)."""


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
    part = lines["tier"].notna()
    short = part & (lines["missing"] > 0)
    frame = lines.assign(
        _short=short,
        _missing=lines["missing"].where(short, 0),
        _got=part & (lines["allocated"] > 0),
        _part=part,
    )
    out = frame.groupby("order", sort=False).agg(
        ship_date=("ship_date", "min"),
        lines=("line", "size"),
        lines_short=("_short", "sum"),
        requested=("requested", "sum"),
        allocated=("allocated", "sum"),
        missing=("_missing", "sum"),
        unit=("unit", "first"),
        units=("unit", "nunique"),
        part=("_part", "any"),
        got=("_got", "any"),
    )
    by_order = {o.order: o for o in orders}
    facts = [by_order[str(o)] for o in out.index]
    out["type"] = [f.type for f in facts]
    out["customer"] = [f.customer for f in facts]
    out["priority"] = [f.priority for f in facts]
    out["ship_complete"] = [f.full_delivery for f in facts]
    out["days_overdue"] = [max(0, (today - d).days) for d in out["ship_date"]]
    out["status"] = [
        "takes no part" if not p else "complete" if n == 0 else "partial" if g else "none"
        for p, n, g in zip(out["part"], out["lines_short"], out["got"])
    ]
    out["blocks"] = _blocks(lines[lines["missing"] > 0]).reindex(out.index, fill_value="")
    total_missing = out["missing"].copy()
    mixed = out.index[out["units"] > 1]
    for column in ("requested", "allocated", "missing"):
        out[column] = out[column].astype("Int64")
        out.loc[mixed, column] = pd.NA
    for order in mixed:
        own = frame[frame["order"] == order]
        per_unit = {u: int(own.loc[own["unit"] == u, "_missing"].sum()) for u in dict.fromkeys(own["unit"])}
        out.loc[order, "unit"] = quantity_text(per_unit) + " missing"
    out = out.assign(_missing=total_missing).reset_index()
    out["order"] = out["order"].astype(str)
    out = out.sort_values(
        ["days_overdue", "_missing", "order"], ascending=[False, False, True], kind="stable"
    )
    return out[ORDER_COLUMNS].reset_index(drop=True)


def _blocks(open_lines: pd.DataFrame) -> pd.Series:
    """Per order, its lines not served in full in the order `open_lines` has them (line order), each
    with why in words (planner.result.reasons): "line 2 CABLE-USB 60 pcs: No lot it may use has stock
    left ...", the first few named and the rest counted."""
    named: dict[str, list[str]] = {}
    columns = ("order", "line", "item", "missing", "unit", "reason")
    for order, line, item, missing, unit, reason in zip(*(open_lines[c] for c in columns), strict=True):
        named.setdefault(str(order), []).append(
            f"line {line} {item} {missing:,} {unit}: {reason_words(reason)}"
        )
    return pd.Series(
        {
            order: BLOCKS_SEPARATOR.join(texts[:BLOCKS_SHOWN])
            + (f"{BLOCKS_SEPARATOR}and {len(texts) - BLOCKS_SHOWN} more" if len(texts) > BLOCKS_SHOWN else "")
            for order, texts in named.items()
        },
        dtype=object,
    )


def order_lines(lines: pd.DataFrame, order: str) -> pd.DataFrame:
    """The lines of `order` in `lines` (a `line_table`), as the Lines page shows them."""
    return lines[lines["order"] == order].reset_index(drop=True)
