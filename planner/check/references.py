"""Rules that the tables name the scenario's lines and lots and repeat what it says of them."""

from __future__ import annotations

from collections.abc import Iterator

from planner.check.facts import Facts
from planner.check.tables import PlanTables
from planner.check.violation import line_name


def unknown_references(facts: Facts, plan: PlanTables) -> Iterator[str]:
    """Every row names a known line and lot; the lines table lists exactly the scenario's lines."""
    for row in plan.rows:
        if row.key not in facts.lines:
            yield f"an allocation row names unknown {line_name(row.key)}"
        if row.lot and row.lot not in facts.lots:
            yield f"an allocation row of {line_name(row.key)} names unknown lot {row.lot}"
    for key in plan.results:
        if key not in facts.lines:
            yield f"the lines table names unknown {line_name(key)}"
    for key in facts.lines:
        if key not in plan.results:
            yield f"{line_name(key)} is missing from the lines table"


def mismatches(facts: Facts, plan: PlanTables) -> Iterator[str]:
    """A lot row repeats its lot's item, warehouse, owner, due date and source_id; a lines row its line's
    item and quantity."""
    for row in plan.rows:
        lot = facts.lots.get(row.lot)
        if lot is None:
            continue
        due = lot.due.isoformat() if lot.due is not None else ""
        if row.due is not None and row.due != due:
            yield f"a row of {line_name(row.key)} from lot {lot.lot} says due {row.due!r}, not {due!r}"
        if row.source_id is not None and row.source_id != lot.source_id:
            yield (
                f"a row of {line_name(row.key)} from lot {lot.lot} says source_id {row.source_id!r},"
                f" not {lot.source_id!r}"
            )
        if (row.item, row.warehouse, row.owner) == (lot.item, lot.warehouse, lot.owner):
            continue
        for column, said, true in (
            ("item", row.item, lot.item),
            ("warehouse", row.warehouse, lot.warehouse),
            ("owner", row.owner, lot.owner),
        ):
            if said != true:
                yield f"a row of {line_name(row.key)} from lot {lot.lot} says {column} {said!r}, not {true!r}"
    for key, result in plan.results.items():
        line = facts.lines.get(key)
        if line is None:
            continue
        if result.item != line.item:
            yield f"{line_name(key)} is listed with item {result.item!r}, the line's is {line.item!r}"
        if result.requested is not None and result.requested != line.quantity:
            yield (
                f"{line_name(key)} is listed as requesting {result.requested}, the line asks {line.quantity}"
            )
