"""The what-if's take-over (planner.engine.takeover), on hand-worked scenarios.

Two items, X and Y, share no stock, so each line is a component of its own; a what-if edits
the line on Y and re-plans from the base plan.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from models.records import LineKey, PreviousAllocation, PreviousPlan, Scenario
from planner.engine.eligibility import Prepared
from planner.engine.flow import lexicographic_flow
from planner.engine.ids import LineId, PairId
from planner.engine.solve import solve
from planner.result.plan import Plan
from tests.builders import allocations, line, lot, scenario, tier_totals


def base() -> Scenario:
    return scenario(
        lots=[lot("A1", "X", 5), lot("A2", "X", 5), lot("B1", "Y", 6)],
        lines=[line("S1", "1", "X", 7), line("S2", "1", "Y", 4)],
    )


def whatif() -> Scenario:
    data = base()
    return replace(data, lines=(data.lines[0], replace(data.lines[1], quantity=5)))


def previous(plan: Plan, *, x_rows: tuple[tuple[str, int], ...] | None = None) -> PreviousPlan:
    """The plan as a previous plan with its fingerprints; `x_rows` replace S1's rows (a hand edit)."""
    rows = [PreviousAllocation(a.order, a.line, a.lot, a.quantity) for a in plan.allocations if a.lot]
    if x_rows is not None:
        rows = [r for r in rows if r.order != "S1"] + [
            PreviousAllocation("S1", "1", lt, q) for lt, q in x_rows
        ]
    return PreviousPlan("prev", tuple(rows), frozenset(plan.solved))


def test_a_proved_plan_lists_one_fingerprint_per_component_and_the_baseline_none() -> None:
    """A plan proved optimal lists a fingerprint for each of its two components; the ERP-style
    baseline, which proves nothing, lists none."""
    assert len(set(solve(base()).solved)) == 2
    assert solve(base(), solver="greedy").solved == ()


def test_the_untouched_component_is_taken_over_and_only_the_edited_one_solved(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Re-planned from the base plan, the flow solves only S2 (the edited line); S1 keeps the base
    plan's rows, and the plan is the one re-planned without fingerprints, proved."""
    plan = solve(base())
    solved_lines: list[list[LineKey]] = []

    def recording(prep: Prepared, lines: list[LineId], pairs: list[PairId]) -> dict[LineId, int]:
        solved_lines.append([prep.lines[li].key for li in lines])
        return lexicographic_flow(prep, lines, pairs)

    monkeypatch.setattr("planner.engine.solve.lexicographic_flow", recording)
    fast = solve(whatif().replace(previous=previous(plan)))
    assert solved_lines == [[("S2", "1")]]
    monkeypatch.undo()
    full = solve(whatif().replace(previous=replace(previous(plan), solved=frozenset())))
    assert allocations(fast) == allocations(full)
    assert [r for r in allocations(fast) if r[0] == "S1"] == [r for r in allocations(plan) if r[0] == "S1"]
    assert str(fast.status) == "optimal"


def test_previous_rows_edited_by_hand_are_not_taken_over() -> None:
    """S1's rows edited after the solve (4 units instead of the 7 the stock gives) no longer match
    the fingerprint the base proved: S1 is solved again and gets its 7, the plan and its tier
    totals those of the re-plan without fingerprints."""
    plan = solve(base())
    edited = previous(plan, x_rows=(("A1", 4),))
    fast = solve(whatif().replace(previous=edited))
    full = solve(whatif().replace(previous=replace(edited, solved=frozenset())))
    assert tier_totals(fast) == tier_totals(full)
    assert allocations(fast) == allocations(full)
    assert sum(r[4] for r in allocations(fast) if r[0] == "S1") == 7
    assert str(fast.status) == "optimal"
