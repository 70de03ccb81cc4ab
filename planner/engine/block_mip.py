"""Step 5 of the ladder: the MIP of one block, maximising a tier with each earlier tier's
total within the block held and the fixed lines fixed; the starving step's MIPs
(planner.engine.starving) use the same model."""

from __future__ import annotations

import math
from collections import defaultdict

from planner.engine.components import Component
from planner.engine.ids import DemandId, LineId, PairId, demand_pairs
from planner.engine.loop_state import LoopState
from planner.engine.mip import SolverError, SolveStatus
from planner.engine.model import ComponentModel, build_model


def block_model(
    state: LoopState, tier: int, lines: list[LineId], demands: list[DemandId], fixed: set[LineId]
) -> tuple[ComponentModel, list[LineId]]:
    """The MIP of one block with each earlier tier's total held; and the lines it has.

    Pools where every line is fixed are feasible as they are and stay out.
    """
    prep, added = state.prep, state.holdings.added
    pool_of, line_of = state.contention.pool_of_demand, state.contention.line_of_demand
    pools_with_unfixed = {pool_of[d] for d in demands if line_of[d] not in fixed}
    demands = [d for d in demands if pool_of[d] in pools_with_unfixed]
    lines = sorted({line_of[d] for d in demands} | (set(lines) - fixed))
    pairs_of = demand_pairs(prep)
    pairs: list[PairId] = [p for d in demands for p in pairs_of[d]]
    groups = sorted(g for pool in pools_with_unfixed for g in state.contention.pool_groups.get(pool, []))
    model = build_model(prep, Component(lines, demands, pairs, groups, True))
    earlier: dict[int, list[LineId]] = defaultdict(list)
    for li in lines:
        col = model.line_col[li]
        if li in fixed:
            model.mip.lb[col] = model.mip.ub[col] = added[li]
            continue
        if (prep.line_tier[li] or 0) < tier:
            earlier[prep.line_tier[li] or 0].append(li)
        model.mip.ub[col] = min(model.mip.ub[col], state.max_addable[li])
    for t, members in sorted(earlier.items()):
        cols = [model.line_col[li] for li in members]
        total = sum(added[li] for li in members)
        model.mip.add_row(cols, [1] * len(cols), total, math.inf, f"tier[{t}]")
    return model, lines


def solve_block(
    state: LoopState,
    tier: int,
    lines: list[LineId],
    demands: list[DemandId],
    tier_lines: list[LineId],
    fixed: set[LineId],
    upper: int,
) -> tuple[int, int]:
    """The tier's total over the block and a proven bound, from the block's MIP; `upper` is a
    bound already proved. A worse plan than the current one is never taken."""
    added, outcome, backend = state.holdings.added, state.outcome, state.backend
    current = sum(added[li] for li in tier_lines)
    if state.out_of_time(tier):
        return current, upper
    remaining = state.seconds_left()
    model, lines = block_model(state, tier, lines, demands, fixed)
    cols = [model.line_col[li] for li in tier_lines if li in model.line_col]
    outside = sum(added[li] for li in tier_lines if li not in model.line_col)
    hint = {model.line_col[li]: float(added[li]) for li in lines}
    result = backend.solve(model.mip, dict.fromkeys(cols, 1.0), remaining, hint)
    outcome.solves += 1
    if result.status is SolveStatus.ERROR or (
        result.values is None and result.status is not SolveStatus.NO_SOLUTION
    ):
        raise SolverError(
            f"{backend.name} on {state.prep.tier_name(tier)}: {result.status.value} {result.message}"
        )
    bound = upper
    if math.isfinite(result.bound):
        bound = min(upper, outside + math.floor(result.bound + 1e-6))
    value = current
    if result.values is not None:
        values = result.values
        found = outside + round(sum(values[c] for c in cols))
        if found >= current:
            value = found
            for li in lines:
                state.holdings.hold(li, round(values[model.line_col[li]]))
        else:
            outcome.notes.append(
                f"{state.prep.tier_name(tier)}: {backend.name} returned a worse plan than its start"
            )
    if result.status is not SolveStatus.OPTIMAL:
        outcome.proved = False
    return value, max(bound, value)
