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
from planner.flow import TierBounds
from planner.mip import SolveStatus
from planner.model import ComponentModel, build_model


class SolverError(RuntimeError):
    """The backend failed on a model that is feasible by construction."""


@dataclass(slots=True)
class TierOutcome:
    """Per line the quantity added; per tier the proven bound; whether every tier was proved."""

    added: dict[int, int] = field(default_factory=dict)
    values: dict[int, int] = field(default_factory=dict)
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
    relaxation = _Relaxation(prep, comp)
    out = TierOutcome()
    for tier in sorted(lines_of_tier):
        lines = lines_of_tier[tier]
        cols = [model.line_col[li] for li in lines]
        current = round(sum(values[c] for c in cols))
        upper = sum(prep.lines[li].open_after_reservations for li in lines)
        if current < upper:
            upper = min(upper, relaxation.bound(tier, out.values))
        value, bound = current, current
        if current < upper:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                bound, out.proved = upper, False
                out.notes.append(f"tier {tier + 1}: time limit reached before it was solved")
            else:
                objective = _tier_objective(prep, model, lines_of_tier, tier)
                result = backend.solve(mip, objective, remaining, values)
                if result.status is SolveStatus.ERROR or (
                    result.values is None and result.status is not SolveStatus.FEASIBLE
                ):
                    raise SolverError(
                        f"{backend.name} on tier {tier + 1}: {result.status.value} {result.message}"
                    )
                bound = min(upper, math.floor(result.bound + 1e-6)) if math.isfinite(result.bound) else upper
                found = None if result.values is None else round(sum(result.values[c] for c in cols))
                if result.values is not None and found is not None and found >= current:
                    values, value = result.values, found
                elif result.values is not None:
                    out.notes.append(f"tier {tier + 1}: {backend.name} returned a worse plan than its start")
                if result.status is not SolveStatus.OPTIMAL or value < bound:
                    out.proved = False
                    out.notes.append(f"tier {tier + 1}: not proved optimal ({value}, bound {bound})")
                bound = max(bound, value)
        out.bounds[tier] = bound
        out.values[tier] = value
        mip.add_row(cols, [1] * len(cols), value, math.inf, f"tier[{tier}]")
        if on_tier is not None:
            on_tier()
    out.added = {li: round(values[model.line_col[li]]) for li in comp.lines}
    return out


def _tier_objective(
    prep: Prepared, model: ComponentModel, lines_of_tier: dict[int, list[int]], tier: int
) -> dict[int, float]:
    """Tier `tier`'s added quantity, plus a reward below 1/4 for later tiers, earlier ones more.

    The tier part is whole and the rest lies in [0, 1/4), so an optimum within an
    absolute gap of 1/2 has the tier's optimal total (if the found total a and the
    best a* differed, a* - a <= 1/2 + 1/4 < 1). The reward makes the solution a
    good start for the later tiers, which then often need no solve of their own.
    """
    objective: dict[int, float] = {model.line_col[li]: 1.0 for li in lines_of_tier[tier]}
    later = [t for t in sorted(lines_of_tier) if t > tier]
    total = sum(prep.lines[li].open_after_reservations for t in later for li in lines_of_tier[t])
    if not later or total == 0:
        return objective
    unit = 0.24 / total
    for rank, t in enumerate(later):
        weight = unit * (len(later) - rank) / len(later)
        for li in lines_of_tier[t]:
            objective[model.line_col[li]] = weight
    return objective


class _Relaxation:
    """Upper bounds on a tier's total, from the component without integer side restrictions.

    Plain lines (not kits, not of blocked orders) form a polymatroid; kit lines count
    in full and lines of blocked orders as nothing. Every plan of the component, with
    its earlier tiers at their fixed totals, is feasible for the relaxation in which
    each earlier tier's plain lines keep at least (its total - its kit lines' open
    quantity), so the relaxation's maximum for the tier bounds the tier's optimum.
    """

    def __init__(self, prep: Prepared, comp: Component) -> None:
        self.prep = prep
        blocked = {li: prep.lines[li].key[0] in prep.blocked_orders for li in comp.lines}
        self.kit_open: dict[int, int] = defaultdict(int)
        plain = set()
        for li in comp.lines:
            line = prep.lines[li]
            if line.is_kit and not blocked[li]:
                self.kit_open[prep.line_tier[li] or 0] += line.open_after_reservations
            elif not line.is_kit and not blocked[li]:
                plain.add(li)
        pairs = [p for p in comp.pairs if prep.demands[prep.pairs[p].demand].line in plain]
        self.flow = TierBounds(prep, sorted(plain), pairs) if plain else None

    def bound(self, tier: int, values: dict[int, int]) -> int:
        """Most the tier can get while each earlier tier t keeps values[t]."""
        if self.flow is None or tier not in self.flow.tiers:
            return self.kit_open[tier]
        floors = {t: max(0, v - self.kit_open[t]) for t, v in values.items()}
        return self.flow.bound(tier, floors) + self.kit_open[tier]
