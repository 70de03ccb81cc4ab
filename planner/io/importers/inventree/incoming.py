"""InvenTree's supply still to come (SPEC 8): open purchase-order lines and the outputs of open builds,
as lots with a due date; a build made for a sales order pegs its output to that order's line."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from planner.io.importers.inventree.demand import Line, build_date
from planner.io.importers.inventree.fixture import BUILD_OPEN, PURCHASE_OPEN, Fields, Fixture, date_of, dec
from planner.io.importers.inventree.supply import NO_LOCATION
from planner.io.importers.records import named
from planner.io.importers.result import Tally


def purchase_lots(
    fx: Fixture, names: dict[Any, str], tops: dict[Any, str], today: date, tally: Tally
) -> list[Fields]:
    """One lot per open purchase-order line with quantity left to receive: (quantity - received) x
    the supplier part's pack quantity, due on the line's target date, else its order's (else today),
    at the top-level location of the line's destination, else its order's."""
    orders, supplier_parts = fx["order.purchaseorder"], fx["company.supplierpart"]
    lots = []
    for pk, line in sorted(fx["order.purchaseorderlineitem"].items(), key=lambda kv: kv[0]):
        order = orders.get(line.get("order")) or {}
        if order.get("status") not in PURCHASE_OPEN:
            continue
        left = dec(line.get("quantity")) - dec(line.get("received"))
        if left <= 0:
            continue
        supplier_part = supplier_parts.get(line.get("part")) or {}
        if supplier_part.get("part") not in names:
            tally.add("dropped.purchase_lines.no_part")
            continue
        if supplier_part.get("pack_quantity_native") is None:
            tally.add("assumed.lots_to_come.pack_quantity_unknown_1")
        pack = dec(supplier_part.get("pack_quantity_native") or 1)
        due = date_of(line.get("target_date")) or date_of(order.get("target_date"))
        if due is None:
            tally.add("assumed.lots_to_come.purchase_due_today")
            due = today
        destination = line.get("destination") or order.get("destination")
        if destination not in tops:
            tally.add("assumed.lots_to_come.no_destination")
        lots.append(
            _lot(
                f"{order.get('reference')}/{pk}",
                names[supplier_part["part"]],
                tops.get(destination, NO_LOCATION),
                left * pack,
                due,
                named("order.purchaseorderlineitem", pk),
            )
        )
    tally.set("written.lots_to_come.purchase_lines", len(lots))
    return lots


def build_lots(
    fx: Fixture,
    names: dict[Any, str],
    tops: dict[Any, str],
    lines: list[Line],
    today: date,
    tally: Tally,
) -> tuple[list[Fields], list[Fields]]:
    """One lot per open build with outputs still to make (quantity - completed of its assembly), due
    on its ship date (docs/imports.md), at the top-level location of its destination (else of its
    source); and the reservations that peg it to the open line of its sales order for that part."""
    builds, sales = fx["build.build"], fx["order.salesorder"]
    open_lines: dict[tuple[str, Any], list[Line]] = defaultdict(list)
    for x in lines:
        if not x.build:
            open_lines[(x.order, x.item)].append(x)
    lots: list[Fields] = []
    pegs: list[Fields] = []
    for pk, b in sorted(builds.items(), key=lambda kv: str(kv[1].get("reference"))):
        if b.get("status") not in BUILD_OPEN:
            continue
        left = dec(b.get("quantity")) - dec(b.get("completed"))
        if left <= 0:
            continue
        due, how = build_date(builds, sales, pk, today)
        if how == "today":
            tally.add("assumed.lots_to_come.build_due_today")
        where = b.get("destination") if b.get("destination") in tops else b.get("take_from")
        if where not in tops:
            tally.add("assumed.lots_to_come.no_destination")
        lot = _lot(
            f"{b.get('reference')} output",
            names[b["part"]],
            tops.get(where, NO_LOCATION),
            left,
            due,
            named("build.build", pk),
        )
        lots.append(lot)
        linked = sales.get(b.get("sales_order"))
        if linked is None:
            continue
        free = left
        for x in open_lines.get((str(linked.get("reference")), lot["item"]), []):
            quantity = min(free, x.quantity)
            if quantity > 0:
                pegs.append({"order": x.order, "line": x.line, "lot": lot["lot"], "quantity": quantity})
                free -= quantity
    tally.set("written.lots_to_come.build_outputs", len(lots))
    tally.set("written.reservations.build_for_sales_order", len(pegs))
    return lots, pegs


def _lot(lot: str, item: str, warehouse: str, quantity: Decimal, due: date, record: str) -> Fields:
    return {
        "lot": lot,
        "item": item,
        "warehouse": warehouse,
        "owner": "",
        "quantity": quantity,
        "allocated": Decimal(0),
        "status": "available",
        "received": None,
        "expires": None,
        "due": due,
        "source_id": "",
        "record": record,
    }
