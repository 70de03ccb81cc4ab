"""items.csv against the scenario and the allocations (SPEC section 6), every figure summed again.

InvenTree's meanings for the first five: in_stock and allocated_before over the
item's lots on hand, available = in_stock - allocated_before, required =
allocated_before + the open quantity of the item's lines that take part or are
nonstock (kit lines through their components), deficit = max(0, required -
in_stock). Then the plan's: allocable and on_order (usable lots on hand and to
come), safety_stock (the item's own plus per warehouse), allocated (what those
lines got), available_after (allocable + on_order less what the plan takes from
the item's lots), short (their open quantity left unallocated), unit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import pandas as pd

from models.codes import Reason
from planner.check.facts import Facts
from planner.check.tables import PlanTables, integer

ITEM_COLUMNS = (
    "item",
    "in_stock",
    "allocated_before",
    "available",
    "required",
    "deficit",
    "allocable",
    "safety_stock",
    "on_order",
    "allocated",
    "available_after",
    "short",
    "unit",
)


def item_figures(facts: Facts, plan: PlanTables, items: pd.DataFrame) -> Iterator[str]:
    """One row per item of the scenario, each figure what the scenario and the allocations give."""
    missing = [c for c in ITEM_COLUMNS if c not in items.columns]
    if missing:
        yield f"items.csv lacks column(s) {', '.join(missing)}"
        return
    want = _expected(facts, plan)
    seen: set[str] = set()
    for number, row in enumerate(items[list(ITEM_COLUMNS)].astype(str).itertuples(index=False), start=2):
        cells = dict(zip(ITEM_COLUMNS, row))
        item = cells["item"].strip()
        if item not in want:
            yield f"items.csv row {number}: {item!r} is no item of the scenario"
            continue
        if item in seen:
            yield f"items.csv row {number}: item {item} is listed twice"
            continue
        seen.add(item)
        for column, value in want[item].items():
            said = cells[column].strip()
            if (integer(said) if isinstance(value, int) else said) != value:
                yield f"items.csv row {number} (item {item}): {column} is {said!r}, the plan gives {value!r}"
    for item in sorted(set(want) - seen):
        yield f"items.csv has no row for item {item}"


def _expected(facts: Facts, plan: PlanTables) -> dict[str, dict[str, int | str]]:
    asked: dict[str, int] = defaultdict(int)
    got: dict[str, int] = defaultdict(int)
    for key, line, allocated in plan.allocated:
        if facts.reason[key] not in (None, Reason.NONSTOCK):
            continue
        asked[line.item] += line.quantity
        got[line.item] += allocated
        for component, per_kit in facts.kits.get(line.item, {}).items():
            asked[component] += line.quantity * per_kit
            got[component] += allocated * per_kit
    taken: dict[str, int] = defaultdict(int)
    for row in plan.rows:
        if row.lot in facts.lots:
            taken[facts.lots[row.lot].item] += row.quantity
    per_warehouse: dict[str, int] = defaultdict(int)
    for ss in facts.scenario.safety_stock:
        per_warehouse[ss.item] += ss.quantity
    out: dict[str, dict[str, int | str]] = {}
    for item in facts.scenario.items:
        lots = facts.lots_of_item[item.item]
        on_hand = [lot for lot in lots if lot.due is None]
        usable = [lot for lot in lots if lot.usable_on(facts.today)]
        in_stock = sum(lot.quantity for lot in on_hand)
        before = sum(lot.allocated + lot.planned_issue for lot in on_hand)
        required = before + asked[item.item]
        allocable = sum(lot.allocable for lot in usable if lot.due is None)
        on_order = sum(lot.allocable for lot in usable if lot.due is not None)
        out[item.item] = {
            "in_stock": in_stock,
            "allocated_before": before,
            "available": in_stock - before,
            "required": required,
            "deficit": max(0, required - in_stock),
            "allocable": allocable,
            "safety_stock": item.safety_stock + per_warehouse[item.item],
            "on_order": on_order,
            "allocated": got[item.item],
            "available_after": allocable + on_order - taken[item.item],
            "short": asked[item.item] - got[item.item],
            "unit": item.unit,
        }
    return out
