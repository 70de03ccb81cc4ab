"""Fixed lines and blocks of a part in the tier loop (planner.engine.tier_loop), on arrays.

An earlier tier's total can only be kept by its lines, each at most its `most`, so the
tier's *shortfall* (its lines' `most` less what they hold) is the most any of them can
give up. A line holding its `most` is *fixed* when its tier has no shortfall, or when it
is all or nothing (a full line, a full-delivery line) and its `most` exceeds the
shortfall; every line of a full-delivery order among them is fixed with it. So is a
line whose `most` is nothing. Fixed lines are the same in every plan that holds the
earlier tiers' totals.

Set aside, fixed lines leave *blocks*: the other lines, tied by the contended pools and
full-delivery orders they share. Blocks share no stock beyond what fixed lines hold, so
each keeps the totals it has of the earlier tiers (they are its own lexicographic
optimum) and its shortfalls are its own; smaller ones fix more lines, which splits the
blocks further, until nothing more is fixed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.engine.components import Component, by_root, smallest_connected
from planner.engine.eligibility import Prepared


@dataclass(frozen=True, slots=True)
class LineTable:
    """What fixing and splitting read of a component's lines (`lines`, ascending; arrays are
    indexed like it): tier, all or nothing, full-delivery order (-1: none), and the pools of
    each line's demands (CSR: pools[start[i]:start[i + 1]]), pools numbered 0.. by `pool_index`."""

    lines: np.ndarray
    tier: np.ndarray
    all_or_nothing: np.ndarray
    order: np.ndarray
    start: np.ndarray
    pools: np.ndarray
    pool_index: dict[int, int]

    @classmethod
    def of(cls, prep: Prepared, comp: Component, pool_of_demand: dict[int, int]) -> LineTable:
        lines = sorted(comp.lines)
        order_id: dict[str, int] = {}
        pool_index: dict[int, int] = {}
        order, counts, pools = [], [], []
        for li in lines:
            line = prep.lines[li]
            order.append(order_id.setdefault(line.key[0], len(order_id)) if line.full_delivery else -1)
            counts.append(len(prep.line_demands[li]))
            pools += [
                pool_index.setdefault(pool_of_demand[d], len(pool_index)) for d in prep.line_demands[li]
            ]
        return cls(
            np.array(lines, dtype=np.int64),
            np.array([prep.line_tier[li] or 0 for li in lines], dtype=np.int64),
            np.array([prep.lines[li].full_line or prep.lines[li].full_delivery for li in lines], dtype=bool),
            np.array(order, dtype=np.int64),
            np.concatenate([[0], np.cumsum(counts, dtype=np.int64)]),
            np.array(pools, dtype=np.int64),
            pool_index,
        )


def fixed_and_blocks(
    table: LineTable,
    contended: np.ndarray,
    tier: int,
    lines: list[int],
    most: dict[int, int],
    held: dict[int, int],
) -> tuple[set[int], list[list[int]]]:
    """The fixed lines of a part at `tier` and the blocks of the others (each in line order);
    `contended` flags the table's contended pools."""
    index = np.array(lines, dtype=np.int64)
    local = np.searchsorted(table.lines, index)
    n = len(lines)
    most_ = np.fromiter((most[li] for li in lines), dtype=np.int64, count=n)
    held_ = np.fromiter((held[li] for li in lines), dtype=np.int64, count=n)
    tiers, all_or_nothing, order = table.tier[local], table.all_or_nothing[local], table.order[local]
    # Each line's demands' pools, kept where contended: edges line -> pool.
    first, counts = table.start[local], table.start[local + 1] - table.start[local]
    line_of_edge = np.repeat(np.arange(n), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    pools = table.pools[np.repeat(first, counts) + offsets]
    kept = contended[pools]
    line_of_edge, pools = line_of_edge[kept], pools[kept]
    has_order = order >= 0
    # Nodes: the lines 0..n-1, then the component's pools, then its full-delivery orders.
    n_pools = len(table.pool_index)
    n_nodes = n + n_pools + int(table.order.max(initial=-1)) + 1

    fixed = np.zeros(n, dtype=bool)
    while True:
        free = ~fixed
        on_pool = free[line_of_edge]
        in_order = free & has_order
        block = smallest_connected(
            n_nodes,
            np.concatenate([line_of_edge[on_pool], np.flatnonzero(in_order)]),
            np.concatenate([n + pools[on_pool], n + n_pools + order[in_order]]),
        )[:n]
        new = _newly_fixed(tier, tiers, most_, held_, all_or_nothing, order, block, free)
        if not new.any():
            break
        fixed |= new
    free = ~fixed
    return set(index[fixed].tolist()), list(by_root(block[free], index[free]).values())


def _newly_fixed(
    tier: int,
    tiers: np.ndarray,
    most: np.ndarray,
    held: np.ndarray,
    all_or_nothing: np.ndarray,
    order: np.ndarray,
    block: np.ndarray,
    free: np.ndarray,
) -> np.ndarray:
    """The free lines fixed by their block's shortfalls, with their full-delivery orders."""
    key = np.unique(block * (tiers.max(initial=0) + 1) + tiers, return_inverse=True)[1]
    shortfall = np.bincount(key[free], weights=(most - held)[free], minlength=len(key))[key]
    earlier_in_full = (tiers < tier) & (held == most)
    new = free & (
        (most == 0) | (earlier_in_full & ((shortfall == 0) | (all_or_nothing & (most > shortfall))))
    )
    orders = np.unique(order[new & (order >= 0)])
    return new | (free & np.isin(order, orders) & (order >= 0))
