"""`planner explain`'s first_in_tier for one line (planner/app/explain.py), computed on the part of
the scenario around the line, equals the one `solve --explain` computes on the whole scenario
(planner/engine/first_in_tier.py), and so does what extra stock makes up first (safety stock): on
tiny random scenarios of every shape, re-planned too."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import assume, given, settings

from models.errors import InputErrors
from models.previous import read_previous
from models.records import Scenario
from planner.app.explain import explain_lines
from planner.engine.solve import explain_plan, solve
from planner.result.explain import fill_target, made_up_first, short_lines
from planner.result.explain_lots import line_lots
from tests.planner.engine.test_properties import BASE, _examples
from tests.strategies import kit_scenarios, pinned_scenarios, scenarios, tier_loop_scenarios

pytestmark = pytest.mark.slow


def _check(s: Scenario, replan: bool = False) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if replan:
            base = solve(s)
            base.write(Path(tmp) / "base")
            s = s.replace(previous=read_previous(Path(tmp) / "base"))
        try:
            plan = explain_plan(solve(s))
        except InputErrors:  # pins no plan completes: refused, nothing to explain
            assume(False)
        assert plan.first_in_tier is not None
        plan.write(Path(tmp) / "out")
        keys = [plan.prepared.lines[li].key for li in short_lines(plan)]
        found = {
            e.order + "/" + e.line: (e.first, e.made_up) for e in explain_lines(s, Path(tmp) / "out", keys)
        }
        prep = plan.prepared
        expected = {
            "/".join(prep.lines[li].key): (
                plan.first_in_tier[li],
                made_up_first(prep, line_lots(prep, [li]), li)
                if fill_target(prep.lines[li]) > plan.first_in_tier[li].quantity
                else "",
            )
            for li in short_lines(plan)
        }
        assert found == expected


@settings(BASE, max_examples=_examples(150))
@given(scenarios())
def test_one_line_is_explained_as_the_whole_plan_explains_it(s: Scenario) -> None:
    """Every short line's first_in_tier from its folder, one line at a time, is the whole plan's."""
    _check(s)


@settings(BASE, max_examples=_examples(150))
@given(tier_loop_scenarios())
def test_the_same_through_the_tier_loop(s: Scenario) -> None:
    """The same where the MIP answers: full-delivery orders, packs, kits, safety stock."""
    _check(s)


@settings(BASE, max_examples=_examples(100))
@given(kit_scenarios())
def test_the_same_for_kits(s: Scenario) -> None:
    """The same for kit lines, their components and alternates."""
    _check(s)


@settings(BASE, max_examples=_examples(100))
@given(scenarios())
def test_the_same_on_a_re_plan(s: Scenario) -> None:
    """The same when the plan is re-planned from a previous one (printed and kept lines)."""
    _check(s, replan=True)


@settings(BASE, max_examples=_examples(100))
@given(pinned_scenarios())
def test_the_same_with_pins(s: Scenario) -> None:
    """The same when planners pinned lots to lines (a pinned line holds its stock before every tier)."""
    _check(s)


@settings(BASE, max_examples=_examples(100))
@given(pinned_scenarios(kit_scenarios(), out_of_ratio=True))
def test_the_same_with_kits_pinned_out_of_ratio(s: Scenario) -> None:
    """The same when a kit's pins are out of kit ratio (a hidden make-up line holds the rest)."""
    _check(s)
