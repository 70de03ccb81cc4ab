"""Decomposition: lines that compete for no common stock are solved apart.

Lines are linked by a lot they may both use, by a safety-stock group over
their lots, and by a full-delivery order they share.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from planner.eligibility import Prepared


@dataclass(frozen=True, slots=True)
class Component:
    """Indices into the prepared tables of one independent part of the problem."""

    lines: list[int]
    demands: list[int]
    pairs: list[int]
    groups: list[int]
    needs_integers: bool
    """True when a line has an integer side restriction (pack, full line, full delivery, kit)."""


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


def components(prep: Prepared) -> list[Component]:
    """The independent components over the participating lines, in order of their first line."""
    n_lines, n_lots = len(prep.lines), len(prep.lots)
    uf = _UnionFind(n_lines + n_lots)
    for pair in prep.pairs:
        uf.union(prep.demands[pair.demand].line, n_lines + pair.lot)
    for group in prep.cap_groups:
        for lot in group.lots[1:]:
            uf.union(n_lines + group.lots[0], n_lines + lot)
    first_line_of_order: dict[str, int] = {}
    for li, line in enumerate(prep.lines):
        if line.takes_part and line.full_delivery:
            uf.union(first_line_of_order.setdefault(line.key[0], li), li)

    members: dict[int, list[int]] = defaultdict(list)
    for li, line in enumerate(prep.lines):
        if line.takes_part:
            members[uf.find(li)].append(li)
    demands_of: dict[int, list[int]] = defaultdict(list)
    for d, demand in enumerate(prep.demands):
        demands_of[uf.find(demand.line)].append(d)
    pairs_of: dict[int, list[int]] = defaultdict(list)
    for p, pair in enumerate(prep.pairs):
        pairs_of[uf.find(n_lines + pair.lot)].append(p)
    groups_of: dict[int, list[int]] = defaultdict(list)
    for g, group in enumerate(prep.cap_groups):
        groups_of[uf.find(n_lines + group.lots[0])].append(g)

    out = []
    for root in sorted(members, key=lambda r: members[r][0]):
        lines = members[root]
        needs = any(
            prep.lines[li].is_kit
            or prep.lines[li].full_delivery
            or prep.lines[li].full_line
            or prep.lines[li].pack_size > 1
            for li in lines
        )
        out.append(Component(lines, demands_of[root], pairs_of[root], groups_of[root], needs))
    return out


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
