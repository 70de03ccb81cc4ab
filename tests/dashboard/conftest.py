"""The dashboard under test: planner/dashboard/app.py run by Streamlit's AppTest over a copy of the
bundled scenarios.

Pages that save what-ifs write into the scenario folder, so every test that may
write gets its own copy; read-only tests share one.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from planner.app.scenarios import FOLDER_VARIABLE

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "planner" / "dashboard" / "app.py"
SCENARIOS = ROOT / "scenarios"
TIMEOUT = 120  # seconds per script run: the first run imports OR-Tools and solves


def copy_scenarios(target: Path) -> Path:
    shutil.copytree(SCENARIOS, target)
    return target


@pytest.fixture(scope="session")
def shared_scenarios(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled scenarios, copied once for tests that only read them."""
    return copy_scenarios(tmp_path_factory.mktemp("shared") / "scenarios")


@pytest.fixture
def own_scenarios(tmp_path: Path) -> Path:
    """The bundled scenarios, copied for one test that may add files."""
    return copy_scenarios(tmp_path / "scenarios")


Open = Callable[..., AppTest]


def _opener(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Open:
    monkeypatch.setenv(FOLDER_VARIABLE, str(folder))

    def open_app(
        page: str | None = None, scenario: str | None = None, query: dict[str, str] | None = None
    ) -> AppTest:
        """The app after its first run (at a URL with the `query` parameters); then on `scenario`
        (a file name) and `page` (views/NAME.py, beside APP)."""
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
        at.query_params.update(query or {})
        at.run()
        if scenario is not None:
            at.selectbox(key="scenario").set_value(str(folder / scenario)).run()
        if page is not None:
            at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return open_app


@pytest.fixture
def app(shared_scenarios: Path, monkeypatch: pytest.MonkeyPatch) -> Open:
    return _opener(shared_scenarios, monkeypatch)


@pytest.fixture
def writable_app(own_scenarios: Path, monkeypatch: pytest.MonkeyPatch) -> Open:
    return _opener(own_scenarios, monkeypatch)
