"""InvenTree's supply: one lot per stock item it counts as in stock, with what it already allocated."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from planner.io.importers.inventree.fixture import (
    BUILD_OPEN,
    SALES_OPEN,
    STOCK_AVAILABLE,
    STOCK_STATUS,
    Fields,
    Fixture,
    date_of,
    dec,
)
from planner.io.importers.records import named
from planner.io.importers.result import Tally

NO_LOCATION = "(no location)"


@dataclass(slots=True)
class Allocated:
    """Quantities InvenTree already allocated (open builds, open sales orders not yet shipped)."""

    stock: dict[Any, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    build_line: dict[Any, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    sales_line: dict[Any, Decimal] = field(default_factory=lambda: defaultdict(Decimal))


def top_locations(locations: dict[Any, Fields]) -> tuple[dict[Any, str], set[Any]]:
    """Per location, the name of its top-level ancestor (the warehouse); and the top-level locations."""
    tops: dict[Any, str] = {}
    for pk in locations:
        seen, current = set(), pk
        while locations[current].get("parent") in locations and current not in seen:
            seen.add(current)
            current = locations[current]["parent"]
        tops[pk] = str(locations[current].get("name") or f"location {current}").strip()
    return tops, {pk for pk, f in locations.items() if f.get("parent") not in locations}


def allocations(fx: Fixture, tally: Tally) -> Allocated:
    """What InvenTree counts as allocated: build items of open builds, and sales-order
    allocations of open orders whose shipment has not shipped."""
    done = Allocated()
    builds, build_lines = fx["build.build"], fx["build.buildline"]
    for item in fx["build.builditem"].values():
        line = build_lines.get(item.get("build_line")) or {}
        if (builds.get(line.get("build")) or {}).get("status") not in BUILD_OPEN:
            tally.add("dropped.allocations.closed_build")
            continue
        done.stock[item.get("stock_item")] += dec(item.get("quantity"))
        done.build_line[item.get("build_line")] += dec(item.get("quantity"))
    orders, sales_lines = fx["order.salesorder"], fx["order.salesorderlineitem"]
    shipments = fx["order.salesordershipment"]
    for alloc in fx["order.salesorderallocation"].values():
        line = sales_lines.get(alloc.get("line")) or {}
        order = orders.get(line.get("order")) or {}
        shipped = (shipments.get(alloc.get("shipment")) or {}).get("shipment_date")
        if order.get("status") not in SALES_OPEN or shipped:
            tally.add("dropped.allocations.shipped_or_order_closed")
            continue
        done.stock[alloc.get("item")] += dec(alloc.get("quantity"))
        done.sales_line[alloc.get("line")] += dec(alloc.get("quantity"))
    return done


def lots(
    fx: Fixture,
    names: dict[Any, str],
    tops: dict[Any, str],
    allocated: Allocated,
    tally: Tally,
) -> list[Fields]:
    """One lot per stock item InvenTree counts as in stock (quantities still in the part's unit), with
    the `record` it comes from."""
    received: dict[Any, date] = {}
    for entry in fx["stock.stockitemtracking"].values():
        day = date_of(entry.get("date"))
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
                "quantity": dec(s.get("quantity")),
                "allocated": allocated.stock.get(pk, Decimal(0)),
                "status": "available",
                "received": received.get(pk),
                "expires": date_of(s.get("expiry_date")),
                "source_id": str(pk),
                "record": named("stock.stockitem", pk),
            }
        )
    return lots


def _not_in_stock(s: Fields) -> str:
    """Why InvenTree would not count a stock item as in stock ("" if it does), first reason only."""
    if dec(s.get("quantity")) <= 0:
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


def _owner_names(fx: Fixture) -> dict[Any, str]:
    groups = fx["auth.group"]
    names = {}
    for pk, o in fx["users.owner"].items():
        kind = o.get("owner_type") or ["", ""]
        if kind[-1] == "group" and o.get("owner_id") in groups:
            names[pk] = str(groups[o["owner_id"]].get("name"))
        else:
            names[pk] = f"{kind[-1] or 'owner'} {o.get('owner_id')}"
    return names
