"""What-if results (issue 3): `planner compare` (kpis.csv, line_changes.csv), `planner run` (a batch
with run.json) and the bundled what-if scenarios in scenarios/*.toml.

Commands run in-process through click's CliRunner. The small scenarios are written into tmp_path:
a base in `base/` (tables in `base/data/`) and a what-if in `whatif/` that extends it.
"""

from __future__ import annotations

import csv
import hashlib
import json
import textwrap
from importlib import metadata
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from planner.cli import main

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
OUTPUTS = {
    "allocations.csv",
    "lines.csv",
    "items.csv",
    "explain.csv",
    "summary.json",
    "run.json",
    "components.txt",
}

BASE_TABLES = {
    "items.csv": "item,description\nX,Widget\nY,Gadget\n",
    "lots.csv": "lot,item,warehouse,quantity\nA1,X,NY,10\nB1,Y,NY,5\n",
    "orders.csv": "order,priority\nS1,1\nS2,5\nS3,5\n",
    "lines.csv": textwrap.dedent(
        """\
        order,line,item,quantity,ship_date
        S1,1,X,8,2026-12-01
        S2,1,X,6,2026-12-02
        S3,1,Y,5,2026-12-01
        """
    ),
}
"""Base: S1/1 (priority 1) ships first and takes 8 of the 10 X, S2/1 gets the other 2 (short);
S3/1 gets all 5 Y."""

RUSH_TOML = """\
extends = "../base/base.toml"

[[override]]
table = "lines"
where = { order = "S2", line = "1" }
set = { ship_date = 2026-11-30 }

[[remove]]
table = "orders"
where = { order = "S3" }

[[add]]
table = "lines"
file = "rush_lines.csv"
"""
"""The what-if: S2/1 ships before S1/1 and now takes 6 of X (S1/1 keeps 4, short); S3 is cancelled
(its 5 Y go); the added line S2/2 takes 3 of the Y freed by S3."""


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def write_pair(root: Path) -> tuple[Path, Path]:
    """The base and the rush what-if; returns their TOML paths."""
    data = root / "base" / "data"
    data.mkdir(parents=True)
    for name, text in BASE_TABLES.items():
        (data / name).write_text(text, encoding="utf-8")
    base = root / "base" / "base.toml"
    base.write_text('name = "base"\ntoday = "2026-11-20"\ndata = "data"\n', encoding="utf-8")
    (root / "whatif").mkdir()
    rush = root / "whatif" / "rush.toml"
    rush.write_text(RUSH_TOML, encoding="utf-8")
    (root / "whatif" / "rush_lines.csv").write_text(
        "order,line,item,quantity,ship_date\nS2,2,Y,3,2026-12-03\n", encoding="utf-8"
    )
    return base, rush


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- compare ------------------------------------------------------------------------------------------


EXPECTED_CHANGES = [
    # scenario, order, line, item, base_allocated, allocated, delta, base_reason, reason
    ["rush", "S1", "1", "X", "8", "4", "-4", "", "short"],
    ["rush", "S2", "1", "X", "2", "6", "4", "short", ""],
    ["rush", "S2", "2", "Y", "0", "3", "3", "", ""],
    ["rush", "S3", "1", "Y", "5", "0", "-5", "", ""],
]


def test_compare_lists_exactly_the_changed_lines(tmp_path: Path) -> None:
    """line_changes.csv holds exactly the hand-computed rows, sorted by order and line: lines whose
    allocation moved (S1/1, S2/1), a line only in the what-if (S2/2, base 0) and a line only in the
    base (S3/1, now 0); lines with the same allocation are not listed."""
    base, rush = write_pair(tmp_path)
    result = invoke("compare", base, rush, "--out", tmp_path / "cmp")
    assert result.exit_code == 0, result.output
    with (tmp_path / "cmp" / "line_changes.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == [
        "scenario",
        "order",
        "line",
        "item",
        "base_allocated",
        "allocated",
        "delta",
        "base_reason",
        "reason",
    ]
    assert rows[1:] == EXPECTED_CHANGES


def test_compare_kpis(tmp_path: Path) -> None:
    """kpis.csv: one row per scenario in the order given, with the hand-computed counts, fill rates
    and fill per priority (empty where no line has that priority)."""
    base, rush = write_pair(tmp_path)
    assert invoke("compare", base, rush, "--out", tmp_path / "cmp").exit_code == 0
    rows = read_csv(tmp_path / "cmp" / "kpis.csv")
    assert list(rows[0]) == [
        "scenario",
        "lines",
        "lines_full",
        "lines_partial",
        "lines_none",
        "orders",
        "orders_full",
        "requested",
        "allocated",
        "fill_rate",
        *(f"fill_p{p}" for p in range(10)),
    ]
    empty = {f"fill_p{p}": "" for p in (0, 2, 3, 4, 6, 7, 8, 9)}
    # base: S1/1 8 of 8, S2/1 2 of 6, S3/1 5 of 5.
    assert rows[0] == {
        "scenario": "base",
        "lines": "3",
        "lines_full": "2",
        "lines_partial": "1",
        "lines_none": "0",
        "orders": "3",
        "orders_full": "2",
        "requested": "19",
        "allocated": "15",
        "fill_rate": "0.7895",
        "fill_p1": "1.0",
        "fill_p5": "0.6364",
        **empty,
    }
    # rush: S1/1 4 of 8, S2/1 6 of 6, S2/2 3 of 3.
    assert rows[1] == {
        "scenario": "rush",
        "lines": "3",
        "lines_full": "2",
        "lines_partial": "1",
        "lines_none": "0",
        "orders": "2",
        "orders_full": "1",
        "requested": "17",
        "allocated": "13",
        "fill_rate": "0.7647",
        "fill_p1": "0.5",
        "fill_p5": "1.0",
        **empty,
    }


def test_compare_of_result_folders_equals_compare_of_the_toml_files(tmp_path: Path) -> None:
    """Result folders written by `planner solve` compare exactly like the TOML files they came from:
    kpis.csv and line_changes.csv are byte-identical, whichever side is a folder."""
    base, rush = write_pair(tmp_path)
    assert invoke("solve", base, "--out", tmp_path / "r_base", "--quiet").exit_code == 0
    assert invoke("solve", rush, "--out", tmp_path / "r_rush", "--quiet").exit_code == 0
    runs = {
        "toml": (base, rush),
        "base_folder": (tmp_path / "r_base", rush),
        "other_folder": (base, tmp_path / "r_rush"),
        "folders": (tmp_path / "r_base", tmp_path / "r_rush"),
    }
    for label, (first, second) in runs.items():
        result = invoke("compare", first, second, "--out", tmp_path / label)
        assert result.exit_code == 0, result.output
    for name in ("kpis.csv", "line_changes.csv"):
        expected = (tmp_path / "toml" / name).read_text(encoding="utf-8")
        for label in ("base_folder", "other_folder", "folders"):
            assert (tmp_path / label / name).read_text(encoding="utf-8") == expected, (label, name)


def test_compare_needs_two_scenarios(tmp_path: Path) -> None:
    """compare with a single scenario is a usage error and writes nothing."""
    base, _ = write_pair(tmp_path)
    result = CliRunner().invoke(main, ["compare", str(base), "--out", str(tmp_path / "cmp")])
    assert result.exit_code == 2
    assert not (tmp_path / "cmp").exists()


def test_compare_demo_with_early_cables(tmp_path: Path) -> None:
    """demo vs early_cables (40 more USB cables in CA, lot CAB-CA-2), worked out from scenarios/demo:

    - DO-2001 (deliver in full, ships 2026-11-24, the first tier) needs 25 MCU-STM32 and 60
      CABLE-USB. The demo has only 50 cables (CAB-CA-1), so the order is blocked and both lines get
      0. With 50 + 40 = 90 cables it can ship complete: 25 and 60.
    - MCU-STM32 stock: MCU-CA-1 30 - 5 planned issue = 25, less 5 safety stock in CA = 20 usable,
      the company's (MAIN); MCU-NY-1 20, Acme's consignment stock. DO-2001 may take any owner's
      (owners *), MO-3001 lists none, so with company MAIN only MAIN's. In the demo MO-3001/1
      (ships 11-26) gets MAIN's 20; now DO-2001 takes 25 first (Acme's 20 and 5 of MAIN's, so that
      MO-3001 keeps the most) and MO-3001/1 gets 15; the 5 left in CA are safety stock, hence
      reason safety_stock on both sides.
    - The other cable lines take no part either way (SO-1005/1 vendor_shipment, SO-1005/3 outside
      the 14-day window), so nothing else changes.
    """
    result = invoke(
        "compare", SCENARIOS / "demo.toml", SCENARIOS / "early_cables.toml", "--out", tmp_path / "cmp"
    )
    assert result.exit_code == 0, result.output
    with (tmp_path / "cmp" / "line_changes.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    assert rows == [
        ["early_cables", "DO-2001", "1", "MCU-STM32", "0", "25", "25", "full_delivery_blocked", ""],
        ["early_cables", "DO-2001", "2", "CABLE-USB", "0", "60", "60", "full_delivery_blocked", ""],
        ["early_cables", "MO-3001", "1", "MCU-STM32", "20", "15", "-5", "safety_stock", "safety_stock"],
    ]
    demo, early = read_csv(tmp_path / "cmp" / "kpis.csv")
    assert (demo["scenario"], early["scenario"]) == ("demo", "early_cables")
    assert int(early["allocated"]) - int(demo["allocated"]) == 25 + 60 - 5
    assert early["requested"] == demo["requested"]
    assert early["lines"] == demo["lines"]
    # DO-2001's two lines go from none to full; MO-3001/1 stays partial.
    assert int(early["lines_none"]) == int(demo["lines_none"]) - 2
    assert int(early["lines_full"]) == int(demo["lines_full"]) + 2
    assert int(early["lines_partial"]) == int(demo["lines_partial"])
    # DO-2001 becomes a full order; MO-3001 is not full in either.
    assert int(early["orders_full"]) == int(demo["orders_full"]) + 1


# --- run (batch) -----------------------------------------------------------------------------------


def test_run_batch_writes_good_scenarios_and_fails_on_the_bad_one(tmp_path: Path) -> None:
    """Two good scenarios and a failing one: exit 1; each good one has the five files in OUT/<name>/
    and a run.json whose inputs are exactly its files with their SHA-256 (the TOML chain, the tables,
    the added rows); the failing one has no folder."""
    base, rush = write_pair(tmp_path)
    bad = tmp_path / "whatif" / "bad.toml"
    bad.write_text(
        'extends = "../base/base.toml"\n[[remove]]\ntable = "orders"\nwhere = { order = "S9" }\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = invoke("run", base, bad, rush, "--out", out)
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["base", "rush"]
    assert not (out / "bad").exists()

    data = tmp_path / "base" / "data"
    expected_inputs = {
        "base": {"base.toml": base, **{f"data/{n}": data / n for n in BASE_TABLES}},
        "rush": {
            "whatif/rush.toml": rush,
            "base/base.toml": base,
            **{f"base/data/{n}": data / n for n in BASE_TABLES},
            "whatif/rush_lines.csv": tmp_path / "whatif" / "rush_lines.csv",
        },
    }
    for name, scenario in (("base", base), ("rush", rush)):
        folder = out / name
        assert {p.name for p in folder.iterdir()} == OUTPUTS
        record = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        assert record["scenario"] == name
        assert record["scenario_file"] == str(scenario)
        assert record["inputs"] == {key: sha256(path) for key, path in expected_inputs[name].items()}
        assert record["planner_version"] == metadata.version("allocation-planner")
        assert record["status"] == "optimal"
        assert record["solver"] == json.loads((folder / "summary.json").read_text())["solver"]
        assert set(record["solver_versions"]) == {"ortools", "pulp"}
        assert record["solver_versions"]["ortools"] == metadata.version("ortools")
        assert record["options"] == {"solver": None, "time_limit": None, "workers": 1, "scheduler": None}
        assert set(record["timings"]) == {"load", "solve"}
        assert all(t >= 0 for t in record["timings"].values())
        assert json.loads((folder / "summary.json").read_text())["scenario"] == name


def test_run_batch_options_are_recorded(tmp_path: Path) -> None:
    """--solver, --time-limit, --workers and --scheduler given to `planner run` are recorded in
    run.json's options (the base has no integer component, so no pool or cluster is started)."""
    base, _ = write_pair(tmp_path)
    solver, workers = ["--solver", "highs", "--time-limit", "30"], ["--workers", "2"]
    result = invoke(
        "run", base, "--out", tmp_path / "out", *solver, *workers, "--scheduler", "tcp://127.0.0.1:1"
    )
    assert result.exit_code == 0, result.output
    record = json.loads((tmp_path / "out" / "base" / "run.json").read_text(encoding="utf-8"))
    assert record["options"] == {
        "solver": "highs",
        "time_limit": 30.0,
        "workers": 2,
        "scheduler": "tcp://127.0.0.1:1",
    }


def test_run_batch_same_name_twice_fails_the_second(tmp_path: Path) -> None:
    """Two scenarios named alike: the first is written to OUT/<name>/, the second fails (exit 1) and
    does not overwrite the first's folder."""
    base, _ = write_pair(tmp_path)
    twin = tmp_path / "whatif" / "twin.toml"
    twin.write_text(
        'extends = "../base/base.toml"\nname = "base"\n'
        '[[override]]\ntable = "orders"\nwhere = { order = "S2" }\nset = { priority = 0 }\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = invoke("run", base, twin, "--out", out)
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["base"]
    record = json.loads((out / "base" / "run.json").read_text(encoding="utf-8"))
    assert record["scenario_file"] == str(base)


def test_run_batch_goes_on_after_a_scenario_that_crashes(tmp_path: Path) -> None:
    """Whatever makes one scenario fail (here a kit row without its quantity, added to an absent
    kits.csv, which the loader lets through and the solver trips over), the batch records the
    failure, still solves and writes the scenarios after it, and exits 1."""
    base, _ = write_pair(tmp_path)
    folder = tmp_path / "whatif"
    (folder / "items_added.csv").write_text("item\nK\n", encoding="utf-8")
    (folder / "kits_added.csv").write_text("kit,component\nK,X\n", encoding="utf-8")
    (folder / "lines_added.csv").write_text(
        "order,line,item,quantity,ship_date\nS2,2,K,1,2026-12-02\n", encoding="utf-8"
    )
    kit = folder / "kit.toml"
    kit.write_text(
        'extends = "../base/base.toml"\n'
        + "".join(f'[[add]]\ntable = "{t}"\nfile = "{t}_added.csv"\n' for t in ("items", "kits", "lines")),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(kit), str(base), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert {p.name for p in (out / "base").iterdir()} == OUTPUTS
    assert not (out / "kit").exists()


def test_solve_writes_run_json_too(tmp_path: Path) -> None:
    """`planner solve` of a what-if writes the same five files, run.json naming the what-if's inputs."""
    _, rush = write_pair(tmp_path)
    assert invoke("solve", rush, "--out", tmp_path / "r", "--quiet").exit_code == 0
    assert {p.name for p in (tmp_path / "r").iterdir()} == OUTPUTS
    record = json.loads((tmp_path / "r" / "run.json").read_text(encoding="utf-8"))
    assert record["inputs"]["whatif/rush_lines.csv"] == sha256(tmp_path / "whatif" / "rush_lines.csv")


# --- the bundled scenarios -------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", sorted(p.name for p in SCENARIOS.glob("*.toml")))
def test_every_bundled_scenario_solves_optimally_and_passes_the_checker(
    tmp_path: Path, scenario: str
) -> None:
    """Each scenarios/*.toml solves with status optimal, under its file stem as name, and its result
    folder passes `planner check`."""
    path = SCENARIOS / scenario
    out = tmp_path / "out"
    result = invoke("solve", path, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "optimal"
    assert summary["scenario"] == path.stem
    check = invoke("check", path, out)
    assert check.exit_code == 0, check.output
