"""InvenTree data export (a Django fixture, as in InvenTree's demo dataset) -> scenario tables.

Supply is every stock item InvenTree counts as in stock; demand is what open
build orders still need for their BOM lines and what open sales orders still
have to ship. Every mapping decision is in docs/imports.md; everything the
import drops or assumes is counted in the report.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd

from planner.io.importers.result import ImportResult, Tally, short_items, unit_factors, whole

STOCK_AVAILABLE = (10, 50, 55)
"""OK, attention needed, damaged: the statuses InvenTree allocates from."""
STOCK_STATUS = {60: "destroyed", 65: "rejected", 70: "lost", 75: "quarantined", 85: "returned"}
BUILD_OPEN = (10, 20, 25)
"""Pending, production, on hold."""
SALES_OPEN = (10, 15, 25)
"""Pending, in progress, on hold."""
ON_HOLD = 25
PURCHASE_OPEN = (10, 20)
NO_LOCATION = "(no location)"
DEFAULT_PRIORITY = 5
"""InvenTree's build priority 0 (its default) is our 5 (ours); each step up is one more urgent."""
VARIANT_RANK, SUBSTITUTE_RANK = 1, 2
"""InvenTree's auto-allocation takes the BOM line's part, then variants, then substitutes."""

Fields = dict[str, Any]


@dataclass(slots=True)
class _Fixture:
    """The fixture's records by model, each {pk: fields}."""

    models: dict[str, dict[Any, Fields]] = field(default_factory=lambda: defaultdict(dict))

    def __getitem__(self, model: str) -> dict[Any, Fields]:
        return self.models.get(model, {})


@dataclass(slots=True)
class _Allocated:
    """Quantities InvenTree already allocated (open builds, open sales orders not yet shipped)."""

    stock: dict[Any, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    build_line: dict[Any, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    sales_line: dict[Any, Decimal] = field(default_factory=lambda: defaultdict(Decimal))


@dataclass(slots=True)
class _Line:
    order: str
    line: str
    item: str
    quantity: Decimal
    ship_date: date
    build: bool
    allowed: dict[str, int] = field(default_factory=dict)
    """Items InvenTree lets serve this line besides its own, with their rank."""


def import_inventree(path: Path, today: date) -> ImportResult:
    """The scenario an InvenTree export describes, planned on `today`; raises ValueError if unreadable."""
    fx = _read_fixture(Path(path))
    tally = Tally.of(_COUNTED)
    for model, key in _READ:
        tally.set(f"read.{key}", len(fx[model]))
    names = _item_names(fx["part.part"], tally)
    tops, top_level = _top_locations(fx["stock.stocklocation"])
    allocated = _allocations(fx, tally)
    lots = _lots(fx, names, tops, allocated, tally)
    orders: list[Fields] = []
    lines: list[_Line] = []
    _build_demand(fx, names, tops, top_level, allocated, today, orders, lines, tally)
    _sales_demand(fx, names, allocated, today, orders, lines, tally)
    alternates = _alternates(lines, tally)
    _facts(fx, names, lines, tally)

    quantities: dict[str, list[Decimal]] = defaultdict(list)
    for row in lots:
        quantities[row["item"]] += [row["quantity"], row["allocated"]]
    for x in lines:
        quantities[x.item].append(x.quantity)
    factors = unit_factors(quantities, [(a["item"], a["alternate"]) for a in alternates])
    for row in lots:
        factor = factors.get(row["item"], 1)
        exact = row["quantity"] * factor, row["allocated"] * factor
        row["quantity"] = whole(row["quantity"], factor, up=False)
        row["allocated"] = whole(row["allocated"], factor, up=True)
        if (row["quantity"], row["allocated"]) != exact:
            tally.add("assumed.lots.rounded_beyond_smallest_unit")
        if row["allocated"] > row["quantity"]:
            tally.add("assumed.lots.allocation_cut_to_quantity")
            row["allocated"] = row["quantity"]
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
    items = [_item_row(fx["part.part"][part_of[i]], i, factors.get(i, 1), tally) for i in used]
    tally.set("dropped.parts.neither_stocked_nor_demanded", len(fx["part.part"]) - len(items))

    tables = {
        "items.csv": pd.DataFrame(items),
        "lots.csv": pd.DataFrame(lots),
        "orders.csv": pd.DataFrame(orders),
        "lines.csv": pd.DataFrame(line_rows),
        "alternates.csv": pd.DataFrame(alternates, columns=["item", "alternate", "rank"]),
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
)


def _read_fixture(path: Path) -> _Fixture:
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read {path} as an InvenTree JSON export: {exc}") from exc
    if not isinstance(records, list):
        raise ValueError(f"{path} is not an InvenTree export (a JSON list of model records)")
    fx = _Fixture()
    for record in records:
        if isinstance(record, dict) and isinstance(record.get("fields"), dict) and "model" in record:
            fx.models[str(record["model"])][record.get("pk")] = record["fields"]
    if not fx["part.part"]:
        raise ValueError(f"{path} holds no part.part records: not an InvenTree export")
    return fx


def _dec(value: object) -> Decimal:
    try:
        return Decimal(str(value)) if value is not None else Decimal(0)
    except InvalidOperation as exc:
        raise ValueError(f"'{value}' is not a quantity") from exc


def _day(value: object) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def _item_names(parts: dict[Any, Fields], tally: Tally) -> dict[Any, str]:
    """Item ids as InvenTree displays parts: `IPN | name | revision`; a repeated one gets ` #pk`."""
    full = {}
    for pk, p in parts.items():
        pieces = [
            str(p.get("IPN") or "").strip(),
            str(p.get("name") or "").strip(),
            str(p.get("revision") or ""),
        ]
        full[pk] = " | ".join(s.strip() for s in pieces if s.strip()) or f"part {pk}"
    seen: dict[str, int] = defaultdict(int)
    for name in full.values():
        seen[name] += 1
    for pk, name in full.items():
        if seen[name] > 1:
            full[pk] = f"{name} #{pk}"
            tally.add("assumed.items.id_made_unique")
    return full


def _top_locations(locations: dict[Any, Fields]) -> tuple[dict[Any, str], set[Any]]:
    """Per location, the name of its top-level ancestor (the warehouse); and the top-level locations."""
    tops: dict[Any, str] = {}
    for pk in locations:
        seen, current = set(), pk
        while locations[current].get("parent") in locations and current not in seen:
            seen.add(current)
            current = locations[current]["parent"]
        tops[pk] = str(locations[current].get("name") or f"location {current}").strip()
    return tops, {pk for pk, f in locations.items() if f.get("parent") not in locations}


def _allocations(fx: _Fixture, tally: Tally) -> _Allocated:
    """What InvenTree counts as allocated: build items of open builds, and sales-order
    allocations of open orders whose shipment has not shipped."""
    done = _Allocated()
    builds, build_lines = fx["build.build"], fx["build.buildline"]
    for item in fx["build.builditem"].values():
        line = build_lines.get(item.get("build_line")) or {}
        if (builds.get(line.get("build")) or {}).get("status") not in BUILD_OPEN:
            tally.add("dropped.allocations.closed_build")
            continue
        done.stock[item.get("stock_item")] += _dec(item.get("quantity"))
        done.build_line[item.get("build_line")] += _dec(item.get("quantity"))
    orders, sales_lines = fx["order.salesorder"], fx["order.salesorderlineitem"]
    shipments = fx["order.salesordershipment"]
    for alloc in fx["order.salesorderallocation"].values():
        line = sales_lines.get(alloc.get("line")) or {}
        order = orders.get(line.get("order")) or {}
        shipped = (shipments.get(alloc.get("shipment")) or {}).get("shipment_date")
        if order.get("status") not in SALES_OPEN or shipped:
            tally.add("dropped.allocations.shipped_or_order_closed")
            continue
        done.stock[alloc.get("item")] += _dec(alloc.get("quantity"))
        done.sales_line[alloc.get("line")] += _dec(alloc.get("quantity"))
    return done


def _lots(
    fx: _Fixture,
    names: dict[Any, str],
    tops: dict[Any, str],
    allocated: _Allocated,
    tally: Tally,
) -> list[Fields]:
    """One lot per stock item InvenTree counts as in stock (quantities still in the part's unit)."""
    received: dict[Any, date] = {}
    for entry in fx["stock.stockitemtracking"].values():
        day = _day(entry.get("date"))
        if day is not None and entry.get("item") is not None:
            received[entry["item"]] = min(day, received.get(entry["item"], day))
    owners = _owner_names(fx)
    kept: list[tuple[Any, Fields, str]] = []
    for pk, s in sorted(fx["stock.stockitem"].items(), key=lambda kv: kv[0]):
        reason = _not_in_stock(s)
        if reason:
            tally.add(f"dropped.stock_items.{reason}")
            continue
        label = str(s.get("batch") or "").strip()
        if s.get("serial"):
            label = f"{label} SN{s['serial']}".strip()
        kept.append((pk, s, label))
    counts: dict[str, int] = defaultdict(int)
    for _, _, label in kept:
        counts[label] += 1
    lots = []
    for pk, s, label in kept:
        lot = label if label and counts[label] == 1 else f"{label or 'stock'}#{pk}"
        if lot != label:
            tally.add("assumed.lots.id_with_stock_item_pk")
        location = s.get("location")
        if location is None:
            tally.add("assumed.lots.no_location")
        elif fx["stock.stocklocation"].get(location, {}).get("external"):
            tally.add("info.lots_in_external_locations")
        lots.append(
            {
                "lot": lot,
                "item": names[s["part"]],
                "warehouse": tops.get(location, NO_LOCATION) if location is not None else NO_LOCATION,
                "owner": owners.get(s.get("owner"), ""),
                "quantity": _dec(s.get("quantity")),
                "allocated": allocated.stock.get(pk, Decimal(0)),
                "status": "available",
                "received": received.get(pk),
                "expires": _day(s.get("expiry_date")),
            }
        )
    if len({r["lot"] for r in lots}) != len(lots):
        raise ValueError("lot ids are not unique after adding stock item ids; report this export")
    return lots


def _not_in_stock(s: Fields) -> str:
    """Why InvenTree would not count a stock item as in stock ("" if it does), first reason only."""
    if _dec(s.get("quantity")) <= 0:
        return "quantity_zero"
    status = s.get("status")
    if status not in STOCK_AVAILABLE:
        return f"status_{STOCK_STATUS.get(status, status) if isinstance(status, int) else status}"
    for column, reason in (
        ("sales_order", "assigned_to_sales_order"),
        ("belongs_to", "installed_in_another_item"),
        ("customer", "at_customer"),
        ("consumed_by", "consumed_by_build"),
        ("is_building", "build_output_in_progress"),
    ):
        if s.get(column):
            return reason
    return ""


def _owner_names(fx: _Fixture) -> dict[Any, str]:
    groups = fx["auth.group"]
    names = {}
    for pk, o in fx["users.owner"].items():
        kind = o.get("owner_type") or ["", ""]
        if kind[-1] == "group" and o.get("owner_id") in groups:
            names[pk] = str(groups[o["owner_id"]].get("name"))
        else:
            names[pk] = f"{kind[-1] or 'owner'} {o.get('owner_id')}"
    return names


def _build_demand(
    fx: _Fixture,
    names: dict[Any, str],
    tops: dict[Any, str],
    top_level: set[Any],
    allocated: _Allocated,
    today: date,
    orders: list[Fields],
    lines: list[_Line],
    tally: Tally,
) -> None:
    """Production orders: per open build, each BOM line's required quantity less what is allocated."""
    builds, boms, parts = fx["build.build"], fx["part.bomitem"], fx["part.part"]
    sales, companies = fx["order.salesorder"], fx["company.company"]
    substitutes: dict[Any, list[Any]] = defaultdict(list)
    for s in fx["part.bomitemsubstitute"].values():
        substitutes[s.get("bom_item")].append(s.get("part"))
    variants = _variants(parts)
    by_build: dict[Any, list[tuple[Any, Fields]]] = defaultdict(list)
    for pk, bl in sorted(fx["build.buildline"].items(), key=lambda kv: kv[0]):
        by_build[bl.get("build")].append((pk, bl))
    for pk, b in sorted(builds.items(), key=lambda kv: str(kv[1].get("reference"))):
        if b.get("status") not in BUILD_OPEN:
            tally.add("dropped.build_orders.closed")
            tally.add("dropped.build_lines.closed_build", len(by_build[pk]))
            continue
        ship, how = _build_date(builds, sales, pk, today)
        before = len(lines)
        for line_pk, bl in by_build[pk]:
            bom = boms.get(bl.get("bom_item"))
            if bom is None:
                tally.add("dropped.build_lines.bom_line_missing")
                continue
            if bom.get("consumable"):
                tally.add("dropped.build_lines.consumable")
                continue
            if bom.get("optional"):
                tally.add("dropped.build_lines.optional")
                continue
            open_quantity = _dec(bl.get("quantity")) - allocated.build_line.get(line_pk, Decimal(0))
            if open_quantity <= 0:
                tally.add("dropped.build_lines.fully_allocated")
                continue
            if how != "target_date":
                tally.add(f"assumed.build_lines.ship_date_{how}")
            allowed = _valid_parts(parts, bom, substitutes[bl.get("bom_item")], variants, tally)
            reference = str(b.get("reference"))
            alternates = {names[p]: rank for p, rank in allowed.items()}
            lines.append(
                _Line(reference, str(line_pk), names[bom["sub_part"]], open_quantity, ship, True, alternates)
            )
        if len(lines) == before:
            tally.add("dropped.build_orders.nothing_left_to_allocate")
            continue
        priority = DEFAULT_PRIORITY - int(b.get("priority") or 0)
        if priority < 0:
            tally.add("assumed.build_orders.priority_capped_at_0")
        take_from = b.get("take_from")
        if take_from is not None and take_from not in top_level:
            tally.add("assumed.build_orders.source_location_widened_to_top_level")
        if b.get("status") == ON_HOLD:
            tally.add("assumed.build_orders.on_hold_not_released")
        linked = sales.get(b.get("sales_order")) or {}
        orders.append(
            {
                "order": str(b.get("reference")),
                "type": "production",
                "priority": max(0, priority),
                "released": b.get("status") != ON_HOLD,
                "warehouses": (tops[take_from],) if take_from in tops else (),
                "customer": str((companies.get(linked.get("customer")) or {}).get("name") or ""),
            }
        )


def _build_date(
    builds: dict[Any, Fields], sales: dict[Any, Fields], pk: Any, today: date
) -> tuple[date, str]:
    """A build's ship date and where it came from: its target date, else its sales order's,
    else its parent build's (same rules), else today."""
    seen: set[Any] = set()
    current, how = pk, "target_date"
    while current in builds and current not in seen:
        seen.add(current)
        build = builds[current]
        own = _day(build.get("target_date"))
        if own is not None:
            return own, how
        linked = _day((sales.get(build.get("sales_order")) or {}).get("target_date"))
        if linked is not None:
            return linked, "from_sales_order"
        current, how = build.get("parent"), "from_parent_build"
    return today, "today"


def _variants(parts: dict[Any, Fields]) -> dict[Any, list[Any]]:
    """Per part, all its variants (variants of variants too), in pk order."""
    children: dict[Any, list[Any]] = defaultdict(list)
    for pk, p in sorted(parts.items(), key=lambda kv: kv[0]):
        if p.get("variant_of") in parts:
            children[p["variant_of"]].append(pk)
    found: dict[Any, list[Any]] = {}
    for pk in parts:
        out, stack, seen = [], list(children[pk]), {pk}
        while stack:
            child = stack.pop(0)
            if child not in seen:
                seen.add(child)
                out.append(child)
                stack.extend(children[child])
        found[pk] = out
    return found


def _valid_parts(
    parts: dict[Any, Fields],
    bom: Fields,
    substitutes: list[Any],
    variants: dict[Any, list[Any]],
    tally: Tally,
) -> dict[Any, int]:
    """Parts besides its own that may serve a BOM line, as InvenTree's BomItem decides:
    variants if the line allows them, its substitutes; active, and trackable like its part."""
    sub_part = bom["sub_part"]
    found: dict[Any, int] = {}
    candidates = [(p, VARIANT_RANK) for p in variants.get(sub_part, [])] if bom.get("allow_variants") else []
    candidates += [(p, SUBSTITUTE_RANK) for p in substitutes]
    for p, rank in candidates:
        part = parts.get(p)
        if p == sub_part or p in found or part is None:
            continue
        if not part.get("active", True) or bool(part.get("trackable")) != bool(
            parts[sub_part].get("trackable")
        ):
            tally.add("dropped.alternates.inactive_or_trackable_differs")
            continue
        found[p] = rank
    return found


def _sales_demand(
    fx: _Fixture,
    names: dict[Any, str],
    allocated: _Allocated,
    today: date,
    orders: list[Fields],
    lines: list[_Line],
    tally: Tally,
) -> None:
    """Sales orders: each open order's lines, quantity less shipped and less already allocated."""
    parts, variants = fx["part.part"], _variants(fx["part.part"])
    companies = fx["company.company"]
    by_order: dict[Any, list[tuple[Any, Fields]]] = defaultdict(list)
    for pk, line in sorted(fx["order.salesorderlineitem"].items(), key=lambda kv: kv[0]):
        by_order[line.get("order")].append((pk, line))
    for pk, o in sorted(fx["order.salesorder"].items(), key=lambda kv: str(kv[1].get("reference"))):
        if o.get("status") not in SALES_OPEN:
            tally.add("dropped.sales_orders.closed")
            tally.add("dropped.sales_lines.closed_order", len(by_order[pk]))
            continue
        before = len(lines)
        for line_pk, line in by_order[pk]:
            left = _dec(line.get("quantity")) - _dec(line.get("shipped"))
            open_quantity = left - allocated.sales_line.get(line_pk, Decimal(0))
            if open_quantity <= 0:
                tally.add("dropped.sales_lines.shipped_or_allocated")
                continue
            ship = _day(line.get("target_date"))
            if ship is None and _day(o.get("target_date")) is not None:
                tally.add("info.sales_lines.ship_date_from_order")
                ship = _day(o.get("target_date"))
            if ship is None:
                tally.add("assumed.sales_lines.ship_date_today")
                ship = today
            part = line["part"]
            allowed = {names[v]: VARIANT_RANK for v in variants.get(part, []) if parts[v].get("active", True)}
            lines.append(
                _Line(str(o.get("reference")), str(line_pk), names[part], open_quantity, ship, False, allowed)
            )
        if len(lines) == before:
            tally.add("dropped.sales_orders.nothing_left_to_ship")
            continue
        if o.get("status") == ON_HOLD:
            tally.add("assumed.sales_orders.on_hold_not_released")
        orders.append(
            {
                "order": str(o.get("reference")),
                "type": "sales",
                "priority": DEFAULT_PRIORITY,
                "released": o.get("status") != ON_HOLD,
                "warehouses": (),
                "customer": str((companies.get(o.get("customer")) or {}).get("name") or ""),
            }
        )


def _alternates(lines: list[_Line], tally: Tally) -> list[Fields]:
    """One alternates row per (item, alternate) any line allows, best rank; counts the lines
    that thereby may take an alternate InvenTree would not give them (alternates are per item)."""
    best: dict[tuple[str, str], int] = {}
    for x in lines:
        for alternate, rank in x.allowed.items():
            best[(x.item, alternate)] = min(rank, best.get((x.item, alternate), rank))
    of_item: dict[str, set[str]] = defaultdict(set)
    for item, alternate in best:
        of_item[item].add(alternate)
    for x in lines:
        if of_item[x.item] - set(x.allowed):
            tally.add("assumed.lines.alternates_widened_to_item")
    return [{"item": i, "alternate": a, "rank": r} for (i, a), r in sorted(best.items())]


def _facts(fx: _Fixture, names: dict[Any, str], lines: list[_Line], tally: Tally) -> None:
    """What the contract cannot express, counted: future supply from builds and purchase orders."""
    built = {names[b["part"]] for b in fx["build.build"].values() if b.get("status") in BUILD_OPEN}
    tally.set("info.lines_for_items_an_open_build_makes", sum(1 for x in lines if x.item in built))
    purchase = fx["order.purchaseorder"]
    tally.set(
        "info.purchase_order_lines_not_received",
        sum(
            1
            for line in fx["order.purchaseorderlineitem"].values()
            if (purchase.get(line.get("order")) or {}).get("status") in PURCHASE_OPEN
            and _dec(line.get("quantity")) > _dec(line.get("received"))
        ),
    )
    tally.set(
        "info.parts_minimum_stock_not_safety_stock",
        sum(1 for p in fx["part.part"].values() if _dec(p.get("minimum_stock")) > 0),
    )


def _item_row(part: Fields, item: str, factor: int, tally: Tally) -> Fields:
    description = str(part.get("description") or "").strip()
    if factor > 1:
        unit = str(part.get("units") or "").strip() or "unit"
        description = f"{description} [quantities in 1/{factor} {unit}]".strip()
        tally.add("assumed.items.unit_made_smaller")
        tally.notes.append(f"{item}: quantities in 1/{factor} {unit} (InvenTree holds decimals)")
    if part.get("virtual"):
        tally.add("assumed.items.virtual_part_nonstock")
    return {"item": item, "description": description, "stocking": not part.get("virtual")}
