"""The tier loop (planner/engine/tier_loop.py) against the plainest exact method on generated data.

The reference solves one MIP per tier over the whole component, every earlier tier's total held
as a row: no parts, no fill, no flow bound, no fixed lines, no blocks, no starved lines. It shares
only the model builder with the engine (tested on its own in test_restrictions.py). Scenarios are
generated ones of 1,000 lines with every feature on, where the tier loop splits parts into blocks
and proves lines starved (the premise test checks that they do).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any

import pytest

import planner.engine.blocks as blocks_module
import planner.engine.ladder as ladder_module
import planner.engine.starving as starving_module
import planner.engine.tier_loop as tier_loop_module
from models.loading import load_scenario
from planner.engine.backends import get_backend
from planner.engine.components import Component, components
from planner.engine.eligibility import Prepared, prepare
from planner.engine.ids import LineId
from planner.engine.mip import SolveStatus
from planner.engine.model import build_model
from planner.io.generate import generate, write_scenario

pytestmark = pytest.mark.slow

SEEDS = (1, 2, 3)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Prepared]:
    out = {}
    for seed in SEEDS:
        folder = tmp_path_factory.mktemp(f"seed{seed}")
        write_scenario(generate(1000, seed), folder, "reference")
        out[seed] = prepare(load_scenario(folder / "scenario.toml"))
    return out


def one_mip_per_tier(prep: Prepared, comp: Component) -> dict[int, int]:
    """Per tier, its most over the whole component with every earlier tier's total held."""
    model = build_model(prep, comp)
    backend = get_backend("highs")
    by_tier: dict[int, list[LineId]] = defaultdict(list)
    for li in comp.lines:
        by_tier[prep.line_tier[li] or 0].append(li)
    totals = {}
    for tier, lines in sorted(by_tier.items()):
        cols = [model.line_col[li] for li in lines]
        result = backend.solve(model.mip, dict.fromkeys(cols, 1.0), None, None)
        assert result.status is SolveStatus.OPTIMAL
        totals[tier] = round(result.objective)
        model.mip.add_row(cols, [1] * len(cols), totals[tier], math.inf, f"tier[{tier}]")
    return totals


def tier_loop(prep: Prepared, comp: Component) -> tuple[dict[int, int], bool]:
    outcome = tier_loop_module.solve_component(prep, comp, get_backend("highs"), None)
    totals: dict[int, int] = defaultdict(int)
    for li in comp.lines:
        totals[prep.line_tier[li] or 0] += outcome.added[li]
    return dict(totals), outcome.proved


@pytest.mark.parametrize("seed", SEEDS)
def test_tier_loop_reaches_one_mip_per_tier(prepared: dict[int, Prepared], seed: int) -> None:
    """Every integer component: the tier loop proves the same tier totals as the plain method."""
    prep = prepared[seed]
    for comp in components(prep):
        if comp.needs_integers:
            totals, proved = tier_loop(prep, comp)
            assert proved
            assert totals == one_mip_per_tier(prep, comp)


def test_the_scenarios_split_blocks_and_starve_lines(
    prepared: dict[int, Prepared], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The premise of the test above: parts fall into several blocks, and lines are starved in the
    middle of a tier (after a MIP found what the earlier lines must take)."""
    seen: Counter[str] = Counter()
    blocks, starve = blocks_module.fixed_and_blocks, starving_module.starve

    def counting_blocks(*args: Any) -> Any:
        fixed, found = blocks(*args)
        seen["split"] += len(found) > 1
        return fixed, found

    def counting_starve(*args: Any) -> Any:
        starved = starve(*args)
        seen["starved"] += bool(starved)
        return starved

    monkeypatch.setattr(ladder_module, "fixed_and_blocks", counting_blocks)
    monkeypatch.setattr(ladder_module, "starve", counting_starve)
    for prep in prepared.values():
        for comp in components(prep):
            if comp.needs_integers:
                tier_loop(prep, comp)
    assert seen["split"] > 0
    assert seen["starved"] > 0
