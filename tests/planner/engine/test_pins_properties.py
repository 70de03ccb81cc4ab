"""Property test of pins (SPEC 9) on tiny random scenarios with random valid pins
(tests/strategies.py `pinned_scenarios`): the plan, which passes the checker, is proved optimal
with the brute force's tier totals under the pins; where the brute force finds that no plan
completes what the pins force, solve() refuses the input (InputErrors) and returns no plan.

Derandomised like tests/planner/engine/test_properties.py (PLANNER_PROPERTY_SCALE and
PLANNER_PROPERTY_RANDOM work the same way)."""

from __future__ import annotations

import contextlib
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.errors import InputErrors
from models.records import PreviousAllocation, PreviousPlan, Scenario
from planner.engine.solve import solve
from tests.planner.engine.test_properties import BASE, _examples
from tests.reference import PinsCannotComplete, reference_optimum
from tests.strategies import kit_scenarios, pinned_scenarios

pytestmark = pytest.mark.slow


@settings(BASE, max_examples=_examples(400))
@given(pinned_scenarios())
def test_pinned_plans_reach_the_brute_force_optimum(scenario: Scenario) -> None:
    """Under random pins, solve() gives the brute force's tier totals, proved (bound = allocated),
    or refuses the pins exactly when no plan completes what they force."""
    try:
        expected = reference_optimum(scenario)
    except PinsCannotComplete:
        with pytest.raises(InputErrors):
            solve(scenario)
        return
    plan = solve(scenario)
    assert plan.status == "optimal"
    assert tuple(t.key for t in plan.tiers) == expected.keys
    assert tuple(t.allocated for t in plan.tiers) == expected.totals, f"one optimum: {expected.added}"
    assert all(t.bound == t.allocated for t in plan.tiers)


@settings(BASE, max_examples=_examples(150))
@given(pinned_scenarios())
def test_pinned_plans_through_the_tier_loop_reach_the_same_optimum(scenario: Scenario) -> None:
    """With every component forced through the tier loop, the same tier totals as routed."""
    try:
        expected = reference_optimum(scenario)
    except PinsCannotComplete:
        return
    plan = solve(scenario, route="tier_loop")
    assert tuple(t.allocated for t in plan.tiers) == expected.totals


@settings(BASE, max_examples=_examples(200))
@given(pinned_scenarios(kit_scenarios(), out_of_ratio=True))
def test_kit_pins_out_of_ratio_reach_the_brute_force_optimum(scenario: Scenario) -> None:
    """A kit line pinned on one component only (out of kit ratio: the optimiser must match the
    other component) beside lines that compete for the same lots: on both routes, solve() gives
    the brute force's tier totals, proved, or refuses the pins exactly when no plan matches them."""
    try:
        expected = reference_optimum(scenario)
    except PinsCannotComplete:
        with pytest.raises(InputErrors):
            solve(scenario)
        return
    for route in ("auto", "tier_loop"):
        plan = solve(scenario, route=route)
        assert plan.status == "optimal"
        assert tuple(t.allocated for t in plan.tiers) == expected.totals, f"{route}: {expected.added}"
        assert all(t.bound == t.allocated for t in plan.tiers)


@st.composite
def pinned_replans(draw: st.DrawFn) -> tuple[Scenario, PreviousPlan]:
    """A pinned scenario (pins of `pinned_scenarios()`, or kit pins out of ratio), nothing printed,
    `keep` half the time, and a previous plan: the plan of the scenario without its pins, with a
    row or two the optimiser would not have chosen."""
    scenario = draw(st.one_of(pinned_scenarios(), pinned_scenarios(kit_scenarios(), out_of_ratio=True)))
    scenario = replace(
        scenario,
        orders=tuple(replace(o, printed=False) for o in scenario.orders),
        lines=tuple(replace(ln, printed=None) for ln in scenario.lines),
        keep=draw(st.booleans()),
    )
    unpinned = solve(scenario.replace(pins=()))
    rows = [PreviousAllocation(a.order, a.line, a.lot, a.quantity) for a in unpinned.allocations if a.lot]
    for _ in range(draw(st.integers(0, 2))):
        ln, lot = draw(st.sampled_from(scenario.lines)), draw(st.sampled_from(scenario.lots))
        rows.append(PreviousAllocation(ln.order, ln.line, lot.lot, draw(st.integers(1, 3))))
    return scenario, PreviousPlan("prev", tuple(rows))


@settings(BASE, max_examples=_examples(150))
@given(pinned_replans())
def test_pinned_replans_keep_the_tier_totals_under_the_pins(case: tuple[Scenario, PreviousPlan]) -> None:
    """Re-planned from a previous plan, pins still decide: without `keep` (nothing carried over)
    the tier totals are the brute force's under the pins, or the pins are refused exactly when no
    plan completes them; with `keep` (kept lines carry their lots over first, pinned lots aside)
    solve() returns a plan the checker accepts (pins, pack sizes, kits, full lines counted with
    what is carried) or refuses the pins."""
    scenario, previous = case
    replan = scenario.replace(previous=previous)
    if scenario.keep:
        with contextlib.suppress(InputErrors):
            solve(replan)
        return
    try:
        expected = reference_optimum(scenario)
    except PinsCannotComplete:
        with pytest.raises(InputErrors):
            solve(replan)
        return
    plan = solve(replan)
    assert tuple(t.allocated for t in plan.tiers) == expected.totals
    assert all(t.bound == t.allocated for t in plan.tiers)
