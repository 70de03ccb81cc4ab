"""Comparing plans: KPIs per scenario, the lines whose allocation changed, the (line, lot) quantities
that changed, and the moves: stock a line took from one lot and now takes from another.

Both work on the written form of a plan (lines.csv as a frame and summary.json
as a dict), so a fresh solve and a result folder on disk compare alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from models.cells import read_csv_file
from models.records import line_sort_key
from planner.result.plan import Plan
from planner.result.summary import Summary

PRIORITIES = range(10)
KPI_COLUMNS = [
    "scenario",
    "lines",
    "lines_full",
    "lines_partial",
    "lines_none",
    "orders",
    "orders_full",
    "requested",
    "allocated",
    "fill_rate",
    *(f"fill_p{p}" for p in PRIORITIES),
]
CHANGE_COLUMNS = [
    "scenario",
    "order",
    "line",
    "item",
    "base_allocated",
    "allocated",
    "delta",
    "base_reason",
    "reason",
]


LOT_CHANGE_COLUMNS = [
    "scenario",
    "order",
    "line",
    "lot",
    "item",
    "warehouse",
    "base_quantity",
    "quantity",
    "delta",
]


@dataclass(frozen=True, slots=True)
class WrittenPlan:
    """A plan as written: its lines table, its summary and its allocations (order, line, item, lot,
    warehouse, quantity)."""

    lines: pd.DataFrame
    summary: Summary
    allocations: pd.DataFrame | None = None

    @property
    def name(self) -> str:
        return self.summary.scenario

    @classmethod
    def of_plan(cls, plan: Plan) -> WrittenPlan:
        return cls(plan.lines_frame(), plan.summary, plan.allocations_frame())

    @classmethod
    def read(cls, folder: Path) -> WrittenPlan:
        """A result folder written by `planner solve`."""
        lines = read_csv_file(folder / "lines.csv")
        for column in ("requested", "allocated"):
            lines[column] = lines[column].astype(int)
        allocations = None
        if (folder / "allocations.csv").is_file():
            allocations = read_csv_file(folder / "allocations.csv")
            allocations["quantity"] = allocations["quantity"].astype(int)
        return cls(
            lines,
            Summary.from_json(json.loads((folder / "summary.json").read_text(encoding="utf-8"))),
            allocations,
        )


def kpis(result: WrittenPlan) -> dict[str, Any]:
    """One row of kpis.csv: counts and fill over the lines that take part, fill per priority.

    The totals the summary already holds are taken from it; the rest come from the lines.
    """
    lines = result.lines[result.lines["tier"].astype(str) != ""]
    full = lines["allocated"] >= lines["requested"]
    by_order = full.groupby(lines["order"]).all()
    totals = result.summary.totals
    row: dict[str, Any] = {
        "scenario": result.name,
        "lines": totals.lines,
        "lines_full": totals.lines_full,
        "lines_partial": int(((lines["allocated"] > 0) & ~full).sum()),
        "lines_none": int((lines["allocated"] == 0).sum()),
        "orders": len(by_order),
        "orders_full": int(by_order.sum()),
        "requested": totals.requested,
        "allocated": totals.allocated,
        "fill_rate": totals.fill_rate,
    }
    row.update(fill_by_priority(result.summary))
    return row


def fill_by_priority(summary: Summary) -> dict[str, float | None]:
    """fill_pN per delivery priority, from the tiers (None where no line has that priority)."""
    key = summary.objective_key
    position = key.index("priority") if "priority" in key else None
    requested = dict.fromkeys(PRIORITIES, 0)
    allocated = dict.fromkeys(PRIORITIES, 0)
    if position is not None:
        for tier in summary.tiers:
            priority = tier.key[position]
            assert isinstance(priority, int)
            requested[priority] += tier.requested
            allocated[priority] += tier.allocated
    return {f"fill_p{p}": _rate(allocated[p], requested[p]) if requested[p] else None for p in PRIORITIES}


def _rate(allocated: int, requested: int) -> float:
    return round(allocated / requested, 4) if requested else 1.0


def kpi_table(results: list[WrittenPlan]) -> pd.DataFrame:
    """kpis.csv: one row per scenario, in the order given."""
    return pd.DataFrame([kpis(r) for r in results], columns=KPI_COLUMNS)


def line_changes(base: WrittenPlan, others: list[WrittenPlan]) -> pd.DataFrame:
    """line_changes.csv: every line of each other scenario whose allocation differs from the base's.

    A line present in one scenario only counts as allocated 0 in the other.
    """
    key = ["order", "line"]
    rows = []
    for other in others:
        merged = base.lines.merge(
            other.lines, on=key, how="outer", suffixes=("_base", ""), indicator=False, sort=False
        )
        merged["item"] = merged["item"].fillna(merged["item_base"])
        merged["base_allocated"] = merged["allocated_base"].fillna(0).astype(int)
        merged["allocated"] = merged["allocated"].fillna(0).astype(int)
        merged["delta"] = merged["allocated"] - merged["base_allocated"]
        merged["base_reason"] = merged["reason_base"].fillna("")
        merged["reason"] = merged["reason"].fillna("")
        changed = merged[merged["delta"] != 0].assign(scenario=other.name)
        rows.append(changed[CHANGE_COLUMNS])
    if not rows:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    out = pd.concat(rows, ignore_index=True)
    order = sorted(
        range(len(out)),
        key=lambda i: (out["scenario"][i], out["order"][i], line_sort_key(str(out["line"][i]))),
    )
    return out.iloc[order].reset_index(drop=True)


def _by_lot(plan: WrittenPlan) -> pd.DataFrame:
    """Quantity per (order, line, lot) with the lot's item and warehouse (rows with a lot only)."""
    frame = plan.allocations
    columns = ["order", "line", "lot", "item", "warehouse"]
    if frame is None or frame.empty:
        return pd.DataFrame(columns=[*columns, "quantity"])
    frame = frame[frame["lot"].astype(str) != ""].astype(dict.fromkeys(columns, str))
    return pd.DataFrame(frame.groupby(columns, as_index=False, sort=True)["quantity"].sum())


def lot_changes(base: WrittenPlan, others: list[WrittenPlan]) -> pd.DataFrame:
    """lot_changes.csv: per scenario, every (line, lot) whose quantity differs from the base's: where
    stock moved between lots and warehouses, even on lines whose allocated total is the same."""
    key = ["order", "line", "lot", "item", "warehouse"]
    rows = []
    for other in others:
        merged = _by_lot(base).merge(_by_lot(other), on=key, how="outer", suffixes=("_base", ""))
        merged["base_quantity"] = merged["quantity_base"].fillna(0).astype(int)
        merged["quantity"] = merged["quantity"].fillna(0).astype(int)
        merged["delta"] = merged["quantity"] - merged["base_quantity"]
        rows.append(merged[merged["delta"] != 0].assign(scenario=other.name)[LOT_CHANGE_COLUMNS])
    if not rows:
        return pd.DataFrame(columns=LOT_CHANGE_COLUMNS)
    out = pd.concat(rows, ignore_index=True)
    order = sorted(
        range(len(out)),
        key=lambda i: (
            out["scenario"][i],
            out["order"][i],
            line_sort_key(str(out["line"][i])),
            out["lot"][i],
        ),
    )
    return out.iloc[order].reset_index(drop=True)


MOVE_COLUMNS = [
    "scenario",
    "order",
    "line",
    "item",
    "from_lot",
    "from_warehouse",
    "from_owner",
    "to_lot",
    "to_warehouse",
    "to_owner",
    "quantity",
]

Held = dict[tuple[str, str], dict[str, tuple[str, str, str, int]]]
"""Per (order, line): lot -> (item, warehouse, owner, quantity) the line takes of it."""


def _held(plan: WrittenPlan) -> Held:
    out: Held = {}
    frame = plan.allocations
    if frame is None:
        return out
    columns = ["order", "line", "lot", "item", "warehouse", "owner", "quantity"]
    for order, line, lot, item, warehouse, owner, quantity in zip(*(frame[c] for c in columns)):
        if lot != "":
            lots = out.setdefault((str(order), str(line)), {})
            held = lots.get(str(lot), ("", "", "", 0))[3]
            lots[str(lot)] = (str(item), str(warehouse), str(owner), held + int(quantity))
    return out


def moves(base: WrittenPlan, others: list[WrittenPlan]) -> pd.DataFrame:
    """moves.csv: per scenario and line, where its stock went: `quantity` units the line took from
    `from_lot` in the base and takes from `to_lot` now. A line's losses are paired with its gains of
    the same item (a kit's component stays with its component) in the same warehouse first, then of
    the same item, then in the same warehouse, then any, each in lot order; what is left is stock
    newly allocated (no `from_lot`) or released (no `to_lot`). Summed per (line, lot) the rows are
    lot_changes.csv."""
    rows: list[list[object]] = []
    for other in others:
        before, now = _held(base), _held(other)
        items = {
            (str(o), str(ln)): str(i)
            for plan in (base, other)
            for o, ln, i in zip(plan.lines["order"], plan.lines["line"], plan.lines["item"])
        }
        for key in sorted({*before, *now}, key=lambda k: (k[0], line_sort_key(k[1]))):
            for move in _line_moves(before.get(key, {}), now.get(key, {})):
                rows.append([other.name, *key, items.get(key, ""), *move])
    return pd.DataFrame(rows, columns=MOVE_COLUMNS)


def _line_moves(
    before: dict[str, tuple[str, str, str, int]], now: dict[str, tuple[str, str, str, int]]
) -> list[list[object]]:
    """One line's moves: [from lot, warehouse, owner, to lot, warehouse, owner, quantity] rows."""
    items = {lot: held[0] for lot, held in (before | now).items()}
    facts = {lot: held[1:3] for lot, held in (before | now).items()}
    change = {lot: now.get(lot, ("", "", "", 0))[3] - before.get(lot, ("", "", "", 0))[3] for lot in facts}
    lost = {lot: -d for lot, d in sorted(change.items()) if d < 0}
    gained = {lot: d for lot, d in sorted(change.items()) if d > 0}

    def rank(a: str, b: str) -> tuple[bool, bool]:
        return (items[a] != items[b], facts[a][0] != facts[b][0])

    out: list[list[object]] = []
    for a, b in sorted(((a, b) for a in lost for b in gained), key=lambda p: (rank(*p), p)):
        quantity = min(lost[a], gained[b])
        if quantity:
            out.append([a, *facts[a], b, *facts[b], quantity])
            lost[a] -= quantity
            gained[b] -= quantity
    out += [[a, *facts[a], "", "", "", q] for a, q in lost.items() if q]
    out += [["", "", "", b, *facts[b], q] for b, q in gained.items() if q]
    return sorted(out, key=lambda r: (str(r[0]), str(r[3])))


def move_totals(table: pd.DataFrame, scenario: str) -> dict[str, int]:
    """A scenario's moves summed: units moved between lots, of them between warehouses, newly
    allocated and released."""
    rows = table[table["scenario"] == scenario]
    paired = (rows["from_lot"] != "") & (rows["to_lot"] != "")
    across = paired & (rows["from_warehouse"] != rows["to_warehouse"])
    return {
        "between_lots": int(rows["quantity"][paired].sum()),
        "between_warehouses": int(rows["quantity"][across].sum()),
        "allocated": int(rows["quantity"][rows["from_lot"] == ""].sum()),
        "released": int(rows["quantity"][rows["to_lot"] == ""].sum()),
    }
