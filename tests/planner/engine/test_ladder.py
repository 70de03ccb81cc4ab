"""The ladder of the tier loop (planner/engine/ladder.py): its steps in order, the first that
settles wins, and the rounding of a bound to a total the lines can reach."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

import planner.engine.ladder as ladder
from planner.engine.backends import get_backend
from planner.engine.bound import reachable_total
from planner.engine.components import components
from planner.engine.eligibility import prepare
from planner.engine.ids import LineId
from planner.engine.loop_state import LoopState
from planner.engine.parts import PartId
from planner.engine.tier_loop import solve_component
from tests.builders import D1, D2, line, lot, scenario
from tests.planner.engine.test_tier_loop import FD_LINE_ON_SLACK_POOL


def test_the_ladder_is_the_five_steps_in_order() -> None:
    assert (ladder.no_contention, ladder.fill_flow) == ladder.PART_STEPS
    assert (ladder.flow_bound, ladder.starving, ladder.block_mip) == ladder.BLOCK_STEPS


def test_climb_stops_at_the_first_step_that_settles() -> None:
    """Steps after the one that settles are not tried; None when no step settles."""
    tried: list[str] = []

    def step(name: str, settles: bool) -> ladder.Step[ladder.Part]:
        def run(state: LoopState, unit: ladder.Part) -> ladder.Settled | None:
            tried.append(name)
            return ladder.Settled(1, 2) if settles else None

        return run

    prep = prepare(scenario(lots=[lot("X1", "X", 1)], lines=[line("A", "1", "X", 1, full_line=True)]))
    (comp,) = components(prep)
    state = LoopState.start(prep, comp, get_backend("highs"), None)
    part = ladder.Part(0, PartId(0), [], [], 0)
    steps = [step("a", False), step("b", True), step("c", True)]
    assert ladder.climb(state, part, steps) == ladder.Settled(1, 2)
    assert tried == ["a", "b"]
    assert ladder.climb(state, part, [step("d", False)]) is None


def test_reachable_total_rounds_down_to_whole_packs_and_all_or_nothing() -> None:
    """A full line of 3 and a line of packs of 2 (up to 2) reach 0, 2, 3 or 5: at most 4 is 3;
    a plain line of 1 fills any gap."""
    s = scenario(
        lots=[lot("X1", "X", 10)],
        lines=[line("A", "1", "X", 3, full_line=True), line("B", "1", "X", 1)],
    )
    prep = prepare(s)
    a, b = LineId(0), LineId(1)
    assert reachable_total(prep, {a: 3}, [a], 2) == 0
    assert reachable_total(prep, {a: 3, b: 1}, [a, b], 2) == 1
    assert reachable_total(prep, {a: 3, b: 1}, [a, b], 3) == 3
    assert reachable_total(prep, {a: 3, b: 1}, [a, b], 9) == 4


def _settling_steps(s: Any, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Solve every integer component of the scenario, counting which step settled each unit."""
    settled: Counter[str] = Counter()

    def counted(step: Any) -> Any:
        def run(state: Any, unit: Any) -> Any:
            result = step(state, unit)
            settled[step.__name__] += result is not None
            return result

        return run

    monkeypatch.setattr(ladder, "PART_STEPS", tuple(counted(st) for st in ladder.PART_STEPS))
    monkeypatch.setattr(ladder, "BLOCK_STEPS", tuple(counted(st) for st in ladder.BLOCK_STEPS))
    prep = prepare(s)
    for comp in components(prep):
        outcome = solve_component(prep, comp, get_backend("highs"), None)
        assert outcome.proved
    return settled


def test_a_part_without_contention_is_settled_by_step_1(monkeypatch: pytest.MonkeyPatch) -> None:
    """A full line alone on its lot: no contended pool, so step 1 gives it all."""
    s = scenario(lots=[lot("X1", "X", 10)], lines=[line("A", "1", "X", 4, full_line=True)])
    assert _settling_steps(s, monkeypatch) == Counter({"no_contention": 1})


def test_a_new_line_the_fill_serves_in_full_is_settled_by_step_2(monkeypatch: pytest.MonkeyPatch) -> None:
    """A/1 and B/1 (tier 1, full lines of 6) contend for X's 10: only one is served, which the
    flow bound proves (step 3). C/1 (tier 2) wants the 4 left, and the fill gives it them."""
    s = scenario(
        lots=[lot("X1", "X", 10)],
        lines=[
            line("A", "1", "X", 6, D1, full_line=True),
            line("B", "1", "X", 6, D1, full_line=True),
            line("C", "1", "X", 4, D2),
        ],
    )
    assert _settling_steps(s, monkeypatch) == Counter({"flow_bound": 1, "fill_flow": 1})


def test_a_line_left_short_by_an_earlier_tier_is_proved_by_step_3(monkeypatch: pytest.MonkeyPatch) -> None:
    """A/1 (tier 1) takes 6 of X's 10 alone: the pool is slack then (step 1). B/1 (tier 2, a
    full line of 5) cannot have the 4 left: the fill gives nothing, and the flow bound, with the
    fixed A/1 keeping its 6, proves nothing more is reachable."""
    s = scenario(
        lots=[lot("X1", "X", 10)],
        lines=[line("A", "1", "X", 6, D1, full_line=True), line("B", "1", "X", 5, D2, full_line=True)],
    )
    assert _settling_steps(s, monkeypatch) == Counter({"no_contention": 1, "flow_bound": 1})


def test_a_tie_the_fill_cannot_see_goes_to_the_block_mip(monkeypatch: pytest.MonkeyPatch) -> None:
    """The regression of test_tier_loop.py: tier 1 is proved by the flow bound; at tier 2
    neither the fill nor the flow bound proves the tier, and no line can be starved, so the
    block's MIP settles it."""
    assert _settling_steps(FD_LINE_ON_SLACK_POOL, monkeypatch) == Counter({"flow_bound": 1, "block_mip": 1})
