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
    if _as_expected(items, want):
        return
    yield from _differences(
        items, {str(item): {str(c): v for c, v in row.items()} for item, row in want.to_dict("index").items()}
    )


def _as_expected(items: pd.DataFrame, want: pd.DataFrame) -> bool:
    """Whether the table lists each item once with every figure as `want` has it, decided on the
    columns; False sends the table through `_differences`, which words what is wrong (so False
    where in doubt: a number not written as digits, a missing cell, a column of another type)."""
    if len(items) != len(want) or not items.columns.is_unique:
        return False
    said = _stripped(items["item"])
    if said is None or not said.is_unique or set(said) != set(want.index):
        return False
    order = want.index.get_indexer(pd.Index(said))
    for column in ITEM_COLUMNS[1:]:
        true = want[column].to_numpy()[order]
        cells = items[column]
        if column == "unit":
            text = _stripped(cells)
            if text is None or not (text.to_numpy() == true).all():
                return False
            continue
        if cells.dtype.kind in "iu":
            numbers = cells.to_numpy()
        else:
            text = _stripped(cells)
            if text is None or not text.str.fullmatch(r"-?[0-9]{1,18}").all():
                return False
            numbers = text.astype("int64").to_numpy()
        if not (numbers == true).all():
            return False
    return True


def _stripped(cells: pd.Series) -> pd.Series | None:
    """A text column stripped, or None if it is not text without missing cells."""
    if not isinstance(cells.dtype, pd.StringDtype) or cells.hasnans:
        return None
    return cells.str.strip()


def _differences(items: pd.DataFrame, want: dict[str, dict[str, object]]) -> Iterator[str]:
    """Each row of the table against `want`, cell by cell: what is wrong, in the table's order."""
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


def _expected(facts: Facts, plan: PlanTables) -> pd.DataFrame:
    """Every item's figures (ITEM_COLUMNS but the item), by item in the scenario's order."""
    counted = [
        (line.item, line.quantity, allocated)
        for key, line, allocated in plan.allocated
        if facts.reason[key] in (None, Reason.NONSTOCK)
    ]
    lines = pd.DataFrame(counted, columns=["item", "asked", "got"]).astype({"asked": "int64", "got": "int64"})
    kits = pd.DataFrame(
        [(kit, component, q) for kit, parts in facts.kits.items() for component, q in parts.items()],
        columns=["item", "component", "per_kit"],
    ).astype({"per_kit": "int64"})
    through = lines.merge(kits, on="item")
    parts = pd.concat(
        [
            lines,
            pd.DataFrame(
                {
                    "item": through["component"],
                    "asked": through["asked"] * through["per_kit"],
                    "got": through["got"] * through["per_kit"],
                }
            ),
        ]
    )
    ordered = [item.item for item in facts.scenario.items]
    sums = parts.groupby("item")[["asked", "got"]].sum().reindex(ordered, fill_value=0)
    taken_rows = [(facts.lots[row.lot].item, row.quantity) for row in plan.rows if row.lot in facts.lots]
    taken = (
        pd.DataFrame(taken_rows, columns=["item", "q"]).astype({"q": "int64"}).groupby("item")["q"].sum()
    ).reindex(ordered, fill_value=0)
    per_warehouse = (
        pd.DataFrame([(ss.item, ss.quantity) for ss in facts.scenario.safety_stock], columns=["item", "q"])
        .astype({"q": "int64"})
        .groupby("item")["q"]
        .sum()
        .reindex(ordered, fill_value=0)
    )
    today = facts.today
    lot_rows = [
        (
            lot.item,
            lot.due is None,
            lot.quantity,
            lot.allocated + lot.planned_issue,
            lot.allocable if lot.usable_on(today) else 0,
        )
        for item in ordered
        for lot in facts.lots_of_item[item]
    ]
    lots = pd.DataFrame(lot_rows, columns=["item", "on_hand", "quantity", "before", "allocable"])
    lots = lots.astype({"on_hand": bool, "quantity": "int64", "before": "int64", "allocable": "int64"})
    hand = lots[lots["on_hand"]].groupby("item")[["quantity", "before", "allocable"]].sum()
    hand = hand.reindex(ordered, fill_value=0)
    on_order = lots[~lots["on_hand"]].groupby("item")["allocable"].sum().reindex(ordered, fill_value=0)
    asked, got = sums["asked"], sums["got"]
    required = hand["before"] + asked
    return pd.DataFrame(
        {
            "in_stock": hand["quantity"],
            "allocated_before": hand["before"],
            "available": hand["quantity"] - hand["before"],
            "required": required,
            "deficit": (required - hand["quantity"]).clip(lower=0),
            "allocable": hand["allocable"],
            "safety_stock": pd.Series([item.safety_stock for item in facts.scenario.items], index=ordered)
            + per_warehouse,
            "on_order": on_order,
            "allocated": got,
            "available_after": hand["allocable"] + on_order - taken,
            "short": asked - got,
            "unit": pd.Series([item.unit for item in facts.scenario.items], index=ordered, dtype=object),
        },
        index=pd.Index(ordered),
    )
