"""What `pip install allocation-planner` promises an operator: the batch planner needs neither the
dashboard's web server (streamlit) nor Dask (distributed); both are extras."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[1] / "scenarios" / "demo.toml"

BLOCKED = ("streamlit", "distributed", "dask", "tornado", "inventree")
"""The dashboard's, Dask's and InvenTree's client's top-level packages (tornado: the web server the
first two run on)."""

_WITHOUT_EXTRAS = textwrap.dedent(
    f"""
    import sys

    class Absent:
        '''Makes the extras' packages unimportable, as on an install without them.'''

        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {BLOCKED!r}:
                raise ModuleNotFoundError(f"No module named {{name!r}}")
            return None

    sys.meta_path.insert(0, Absent())
    from planner.cli import main

    main(sys.argv[1:])
    """
)


def test_the_core_requirements_name_no_extra_package() -> None:
    """The requirements installed without extras include neither streamlit, distributed nor the
    inventree client; each is an extra (`[dashboard]`, `[dask]`, `[inventree]`)."""
    requirements = metadata.requires("allocation-planner") or []
    core = [r for r in requirements if "extra ==" not in r]
    assert core
    assert not [
        r for r in core if r.split(">")[0].split("=")[0].strip() in {"streamlit", "distributed", "inventree"}
    ]
    assert any(r.startswith("streamlit") and 'extra == "dashboard"' in r for r in requirements)
    assert any(r.startswith("distributed") and 'extra == "dask"' in r for r in requirements)
    assert any(r.startswith("inventree") and 'extra == "inventree"' in r for r in requirements)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_the_batch_planner_solves_and_checks_without_the_extras(tmp_path: Path, workers: str) -> None:
    """With streamlit, distributed, dask and tornado unimportable, `planner solve` (one process, and
    two worker processes) and `planner check` run the demo and exit 0."""
    out = tmp_path / "plan"
    solved = subprocess.run(
        [sys.executable, "-c", _WITHOUT_EXTRAS, "solve", str(DEMO), "--out", str(out), "--workers", workers],
        capture_output=True,
        text=True,
        check=False,
    )
    assert solved.returncode == 0, solved.stderr
    assert (out / "allocations.csv").is_file()
    checked = subprocess.run(
        [sys.executable, "-c", _WITHOUT_EXTRAS, "check", str(DEMO), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr + checked.stdout


def test_the_dashboard_without_streamlit_names_the_extra_and_exits_2() -> None:
    """`planner dashboard` on an install without the `[dashboard]` extra says which extra to install and
    exits 2 (wrong usage), starting nothing."""
    started = subprocess.run(
        [sys.executable, "-c", _WITHOUT_EXTRAS, "dashboard"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert started.returncode == 2, started.stderr
    assert "pip install 'allocation-planner[dashboard]'" in started.stderr
    assert "Traceback" not in started.stderr


ROOT = DEMO.parents[1]


@pytest.mark.slow
def test_the_wheel_ships_the_dashboard_and_its_pages(tmp_path: Path) -> None:
    """The wheel built from the sources holds the dashboard's app and every page of it (each file of
    planner/dashboard/views/), so `planner dashboard` finds them when installed from the wheel."""
    source = tmp_path / "source"
    for name in ("pyproject.toml", "README.md"):
        source.mkdir(exist_ok=True)
        (source / name).write_bytes((ROOT / name).read_bytes())
    for package in ("planner", "models"):
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(tmp_path / "wheel"),
            str(source),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "wheel").glob("allocation_planner-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    pages = {f"planner/dashboard/views/{p.name}" for p in (ROOT / "planner/dashboard/views").glob("*.py")}
    assert len(pages) >= 9
    assert {"planner/dashboard/app.py", "planner/dashboard/launch.py", *pages} <= names
