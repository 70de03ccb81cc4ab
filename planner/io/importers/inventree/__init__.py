"""InvenTree data (a Django fixture export, as in InvenTree's demo dataset, or a live server) -> scenario
tables.

Supply is every stock item InvenTree counts as in stock, and supply still to
come (SPEC 8): open purchase-order lines and the outputs of open builds, a build
made for a sales order pegged to it by a reservation; demand is what open build
orders still need for their BOM lines and what open sales orders still have to
ship. Every mapping decision is in docs/imports.md; everything the
import drops or assumes is counted in the report.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from planner.io.importers.inventree import demand, incoming, server, supply
from planner.io.importers.inventree.fixture import (
    STOCK_STATUS,
    Fields,
    Fixture,
    dec,
    fixture_of,
    item_names,
    read_fixture,
)
from planner.io.importers.inventree.units import above_bound, in_smallest_units, item_row
from planner.io.importers.records import fail
from planner.io.importers.result import ImportResult, Tally, repeated, short_items, whole


def import_inventree(path: Path, today: date) -> ImportResult:
    """The scenario an InvenTree export describes, planned on `today`.

    Raises ImportFailed naming every record it cannot map (model, pk, field and problem).
    """
    path = Path(path)
    return scenario_of(read_fixture(path), today, path)


def import_inventree_server(url: str | None, token: str | None, today: date) -> ImportResult:
    """The scenario a live InvenTree server describes, read through the official client (`url` and
    `token`, or the client's environment variables), planned on `today`: the same mapping as an
    export's, on the server's records in export form (`server.read_server`).

    Raises ServerFailed when the server cannot be read, ImportFailed naming every record it cannot map.
    """
    api = server.connect(url, token)
    source = str(api.base_url)
    return scenario_of(fixture_of(server.read_server(api), source), today, source)


def scenario_of(fx: Fixture, today: date, source: Path | str) -> ImportResult:
    """The scenario InvenTree's records describe (an export's, or a server's turned into the same
    form), planned on `today`; messages name `source`."""
    tally = Tally.of(_COUNTED)
    for model, key in _READ:
        tally.set(f"read.{key}", len(fx[model]))
    names = item_names(fx["part.part"], tally)
    tops, top_level = supply.top_locations(fx["stock.stocklocation"])
    allocated = supply.allocations(fx, tally)
    lots = supply.lots(fx, names, tops, allocated, tally)
    orders: list[Fields] = []
    lines: list[demand.Line] = []
    demand.build_demand(fx, names, tops, top_level, allocated, today, orders, lines, tally)
    demand.sales_demand(fx, names, allocated, today, orders, lines, tally)
    alternates = demand.alternates(lines, tally)
    lots += incoming.purchase_lots(fx, names, tops, today, tally)
    outputs, pegs = incoming.build_lots(fx, names, tops, lines, today, tally)
    lots += outputs
    fail(source, repeated(lots, "lot") + repeated(orders, "order"))
    _facts(fx, names, lines, tally)

    factors = in_smallest_units(lots, lines, alternates, tally)
    fail(source, above_bound(lots, lines, factors))
    for row in [*lots, *orders]:
        del row["record"]
    item_of_lot = {row["lot"]: row["item"] for row in lots}
    reservations = [
        r | {"quantity": whole(r["quantity"], factors.get(item_of_lot[r["lot"]], 1), up=False)} for r in pegs
    ]
    line_rows = [
        {
            "order": x.order,
            "line": x.line,
            "item": x.item,
            "quantity": whole(x.quantity, factors.get(x.item, 1), up=True),
            "ship_date": x.ship_date,
        }
        for x in lines
    ]
    part_of = {name: pk for pk, name in names.items()}
    used = sorted({r["item"] for r in lots} | {x.item for x in lines} | {a["alternate"] for a in alternates})
    items = [item_row(fx["part.part"][part_of[i]], i, factors.get(i, 1), tally) for i in used]
    tally.set("dropped.parts.neither_stocked_nor_demanded", len(fx["part.part"]) - len(items))

    tables = {
        "items.csv": pd.DataFrame(items),
        "lots.csv": pd.DataFrame(lots),
        "orders.csv": pd.DataFrame(orders),
        "lines.csv": pd.DataFrame(line_rows),
        "alternates.csv": pd.DataFrame(alternates, columns=["item", "alternate", "rank"]),
        "reservations.csv": pd.DataFrame(reservations, columns=["order", "line", "lot", "quantity"]),
    }
    tally.count_written(tables)
    rounded = sum(
        1 for x, row in zip(lines, line_rows) if row["quantity"] != x.quantity * factors.get(x.item, 1)
    )
    tally.set("assumed.lines.rounded_up_beyond_smallest_unit", rounded)
    tally.set("written.lines.from_builds", sum(1 for x in lines if x.build))
    tally.set("written.lines.from_sales_orders", sum(1 for x in lines if not x.build))
    tally.set("info.items_demanded", len({x.item for x in lines}))
    tally.set("info.items_short", len(short_items(tables)))
    return ImportResult("InvenTree", today, tables, tally.report(), tuple(tally.notes))


_COUNTED = (
    "dropped.allocations.closed_build",
    "dropped.allocations.shipped_or_order_closed",
    "dropped.stock_items.quantity_zero",
    *(f"dropped.stock_items.status_{name}" for name in STOCK_STATUS.values()),
    "dropped.stock_items.assigned_to_sales_order",
    "dropped.stock_items.installed_in_another_item",
    "dropped.stock_items.at_customer",
    "dropped.stock_items.consumed_by_build",
    "dropped.stock_items.build_output_in_progress",
    "dropped.build_orders.closed",
    "dropped.build_orders.nothing_left_to_allocate",
    "dropped.build_lines.closed_build",
    "dropped.build_lines.bom_line_missing",
    "dropped.build_lines.consumable",
    "dropped.build_lines.optional",
    "dropped.build_lines.fully_allocated",
    "dropped.alternates.inactive_or_trackable_differs",
    "dropped.sales_orders.closed",
    "dropped.sales_orders.nothing_left_to_ship",
    "dropped.sales_lines.closed_order",
    "dropped.sales_lines.shipped_or_allocated",
    "dropped.purchase_lines.no_part",
    "assumed.lots_to_come.purchase_due_today",
    "assumed.lots_to_come.build_due_today",
    "assumed.lots_to_come.no_destination",
    "assumed.lots_to_come.pack_quantity_unknown_1",
    "assumed.items.id_made_unique",
    "assumed.items.unit_made_smaller",
    "assumed.items.virtual_part_nonstock",
    "assumed.lots.id_with_stock_item_pk",
    "assumed.lots.no_location",
    "assumed.lots.allocation_cut_to_quantity",
    "assumed.lots.rounded_beyond_smallest_unit",
    "assumed.build_orders.priority_capped_at_0",
    "assumed.build_orders.source_location_widened_to_top_level",
    "assumed.build_orders.on_hold_not_released",
    "assumed.build_lines.ship_date_from_sales_order",
    "assumed.build_lines.ship_date_from_parent_build",
    "assumed.build_lines.ship_date_today",
    "assumed.sales_orders.on_hold_not_released",
    "assumed.sales_lines.ship_date_today",
    "assumed.lines.alternates_widened_to_item",
    "info.lots_in_external_locations",
    "info.items_with_a_unit",
    "info.sales_lines.ship_date_from_order",
)
"""Every drop and assumption the import checks for, reported even when 0."""

_READ = (
    ("part.part", "parts"),
    ("stock.stockitem", "stock_items"),
    ("stock.stocklocation", "stock_locations"),
    ("build.build", "build_orders"),
    ("build.buildline", "build_lines"),
    ("build.builditem", "build_allocations"),
    ("part.bomitem", "bom_lines"),
    ("part.bomitemsubstitute", "bom_substitutes"),
    ("order.salesorder", "sales_orders"),
    ("order.salesorderlineitem", "sales_lines"),
    ("order.salesorderallocation", "sales_allocations"),
    ("order.purchaseorder", "purchase_orders"),
    ("order.purchaseorderlineitem", "purchase_lines"),
)


def _facts(fx: Fixture, names: dict[Any, str], lines: list[demand.Line], tally: Tally) -> None:
    """What the contract cannot express, counted."""
    tally.set(
        "info.parts_minimum_stock_not_safety_stock",
        sum(1 for p in fx["part.part"].values() if dec(p.get("minimum_stock")) > 0),
    )
