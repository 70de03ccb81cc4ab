"""The contract's output tables (SPEC section 6) built from a plan, with why each short line is short.

A participating line that is not full gets the first reason that applies:
- `no_eligible_stock`: no lot with stock left after reservations may serve it
  (for a kit: some stocking component);
- `full_delivery_blocked`: its full-delivery order is not complete;
- `full_line_short`: it must be served whole and could not be;
- `pack_remainder`: what it still lacks is less than one pack (it is allocated in whole packs);
- `safety_stock`: the stock left in the lots that may serve it is held back as safety stock;
- `pack_size`: some stock is free in the lots that may serve it, but less than a whole pack;
- `tie_break`: a line of its own tier holds stock of a lot it may use (the tier's total is the
  same either way; later tiers, preferences or the tie-break decided which line got it);
- `short`: the stock that may serve it is held by lines of earlier tiers, reservations or lines
  that keep their previous allocation.
"""

from __future__ import annotations

from collections import defaultdict
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import pandas as pd

from models.codes import Reason
from models.records import Lot, line_sort_key

if TYPE_CHECKING:
    from planner.result.plan import Plan

ALLOCATION_COLUMNS = [
    *("order", "line", "item", "lot", "warehouse", "owner", "quantity", "source", "due", "source_id")
]
"""The last two come from the allocation's lot."""
ITEM_COLUMNS = [
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
]


CHANGE_COLUMNS = ["order", "line", "lot", "before", "now"]


def changes_frame(plan: Plan) -> pd.DataFrame:
    """changes.csv (SPEC 9.5): every (line, lot) whose quantity differs from the previous plan's,
    by order, line (natural order) and lot; before and now count every source."""
    previous = plan.prepared.previous
    before = previous.previous_rows if previous is not None else {}
    now: dict[tuple[str, str, str], int] = defaultdict(int)
    for a in plan.allocations:
        if a.lot:
            now[(a.order, a.line, a.lot)] += a.quantity
    keys = sorted(
        (k for k in {*before, *now} if before.get(k, 0) != now.get(k, 0)),
        key=lambda k: (k[0], line_sort_key(k[1]), k[2]),
    )
    return pd.DataFrame(
        [[o, ln, lot, before.get((o, ln, lot), 0), now.get((o, ln, lot), 0)] for o, ln, lot in keys],
        columns=CHANGE_COLUMNS,
    )


def allocations_frame(plan: Plan) -> pd.DataFrame:
    """allocations.csv: one row per (line, lot, source), in line then lot order; `due` is the lot's
    due date (SPEC 8), empty for stock on hand and nonstock rows; `source_id` the lot's id in the
    system it was imported from."""
    columns = {c: list(map(attrgetter(c), plan.allocations)) for c in ALLOCATION_COLUMNS[:-2]}
    due = _lot_due(plan)
    columns["due"] = [due.get(a.lot, "") for a in plan.allocations]
    source_id = {lot.lot: lot.source_id for lot in plan.prepared.lots}
    columns["source_id"] = [source_id.get(a.lot, "") for a in plan.allocations]
    return _frame(columns)


def _lot_due(plan: Plan) -> dict[str, str]:
    """Each lot to come's due date as written."""
    return {lot.lot: lot.due.isoformat() for lot in plan.prepared.lots if lot.due is not None}


def _available_on(plan: Plan) -> dict[tuple[str, str], str]:
    """Per line served from supply to come, the latest day among its lots' arrivals (a late lot
    counts as today): the day it can ship complete as allocated (SPEC 8)."""
    today = plan.prepared.scenario.today
    arrives = {lot.lot: lot.arrives(today) for lot in plan.prepared.lots if lot.due is not None}
    out: dict[tuple[str, str], str] = {}
    for a in plan.allocations:
        day = arrives.get(a.lot)
        if day is not None:
            key = (a.order, a.line)
            out[key] = max(out.get(key, ""), day.isoformat())
    return out


def _frame(columns: dict[str, list[Any]]) -> pd.DataFrame:
    """The columns as a frame, each typed as pandas infers it from its values; with no rows,
    every column is object (as in a frame built from an empty list of rows)."""
    empty = not any(columns.values())
    return pd.DataFrame(columns, dtype=object if empty else None)


def line_allocated(plan: Plan) -> list[int]:
    """Allocated quantity of every prepared line (reservations included; nonstock in full)."""
    return [
        line.requested if line.reason == Reason.NONSTOCK else line.reserved + plan.added.get(li, 0)
        for li, line in enumerate(plan.prepared.lines)
    ]


def _status(requested: int, allocated: int) -> str:
    return "full" if allocated >= requested else ("partial" if allocated > 0 else "none")


def lines_frame(plan: Plan) -> pd.DataFrame:
    """lines.csv: every line of the scenario with its allocation, status, reason and tier."""
    prep = plan.prepared
    allocated = plan.line_allocated
    reasons = plan.short_reasons
    available_on = _available_on(plan)
    units = {i.item: i.unit for i in prep.scenario.items}
    customers = {o.order: o.customer for o in prep.scenario.orders}
    return _frame(
        {
            "order": [line.key[0] for line in prep.lines],
            "line": [line.key[1] for line in prep.lines],
            "item": [line.item for line in prep.lines],
            "requested": [line.requested for line in prep.lines],
            "allocated": allocated,
            "status": [_status(line.requested, got) for line, got in zip(prep.lines, allocated)],
            "reason": [line.reason or reasons.get(li, "") for li, line in enumerate(prep.lines)],
            "tier": ["" if tier is None else tier + 1 for tier in prep.report_tier],
            "available_on": [available_on.get(line.key, "") for line in prep.lines],
            "unit": [units[line.item] for line in prep.lines],
            "ship_date": [line.ship_date.isoformat() for line in prep.lines],
            "priority": [line.priority for line in prep.lines],
            "type": [line.order_type for line in prep.lines],
            "customer": [customers[line.key[0]] for line in prep.lines],
        }
    )


def short_reasons(plan: Plan) -> dict[int, Reason]:
    """The reason of every participating line that is not full (the module's docstring)."""
    prep = plan.prepared
    allocated = plan.line_allocated
    leftover = plan.leftover
    short = [
        li
        for li, (line, got) in enumerate(zip(prep.lines, allocated))
        if line.takes_part and got < line.requested
    ]
    incomplete_orders = {prep.lines[li].key[0] for li in short if prep.lines[li].full_delivery}
    incomplete_orders |= prep.blocked_orders
    holders = _optimizer_holders(plan)

    left: dict[int, int] = {}  # per lot list (Prepared.lot_lists), found once for the demands that share it
    free: dict[int, int] = {}
    out: dict[int, Reason] = {}
    for li in short:
        line = prep.lines[li]
        lists = [prep.demand_lots[d] for d in prep.line_demands[li]]
        lots_of = [prep.lot_lists[k] for k in lists]
        if any(not lots for lots in lots_of):
            out[li] = Reason.NO_ELIGIBLE_STOCK
        elif line.full_delivery and line.key[0] in incomplete_orders:
            out[li] = Reason.FULL_DELIVERY_BLOCKED
        elif line.full_line:
            out[li] = Reason.FULL_LINE_SHORT
        elif line.pack_size > 1 and line.requested - allocated[li] < line.pack_size:
            out[li] = Reason.PACK_REMAINDER
        else:
            for k in lists:
                if k not in left:
                    left[k], free[k] = leftover.left(prep.lot_lists[k]), leftover.free(prep.lot_lists[k])
            least_left, least_free = min(left[k] for k in lists), min(free[k] for k in lists)
            if least_left > 0 and least_free == 0:
                out[li] = Reason.SAFETY_STOCK
            elif line.pack_size > 1 and least_free > 0:
                out[li] = Reason.PACK_SIZE
            elif any(
                holders.get((lot, prep.report_tier[li]), set()) - {li} for lots in lots_of for lot in lots
            ):
                out[li] = Reason.TIE_BREAK
            else:
                out[li] = Reason.SHORT
    return out


def _optimizer_holders(plan: Plan) -> dict[tuple[int, int | None], set[int]]:
    """Per (lot, tier), the lines of that tier the optimiser gives some of the lot to."""
    tier, held = plan.prepared.report_tier, plan.holdings
    out: dict[tuple[int, int | None], set[int]] = defaultdict(set)
    for lot, li in zip(held.lot[held.optimiser].tolist(), held.line[held.optimiser].tolist()):
        out[(lot, tier[li])].add(li)
    return out


def items_frame(plan: Plan) -> pd.DataFrame:
    """items.csv (SPEC 6): the first five columns as InvenTree's part page means them, the rest this
    plan's.

    in_stock and allocated_before count the item's lots on hand; available = in_stock -
    allocated_before; required = allocated_before + the open quantity of the lines of the item that
    take part or are nonstock (a kit line charges each component kits x per-kit quantity, and its
    kit item's own row counts kits); deficit = max(0, required - in_stock). allocable and on_order
    are the allocable quantity of the usable lots on hand and to come; allocated is what those lines
    get; available_after = allocable + on_order less what the plan takes from the item's lots (to
    serve any line, alternates included); short = the open quantity it leaves unallocated.
    """
    prep = plan.prepared
    scenario = prep.scenario
    today = scenario.today
    allocated = plan.line_allocated
    required: dict[str, int] = defaultdict(int)
    given: dict[str, int] = defaultdict(int)
    per_kit = defaultdict(list)
    for k in scenario.kits:
        per_kit[k.kit].append((k.component, k.quantity))
    for li, line in enumerate(prep.lines):
        if not (line.takes_part or line.reason == Reason.NONSTOCK):
            continue
        required[line.item] += line.requested
        given[line.item] += allocated[li]
        for component, qty in per_kit.get(line.item, []):
            required[component] += line.requested * qty
            given[component] += allocated[li] * qty
    taken: dict[str, int] = defaultdict(int)
    for a in plan.allocations:
        if a.lot:
            taken[a.item] += a.quantity
    warehouse_ss: dict[str, int] = defaultdict(int)
    for ss in scenario.safety_stock:
        warehouse_ss[ss.item] += ss.quantity
    lots_of: dict[str, list[Lot]] = defaultdict(list)
    for lot in prep.lots:
        lots_of[lot.item].append(lot)
    rows = []
    for item in sorted(scenario.items, key=lambda i: i.item):
        on_hand = [lot for lot in lots_of[item.item] if not lot.to_come]
        usable = [lot for lot in lots_of[item.item] if lot.usable_on(today)]
        in_stock = sum(lot.quantity for lot in on_hand)
        before = sum(lot.allocated + lot.planned_issue for lot in on_hand)
        allocable = sum(lot.allocable for lot in usable if not lot.to_come)
        on_order = sum(lot.allocable for lot in usable if lot.to_come)
        needed = before + required[item.item]
        rows.append(
            [
                item.item,
                in_stock,
                before,
                in_stock - before,
                needed,
                max(0, needed - in_stock),
                allocable,
                item.safety_stock + warehouse_ss[item.item],
                on_order,
                given[item.item],
                allocable + on_order - taken[item.item],
                required[item.item] - given[item.item],
                item.unit,
            ]
        )
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)
