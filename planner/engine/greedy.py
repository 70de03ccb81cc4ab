"""The ERP-style baseline: line by line in tier order, each takes what it can.

Within a tier, lines go in (order, line) order; each line takes from the lots it
prefers first (section 5.2), whole packs and whole kits only, a full line all or
nothing. A full-delivery order's lines take stock as they come; when one of them
cannot be served in full the order fails, and, as in an ERP, its stock is handed
back only after every line has been allocated, too late for the lines in between.
"""

from __future__ import annotations

from collections import defaultdict
from typing import cast

from planner.engine.eligibility import Prepared
from planner.engine.ids import LineId, PairId


def greedy(prep: Prepared) -> tuple[dict[LineId, int], dict[PairId, int]]:
    """Quantity added per participating line and quantity per pair, as an ERP would allocate."""
    lot_left = list(prep.capacity)
    group_left = [g.cap for g in prep.cap_groups]
    groups_of_lot = prep.lot_groups
    lot_of_pair = [pair.lot for pair in prep.pairs]
    per_unit = [demand.per_unit for demand in prep.demands]

    def take(d: int, need: int, lots: dict[int, int], groups: dict[int, int]) -> dict[int, int]:
        """Take up to `need` for demand d in preference order, on top of what a trial has
        already taken (`lots`, `groups`, updated); what it takes per pair."""
        got: dict[int, int] = {}
        for p in prep.demand_pairs[d]:
            if need == 0:
                break
            lot = lot_of_pair[p]
            q = min(need, lot_left[lot] - lots.get(lot, 0))
            for g in groups_of_lot[lot]:
                q = min(q, group_left[g] - groups.get(g, 0))
            if q > 0:
                got[p] = q
                need -= q
                lots[lot] = lots.get(lot, 0) + q
                for g in groups_of_lot[lot]:
                    groups[g] = groups.get(g, 0) + q
        return got

    def serve(li: int, qty: int) -> dict[int, int] | None:
        """Take qty (units or kits) for every demand of the line together, or change nothing."""
        lots: dict[int, int] = {}
        groups: dict[int, int] = {}
        got: dict[int, int] = {}
        for d in prep.line_demands[li]:
            need = qty * per_unit[d]
            part = take(d, need, lots, groups)
            if sum(part.values()) < need:
                return None
            got.update(part)
        for lot, q in lots.items():
            lot_left[lot] -= q
        for g, q in groups.items():
            group_left[g] -= q
        return got

    added: dict[int, int] = {}
    taken_by_line: dict[int, dict[int, int]] = {}
    failed = set(prep.blocked_orders)
    order = sorted(
        (li for li, line in enumerate(prep.lines) if line.takes_part), key=lambda li: (prep.line_tier[li], li)
    )
    for li in order:
        line = prep.lines[li]
        added[li] = 0
        if line.full_delivery and line.key[0] in failed:
            continue
        whole = line.full_line or line.full_delivery
        wanted = qty = line.open_after_reservations
        for d in prep.line_demands[li]:
            available = sum(take(d, qty * per_unit[d], {}, {}).values())
            qty = min(qty, available // per_unit[d])
        qty -= qty % line.pack_size
        if whole and qty < wanted:
            qty = 0
        got = None
        while qty > 0 and (got := serve(li, qty)) is None:
            qty = 0 if whole else qty - line.pack_size
        if line.full_delivery and qty < wanted:
            failed.add(line.key[0])
        added[li] = qty
        taken_by_line[li] = got or {}
    flows: dict[int, int] = defaultdict(int)
    for li, got in taken_by_line.items():
        if prep.lines[li].full_delivery and prep.lines[li].key[0] in failed:
            added[li] = 0  # handed back only now, after every line has been allocated
            continue
        for p, q in got.items():
            flows[p] += q
    return cast(dict[LineId, int], added), cast(dict[PairId, int], dict(flows))
