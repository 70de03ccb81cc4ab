"""Fixed lines and blocks of a part in the tier loop (planner.engine.ladder), on arrays.

An earlier tier's total can only be kept by its lines, each at most its `max_addable`, so
the tier's *shortfall* (its lines' `max_addable` less what they hold) is the most any of
them can give up. A line holding its `max_addable` is *fixed* when its tier has no
shortfall, or when it is all or nothing (a full line, a full-delivery line) and its
`max_addable` exceeds the shortfall; every line of a full-delivery order among them is
fixed with it. So is a line whose `max_addable` is nothing. Fixed lines are the same in
every plan that holds the earlier tiers' totals.

Set aside, fixed lines leave *blocks*: the other lines, tied by the contended pools and
full-delivery orders they share. Blocks share no stock beyond what fixed lines hold, so
each keeps the totals it has of the earlier tiers (they are its own lexicographic
optimum) and its shortfalls are its own; smaller ones fix more lines, which splits the
blocks further, until nothing more is fixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt

from planner.engine.components import Component, by_root, smallest_connected
from planner.engine.contention import Contention
from planner.engine.eligibility import Prepared
from planner.engine.ids import IntArray, LineId, line_demands, spans


@dataclass(frozen=True, slots=True)
class LineTable:
    """What fixing and splitting read of a component's lines (`lines`, ascending; arrays are
    indexed like it): tier, all or nothing, full-delivery order (-1: none), and the pools of
    each line's demands (CSR: pools[start[i]:start[i + 1]]); `n_pools` pools, `n_orders`
    full-delivery orders."""

    lines: IntArray
    tier: IntArray
    all_or_nothing: npt.NDArray[np.bool_]
    order: IntArray
    start: IntArray
    pools: IntArray
    n_pools: int
    n_orders: int

    @classmethod
    def of(cls, prep: Prepared, comp: Component, contention: Contention) -> LineTable:
        lines = sorted(comp.lines)
        order_id: dict[str, int] = {}
        demands_of = line_demands(prep)
        order, counts, pools = [], [], []
        for li in lines:
            line = prep.lines[li]
            order.append(order_id.setdefault(line.key[0], len(order_id)) if line.full_delivery else -1)
            counts.append(len(prep.line_demands[li]))
            pools += [contention.pool_of_demand[d] for d in demands_of[li]]
        return cls(
            np.array(lines, dtype=np.int64),
            np.array([prep.line_tier[li] or 0 for li in lines], dtype=np.int64),
            np.array([prep.lines[li].full_line or prep.lines[li].full_delivery for li in lines], dtype=bool),
            np.array(order, dtype=np.int64),
            np.concatenate([[0], np.cumsum(counts, dtype=np.int64)]),
            np.array(pools, dtype=np.int64),
            contention.n_pools,
            len(order_id),
        )


def fixed_and_blocks(
    table: LineTable,
    contended: npt.NDArray[np.bool_],
    tier: int,
    lines: list[LineId],
    max_addable: dict[LineId, int],
    added: dict[LineId, int],
) -> tuple[set[LineId], list[list[LineId]]]:
    """The fixed lines of a part at `tier` and the blocks of the others (each in line order);
    `contended` flags the contended pools (indexed by pool)."""
    index = np.array(lines, dtype=np.int64)
    local = np.searchsorted(table.lines, index)
    n = len(lines)
    addable = np.fromiter((max_addable[li] for li in lines), dtype=np.int64, count=n)
    holds = np.fromiter((added[li] for li in lines), dtype=np.int64, count=n)
    tiers, all_or_nothing, order = table.tier[local], table.all_or_nothing[local], table.order[local]
    # Each line's demands' pools, kept where contended: edges line -> pool.
    first, counts = table.start[local], table.start[local + 1] - table.start[local]
    line_of_edge = np.repeat(np.arange(n), counts)
    within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    pools = table.pools[np.repeat(first, counts) + within]
    kept = contended[pools]
    line_of_edge, pools = line_of_edge[kept], pools[kept]
    has_order = order >= 0
    # Nodes: the lines, then the component's pools, then its full-delivery orders.
    line_nodes, pool_nodes, order_nodes = spans(n, table.n_pools, table.n_orders)

    fixed = np.zeros(n, dtype=bool)
    while True:
        unfixed = ~fixed
        on_pool = unfixed[line_of_edge]
        in_order = unfixed & has_order
        block = smallest_connected(
            order_nodes.end,
            line_nodes.nodes(np.concatenate([line_of_edge[on_pool], np.flatnonzero(in_order)])),
            np.concatenate([pool_nodes.nodes(pools[on_pool]), order_nodes.nodes(order[in_order])]),
        )[: line_nodes.end]
        new = _newly_fixed(tier, tiers, addable, holds, all_or_nothing, order, block, unfixed)
        if not new.any():
            break
        fixed |= new
    unfixed = ~fixed
    blocks = list(by_root(block[unfixed], index[unfixed]).values())
    return set(cast(list[LineId], index[fixed].tolist())), cast(list[list[LineId]], blocks)


def _newly_fixed(
    tier: int,
    tiers: IntArray,
    addable: IntArray,
    holds: IntArray,
    all_or_nothing: npt.NDArray[np.bool_],
    order: IntArray,
    block: IntArray,
    unfixed: npt.NDArray[np.bool_],
) -> npt.NDArray[np.bool_]:
    """The unfixed lines fixed by their block's shortfalls, with their full-delivery orders
    (`addable`: each line's `max_addable`; `holds`: what it holds)."""
    key = np.unique(block * (tiers.max(initial=0) + 1) + tiers, return_inverse=True)[1]
    shortfall = np.bincount(key[unfixed], weights=(addable - holds)[unfixed], minlength=len(key))[key]
    earlier_in_full = (tiers < tier) & (holds == addable)
    new = unfixed & (
        (addable == 0) | (earlier_in_full & ((shortfall == 0) | (all_or_nothing & (addable > shortfall))))
    )
    orders = np.unique(order[new & (order >= 0)])
    with_orders: npt.NDArray[np.bool_] = new | (unfixed & np.isin(order, orders) & (order >= 0))
    return with_orders
