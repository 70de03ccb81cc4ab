"""Decomposition: lines that compete for no common stock are solved apart.

Lines are linked by a lot they may both use, by a safety-stock group over
their lots, and by a full-delivery order they share.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np

from planner.engine.eligibility import Prepared
from planner.engine.ids import DemandId, GroupId, IntArray, LineId, PairId, spans


@dataclass(frozen=True, slots=True)
class Component:
    """Indices into the prepared tables of one independent part of the problem."""

    lines: list[LineId]
    demands: list[DemandId]
    pairs: list[PairId]
    groups: list[GroupId]
    needs_integers: bool
    """True when a line has an integer side restriction (pack, full line, full delivery, kit)."""


def smallest_connected(n: int, a: IntArray, b: IntArray) -> IntArray:
    """For each of n nodes, the smallest node the edges a[i] - b[i] connect it to.

    Each round hooks every tree's root under the smallest smaller root across an edge
    and then points every node straight at its root, until no edge joins two trees
    (every tree merges within two rounds, so the rounds grow with the log of the size).
    """
    root = np.arange(n)
    while True:
        ra, rb = root[a], root[b]
        apart = ra != rb
        if not apart.any():
            return root
        np.minimum.at(root, np.maximum(ra[apart], rb[apart]), np.minimum(ra[apart], rb[apart]))
        while not np.array_equal(up := root[root], root):
            root = up


def by_root(roots: IntArray, members: IntArray) -> dict[int, list[int]]:
    """Members grouped by their root, roots ascending, each group in the order given."""
    order = np.argsort(roots, kind="stable")
    keys, starts = np.unique(roots[order], return_index=True)
    ordered = members[order].tolist()
    ends = [*starts[1:].tolist(), len(ordered)]
    return {root: ordered[a:b] for root, a, b in zip(keys.tolist(), starts.tolist(), ends)}


def components(prep: Prepared) -> list[Component]:
    """The independent components over the participating lines, in order of their first line."""
    line_nodes, lot_nodes = spans(len(prep.lines), len(prep.lots))
    taking_part = np.array([li for li, line in enumerate(prep.lines) if line.takes_part], dtype=np.int64)
    demand_line = np.array([d.line for d in prep.demands], dtype=np.int64)
    pair_line = line_nodes.nodes(demand_line[np.array([p.demand for p in prep.pairs], dtype=np.int64)])
    pair_lot = lot_nodes.nodes(np.array([p.lot for p in prep.pairs], dtype=np.int64))
    group_lot = lot_nodes.nodes(np.array([g.lots[0] for g in prep.cap_groups], dtype=np.int64))
    tied = np.array(
        [
            *(
                (lot_nodes.node(group.lots[0]), lot_nodes.node(lot))
                for group in prep.cap_groups
                for lot in group.lots[1:]
            ),
            *(
                (line_nodes.node(first), line_nodes.node(li))
                for first, li in _full_delivery_edges(prep, taking_part.tolist())
            ),
        ],
        dtype=np.int64,
    ).reshape(-1, 2)
    root = smallest_connected(
        lot_nodes.end,
        np.concatenate([pair_line, tied[:, 0]]),
        np.concatenate([pair_lot, tied[:, 1]]),
    )

    # A component's root is its smallest node: its first line.
    lines_of = by_root(root[line_nodes.nodes(taking_part)], taking_part)
    demands_of = by_root(root[line_nodes.nodes(demand_line)], np.arange(len(demand_line)))
    pairs_of = by_root(root[pair_lot], np.arange(len(pair_lot)))
    groups_of = by_root(root[group_lot], np.arange(len(group_lot)))
    integer = [
        line.is_kit or line.full_delivery or line.full_line or line.pack_size > 1 for line in prep.lines
    ]
    return [
        Component(
            cast(list[LineId], lines),
            cast(list[DemandId], demands_of.get(r, [])),
            cast(list[PairId], pairs_of.get(r, [])),
            cast(list[GroupId], groups_of.get(r, [])),
            any(integer[li] for li in lines),
        )
        for r, lines in lines_of.items()
    ]


def _full_delivery_edges(prep: Prepared, taking_part: list[int]) -> list[tuple[int, int]]:
    """Each participating line of a full-delivery order tied to the order's first such line."""
    first_line_of_order: dict[str, int] = {}
    return [
        (first_line_of_order.setdefault(prep.lines[li].key[0], li), li)
        for li in taking_part
        if prep.lines[li].full_delivery
    ]


class GrowingGraph:
    """Connected components of a graph that only gains edges, with the nodes of each.

    A node never joined is a component of its own. Joining merges the smaller
    member list into the larger, so building a graph costs O(n log n) in all.
    """

    def __init__(self) -> None:
        self._parent: dict[int, int] = {}
        self._nodes: dict[int, list[int]] = {}

    def find(self, node: int) -> int:
        root = node
        while (up := self._parent.get(root, root)) != root:
            root = up
        while node != root:
            self._parent[node], node = root, self._parent[node]
        return root

    def nodes(self, node: int) -> list[int]:
        """Every node of `node`'s component (do not change the list)."""
        root = self.find(node)
        return self._nodes.get(root, [root])

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        na, nb = self._nodes.pop(ra, [ra]), self._nodes.pop(rb, [rb])
        if len(na) < len(nb):
            ra, rb, na, nb = rb, ra, nb, na
        self._parent[rb] = ra
        self._parent.setdefault(ra, ra)
        na.extend(nb)
        self._nodes[ra] = na
