"""Exact min-cost flows over the supply tree: source -> item safety stock -> warehouse
safety stock -> lot -> demand.

Safety-stock groups are laminar (an item's lots contain its per-warehouse lots,
which contain single lots), so the supply side is a tree and both problems below
are network flows with whole capacities: their optima are whole and exact.

- `lexicographic_flow`: for lines with no integer side restriction, the
  quantities a set of lines can receive form a polymatroid, so one min-cost flow
  with strictly decreasing tier weights gives the lexicographic optimum.
- `assign`: with every line's (or tier's) quantity fixed, the cheapest lot
  assignment by preference cost (section 5.2).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import numpy as np

from models.errors import PlannerError
from planner.engine.eligibility import Prepared
from planner.engine.ids import DemandId, LineId, PairId, demand_pairs

if TYPE_CHECKING:
    from ortools.graph.python import min_cost_flow


class FlowError(PlannerError):
    """A flow that must exist did not (a bug, never an input problem)."""


@dataclass(slots=True)
class _Network:
    tails: list[int]
    heads: list[int]
    caps: list[int]
    costs: list[int]
    n_nodes: int = 1  # node 0 is the source

    def node(self) -> int:
        self.n_nodes += 1
        return self.n_nodes - 1

    def nodes(self, count: int) -> range:
        """`count` new nodes."""
        self.n_nodes += count
        return range(self.n_nodes - count, self.n_nodes)

    def arc(self, tail: int, head: int, cap: int, cost: int) -> int:
        self.tails.append(tail)
        self.heads.append(head)
        self.caps.append(cap)
        self.costs.append(cost)
        return len(self.tails) - 1

    def arcs(self, tails: list[int], heads: list[int], caps: list[int], costs: list[int]) -> range:
        """The arcs tails[i] -> heads[i] in order, as `arc` would add them one by one; their ids."""
        self.tails += tails
        self.heads += heads
        self.caps += caps
        self.costs += costs
        return range(len(self.tails) - len(tails), len(self.tails))

    def build(self) -> min_cost_flow.SimpleMinCostFlow:
        """The network as an OR-Tools min-cost flow (arc ids are the order of `arc` calls); OR-Tools
        is imported by the first flow (`planner explain` on a line its ceiling settles needs none)."""
        from ortools.graph.python import min_cost_flow

        smcf = min_cost_flow.SimpleMinCostFlow()
        smcf.add_arcs_with_capacity_and_unit_cost(
            np.array(self.tails, dtype=np.int32),
            np.array(self.heads, dtype=np.int32),
            np.array(self.caps, dtype=np.int64),
            np.array(self.costs, dtype=np.int64),
        )
        return smcf

    def solve(self, supplies: dict[int, int]) -> np.ndarray:
        """Flows on every arc of an exact min-cost flow meeting `supplies` (0 at other nodes)."""
        smcf = self.build()
        supply = np.zeros(self.n_nodes, dtype=np.int64)
        supply[list(supplies)] = list(supplies.values())
        smcf.set_nodes_supplies(np.arange(self.n_nodes, dtype=np.int32), supply)
        status = smcf.solve()
        if status != smcf.OPTIMAL:
            raise FlowError(f"min-cost flow ended with status {status}")
        return np.asarray(smcf.flows(np.arange(len(self.tails), dtype=np.int32)))


def _supply_tree(prep: Prepared, pairs: Iterable[PairId]) -> tuple[_Network, dict[int, int]]:
    """Source -> safety-stock groups -> lots, for the lots the given pairs use; returns lot nodes."""
    net = _Network([], [], [], [])
    lots = sorted({prep.pairs[p].lot for p in pairs})
    group_node: dict[int, int] = {}
    parent = dict.fromkeys(lots, 0)
    # Item-wide groups come before per-warehouse ones, so nesting follows list order.
    for g in sorted({g for lot in lots for g in prep.lot_groups[lot]}):
        group = prep.cap_groups[g]
        members = [lot for lot in group.lots if lot in parent]
        group_node[g] = net.node()
        net.arc(parent[members[0]], group_node[g], group.cap, 0)
        for lot in members:
            parent[lot] = group_node[g]
    lot_node = dict(zip(lots, net.nodes(len(lots))))
    net.arcs(
        [parent[lot] for lot in lots],
        list(lot_node.values()),
        [prep.capacity[lot] for lot in lots],
        [0] * len(lots),
    )
    return net, lot_node


def _pair_arcs(
    net: _Network,
    prep: Prepared,
    lot_node: dict[int, int],
    pairs: list[PairId],
    heads: list[int],
    costs: list[int],
) -> range:
    """One arc per pair, from its lot's node to heads[i] with the lot's capacity and costs[i]."""
    lots = [prep.pairs[p].lot for p in pairs]
    return net.arcs([lot_node[lot] for lot in lots], heads, [prep.capacity[lot] for lot in lots], costs)


def _arcs_to(
    net: _Network, demand_node: dict[int, int], needs: dict[DemandId, int], head: int, cost: int
) -> range:
    """One arc per demand in `needs`, from its node to `head`, capped at its need."""
    return net.arcs(
        [demand_node[d] for d in needs], [head] * len(needs), list(needs.values()), [cost] * len(needs)
    )


def _demand_network(prep: Prepared, demands: Iterable[DemandId]) -> tuple[_Network, dict[int, int], int, int]:
    """Supply tree -> lots -> one node per demand, a sink (no demand arcs yet), and the
    total supply, whose surplus drains straight to the sink."""
    demands = list(demands)
    pairs_of = demand_pairs(prep)
    pairs = [p for d in demands for p in pairs_of[d]]
    net, lot_node = _supply_tree(prep, pairs)
    demand_node: dict[int, int] = dict(zip(demands, net.nodes(len(demands))))
    heads = [demand_node[prep.pairs[p].demand] for p in pairs]
    _pair_arcs(net, prep, lot_node, pairs, heads, [0] * len(pairs))
    sink = net.node()
    total = sum(prep.capacity[lot] for lot in lot_node)
    net.arc(0, sink, total, 0)  # what no demand takes stays in stock
    return net, demand_node, sink, total


def _merged(
    prep: Prepared, needs: dict[DemandId, int], rank: dict[DemandId, int] | None = None
) -> dict[DemandId, int]:
    """The needs of demands that may use the same lots (and have the same `rank`, if given)
    carried by the first of them: a flow can share their total between them in any way, so
    the networks stay the same."""
    first: dict[tuple[int, int | None], DemandId] = {}
    merged: dict[DemandId, int] = {}
    for d, q in needs.items():
        rep = first.setdefault((prep.demand_lots[d], None if rank is None else rank[d]), d)
        merged[rep] = merged.get(rep, 0) + q
    return merged


def served(
    prep: Prepared, wanted: dict[DemandId, int], kept: dict[DemandId, int] | None = None
) -> dict[DemandId, int]:
    """How much of each wanted demand (units) one plan serves at most, beside serving every
    kept demand in full (which must be possible): a min-cost flow where kept demands come first.

    Demands that share no stock do not compete, so a group of wanted demands is served in
    full by some plan exactly when this flow serves each of them in full.
    """
    kept = _merged(prep, kept or {})
    net, demand_node, sink, total = _demand_network(prep, (*wanted, *kept))
    first = sum(wanted.values()) + 1
    _arcs_to(net, demand_node, kept, sink, -first)
    arcs = _arcs_to(net, demand_node, wanted, sink, -1)
    flows = net.solve({0: total, sink: -total})[arcs].tolist()
    return dict(zip(wanted, flows))


def served_by_rank(prep: Prepared, wanted: dict[DemandId, int], rank: dict[DemandId, int]) -> dict[int, int]:
    """Per rank, how much of the wanted demands (units) of that rank one plan serves when the
    ranks are served in order, each as much as it can beside the ranks before it: one min-cost
    flow with strictly decreasing weights, exact because the amounts a set of demands can be
    served form a polymatroid (so it serves every prefix of ranks its most at once)."""
    ranks = sorted(set(rank.values()))
    weight = {r: len(ranks) - k for k, r in enumerate(ranks)}
    needs = _merged(prep, wanted, rank)
    net, demand_node, sink, total = _demand_network(prep, needs)
    arcs = net.arcs(
        [demand_node[d] for d in needs],
        [sink] * len(needs),
        list(needs.values()),
        [-weight[rank[d]] for d in needs],
    )
    flows = net.solve({0: total, sink: -total})[arcs].tolist()
    out = dict.fromkeys(ranks, 0)
    for d, q in zip(needs, flows):
        out[rank[d]] += q
    return out


def most_with_floors(
    prep: Prepared, wanted: dict[DemandId, int], groups: list[tuple[dict[DemandId, int], int]]
) -> int:
    """The most the wanted demands take together while each group of demands (capped at
    their needs) takes at least its floor: a flow relaxation, floors met first."""
    wanted = _merged(prep, wanted)
    groups = [(_merged(prep, needs), floor) for needs, floor in groups]
    net, demand_node, sink, total = _demand_network(prep, (*wanted, *(d for g, _ in groups for d in g)))
    first = sum(wanted.values()) + 1
    for needs, floor in groups:
        node = net.node()
        _arcs_to(net, demand_node, needs, node, 0)
        net.arc(node, sink, floor, -first)
        net.arc(node, sink, total, 0)
    arcs = _arcs_to(net, demand_node, wanted, sink, -1)
    return int(net.solve({0: total, sink: -total})[arcs].sum())


def lexicographic_flow(prep: Prepared, lines: list[LineId], pairs: list[PairId]) -> dict[LineId, int]:
    """Added quantity per line maximising tier 1, then tier 2, ... (lines without side restrictions)."""
    net, lot_node = _supply_tree(prep, pairs)
    n_tiers = len(prep.tiers)
    line_node: dict[int, int] = {li: net.node() for li in lines}
    sink = net.node()
    heads = [line_node[prep.demands[prep.pairs[p].demand].line] for p in pairs]
    _pair_arcs(net, prep, lot_node, pairs, heads, [0] * len(pairs))
    line_arcs = net.arcs(
        [line_node[li] for li in lines],
        [sink] * len(lines),
        [prep.lines[li].open_after_reservations for li in lines],
        [-(n_tiers - (prep.line_tier[li] or 0)) for li in lines],
    )
    total = sum(prep.capacity[lot] for lot in lot_node)
    net.arc(0, sink, total, 0)  # what no line takes stays in stock
    flows = net.solve({0: total, sink: -total})
    return dict(zip(lines, flows[line_arcs].tolist()))


def assign(
    prep: Prepared,
    fixed: dict[LineId, int],
    shares: list[tuple[list[LineId], int]],
    targets: dict[PairId, int] | None = None,
) -> dict[PairId, int]:
    """Quantity per pair: `fixed` lines get exactly their added quantity (times per_unit per
    demand), the lines of each share get its total between them; minimum total preference cost.

    With `targets` (pair -> units the previous plan left to the optimiser on it), first the
    fewest changed units, the sum of |quantity - target| over pairs, then the preference cost:
    each pair's arc costs `weight` more per unit, and a parallel arc of the target's capacity
    `weight` less, where `weight` exceeds any difference in preference cost.
    """
    share_of = {li: s for s, (lines, _) in enumerate(shares) for li in lines}
    demands = cast(
        list[DemandId], [d for d, dm in enumerate(prep.demands) if dm.line in fixed or dm.line in share_of]
    )
    pairs_of = demand_pairs(prep)
    pairs = [p for d in demands for p in pairs_of[d]]
    net, lot_node = _supply_tree(prep, pairs)
    demand_node: dict[int, int] = dict(zip(demands, net.nodes(len(demands))))
    share_node = net.nodes(len(shares))
    heads = [demand_node[prep.pairs[p].demand] for p in pairs]
    line_of_demand = cast(dict[DemandId, LineId], {d: prep.demands[d].line for d in demands})
    supplies = {
        demand_node[d]: -prep.demands[d].per_unit * fixed[line_of_demand[d]]
        for d in demands
        if line_of_demand[d] in fixed
    }
    supplies |= {node: -total for node, (_, total) in zip(share_node, shares)}
    costs = [prep.pairs[p].cost for p in pairs]
    weight = 0
    if targets is not None:
        weight = (max(costs, default=0) + 1) * -sum(supplies.values()) + 1
        costs = [c + weight for c in costs]
    pair_arcs = _pair_arcs(net, prep, lot_node, pairs, heads, costs)
    shared = [d for d in demands if line_of_demand[d] in share_of]
    net.arcs(
        [demand_node[d] for d in shared],
        [share_node[share_of[line_of_demand[d]]] for d in shared],
        [prep.lines[line_of_demand[d]].open_after_reservations for d in shared],
        [0] * len(shared),
    )
    kept = [i for i, p in enumerate(pairs) if targets and targets.get(p, 0) > 0]
    assert targets is not None or not kept
    keep_arcs = net.arcs(
        [lot_node[prep.pairs[pairs[i]].lot] for i in kept],
        [heads[i] for i in kept],
        [min(targets[pairs[i]], prep.capacity[prep.pairs[pairs[i]].lot]) for i in kept] if targets else [],
        [costs[i] - 2 * weight for i in kept],
    )
    supplies[0] = -sum(supplies.values())
    solved = net.solve(supplies)
    flows = solved[pair_arcs]
    if kept:
        flows = flows.copy()
        flows[kept] += solved[keep_arcs]
    used = np.flatnonzero(flows > 0).tolist()
    return dict(zip([pairs[i] for i in used], flows[used].tolist()))
