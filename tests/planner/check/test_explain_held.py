"""The checker's held_by verification (planner.check.explain_held) on random plans: it accepts the
engine's rows, and rejects the rows with any one of them dropped, duplicated or changed in
quantity (each breaks either what the rows cover or which holders come first)."""

from __future__ import annotations

from hypothesis import given, settings

from models.records import Scenario
from planner.check import check_tables
from planner.engine.solve import solve
from tests.planner.engine.test_properties import BASE, _examples
from tests.strategies import scenarios


@settings(BASE, max_examples=_examples(150))
@given(scenarios())
def test_any_held_by_row_dropped_duplicated_or_changed_is_caught(s: Scenario) -> None:
    plan = solve(s)
    frame = plan.explain_frame()
    allocations, lines = plan.allocations_frame(), plan.lines_frame()
    held = frame.index[frame["kind"] == "held_by"]
    for at in held:
        dropped = frame.drop(index=at)
        doubled = frame.loc[[*frame.index, at]].reset_index(drop=True)
        changed = frame.copy()
        changed.loc[at, "quantity"] = int(changed.loc[at, "quantity"]) + 1
        for tampered in (dropped, doubled, changed):
            found = check_tables(s, allocations, lines, explain=tampered)
            assert [v.rule for v in found] == ["explain"], (frame.loc[at].tolist(), found)
