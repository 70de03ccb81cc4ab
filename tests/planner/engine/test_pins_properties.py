"""Property test of pins (SPEC 9) on tiny random scenarios with random valid pins
(tests/strategies.py `pinned_scenarios`): the plan, which passes the checker, is proved optimal
with the brute force's tier totals under the pins; where the brute force finds that no plan
completes what the pins force, solve() refuses the input (InputErrors) and returns no plan.

Derandomised like tests/planner/engine/test_properties.py (PLANNER_PROPERTY_SCALE and
PLANNER_PROPERTY_RANDOM work the same way)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from models.errors import InputErrors
from models.records import Scenario
from planner.engine.solve import solve
from tests.planner.engine.test_properties import BASE, _examples
from tests.reference import PinsCannotComplete, reference_optimum
from tests.strategies import pinned_scenarios

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
