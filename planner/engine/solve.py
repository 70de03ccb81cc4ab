"""`solve(scenario) -> Plan`: prepare, decompose, optimise tier by tier, assign lots, check.

Components without integer side restrictions are solved together by one exact
lexicographic min-cost flow; each other component by the tier loop on a MIP
backend. One final min-cost flow then picks lots by preference (section 5.2)
holding every tier total. No plan leaves without passing the independent checker.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal, cast

from models.codes import PlanStatus, Reason, Source
from models.collector import collector_paused
from models.errors import PlannerError
from models.records import Scenario
from planner.check import Violation, check_tables
from planner.engine.backends import SolverUnavailable, get_backend, mip_backend
from planner.engine.backends.pulp import PulpBackend
from planner.engine.components import Component, components
from planner.engine.eligibility import Prepared, prepare
from planner.engine.first_in_tier import first_in_tier
from planner.engine.flow import assign, lexicographic_flow
from planner.engine.greedy import greedy
from planner.engine.ids import LineId, PairId
from planner.engine.pins import incomplete
from planner.engine.stability import fewest_changes, targets
from planner.engine.takeover import fingerprints, plan_rows, taken_over, takes_over
from planner.engine.workers import solve_components
from planner.progress import Progress
from planner.result.explain import short_lines
from planner.result.plan import Allocation, Plan, TierResult

Route = Literal["auto", "tier_loop"]
"""Which components go through the tier loop: "auto" those with an integer side restriction
(the others go to the exact lexicographic flow), "tier_loop" every one (for tests that hold the
tier loop to the same optimum)."""


class PlanRejected(PlannerError):
    """The checker found the plan breaks the contract; it is not returned."""

    def __init__(self, solver: str, violations: list[Violation]) -> None:
        self.violations = violations
        lines = "\n".join(f"  {v.rule}: {v.message}" for v in violations[:20])
        super().__init__(f"the plan from {solver} breaks the contract:\n{lines}")


def _require(name: str) -> None:
    """Raise SolverUnavailable, naming the solver and what there is, for a name that is unknown or a PuLP
    solver that is not installed; before any work, whether or not the scenario needs a MIP."""
    if name in ("auto", "greedy"):
        return
    backend = get_backend(name)
    if isinstance(backend, PulpBackend) and not backend.available():
        raise SolverUnavailable(
            f"solver {name} is not available on this machine; PuLP has {', '.join(backend.installed())}"
            " (use pulp:NAME), or choose auto, highs, scip, cpsat or greedy"
        )


@collector_paused()
def solve(
    scenario: Scenario,
    solver: str | None = None,
    time_limit: float | None = None,
    progress: Progress | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    route: Route = "auto",
) -> Plan:
    """The lexicographically optimal plan (or, for solver "greedy", the ERP-style baseline).

    Integer components are solved on `workers` local processes, or on the Dask cluster at
    `scheduler` ("local" for a LocalCluster); the plan is the same (planner.engine.workers).
    `route` says which components the tier loop solves (see `Route`). `progress` hears each
    phase begin, under the name it has in summary.json's `phases`.
    """
    start = time.monotonic()
    phases: dict[str, float] = {}
    lap = start

    def done(phase: str, following: str | None = None) -> None:
        nonlocal lap
        now = time.monotonic()
        phases[phase], lap = now - lap, now
        if following is not None and progress is not None:
            progress.phase(following)

    name = solver or scenario.solver.name
    _require(name)
    limit = time_limit if time_limit is not None else scenario.solver.time_limit
    if progress is not None:
        progress.phase("eligibility")
    prep = prepare(scenario)
    done("eligibility", "greedy")
    baseline_added, baseline_flows = greedy(prep)
    done("greedy", "optimise" if name != "greedy" else "report and check")
    taken = _Taken()
    if name == "greedy":
        result = _Optimum(baseline_added, [], None, False, "greedy", [])
        flow_lines: set[LineId] = set()
        flows = baseline_flows
    else:
        deadline = None if limit is None else start + limit
        comps = components(prep)
        target = targets(prep) if prep.previous is not None else {}
        taken = (
            _Taken(comps, *taken_over(prep, comps, target)) if prep.previous is not None else _Taken(comps)
        )
        result = _optimise(prep, taken, name, deadline, progress, workers, scheduler, route)
        short = {
            li
            for li in prep.pins.forced
            if result.added.get(LineId(li), 0) < prep.lines[li].open_after_reservations
        }
        if short:
            raise incomplete(prep.pins, prep.lines, short, result.proved)
        done("optimise", "assign" if prep.previous is None else "fewest changes")
        flow_lines = {li for lines in result.flow_components for li in lines}
        fixed = {li: q for li, q in result.added.items() if li not in flow_lines and li not in taken.added}
        if prep.previous is None:
            flows = assign(prep, fixed, _shares(prep, result))
        else:
            flows = _fewest_changes(prep, result, fixed, name, deadline, route, taken.solving, target)
            flows |= taken.flows
            done("fewest changes", "assign")
        done("assign", "report and check")
    # Lines that share a tier total may have traded quantity in the assignment.
    added = _added_from_flows(prep, result.added, flow_lines, flows)
    plan = Plan(
        prepared=prep.reported(),
        added=added,
        allocations=_allocations(prep, added, flows),
        status=PlanStatus.OPTIMAL if result.proved else PlanStatus.FEASIBLE,
        solver=result.solver,
        seconds=time.monotonic() - start,
        tiers=_tier_results(prep, added, cast(dict[int, int], baseline_added), result.tier_bounds),
        notes=(*(prep.previous.notes if prep.previous else ()), *result.notes),
        phases=phases,
        # every line of a flow component, solved now or taken over (explain.csv's same-tier details)
        flow_lines=frozenset(
            li for c in taken.comps if not c.needs_integers and route == "auto" for li in c.lines
        ),
        solved=_fingerprints(prep, taken, flows) if result.proved else (),
    )
    changes = plan.changes_frame() if prep.previous is not None else None
    violations = check_tables(
        scenario,
        plan.allocations_frame(),
        plan.lines_frame(),
        plan.summary.to_json(),
        plan.items_frame(),
        changes,
        plan.explain_frame(),
    )
    if violations:
        raise PlanRejected(result.solver, violations)
    done("report and check")
    return plan


def explain_plan(plan: Plan, solver: str | None = None, time_limit: float | None = None) -> Plan:
    """The plan with explain.csv's first_in_tier and extra_stock for every participating line that is
    not full (SPEC 10, `planner solve --explain`), each MIP within `time_limit`; checked like the plan."""
    prep = plan.prepared
    backend = mip_backend(solver or prep.scenario.solver.name)
    proved = plan.status == PlanStatus.OPTIMAL
    explained = plan.with_first_in_tier(
        first_in_tier(prep, plan.added, short_lines(plan), backend, time_limit, proved)
    )
    violations = check_tables(
        prep.scenario,
        plan.allocations_frame(),
        plan.lines_frame(),
        changes=plan.changes_frame() if prep.previous is not None else None,
        explain=explained.explain_frame(),
    )
    if violations:
        raise PlanRejected(plan.solver, violations)
    return explained


@dataclass(slots=True)
class _Taken:
    """The components of a solve: those taken over from the previous plan (planner.engine.takeover)
    by index, with their fingerprints, their pairs' quantities and their lines' added quantities;
    the others, to solve."""

    comps: list[Component] = field(default_factory=list)
    prints: dict[int, str] = field(default_factory=dict)
    flows: dict[PairId, int] = field(default_factory=dict)
    added: dict[LineId, int] = field(default_factory=dict)
    solving: list[Component] = field(init=False)

    def __post_init__(self) -> None:
        self.solving = [c for i, c in enumerate(self.comps) if i not in self.prints]


@dataclass(slots=True)
class _Optimum:
    """Tier totals found: added quantity per line, the lines of each flow component (they may
    trade quantity within a tier in the assignment), proven bounds per tier (None: no proof, as
    for the greedy)."""

    added: dict[LineId, int]
    flow_components: list[list[LineId]]
    tier_bounds: dict[int, int] | None
    proved: bool
    solver: str
    notes: list[str]


def _optimise(
    prep: Prepared,
    taken: _Taken,
    name: str,
    deadline: float | None,
    progress: Progress | None,
    workers: int,
    scheduler: str | None,
    route: Route,
) -> _Optimum:
    """The tier totals of every component; those taken over keep the previous plan's, proved by its
    solve."""
    any_flow = any(not c.needs_integers and route == "auto" for c in taken.comps)
    any_integer = any(c.needs_integers or route == "tier_loop" for c in taken.comps)
    comps = taken.solving
    through_flow = [c for c in comps if not c.needs_integers and route == "auto"]
    integer = [c for c in comps if c.needs_integers or route == "tier_loop"]
    flow_lines = [li for c in through_flow for li in c.lines]
    result = _Optimum(dict(taken.added), [c.lines for c in through_flow], defaultdict(int), True, "flow", [])
    assert result.tier_bounds is not None
    for li, q in taken.added.items():
        result.tier_bounds[prep.line_tier[li] or 0] += q
    if flow_lines:
        result.added.update(lexicographic_flow(prep, flow_lines, [p for c in through_flow for p in c.pairs]))
        for li in flow_lines:
            result.tier_bounds[prep.line_tier[li] or 0] += result.added[li]
    if not any_integer:
        return result
    backend = mip_backend(name)
    if not backend.available():
        raise PlannerError(f"solver {backend.name} is not available on this machine")
    result.solver = f"flow+{backend.name}" if any_flow else backend.name
    if not integer:
        return result
    steps = None if progress is None else progress.steps
    solved = solve_components(prep, integer, backend.name, deadline, steps, workers, scheduler)
    for outcome in solved.outcomes:
        result.added.update(outcome.added)
        for tier, bound in outcome.bounds.items():
            result.tier_bounds[tier] += bound
        result.proved &= outcome.proved
        result.notes += outcome.notes
    result.notes += solved.notes
    return result


def _fewest_changes(
    prep: Prepared,
    result: _Optimum,
    fixed: dict[LineId, int],
    name: str,
    deadline: float | None,
    route: Route,
    comps: list[Component],
    target: dict[PairId, int],
) -> dict[PairId, int]:
    """Holding every tier total, the fewest changed units against the previous plan (SPEC 9.4),
    then the preferences, over `comps` (with `target`, `stability.targets`): the integer lines'
    quantities in `result` and `fixed` are updated."""
    shares = _shares(prep, result)
    flows = assign(prep, fixed, shares, target)
    integer = [c for c in comps if c.needs_integers or route == "tier_loop"]
    backend = None if name == "greedy" else mip_backend(name)
    outcome = fewest_changes(prep, integer, fixed, flows, target, backend, deadline)
    result.notes += outcome.notes
    result.proved &= outcome.proved
    if prep.pins.kit_of:
        # A make-up line's lots are counted apart from its kit line's: |now - before| per (line,
        # lot) of the kit line is not what the level minimised, so its minimum is not proved.
        kits = sorted({prep.lines[li].key for li in prep.pins.kit_of.values()})
        result.proved = False
        result.notes.append(
            "fewest changes: not proved for kit line(s) "
            + ", ".join(f"{order}/{line}" for order, line in kits)
            + " (pins out of kit ratio: the units that make up their kits are counted apart)"
        )
    if outcome.added == fixed:
        return flows
    fixed.update(outcome.added)
    result.added.update(outcome.added)
    return assign(prep, fixed, shares, target)


def _fingerprints(prep: Prepared, taken: _Taken, flows: dict[PairId, int]) -> tuple[str, ...]:
    """The fingerprints of the components of a proved plan, sorted (planner.engine.takeover); those
    taken over have the rows the previous plan had, so their fingerprints are known."""
    if not takes_over(prep):
        return ()
    rows = plan_rows(
        prep,
        [
            *((r.line, r.lot, r.quantity) for r in prep.reservations),
            *((prep.demands[prep.pairs[p].demand].line, prep.pairs[p].lot, q) for p, q in flows.items()),
        ],
    )
    return tuple(sorted([*taken.prints.values(), *fingerprints(prep, taken.solving, rows)]))


def _shares(prep: Prepared, result: _Optimum) -> list[tuple[list[LineId], int]]:
    """What the assignment holds of the flow components: per component and tier, its lines and
    their total.

    Every plan with the optimum's tier totals has these totals too. Components share no
    stock, so each one's quantities are lexicographically optimal on its own; at the first
    tier where two plans' component totals differed, a component would have to get more than
    its own optimum for another to get less. One share per component and tier (not per tier)
    leaves the same plans to choose from and splits the network into pieces, which the
    min-cost flow solves faster (docs/benchmarks.md).
    """
    shares = []
    for lines in result.flow_components:
        by_tier: dict[int, list[LineId]] = defaultdict(list)
        for li in lines:
            by_tier[prep.line_tier[li] or 0].append(li)
        for _, members in sorted(by_tier.items()):
            shares.append((members, sum(result.added[li] for li in members)))
    return shares


def _added_from_flows(
    prep: Prepared, added: dict[LineId, int], flow_lines: set[LineId], flows: dict[PairId, int]
) -> dict[int, int]:
    """Added quantity per line: the tier loop's lines as solved, flow component lines as the
    assignment routed them."""
    out: dict[int, int] = {li: (0 if li in flow_lines else q) for li, q in added.items()}
    for p, q in flows.items():
        demand = prep.demands[prep.pairs[p].demand]
        if demand.line in flow_lines:
            out[demand.line] += q
    return out


def _allocations(prep: Prepared, added: dict[int, int], flows: dict[PairId, int]) -> tuple[Allocation, ...]:
    """Rows of allocations.csv in line order: reservations, optimiser lots, nonstock."""
    rows: dict[tuple[int, int, str, Source], int] = defaultdict(int)  # (line, rank, lot/item, source)
    for r in prep.reservations:
        rows[(r.line, 0, prep.lots[r.lot].lot, r.source)] += r.quantity
    for p, q in flows.items():  # a make-up line's rows are its kit line's (planner.engine.pins)
        pair = prep.pairs[p]
        owner = prep.pins.owner(prep.demands[pair.demand].line)
        rows[(owner, 1, prep.lots[pair.lot].lot, Source.OPTIMIZER)] += q
    for li, pline in enumerate(prep.lines):
        if pline.reason == Reason.NONSTOCK:
            rows[(li, 2, pline.item, Source.NONSTOCK)] += pline.requested
    for demand in prep.nonstock_components:  # every kit the line holds, fixed (carried, pinned) or added
        kits = prep.lines[demand.line].reserved + added.get(demand.line, 0)
        if kits > 0:
            rows[(demand.line, 2, demand.item, Source.NONSTOCK)] += demand.per_unit * kits
    lot_of = {lot.lot: lot for lot in prep.lots}
    out = []
    for (li, _, ref, source), q in sorted(rows.items()):
        order, number = prep.lines[li].key
        if source == Source.NONSTOCK:
            out.append(Allocation(order, number, ref, "", "", "", q, source))
        else:
            lot = lot_of[ref]
            out.append(Allocation(order, number, lot.item, lot.lot, lot.warehouse, lot.owner, q, source))
    return tuple(out)


def _tier_results(
    prep: Prepared, added: dict[int, int], baseline: dict[int, int], bounds: dict[int, int] | None
) -> tuple[TierResult, ...]:
    """Per tier of the contract: requested, allocated, the proven bound and the baseline's. A line
    pins force to complete was solved in the pinned tier, which is complete: its whole quantity
    counts towards its own tier's bound."""
    requested: dict[int, int] = defaultdict(int)
    allocated: dict[int, int] = defaultdict(int)
    fixed: dict[int, int] = defaultdict(int)
    greedy_total: dict[int, int] = defaultdict(int)
    solved_as: dict[int, int] = {}
    for li, line in enumerate(prep.lines):
        tier = prep.report_tier[li]
        if tier is None:
            continue
        requested[tier] += line.requested
        fixed[tier] += line.requested if li in prep.pins.forced else line.reserved
        allocated[tier] += line.reserved + added.get(li, 0)
        greedy_total[tier] += line.reserved + baseline.get(li, 0)
        if li not in prep.pins.forced:
            solved_as[tier] = prep.line_tier[li] or 0
    return tuple(
        TierResult(
            tier=t + 1,
            key=key,
            requested=requested[t],
            allocated=allocated[t],
            bound=(
                requested[t]
                if bounds is None
                else fixed[t] + (bounds.get(solved_as[t], 0) if t in solved_as else 0)
            ),
            baseline=greedy_total[t],
        )
        for t, key in enumerate(prep.report_tiers)
    )
