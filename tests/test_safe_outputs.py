"""SPEC 11: the planner never loses a file it did not write.

`--out` replaces a folder only when it is empty or holds the planner's run.json
(or with --force); never a file, an input folder or one above it, nor the
current folder. Batch names are made safe file names. The swap of a result
folder leaves the old or the new result in place at every instant, even when
the process is killed at the worst moment; a second run into the same folder
fails cleanly; optional tables that cannot be read are input errors.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from planner.result.output import output_folder, safe_name
from tests.test_cli import OUTPUTS, invoke, unwrapped, write_scenario


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` with its bytes: what must stay untouched."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_out_naming_a_file_leaves_it_alone(tmp_path: Path) -> None:
    """--out precious.txt: exit 2, the file is still the file it was."""
    scenario = write_scenario(tmp_path / "scenario")
    precious = tmp_path / "precious.txt"
    precious.write_text("my notes", encoding="utf-8")
    for extra in ([], ["--force"]):
        result = invoke("solve", scenario, "--out", precious, *extra)
        assert result.exit_code == 2
        assert "is a file" in unwrapped(result.output)
        assert precious.read_text(encoding="utf-8") == "my notes"


def test_out_dot_never_replaces_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--out . (and a folder above the current one): exit 2 even with --force, nothing deleted."""
    work = tmp_path / "work"
    scenario = write_scenario(work / "scenario")
    (work / "keep.txt").write_text("keep", encoding="utf-8")
    monkeypatch.chdir(work)
    before = _tree(tmp_path)
    for out in (".", ".."):
        for extra in ([], ["--force"]):
            result = invoke("solve", scenario, "--out", out, *extra)
            assert result.exit_code == 2, result.output
            assert "current folder" in unwrapped(result.output)
    assert _tree(tmp_path) == before


def test_out_never_replaces_the_data_folder_or_one_above(tmp_path: Path) -> None:
    """--out naming the scenario's own data folder, or a folder holding it: exit 2 even with --force."""
    root = tmp_path / "repo"
    data = write_scenario(root / "scenarios" / "demo", toml='name = "d"\ntoday = "2026-11-20"\n')
    toml = root / "scenarios" / "demo.toml"
    toml.write_text('name = "d"\ntoday = "2026-11-20"\ndata = "demo"\n', encoding="utf-8")
    before = _tree(tmp_path)
    for out in (data, root / "scenarios", root):
        for extra in ([], ["--force"]):
            result = invoke("solve", toml, "--out", out, *extra)
            assert result.exit_code == 2, result.output
            assert "input" in unwrapped(result.output)
    assert _tree(tmp_path) == before


def test_out_replaces_only_empty_or_planner_folders_unless_forced(tmp_path: Path) -> None:
    """A folder of someone else's files is refused (exit 2) until --force; a planner's result is replaced."""
    scenario = write_scenario(tmp_path / "scenario")
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "report.xlsx").write_bytes(b"not ours")
    result = invoke("solve", scenario, "--out", theirs, "--quiet")
    assert result.exit_code == 2
    assert "--force" in unwrapped(result.output)
    assert _tree(theirs) == {"report.xlsx": b"not ours"}

    assert invoke("solve", scenario, "--out", theirs, "--quiet", "--force").exit_code == 0
    assert {p.name for p in theirs.iterdir()} == OUTPUTS
    assert invoke("solve", scenario, "--out", theirs, "--quiet").exit_code == 0  # ours now: replaced

    empty = tmp_path / "empty"
    empty.mkdir()
    assert invoke("solve", scenario, "--out", empty, "--quiet").exit_code == 0


def test_every_writing_command_refuses_a_folder_it_did_not_write(tmp_path: Path) -> None:
    """compare, generate and import follow the same rule as solve."""
    scenario = write_scenario(tmp_path / "scenario")
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "mine.txt").write_text("mine", encoding="utf-8")
    fixture = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "inventree-demo-dataset"
    fixture_file = next(fixture.glob("*.json"))
    commands: list[list[str | Path]] = [
        ["compare", scenario, scenario, "--out", theirs],
        ["generate", "--lines", "20", "--out", theirs],
        ["import", "inventree", fixture_file, "--out", theirs, "--today", "2024-03-19"],
    ]
    for command in commands:
        result = invoke(*command)
        assert result.exit_code == 2, (command, result.output)
        assert _tree(theirs) == {"mine.txt": b"mine"}
    for command in commands:  # each one's own folder is replaced by the next: run.json marks it
        assert invoke(*command, "--force").exit_code == 0, command
        assert (theirs / "run.json").is_file()


def test_export_template_replaces_only_its_own_workbook(tmp_path: Path) -> None:
    """export-template: an existing workbook it did not write is refused; its own is replaced."""
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"someone's workbook")
    result = invoke("export-template", "--out", book)
    assert result.exit_code == 2
    assert book.read_bytes() == b"someone's workbook"
    assert invoke("export-template", "--out", book, "--force").exit_code == 0
    assert invoke("export-template", "--out", book).exit_code == 0
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    assert invoke("export-template", "--out", folder, "--force").exit_code == 2


VICTIM = "<an absolute folder>"
"""Stands for an absolute folder name: the test names a folder of its own, never a system one."""


@pytest.mark.parametrize(
    ("name", "folder"),
    [
        ("../..", "scenario"),
        (VICTIM, "victim"),
        ("a/../../b", "a_.._.._b"),
        ("x\ny\x00z", "x_y_z"),
        ("..", "scenario"),
    ],
)
def test_batch_names_are_safe_file_names(tmp_path: Path, name: str, folder: str) -> None:
    """`planner run` writes OUT/<safe name>: a TOML name never reaches outside OUT.

    Every place a bad name could reach lies inside tmp_path (OUT is two folders deep, and the
    absolute name is a folder of the test's), so that even a regression harms nothing else."""
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("keep", encoding="utf-8")
    name = str(victim) if name == VICTIM else name
    scenario = write_scenario(tmp_path / "batch", toml=f"name = {json.dumps(name)}\ntoday = 2026-11-20\n")
    (tmp_path / "outside.txt").write_text("keep", encoding="utf-8")
    out = tmp_path / "a" / "b" / "out"
    result = invoke("run", scenario / "scenario.toml", "--out", out)
    assert result.exit_code == 0, result.output
    names = [p.name for p in out.iterdir()]
    assert len(names) == 1
    assert names[0] == folder or (folder == "victim" and names[0].endswith("_victim"))
    assert (tmp_path / "outside.txt").read_text(encoding="utf-8") == "keep"
    assert (victim / "keep.txt").read_text(encoding="utf-8") == "keep"


def test_safe_name_keeps_ordinary_names() -> None:
    assert safe_name("rush beta-2 (Süd)", "x") == "rush_beta-2_Süd"
    assert safe_name("demo", "x") == "demo"
    assert safe_name("...", "x") == "x"


def test_a_second_run_into_a_locked_folder_fails_cleanly(tmp_path: Path) -> None:
    """While one run holds --out, another exits 1 with a message and writes nothing."""
    scenario = write_scenario(tmp_path / "scenario")
    out = tmp_path / "out"
    with output_folder(out):
        result = invoke("solve", scenario, "--out", out)
    assert result.exit_code == 1
    assert "another planner run is writing" in unwrapped(result.output)
    assert not out.exists()
    assert invoke("solve", scenario, "--out", out, "--quiet").exit_code == 0


_KILL_AT = """
import os, signal, sys
import planner.result.output as output
def reached(point):
    if point == sys.argv[1]:
        os.kill(os.getpid(), signal.SIGKILL)
output.reached = reached
if sys.argv[2] == "fallback":
    def no_exchange(a, b):
        raise OSError(22, "no exchange here")
    output._exchange = no_exchange
from planner.cli import main
main(sys.argv[3:])
"""


@pytest.mark.parametrize(
    ("point", "swap"),
    [("staged", "exchange"), ("swapped", "exchange"), ("staged", "fallback"), ("moved-aside", "fallback")],
)
def test_a_kill_during_the_swap_leaves_a_whole_result(tmp_path: Path, point: str, swap: str) -> None:
    """SIGKILL at each moment of the swap: after it the old or the new result is complete on disk, and
    the next run cleans what the killed one left beside the folder."""
    scenario = write_scenario(tmp_path / "scenario")
    out = tmp_path / "out"
    assert invoke("solve", scenario, "--out", out, "--quiet").exit_code == 0
    old = _tree(out)
    (scenario / "lines.csv").write_text(
        (scenario / "lines.csv").read_text(encoding="utf-8").replace("S,2,X,10", "S,2,X,9"), encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-c", _KILL_AT, point, swap, "solve", str(scenario), "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    if out.is_dir():
        now = _tree(out)
        assert set(now) == OUTPUTS
        assert now == old or now["lines.csv"] != old["lines.csv"]
    else:  # only the fallback's moment between its two renames leaves no folder: the next run repairs it
        assert (swap, point) == ("fallback", "moved-aside")
        with output_folder(out):
            pass
        assert _tree(out) == old
    assert invoke("solve", scenario, "--out", out, "--quiet").exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "scenario"]  # nothing stale left


def test_result_folders_follow_the_umask(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path / "scenario")
    old = os.umask(0o022)
    try:
        assert invoke("solve", scenario, "--out", tmp_path / "out", "--quiet").exit_code == 0
    finally:
        os.umask(old)
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o755


@pytest.mark.parametrize("kind", ["folder", "broken link"])
def test_an_optional_table_that_cannot_be_read_is_an_input_error(tmp_path: Path, kind: str) -> None:
    """kits.csv as a folder or a link to nothing: exit 2 naming kits.csv, not an empty table."""
    scenario = write_scenario(tmp_path / "scenario", {"kits.csv": None})
    if kind == "folder":
        (scenario / "kits.csv").mkdir()
    else:
        (scenario / "kits.csv").symlink_to(tmp_path / "nowhere.csv")
    result = invoke("solve", scenario, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "kits.csv" in unwrapped(result.output)
    assert not (tmp_path / "out").exists()
