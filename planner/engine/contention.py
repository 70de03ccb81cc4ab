"""Where and from which tier lines compete for stock.

A *pool* is a set of lots tied together by lines that may use them and by
safety-stock groups over them; lines that use no common pool never compete.

Solving tier t needs only the lines *active* at t: the lines of tiers up to t
and the other lines of their full-delivery orders (an order is served whole or
not at all, so its later lines take their stock at the tier of its first line).
Every other line can be left at nothing without changing what tiers 1..t can
get, because giving a line less never breaks a restriction.

A pool is *slack* at tier t when one plan serves every active line's `max_addable` in
full from it. Then any quantities up to `max_addable` fit together, so the pool ties
no lines together and needs no rows in a model. A pool becomes contended at
its saturation tier and stays contended after it, since lines only ever join.

A line's `max_addable` is the most the optimiser can add to it with no other line in
the way; it caps the line everywhere in the tier loop.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import cast

from planner.engine.components import Component, GrowingGraph
from planner.engine.eligibility import Prepared
from planner.engine.flow import served, served_by_rank
from planner.engine.ids import DemandId, GroupId, LineId, PoolId, group_lots, line_of, spans


@dataclass(frozen=True, slots=True)
class Contention:
    """Per line its `max_addable` and the tier it becomes active at; per demand its line and pool; per
    pool its safety-stock groups and the tier it becomes contended at (absent: never). Pools
    are numbered 0..n_pools-1 within the component."""

    max_addable: dict[LineId, int]
    activation: dict[LineId, int]
    line_of_demand: dict[DemandId, LineId]
    pool_of_demand: dict[DemandId, PoolId]
    pool_groups: dict[PoolId, list[GroupId]]
    saturation: dict[PoolId, int]
    n_pools: int


def _max_addable(prep: Prepared, li: LineId, order_possible: bool) -> int:
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
    max_addable = {
        li: _max_addable(prep, li, possible.get(prep.lines[li].key[0], False)) for li in comp.lines
    }
    # An order's lines with nothing to add (fully reserved) do not bring it forward.
    tier_of = {li: prep.line_tier[li] or 0 for li in comp.lines}
    first_tier: dict[str, int] = {}
    for li in comp.lines:
        order = prep.lines[li].key[0]
        if prep.lines[li].full_delivery and max_addable[li] > 0:
            first_tier[order] = min(first_tier.get(order, tier_of[li]), tier_of[li])
    activation = {li: first_tier.get(prep.lines[li].key[0], tier_of[li]) for li in comp.lines}

    line_of_demand = cast(dict[DemandId, LineId], {d: prep.demands[d].line for d in comp.demands})
    pool_of_demand, pool_groups, n_pools = _pools(prep, comp)
    need = {d: prep.demands[d].per_unit * max_addable[line_of_demand[d]] for d in comp.demands}
    demands_of_pool: dict[PoolId, list[DemandId]] = defaultdict(list)
    for d in comp.demands:
        demands_of_pool[pool_of_demand[d]].append(d)
    most_served = served(prep, need)
    saturation = {}
    for pool, demands in demands_of_pool.items():
        if any(most_served[d] < need[d] for d in demands):
            saturation[pool] = _saturation_tier(prep, demands, need, activation)
    return Contention(
        max_addable, activation, line_of_demand, pool_of_demand, pool_groups, saturation, n_pools
    )


def _pools(
    prep: Prepared, comp: Component
) -> tuple[dict[DemandId, PoolId], dict[PoolId, list[GroupId]], int]:
    """Per demand its pool, per pool its safety-stock groups, and the number of pools: demands
    and lots joined by pairs, lots joined by safety-stock groups. Pools are numbered in the
    order of their roots in that graph (a fixed order, which the tier loop's flows follow)."""
    # Demands are the first span, so a demand's node is the demand itself.
    demand_nodes, lot_nodes = spans(len(prep.demands), len(prep.lots))
    assert demand_nodes.start == 0
    pairs = [prep.pairs[p] for p in comp.pairs]
    lot_node = {lot: lot_nodes.node(lot) for lot in sorted({pair.lot for pair in pairs})}
    graph = GrowingGraph()
    for pair in pairs:
        graph.join(pair.demand, lot_node[pair.lot])
    for g in comp.groups:
        first, *others = group_lots(prep, g)
        for lot in others:
            graph.join(lot_nodes.node(first), lot_nodes.node(lot))
    root_of_demand = {d: graph.find(d) for d in comp.demands}
    pool_of_root = {root: PoolId(i) for i, root in enumerate(sorted(set(root_of_demand.values())))}
    pool_of_demand = {d: pool_of_root[root] for d, root in root_of_demand.items()}
    pool_groups: dict[PoolId, list[GroupId]] = defaultdict(list)
    for g in comp.groups:  # a group on lots no demand of the component may use ties no demands
        pool = pool_of_root.get(graph.find(lot_nodes.node(group_lots(prep, g)[0])))
        if pool is not None:
            pool_groups[pool].append(g)
    return pool_of_demand, dict(pool_groups), len(pool_of_root)


def _saturation_tier(
    prep: Prepared, demands: list[DemandId], need: dict[DemandId, int], activation: dict[LineId, int]
) -> int:
    """The first activation tier at which one plan can no longer serve the pool's active
    demands in full (the pool is known to be short with all of them): the first tier where
    what the earlier-first flow serves falls behind what the demands active by then need."""
    tier_of = {d: activation[line_of(prep, d)] for d in demands}
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
