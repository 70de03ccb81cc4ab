"""The lexicographic tier loop for a component with integer side restrictions (SPEC 5.1).

Tier by tier, only the lines active at that tier take part (planner.engine.contention),
and they fall apart into parts tied together by contended pools and full-delivery orders
(planner.engine.parts). Each part holding lines of the tier is settled on its own by the
ladder (planner.engine.ladder): no contention, fill flow, flow bound, starving, block MIP.

A part's earlier tier totals are optimal for it: parts only ever merge, and lines outside
the active set get nothing, so the optimum of tiers 1..t over the active lines is that of
the whole problem. All-zero for the new lines is always feasible, so a time limit can only
leave a tier short of proof, never without a plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from planner.engine.backends import Backend
from planner.engine.components import Component
from planner.engine.eligibility import Prepared
from planner.engine.ids import LineId, PoolId, line_demands
from planner.engine.ladder import Part, settle_part
from planner.engine.loop_state import LoopState, TierOutcome
from planner.engine.starving import starved

__all__ = ["TierOutcome", "solve_component"]


def solve_component(
    prep: Prepared,
    comp: Component,
    backend: Backend,
    deadline: float | None,
    on_tier: Callable[[], None] | None = None,
) -> TierOutcome:
    """Maximise each tier of the component in turn, holding the earlier tiers' totals."""
    state = LoopState.start(prep, comp, backend, deadline)
    lines_of_tier: dict[int, list[LineId]] = defaultdict(list)
    for li in comp.lines:
        tier = prep.line_tier[li]
        assert tier is not None
        lines_of_tier[tier].append(li)
    activated: dict[int, list[LineId]] = defaultdict(list)
    for li in comp.lines:
        if state.max_addable[li] > 0:
            activated[state.contention.activation[li]].append(li)
    saturated: dict[int, list[PoolId]] = defaultdict(list)
    for pool, tier in sorted(state.contention.saturation.items()):
        saturated[tier].append(pool)
    outcome = state.outcome
    for tier in sorted(lines_of_tier):
        activate(state, tier, activated[tier], saturated[tier])
        value = bound = 0
        tier_lines = state.parts.by_part(lines_of_tier[tier])
        new = state.parts.by_part(activated[tier])
        for part in sorted(tier_lines):
            lines = tier_lines[part]
            top = sum(state.max_addable[li] for li in lines)
            settled = settle_part(state, Part(tier, part, lines, new.get(part, []), top))
            value, bound = value + settled.value, bound + settled.bound
        outcome.bounds[tier] = bound
        if value < bound:
            outcome.proved = False
            outcome.notes.append(f"{prep.tier_name(tier)}: not proved optimal ({value}, bound {bound})")
        if on_tier is not None:
            on_tier()
    outcome.added = dict(state.holdings.added)
    return outcome


def activate(state: LoopState, tier: int, lines: list[LineId], contended: list[PoolId]) -> None:
    """Add the lines active from `tier` on (those not starved already), then tie the pools
    contended from it."""
    prep, pool_of, pools, parts = state.prep, state.contention.pool_of_demand, state.pools, state.parts
    demands_of = line_demands(prep)
    for li in starved(state, lines):
        state.max_addable[li] = 0
    for li in lines:
        if state.max_addable[li] == 0:
            continue
        for d in demands_of[li]:
            pool = pool_of[d]
            pools.add_line(pool, li)
            if pool in pools.contended:
                parts.join_pool(li, pool)
        if prep.lines[li].full_delivery:
            parts.join_order(li, prep.lines[li].key[0])
    for pool in contended:
        pools.contend(pool)
        on_pool = pools.lines_on(pool)
        for li in on_pool:
            parts.join_pool(li, pool)
        state.holdings.count_pool(pool, on_pool)
