"""The lots a demand may use, as the report reads them (planner.result.report.short_reasons): its
lot list (`Prepared.lot_lists[demand_lots[d]]`) is the lots of its pairs, in their order."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.loading import load_scenario
from planner.engine.eligibility import prepare
from planner.io.generate import generate, write_scenario

DEMO = Path(__file__).resolve().parents[3] / "scenarios" / "demo.toml"


@pytest.mark.parametrize("source", ["demo", "generated"])
def test_a_demands_lot_list_is_the_lots_of_its_pairs(source: str, tmp_path: Path) -> None:
    if source == "demo":
        scenario = load_scenario(DEMO)
    else:
        write_scenario(generate(600, 5), tmp_path / "g", "g")
        scenario = load_scenario(tmp_path / "g")
    prep = prepare(scenario)
    assert len(prep.demand_lots) == len(prep.demands)
    for d in range(len(prep.demands)):
        assert [prep.pairs[p].lot for p in prep.demand_pairs[d]] == list(prep.lot_lists[prep.demand_lots[d]])
