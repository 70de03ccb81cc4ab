"""The dashboard in a real browser: `streamlit run app.py` on a loopback port, read by headless Chromium.

Needs Debian's chromium and chromium-driver (`.ci/run` installs them) and the
`selenium` package (the `dev` extra); skips with the reason when either is missing.
The screenshot is kept under the test's temporary folder as a CI artefact.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from planner.app.scenarios import FOLDER_VARIABLE

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1400,1600",
)
STARTUP_SECONDS = 60
RENDER_SECONDS = 120

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason=f"needs {CHROMIUM} and {CHROMEDRIVER} (apt-get install chromium chromium-driver)",
)
webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (pip install -e '.[dev]')")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture
def dashboard(tmp_path: Path) -> Iterator[str]:
    """The URL of `streamlit run app.py` serving a copy of the bundled scenarios on 127.0.0.1."""
    scenarios = shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.address=127.0.0.1", f"--server.port={port}", "--server.headless=true",
        "--server.fileWatcherType=none", "--browser.gatherUsageStats=false", "--global.developmentMode=false",
        "--client.toolbarMode=viewer",
    ]  # fmt: skip
    log_path = tmp_path / "streamlit.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            env=os.environ | {FOLDER_VARIABLE: str(scenarios)},
        )  # fmt: skip
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while not _healthy(url):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"streamlit did not start:\n{log_path.read_text()}")
                time.sleep(0.3)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


def test_overview_kpis_render_in_chromium(
    dashboard: str, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    """Headless Chromium loads the app, the demo's five KPI numbers render, and a screenshot is saved."""
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    try:
        driver.get(dashboard)

        def kpi_values(d: object) -> list[str] | None:
            values = [
                e.text.strip() for e in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stMetricValue"]')
            ]
            return values if len(values) >= 5 and all(values) else None

        def page_done(d: object) -> bool:
            tables = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stDataFrame"]')
            charts = driver.find_elements(
                By.CSS_SELECTOR, '[data-testid="stVegaLiteChart"] canvas, svg.marks'
            )
            return len(tables) >= 4 and len(charts) >= 3

        values = WebDriverWait(driver, RENDER_SECONDS).until(kpi_values)
        WebDriverWait(driver, RENDER_SECONDS).until(page_done)  # for a screenshot of the whole page
        labels = [
            e.text.strip() for e in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stMetricLabel"]')
        ]
        screenshot = tmp_path / "dashboard-overview.png"
        driver.save_screenshot(str(screenshot))
        print(f"screenshot: {screenshot}")
        record_property("screenshot", str(screenshot))
    finally:
        driver.quit()
    assert values == ["77.8%", "2,150", "6 / 3 / 3", "5 of 9", "+290"]
    assert labels[:2] == ["Fill rate", "Allocated"]
    assert screenshot.stat().st_size > 10_000
