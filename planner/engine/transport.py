"""Small transportation problems, for kit lines whose components stand in for each other: a kept
kit's previous lots split among its parts (planner.engine.previous) and a kit's pinned units split
among its parts (planner.engine.pins).

Sources each send exactly their supply, along arcs with a unit cost, to sinks that each take at
most their capacity: a min-cost flow. Whether a count of units or kits can be split is monotone
in the count, so the count is bisected (`edge`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

Found = TypeVar("Found")


def transport(
    supply: Sequence[int], capacity: Sequence[int], arcs: Sequence[tuple[int, int, int]]
) -> list[int] | None:
    """Per arc (source, sink, unit cost), the units a cheapest flow sends along it, every source
    sending exactly its supply and no sink taking more than its capacity; None when no flow does."""
    from ortools.graph.python import min_cost_flow  # only here: most plans never need it

    flow = min_cost_flow.SimpleMinCostFlow()
    first = len(supply)  # node numbers: the sources, then the sinks, then the node all flow ends at
    end = first + len(capacity)
    handles = [
        flow.add_arc_with_capacity_and_unit_cost(source, first + sink, capacity[sink], cost)
        for source, sink, cost in arcs
    ]
    for sink, most in enumerate(capacity):
        flow.add_arc_with_capacity_and_unit_cost(first + sink, end, most, 0)
    for source, units in enumerate(supply):
        flow.set_node_supply(source, units)
    flow.set_node_supply(end, -sum(supply))
    if flow.solve() != flow.OPTIMAL:
        return None
    return [flow.flow(handle) for handle in handles]


def edge(attempt: Callable[[int], Found | None], good: int, found: Found, bad: int) -> tuple[int, Found]:
    """The count nearest `bad` at which `attempt` finds something, and what it finds there, given
    that it finds `found` at `good`, nothing at `bad`, and, finding something at a count, finds
    something at every count between that one and `good` (bisected)."""
    while abs(bad - good) > 1:
        middle = (good + bad) // 2
        if (got := attempt(middle)) is not None:
            good, found = middle, got
        else:
            bad = middle
    return good, found
