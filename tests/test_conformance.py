"""The shared conformance cases: every tier total equals the expected lexicographic optimum."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.loading import load_scenario
from planner.engine.solve import solve

CONFORMANCE = Path(__file__).resolve().parents[2] / "shared" / "conformance"
CASES = sorted(CONFORMANCE.glob("case*")) if CONFORMANCE.is_dir() else []


@pytest.mark.skipif(not CASES, reason=f"conformance cases not found at {CONFORMANCE}")
@pytest.mark.parametrize("solver", ["auto", "scip", "cpsat"])
@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_tier_totals_and_reasons_match_expected(case: Path, solver: str) -> None:
    """Each backend proves the expected per-tier optimum and gives the expected ineligibility reasons."""
    expected = json.loads((case / "expected.json").read_text())
    plan = solve(load_scenario(case / "scenario.toml"), solver=solver)
    assert plan.status == "optimal"
    got = [{"key": t["key"], "allocated": t["allocated"]} for t in plan.summary.to_json()["tiers"]]
    assert got == expected["tiers"]
    lines = plan.lines_frame()
    ineligible = {f"{r.order}/{r.line}": r.reason for r in lines.itertuples() if r.tier == ""}
    assert ineligible == expected["ineligible"]
