"""Comparing plans: KPIs per scenario, the lines whose allocation changed, and the stock that moved
between lots and warehouses (the same quantity on a line, from other lots).

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
            allocations = pd.read_csv(folder / "allocations.csv", dtype=str, keep_default_na=False)
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


def moved(changes: pd.DataFrame, scenario: str, by: str = "lot") -> int:
    """Units a scenario moves between lots (`by="lot"`) or warehouses (`by="warehouse"`) on its
    lines: per line, what it gains in some places and loses in others at once."""
    rows = changes[changes["scenario"] == scenario]
    total = 0
    for _, group in rows.groupby(["order", "line"]):
        deltas = group.groupby(by)["delta"].sum()
        total += min(int(deltas[deltas > 0].sum()), int(-deltas[deltas < 0].sum()))
    return total
