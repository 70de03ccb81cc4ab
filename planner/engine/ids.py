"""Typed indices into the prepared tables, and node numbers of graphs over several kinds of them.

Lines, demands, pairs, lots, lot lists, safety-stock groups and pools are all numbered from 0;
the NewTypes below keep them apart in signatures. The prepared tables
(planner.engine.eligibility) hold plain ints; the functions here read them with their types.

A graph over two or more kinds of index (lines and lots, lines and pools) numbers each kind in
its own consecutive range of nodes, a `Span`; `spans(...)` lays them out one after another,
so no caller adds offsets by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NewType, cast

import numpy as np
import numpy.typing as npt

from planner.engine.eligibility import Prepared

LineId = NewType("LineId", int)
"""A line: an index into `Prepared.lines`."""
DemandId = NewType("DemandId", int)
"""A demand (what one line asks of one item): an index into `Prepared.demands`."""
PairId = NewType("PairId", int)
"""A (demand, lot) pair that may be served: an index into `Prepared.pairs`."""
LotId = NewType("LotId", int)
"""A lot: an index into `Prepared.lots` and `Prepared.capacity`."""
LotListId = NewType("LotListId", int)
"""A distinct list of lots that demands may use: an index into `Prepared.lot_lists`."""
GroupId = NewType("GroupId", int)
"""A safety-stock group: an index into `Prepared.cap_groups`."""
PoolId = NewType("PoolId", int)
"""A pool of one component (planner.engine.contention), numbered 0.. within the component."""

IntArray = npt.NDArray[np.int64]


# The prepared tables with their ids typed: each reads the whole table once (no copy), so loops
# index it as fast as the plain table.


def line_demands(prep: Prepared) -> tuple[tuple[DemandId, ...], ...]:
    """Per line, its demands (one per stocking item; none for a line that takes no part)."""
    return cast(tuple[tuple[DemandId, ...], ...], prep.line_demands)


def demand_pairs(prep: Prepared) -> tuple[tuple[PairId, ...], ...]:
    """Per demand, its pairs, in its line's preference order."""
    return cast(tuple[tuple[PairId, ...], ...], prep.demand_pairs)


def demand_lots(prep: Prepared) -> tuple[LotListId, ...]:
    """Per demand, the list of lots it may use."""
    return cast(tuple[LotListId, ...], prep.demand_lots)


def lot_lists(prep: Prepared) -> tuple[tuple[LotId, ...], ...]:
    """Per lot list, its lots, best first."""
    return cast(tuple[tuple[LotId, ...], ...], prep.lot_lists)


def lot_pairs(prep: Prepared) -> tuple[tuple[PairId, ...], ...]:
    """Per lot, its pairs."""
    return cast(tuple[tuple[PairId, ...], ...], prep.lot_pairs)


def lot_groups(prep: Prepared) -> tuple[tuple[GroupId, ...], ...]:
    """Per lot, the safety-stock groups over it, item-wide before per-warehouse."""
    return cast(tuple[tuple[GroupId, ...], ...], prep.lot_groups)


def line_of(prep: Prepared, demand: DemandId) -> LineId:
    """The line a demand belongs to."""
    return LineId(prep.demands[demand].line)


def group_lots(prep: Prepared, group: GroupId) -> tuple[LotId, ...]:
    """The lots of a safety-stock group."""
    return cast(tuple[LotId, ...], prep.cap_groups[group].lots)


@dataclass(frozen=True, slots=True)
class Span:
    """One kind of node in a graph numbered by kind: indices 0..size-1 of that kind are the
    nodes start..start+size-1."""

    start: int
    size: int

    @property
    def end(self) -> int:
        """The first node after the span."""
        return self.start + self.size

    def node(self, index: int) -> int:
        """The node of one index of this kind."""
        return self.start + index

    def nodes(self, indices: IntArray) -> IntArray:
        """The nodes of an array of indices of this kind."""
        return indices + self.start

    def holds(self, node: int) -> bool:
        """Whether the node is of this kind."""
        return self.start <= node < self.end

    def index(self, node: int) -> int:
        """The index of one of this span's nodes."""
        return node - self.start

    def indices(self, nodes: Iterable[int]) -> list[int]:
        """The indices of those of the nodes that are of this kind, in the order given."""
        start, end = self.start, self.end
        return [n - start for n in nodes if start <= n < end]

    def covers(self, nodes: Iterable[int]) -> bool:
        """Whether every one of the nodes is of this kind."""
        start, end = self.start, self.end
        return all(start <= n < end for n in nodes)


def spans(*sizes: int) -> tuple[Span, ...]:
    """Consecutive spans of the given sizes, the first starting at node 0."""
    out, start = [], 0
    for size in sizes:
        out.append(Span(start, size))
        start += size
    return tuple(out)
