"""Property tests of re-planning (SPEC 9.4) on tiny random scenarios against the brute force.

Each example draws a scenario (tests/strategies.py), plans it, edits it at random
(a line removed, a line's quantity changed, a lot's quantity changed, a lot
removed, or nothing) and re-plans the edited scenario from the first plan, with
a few random rows added to that previous plan. The brute force
(tests/reference.py, one more level of its exhaustive search) gives the tier
totals and the fewest changed units; the re-plan must be proved optimal, have
those tier totals, and change exactly that many units. Derandomised, like
tests/planner/engine/test_properties.py.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.records import LineKey, PreviousAllocation, PreviousPlan, Scenario
from planner.engine.solve import solve
from tests.planner.engine.test_properties import BASE, _examples
from tests.reference import reference_optimum
from tests.strategies import kit_scenarios, scenarios

pytestmark = pytest.mark.slow

EDITS = ("none", "drop_line", "line_quantity", "lot_quantity", "drop_lot")


@st.composite
def replans(draw: st.DrawFn) -> tuple[Scenario, tuple[PreviousAllocation, ...]]:
    """An edited scenario and the previous plan to re-plan it from (no line printed or kept)."""
    base = draw(scenarios())
    base = replace(
        base,
        orders=tuple(replace(o, printed=False) for o in base.orders),
        lines=tuple(replace(ln, printed=None) for ln in base.lines),
    )
    rows = [PreviousAllocation(a.order, a.line, a.lot, a.quantity) for a in solve(base).allocations if a.lot]
    for _ in range(draw(st.integers(0, 2))):  # rows the optimiser would not have chosen
        if base.lines and base.lots:
            ln = draw(st.sampled_from(base.lines))
            lot = draw(st.sampled_from(base.lots))
            rows.append(PreviousAllocation(ln.order, ln.line, lot.lot, draw(st.integers(1, 3))))
    edit = draw(st.sampled_from(EDITS))
    edited = base
    if edit == "drop_line" and len(base.lines) > 1:
        gone = draw(st.sampled_from(base.lines))
        edited = replace(
            base,
            lines=tuple(ln for ln in base.lines if ln != gone),
            reservations=tuple(r for r in base.reservations if (r.order, r.line) != gone.key),
        )
    elif edit == "line_quantity" and base.lines:
        i = draw(st.integers(0, len(base.lines) - 1))
        reserved = sum(r.quantity for r in base.reservations if (r.order, r.line) == base.lines[i].key)
        quantity = draw(st.integers(max(1, reserved), 7))
        edited = replace(
            base,
            lines=tuple(replace(ln, quantity=quantity) if n == i else ln for n, ln in enumerate(base.lines)),
        )
    elif edit == "lot_quantity" and base.lots:
        i = draw(st.integers(0, len(base.lots) - 1))
        lot = base.lots[i]
        least = (
            lot.allocated + lot.planned_issue + sum(r.quantity for r in base.reservations if r.lot == lot.lot)
        )
        quantity = draw(st.integers(least, least + 6))
        edited = replace(
            base, lots=tuple(replace(x, quantity=quantity) if n == i else x for n, x in enumerate(base.lots))
        )
    elif edit == "drop_lot" and len(base.lots) > 1:
        gone_lot = draw(st.sampled_from(base.lots))
        edited = replace(
            base,
            lots=tuple(x for x in base.lots if x != gone_lot),
            reservations=tuple(r for r in base.reservations if r.lot != gone_lot.lot),
        )
    return edited, tuple(rows)


@settings(
    deadline=None,
    derandomize=True,
    database=None,
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(replans())
def test_a_replan_changes_the_fewest_units_the_tiers_allow(
    case: tuple[Scenario, tuple[PreviousAllocation, ...]],
) -> None:
    """Property: re-planned from a previous plan, every tier total is still the brute force's
    lexicographic optimum, the plan is proved, and units_moved is the brute force's fewest changed
    units among the plans with those totals."""
    scenario, rows = case
    plan = solve(scenario.replace(previous=PreviousPlan("prev", rows)))
    before: dict[tuple[LineKey, str], int] = defaultdict(int)
    for r in rows:
        before[(r.key, r.lot)] += r.quantity
    expected = reference_optimum(scenario, dict(before))
    assert tuple(t.allocated for t in plan.tiers) == expected.totals
    assert str(plan.status) == "optimal"
    assert plan.summary.changes is not None
    assert plan.summary.changes.units_moved == expected.changed


@st.composite
def kept_replans(draw: st.DrawFn) -> tuple[Scenario, tuple[PreviousAllocation, ...], bool]:
    """A scenario (plain or around a kit whose components may stand in for each other) with every
    line kept, the previous plan to re-plan it from (its own plan, sometimes with a few random rows
    added, half of them on a kit line where there is one), and whether rows were added."""
    base = draw(st.one_of(kit_scenarios(max_qty=3), scenarios()))
    base = replace(
        base,
        orders=tuple(replace(o, printed=False) for o in base.orders),
        lines=tuple(replace(ln, printed=None, keep=True) for ln in base.lines),
    )
    rows = [PreviousAllocation(a.order, a.line, a.lot, a.quantity) for a in solve(base).allocations if a.lot]
    added = draw(st.integers(0, 2)) if base.lines and base.lots else 0
    kit_lines = [ln for ln in base.lines if ln.item in {k.kit for k in base.kits}]
    for _ in range(added):  # on a kit line half the time, where there is one (whole kits or not)
        on_kit = bool(kit_lines) and draw(st.booleans())
        ln = draw(st.sampled_from(kit_lines if on_kit else base.lines))
        lot = draw(st.sampled_from(base.lots))
        rows.append(PreviousAllocation(ln.order, ln.line, lot.lot, draw(st.integers(1, 3))))
    return base, tuple(rows), added > 0


@settings(BASE, max_examples=_examples(150))
@given(kept_replans())
def test_a_replan_with_every_line_kept_is_accepted_and_keeps_its_own_plan(
    case: tuple[Scenario, tuple[PreviousAllocation, ...], bool],
) -> None:
    """Property: with every line kept, re-planning from a previous plan gives a plan the checker
    accepts (solve raises otherwise), proved; from the scenario's own plan it changes nothing."""
    scenario, rows, added = case
    plan = solve(scenario.replace(previous=PreviousPlan("prev", rows), keep=True))
    assert str(plan.status) == "optimal"
    assert plan.summary.changes is not None
    if not added:
        assert plan.summary.changes.units_moved == 0
