"""A scenario from pandas DataFrames (a notebook's), validated exactly as the loader validates files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from models.errors import InputErrors
from models.loading import load_scenario
from models.records import Scenario
from planner import Plan, solve

DEMO = Path(__file__).resolve().parents[2] / "scenarios" / "demo.toml"
DEMO_TABLES = DEMO.parent / "demo"


def _demo_frames() -> dict[str, pd.DataFrame]:
    """The demo's tables as pandas reads them by default (ints, floats with NaN, bools), keyed by
    name without `.csv`."""
    return {path.stem: pd.read_csv(path) for path in sorted(DEMO_TABLES.glob("*.csv"))}


def test_the_demo_from_frames_is_the_demo_loaded_from_its_files() -> None:
    """pandas' own dtypes (int64, float64 with NaN, bool, dates as text or as Timestamps) become
    the same records as the CSV files do."""
    loaded = load_scenario(DEMO)
    for frames in (_demo_frames(), _demo_frames() | _dated()):
        built = Scenario.from_frames(frames, "2026-11-23", name="demo", company="MAIN")
        assert built == loaded


def _dated() -> dict[str, pd.DataFrame]:
    """The demo's lots and lines with their dates read as Timestamps (NaT where empty)."""
    return {
        "lots": pd.read_csv(DEMO_TABLES / "lots.csv", parse_dates=["received", "expires"]),
        "lines": pd.read_csv(DEMO_TABLES / "lines.csv", parse_dates=["ship_date"]),
    }


def test_solving_frames_gives_the_plan_as_frames() -> None:
    """DataFrames in, plan out as DataFrames: the same lines table as solving the loaded demo."""
    plan = solve(Scenario.from_frames(_demo_frames(), date(2026, 11, 23), name="demo", company="MAIN"))
    expected = solve(load_scenario(DEMO))
    pd.testing.assert_frame_equal(plan.lines_frame(), expected.lines_frame())
    pd.testing.assert_frame_equal(plan.allocations_frame(), expected.allocations_frame())
    assert plan.summary.totals == expected.summary.totals


def test_an_unknown_item_is_an_input_error_naming_table_row_and_column() -> None:
    """A line of an item no table knows: InputErrors naming lines.csv, the frame's row as
    `to_csv(index=False)` numbers it (first record: row 2) and column item; not a KeyError."""
    frames = _demo_frames()
    frames["lines"].loc[1, "item"] = "NO-SUCH-ITEM"
    with pytest.raises(InputErrors) as caught:
        Scenario.from_frames(frames, "2026-11-23", company="MAIN")
    places = [(e.table, e.row, e.column) for e in caught.value.errors]
    assert ("lines.csv", 3, "item") in places


def test_every_problem_at_once_tables_and_settings() -> None:
    """A missing required table, an unknown table, a bad cell and a bad date are all reported in
    one InputErrors."""
    frames = _demo_frames()
    del frames["orders"]
    frames["colours"] = pd.DataFrame({"a": [1]})
    frames["lots"] = frames["lots"].astype({"quantity": object})
    frames["lots"].loc[0, "quantity"] = "many"
    with pytest.raises(InputErrors) as caught:
        Scenario.from_frames(frames, "23 November", company="MAIN")
    text = "\n".join(str(e) for e in caught.value.errors)
    assert "orders.csv: required table orders.csv not given" in text
    assert "colours.csv: unknown table" in text
    assert "lots.csv, row 2, column quantity" in text
    assert "column today" in text


def test_a_bad_objective_key_is_an_input_error() -> None:
    """The tier key is checked as the scenario file's [objective] key is."""
    with pytest.raises(InputErrors, match=r"objective\.key"):
        Scenario.from_frames(_demo_frames(), "2026-11-23", objective_key=("colour",))


def test_the_api_page_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/api.md's example, run as it is from the project folder, solves the demo's tables."""
    root = DEMO.parents[1]
    page = (root / "docs" / "api.md").read_text(encoding="utf-8")
    code = page.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(root)
    names: dict[str, object] = {}
    exec(compile(code, "docs/api.md", "exec"), names)
    plan = names["plan"]
    assert isinstance(plan, Plan)
    assert plan.summary.status == "optimal"
    assert plan.summary.totals.allocated > 0
