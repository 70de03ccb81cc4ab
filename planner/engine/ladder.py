"""The ladder: how the tier loop settles one tier over one part, cheapest step first.

Each step either settles what it is given, returning the tier's total there and a proven
bound on it (`Settled`), or says it cannot (None); `climb` tries them in order. The first
two steps work on a whole part, the last three on each block of it:

1. `no_contention`: a part with no contended pool gives every line its `max_addable`.
2. `fill_flow`: one min-cost flow gives the new lines what it can beside what the other
   lines on their pools hold; the tier is proved if every line of it has its `max_addable`.
   (Past the deadline, the fill stands and the bound is the tier's open quantity.)

Otherwise the part is cut into blocks (planner.engine.blocks: its fixed lines set aside),
and each block holding a line of the tier short of its `max_addable` climbs on:

3. `flow_bound`: the tier is proved if it reaches a flow relaxation's bound
   (planner.engine.bound).
4. `starving`: if some new lines are proved to get nothing (planner.engine.starving), the
   block is cut and settled again.
5. `block_mip`: a MIP over the block maximises the tier, each earlier tier's total within
   the block held (planner.engine.block_mip).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

from planner.engine.block_mip import solve_block
from planner.engine.blocks import fixed_and_blocks
from planner.engine.bound import block_bound
from planner.engine.flow import served
from planner.engine.ids import DemandId, LineId, PoolId, line_demands
from planner.engine.loop_state import LoopState
from planner.engine.parts import PartId
from planner.engine.starving import starve


class Settled(NamedTuple):
    """A tier settled over some lines: their total at the tier, and a proven bound on it."""

    value: int
    bound: int


@dataclass(slots=True)
class Part:
    """One part at one tier: its lines of the tier, its lines new at the tier, and the
    most the lines of the tier can get (the sum of their `max_addable`)."""

    tier: int
    part: PartId
    tier_lines: list[LineId]
    new: list[LineId]
    top: int


@dataclass(slots=True)
class Block:
    """One block of a part at one tier.

    `members` are the block's lines; `lines` add the fixed lines on its contended pools
    (`pools`), ascending; `demands` are those lines' demands on these pools; `fixed` the
    fixed lines among `lines`. `bound` is the flow bound, once step 3 has found it.
    """

    tier: int
    members: list[LineId]
    pools: set[PoolId]
    lines: list[LineId]
    demands: list[DemandId]
    tier_lines: list[LineId]
    fixed: set[LineId]
    bound: int | None = None

    @classmethod
    def of(cls, state: LoopState, tier: int, members: list[LineId]) -> Block:
        prep, pool_of, contended = state.prep, state.contention.pool_of_demand, state.pools.contended
        demands_of = line_demands(prep)
        pools = {pool_of[d] for li in members for d in demands_of[li] if pool_of[d] in contended}
        lines = sorted({li for pool in pools for li in state.pools.lines_on(pool)} | set(members))
        demands = [d for li in lines for d in demands_of[li] if pool_of[d] in pools]
        tier_lines = [li for li in members if prep.line_tier[li] == tier]
        return cls(tier, members, pools, lines, demands, tier_lines, state.fixed.intersection(lines))


Unit = TypeVar("Unit", Part, Block)
Step = Callable[[LoopState, Unit], Settled | None]


def no_contention(state: LoopState, part: Part) -> Settled | None:
    """Step 1: with no contended pool, every line of the part gets its `max_addable`."""
    lines = state.parts.uncontended_lines(part.part)
    if lines is None:
        return None
    state.holdings.give_uncontended(lines, state.max_addable)
    return Settled(part.top, part.top)


def fill_flow(state: LoopState, part: Part) -> Settled | None:
    """Step 2: the fill flow gives the new lines what it can; proved if the tier is full."""
    _fill(state, part.new)
    added = state.holdings.added
    value = sum(added[li] for li in part.tier_lines)
    if value == part.top:
        return Settled(value, value)
    if state.out_of_time(part.tier):  # the fill stands; the bound would only cost time
        return Settled(value, part.top)
    return None


def flow_bound(state: LoopState, block: Block) -> Settled | None:
    """Step 3: proved if the block's tier total reaches the flow bound."""
    added = state.holdings.added
    value = sum(added[li] for li in block.tier_lines)
    block.bound = block_bound(state, block.tier, block.lines, block.demands, block.tier_lines, block.fixed)
    return Settled(value, value) if value == block.bound else None


def starving(state: LoopState, block: Block) -> Settled | None:
    """Step 4: if some of the block's new lines are starved, settle the block again, cut anew."""
    if not starve(state, block.tier, block.lines, block.demands, block.members, block.fixed):
        return None
    return settle_blocks(state, block.tier, block.members, block.tier_lines)


def block_mip(state: LoopState, block: Block) -> Settled | None:
    """Step 5: the block's MIP (always settles; unproved if it stopped on time)."""
    assert block.bound is not None, "step 3 runs first"
    value, bound = solve_block(
        state, block.tier, block.lines, block.demands, block.tier_lines, block.fixed, block.bound
    )
    return Settled(value, bound)


PART_STEPS: tuple[Step[Part], ...] = (no_contention, fill_flow)
"""Steps 1 and 2, on a whole part."""
BLOCK_STEPS: tuple[Step[Block], ...] = (flow_bound, starving, block_mip)
"""Steps 3 to 5, on each block of a part that steps 1 and 2 did not settle."""


def climb(state: LoopState, unit: Unit, steps: Sequence[Step[Unit]]) -> Settled | None:
    """The first of the steps that settles the unit, or None if none does."""
    for step in steps:
        settled = step(state, unit)
        if settled is not None:
            return settled
    return None


def settle_part(state: LoopState, part: Part) -> Settled:
    """The part's tier total and bound: steps 1 and 2 on the part, else steps 3 to 5 on its blocks."""
    settled = climb(state, part, PART_STEPS)
    if settled is not None:
        return settled
    return settle_blocks(state, part.tier, state.parts.lines(part.part), part.tier_lines)


def settle_blocks(state: LoopState, tier: int, lines: list[LineId], tier_lines: list[LineId]) -> Settled:
    """The tier total and bound over lines that share no stock with others but fixed lines'
    (`tier_lines`: those of the tier): each block they fall into with a line of the tier
    short of its `max_addable` climbs steps 3 to 5. Lines fixed at an earlier tier stay fixed
    (the plans that hold more tiers are fewer)."""
    prep, added, max_addable = state.prep, state.holdings.added, state.max_addable
    value = sum(added[li] for li in tier_lines)
    bound = value
    fixed = state.fixed
    unfixed = sorted(li for li in lines if li not in fixed)
    newly_fixed, blocks = fixed_and_blocks(
        state.table, state.pools.contended_flags, tier, unfixed, max_addable, added
    )
    state.fixed |= newly_fixed
    for members in blocks:
        if any(prep.line_tier[li] == tier and added[li] < max_addable[li] for li in members):
            before = sum(added[li] for li in members if prep.line_tier[li] == tier)
            settled = climb(state, Block.of(state, tier, members), BLOCK_STEPS)
            assert settled is not None, "the block MIP settles every block"
            value += settled.value - before
            bound += settled.bound - before
    return Settled(value, bound)


def _needs(state: LoopState, quantity: dict[LineId, int]) -> dict[DemandId, int]:
    """Units per demand on contended pools of the lines in `quantity`."""
    prep, pool_of, contended = state.prep, state.contention.pool_of_demand, state.pools.contended
    demands_of = line_demands(prep)
    return {
        d: prep.demands[d].per_unit * q
        for li, q in quantity.items()
        for d in demands_of[li]
        if pool_of[d] in contended
    }


def _fill(state: LoopState, lines: list[LineId]) -> None:
    """Give the lines new at the tier what one flow serves them beside what the others hold,
    rounded down to what their restrictions allow (less than a feasible plan stays feasible).
    Only the pools the new lines use take part: a demand's lots all lie in its pool, so what
    the others hold elsewhere is served as it is."""
    prep, max_addable, pool_of = state.prep, state.max_addable, state.contention.pool_of_demand
    new = {li: max_addable[li] for li in lines}
    wanted = _needs(state, new)
    kept = state.holdings.on_pools({pool_of[d] for d in wanted})
    got = served(prep, wanted, kept)
    amount = dict(new)
    for d, q in got.items():
        li = state.contention.line_of_demand[d]
        amount[li] = min(amount[li], q // prep.demands[d].per_unit)
    short_orders = {
        prep.lines[li].key[0] for li in new if prep.lines[li].full_delivery and amount[li] < max_addable[li]
    }
    for li, q in amount.items():
        line = prep.lines[li]
        if line.key[0] in short_orders or (line.full_line and q < max_addable[li]):
            q = 0
        state.holdings.hold(li, q - q % line.pack_size)
