"""The contract's output tables (SPEC section 6) built from a plan, with why each short line is short.

A participating line that is not full gets the first reason that applies:
- `no_eligible_stock`: no lot with stock left after reservations may serve it
  (for a kit: some stocking component);
- `full_delivery_blocked`: its full-delivery order is not complete;
- `full_line_short`: it must be served whole and could not be;
- `safety_stock`: the stock left in the lots that may serve it is held back as safety stock;
- `pack_size`: stock is left but not a whole pack of it (or the line's remainder is below a pack);
- `short`: the stock that may serve it went to lines of earlier tiers (or as ties resolved).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import pandas as pd

from models.records import Lot

if TYPE_CHECKING:
    from planner.plan import Plan

ALLOCATION_COLUMNS = ["order", "line", "item", "lot", "warehouse", "owner", "quantity", "source"]
LINE_COLUMNS = ["order", "line", "item", "requested", "allocated", "status", "reason", "tier"]
ITEM_COLUMNS = [
    "item",
    "in_stock",
    "allocated_before",
    "allocable",
    "safety_stock",
    "required",
    "allocated",
    "available_after",
    "deficit",
]


def allocations_frame(plan: Plan) -> pd.DataFrame:
    """allocations.csv: one row per (line, lot, source), in line then lot order."""
    rows = [[getattr(a, c) for c in ALLOCATION_COLUMNS] for a in plan.allocations]
    return pd.DataFrame(rows, columns=ALLOCATION_COLUMNS)


def line_allocated(plan: Plan) -> list[int]:
    """Allocated quantity of every prepared line (reservations included; nonstock in full)."""
    out = []
    for li, line in enumerate(plan.prepared.lines):
        if line.reason == "nonstock":
            out.append(line.requested)
        else:
            out.append(line.reserved + plan.added.get(li, 0))
    return out


def _status(requested: int, allocated: int) -> str:
    return "full" if allocated >= requested else ("partial" if allocated > 0 else "none")


def lines_frame(plan: Plan) -> pd.DataFrame:
    """lines.csv: every line of the scenario with its allocation, status, reason and tier."""
    prep = plan.prepared
    allocated = line_allocated(plan)
    reasons = _short_reasons(plan, allocated)
    rows = []
    for li, line in enumerate(prep.lines):
        tier = prep.line_tier[li]
        reason = line.reason or reasons.get(li, "")
        rows.append(
            [
                line.key[0],
                line.key[1],
                line.item,
                line.requested,
                allocated[li],
                _status(line.requested, allocated[li]),
                reason,
                "" if tier is None else tier + 1,
            ]
        )
    return pd.DataFrame(rows, columns=LINE_COLUMNS)


def _short_reasons(plan: Plan, allocated: list[int]) -> dict[int, str]:
    prep = plan.prepared
    lot_index = {lot.lot: i for i, lot in enumerate(prep.lots)}
    used: dict[int, int] = defaultdict(int)
    for a in plan.allocations:
        if a.source == "optimizer":
            used[lot_index[a.lot]] += a.quantity
    lot_slack = {lot: prep.capacity[lot] - used[lot] for lot in range(len(prep.lots))}
    group_slack: dict[int, int] = defaultdict(lambda: 1 << 62)
    for group in prep.cap_groups:
        slack = group.cap - sum(used[lot] for lot in group.lots)
        for lot in group.lots:
            group_slack[lot] = min(group_slack[lot], slack)
    lots_of = [[prep.pairs[p].lot for p in pairs] for pairs in prep.demand_pairs]
    incomplete_orders = {
        line.key[0]
        for li, line in enumerate(prep.lines)
        if line.takes_part and line.full_delivery and allocated[li] < line.requested
    } | set(prep.blocked_orders)

    out = {}
    for li, line in enumerate(prep.lines):
        if not line.takes_part or allocated[li] >= line.requested:
            continue
        demands = prep.line_demands[li]
        if any(not lots_of[d] for d in demands):
            out[li] = "no_eligible_stock"
        elif line.full_delivery and line.key[0] in incomplete_orders:
            out[li] = "full_delivery_blocked"
        elif line.full_line:
            out[li] = "full_line_short"
        else:
            raw = min((sum(lot_slack[lot] for lot in lots_of[d]) for d in demands), default=0)
            free = min(
                (sum(max(0, min(lot_slack[lot], group_slack[lot])) for lot in lots_of[d]) for d in demands),
                default=0,
            )
            if raw > 0 and free == 0:
                out[li] = "safety_stock"
            elif line.pack_size > 1 and free > 0:
                out[li] = "pack_size"
            else:
                out[li] = "short"
    return out


def items_frame(plan: Plan) -> pd.DataFrame:
    """items.csv, per item as InvenTree shows it.

    `required` and `allocated` count what lines taking part ask of the item and get
    for it (kit lines charge each component kits x per-kit quantity; a kit item's own
    row counts kits); `available_after` is the allocable stock of the item's usable
    lots less what this plan takes from them; `deficit` = required - allocated.
    """
    prep = plan.prepared
    scenario = prep.scenario
    today = scenario.today
    allocated = line_allocated(plan)
    required: dict[str, int] = defaultdict(int)
    given: dict[str, int] = defaultdict(int)
    per_kit = defaultdict(list)
    for k in scenario.kits:
        per_kit[k.kit].append((k.component, k.quantity))
    for li, line in enumerate(prep.lines):
        if not (line.takes_part or line.reason == "nonstock"):
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
        lots = lots_of[item.item]
        allocable = sum(lot.allocable for lot in lots if lot.usable_on(today))
        rows.append(
            [
                item.item,
                sum(lot.quantity for lot in lots),
                sum(lot.allocated + lot.planned_issue for lot in lots),
                allocable,
                item.safety_stock + warehouse_ss[item.item],
                required[item.item],
                given[item.item],
                allocable - taken[item.item],
                required[item.item] - given[item.item],
            ]
        )
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)
