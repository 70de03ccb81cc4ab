"""Parts of the tier loop: active lines tied together by the contended pools they use and by
the full-delivery orders they share.

Parts only ever merge as tiers go on (lines join, pools become contended and stay so), so
they are the connected components of a graph that only gains edges (GrowingGraph), over
two kinds of node: lines and pools.
"""

from __future__ import annotations

from collections import defaultdict
from typing import NewType, cast

from planner.engine.components import GrowingGraph
from planner.engine.ids import LineId, PoolId, spans

PartId = NewType("PartId", int)
"""A part, named by its root node; parts are settled in the order of their ids."""


class Parts:
    """The parts of one component's active lines, as lines join and pools become contended.

    Lines are the first span of nodes, so a line's node is the line itself.
    """

    def __init__(self, n_lines: int, n_pools: int) -> None:
        self._graph = GrowingGraph()
        self._lines, pools = spans(n_lines, n_pools)
        assert self._lines.start == 0
        self._pool_node = [pools.node(pool) for pool in range(n_pools)]
        self._first_line_of_order: dict[str, LineId] = {}

    def join_pool(self, line: LineId, pool: PoolId) -> None:
        """Tie the line to a contended pool it uses."""
        self._graph.join(line, self._pool_node[pool])

    def join_order(self, line: LineId, order: str) -> None:
        """Tie a line of a full-delivery order to the order's other lines."""
        self._graph.join(line, self._first_line_of_order.setdefault(order, line))

    def part_of(self, line: LineId) -> PartId:
        return PartId(self._graph.find(line))

    def by_part(self, lines: list[LineId]) -> dict[PartId, list[LineId]]:
        """The lines grouped by their part, each group in the order given."""
        parts: dict[int, list[LineId]] = defaultdict(list)
        find = self._graph.find
        for li in lines:
            parts[find(li)].append(li)
        return cast(dict[PartId, list[LineId]], parts)

    def lines(self, part: PartId) -> list[LineId]:
        """The part's lines, in the order they joined it."""
        end = self._lines.end
        return cast(list[LineId], [n for n in self._graph.nodes(part) if n < end])

    def uncontended_lines(self, part: PartId) -> list[LineId] | None:
        """The part's lines if it holds no contended pool (then its lines share no stock that
        runs short), else None. Do not change the list."""
        nodes, end = self._graph.nodes(part), self._lines.end
        return cast(list[LineId], nodes) if all(n < end for n in nodes) else None
