"""frePPLe model (a Django fixture, as frePPLe's demo models) -> scenario tables.

Supply is the on-hand of every buffer (one lot per item and location) and the
supply still to come (SPEC 8): proposed, approved and confirmed purchase,
distribution and manufacturing orders (`input.operationplan`), each a lot due
at its end date; demand is every open sales order (`input.demand`), shipped
from its own location or,
through the transfer lanes (`input.itemdistribution`), from the locations
upstream of it. Every mapping decision is in docs/imports.md; everything the
import drops or assumes is counted in the report.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd

from planner.io.importers.result import ImportFailed, ImportResult, Tally, short_items, whole

Fields = dict[str, Any]

OPEN = ("open",)
SUPPLY_OPEN = ("proposed", "approved", "confirmed")
"""Operation plans still to deliver; completed and closed ones are in the buffers' on hand."""
PLAN_KEY = ("priority", "ship_date")
"""frePPLe plans demands by priority, then due date: the objective key `--key priority,ship_date` gives."""
QUOTE = ("quote", "inquiry")
MAX_PRIORITY = 9
DEFAULT_PRIORITY = 10
"""frePPLe's default demand priority (lower is more important); ours is capped at 9."""


def import_frepple(
    path: Path, today: date | None = None, objective_key: tuple[str, ...] | None = None
) -> ImportResult:
    """The scenario a frePPLe model describes, planned on `today` (default: its `currentdate`), with
    `objective_key` as its tier key if given (PLAN_KEY is frePPLe's own convention).

    Raises ImportFailed when the file cannot be read or has no planning date.
    """
    models = _read_fixture(Path(path))
    tally = Tally.of(_COUNTED)
    for model in ("input.item", "input.location", "input.buffer", "input.demand", "input.itemdistribution"):
        tally.set(f"read.{model.removeprefix('input.')}", len(models[model]))
    today = today or _current_date(models)
    if today is None:
        raise ImportFailed(f"{path} has no 'currentdate' parameter: give the planning date (--today)")
    item_parent = _parents(models["input.item"])
    location_parent = _parents(models["input.location"])
    items_with_children = set(item_parent.values())
    locations_with_children = set(location_parent.values())

    lots: list[Fields] = []
    safety: list[Fields] = []
    for b in models["input.buffer"]:
        item, location = str(b.get("item_id") or ""), str(b.get("location_id") or "")
        onhand = _dec(b.get("onhand"))
        if str(b.get("type") or "default") == "infinite":
            tally.add("dropped.buffers.infinite_supply")
            continue
        if item in items_with_children or location in locations_with_children:
            tally.add("dropped.buffers.item_or_location_is_a_group")
            continue
        minimum = _dec(b.get("minimum"))
        if minimum > 0:
            safety.append({"item": item, "warehouse": location, "quantity": whole(minimum, 1, up=True)})
            tally.add("assumed.safety_stock.from_buffer_minimum")
        quantity = whole(onhand, 1, up=False)
        if quantity != onhand and onhand > 0:
            tally.add("assumed.lots.fractional_onhand_rounded_down")
        if quantity <= 0:
            tally.add("dropped.buffers.nothing_on_hand")
            continue
        lots.append(
            {
                "lot": f"{item} @ {location}",
                "item": item,
                "warehouse": location,
                "quantity": quantity,
                "allocated": 0,
            }
        )

    lots += _supply_to_come(models, lots, items_with_children, locations_with_children, today, tally)
    lanes = _lanes(models["input.itemdistribution"], tally)
    orders: list[Fields] = []
    lines: list[Fields] = []
    for d in sorted(models["input.demand"], key=lambda d: str(d.get("name"))):
        status = str(d.get("status") or "open").lower()
        if status not in OPEN + QUOTE:
            tally.add(f"dropped.demands.{status}")
            continue
        item, location = str(d.get("item_id") or ""), str(d.get("location_id") or "")
        if item in items_with_children or not item:
            tally.add("dropped.demands.item_is_a_group")
            continue
        quantity = whole(_dec(d.get("quantity")), 1, up=True)
        if quantity != _dec(d.get("quantity")):
            tally.add("assumed.lines.fractional_quantity_rounded_up")
        if quantity <= 0:
            tally.add("dropped.demands.no_quantity")
            continue
        given = d.get("priority")
        priority = int(given) if isinstance(given, int | float | str) and str(given) else DEFAULT_PRIORITY
        if priority > MAX_PRIORITY or priority < 0:
            tally.add("assumed.orders.priority_capped_to_0_9")
        if status in QUOTE:
            tally.add("info.demands_quote_or_inquiry")
        minimum = _dec(d.get("minshipment"))
        full_line = minimum >= quantity
        if full_line:
            tally.add("assumed.lines.min_shipment_is_full_line")
        elif minimum > 1:
            tally.add("info.min_shipment_below_quantity_ignored")
        sources = _sources(item, location, lanes, item_parent, location_parent)
        if len(sources) > 1:
            tally.add("info.lines_with_transfer_sources")
        orders.append(
            {
                "order": str(d.get("name")),
                "type": "quote" if status in QUOTE else "sales",
                "priority": min(MAX_PRIORITY, max(0, priority)),
                "warehouses": tuple(sources),
                "customer": str(d.get("customer_id") or ""),
            }
        )
        due = _day(d.get("due"))
        if due is None:
            tally.add("assumed.lines.no_due_date_ship_today")
        lines.append(
            {
                "order": str(d.get("name")),
                "line": "1",
                "item": item,
                "quantity": quantity,
                "ship_date": due or today,
                "full_line": full_line,
            }
        )

    used = sorted({r["item"] for r in lots} | {r["item"] for r in lines} | {r["item"] for r in safety})
    descriptions = {
        str(i.get("name")): str(i.get("description") or i.get("category") or "") for i in models["input.item"]
    }
    items = [{"item": i, "description": descriptions.get(i, "")} for i in used]
    groups = items_with_children | {str(i.get("name")) for i in models["input.item"] if not i.get("name")}
    leaves = {str(i.get("name")) for i in models["input.item"]} - groups
    tally.set("dropped.items.neither_stocked_nor_demanded", len(leaves - set(used)))
    made = {str(o.get("item_id")) for o in models["input.operation"] if o.get("item_id")}
    tally.set("info.lines_for_items_an_operation_makes", sum(1 for r in lines if r["item"] in made))
    tables = {
        "items.csv": pd.DataFrame(items),
        "lots.csv": pd.DataFrame(lots),
        "orders.csv": pd.DataFrame(orders),
        "lines.csv": pd.DataFrame(lines),
        "safety_stock.csv": pd.DataFrame(safety, columns=["item", "warehouse", "quantity"]),
    }
    tally.count_written(tables)
    warehouses = {r["warehouse"] for r in lots} | {w for o in orders for w in o["warehouses"]}
    tally.set("written.warehouses", len(warehouses))
    tally.set("info.items_demanded", len({r["item"] for r in lines}))
    tally.set("info.items_short", len(short_items(tables)))
    return ImportResult("frePPLe", today, tables, tally.report(), tuple(tally.notes), objective_key)


_COUNTED = (
    "dropped.buffers.infinite_supply",
    "dropped.buffers.item_or_location_is_a_group",
    "dropped.buffers.nothing_on_hand",
    "dropped.demands.closed",
    "dropped.demands.canceled",
    "dropped.demands.item_is_a_group",
    "dropped.demands.no_quantity",
    "info.min_shipment_below_quantity_ignored",
    "dropped.items.neither_stocked_nor_demanded",
    "dropped.lanes.incomplete",
    "assumed.safety_stock.from_buffer_minimum",
    "assumed.lots.fractional_onhand_rounded_down",
    "assumed.lines.fractional_quantity_rounded_up",
    "assumed.lines.min_shipment_is_full_line",
    "assumed.lines.no_due_date_ship_today",
    "assumed.orders.priority_capped_to_0_9",
    "info.demands_quote_or_inquiry",
    "info.lines_with_transfer_sources",
    "info.lanes_lead_time_ignored",
    "info.lanes_lot_size_ignored",
    "dropped.operationplans.completed_or_closed",
    "dropped.operationplans.item_or_location_unknown",
    "dropped.operationplans.no_quantity",
    "assumed.lots_to_come.due_from_start_date",
    "assumed.lots_to_come.due_today",
    "assumed.lots.distribution_order_takes_from_origin",
    "info.manufacturing_orders_material_not_demand",
)
"""Every drop and assumption the import checks for, reported even when 0."""


def _supply_to_come(
    models: dict[str, list[Fields]],
    lots: list[Fields],
    item_groups: set[str],
    location_groups: set[str],
    today: date,
    tally: Tally,
) -> list[Fields]:
    """One lot per proposed, approved or confirmed operation plan, due at its end date (else its start
    date, else today): a purchase order at its location, a distribution order at its destination (the
    quantity it ships is taken from the origin's lot as allocated: it is still on hand there), a
    manufacturing order at its operation's location, of the item the operation makes."""
    operations = {str(o.get("name")): o for o in models["input.operation"]}
    on_hand = {(r["item"], r["warehouse"]): r for r in lots}
    out: list[Fields] = []
    for p in sorted(
        models["input.operationplan"], key=lambda p: (str(p.get("type")), str(p.get("reference")))
    ):
        kind, status = str(p.get("type") or ""), str(p.get("status") or "").lower()
        if status not in SUPPLY_OPEN:
            tally.add("dropped.operationplans.completed_or_closed")
            continue
        item, location = str(p.get("item_id") or ""), str(p.get("location_id") or "")
        if kind == "DO":
            location = str(p.get("destination_id") or "")
        elif kind == "MO":
            operation = operations.get(str(p.get("operation_id") or "")) or {}
            item, location = str(operation.get("item_id") or ""), str(operation.get("location_id") or "")
            tally.add("info.manufacturing_orders_material_not_demand")
        if not item or not location or item in item_groups or location in location_groups:
            tally.add("dropped.operationplans.item_or_location_unknown")
            continue
        quantity = whole(_dec(p.get("quantity")), 1, up=False)
        if quantity <= 0:
            tally.add("dropped.operationplans.no_quantity")
            continue
        due = _day(p.get("enddate"))
        if due is None:
            due = _day(p.get("startdate"))
            tally.add("assumed.lots_to_come.due_from_start_date" if due else "assumed.lots_to_come.due_today")
        if kind == "DO":
            origin = on_hand.get((item, str(p.get("origin_id") or "")))
            if origin is not None:
                origin["allocated"] = min(origin["quantity"], origin["allocated"] + quantity)
                tally.add("assumed.lots.distribution_order_takes_from_origin")
        reference = str(p.get("reference") or p.get("name") or f"{kind} {len(out) + 1}")
        out.append(
            {
                "lot": reference,
                "item": item,
                "warehouse": location,
                "quantity": quantity,
                "allocated": 0,
                "due": due or today,
            }
        )
        tally.add(f"written.lots_to_come.{kind.lower() or 'other'}_{status}")
    if len({r["lot"] for r in out} | {r["lot"] for r in lots}) != len(out) + len(lots):
        raise ValueError("operation plan references collide with buffer names; report this model")
    return out


def _read_fixture(path: Path) -> dict[str, list[Fields]]:
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFailed(f"cannot read {path} as a frePPLe JSON model: {exc}") from exc
    if not isinstance(records, list):
        raise ImportFailed(f"{path} is not a frePPLe model (a JSON list of model records)")
    models: dict[str, list[Fields]] = defaultdict(list)
    for record in records:
        if isinstance(record, dict) and isinstance(record.get("fields"), dict) and "model" in record:
            models[str(record["model"])].append(record["fields"])
    if not models["input.item"] and not models["input.demand"]:
        raise ImportFailed(f"{path} holds no input.item or input.demand records: not a frePPLe model")
    return models


def _dec(value: object) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation as exc:
        raise ImportFailed(f"'{value}' is not a quantity") from exc


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _current_date(models: dict[str, list[Fields]]) -> date | None:
    for p in models["common.parameter"]:
        if p.get("name") == "currentdate":
            return _day(p.get("value"))
    return None


def _parents(records: list[Fields]) -> dict[str, str]:
    """Name -> owner name, for a hierarchy of items or locations (`owner_id`)."""
    return {str(r["name"]): str(r["owner_id"]) for r in records if r.get("owner_id") and r.get("name")}


def _within(name: str, group: str, parent: dict[str, str]) -> bool:
    """True if `name` is `group` or lies under it in the hierarchy."""
    seen: set[str] = set()
    while name not in seen:
        if name == group:
            return True
        seen.add(name)
        if name not in parent:
            return False
        name = parent[name]
    return False


def _lanes(records: list[Fields], tally: Tally) -> list[tuple[str, str, str, int]]:
    """Transfer lanes (item or item group, destination, origin, priority); what they hold beyond that
    (lead times, lot sizes) is counted as ignored."""
    lanes = []
    for r in records:
        if not (r.get("item_id") and r.get("location_id") and r.get("origin_id")):
            tally.add("dropped.lanes.incomplete")
            continue
        if _dec(r.get("leadtime")) > 0:
            tally.add("info.lanes_lead_time_ignored")
        if _dec(r.get("sizeminimum")) > 1 or _dec(r.get("sizemultiple")) > 1:
            tally.add("info.lanes_lot_size_ignored")
        lanes.append(
            (str(r["item_id"]), str(r["location_id"]), str(r["origin_id"]), int(r.get("priority") or 0))
        )
    return lanes


def _sources(
    item: str,
    location: str,
    lanes: list[tuple[str, str, str, int]],
    item_parent: dict[str, str],
    location_parent: dict[str, str],
) -> list[str]:
    """The demand's own location, then every location upstream of it on the item's lanes
    (fewest hops first, then lane priority, then name)."""
    found = [location]
    frontier = [location]
    while frontier:
        step: list[tuple[int, str]] = []
        for destination in frontier:
            for lane_item, lane_to, origin, priority in lanes:
                if (
                    _within(item, lane_item, item_parent)
                    and _within(destination, lane_to, location_parent)
                    and origin not in found
                ):
                    step.append((priority, origin))
        frontier = []
        for _, origin in sorted(set(step)):
            if origin not in found:
                found.append(origin)
                frontier.append(origin)
    return found
