"""The helpers every importer shares: whole quantities in a smaller unit, and the scenario writer."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd

from models.loading import load_scenario
from planner.io.importers.result import ImportResult, unit_factors, whole, write_import


def test_unit_factor_makes_every_quantity_whole_and_is_shared_by_alternates() -> None:
    """An item's factor is the power of ten its finest quantity needs; an item and its alternate share it."""
    factors = unit_factors(
        {"paint": [Decimal("2.275"), Decimal("0.5")], "thinner": [Decimal("3")], "bolt": [Decimal("7")]},
        [("paint", "thinner")],
    )
    assert factors == {"paint": 1000, "thinner": 1000, "bolt": 1}
    assert whole(Decimal("2.275"), 1000, up=False) == 2275


def test_digits_beyond_the_smallest_unit_round_supply_down_and_demand_up() -> None:
    """At most 10^6: finer digits are rounded, never in the planner's favour."""
    assert unit_factors({"x": [Decimal("0.12345678")]}, []) == {"x": 10**6}
    assert whole(Decimal("0.12345678"), 10**6, up=False) == 123456
    assert whole(Decimal("0.12345678"), 10**6, up=True) == 123457


def test_written_folder_is_a_valid_scenario_with_its_report(tmp_path: Path) -> None:
    """write_import writes every table (missing ones empty), scenario.toml and import_report.json."""
    tables = {
        "items.csv": pd.DataFrame({"item": ["A"]}),
        "lots.csv": pd.DataFrame({"lot": ["L1"], "item": ["A"], "warehouse": ["W"], "quantity": [5]}),
        "orders.csv": pd.DataFrame({"order": ["O1"], "warehouses": [("W", "V")]}),
        "lines.csv": pd.DataFrame(
            {"order": ["O1"], "line": ["1"], "item": ["A"], "quantity": [3], "ship_date": [date(2026, 1, 2)]}
        ),
    }
    result = ImportResult("test", date(2026, 1, 1), tables, {"read.x": 1}, ("a note",))
    write_import(result, tmp_path / "s", "named", "source.json")
    scenario = load_scenario(tmp_path / "s")
    assert scenario.name == "named"
    assert scenario.today == date(2026, 1, 1)
    assert scenario.orders[0].warehouses == ("W", "V")
    report = json.loads((tmp_path / "s" / "import_report.json").read_text())
    assert report == {
        "source": "test",
        "today": "2026-01-01",
        "counts": {"read.x": 1},
        "notes": ["a note"],
        "file": "source.json",
    }
