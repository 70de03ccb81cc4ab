"""Results for people in Excel (issue 17): `--format xlsx` writes plan.xlsx beside the CSVs, holding the
same tables with real dates and numbers, and `--excel-csv` writes the CSVs with a BOM; both leave the plan
what it is (the checker passes, a re-plan reads it as --previous, a folder reads back without solving)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from models.cells import read_csv_file
from models.loading import load_scenario
from planner.cli import main
from planner.engine.solve import solve
from planner.io.runs import RunOptions, read_run, solve_into

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "scenarios" / "demo.toml"
SHEETS = {
    "lines": "lines.csv",
    "allocations": "allocations.csv",
    "items": "items.csv",
    "explanations": "explain.csv",
}
BOM = b"\xef\xbb\xbf"


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def xlsx_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("xlsx") / "plan"
    result = invoke("solve", DEMO, "--out", out, "--format", "xlsx", "--quiet")
    assert result.exit_code == 0, result.stderr
    return out


def _as_csv_text(value: object) -> str:
    """A cell as the CSV holds it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value)


def test_plan_xlsx_holds_the_csv_tables_with_typed_cells(xlsx_plan: Path) -> None:
    """Each sheet is its CSV, cell for cell: dates are date cells, quantities numbers, ids text."""
    book = openpyxl.load_workbook(xlsx_plan / "plan.xlsx")
    assert book.sheetnames == ["lines", "allocations", "items", "tiers", "explanations"]
    for sheet, csv_name in SHEETS.items():
        frame = read_csv_file(xlsx_plan / csv_name)
        rows = list(book[sheet].iter_rows(values_only=True))
        assert list(rows[0]) == list(frame.columns)
        assert [[_as_csv_text(v) for v in row] for row in rows[1:]] == frame.values.tolist()
    lines = book["lines"]
    header = [c.value for c in lines[1]]
    first = dict(zip(header, lines[2]))
    assert isinstance(first["ship_date"].value, dt.datetime)
    assert first["ship_date"].is_date
    assert isinstance(first["requested"].value, int)
    assert isinstance(first["priority"].value, int)
    assert first["line"].data_type == "s"
    assert first["unit"].value == "pcs"


def test_plan_xlsx_tiers_sheet_is_summary_json(xlsx_plan: Path) -> None:
    """One row per tier: its key fields as columns (ship_date a date), then the tier's figures."""
    summary = json.loads((xlsx_plan / "summary.json").read_text(encoding="utf-8"))
    rows = list(openpyxl.load_workbook(xlsx_plan / "plan.xlsx")["tiers"].iter_rows(values_only=True))
    assert list(rows[0]) == ["tier", "ship_date", "priority", "requested", "allocated", "bound", "greedy"]
    assert [list(r) for r in rows[1:]] == [
        [
            t["tier"],
            dt.datetime.fromisoformat(t["key"][0]),
            t["key"][1],
            t["requested"],
            t["allocated"],
            t["bound"],
            t["greedy"],
        ]
        for t in summary["tiers"]
    ]


def test_plan_xlsx_sheets_are_frozen_filtered_and_sized(xlsx_plan: Path) -> None:
    """Every sheet freezes its header row, filters over its whole table and sizes its columns."""
    book = openpyxl.load_workbook(xlsx_plan / "plan.xlsx")
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == sheet.dimensions, sheet.title
        widths = [sheet.column_dimensions[c.column_letter].width for c in sheet[1]]
        assert all(w >= len(str(c.value)) + 2 for w, c in zip(widths, sheet[1])), sheet.title


def test_plan_xlsx_reads_back_with_pandas_as_the_csvs(xlsx_plan: Path) -> None:
    """pandas reads each sheet to the CSV's values (numbers as numbers, dates as dates)."""
    for sheet, csv_name in SHEETS.items():
        book = pd.read_excel(xlsx_plan / "plan.xlsx", sheet_name=sheet, dtype=object).fillna("")
        frame = read_csv_file(xlsx_plan / csv_name)
        assert book.map(_as_csv_text).values.tolist() == frame.values.tolist(), sheet


def test_plan_xlsx_is_the_same_bytes_on_every_run(xlsx_plan: Path, tmp_path: Path) -> None:
    """Solved again seconds later, plan.xlsx is byte for byte the same (no clock in the file)."""
    time.sleep(2.1)  # a zip entry's time has a 2 s resolution
    again = tmp_path / "again"
    assert invoke("solve", DEMO, "--out", again, "--format", "xlsx", "--quiet").exit_code == 0
    assert (again / "plan.xlsx").read_bytes() == (xlsx_plan / "plan.xlsx").read_bytes()


def test_plan_xlsx_passes_the_checker_and_is_recorded(xlsx_plan: Path) -> None:
    """The checker passes a folder with plan.xlsx; run.json records the format."""
    assert invoke("check", DEMO, xlsx_plan).exit_code == 0
    record = json.loads((xlsx_plan / "run.json").read_text(encoding="utf-8"))
    assert record["options"]["format"] == "xlsx"


def test_the_checker_refuses_a_plan_xlsx_that_differs_from_the_csvs(xlsx_plan: Path, tmp_path: Path) -> None:
    """plan.xlsx is checked against the CSVs when present: a changed cell is a violation."""
    folder = tmp_path / "edited"
    shutil.copytree(xlsx_plan, folder)
    book = openpyxl.load_workbook(folder / "plan.xlsx")
    book["allocations"]["G2"] = book["allocations"]["G2"].value + 1
    book.save(folder / "plan.xlsx")
    result = invoke("check", DEMO, folder)
    assert result.exit_code == 1
    assert "plan.xlsx" in result.stderr
    assert "allocations" in result.stderr


def test_run_writes_plan_xlsx_into_each_folder(tmp_path: Path) -> None:
    """`planner run --format xlsx` writes plan.xlsx beside each scenario's CSVs."""
    result = invoke(
        "run", DEMO, ROOT / "scenarios" / "shop_order.toml", "--out", tmp_path / "b", "--format", "xlsx"
    )
    assert result.exit_code == 0, result.stdout
    assert sorted(p.parent.name for p in (tmp_path / "b").glob("*/plan.xlsx")) == ["demo", "shop_order"]


def test_without_format_there_is_no_workbook(tmp_path: Path) -> None:
    """CSV alone unless asked, and run.json's options as they were."""
    assert invoke("solve", DEMO, "--out", tmp_path / "p", "--quiet").exit_code == 0
    assert not (tmp_path / "p" / "plan.xlsx").exists()
    record = json.loads((tmp_path / "p" / "run.json").read_text(encoding="utf-8"))
    assert record["options"] == {"solver": None, "time_limit": None, "workers": 1, "scheduler": None}


# --- --excel-csv -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bom_plans(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo solved twice: plain, and with --excel-csv."""
    base = tmp_path_factory.mktemp("bom")
    for name, extra in (("plain", []), ("excel", ["--excel-csv"])):
        result = invoke("solve", DEMO, "--out", base / name, "--quiet", *extra)
        assert result.exit_code == 0, result.stderr
    return base / "plain", base / "excel"


def test_excel_csv_is_the_same_csv_after_a_bom(bom_plans: tuple[Path, Path]) -> None:
    """Every CSV starts with a UTF-8 BOM and is otherwise the plain run's bytes; summary.json is the
    same (its seconds aside)."""
    plain, excel = bom_plans
    csvs = sorted(p.name for p in plain.glob("*.csv"))
    assert csvs
    assert csvs == sorted(p.name for p in excel.glob("*.csv"))
    for name in csvs:
        assert (excel / name).read_bytes() == BOM + (plain / name).read_bytes(), name
        assert not (plain / name).read_bytes().startswith(BOM)
    summaries = [json.loads((f / "summary.json").read_text(encoding="utf-8")) for f in (plain, excel)]
    assert [s | {"seconds": 0} for s in summaries[:1]] == [s | {"seconds": 0} for s in summaries[1:]]
    assert json.loads((excel / "run.json").read_text(encoding="utf-8"))["options"]["excel_csv"] is True


def test_a_bom_plan_passes_the_checker_and_serves_as_previous(
    bom_plans: tuple[Path, Path], tmp_path: Path
) -> None:
    """`planner check` passes it, a re-plan from it is the re-plan from the plain folder, and
    `planner explain` reads it as the plain one."""
    plain, excel = bom_plans
    assert invoke("check", DEMO, excel).exit_code == 0
    for name, folder in (("from-plain", plain), ("from-excel", excel)):
        result = invoke("solve", DEMO, "--out", tmp_path / name, "--previous", folder, "--quiet")
        assert result.exit_code == 0, result.stderr
    for name in ("allocations.csv", "lines.csv", "changes.csv", "explain.csv"):
        assert (tmp_path / "from-excel" / name).read_bytes() == (tmp_path / "from-plain" / name).read_bytes()
    assert invoke("check", DEMO, tmp_path / "from-excel", "--previous", excel).exit_code == 0
    assert invoke("explain", DEMO, excel).stdout == invoke("explain", DEMO, plain).stdout


def test_a_bom_folder_reads_back_without_solving(tmp_path: Path) -> None:
    """read_run (the dashboard's reader) takes a folder written with --excel-csv as it is."""
    options = RunOptions(excel_csv=True)
    plan, folder = solve_into(DEMO, lambda _: tmp_path / "p", options)
    again = read_run(folder, DEMO, options)
    assert again is not None
    assert again.files() == plan.files()
    assert read_run(folder, DEMO) is not None  # the CSVs' encoding is not the plan


@pytest.fixture(scope="module")
def bom_scenarios(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of scenarios/ with every CSV saved as Excel's "CSV UTF-8" does: a BOM first."""
    folder = tmp_path_factory.mktemp("bom-in") / "scenarios"
    shutil.copytree(ROOT / "scenarios", folder)
    for path in folder.rglob("*.csv"):
        path.write_bytes(BOM + path.read_bytes())
    return folder


@pytest.mark.parametrize("name", ["demo", "pinned_epsilon", "rush_order", "shop_order", "stock_count"])
def test_a_scenario_saved_with_a_bom_loads_the_same(bom_scenarios: Path, name: str) -> None:
    """Input CSVs with a BOM (tables, a what-if's added rows, pins.csv) load exactly as without it."""
    assert load_scenario(bom_scenarios / f"{name}.toml") == load_scenario(ROOT / "scenarios" / f"{name}.toml")


def test_a_count_sheet_saved_with_a_bom_applies_the_same(bom_scenarios: Path, tmp_path: Path) -> None:
    """`stocktake apply` reads a counts CSV with a BOM as without it: the same what-if."""
    for label, folder in (("plain", ROOT / "scenarios"), ("bom", bom_scenarios)):
        counts = tmp_path / f"{label}-counts.csv"
        counts.write_bytes(
            (folder / "stock_count.csv").read_bytes().replace(b"1000,200,0,\n", b"1000,200,0,990\n")
        )
        out = tmp_path / label / "count.toml"
        out.parent.mkdir()
        result = invoke("stocktake", "apply", folder / "demo.toml", counts, "--mode", "listed", "--out", out)
        assert result.exit_code == 0, result.stderr
    plain = (tmp_path / "plain" / "count.toml").read_text(encoding="utf-8")
    assert "990" in plain
    assert load_scenario(tmp_path / "bom" / "count.toml") == load_scenario(tmp_path / "plain" / "count.toml")


def test_compare_writes_its_tables_as_a_workbook_and_with_a_bom(tmp_path: Path) -> None:
    """`compare --format xlsx --excel-csv`: compare.xlsx holds kpis, line_changes, lot_changes and
    moves as the CSVs say (numbers as numbers, fill rates too), and every CSV has a BOM."""
    whatif = ROOT / "scenarios" / "mo_consignment.toml"
    out = tmp_path / "cmp"
    result = invoke("compare", DEMO, whatif, "--out", out, "--format", "xlsx", "--excel-csv")
    assert result.exit_code == 0, result.stderr
    book = openpyxl.load_workbook(out / "compare.xlsx")
    assert book.sheetnames == ["kpis", "line_changes", "lot_changes", "moves"]
    for sheet in book.sheetnames:
        raw = (out / f"{sheet}.csv").read_bytes()
        assert raw.startswith(BOM)
        frame = read_csv_file(out / f"{sheet}.csv")
        rows = list(book[sheet].iter_rows(values_only=True))
        assert list(rows[0]) == list(frame.columns)
        for row, expected in zip(rows[1:], frame.values.tolist(), strict=True):
            for cell, text in zip(row, expected, strict=True):
                if isinstance(cell, int | float):  # 1.0 is saved as the number 1
                    assert cell == float(text), (sheet, row)
                else:
                    assert ("" if cell is None else cell) == text, (sheet, row)
    kpis = {c.value: v for c, v in zip(book["kpis"][1], book["kpis"][2])}
    assert isinstance(kpis["fill_rate"].value, float)
    assert isinstance(kpis["allocated"].value, int)


def test_plan_write_takes_the_same_formats(xlsx_plan: Path, tmp_path: Path) -> None:
    """`plan.write(folder, format="xlsx", excel_csv=True)` (the Python API) writes what the command
    line writes: plan.xlsx byte for byte, and the CSVs with a BOM."""
    plan = solve(load_scenario(DEMO))
    plan.write(tmp_path / "api", format="xlsx", excel_csv=True)
    assert (tmp_path / "api" / "plan.xlsx").read_bytes() == (xlsx_plan / "plan.xlsx").read_bytes()
    for name in ("allocations.csv", "lines.csv", "items.csv", "explain.csv"):
        assert (tmp_path / "api" / name).read_bytes() == BOM + (xlsx_plan / name).read_bytes()
    assert invoke("check", DEMO, tmp_path / "api").exit_code == 0


def test_plan_xlsx_of_a_scenario_dated_before_1980(tmp_path: Path) -> None:
    """A zip holds no time before 1980: a scenario planned on 1975-06-01 still gets its plan.xlsx,
    whose properties say 1975."""
    shutil.copytree(DEMO.parent / "demo", tmp_path / "demo")
    text = DEMO.read_text(encoding="utf-8")
    (tmp_path / "old.toml").write_text(
        re.sub(r'today = "[^"]+"', 'today = "1975-06-01"', text), encoding="utf-8"
    )
    result = invoke("solve", tmp_path / "old.toml", "--out", tmp_path / "p", "--format", "xlsx", "--quiet")
    assert result.exit_code == 0, result.stderr
    book = openpyxl.load_workbook(tmp_path / "p" / "plan.xlsx")
    assert book.properties.created == dt.datetime(1975, 6, 1)
