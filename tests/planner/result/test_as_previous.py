"""A plan in memory as the previous plan of a re-plan (`Plan.as_previous`): the same rows and
fingerprints `read_previous` reads from the folder the plan writes, so a re-plan from either is
the same plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.loading import load_scenario
from models.previous import read_previous
from planner.engine.solve import solve
from planner.io.generate import generate, write_scenario

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios"


@pytest.mark.parametrize("name", sorted(p.name for p in SCENARIOS.glob("*.toml")))
def test_a_plan_as_previous_is_what_its_folder_reads_as(name: str, tmp_path: Path) -> None:
    """Every bundled scenario (nonstock lines, kits, pins, re-plans among them): the plan's rows from
    a lot with their allocations.csv rows, and its fingerprints, equal `read_previous` of its folder."""
    plan = solve(load_scenario(SCENARIOS / name))
    plan.write(tmp_path / "out")
    assert plan.as_previous(str(tmp_path / "out")) == read_previous(tmp_path / "out")


def test_a_generated_plan_as_previous_is_what_its_folder_reads_as(tmp_path: Path) -> None:
    """A generated scenario (supply to come, a company, kits, reservations): as above, with the
    components' fingerprints of a proved plan."""
    write_scenario(generate(400, 7), tmp_path / "g", "g")
    plan = solve(load_scenario(tmp_path / "g"))
    plan.write(tmp_path / "out")
    previous = plan.as_previous(str(tmp_path / "out"))
    assert previous.solved
    assert previous == read_previous(tmp_path / "out")
