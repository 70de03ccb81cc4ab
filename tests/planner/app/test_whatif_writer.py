"""What-ifs made in the dashboard (planner.app.whatif): the edited scenario, and the file that saves it.

The property that matters: a saved what-if loads with `load_scenario` into exactly
the scenario `apply` made, so re-running it in batch reproduces the plan seen on screen.
"""

from __future__ import annotations

import shutil
import tomllib
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from models.loading import load_scenario
from planner.app.whatif import (
    Change,
    WhatIf,
    WhatIfError,
    apply,
    file_name,
    item_window,
    line_priority,
    line_ship_date,
    lot_floor,
    lot_quantity,
    order_priority,
    save,
    to_toml,
)
from planner.cli import main
from planner.engine.solve import solve
from planner.io.generate import generate, write_scenario

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios"

EVERY_KIND = WhatIf(
    "every_kind",
    today=date(2026, 11, 24),
    changes=(
        order_priority("SO-1002", 0),
        line_priority("MO-3001", "3", 1),
        line_priority("SO-1001", "1", None),
        line_ship_date("SO-1002", "1", date(2026, 11, 24)),
        lot_quantity("LED-NY-1", 550),
        item_window("CABLE-USB", None),
        item_window("MCU-STM32", 3),
    ),
)
"""One change of every kind the editor makes, on the demo (a window cleared and one set)."""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the bundled scenarios to save into."""
    return Path(shutil.copytree(SCENARIOS, tmp_path / "scenarios"))


def test_saved_whatif_loads_as_the_edited_scenario(folder: Path) -> None:
    """`load_scenario` of the saved file equals `apply` on the loaded base, for every kind of change."""
    base = folder / "demo.toml"
    saved = save(EVERY_KIND, base, folder)
    assert saved == folder / "every_kind.toml"
    edited = apply(load_scenario(base), EVERY_KIND)
    assert load_scenario(saved) == edited
    assert edited.today == date(2026, 11, 24)
    assert {i.item: i.window_days for i in edited.items}["CABLE-USB"] is None
    assert {(x.order, x.line): x.priority for x in edited.lines}[("SO-1001", "1")] is None


def test_saved_whatif_reproduces_the_edited_plan(folder: Path) -> None:
    """Priority first, SO-1006 raised to 0: the saved file's plan is the edited one, line for line."""
    base = folder / "priority_first.toml"
    edit = WhatIf("epsilon_first").with_change(order_priority("SO-1006", 0))
    on_screen = solve(apply(load_scenario(base), edit))
    rerun = solve(load_scenario(save(edit, base, folder)))
    assert rerun.lines_frame().equals(on_screen.lines_frame())
    assert rerun.allocations_frame().equals(on_screen.allocations_frame())
    lines = rerun.lines_frame().set_index("order")
    assert lines.loc["SO-1006", "allocated"] == 30


def test_a_whatif_of_a_whatif_saved_in_another_folder_still_loads(folder: Path) -> None:
    """`extends` is written relative to the saved file, so a chain (wide_window -> early_cables -> demo)
    saved into a sub-folder resolves."""
    base = folder / "wide_window.toml"
    edit = WhatIf("deeper").with_change(lot_quantity("CAB-CA-2", 80))
    (folder / "mine").mkdir()
    saved = save(edit, base, folder / "mine")
    assert 'extends = "../wide_window.toml"' in saved.read_text()
    assert load_scenario(saved) == apply(load_scenario(base), edit)


def test_a_whatif_of_a_folder_scenario_extends_its_scenario_file(folder: Path, tmp_path: Path) -> None:
    """A what-if on a folder scenario (a generated or imported one: `scenario.toml` and its tables)
    extends the folder's `scenario.toml`, a file the loader reads, and `planner solve` solves it."""
    generated = folder / "generated"
    write_scenario(generate(lines=40, seed=3), generated, name="generated")
    base_lot = load_scenario(generated).lots[0]
    edit = WhatIf("on_generated").with_change(lot_quantity(base_lot.lot, base_lot.quantity + 5))
    saved = save(edit, generated, folder)
    assert 'extends = "generated/scenario.toml"' in saved.read_text()
    assert load_scenario(saved) == apply(load_scenario(generated), edit)
    out = tmp_path / "out"
    solved = CliRunner().invoke(main, ["solve", str(saved), "--out", str(out)])
    assert solved.exit_code == 0, solved.output
    assert (out / "lines.csv").is_file()


def test_a_later_change_of_the_same_target_replaces_the_earlier() -> None:
    """Setting one order's priority twice keeps the last value only, in the place of the newest change."""
    edit = WhatIf("w").with_change(order_priority("A", 1)).with_change(lot_quantity("L", 3))
    edit = edit.with_change(order_priority("A", 2))
    assert edit.changes == (lot_quantity("L", 3), order_priority("A", 2))
    assert edit.without_change(0).changes == (order_priority("A", 2),)
    assert WhatIf("w").is_empty
    assert not WhatIf("w", today=date(2026, 1, 1)).is_empty


def test_apply_reports_every_change_that_does_not_fit() -> None:
    """Out-of-range values and rows that do not exist are all reported, and nothing is applied."""
    demo = load_scenario(SCENARIOS / "demo.toml")
    bad = WhatIf(
        "bad",
        changes=(
            order_priority("SO-1002", 10),
            lot_quantity("R10K-CA-1", -1),
            Change("orders", (("order", "SO-1002"),), "customer", 1),
        ),
    )
    with pytest.raises(WhatIfError) as caught:
        apply(demo, bad)
    assert len(caught.value.problems) == 3
    with pytest.raises(WhatIfError, match="no such row"):
        apply(demo, WhatIf("w").with_change(order_priority("SO-9999", 1)))


def test_a_lot_cannot_drop_below_what_is_committed() -> None:
    """C100N-NY-1 has 200 allocated elsewhere and 100 reserved: 300 is its floor, 299 is refused."""
    demo = load_scenario(SCENARIOS / "demo.toml")
    assert lot_floor(demo, "C100N-NY-1") == 300
    apply(demo, WhatIf("ok").with_change(lot_quantity("C100N-NY-1", 300)))
    with pytest.raises(WhatIfError, match="below 300"):
        apply(demo, WhatIf("low").with_change(lot_quantity("C100N-NY-1", 299)))


def test_a_lot_cannot_drop_below_what_its_pins_take() -> None:
    """scenarios/pinned_epsilon.toml pins 30 of ENC-NY-1 (40 in stock, nothing committed) to SO-1006:
    30 is its floor (a pin of 0 elsewhere takes nothing), 29 is refused."""
    pinned = load_scenario(SCENARIOS / "pinned_epsilon.toml")
    assert lot_floor(pinned, "ENC-NY-1") == 30
    assert lot_floor(pinned, "R10K-NY-1") == 0
    with pytest.raises(WhatIfError, match="below 30"):
        apply(pinned, WhatIf("low").with_change(lot_quantity("ENC-NY-1", 29)))


def test_toml_text_round_trips_awkward_names(tmp_path: Path) -> None:
    """Quotes, backslashes, line breaks and non-ASCII in names are written as TOML that reads back alike."""
    odd = 'SO "7" \\ Zürich\nnext'
    changes = (order_priority(odd, 1), line_ship_date(odd, "1/a", date(2027, 1, 2)))
    edit = WhatIf('what "if"', changes=changes)
    document = tomllib.loads(to_toml(edit, tmp_path / "base.toml", tmp_path / "x.toml"))
    assert document["name"] == 'what "if"'
    assert document["extends"] == "base.toml"
    assert document["override"][0] == {"table": "orders", "where": {"order": odd}, "set": {"priority": 1}}
    assert document["override"][1]["where"] == {"order": odd, "line": "1/a"}
    assert document["override"][1]["set"] == {"ship_date": date(2027, 1, 2)}
    assert file_name('what "if"/../x') == "what_if_.._x.toml"  # no folder separator left
    assert file_name(" ") == "whatif.toml"


def test_save_never_replaces_the_base_or_an_existing_file_unasked(folder: Path) -> None:
    """Saving under the base's own name fails; an existing file is replaced only with overwrite."""
    base = folder / "demo.toml"
    with pytest.raises(FileExistsError, match="starts from"):
        save(WhatIf("demo", today=date(2026, 11, 24)), base, folder, overwrite=True)
    edit = WhatIf("again", today=date(2026, 11, 24))
    save(edit, base, folder)
    with pytest.raises(FileExistsError):
        save(edit, base, folder)
    save(edit.with_today(date(2026, 11, 25)), base, folder, overwrite=True)
    assert load_scenario(folder / "again.toml").today == date(2026, 11, 25)


def test_save_never_writes_through_a_link_and_names_the_whatif_as_its_file(
    folder: Path, tmp_path: Path
) -> None:
    """SPEC 11: a link where the file would go is refused (even with overwrite) and what it points to is
    untouched; the name written into the TOML is the safe file name, so a batch uses the same name."""
    base = folder / "demo.toml"
    outside = tmp_path / "outside.toml"
    outside.write_text("mine", encoding="utf-8")
    (folder / "linked.toml").symlink_to(outside)
    with pytest.raises(FileExistsError, match="link"):
        save(WhatIf("linked", today=date(2026, 11, 24)), base, folder, overwrite=True)
    assert outside.read_text(encoding="utf-8") == "mine"
    saved = save(WhatIf("../../night shift", today=date(2026, 11, 24)), base, folder)
    assert saved == folder / "night_shift.toml"
    assert load_scenario(saved).name == "night_shift"
