"""`planner dashboard` started for a test: on a free loopback port, from a folder of the test's own (so no
.streamlit/config.toml applies: only the settings `planner dashboard` passes), stopped after."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def answers(host: str, port: int) -> bool:
    """Whether the dashboard's health check answers at `host`:`port`."""
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/_stcore/health", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@contextmanager
def planner_dashboard(cwd: Path, *args: str) -> Iterator[int]:
    """`planner dashboard ARGS --port N` started in `cwd`, its output in `cwd`/dashboard.log; its port
    once it answers on 127.0.0.1."""
    port = free_port()
    log_path = cwd / "dashboard.log"
    planner = Path(sys.executable).with_name("planner")
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(planner), "dashboard", *args, "--port", str(port)],
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=os.environ
            | {"STREAMLIT_SERVER_HEADLESS": "true", "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"},
        )
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while not answers("127.0.0.1", port):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"planner dashboard did not start:\n{log_path.read_text()}")
                time.sleep(0.3)
            yield port
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
