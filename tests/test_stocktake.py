"""Stock take (SPEC 9, seed 001): `planner stocktake sheet`, `planner stocktake apply`, then a re-plan.

Every test works on a copy of scenarios/ in tmp_path and states the property it checks.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from models.errors import InputErrors
from models.loading import load_scenario
from planner.app.stocktake import take_stock
from planner.cli import main

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
SHEET_COLUMNS = ["lot", "item", "warehouse", "owner", "quantity", "allocated", "planned_issue", "counted"]


def planner(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A copy of scenarios/ with the demo's plan solved into base/."""
    shutil.copytree(SCENARIOS, tmp_path / "scenarios")
    done = planner("solve", tmp_path / "scenarios" / "demo.toml", "--out", tmp_path / "base", "--quiet")
    assert done.exit_code == 0, done.output
    return tmp_path


def _sheet_rows(path: Path) -> list[list[str]]:
    """The sheet's rows as text, header first (a workbook's sheet `counts` or a CSV file)."""
    if path.suffix == ".csv":
        with open(path, newline="", encoding="utf-8") as fh:
            return list(csv.reader(fh))
    book = openpyxl.load_workbook(path)
    return [["" if v is None else str(v) for v in row] for row in book["counts"].iter_rows(values_only=True)]


def _fill(path: Path, counts: dict[str, int | str], new: Sequence[list[object]] = ()) -> None:
    """Write `counts` into the sheet's `counted` column by lot, append the rows `new`, as a counter would."""
    if path.suffix == ".csv":
        rows = _sheet_rows(path)
        for row in rows[1:]:
            row[-1] = str(counts.get(row[0], ""))
        rows += [["" if v is None else str(v) for v in r] for r in new]
        with open(path, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(rows)
        return
    book = openpyxl.load_workbook(path)
    sheet = book["counts"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in counts:
            row[-1].value = counts[str(row[0].value)]
    for r in new:
        sheet.append(r)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # typed as text, as a counter's '=2+3 is in a spreadsheet
    book.save(path)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_sheet_lists_every_lot_on_hand_to_count(demo: Path, suffix: str) -> None:
    """Property: the sheet has one row per lot on hand of the scenario (by lot id) with its item,
    warehouse, owner, quantity, allocated and planned issues as lots.csv has them, and `counted` empty."""
    out = demo / f"counts{suffix}"
    done = planner("stocktake", "sheet", demo / "scenarios" / "demo.toml", "--out", out)
    assert done.exit_code == 0, done.output
    rows = _sheet_rows(out)
    assert rows[0] == SHEET_COLUMNS
    lots = pd.read_csv(SCENARIOS / "demo" / "lots.csv", dtype=str, keep_default_na=False)
    expected = [
        [r.lot, r.item, r.warehouse, r.owner, r.quantity, r.allocated or "0", r.planned_issue or "0", ""]
        for r in lots.sort_values("lot").itertuples()
    ]
    assert rows[1:] == expected


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_seed_001_count_upload_and_replan(demo: Path, suffix: str) -> None:
    """Seed 001 end to end: download the sheet, count, upload, re-plan with --previous.

    The count finds 350 of R10K-NY-1's 400 resistors and a box of 50 nobody knew of (new lot
    R10K-NY-2, NY, MAIN). Worked out from scenarios/demo: RES-10K lines SO-1001 400 (tier 2),
    SO-1002 350 (CA only, tier 5), SH-4001's 20 kits x 4 = 80 (pnp, tier 6) and LN-5001 50 (tier 9)
    took all 880 units of NY-1 400, CA-1 400 and CA-TAPE 80 (NY-1: SO-1001 270, SH-4001 80,
    LN-5001 50). After the count there are 830 + 50 = 880 again, so every line stays full and the
    tier totals are those of the base plan. 50 units of NY-1 are gone and 50 of NY-2 have come: the
    fewest changes take 50 off one NY-1 line and give that line 50 of NY-2 (100 units; no plan moves
    less, since 50 must leave NY-1 and 50 must reach NY-2). Only SO-1001, SH-4001 or LN-5001 (the
    lines on NY-1) may change, and the checker passes the plan and its changes.csv.
    """
    sheet, whatif = demo / f"counts{suffix}", demo / "scenarios" / "count.toml"
    assert planner("stocktake", "sheet", demo / "scenarios" / "demo.toml", "--out", sheet).exit_code == 0
    _fill(sheet, {"R10K-NY-1": 350}, [["R10K-NY-2", "RES-10K", "NY", "MAIN", None, None, None, 50]])
    done = planner(
        "stocktake", "apply", demo / "scenarios" / "demo.toml", sheet, "--mode", "listed", "--out", whatif
    )
    assert done.exit_code == 0, done.output
    assert (demo / "scenarios" / "count.new_lots.csv").read_text() == (
        "lot,item,warehouse,owner,quantity\nR10K-NY-2,RES-10K,NY,MAIN,50\n"
    )
    solved = planner("solve", whatif, "--out", demo / "re", "--previous", demo / "base", "--quiet")
    assert solved.exit_code == 0, solved.output
    changes = pd.read_csv(demo / "re" / "changes.csv", dtype=str)
    assert set(changes["order"]) <= {"SO-1001", "SH-4001", "LN-5001"}
    assert set(changes["lot"]) == {"R10K-NY-1", "R10K-NY-2"}
    summary = json.loads((demo / "re" / "summary.json").read_text())
    base = json.loads((demo / "base" / "summary.json").read_text())
    assert summary["changes"]["units_moved"] == 100
    assert [t["allocated"] for t in summary["tiers"]] == [t["allocated"] for t in base["tiers"]]
    checked = planner("check", whatif, demo / "re", "--previous", demo / "base")
    assert checked.exit_code == 0, checked.output


def test_listed_sets_counted_lots_and_all_also_empties_uncounted_free_lots(demo: Path) -> None:
    """Property: with one lot counted, `listed` changes that lot's quantity only; `all` also sets every
    other lot on hand to 0 except the lots with stock committed on them, which keep their quantity
    (demo: C100N-NY-1 allocated 200 and reserved 100, MCU-CA-1 planned issues 5, PCB-NY-1 allocated 10)."""
    scenario = load_scenario(demo / "scenarios" / "demo.toml")
    sheet = demo / "counts.csv"
    assert planner("stocktake", "sheet", demo / "scenarios" / "demo.toml", "--out", sheet).exit_code == 0
    _fill(sheet, {"LED-NY-1": 440})
    listed = take_stock(scenario, sheet, "listed")
    assert [(c.where, c.value) for c in listed.changes] == [((("lot", "LED-NY-1"),), 440)]
    every = take_stock(scenario, sheet, "all")
    zeroed = {c.where[0][1] for c in every.changes if c.value == 0}
    committed = {"C100N-NY-1", "MCU-CA-1", "PCB-NY-1"}
    assert set(every.kept) == committed
    assert zeroed == {lot.lot for lot in scenario.lots} - committed - {"LED-NY-1"}
    for mode in ("listed", "all"):
        whatif = demo / "scenarios" / f"count_{mode}.toml"
        done = planner(
            "stocktake", "apply", demo / "scenarios" / "demo.toml", sheet, "--mode", mode, "--out", whatif
        )
        assert done.exit_code == 0, done.output
        quantities = {lot.lot: lot.quantity for lot in load_scenario(whatif).lots}
        expected = {lot.lot: lot.quantity for lot in scenario.lots} | {"LED-NY-1": 440}
        if mode == "all":
            expected |= dict.fromkeys(zeroed, 0)
        assert quantities == expected


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_bad_count_sheet_names_every_row_and_writes_nothing(demo: Path, suffix: str) -> None:
    """Property: a count below what is committed on the lot, an unknown lot without item and
    warehouse, a bad number, a lot listed twice and a row contradicting its lot's item are each
    reported with the sheet's row and column, all at once; exit 2 and nothing is written."""
    sheet = demo / f"counts{suffix}"
    assert planner("stocktake", "sheet", demo / "scenarios" / "demo.toml", "--out", sheet).exit_code == 0
    _fill(
        sheet,
        {"C100N-NY-1": 250, "LED-NY-1": "many"},  # C100N-NY-1: 200 allocated + 100 reserved are committed
        [
            ["NEW-1", None, None, None, None, None, None, 5],
            ["LED-NY-1", None, None, None, None, None, None, 3],
            ["ENC-NY-1", "LED-RED", None, None, None, None, None, 3],
        ],
    )
    whatif = demo / "scenarios" / "count.toml"
    done = planner(
        "stocktake", "apply", demo / "scenarios" / "demo.toml", sheet, "--mode", "all", "--out", whatif
    )
    assert done.exit_code == 2
    label = "counts.xlsx[counts]" if suffix == ".xlsx" else "counts.csv"
    row = {r[0]: i for i, r in enumerate(_sheet_rows(sheet)[1:16], start=2)}
    expected = [
        f"{label}, row {row['C100N-NY-1']}, column counted: lot C100N-NY-1: counted 250 is below 300",
        f"{label}, row {row['LED-NY-1']}, column counted: 'many' is not a whole number",
        f"{label}, row 16, column lot: lot NEW-1 is not in the scenario",
        f"{label}, row 17, column lot: lot LED-NY-1 is listed before, in row {row['LED-NY-1']}",
        f"{label}, row 18, column lot: lot ENC-NY-1 is listed before, in row {row['ENC-NY-1']}",
        f"{label}, row 18, column item: lot ENC-NY-1 is item 'ENCL-SMALL' in the scenario",
    ]
    for text in expected:
        assert text in done.output
    assert "6 input error(s)" in done.output
    assert not whatif.exists()
    assert not (demo / "scenarios" / "count.new_lots.csv").exists()


def test_outputs_never_replace_what_the_planner_did_not_write(demo: Path) -> None:
    """Property: the sheet replaces only a sheet holding no count, the what-if only a what-if the
    planner wrote; anything else is refused (exit 2, the file as it was) unless --force."""
    scenario = demo / "scenarios" / "demo.toml"
    sheet, whatif = demo / "counts.csv", demo / "scenarios" / "count.toml"
    assert planner("stocktake", "sheet", scenario, "--out", sheet).exit_code == 0
    assert planner("stocktake", "sheet", scenario, "--out", sheet).exit_code == 0  # its own, no count yet
    _fill(sheet, {"LED-NY-1": 440})
    counted = sheet.read_text()
    refused = planner("stocktake", "sheet", scenario, "--out", sheet)
    assert refused.exit_code == 2
    assert sheet.read_text() == counted
    whatif.write_text("# my own notes\n")
    refused = planner("stocktake", "apply", scenario, sheet, "--mode", "listed", "--out", whatif)
    assert refused.exit_code == 2
    assert whatif.read_text() == "# my own notes\n"
    forced = planner("stocktake", "apply", scenario, sheet, "--mode", "listed", "--out", whatif, "--force")
    assert forced.exit_code == 0, forced.output
    again = planner("stocktake", "apply", scenario, sheet, "--mode", "all", "--out", whatif)
    assert again.exit_code == 0, again.output
    assert planner("stocktake", "apply", scenario, sheet, "--mode", "all", "--out", scenario).exit_code == 2
    chained = demo / "scenarios" / "early_cables.toml"  # extends demo.toml: an input, even with --force
    assert (
        planner("stocktake", "apply", chained, sheet, "--mode", "all", "--out", scenario, "--force").exit_code
        == 2
    )
    assert (demo / "scenarios" / "demo.toml").read_text() == (SCENARIOS / "demo.toml").read_text()
    assert (
        planner("stocktake", "sheet", scenario, "--out", demo / "scenarios" / "demo" / "lots.csv").exit_code
        == 2
    )


def test_take_stock_reports_every_problem_at_once(demo: Path) -> None:
    """Property: the library raises InputErrors holding every problem (the CLI only prints them)."""
    sheet = demo / "counts.csv"
    sheet.write_text("lot,counted\nNOPE,1\nLED-NY-1,-1\n")
    with pytest.raises(InputErrors) as raised:
        take_stock(load_scenario(demo / "scenarios" / "demo.toml"), sheet, "listed")
    assert [(e.row, e.column) for e in raised.value.errors] == [(2, "lot"), (3, "counted")]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_formula_looking_lot_ids_stay_text_through_the_stock_take(demo: Path, suffix: str) -> None:
    """Property (SPEC 11): a new lot counted with the id `=2+3` is written to the new lots file as a
    text cell (`'=2+3`) and the what-if loads it back as the lot `=2+3`; no sheet cell is a formula."""
    sheet, whatif = demo / f"counts{suffix}", demo / "scenarios" / "count.toml"
    assert planner("stocktake", "sheet", demo / "scenarios" / "demo.toml", "--out", sheet).exit_code == 0
    _fill(sheet, {}, [["=2+3", "RES-10K", "NY", "MAIN", None, None, None, 5]])
    done = planner(
        "stocktake", "apply", demo / "scenarios" / "demo.toml", sheet, "--mode", "listed", "--out", whatif
    )
    assert done.exit_code == 0, done.output
    assert "'=2+3,RES-10K" in (demo / "scenarios" / "count.new_lots.csv").read_text()
    lots = {lot.lot: lot.quantity for lot in load_scenario(whatif).lots}
    assert lots["=2+3"] == 5
