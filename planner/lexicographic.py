"""The lexicographic tier loop for a component with integer side restrictions (SPEC 5.1).

Solve a tier, record its value and bound, fix the tier total, start the next
solve from this solution. All-zero is always feasible, so every tier starts from
a feasible point and a time limit can only leave a tier short of proof, never
without a plan.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from planner.backends import Backend
from planner.components import Component
from planner.eligibility import Prepared
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


def solve_component(
    prep: Prepared,
    comp: Component,
    backend: Backend,
    deadline: float | None,
    on_tier: Callable[[], None] | None = None,
) -> TierOutcome:
    """Maximise each tier of the component in turn, holding the earlier tiers' totals."""
    model = build_model(prep, comp)
    mip = model.mip
    values = [0.0] * mip.num_vars
    lines_of_tier: dict[int, list[int]] = defaultdict(list)
    for li in comp.lines:
        tier = prep.line_tier[li]
        assert tier is not None
        lines_of_tier[tier].append(li)
    out = TierOutcome()
    for tier in sorted(lines_of_tier):
        lines = lines_of_tier[tier]
        cols = [model.line_col[li] for li in lines]
        upper = sum(prep.lines[li].open_after_reservations for li in lines)
        current = round(sum(values[c] for c in cols))
        value, bound = current, current
        if current < upper:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                bound, out.proved = upper, False
                out.notes.append(f"tier {tier + 1}: time limit reached before it was solved")
            else:
                result = backend.solve(mip, model.tier_objective(lines), remaining, values)
                if result.status is SolveStatus.ERROR or (
                    result.values is None and result.status is not SolveStatus.FEASIBLE
                ):
                    raise SolverError(
                        f"{backend.name} on tier {tier + 1}: {result.status.value} {result.message}"
                    )
                bound = min(upper, math.floor(result.bound + 1e-6)) if math.isfinite(result.bound) else upper
                if result.values is not None and round(result.objective) >= current:
                    values, value = result.values, round(sum(result.values[c] for c in cols))
                elif result.values is not None:
                    out.notes.append(f"tier {tier + 1}: {backend.name} returned a worse plan than its start")
                if result.status is not SolveStatus.OPTIMAL or value < bound:
                    out.proved = False
                    out.notes.append(f"tier {tier + 1}: not proved optimal ({value}, bound {bound})")
                bound = max(bound, value)
        out.bounds[tier] = bound
        mip.add_row(cols, [1] * len(cols), value, math.inf, f"tier[{tier}]")
        if on_tier is not None:
            on_tier()
    out.added = {li: round(values[model.line_col[li]]) for li in comp.lines}
    return out
