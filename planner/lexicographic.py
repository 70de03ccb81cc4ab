"""The lexicographic tier loop for a component with integer side restrictions (SPEC 5.1).

Tier by tier, only the lines active at that tier take part (planner.contention),
and they fall apart into parts tied together by contended pools and
full-delivery orders. Each part holding lines of the tier is settled on its own:

- a part with no contended pool gives every line its `most`;
- otherwise, if one plan serves the new lines their `most` beside what the
  active lines already hold, that plan is taken;
- otherwise a MIP over the part maximises the tier, holding each earlier tier's
  total within the part.

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

from planner.backends import Backend
from planner.components import Component, GrowingGraph
from planner.contention import Contention, contention
from planner.eligibility import Prepared
from planner.flow import max_served
from planner.mip import SolveStatus
from planner.model import build_model


class SolverError(RuntimeError):
    """The backend failed on a model that is feasible by construction."""


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
        for root in sorted({loop.graph.find(li) for li in lines_of_tier[tier]}):
            part_value, part_bound = loop.settle(tier, root)
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
        self.added = {li: 0 for li in comp.lines}
        self.out = TierOutcome()
        self.offset = len(prep.lines)
        self.lines_of_pool: dict[int, list[int]] = defaultdict(list)
        self.contended: set[int] = set()
        self.first_line: dict[str, int] = {}
        self.activated: dict[int, list[int]] = defaultdict(list)
        for li in comp.lines:
            if self.state.most[li] > 0:
                self.activated[self.state.activation[li]].append(li)
        self.saturated: dict[int, list[int]] = defaultdict(list)
        for pool, tier in sorted(self.state.saturation.items()):
            self.saturated[tier].append(pool)

    def activate(self, tier: int) -> None:
        """Add the lines active from `tier` on, then tie the pools contended from it."""
        pool_of = self.state.pool_of_demand
        for li in self.activated[tier]:
            for d in self.prep.line_demands[li]:
                self.lines_of_pool[pool_of[d]].append(li)
                if pool_of[d] in self.contended:
                    self.graph.join(li, self.offset + pool_of[d])
            if self.prep.lines[li].full_delivery:
                self.graph.join(li, self.first_line.setdefault(self.prep.lines[li].key[0], li))
        for pool in self.saturated[tier]:
            self.contended.add(pool)
            for li in self.lines_of_pool[pool]:
                self.graph.join(li, self.offset + pool)

    def settle(self, tier: int, root: int) -> tuple[int, int]:
        """Optimise `tier` over the part `root`; its tier total and proven bound."""
        prep, most = self.prep, self.state.most
        nodes = self.graph.nodes(root)
        lines = sorted(n for n in nodes if n < self.offset)
        pools = {n - self.offset for n in nodes if n >= self.offset}
        tier_lines = [li for li in lines if prep.line_tier[li] == tier]
        top = sum(most[li] for li in tier_lines)
        new = [li for li in lines if self.state.activation[li] == tier]
        if not pools:
            self.added.update((li, most[li]) for li in lines)
            return top, top
        demands = [d for li in lines for d in prep.line_demands[li] if self.state.pool_of_demand[d] in pools]
        fill = {li: most[li] for li in new}
        need = {d: prep.demands[d].per_unit * fill.get(prep.demands[d].line, 0) for d in demands}
        need.update(
            (d, prep.demands[d].per_unit * self.added[prep.demands[d].line])
            for d in demands
            if prep.demands[d].line not in fill
        )
        if all(q == need[d] for d, q in max_served(prep, need).items()):
            self.added.update(fill)
            value = sum(self.added[li] for li in tier_lines)
            if value == top:
                return top, top
        return self._solve(tier, lines, pools, demands, tier_lines, top)

    def _solve(
        self,
        tier: int,
        lines: list[int],
        pools: set[int],
        demands: list[int],
        tier_lines: list[int],
        top: int,
    ) -> tuple[int, int]:
        """The MIP of one part: maximise the tier, each earlier tier's total held."""
        prep = self.prep
        current = sum(self.added[li] for li in tier_lines)
        remaining = None if self.deadline is None else self.deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            self.out.notes.append(f"tier {tier + 1}: time limit reached before it was solved")
            return current, top
        pairs = [p for d in demands for p in prep.demand_pairs[d]]
        groups = sorted(g for pool in pools for g in self.state.pool_groups.get(pool, []))
        model = build_model(prep, Component(lines, demands, pairs, groups, True))
        earlier: dict[int, list[int]] = defaultdict(list)
        for li in lines:
            line_tier = prep.line_tier[li]
            assert line_tier is not None
            if line_tier < tier:
                earlier[line_tier].append(li)
        for t, members in sorted(earlier.items()):
            cols = [model.line_col[li] for li in members]
            held = sum(self.added[li] for li in members)
            model.mip.add_row(cols, [1] * len(cols), held, math.inf, f"tier[{t}]")
        cols = [model.line_col[li] for li in tier_lines]
        hint = {model.line_col[li]: float(self.added[li]) for li in lines}
        result = self.backend.solve(model.mip, dict.fromkeys(cols, 1.0), remaining, hint)
        self.out.solves += 1
        if result.status is SolveStatus.ERROR or (
            result.values is None and result.status is not SolveStatus.FEASIBLE
        ):
            raise SolverError(
                f"{self.backend.name} on tier {tier + 1}: {result.status.value} {result.message}"
            )
        bound = min(top, math.floor(result.bound + 1e-6)) if math.isfinite(result.bound) else top
        found = None if result.values is None else round(sum(result.values[c] for c in cols))
        value = current
        if result.values is not None and found is not None and found >= current:
            value = found
            self.added.update((li, round(result.values[model.line_col[li]])) for li in lines)
        elif result.values is not None:
            self.out.notes.append(
                f"tier {tier + 1}: {self.backend.name} returned a worse plan than its start"
            )
        if result.status is not SolveStatus.OPTIMAL:
            self.out.proved = False
        return value, max(bound, value)
