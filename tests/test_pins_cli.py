"""Pins (SPEC 9) through the command line: the example what-if, and every input error of a pin
named by its pins.csv row, exit 2, nothing written.

Every test works on a copy of scenarios/ in tmp_path and states the property it checks.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from planner.cli import main

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
HEADER = "order,line,lot,quantity,only\n"


def planner(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of scenarios/."""
    shutil.copytree(SCENARIOS, tmp_path / "scenarios")
    return tmp_path / "scenarios"


def test_the_pinned_example_honours_its_pins(copy: Path, tmp_path: Path) -> None:
    """scenarios/pinned_epsilon.toml: SO-1006 (a full line the demo leaves empty) gets exactly its
    30 of ENC-NY-1 as a pin row, SO-1004 keeps the 10 left of that lot and Acme's 30, LN-5001 gets
    nothing from R10K-NY-1, and `planner check` passes the written plan."""
    out = tmp_path / "out"
    done = planner("solve", copy / "pinned_epsilon.toml", "--out", out, "--quiet")
    assert done.exit_code == 0, done.output
    rows = pd.read_csv(out / "allocations.csv", dtype=str, keep_default_na=False)
    by = {(r.order, r.line, r.lot, r.source): int(str(r.quantity)) for r in rows.itertuples()}
    assert by[("SO-1006", "1", "ENC-NY-1", "pin")] == 30
    assert by[("SO-1004", "1", "ENC-NY-1", "optimizer")] == 10
    assert by[("SO-1004", "1", "ENC-NY-ACME", "optimizer")] == 30
    assert not any(k[0] == "LN-5001" and k[2] == "R10K-NY-1" for k in by)
    checked = planner("check", copy / "pinned_epsilon.toml", out)
    assert checked.exit_code == 0, checked.output


def _refused(copy: Path, tmp_path: Path, pins: str) -> str:
    """Solve the demo with these pins.csv rows; it must exit 2 and write nothing; its output."""
    (copy / "demo" / "pins.csv").write_text(HEADER + pins)
    out = tmp_path / "out"
    done = planner("solve", copy / "demo.toml", "--out", out)
    assert done.exit_code == 2, done.output
    assert not out.exists()
    return " ".join(done.output.split())


def test_pins_that_name_nothing_or_too_much_are_refused_by_row(copy: Path, tmp_path: Path) -> None:
    """Unknown order, line and lot; a pin below its (line, lot)'s reservation; pins and
    reservations above a lot's allocable quantity and above a line's quantity: each named by
    pins.csv row and column, all at once."""
    output = _refused(
        copy,
        tmp_path,
        "XX-1,1,R10K-NY-1,1,\n"  # row 2: unknown order
        "SO-1001,9,R10K-NY-1,1,\n"  # row 3: unknown line
        "SO-1001,1,NO-SUCH-LOT,1,\n"  # row 4: unknown lot
        "MO-3001,2,C100N-NY-1,50,\n"  # row 5: below its reservation of 100
        "SO-1002,1,R10K-CA-1,300,\n"  # rows 6, 7: 300 + 200 of R10K-CA-1's 400
        "SO-1009,1,R10K-CA-1,200,\n"
        "SO-1004,1,ENC-NY-1,40,\n"  # rows 8, 9: 40 + 30 of SO-1004/1's 50
        "SO-1004,1,ENC-NY-ACME,30,\n",
    )
    assert "pins.csv, row 2, column order: unknown order 'XX-1'" in output
    assert "pins.csv, row 3, column line: unknown line (SO-1001, 9)" in output
    assert "pins.csv, row 4, column lot: unknown lot 'NO-SUCH-LOT'" in output
    assert "pins.csv, row 5, column quantity: the pin gives line (MO-3001, 2) 50" in output
    for row in (6, 7):
        assert (
            f"pins.csv, row {row}, column quantity: pins and reservations on lot 'R10K-CA-1' total 500"
            in output
        )
    for row in (8, 9):
        assert (
            f"pins.csv, row {row}, column quantity: pins and reservations for line (SO-1004, 1) total 70"
            in output
        )


def test_pins_on_lines_or_lots_that_cannot_take_them_are_refused_by_row(copy: Path, tmp_path: Path) -> None:
    """A pin on a line that takes no part, on a lot that may not serve the line, and `only` kit pins
    that make no whole kit: each named by its pins.csv row."""
    output = _refused(
        copy,
        tmp_path,
        "SO-1008,1,R10K-NY-1,5,\n"  # row 2: SO-1008 is printed
        "SO-1002,1,R10K-NY-1,5,\n"  # row 3: SO-1002 may use only CA
        "SH-4001,1,PCB-NY-1,3,true\n",  # row 4: only 3 PCBs, no other component: no whole kit
    )
    assert "pins.csv, row 2, column line: line (SO-1008, 1) takes no part (printed)" in output
    assert "pins.csv, row 3, column lot: lot 'R10K-NY-1' may not serve line (SO-1002, 1)" in output
    assert "pins.csv, row 4, column quantity: kit line (SH-4001, 1) is pinned to its lots only" in output


def test_a_pinned_order_that_cannot_ship_complete_is_refused_by_row(copy: Path, tmp_path: Path) -> None:
    """DO-2001 ships complete and its USB cables are short: a pin on its MCU line cannot be
    completed, so the pin's row is refused after the pinned tier is solved."""
    output = _refused(copy, tmp_path, "DO-2001,1,MCU-CA-1,5,\n")
    assert "pins.csv, row 2, column quantity: order DO-2001 ships complete and has a pin" in output
    assert "cannot be completed" in output


def test_a_what_if_adds_and_overrides_pins(copy: Path, tmp_path: Path) -> None:
    """A what-if extends pins.csv like any table: an [[override]] of the example's pin of 30 to 35
    is refused naming the pin's row of the what-if's file (35 is above the line's quantity 30)."""
    whatif = copy / "more.toml"
    whatif.write_text(
        'extends = "pinned_epsilon.toml"\n\n[[override]]\ntable = "pins"\n'
        'where = { order = "SO-1006", line = "1" }\nset = { quantity = 35 }\n'
    )
    done = planner("solve", whatif, "--out", tmp_path / "out")
    assert done.exit_code == 2, done.output
    text = " ".join(done.output.split())
    assert "pinned_epsilon.csv (added to pins.csv), row 2, column quantity" in text
    assert "above the line's quantity 30" in text
    assert not (tmp_path / "out").exists()
