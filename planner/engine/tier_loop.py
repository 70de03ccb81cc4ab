"""The lexicographic tier loop for a component with integer side restrictions (SPEC 5.1).

The module is over 500 lines because the loop's steps share one state object
(`_TierLoop`); the ladder rewrite splits it into one function per step.

Tier by tier, only the lines active at that tier take part (planner.engine.contention),
and they fall apart into parts tied together by contended pools and
full-delivery orders. Each part holding lines of the tier is settled on its own:

- a part with no contended pool gives every line its `most`;
- otherwise, if one plan serves the new lines their `most` beside what the
  active lines already hold, that plan is taken;
- otherwise the part's fixed lines are set aside and its other lines fall into
  blocks (planner.engine.blocks); in each block with a line of the tier short of its
  `most`, the plan is taken if it reaches a flow bound on the tier; else, if
  some new lines are proved to get nothing (*starved*, see `_exhaust`), the
  block is cut and settled again; else a MIP over the block maximises the
  tier, holding each earlier tier's total within the block.

A part's earlier tier totals are optimal for it: parts only ever merge, and
lines outside the active set get nothing, so the optimum of tiers 1..t over
the active lines is that of the whole problem. All-zero for the new lines is
always feasible, so a time limit can only leave a tier short of proof, never
without a plan.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from planner.engine.backends import Backend
from planner.engine.blocks import LineTable, fixed_and_blocks
from planner.engine.components import Component, GrowingGraph
from planner.engine.contention import Contention, contention
from planner.engine.eligibility import Prepared
from planner.engine.flow import most_with_floors, served
from planner.engine.mip import SolverError, SolveStatus
from planner.engine.model import ComponentModel, build_model


@dataclass(slots=True)
class TierOutcome:
    """Per line the quantity added; per tier the proven bound; whether every tier was proved."""

    added: dict[int, int] = field(default_factory=dict)
    bounds: dict[int, int] = field(default_factory=dict)
    proved: bool = True
    notes: list[str] = field(default_factory=list)
    solves: int = 0
    """MIP solves run (the other parts were settled without one)."""


def solve_component(
    prep: Prepared,
    comp: Component,
    backend: Backend,
    deadline: float | None,
    on_tier: Callable[[], None] | None = None,
) -> TierOutcome:
    """Maximise each tier of the component in turn, holding the earlier tiers' totals."""
    loop = _TierLoop(prep, comp, backend, deadline)
    lines_of_tier: dict[int, list[int]] = defaultdict(list)
    for li in comp.lines:
        tier = prep.line_tier[li]
        assert tier is not None
        lines_of_tier[tier].append(li)
    for tier in sorted(lines_of_tier):
        loop.activate(tier)
        value = bound = 0
        tier_lines, new = loop.by_part(lines_of_tier[tier]), loop.by_part(loop.activated[tier])
        for root in sorted(tier_lines):
            part_value, part_bound = loop.settle(tier, root, tier_lines[root], new.get(root, []))
            value, bound = value + part_value, bound + part_bound
        loop.out.bounds[tier] = bound
        if value < bound:
            loop.out.proved = False
            loop.out.notes.append(f"tier {tier + 1}: not proved optimal ({value}, bound {bound})")
        if on_tier is not None:
            on_tier()
    loop.out.added = dict(loop.added)
    return loop.out


class _TierLoop:
    """The growing graph of active lines and contended pools, and the plan so far.

    Graph nodes: line indices, and pools offset by the number of lines.
    """

    def __init__(self, prep: Prepared, comp: Component, backend: Backend, deadline: float | None) -> None:
        self.prep, self.backend, self.deadline = prep, backend, deadline
        self.state: Contention = contention(prep, comp)
        self.graph = GrowingGraph()
        self.added = dict.fromkeys(comp.lines, 0)
        self.out = TierOutcome()
        self.most = dict(self.state.most)
        self.fixed: set[int] = set()
        """Lines that every plan holding the earlier tiers' totals leaves as they are
        (planner.engine.blocks)."""
        self.spare: dict[frozenset[int], int] = {}
        """Per set of lots, the most the lines not yet active can take from it (see _exhaust)."""
        self.sets_of_lot: dict[int, list[frozenset[int]]] = defaultdict(list)
        self.offset = len(prep.lines)
        self.lines_of_pool: dict[int, list[int]] = defaultdict(list)
        self.contended: set[int] = set()
        self.held: dict[int, int] = {}
        """Per lot list of a contended pool's demands, the units its demands hold (kept by `_hold`)."""
        self.held_by: dict[int, int] = {}
        """Per such lot list, one of its demands: it stands for all of them in the fill flow."""
        self.lists_of_pool: dict[int, list[int]] = defaultdict(list)
        self.table = LineTable.of(prep, comp, self.state.pool_of_demand)
        self.flags = np.zeros(len(self.table.pool_index), dtype=bool)
        """The contended pools, flagged in the table's numbering."""
        self.first_line: dict[str, int] = {}
        self.activated: dict[int, list[int]] = defaultdict(list)
        for li in comp.lines:
            if self.most[li] > 0:
                self.activated[self.state.activation[li]].append(li)
        self.saturated: dict[int, list[int]] = defaultdict(list)
        for pool, tier in sorted(self.state.saturation.items()):
            self.saturated[tier].append(pool)

    def activate(self, tier: int) -> None:
        """Add the lines active from `tier` on, then tie the pools contended from it."""
        pool_of = self.state.pool_of_demand
        for li in self._starved(self.activated[tier]):
            self.most[li] = 0
        for li in self.activated[tier]:
            if self.most[li] == 0:
                continue
            for d in self.prep.line_demands[li]:
                self.lines_of_pool[pool_of[d]].append(li)
                if pool_of[d] in self.contended:
                    self.graph.join(li, self.offset + pool_of[d])
            if self.prep.lines[li].full_delivery:
                self.graph.join(li, self.first_line.setdefault(self.prep.lines[li].key[0], li))
        for pool in self.saturated[tier]:
            self.contended.add(pool)
            self.flags[self.table.pool_index[pool]] = True
            for li in self.lines_of_pool[pool]:
                self.graph.join(li, self.offset + pool)
                for d in self.prep.line_demands[li]:
                    if pool_of[d] == pool:
                        self._count(d, self.added[li])

    def _hold(self, li: int, quantity: int) -> None:
        """Set what the line holds, keeping the contended pools' holdings per lot list."""
        change, self.added[li] = quantity - self.added[li], quantity
        if change:
            for d in self.prep.line_demands[li]:
                if self.state.pool_of_demand[d] in self.contended:
                    self._count(d, change)

    def _count(self, d: int, quantity: int) -> None:
        """Count `quantity` more of the demand's line in its lot list's holdings."""
        lots = self.prep.demand_lots[d]
        if lots not in self.held_by:
            self.held_by[lots], self.held[lots] = d, 0
            self.lists_of_pool[self.state.pool_of_demand[d]].append(lots)
        self.held[lots] += self.prep.demands[d].per_unit * quantity

    def by_part(self, lines: list[int]) -> dict[int, list[int]]:
        """The lines grouped by the root of their part, in the order given."""
        parts: dict[int, list[int]] = defaultdict(list)
        for li in lines:
            parts[self.graph.find(li)].append(li)
        return parts

    def settle(self, tier: int, root: int, tier_lines: list[int], new: list[int]) -> tuple[int, int]:
        """Optimise `tier` over the part `root`, given its lines of the tier and its lines new
        at the tier; its tier total and proven bound."""
        most = self.most
        top = sum(most[li] for li in tier_lines)
        nodes = self.graph.nodes(root)
        if all(n < self.offset for n in nodes):  # no contended pool
            self.added.update((li, most[li]) for li in nodes)
            return top, top
        self._fill(tier, new)
        value = sum(self.added[li] for li in tier_lines)
        if value == top:
            return value, value
        if self._out_of_time(tier):  # the fill stands; the bound would only cost time
            return value, top
        return self._settle_lines(tier, sorted(n for n in nodes if n < self.offset))

    def _settle_lines(self, tier: int, lines: list[int]) -> tuple[int, int]:
        """Optimise `tier` over lines that share no stock with others but fixed lines'."""
        prep, most = self.prep, self.most
        value = sum(self.added[li] for li in lines if prep.line_tier[li] == tier)
        bound = value
        # Lines fixed at an earlier tier stay fixed: the plans that hold more tiers are fewer.
        free = [li for li in lines if li not in self.fixed]
        more_fixed, blocks = fixed_and_blocks(self.table, self.flags, tier, free, self.most, self.added)
        self.fixed |= more_fixed
        for block in blocks:
            if any(prep.line_tier[li] == tier and self.added[li] < most[li] for li in block):
                before = sum(self.added[li] for li in block if prep.line_tier[li] == tier)
                block_value, block_bound = self._settle_block(tier, block)
                value += block_value - before
                bound += block_bound - before
        return value, bound

    def _settle_block(self, tier: int, block: list[int]) -> tuple[int, int]:
        """Optimise `tier` over one block, beside the fixed lines on its pools."""
        prep, pool_of = self.prep, self.state.pool_of_demand
        pools = {pool_of[d] for li in block for d in prep.line_demands[li] if pool_of[d] in self.contended}
        lines = sorted({li for pool in pools for li in self.lines_of_pool[pool]} | set(block))
        demands = [d for li in lines for d in prep.line_demands[li] if pool_of[d] in pools]
        tier_lines = [li for li in block if prep.line_tier[li] == tier]
        value = sum(self.added[li] for li in tier_lines)
        block_fixed = self.fixed.intersection(lines)
        bound = self._bound(tier, lines, demands, tier_lines, block_fixed)
        if value == bound:
            return value, value
        if self._exhaust(tier, lines, demands, block, block_fixed):
            return self._settle_lines(tier, block)
        return self._solve(tier, lines, demands, tier_lines, block_fixed, bound)

    def _starved(self, lines: list[int]) -> set[int]:
        """The lines with a demand that less is spare for than their least quantity needs, with
        their full-delivery orders (they get nothing in any plan holding the earlier tiers)."""
        prep = self.prep
        starved = {
            li
            for li in lines
            if any(
                self._spare_for(d) < prep.demands[d].per_unit * self._step(li) for d in prep.line_demands[li]
            )
        }
        orders = {prep.lines[li].key[0] for li in starved if prep.lines[li].full_delivery}
        return starved | {
            li for li in lines if prep.lines[li].full_delivery and prep.lines[li].key[0] in orders
        }

    def _step(self, li: int) -> int:
        """The least the line can take beyond nothing: its `most` if all or nothing, else a pack."""
        line = self.prep.lines[li]
        return self.most[li] if line.full_line or line.full_delivery else line.pack_size

    def _spare_for(self, d: int) -> float:
        """The least spare of the known lot sets that hold every lot of the demand."""
        lots = self.prep.lot_lists[self.prep.demand_lots[d]]
        if not lots:
            return 0
        return min((self.spare[c] for c in self.sets_of_lot[lots[0]] if c.issuperset(lots)), default=math.inf)

    def _exhaust(
        self, tier: int, lines: list[int], demands: list[int], block: list[int], fixed: set[int]
    ) -> bool:
        """Whether some of the block's new lines are proved to get nothing (they then get
        nothing for good).

        What a set of lots has *spare* for the lines activated from this tier on is what it
        can give less the least the earlier lines confined to it (each of their demands'
        lots lies in it) take in a plan holding the earlier tiers' totals. It only shrinks
        as tiers pass (holding more tiers narrows the plans), and a demand whose lots lie in
        a set with less spare than its line's least quantity needs gets nothing. The sets
        tried are the lots of a new line's demand left with nothing, or of its pool, when
        what is left of them now is less than that need; a MIP finds the least taken.
        """
        prep, pool_of = self.prep, self.state.pool_of_demand
        activation = self.state.activation
        earlier = [d for d in demands if activation[prep.demands[d].line] < tier]
        lots_of_pool: dict[int, set[int]] = defaultdict(set)
        for d in demands:
            lots_of_pool[pool_of[d]].update(prep.lot_lists[prep.demand_lots[d]])
        candidates: dict[frozenset[int], tuple[list[int], int]] = {}  # lots -> confined, capacity
        for li in block:
            if activation[li] != tier or self.added[li] > 0 or self.most[li] == 0:
                continue
            for d in prep.line_demands[li]:
                if pool_of[d] not in self.contended:
                    continue
                for lots in (
                    frozenset(lots_of_pool[pool_of[d]]),
                    frozenset(prep.lot_lists[prep.demand_lots[d]]),
                ):
                    confined = [e for e in earlier if lots.issuperset(prep.lot_lists[prep.demand_lots[e]])]
                    capacity = _capacity(prep, lots)
                    left = capacity - sum(
                        prep.demands[e].per_unit * self.added[prep.demands[e].line] for e in confined
                    )
                    if left < prep.demands[d].per_unit * self._step(li) and left < self.spare.get(
                        lots, math.inf
                    ):
                        candidates.setdefault(lots, (confined, capacity))
                        break
        if not candidates or self._out_of_time(tier):
            return False
        for lots, (confined, capacity) in sorted(candidates.items(), key=lambda c: sorted(c[0])):
            model, _ = self._model(tier, lines, demands, fixed)
            for li, col in model.line_col.items():
                if activation[li] >= tier:
                    model.mip.ub[col] = 0
            least: dict[int, float] = defaultdict(float)
            for e in confined:
                least[model.line_col[prep.demands[e].line]] -= prep.demands[e].per_unit
            remaining = None if self.deadline is None else max(0.0, self.deadline - time.monotonic())
            result = self.backend.solve(model.mip, dict(least), remaining, None)
            self.out.solves += 1
            if math.isfinite(result.bound):
                # The least taken is whole; the bound may be off by the solver's tolerances.
                least_taken = math.ceil(-result.bound - 1e-6 * max(1.0, abs(result.bound)))
                spare = max(0, capacity - least_taken)
                if lots not in self.spare:
                    for lot in sorted(lots):
                        self.sets_of_lot[lot].append(lots)
                self.spare[lots] = min(spare, self.spare.get(lots, spare))
        starved = self._starved([li for li in block if activation[li] == tier])
        for li in starved:
            self.most[li] = 0
            self._hold(li, 0)
        return bool(starved)

    def _out_of_time(self, tier: int) -> bool:
        """Whether the deadline has passed (then the plan says which tier it left unsolved)."""
        if self.deadline is None or time.monotonic() < self.deadline:
            return False
        self.out.notes.append(f"tier {tier + 1}: time limit reached before it was solved")
        return True

    def _needs(self, quantity: dict[int, int]) -> dict[int, int]:
        """Units per demand on contended pools of the lines in `quantity`."""
        prep, pool_of = self.prep, self.state.pool_of_demand
        return {
            d: prep.demands[d].per_unit * q
            for li, q in quantity.items()
            for d in prep.line_demands[li]
            if pool_of[d] in self.contended
        }

    def _fill(self, tier: int, lines: list[int]) -> None:
        """Give the lines new at `tier` what one flow serves them beside what the others hold,
        rounded down to what their restrictions allow (less than a feasible plan stays feasible).
        Only the pools the new lines use take part: a demand's lots all lie in its pool, so
        what the others hold elsewhere is served as it is."""
        prep, most, pool_of = self.prep, self.most, self.state.pool_of_demand
        new = {li: most[li] for li in lines}
        wanted = self._needs(new)
        pools = {pool_of[d] for d in wanted}
        held = {
            self.held_by[lots]: self.held[lots]
            for pool in sorted(pools)
            for lots in self.lists_of_pool[pool]
            if self.held[lots]
        }
        got = served(prep, wanted, held)
        amount = dict(new)
        for d, q in got.items():
            li = prep.demands[d].line
            amount[li] = min(amount[li], q // prep.demands[d].per_unit)
        short_orders = {
            prep.lines[li].key[0] for li in new if prep.lines[li].full_delivery and amount[li] < most[li]
        }
        for li, q in amount.items():
            line = prep.lines[li]
            if line.key[0] in short_orders or (line.full_line and q < most[li]):
                q = 0
            self._hold(li, q - q % line.pack_size)

    def _bound(
        self, tier: int, lines: list[int], demands: list[int], tier_lines: list[int], fixed: set[int]
    ) -> int:
        """An upper bound on the tier's total over the part, from a flow relaxation.

        Each line that is not fixed counts through one of its demands on the part's
        pools, the one with the fewest units per line unit (a kit's other components
        take no stock in the relaxation). Fixed lines keep what they hold; every other
        earlier tier's lines together keep at least what they hold now, counting a
        line by the units of its counting demand (at least its quantity); lines on
        slack pools, which need no stock from the flow, count at their `most`. The
        tier's lines take what the flow gives them beside that (fixed lines, kits
        without a one-unit component and lines on slack pools at their `most`), and
        the total is rounded down to one their packs and all-or-nothing rules can reach.
        """
        prep, most = self.prep, self.most
        counting: dict[int, int] = {}
        for d in demands:
            li = prep.demands[d].line
            if li not in counting or prep.demands[d].per_unit < prep.demands[counting[li]].per_unit:
                counting[li] = d
        earlier: dict[int, list[int]] = defaultdict(list)
        for li in lines:
            if (prep.line_tier[li] or 0) < tier and li not in fixed:
                earlier[prep.line_tier[li] or 0].append(li)
        held = {
            d: prep.demands[d].per_unit * self.added[prep.demands[d].line]
            for d in demands
            if prep.demands[d].line in fixed
        }
        groups = [(held, sum(held.values()))]
        for members in earlier.values():
            needs = {
                counting[li]: prep.demands[counting[li]].per_unit * most[li]
                for li in members
                if li in counting
            }
            outside = sum(most[li] for li in members if li not in counting)
            groups.append((needs, max(0, sum(self.added[li] for li in members) - outside)))
        wanted = {
            counting[li]: most[li]
            for li in tier_lines
            if li in counting and li not in fixed and prep.demands[counting[li]].per_unit == 1
        }
        flow = most_with_floors(prep, wanted, groups)
        counted = sum(most[li] for li in tier_lines if li not in counting or counting[li] not in wanted)
        return _reachable_total(prep, most, tier_lines, flow + counted)

    def _model(
        self, tier: int, lines: list[int], demands: list[int], fixed: set[int]
    ) -> tuple[ComponentModel, list[int]]:
        """The MIP of one block with each earlier tier's total held; and the lines it has."""
        prep = self.prep
        # Pools where every line is fixed are feasible as they are and stay out.
        pool_of = self.state.pool_of_demand
        free_pools = {pool_of[d] for d in demands if prep.demands[d].line not in fixed}
        demands = [d for d in demands if pool_of[d] in free_pools]
        lines = sorted({prep.demands[d].line for d in demands} | (set(lines) - fixed))
        pairs = [p for d in demands for p in prep.demand_pairs[d]]
        groups = sorted(g for pool in free_pools for g in self.state.pool_groups.get(pool, []))
        model = build_model(prep, Component(lines, demands, pairs, groups, True))
        earlier: dict[int, list[int]] = defaultdict(list)
        for li in lines:
            if li in fixed:
                col = model.line_col[li]
                model.mip.lb[col] = model.mip.ub[col] = self.added[li]
                continue
            if (prep.line_tier[li] or 0) < tier:
                earlier[prep.line_tier[li] or 0].append(li)
            col = model.line_col[li]
            model.mip.ub[col] = min(model.mip.ub[col], self.most[li])
        for t, members in sorted(earlier.items()):
            cols = [model.line_col[li] for li in members]
            held = sum(self.added[li] for li in members)
            model.mip.add_row(cols, [1] * len(cols), held, math.inf, f"tier[{t}]")
        return model, lines

    def _solve(
        self,
        tier: int,
        lines: list[int],
        demands: list[int],
        tier_lines: list[int],
        fixed: set[int],
        upper: int,
    ) -> tuple[int, int]:
        """The MIP of one block: maximise the tier, each earlier tier's total held; `upper`
        is a bound already proved."""
        current = sum(self.added[li] for li in tier_lines)
        if self._out_of_time(tier):
            return current, upper
        remaining = None if self.deadline is None else self.deadline - time.monotonic()
        model, lines = self._model(tier, lines, demands, fixed)
        cols = [model.line_col[li] for li in tier_lines if li in model.line_col]
        outside = sum(self.added[li] for li in tier_lines if li not in model.line_col)
        hint = {model.line_col[li]: float(self.added[li]) for li in lines}
        result = self.backend.solve(model.mip, dict.fromkeys(cols, 1.0), remaining, hint)
        self.out.solves += 1
        if result.status is SolveStatus.ERROR or (
            result.values is None and result.status is not SolveStatus.NO_SOLUTION
        ):
            raise SolverError(
                f"{self.backend.name} on tier {tier + 1}: {result.status.value} {result.message}"
            )
        bound = upper
        if math.isfinite(result.bound):
            bound = min(upper, outside + math.floor(result.bound + 1e-6))
        found = None if result.values is None else outside + round(sum(result.values[c] for c in cols))
        value = current
        if result.values is not None and found is not None and found >= current:
            value = found
            for li in lines:
                self._hold(li, round(result.values[model.line_col[li]]))
        elif result.values is not None:
            self.out.notes.append(
                f"tier {tier + 1}: {self.backend.name} returned a worse plan than its start"
            )
        if result.status is not SolveStatus.OPTIMAL:
            self.out.proved = False
        return value, max(bound, value)


def _capacity(prep: Prepared, lots: frozenset[int]) -> int:
    """The most the lots can give together, within their lots' and safety-stock groups' caps."""
    top = {lot: prep.capacity[lot] for lot in lots}  # per outermost node so far, what it can give
    node_of = {lot: lot for lot in lots}
    groups = sorted(
        {g for lot in lots for g in prep.lot_groups[lot]}, key=lambda g: len(prep.cap_groups[g].lots)
    )
    for g in groups:  # laminar: inner groups first
        inner = {node_of[lot] for lot in prep.cap_groups[g].lots if lot in lots}
        key = -1 - g
        top[key] = min(prep.cap_groups[g].cap, sum(top.pop(n) for n in inner))
        node_of.update((lot, key) for lot in prep.cap_groups[g].lots if lot in lots)
    return sum(top.values())


def _reachable_total(prep: Prepared, most: dict[int, int], lines: list[int], limit: int) -> int:
    """The largest total of the lines' quantities, each whole packs up to its `most` (a full
    line or full-delivery line: 0 or `most`; a plain line: anything), that is at most `limit`."""
    reach, free = 1, 0  # bit s of reach: s is a total of the discrete lines
    mask = (1 << (limit + 1)) - 1
    for li in lines:
        line, m = prep.lines[li], most[li]
        if line.full_delivery or line.full_line:
            reach |= reach << m
        elif line.pack_size > 1:
            base = reach
            for k in range(line.pack_size, m + 1, line.pack_size):
                reach |= base << k
        else:
            free += m
        reach &= mask
    best = max(s for s in range(limit + 1) if reach >> s & 1)
    return min(limit, best + free)
