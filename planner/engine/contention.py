"""Where and from which tier lines compete for stock.

A *pool* is a set of lots tied together by lines that may use them and by
safety-stock groups over them; lines that use no common pool never compete.

Solving tier t needs only the lines *active* at t: the lines of tiers up to t
and the other lines of their full-delivery orders (an order is served whole or
not at all, so its later lines take their stock at the tier of its first line).
Every other line can be left at nothing without changing what tiers 1..t can
get, because giving a line less never breaks a restriction.

A pool is *slack* at tier t when one plan serves every active line's `most` in
full from it. Then any quantities up to `most` fit together, so the pool ties
no lines together and needs no rows in a model. A pool becomes contended at
its saturation tier and stays contended after it, since lines only ever join.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from planner.engine.components import Component, GrowingGraph
from planner.engine.eligibility import Prepared
from planner.engine.flow import served, served_by_rank


@dataclass(frozen=True, slots=True)
class Contention:
    """Per line its `most` and the tier it becomes active at; per demand its pool; per pool
    its safety-stock groups and the tier it becomes contended at (absent: never)."""

    most: dict[int, int]
    activation: dict[int, int]
    pool_of_demand: dict[int, int]
    pool_groups: dict[int, list[int]]
    saturation: dict[int, int]


def _most(prep: Prepared, li: int, order_possible: bool) -> int:
    """The most the optimiser can add to a line with no other line in the way: whole packs;
    a full line, or a line of a full-delivery order, all or nothing."""
    line = prep.lines[li]
    open_qty = line.open_after_reservations
    if line.full_delivery:
        return open_qty if order_possible else 0
    if line.full_line:
        return open_qty if open_qty % line.pack_size == 0 else 0
    return open_qty - open_qty % line.pack_size


def contention(prep: Prepared, comp: Component) -> Contention:
    """Pools, activation tiers and saturation tiers of one component's lines."""
    # A component holds every participating line of its full-delivery orders.
    possible: dict[str, bool] = {}
    for li in comp.lines:
        line, order = prep.lines[li], prep.lines[li].key[0]
        if line.full_delivery:
            whole = line.open_after_reservations % line.pack_size == 0
            possible[order] = possible.get(order, order not in prep.blocked_orders) and whole
    most = {li: _most(prep, li, possible.get(prep.lines[li].key[0], False)) for li in comp.lines}
    # An order's lines with nothing to add (fully reserved) do not bring it forward.
    tier_of = {li: prep.line_tier[li] or 0 for li in comp.lines}
    first_tier: dict[str, int] = {}
    for li in comp.lines:
        order = prep.lines[li].key[0]
        if prep.lines[li].full_delivery and most[li] > 0:
            first_tier[order] = min(first_tier.get(order, tier_of[li]), tier_of[li])
    activation = {li: first_tier.get(prep.lines[li].key[0], tier_of[li]) for li in comp.lines}

    # Pools: demands and lots joined by pairs, lots joined by safety-stock groups.
    n_demands = len(prep.demands)
    graph = GrowingGraph()
    for p in comp.pairs:
        graph.join(prep.pairs[p].demand, n_demands + prep.pairs[p].lot)
    for g in comp.groups:
        for lot in prep.cap_groups[g].lots[1:]:
            graph.join(n_demands + prep.cap_groups[g].lots[0], n_demands + lot)
    pool_of_demand = {d: graph.find(d) for d in comp.demands}
    pool_groups: dict[int, list[int]] = defaultdict(list)
    for g in comp.groups:
        pool_groups[graph.find(n_demands + prep.cap_groups[g].lots[0])].append(g)

    need = {d: prep.demands[d].per_unit * most[prep.demands[d].line] for d in comp.demands}
    demands_of_pool: dict[int, list[int]] = defaultdict(list)
    for d in comp.demands:
        demands_of_pool[pool_of_demand[d]].append(d)
    most_served = served(prep, need)
    saturation = {}
    for pool, demands in demands_of_pool.items():
        if any(most_served[d] < need[d] for d in demands):
            saturation[pool] = _saturation_tier(prep, demands, need, activation)
    return Contention(most, activation, pool_of_demand, dict(pool_groups), saturation)


def _saturation_tier(
    prep: Prepared, demands: list[int], need: dict[int, int], activation: dict[int, int]
) -> int:
    """The first activation tier at which one plan can no longer serve the pool's active
    demands in full (the pool is known to be short with all of them): the first tier where
    what the earlier-first flow serves falls behind what the demands active by then need."""
    tier_of = {d: activation[prep.demands[d].line] for d in demands}
    got = served_by_rank(prep, {d: need[d] for d in demands}, tier_of)
    wanted: dict[int, int] = defaultdict(int)
    for d in demands:
        wanted[tier_of[d]] += need[d]
    behind = 0
    for tier in sorted(got):
        behind += wanted[tier] - got[tier]
        if behind > 0:
            return tier
    raise AssertionError("the pool serves every demand in full")
