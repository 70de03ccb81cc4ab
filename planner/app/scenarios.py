"""Finding scenario files: which folder to list, the scenarios in it, and when one has changed."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path

from models.loading import SCENARIO_FILE, scenario_inputs, settings_file
from models.previous import PREVIOUS_ALLOCATIONS, RUN_RECORD

FOLDER_VARIABLE = "PLANNER_SCENARIOS"
"""Environment variable naming the folder of scenarios the dashboard lists."""

RESULTS_VARIABLE = "PLANNER_RESULTS"
"""Environment variable naming a folder of results written by `planner run` for the dashboard to read."""

Fingerprint = tuple[tuple[str, int], ...]


def scenario_folder(args: Sequence[str], environ: Mapping[str, str], default: Path) -> Path:
    """The folder to list: `--scenarios DIR` in `args`, else $PLANNER_SCENARIOS, else `default`.

    `args` are the script's own arguments (after `--` in `streamlit run app.py -- --scenarios DIR`);
    anything else in them is ignored (under a test runner they are the runner's).
    """
    return _folder_option(args, "scenarios", environ.get(FOLDER_VARIABLE)) or default


def results_folder(args: Sequence[str], environ: Mapping[str, str]) -> Path | None:
    """The folder of `planner run` results to read before solving: `--results DIR` in `args`, else
    $PLANNER_RESULTS, else None (every scenario is solved)."""
    return _folder_option(args, "results", environ.get(RESULTS_VARIABLE))


def _folder_option(args: Sequence[str], name: str, from_environ: str | None) -> Path | None:
    """`--NAME DIR` among `args`, else the environment's value, else None."""
    parser = argparse.ArgumentParser(prog="app.py", add_help=False, allow_abbrev=False, exit_on_error=False)
    parser.add_argument(f"--{name}", type=Path)
    try:
        given = vars(parser.parse_known_args(list(args))[0])
    except argparse.ArgumentError:
        given = {}
    if given.get(name) is not None:
        return Path(given[name])
    return Path(from_environ) if from_environ else None


def folder_stamp(folder: Path) -> Fingerprint:
    """(file, modification time) of the files in `folder` (none if it is missing): it changes when a
    run writes the folder again."""
    if not folder.is_dir():
        return ()
    return tuple(sorted((str(f), f.stat().st_mtime_ns) for f in folder.iterdir() if f.is_file()))


def scenario_files(folder: Path) -> list[Path]:
    """The scenarios in `folder`: its `*.toml` files and its sub-folders holding `scenario.toml`, by name.

    Hidden names (a leading `.`: the staging folder of a killed import or run) are never scenarios.
    """
    if not folder.is_dir():
        return []
    files = [p for p in folder.glob("*.toml") if p.is_file()]
    files += [p for p in folder.iterdir() if p.is_dir() and (p / SCENARIO_FILE).is_file()]
    return sorted((p for p in files if not p.name.startswith(".")), key=lambda p: p.name)


def fingerprint(path: Path) -> Fingerprint:
    """(file, modification time) of every file the scenario reads: it changes when any input does."""
    files = dict.fromkeys([path.resolve(), *scenario_inputs(path)])
    return tuple((str(f), f.stat().st_mtime_ns) for f in files if f.is_file())


def description(path: Path) -> str:
    """The comment lines a scenario file opens with, one line each, without the `#` and the one space
    after it (so a line indented under a list item keeps its indent); '' if none."""
    try:
        text = settings_file(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        text = line.lstrip("#").rstrip()
        lines.append(text[1:] if text.startswith(" ") else text)
    return "\n".join(lines)


def result_folders(*roots: Path | None) -> list[Path]:
    """The planner result folders (holding run.json and allocations.csv: what `--previous` reads) in
    each root and its sub-folders, one level down: the plans one may re-plan from. Hidden names are
    skipped; sorted by path."""
    found: set[Path] = set()
    for root in roots:
        if root is None or not root.is_dir():
            continue
        for folder in (root, *(p for p in root.iterdir() if p.is_dir())):
            if not folder.name.startswith(".") and all(
                (folder / name).is_file() for name in (RUN_RECORD, PREVIOUS_ALLOCATIONS.name)
            ):
                found.add(folder)
    return sorted(found)
