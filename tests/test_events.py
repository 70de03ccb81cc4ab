"""Events as what-ifs (SPEC 9, issue 12): each example in scenarios/ re-planned with --previous from
the demo's plan changes only what its event forces.

Each test solves the demo into base/ and the event's what-if with `--previous base` in tmp_path,
states the lines that may change and the numbers worked out by hand from scenarios/demo, asserts
changes.csv holds exactly those rows (or, where the fewest changes tie, touches only those lines),
and runs the checker, which recomputes changes.csv from the two plans.

The demo's plan the events start from (tier key ship date, priority):
- RES-10K: every one of the 880 units is taken: R10K-NY-1 400 (SO-1001 270, SH-4001's 20 kits x 4
  = 80, LN-5001 50), R10K-CA-1 400 (SO-1001 50, SO-1002 350, CA only), R10K-CA-TAPE 80 (SO-1001,
  not pnp). LN-5001 (priority 5, 2026-12-02) is the last of these lines in the tiers.
- CAP-100N: C100N-NY-1 has 800 allocable, 200 of it safety stock; MO-3001/2 has its reservation
  of 100 there and takes 200 of the second source C100NB-CA-1 (500); SH-4001 takes 40 of
  C100NB-CA-1; SO-1009 (1,200, the last tier) gets what is left: 500 of NY-1, 260 of NB-CA-1.
- DO-2001 (deliver in full) gets nothing: 60 USB cables wanted, 50 in stock.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from planner.cli import main

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def planner(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of scenarios/ with the demo's plan solved into base/ (an out/demo-style folder)."""
    root = tmp_path_factory.mktemp("events")
    shutil.copytree(SCENARIOS, root / "scenarios")
    done = planner("solve", root / "scenarios" / "demo.toml", "--out", root / "base", "--quiet")
    assert done.exit_code == 0, done.output
    return root


def replan(demo: Path, event: str) -> tuple[list[tuple[str, str, str, int, int]], dict[str, object]]:
    """Re-plan scenarios/EVENT.toml from base/, check it with the checker, and return changes.csv's
    rows (order, line, lot, before, now) and summary.json's `changes`."""
    scenario, out = demo / "scenarios" / f"{event}.toml", demo / event
    done = planner("solve", scenario, "--out", out, "--previous", demo / "base", "--quiet")
    assert done.exit_code == 0, done.output
    checked = planner("check", scenario, out, "--previous", demo / "base")
    assert checked.exit_code == 0, checked.output
    frame = pd.read_csv(out / "changes.csv", dtype=str, keep_default_na=False)
    rows = [(o, ln, lot, int(b), int(n)) for o, ln, lot, b, n in frame.itertuples(index=False)]
    changes = json.loads((out / "summary.json").read_text())["changes"]
    assert changes["units_moved"] == sum(abs(n - b) for *_, b, n in rows)
    return rows, changes


def by_lot(folder: Path) -> dict[tuple[str, str, str], int]:
    frame = pd.read_csv(folder / "allocations.csv", dtype=str, keep_default_na=False)
    frame = frame[frame["lot"] != ""]
    return {
        (o, ln, lot): int(q)
        for o, ln, lot, q in zip(frame["order"], frame["line"], frame["lot"], frame["quantity"])
    }


def test_a_cancelled_order_that_held_nothing_moves_nothing(demo: Path) -> None:
    """cancel_do.toml: Chicago cancels DO-2001. It held nothing (it cannot ship complete), so no
    line may change: changes.csv is empty and no previous row is dropped. (Before re-planning from
    the previous plan, a cancellation could move a full line to another warehouse.)"""
    rows, changes = replan(demo, "cancel_do")
    assert rows == []
    assert changes["dropped"] == {"line_gone": 0, "lot_gone": 0, "may_not_serve": 0}


def test_a_quantity_edit_frees_stock_for_the_next_line_only(demo: Path) -> None:
    """edit_mo_caps.toml: MO-3001/2 wants 100 capacitors instead of 300. Its reservation of 100 on
    C100N-NY-1 covers it, so it gives back the 200 of C100NB-CA-1. SO-1009 is the one line short of
    capacitors; C100N-NY-1 gives it no more (800 allocable - 100 reserved - 200 safety stock = 500,
    all of it SO-1009's already), so it takes the 200 from C100NB-CA-1: 260 -> 460. Only MO-3001/2
    and SO-1009/1 may change; 400 units move."""
    rows, changes = replan(demo, "edit_mo_caps")
    assert rows == [
        ("MO-3001", "2", "C100NB-CA-1", 200, 0),
        ("SO-1009", "1", "C100NB-CA-1", 260, 460),
    ]
    assert changes["units_moved"] == 400


def test_a_new_rush_order_takes_from_the_last_line_only(demo: Path) -> None:
    """rush_order.toml: SO-1010, 30 RES-10K, priority 0, shipping 2026-11-24: the first tier. Every
    resistor is taken, so a later line must give up 30: the last, LN-5001 (tier 9), which holds 50 of
    R10K-NY-1. The fewest changes give the rush those 30 of R10K-NY-1 (LN-5001 50 -> 20); any other
    lot would make a line of an earlier tier change lots too. Only SO-1010 and LN-5001 may change;
    60 units move."""
    rows, changes = replan(demo, "rush_order")
    assert rows == [
        ("LN-5001", "1", "R10K-NY-1", 50, 20),
        ("SO-1010", "1", "R10K-NY-1", 0, 30),
    ]
    assert changes["units_moved"] == 60


def test_a_receipt_serves_the_order_waiting_for_it(demo: Path) -> None:
    """early_cables.toml: 40 USB cables received (new lot CAB-CA-2). DO-2001 (tier 1, in full, any
    owner) can now ship: 60 cables from CAB-CA-1 (50) and CAB-CA-2 (40), and 25 MCUs. MCU-CA-1 has
    30 - 5 planned issues - 5 safety stock = 20 usable, MCU-NY-1 (Acme's) 20; MO-3001/1 (tier 4, MAIN's
    stock only) can use MCU-CA-1 alone, so DO-2001 takes all 20 of MCU-NY-1 and 5 of MCU-CA-1, and
    MO-3001/1 keeps 15 of its 20. Only DO-2001/1, DO-2001/2 and MO-3001/1 may change: 25 + 60 + 5 =
    90 units (which cable lots DO-2001/2 takes is a tie the preferences settle)."""
    rows, changes = replan(demo, "early_cables")
    assert {(o, ln) for o, ln, *_ in rows} == {("DO-2001", "1"), ("DO-2001", "2"), ("MO-3001", "1")}
    got = {(o, ln, lot): n - b for o, ln, lot, b, n in rows}
    assert got[("DO-2001", "1", "MCU-NY-1")] == 20
    assert got[("DO-2001", "1", "MCU-CA-1")] == 5
    assert got[("MO-3001", "1", "MCU-CA-1")] == -5
    assert sum(d for (o, ln, _), d in got.items() if (o, ln) == ("DO-2001", "2")) == 60
    assert changes["units_moved"] == 90


def test_a_stock_count_short_on_one_lot_cuts_the_last_line_on_it(demo: Path) -> None:
    """stock_count.toml (written by `planner stocktake apply` from stock_count.csv): R10K-NY-1 is
    counted at 350, not 400. 830 resistors for 880 wanted: the last tier's line, LN-5001, goes
    without its 50, and they were all R10K-NY-1's, so nothing else need move. Only LN-5001 may
    change; 50 units."""
    rows, changes = replan(demo, "stock_count")
    assert rows == [("LN-5001", "1", "R10K-NY-1", 50, 0)]
    assert changes["units_moved"] == 50


def test_the_stock_count_example_is_what_stocktake_apply_writes(demo: Path) -> None:
    """Property: scenarios/stock_count.toml is byte for byte what `planner stocktake apply` writes from
    scenarios/stock_count.csv (the count sheet of the demo with one lot counted)."""
    target = demo / "scenarios" / "stock_count_again.toml"
    done = planner(
        "stocktake",
        "apply",
        demo / "scenarios" / "demo.toml",
        demo / "scenarios" / "stock_count.csv",
        "--mode",
        "listed",
        "--out",
        target,
    )
    assert done.exit_code == 0, done.output
    written = target.read_text().replace('name = "stock_count_again"', 'name = "stock_count"')
    assert written == (SCENARIOS / "stock_count.toml").read_text()


def test_a_warehouse_preference_change_moves_nothing_it_does_not_force(demo: Path) -> None:
    """prefer_ny.toml: SO-1001 now prefers NY to CA. No tier total changes, and the fewest changes
    come before the preferences (SPEC 9.4), so no line may change: changes.csv is empty. Solved from
    nothing, the same what-if does move stock (SO-1001 takes all 400 of R10K-NY-1, SH-4001 and
    LN-5001 go to CA): the preference is real, the re-plan just does not reshuffle for it."""
    rows, _ = replan(demo, "prefer_ny")
    assert rows == []
    fresh = planner("solve", demo / "scenarios" / "prefer_ny.toml", "--out", demo / "ny_fresh", "--quiet")
    assert fresh.exit_code == 0, fresh.output
    assert by_lot(demo / "ny_fresh")[("SO-1001", "1", "R10K-NY-1")] == 400
    assert by_lot(demo / "ny_fresh") != by_lot(demo / "base")


def test_compare_with_previous_lists_the_moves_an_event_forces(demo: Path) -> None:
    """`planner compare --previous base` re-plans each event from base/ and writes moves.csv: the rush
    order's 30 resistors are released by LN-5001 and newly allocated to SO-1010 (no lot-to-lot move),
    and the preference change moves nothing. Compared without --previous, the preference change
    solved from nothing moves stock between lots and warehouses."""
    scenarios = demo / "scenarios"
    done = planner(
        "compare",
        scenarios / "rush_order.toml",
        scenarios / "prefer_ny.toml",
        "--previous",
        demo / "base",
        "--out",
        demo / "cmp",
    )
    assert done.exit_code == 0, done.output
    table = pd.read_csv(demo / "cmp" / "moves.csv", dtype=str, keep_default_na=False)
    rows = [tuple(r) for r in table.itertuples(index=False)]
    assert rows == [
        ("rush_order", "LN-5001", "1", "RES-10K", "R10K-NY-1", "NY", "MAIN", "", "", "", "30"),
        ("rush_order", "SO-1010", "1", "RES-10K", "", "", "", "R10K-NY-1", "NY", "MAIN", "30"),
    ]
    assert "prefer_ny: 0 unit(s) moved between lots (0 between warehouses)" in done.output
    fresh = planner("compare", scenarios / "demo.toml", scenarios / "prefer_ny.toml", "--out", demo / "cmp0")
    assert fresh.exit_code == 0, fresh.output
    table = pd.read_csv(demo / "cmp0" / "moves.csv", dtype=str, keep_default_na=False)
    across = table[(table["from_lot"] != "") & (table["from_warehouse"] != table["to_warehouse"])]
    assert len(across) > 0
