"""The README's daily loop (plan, pick, receive, count, re-plan) runs as written, in tmp_path."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def _loop_block() -> tuple[str, str]:
    """The shell block of the README's daily loop, split at the comment where the counter fills in
    the sheet: (before, after)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The daily loop") :]
    match = re.search(r"```sh\n(.*?)```", section, re.S)
    assert match is not None
    before, after = match.group(1).split("# fill in", 1)
    return before, after.split("\n", 1)[1]


def _run(script: str, cwd: Path) -> None:
    env = os.environ | {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_readme_daily_loop_runs_and_changes_only_what_the_day_forces(tmp_path: Path) -> None:
    """The README's commands, run in a copy of the project's scenarios with the count filled in as the
    README says (R10K-NY-1 at 350), all succeed (the checker passes the re-plan), and Tuesday's
    changes.csv is what the README promises, worked out from scenarios/demo: SO-1001 is printed and
    keeps its lots (no row); the received cables let DO-2001 ship complete (MCUs: 20 of Acme's
    MCU-NY-1 and 5 of MCU-CA-1, whose 20 usable MO-3001/1 held, so it keeps 15; 60 cables); LN-5001,
    the last line on R10K-NY-1, loses its 50 (SO-1001's 270 and SH-4001's 80 take the 350 counted)."""
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    before, after = _loop_block()
    _run(before, tmp_path)
    sheet = tmp_path / "plans" / "counts.csv"
    with open(sheet, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    for row in rows[1:]:
        row[-1] = "350" if row[0] == "R10K-NY-1" else ""
    with open(sheet, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    _run(after, tmp_path)
    changes = pd.read_csv(tmp_path / "plans" / "tue" / "changes.csv", dtype=str)
    per_line = changes.assign(d=changes["now"].astype(int) - changes["before"].astype(int))
    totals = per_line.groupby(["order", "line"])["d"].sum().to_dict()
    assert totals == {("DO-2001", "1"): 25, ("DO-2001", "2"): 60, ("LN-5001", "1"): -50, ("MO-3001", "1"): -5}
    assert set(changes["lot"][changes["order"] == "DO-2001"]) == {
        "MCU-CA-1",
        "MCU-NY-1",
        "CAB-CA-1",
        "CAB-CA-2",
    }
    moves = pd.read_csv(tmp_path / "plans" / "tue_vs_mon" / "moves.csv", dtype=str, keep_default_na=False)
    assert int(moves["quantity"].astype(int).sum()) == 140  # 85 newly allocated, 55 released
