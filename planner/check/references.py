"""Rules that the tables name the scenario's lines and lots and repeat what it says of them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from models.records import Lot
from planner.check.facts import Facts
from planner.check.tables import AllocationRow, PlanTables
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
    item and quantity, and the describing columns (unit, ship date, priority, type, customer) the
    scenario's values. Each row is compared whole first; only a row that differs is told apart."""
    said_of_lot = {
        lot.lot: (
            lot.due.isoformat() if lot.due is not None else "",
            lot.source_id,
            lot.item,
            lot.warehouse,
            lot.owner,
        )
        for lot in facts.scenario.lots
    }
    for row in plan.rows:
        true = said_of_lot.get(row.lot)
        if true is None:
            continue
        due = true[0] if row.due is None else row.due
        source_id = true[1] if row.source_id is None else row.source_id
        if (due, source_id, row.item, row.warehouse, row.owner) != true:
            yield from _lot_row(row, facts.lots[row.lot], true[0])
    days: dict[date, str] = {}
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
        if not result.described:
            continue
        order = facts.orders[line.order]
        if (day := days.get(line.ship_date)) is None:
            day = days[line.ship_date] = line.ship_date.isoformat()
        scenario_says = {
            "unit": facts.item(line.item).unit,
            "ship_date": day,
            "priority": str(facts.priority(line)),
            "type": order.type,
            "customer": order.customer,
        }
        for column, said in result.described.items():
            if said != (true_value := scenario_says[column]):
                yield f"{line_name(key)} is listed with {column} {said!r}, the scenario's is {true_value!r}"


def _lot_row(row: AllocationRow, lot: Lot, due: str) -> Iterator[str]:
    """How a row from `lot` (due on `due`, as written) differs from what the lot says."""
    if row.due is not None and row.due != due:
        yield f"a row of {line_name(row.key)} from lot {lot.lot} says due {row.due!r}, not {due!r}"
    if row.source_id is not None and row.source_id != lot.source_id:
        yield (
            f"a row of {line_name(row.key)} from lot {lot.lot} says source_id {row.source_id!r},"
            f" not {lot.source_id!r}"
        )
    for column, said, true in (
        ("item", row.item, lot.item),
        ("warehouse", row.warehouse, lot.warehouse),
        ("owner", row.owner, lot.owner),
    ):
        if said != true:
            yield f"a row of {line_name(row.key)} from lot {lot.lot} says {column} {said!r}, not {true!r}"
