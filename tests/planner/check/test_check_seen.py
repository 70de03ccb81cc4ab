"""The checker sees everything it is shown (issue: corruptions `planner check` once passed).

A correct plan is written by `planner solve`, then one thing in it is corrupted;
`check_dir` must report it: a reason that the facts do not give (each line's
reason is decided again from the scenario and the allocations), summary.json's
tier and total figures against lines.csv, and a result folder lacking a contract
file or holding one that cannot be read.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from models.loading import load_scenario
from models.records import Item, Line, Lot, Order, Scenario
from planner.check import Violation, check_dir, check_tables
from planner.cli import main
from planner.engine.solve import solve

DEMO = Path(__file__).resolve().parents[3] / "scenarios" / "demo.toml"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Scenario, Path]:
    """The demo solved and written once: (scenario, result folder)."""
    scenario = load_scenario(DEMO)
    out = tmp_path_factory.mktemp("demo") / "plan"
    solve(scenario).write(out)
    return scenario, out


def _copy(result: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(result, tmp_path / "plan"))


def _set_reason(folder: Path, order: str, line: str, reason: str) -> None:
    lines = pd.read_csv(folder / "lines.csv", dtype=str, keep_default_na=False)
    lines.loc[(lines["order"] == order) & (lines["line"] == line), "reason"] = reason
    lines.to_csv(folder / "lines.csv", index=False)


def _rules(violations: list[Violation]) -> set[str]:
    return {v.rule for v in violations}


def test_the_written_demo_plan_passes(demo: tuple[Scenario, Path]) -> None:
    scenario, out = demo
    assert check_dir(scenario, out) == []


@pytest.mark.parametrize(
    ("order", "line", "reason"),
    [
        ("MO-3001", "3", "safety_stock"),  # LED-RED has no safety stock: pack_remainder
        ("MO-3001", "3", "pack_size"),  # 250 are free in its lot: it lacks 50, less than a pack
        ("DO-2001", "1", "short"),  # its full-delivery order cannot be completed
        ("SO-1009", "1", "short"),  # what is left of CAP-100N is safety stock
        ("SO-1006", "1", "pack_size"),  # a full line that cannot be served whole
    ],
)
def test_a_reason_the_facts_do_not_give_is_caught(
    demo: tuple[Scenario, Path], tmp_path: Path, order: str, line: str, reason: str
) -> None:
    scenario, out = demo
    folder = _copy(out, tmp_path)
    _set_reason(folder, order, line, reason)
    assert _rules(check_dir(scenario, folder)) == {"reason"}


def test_pack_size_in_place_of_short_is_caught(tmp_path: Path) -> None:
    """L2 gets nothing because L1 (an earlier tier) took the lot: `short`, not `pack_size`, although
    the item is packed in fives."""
    scenario = Scenario(
        name="packs",
        today=date(2026, 11, 20),
        items=(Item("X", pack_size=5),),
        lots=(Lot("A", "X", "NY", 10),),
        orders=(Order("O"),),
        lines=(Line("O", "1", "X", 10, date(2026, 12, 1)), Line("O", "2", "X", 5, date(2026, 12, 2))),
    )
    out = tmp_path / "plan"
    solve(scenario).write(out)
    assert check_dir(scenario, out) == []
    _set_reason(out, "O", "2", "pack_size")
    assert _rules(check_dir(scenario, out)) == {"reason"}


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("tiers", 0, "allocated"), 1),
        (("tiers", 0, "requested"), 1),
        (("totals", "allocated"), 7),
        (("totals", "lines_full"), 0),
        (("totals", "fill_rate"), 0.5),
        (("scenario",), "another"),
        (("today",), "2020-01-01"),
        (("status",), "optimal-ish"),
        (("tiers", 1, "bound"), 0),
    ],
)
def test_tampered_summary_figures_are_caught(
    demo: tuple[Scenario, Path], tmp_path: Path, path: tuple[str | int, ...], value: object
) -> None:
    scenario, out = demo
    folder = _copy(out, tmp_path)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    place = summary
    for step in path[:-1]:
        place = place[step]
    place[path[-1]] = value
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    assert _rules(check_dir(scenario, folder)) == {"summary"}


@pytest.mark.parametrize("name", ["allocations.csv", "lines.csv", "items.csv", "summary.json"])
@pytest.mark.parametrize("damage", ["missing", "empty", "garbled"])
def test_a_missing_or_unreadable_contract_file_is_reported(
    demo: tuple[Scenario, Path], tmp_path: Path, name: str, damage: str
) -> None:
    """No file of the contract may be missing, empty or garbled; check says so (and never crashes)."""
    scenario, out = demo
    folder = _copy(out, tmp_path)
    if damage == "missing":
        (folder / name).unlink()
    elif damage == "empty":
        (folder / name).write_text("", encoding="utf-8")
    else:
        (folder / name).write_bytes(b'\xff\xfe{"not really"\n,,,\n')
    violations = check_dir(scenario, folder)
    assert "table_format" in _rules(violations)
    assert any(name in v.message for v in violations)


def test_planner_check_never_calls_an_incomplete_folder_good(
    demo: tuple[Scenario, Path], tmp_path: Path
) -> None:
    """`planner check` on a folder without summary.json, or with an empty allocations.csv: exit 1, the
    file named, no claim that the plan honours every restriction, no traceback."""
    _, out = demo
    for broken in ("summary.json", "allocations.csv"):
        folder = _copy(out, tmp_path / broken)
        if broken == "summary.json":
            (folder / broken).unlink()
        else:
            (folder / broken).write_text("", encoding="utf-8")
        result = CliRunner().invoke(main, ["check", str(DEMO), str(folder)], catch_exceptions=False)
        assert result.exit_code == 1
        assert broken in result.output.replace("\n", "")
        assert "honours" not in result.output


@pytest.mark.parametrize(
    "column",
    [
        "in_stock",
        "allocated_before",
        "available",
        "required",
        "deficit",
        "allocable",
        "safety_stock",
        "on_order",
        "allocated",
        "available_after",
        "short",
        "unit",
    ],
)
def test_a_tampered_items_figure_is_caught(demo: tuple[Scenario, Path], tmp_path: Path, column: str) -> None:
    """Every figure of items.csv is summed again from the scenario and the allocations."""
    scenario, out = demo
    folder = _copy(out, tmp_path)
    items = pd.read_csv(folder / "items.csv", dtype=str, keep_default_na=False)
    row = items.index[items["item"] == "CAP-100N"][0]
    items.loc[row, column] = "kg" if column == "unit" else str(int(items.loc[row, column]) + 1)
    items.to_csv(folder / "items.csv", index=False)
    violations = check_dir(scenario, folder)
    assert _rules(violations) == {"items"}
    assert any("CAP-100N" in v.message and column in v.message for v in violations)


def test_an_items_row_missing_or_added_is_caught(demo: tuple[Scenario, Path], tmp_path: Path) -> None:
    scenario, out = demo
    folder = _copy(out, tmp_path)
    items = pd.read_csv(folder / "items.csv", dtype=str, keep_default_na=False)
    items = pd.concat([items[items["item"] != "LED-RED"], items.head(1).assign(item="GHOST")])
    items.to_csv(folder / "items.csv", index=False)
    messages = [v.message for v in check_dir(scenario, folder) if v.rule == "items"]
    assert any("LED-RED" in m for m in messages)
    assert any("GHOST" in m for m in messages)


def test_fingerprints_beside_a_plan_not_proved_are_reported(
    demo: tuple[Scenario, Path], tmp_path: Path
) -> None:
    """components.txt (planner.engine.takeover) beside a plan whose status is not optimal breaks
    the rule that only proved components are listed; beside the proved plan it passes."""
    scenario, out = demo
    folder = _copy(out, tmp_path)
    assert (folder / "components.txt").is_file()
    assert check_dir(scenario, folder) == []
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    summary["status"] = "feasible"
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    assert "components" in _rules(check_dir(scenario, folder))


@pytest.mark.parametrize("column", ["in_stock", "available_after", "short", "unit"])
def test_a_tampered_items_figure_is_caught_in_the_typed_tables(
    demo: tuple[Scenario, Path], column: str
) -> None:
    """The tables as `solve` hands them to the checker (numbers as numbers, not text): a figure off by
    one is caught with the row, the item, what it says and what the plan gives."""
    scenario, _ = demo
    plan = solve(scenario)
    items = plan.items_frame()
    row = int(items.index[items["item"] == "CAP-100N"][0])
    cell: object = items[column].iloc[row]
    true = str(cell) if column == "unit" else int(str(cell))
    said = "kg" if column == "unit" else str(int(true) + 1)
    items[column] = items[column].where(items.index != row, said if column == "unit" else int(said))
    found = check_tables(scenario, plan.allocations_frame(), plan.lines_frame(), items=items)
    assert [v.message for v in found] == [
        f"items.csv row {row + 2} (item CAP-100N): {column} is {said!r}, the plan gives {true!r}"
    ]


def test_items_figures_written_as_whole_numbers_in_other_forms_pass(
    demo: tuple[Scenario, Path], tmp_path: Path
) -> None:
    """A figure is a whole number however it is written ("5.0", " 5 "), as every number the checker
    reads; an items row listed twice is still caught."""
    scenario, out = demo
    folder = _copy(out, tmp_path)
    items = pd.read_csv(folder / "items.csv", dtype=str, keep_default_na=False)
    items["in_stock"] = items["in_stock"] + ".0"
    items["short"] = " " + items["short"] + " "
    items.to_csv(folder / "items.csv", index=False)
    assert check_dir(scenario, folder) == []
    pd.concat([items, items.tail(1)]).to_csv(folder / "items.csv", index=False)
    assert [v.message for v in check_dir(scenario, folder)] == [
        f"items.csv row {len(items) + 2}: item {items['item'].iloc[-1]} is listed twice"
    ]
