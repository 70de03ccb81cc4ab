"""`planner dashboard`: the packaged app served by Streamlit, on loopback unless told otherwise, with the
same settings as the project's .streamlit/config.toml wherever it is started from."""

from __future__ import annotations

import tomllib
import urllib.request
from pathlib import Path

from streamlit.testing.v1 import AppTest

from planner.dashboard import launch
from tests.dashboard.apptest import metrics
from tests.dashboard.conftest import TIMEOUT
from tests.dashboard.served import answers, planner_dashboard

ROOT = Path(__file__).resolve().parents[2]


def _flatten(table: dict[str, object], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat |= _flatten(value, f"{prefix}{key}.")
        else:
            flat[f"{prefix}{key}"] = str(value).lower() if isinstance(value, bool) else str(value)
    return flat


def test_the_project_config_holds_the_settings_planner_dashboard_passes() -> None:
    """`streamlit run app.py` in the checkout (which reads .streamlit/config.toml) and `planner dashboard`
    (which passes launch.SETTINGS as flags, from any folder) run with the same settings."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert _flatten(config) == launch.SETTINGS
    assert launch.SETTINGS["server.address"] == "127.0.0.1"


def test_the_command_binds_loopback_unless_an_address_is_given() -> None:
    """The command runs the packaged app with every setting as a flag, on 127.0.0.1 by default; only an
    explicit address replaces it; the folders go to the app after `--`."""
    default = launch.command()
    assert default[1:5] == ["-m", "streamlit", "run", str(launch.APP)]
    assert Path(default[4]).is_file()
    assert "--server.address=127.0.0.1" in default
    assert "--client.toolbarMode=minimal" in default
    assert default[-1] == "--"
    given = launch.command(Path("s"), Path("r"), port=9000, address="0.0.0.0")
    assert "--server.address=0.0.0.0" in given
    assert "--server.address=127.0.0.1" not in given
    assert "--server.port=9000" in given
    assert given[given.index("--") :] == ["--", "--scenarios", "s", "--results", "r"]


def test_planner_dashboard_listens_on_loopback_only(tmp_path: Path) -> None:
    """Started from a folder without Streamlit's config, `planner dashboard` answers on 127.0.0.1 and not
    on another address of this machine (127.0.0.2 is loopback too, but not the address it is bound to),
    and serves the app's page."""
    (tmp_path / "scenarios").mkdir()
    with planner_dashboard(tmp_path, "--scenarios", str(tmp_path / "scenarios")) as port:
        assert not answers("127.0.0.2", port)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
            assert b"<html" in page.read().lower()


def test_streamlit_run_app_py_in_the_checkout_runs_the_packaged_dashboard() -> None:
    """The top-level app.py only delegates: run as `streamlit run app.py` would, it lists the checkout's
    scenarios and opens the packaged Overview on the demo (its pages found beside the packaged app)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="scenario").value == str(ROOT / "scenarios" / "demo.toml")
    assert at.title[0].value.startswith("Overview")
    assert metrics(at)["Allocated"] == "2,150"
