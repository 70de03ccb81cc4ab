"""The checker reads how each held_by holder came to hold its lot (planner.check.explain_held's
details, checked on arrays): a detail that names another way to the stock is caught, also where
the source is the same (a printed line's previous rows are `printed`, a kept line's `keep`); and
extra_stock's detail (whole packs, safety stock made up first)."""

from __future__ import annotations

import pandas as pd
import pytest

from models.records import Scenario
from planner.check import check_tables
from planner.engine.solve import explain_plan, solve
from tests.builders import D1, D2, item, line, lot, reservation, scenario
from tests.planner.engine.test_previous import previous


def _caught(s: Scenario, detail: str, tampered: str) -> list[str]:
    """The checker's rules broken by writing the held_by row whose detail is `detail` as `tampered`."""
    plan = solve(s)
    frame: pd.DataFrame = plan.explain_frame()
    held = frame.index[frame["kind"] == "held_by"]
    assert frame.loc[held, "detail"].tolist() == [detail]
    frame.loc[held, "detail"] = tampered
    changes = plan.changes_frame() if s.previous is not None else None
    found = check_tables(s, plan.allocations_frame(), plan.lines_frame(), changes=changes, explain=frame)
    return [v.rule for v in found]


def test_a_printed_lines_row_said_to_be_kept_is_caught() -> None:
    """P/1 is printed and keeps 4 of A1 (source previous): S/1 names it `printed`; `keep` (the same
    source) is wrong."""
    s = scenario(
        lots=[lot("A1", "X", 6)],
        lines=[line("P", "1", "X", 4, printed=True), line("S", "1", "X", 8)],
    )
    assert _caught(s.replace(previous=previous(("P", "1", "A1", 4))), "printed", "keep") == ["explain"]


@pytest.mark.parametrize("tampered", ["keep", "pin", "printed", "earlier tier", "later tier"])
def test_a_reservation_said_to_be_held_otherwise_is_caught(tampered: str) -> None:
    """R/1 reserves 6 of X1's 10; O/1 (asking 8) names the reservation: any other detail is wrong."""
    s = scenario(
        lots=[lot("X1", "X", 10)],
        lines=[line("R", "1", "X", 6, D2), line("O", "1", "X", 8, D1)],
        reservations=[reservation("R", "1", "X1", 6)],
    )
    assert _caught(s, "reservation", tampered) == ["explain"]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("other_order", "NOPE"),  # no such line
        ("other_line", "2"),  # no such line of R
        ("lot", "X2"),  # no such lot
        ("quantity", "7"),  # R holds 6
        ("quantity", "99999999999999999999"),  # beyond any row's (and int64's)
    ],
)
def test_a_held_by_row_naming_no_row_of_the_plan_is_caught(column: str, value: str) -> None:
    """O/1's held_by row names R/1's 6 of X1; one whose holder, lot or quantity is no allocation
    row of the plan is caught (each cell read as written, so as text)."""
    s = scenario(
        lots=[lot("X1", "X", 10)],
        lines=[line("R", "1", "X", 6, D2), line("O", "1", "X", 8, D1)],
        reservations=[reservation("R", "1", "X1", 6)],
    )
    plan = solve(s)
    frame = plan.explain_frame().astype(str)
    held = frame.index[frame["kind"] == "held_by"]
    assert frame.loc[held, ["lot", "other_order", "other_line", "quantity"]].values.tolist() == [
        ["X1", "R", "1", "6"]
    ]
    frame.loc[held, column] = value
    found = check_tables(s, plan.allocations_frame(), plan.lines_frame(), explain=frame)
    assert [v.rule for v in found] == ["explain"]


@pytest.mark.parametrize(
    "tampered", ["", "after 2 to make up safety stock", "to 1, the most whole packs allow"]
)
def test_extra_stock_said_to_make_up_other_safety_stock_is_caught(tampered: str) -> None:
    """X keeps 2 and has 1: O/1's extra_stock detail says 1 is made up first; anything else is wrong."""
    s = scenario(items=[item("X", safety_stock=2)], lots=[lot("X1", "X", 1)], lines=[line("O", "1", "X", 1)])
    plan = explain_plan(solve(s))
    frame: pd.DataFrame = plan.explain_frame()
    extra = frame.index[frame["kind"] == "extra_stock"]
    assert frame.loc[extra, "detail"].tolist() == ["after 1 to make up safety stock"]
    frame.loc[extra, "detail"] = tampered
    found = check_tables(s, plan.allocations_frame(), plan.lines_frame(), explain=frame)
    assert [v.rule for v in found] == ["explain"]
