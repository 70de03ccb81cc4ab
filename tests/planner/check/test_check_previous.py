"""The checker's rule on rows carried over from a previous plan (planner/check/previous.py, SPEC 9):
a kept line's honoured reservation of a lot counts towards what it had of that lot, so a plan that
carries the reservation over again, on top of itself, is caught."""

from __future__ import annotations

import pandas as pd

from models.records import Scenario
from planner.check import check_tables
from planner.engine.solve import solve
from tests.builders import D1, D2, line, lot, order, reservation, scenario
from tests.planner.engine.test_previous import previous


def _replanned() -> Scenario:
    """O1/1 (kept) reserves 1 of L1's 2 and had just that; O2/1, an earlier tier, had the other."""
    s = scenario(
        lots=[lot("L1", "X", 2)],
        orders=[order("O1", keep=True)],
        lines=[line("O1", "1", "X", 2, D2), line("O2", "1", "X", 1, D1)],
        reservations=[reservation("O1", "1", "L1", 1)],
    )
    return s.replace(previous=previous(("O1", "1", "L1", 1), ("O2", "1", "L1", 1)))


def test_a_kept_line_holding_just_its_reservation_passes() -> None:
    """The re-plan keeps both lines as they were: no violation."""
    s = _replanned()
    plan = solve(s)
    assert check_tables(s, plan.allocations_frame(), plan.lines_frame(), changes=plan.changes_frame()) == []


def test_a_reservation_carried_over_on_top_of_itself_is_caught() -> None:
    """O2/1's unit written as a `previous` row of O1/1 (O1/1 then holds its reservation twice over)."""
    s = _replanned()
    plan = solve(s)
    rows = plan.allocations_frame()
    taken = rows.index[rows["order"] == "O2"]
    rows.loc[taken, ["order", "source"]] = ["O1", "previous"]
    lines = plan.lines_frame()
    lines["allocated"] = lines["allocated"].where(lines["order"] != "O1", 2).where(lines["order"] != "O2", 0)
    changes = pd.DataFrame(
        {"order": ["O1", "O2"], "line": ["1", "1"], "lot": ["L1", "L1"], "before": [1, 1], "now": [2, 0]}
    )
    found = check_tables(s, rows, lines, changes=changes)
    assert "line O1/1 carries 1 of lot L1 over, more than the 1 it had beside its reservation of 1" in {
        v.message for v in found if v.rule == "previous"
    }
