"""How `planner dashboard` starts Streamlit on the packaged app, with the settings that keep it private.

Imports nothing of Streamlit, so the batch planner runs without the `[dashboard]` extra; `missing`
says when it is absent.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

APP = Path(__file__).with_name("app.py")
"""The script Streamlit runs: the sidebar and the navigation over `views/`."""

LOOPBACK = "127.0.0.1"
EXTRA = "allocation-planner[dashboard]"

SETTINGS: dict[str, str] = {
    "server.address": LOOPBACK,
    "client.toolbarMode": "minimal",
    "browser.gatherUsageStats": "false",
}
"""Streamlit's options for the dashboard, wherever it is started from (the project's
.streamlit/config.toml holds the same for `streamlit run app.py`): it listens on this machine only
(it has no login), shows no Deploy button or developer menu, and sends no usage statistics."""


def missing() -> str | None:
    """Why the dashboard cannot start here (Streamlit is not installed), or None."""
    try:
        found = importlib.util.find_spec("streamlit") is not None
    except ImportError:  # a finder that refuses it outright
        found = False
    if not found:
        return f"The dashboard needs Streamlit: pip install '{EXTRA}'"
    return None


def command(
    scenarios: Path | None = None,
    results: Path | None = None,
    port: int | None = None,
    address: str | None = None,
) -> list[str]:
    """The command line that serves the dashboard over the scenario folder `scenarios` (None: the
    app's default), reading `planner run` results in `results`, on `port` (None: Streamlit's, 8501)
    at `address` (None: loopback only)."""
    options = SETTINGS | {"server.address": address or LOOPBACK}
    if port is not None:
        options["server.port"] = str(port)
    app_args = []
    if scenarios is not None:
        app_args += ["--scenarios", str(scenarios)]
    if results is not None:
        app_args += ["--results", str(results)]
    flags = [f"--{name}={value}" for name, value in options.items()]
    return [sys.executable, "-m", "streamlit", "run", str(APP), *flags, "--", *app_args]
