"""The generator's SPEC 8 features: supply to come and a named company, each switchable."""

from __future__ import annotations

from pathlib import Path

from models.loading import load_scenario
from planner.engine.solve import solve
from planner.io.features import Features
from planner.io.generate import COMPANY, TODAY, generate, write_scenario

EVERYTHING = set(Features.names())


def test_supply_to_come_and_company_are_generated_and_solve(tmp_path: Path) -> None:
    """With every feature on, about 15% of lots are to come (a few late), the scenario names the
    company, some lots have owner "" and some orders list `*`; the plan passes the checker."""
    write_scenario(generate(400, 3), tmp_path, "g")
    scenario = load_scenario(tmp_path)
    dated = [lot for lot in scenario.lots if lot.due is not None]
    assert scenario.company == COMPANY
    assert 0.08 < len(dated) / len(scenario.lots) < 0.25
    assert any(lot.due is not None and lot.due < TODAY for lot in dated)
    assert any(lot.owner == "" for lot in scenario.lots)
    assert any(o.owners == ("*",) for o in scenario.orders)
    plan = solve(scenario)
    assert plan.status == "optimal"
    assert (plan.allocations_frame()["due"] != "").any()


def test_switched_off_they_leave_the_other_tables_as_they_were(tmp_path: Path) -> None:
    """Without supply_to_come and company, no lot is dated and no company is named; the lots are
    the same lots either way (SPEC 8's draws use their own stream)."""
    without = Features.only(EVERYTHING - {"supply_to_come", "company"})
    plain = generate(300, 5, without)
    full = generate(300, 5)
    assert "due" not in plain["lots.csv"].columns
    assert plain["lots.csv"]["quantity"].tolist() == full["lots.csv"]["quantity"].tolist()
    assert plain["lines.csv"].equals(full["lines.csv"])
    write_scenario(plain, tmp_path, "p", features=without)
    scenario = load_scenario(tmp_path)
    assert scenario.company == ""
    assert all(lot.due is None for lot in scenario.lots)


def test_same_seed_same_files(tmp_path: Path) -> None:
    """A size and a seed give the same tables byte for byte, SPEC 8's columns included."""
    first, second = generate(200, 7), generate(200, 7)
    assert all(first[t].to_csv() == second[t].to_csv() for t in first)
