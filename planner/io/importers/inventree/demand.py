"""InvenTree's demand: open build orders' BOM lines and open sales orders' lines, with the variants
and substitutes that may serve them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from planner.io.importers.inventree.fixture import (
    BUILD_OPEN,
    ON_HOLD,
    SALES_OPEN,
    Fields,
    Fixture,
    date_of,
    dec,
)
from planner.io.importers.inventree.supply import Allocated
from planner.io.importers.result import Tally

DEFAULT_PRIORITY = 5
"""InvenTree's build priority 0 (its default) is our 5 (ours); each step up is one more urgent."""
VARIANT_RANK, SUBSTITUTE_RANK = 1, 2
"""InvenTree's auto-allocation takes the BOM line's part, then variants, then substitutes."""


@dataclass(slots=True)
class Line:
    order: str
    line: str
    item: str
    quantity: Decimal
    ship_date: date
    build: bool
    allowed: dict[str, int] = field(default_factory=dict)
    """Items InvenTree lets serve this line besides its own, with their rank."""


def build_demand(
    fx: Fixture,
    names: dict[Any, str],
    tops: dict[Any, str],
    top_level: set[Any],
    allocated: Allocated,
    today: date,
    orders: list[Fields],
    lines: list[Line],
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
        ship, how = build_date(builds, sales, pk, today)
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
            open_quantity = dec(bl.get("quantity")) - allocated.build_line.get(line_pk, Decimal(0))
            if open_quantity <= 0:
                tally.add("dropped.build_lines.fully_allocated")
                continue
            if how != "target_date":
                tally.add(f"assumed.build_lines.ship_date_{how}")
            allowed = _valid_parts(parts, bom, substitutes[bl.get("bom_item")], variants, tally)
            reference = str(b.get("reference"))
            alternates = {names[p]: rank for p, rank in allowed.items()}
            lines.append(
                Line(reference, str(line_pk), names[bom["sub_part"]], open_quantity, ship, True, alternates)
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


def build_date(builds: dict[Any, Fields], sales: dict[Any, Fields], pk: Any, today: date) -> tuple[date, str]:
    """A build's ship date and where it came from: its target date, else its sales order's,
    else its parent build's (same rules), else today."""
    seen: set[Any] = set()
    current, how = pk, "target_date"
    while current in builds and current not in seen:
        seen.add(current)
        build = builds[current]
        own = date_of(build.get("target_date"))
        if own is not None:
            return own, how
        linked = date_of((sales.get(build.get("sales_order")) or {}).get("target_date"))
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


def sales_demand(
    fx: Fixture,
    names: dict[Any, str],
    allocated: Allocated,
    today: date,
    orders: list[Fields],
    lines: list[Line],
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
            left = dec(line.get("quantity")) - dec(line.get("shipped"))
            open_quantity = left - allocated.sales_line.get(line_pk, Decimal(0))
            if open_quantity <= 0:
                tally.add("dropped.sales_lines.shipped_or_allocated")
                continue
            ship = date_of(line.get("target_date"))
            if ship is None and date_of(o.get("target_date")) is not None:
                tally.add("info.sales_lines.ship_date_from_order")
                ship = date_of(o.get("target_date"))
            if ship is None:
                tally.add("assumed.sales_lines.ship_date_today")
                ship = today
            part = line["part"]
            allowed = {names[v]: VARIANT_RANK for v in variants.get(part, []) if parts[v].get("active", True)}
            lines.append(
                Line(str(o.get("reference")), str(line_pk), names[part], open_quantity, ship, False, allowed)
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


def alternates(lines: list[Line], tally: Tally) -> list[Fields]:
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
