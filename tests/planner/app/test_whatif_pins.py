"""Pins, release and keep made in the dashboard (planner.app.whatif): the plan solved is the plan the
saved what-if gives `planner run`, and a pin that cannot be honoured is refused naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.loading import load_scenario
from planner.app.whatif import (
    WhatIf,
    WhatIfError,
    apply_pinned,
    from_query,
    order_keep,
    pin,
    pins_file,
    release,
    save,
    to_query,
)
from planner.engine.solve import solve
from tests.builders import line_result

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios"
DEMO = SCENARIOS / "demo.toml"


def test_a_pin_made_here_plans_as_pins_csv_does() -> None:
    """Pinning SO-1006/1 to 30 of ENC-NY-1 and LN-5001/1 to 0 of R10K-NY-1 in a what-if gives the plan
    of scenarios/pinned_epsilon.toml, which has the same two pins in a pins.csv: every row alike."""
    edit = WhatIf("pinned").with_pin(pin("SO-1006", "1", "ENC-NY-1", 30))
    edit = edit.with_pin(pin("LN-5001", "1", "R10K-NY-1", 0))
    mine = solve(apply_pinned(DEMO, load_scenario(DEMO), edit))
    theirs = solve(load_scenario(SCENARIOS / "pinned_epsilon.toml"))
    assert line_result(mine, "SO-1006", "1")[0] == 30
    assert mine.allocations_frame().equals(theirs.allocations_frame())
    assert mine.lines_frame().equals(theirs.lines_frame())


def test_a_saved_whatif_with_pins_and_keep_reproduces_in_the_batch(tmp_path: Path) -> None:
    """Saved, a what-if with a pin, a release and an order's keep is a scenario file and a pins CSV
    beside it; loading that file (as `planner run` does) gives the scenario the dashboard solved."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for name in ("demo.toml",):
        (folder / name).write_text((SCENARIOS / name).read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "demo").symlink_to(SCENARIOS / "demo", target_is_directory=True)
    base = folder / "demo.toml"
    edit = WhatIf("decided").with_pin(pin("SO-1006", "1", "ENC-NY-1", 30))
    edit = edit.with_pin(release("SO-1009", "1", "C100N-NY-1")).with_change(order_keep("MO-3001", True))
    target = save(edit, base, folder)
    assert pins_file(target).is_file()
    saved = load_scenario(target)
    here = apply_pinned(base, load_scenario(base), edit)
    assert saved.pins == here.pins
    assert [o.keep for o in saved.orders if o.order == "MO-3001"] == [True]
    plan = solve(saved)
    assert line_result(plan, "SO-1009", "1")[0] == 0
    assert plan.allocations_frame().equals(solve(here).allocations_frame())


def test_a_release_replaces_the_lines_pins_and_a_pin_its_own() -> None:
    """A later pin of the same line and lot replaces the earlier one; a release replaces every pin
    of its line."""
    edit = WhatIf("x").with_pin(pin("A", "1", "L1", 3)).with_pin(pin("A", "1", "L2", 2))
    assert [(p.lot, p.quantity) for p in edit.with_pin(pin("A", "1", "L1", 5)).pins] == [("L2", 2), ("L1", 5)]
    released = edit.with_pin(release("A", "1", "L1"))
    assert [(p.lot, p.quantity, p.only) for p in released.pins] == [("L1", 0, True)]
    assert released.without_pin(0).is_empty


def test_a_pin_beyond_the_lot_is_refused_naming_the_pin() -> None:
    """ENC-NY-1 holds 40: a pin of 45 to SO-1006 is refused by the loader's own check, and the message
    names that pin; nothing is solved."""
    edit = WhatIf("x").with_pin(pin("SO-1006", "1", "ENC-NY-1", 45))
    with pytest.raises(WhatIfError, match=r"pin SO-1006 / 1: 45 of ENC-NY-1: .*allocable"):
        apply_pinned(DEMO, load_scenario(DEMO), edit)


def test_pins_and_keep_round_trip_through_the_url() -> None:
    """A what-if's pins and keep changes come back from its URL text unchanged; a pin of the wrong shape
    is refused."""
    edit = WhatIf("x").with_pin(pin("SO-1006", "1", "ENC-NY-1", 30)).with_pin(release("B", "2", "L"))
    edit = edit.with_change(order_keep("MO-3001", True))
    assert from_query(to_query(edit)) == edit
    with pytest.raises(WhatIfError):
        from_query('{"name": "x", "today": null, "changes": [], "pins": [["A", "1", "L", -1, false]]}')
