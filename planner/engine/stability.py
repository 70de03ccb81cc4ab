"""The fewest-changes level (SPEC 9.4): holding every tier total, change as few units as possible.

It minimises the sum over (line, lot) of |now - before| and runs after the
tiers and before the preferences (section 5.2), as one more lexicographic level:

- What is fixed before the tiers (reservations, what printed and kept lines
  carry over) is the same in every plan, so the level only looks at what the
  optimiser adds: per pair, its *target* is what the previous plan gave the
  line from the lot beyond the fixed quantity, and |fixed + x - before| is
  |x - target| plus a constant.
- Lines without integer rules (flow components) may trade quantity within
  their tier: `planner.engine.flow.assign` with targets solves that exactly,
  a min-cost flow holding each component's tier totals.
- Each integer component is first given the assignment of its tier loop's line
  quantities (the same flow), then compared with a lower bound: the same flow
  over its lines as if they had no integer rules (kits aside, which a flow
  cannot count). Where the bound is met, the plan is proved; otherwise a MIP
  over the component (`model.build_model`'s rows, each tier's total held as an
  equality, the change as objective) improves it, proved like a tier.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from planner.engine.backends import Backend
from planner.engine.components import Component
from planner.engine.eligibility import Prepared
from planner.engine.flow import assign
from planner.engine.ids import LineId, PairId, demand_pairs
from planner.engine.mip import SolverError, SolveStatus
from planner.engine.model import build_model


@dataclass(slots=True)
class ChangeOutcome:
    """Per integer line its added quantity after the level; whether each component was proved."""

    added: dict[LineId, int]
    proved: bool = True
    notes: list[str] = field(default_factory=list)
    solves: int = 0


def targets(prep: Prepared) -> dict[PairId, int]:
    """Per pair, what the previous plan gave its line from its lot beyond what is fixed there
    before the tiers (reservations, carried-over quantities). A line with two demands on one
    lot (a kit whose components share an item) gives the target to its first such pair."""
    assert prep.previous is not None
    fixed: dict[tuple[int, int], int] = defaultdict(int)
    for r in prep.reservations:
        fixed[(r.line, r.lot)] += r.quantity
    out: dict[PairId, int] = {}
    seen: set[tuple[int, int]] = set()
    pairs_of = demand_pairs(prep)
    for li, line in enumerate(prep.lines):
        if not line.takes_part:
            continue
        for d in prep.line_demands[li]:
            for p in pairs_of[d]:
                key = (li, prep.pairs[p].lot)
                if key in seen:
                    continue
                seen.add(key)
                target = prep.previous.before.get(key, 0) - fixed[key]
                if target > 0:
                    out[PairId(p)] = target
    return out


def change(pairs: Sequence[PairId], flows: dict[PairId, int], target: dict[PairId, int]) -> int:
    """The sum of |x - target| over the pairs."""
    return sum(abs(flows.get(p, 0) - target.get(p, 0)) for p in pairs)


def fewest_changes(
    prep: Prepared,
    integer: list[Component],
    added: dict[LineId, int],
    flows: dict[PairId, int],
    target: dict[PairId, int],
    backend: Backend | None,
    deadline: float | None,
) -> ChangeOutcome:
    """The integer components' line quantities with the fewest changed units, holding each
    component's tier totals; `flows` is the assignment of `added` with these targets."""
    out = ChangeOutcome(dict(added))
    if not integer:
        return out
    relaxed = assign(prep, {}, _tier_shares(prep, integer, added), target)
    for comp in integer:
        now = change(comp.pairs, flows, target)
        kits = any(prep.lines[li].is_kit for li in comp.lines)
        if now == 0 or (not kits and now <= change(comp.pairs, relaxed, target)):
            continue
        if backend is None:
            out.proved = False
            continue
        _solve(prep, comp, added, now, target, backend, deadline, out)
    return out


def _tier_shares(
    prep: Prepared, comps: list[Component], added: dict[LineId, int]
) -> list[tuple[list[LineId], int]]:
    """Per component and tier, its lines and their added total."""
    shares = []
    for comp in comps:
        by_tier: dict[int, list[LineId]] = defaultdict(list)
        for li in comp.lines:
            by_tier[prep.line_tier[li] or 0].append(li)
        shares += [(lines, sum(added[li] for li in lines)) for _, lines in sorted(by_tier.items())]
    return shares


def _solve(
    prep: Prepared,
    comp: Component,
    added: dict[LineId, int],
    now: int,
    target: dict[PairId, int],
    backend: Backend,
    deadline: float | None,
    out: ChangeOutcome,
) -> None:
    """The component's MIP: its restrictions, each tier's total held, the fewest changed units.

    Maximises 2 sum(u) - sum(x) with u <= x and u <= target per pair (so sum |x - target| =
    sum(target) - objective); the start is the tier loop's plan, kept when the MIP finds no better.
    """
    model = build_model(prep, comp)
    mip = model.mip
    by_tier: dict[int, list[LineId]] = defaultdict(list)
    for li in comp.lines:
        by_tier[prep.line_tier[li] or 0].append(li)
    for tier, lines in sorted(by_tier.items()):
        total = sum(added[li] for li in lines)
        mip.add_row([model.line_col[li] for li in lines], [1] * len(lines), total, total, f"tier[{tier}]")
    objective = {model.pair_col[p]: -1.0 for p in comp.pairs}
    wanted = 0
    for p in comp.pairs:
        if target.get(p, 0) > 0:
            u = mip.add_var(0, target[p], False, f"u[{p}]")
            mip.add_row([model.pair_col[p], u], [1, -1], 0, math.inf, f"kept[{p}]")
            objective[u] = 2.0
            wanted += target[p]
    remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
    hint = {model.line_col[li]: float(added[li]) for li in comp.lines}
    result = backend.solve(mip, objective, remaining, hint)
    out.solves += 1
    if result.status is SolveStatus.ERROR or (
        result.values is None and result.status is not SolveStatus.NO_SOLUTION
    ):
        raise SolverError(f"{backend.name} on the fewest changes: {result.status.value} {result.message}")
    first = prep.lines[comp.lines[0]].key
    found = None if result.values is None else wanted - round(result.objective)
    if result.values is not None and found is not None and found < now:
        for li in comp.lines:
            out.added[li] = round(result.values[model.line_col[li]])
    if result.status is not SolveStatus.OPTIMAL:
        out.proved = False
        out.notes.append(
            f"fewest changes: not proved for the lines sharing stock with {first[0]}/{first[1]}"
            f" ({min(now, found if found is not None else now)} units changed)"
        )
