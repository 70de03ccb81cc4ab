"""Step 4 of the ladder: starved lines, which get nothing in every plan that keeps the
earlier tiers' totals, at their tier and after.

What a set of lots has *spare* for the lines activated from a tier on is what it can give
(within its lots' and safety-stock groups' caps) less the least that the earlier lines
confined to it (each of their demands' lots lies in the set) take in any plan holding the
earlier tiers' totals; a MIP over the block finds that least, and the spare ledger
(planner.engine.spare) keeps it. A line with a demand whose lots lie in a set with less
spare than the line's least quantity needs is starved: its `max_addable` becomes nothing,
with its full-delivery order's.

The sets tried are the lots of a new line's demand left with nothing, or of the demand's
pool, when what the earlier lines confined to them leave now is already less than the line
needs. Lines activated later are checked against the known sets before they join a part
(planner.engine.tier_loop).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict

from planner.engine.block_mip import block_model
from planner.engine.eligibility import Prepared
from planner.engine.ids import (
    DemandId,
    GroupId,
    LineId,
    LotId,
    PoolId,
    demand_lots,
    group_lots,
    line_demands,
    lot_groups,
    lot_lists,
)
from planner.engine.loop_state import LoopState
from planner.engine.spare import LotSet


def starved(state: LoopState, lines: list[LineId]) -> set[LineId]:
    """The lines with a demand that less is spare for than their least quantity needs, with
    their full-delivery orders (they get nothing in any plan holding the earlier tiers)."""
    prep, for_lots = state.prep, state.spare.for_lots
    demands_of, lots_of, lists = line_demands(prep), demand_lots(prep), lot_lists(prep)
    found = set()
    for li in lines:
        step = least_step(state, li)
        if any(for_lots(lists[lots_of[d]]) < prep.demands[d].per_unit * step for d in demands_of[li]):
            found.add(li)
    orders = {prep.lines[li].key[0] for li in found if prep.lines[li].full_delivery}
    return found | {li for li in lines if prep.lines[li].full_delivery and prep.lines[li].key[0] in orders}


def least_step(state: LoopState, li: LineId) -> int:
    """The least the line can take beyond nothing: its `max_addable` if all or nothing, else a pack."""
    line = state.prep.lines[li]
    return state.max_addable[li] if line.full_line or line.full_delivery else line.pack_size


def starve(
    state: LoopState,
    tier: int,
    lines: list[LineId],
    demands: list[DemandId],
    block: list[LineId],
    fixed: set[LineId],
) -> set[LineId]:
    """The block's new lines proved to get nothing, now given nothing for good (their
    `max_addable` 0); empty if none is.

    `lines` are the block's lines with the fixed lines on its pools, `demands` their
    demands on those pools, `fixed` the fixed lines among them.
    """
    prep, added = state.prep, state.holdings.added
    pool_of, line_of = state.contention.pool_of_demand, state.contention.line_of_demand
    activation = state.contention.activation
    demands_of, lots_of, lists = line_demands(prep), demand_lots(prep), lot_lists(prep)
    earlier = [d for d in demands if activation[line_of[d]] < tier]
    lots_of_pool: dict[PoolId, set[LotId]] = defaultdict(set)
    for d in demands:
        lots_of_pool[pool_of[d]].update(lists[lots_of[d]])
    candidates: dict[LotSet, tuple[list[DemandId], int]] = {}  # lots: the demands confined, capacity
    for li in block:
        if activation[li] != tier or added[li] > 0 or state.max_addable[li] == 0:
            continue
        for d in demands_of[li]:
            if pool_of[d] not in state.pools.contended:
                continue
            for lots in (frozenset(lots_of_pool[pool_of[d]]), frozenset(lists[lots_of[d]])):
                confined = [e for e in earlier if lots.issuperset(lists[lots_of[e]])]
                capacity = lot_set_capacity(prep, lots)
                left = capacity - sum(prep.demands[e].per_unit * added[line_of[e]] for e in confined)
                if left < prep.demands[d].per_unit * least_step(state, li) and left < state.spare.of(lots):
                    candidates.setdefault(lots, (confined, capacity))
                    break
    if not candidates or state.out_of_time(tier):
        return set()
    for lots, (confined, capacity) in sorted(candidates.items(), key=lambda c: sorted(c[0])):
        least_taken = _least_taken(state, tier, lines, demands, fixed, confined)
        if least_taken is not None:
            state.spare.record(lots, max(0, capacity - least_taken))
    found = starved(state, [li for li in block if activation[li] == tier])
    for li in found:
        state.max_addable[li] = 0
        state.holdings.hold(li, 0)
    return found


def _least_taken(
    state: LoopState,
    tier: int,
    lines: list[LineId],
    demands: list[DemandId],
    fixed: set[LineId],
    confined: list[DemandId],
) -> int | None:
    """The least units the confined demands take in any plan of the block that holds the
    earlier tiers' totals, lines active from `tier` on getting nothing (None: not proved)."""
    prep, activation = state.prep, state.contention.activation
    model, _ = block_model(state, tier, lines, demands, fixed)
    for li, col in model.line_col.items():
        if activation[li] >= tier:
            model.mip.ub[col] = 0
    least: dict[int, float] = defaultdict(float)
    for e in confined:
        least[model.line_col[state.contention.line_of_demand[e]]] -= prep.demands[e].per_unit
    remaining = None if state.deadline is None else max(0.0, state.deadline - time.monotonic())
    result = state.backend.solve(model.mip, dict(least), remaining, None)
    state.outcome.solves += 1
    if not math.isfinite(result.bound):
        return None
    # The least taken is whole; the bound may be off by the solver's tolerances.
    return math.ceil(-result.bound - 1e-6 * max(1.0, abs(result.bound)))


def lot_set_capacity(prep: Prepared, lots: LotSet) -> int:
    """The most the lots can give together, within their lots' and safety-stock groups' caps."""
    loose = {lot: prep.capacity[lot] for lot in lots}  # lots in no group seen yet: their capacity
    outer: dict[GroupId, int] = {}  # groups in no larger group seen yet: what they can give
    outer_group: dict[LotId, GroupId] = {}  # per lot, the largest group over it seen so far
    groups_of = lot_groups(prep)
    groups = sorted({g for lot in lots for g in groups_of[lot]}, key=lambda g: len(group_lots(prep, g)))
    for g in groups:  # laminar: inner groups first
        members = [lot for lot in group_lots(prep, g) if lot in lots]
        inner = {outer_group[lot] for lot in members if lot in outer_group}
        given = sum(loose.pop(lot) for lot in members if lot not in outer_group)
        outer[g] = min(prep.cap_groups[g].cap, given + sum(outer.pop(h) for h in inner))
        outer_group.update((lot, g) for lot in members)
    return sum(loose.values()) + sum(outer.values())
