"""The dashboard in a real browser: `planner dashboard` on a loopback port, driven by headless Chromium.

What only a browser shows: metric values that do not fit their column, the Deploy
button, the charts' accessible names, and what a refresh keeps. Needs Debian's
chromium and chromium-driver (`.ci/run` installs them) and the `selenium` package
(the `dev` extra); skips with the reason when either is missing. Screenshots are
kept under each test's temporary folder as CI artefacts.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from planner.io.generate import generate, write_scenario
from tests.dashboard.served import planner_dashboard

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
RENDER_SECONDS = 120

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason=f"needs {CHROMIUM} and {CHROMEDRIVER} (apt-get install chromium chromium-driver)",
)
webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (pip install -e '.[dev]')")


@contextmanager
def _served(scenarios: Path, cwd: Path) -> Iterator[str]:
    """The URL of `planner dashboard --scenarios SCENARIOS` started in `cwd` (the settings it passes
    apply, not the project's .streamlit/config.toml)."""
    with planner_dashboard(cwd, "--scenarios", str(scenarios)) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def dashboard(tmp_path: Path) -> Iterator[str]:
    """The app over a copy of the bundled scenarios."""
    scenarios = shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    with _served(scenarios, tmp_path) as url:
        yield url


@pytest.fixture
def browser() -> Iterator[Any]:
    """Headless Chromium through chromedriver."""
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


def _find(driver: Any, css: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return list(driver.find_elements(By.CSS_SELECTOR, css))


def _wait(driver: Any, until: Callable[[Any], Any]) -> Any:
    """`until`'s first true answer; an element replaced while it was read (a rerun) means ask again."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, RENDER_SECONDS, ignored_exceptions=(StaleElementReferenceException,))
    return wait.until(until)


def _texts(driver: Any, css: str) -> list[str]:
    return [e.text.strip() for e in _find(driver, css)]


def _overview_done(driver: Any) -> bool:
    """Every metric has its value, and the tables and charts are drawn."""
    values = _texts(driver, '[data-testid="stMetricValue"]')
    tables = _find(driver, '[data-testid="stDataFrame"]')
    charts = _find(
        driver, '[data-testid="stVegaLiteChart"] svg.marks, [data-testid="stVegaLiteChart"] canvas'
    )
    return len(values) >= 8 and all(values) and len(tables) >= 4 and len(charts) >= 3


def _screenshot(driver: Any, path: Path, record_property: Callable[[str, object], None]) -> None:
    driver.save_screenshot(str(path))
    print(f"screenshot: {path}")
    record_property("screenshot", str(path))
    assert path.stat().st_size > 10_000


def test_overview_renders_in_chromium(
    dashboard: str, browser: Any, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    """The demo's KPIs render; no Deploy button or developer menu shows (.streamlit/config.toml); every
    chart's accessible name is its title and a summary of its numbers, not "Vega visualization"."""
    browser.get(dashboard)
    _wait(browser, _overview_done)
    _screenshot(browser, tmp_path / "dashboard-overview.png", record_property)
    labels = _texts(browser, '[data-testid="stMetricLabel"]')
    values = _texts(browser, '[data-testid="stMetricValue"]')
    assert dict(zip(labels, values, strict=True)) == {
        "Fill rate": "77.8%",
        "Allocated": "2,150",
        "Orders complete": "5 of 9",
        "Gain over ERP greedy": "+290",
        "Lines full": "6",
        "Lines partial": "3",
        "Lines with none": "3",
        "Lines taking no part": "7",
    }
    assert not _find(browser, '[data-testid="stAppDeployButton"], [data-testid="stMainMenu"]')
    names = [e.get_attribute("aria-label") or "" for e in _find(browser, '[data-testid="stVegaLiteChart"]')]
    assert names[0].startswith("Requested and allocated by ship week (pcs)")
    assert names[2].startswith("Allocable stock by warehouse and owner (pcs): CA / MAIN: 1,000 allocated")
    assert all(": " in name for name in names), names


def test_metrics_fit_their_columns_at_10k_lines(
    tmp_path: Path, browser: Any, record_property: Callable[[str, object], None]
) -> None:
    """On a generated scenario of 10,000 lines, no metric value of the Overview is cut off (its text is
    no wider than its box; "5660 / 331 / ..." was)."""
    scenarios = tmp_path / "scenarios"
    write_scenario(generate(lines=10_000, seed=1), scenarios / "big", name="big")
    with _served(scenarios, tmp_path) as url:
        browser.get(url)
        _wait(browser, _overview_done)
        _screenshot(browser, tmp_path / "dashboard-10k.png", record_property)
        overflow = {
            e.text: browser.execute_script(
                "const box = arguments[0], text = box.querySelector('div') || box;"
                " return text.scrollWidth - text.clientWidth;",
                e,
            )
            for e in _find(browser, '[data-testid="stMetricValue"]')
        }
    assert len(overflow) >= 8
    assert all(pixels <= 0 for pixels in overflow.values()), overflow


def test_a_refresh_keeps_the_scenario_and_the_whatif(
    dashboard: str, browser: Any, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    """Choose a scenario in the sidebar, open the What-if, make a change, reload the page: the same
    scenario and the same change are there (kept in the URL's query parameters)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(dashboard)
    _wait(browser, _overview_done)
    picker = _wait(browser, lambda d: _find(d, '[data-testid="stSidebar"] [data-testid="stSelectbox"] input'))
    picker[0].click()
    picker[0].send_keys("priority_first", Keys.ENTER)
    _wait(browser, lambda d: "scenario=priority_first.toml" in d.current_url)
    _wait(browser, lambda d: d.find_element(By.PARTIAL_LINK_TEXT, "What-if")).click()
    _wait(browser, lambda d: "What-if · priority_first" in _texts(d, "h1"))
    apply = _wait(
        browser, lambda d: d.find_element(By.XPATH, '//button[.//p[text()="Change the order\'s priority"]]')
    )
    apply.click()
    _wait(browser, lambda d: "whatif=" in d.current_url)
    before = browser.current_url

    browser.refresh()
    _wait(browser, lambda d: any("priority = " in t for t in _texts(d, '[data-testid="stMarkdown"]')))
    _screenshot(browser, tmp_path / "dashboard-refreshed.png", record_property)
    assert "What-if · priority_first" in _texts(browser, "h1")
    assert browser.current_url == before


def _click_row(driver: Any, table: Any, row: int) -> None:
    """Click the selection box of row `row` (0 first) of a selectable table: the grid is a canvas, so
    the click goes to where the row is drawn (one header row, then rows of equal height)."""
    from selenium.webdriver.common.action_chains import ActionChains

    height = int(driver.execute_script("return arguments[0].getBoundingClientRect().height;", table))
    rows = int(driver.execute_script("return arguments[0].querySelectorAll('[role=row]').length;", table))
    row_height = height / max(rows, 1) if rows else 35
    top = -height / 2
    y = top + row_height * (row + 1) + row_height / 2
    width = int(driver.execute_script("return arguments[0].getBoundingClientRect().width;", table))
    ActionChains(driver).move_to_element_with_offset(table, int(-width / 2 + 15), int(y)).click().perform()


def _rows(driver: Any, table: Any) -> int:
    """How many rows (the header aside) the grid of `table` has now (its accessible table's rows)."""
    return int(driver.execute_script("return arguments[0].querySelectorAll('[role=row]').length;", table)) - 1


def test_an_order_opens_its_lines_when_its_row_is_clicked(
    dashboard: str, browser: Any, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    """On the Orders page, clicking the first order's row (SO-1009, the most missing) opens its lines
    below, not a search box; clicking that line opens the lots that serve it."""
    browser.get(f"{dashboard}/orders")
    tables = _wait(browser, lambda d: _find(d, '[data-testid="stDataFrame"]'))
    _wait(browser, lambda d: "Orders · demo" in _texts(d, "h1"))
    _click_row(browser, tables[0], 0)
    _wait(browser, lambda d: "Lines of SO-1009" in _texts(d, "h3"))
    lines = _wait(browser, lambda d: _find(d, '[data-testid="stDataFrame"]')[1:2])
    _click_row(browser, lines[0], 0)
    _wait(browser, lambda d: "Lots serving SO-1009 / 1" in _texts(d, "h3"))
    _screenshot(browser, tmp_path / "dashboard-orders.png", record_property)


def test_pin_a_line_see_the_change_save_and_reload(
    dashboard: str, browser: Any, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    """On the Lines page, filter to SO-1006, click its row, pin it to 30 of ENC-NY-1; the What-if lists
    the pin and the line's gain of 30; a reload keeps the pin (the URL); Save writes the scenario and
    its pins CSV."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(f"{dashboard}/lines")
    _wait(browser, lambda d: "Lines · demo" in _texts(d, "h1"))
    search = _wait(browser, lambda d: _find(d, 'input[aria-label="Order or item contains"]'))
    search[0].send_keys("SO-1006", Keys.ENTER)
    _wait(
        browser,
        lambda d: any(t.startswith("1 of 19 lines") for t in _texts(d, '[data-testid="stCaptionContainer"]')),
    )
    _wait(browser, lambda d: _rows(d, _find(d, '[data-testid="stDataFrame"]')[0]) == 1)
    _click_row(browser, _find(browser, '[data-testid="stDataFrame"]')[0], 0)
    _wait(browser, lambda d: "Lots serving SO-1006 / 1" in _texts(d, "h3"))
    lot = _wait(
        browser,
        lambda d: _find(
            d, 'input[aria-label^="Selected"][role="combobox"], [data-testid="stSelectbox"] input'
        ),
    )
    lot[-1].click()
    lot[-1].send_keys("ENC-NY-1", Keys.ENTER)
    quantity = _wait(browser, lambda d: _find(d, 'input[aria-label="Quantity (pcs)"]'))
    quantity[0].send_keys(Keys.CONTROL, "a")
    quantity[0].send_keys("30", Keys.ENTER)
    _wait(browser, lambda d: _find(d, 'input[aria-label="Quantity (pcs)"]')[0].get_attribute("value") == "30")
    _wait(browser, lambda d: d.find_element(By.XPATH, '//button[.//p[text()="Pin"]]')).click()
    _wait(browser, lambda d: "whatif=" in d.current_url)
    _wait(browser, lambda d: d.find_element(By.PARTIAL_LINK_TEXT, "What-if")).click()
    pinned = "pin SO-1006 / 1: 30 of ENC-NY-1"
    _wait(browser, lambda d: any(pinned in t for t in _texts(d, '[data-testid="stMarkdown"]')))
    _wait(browser, lambda d: any("Lines that gained or lost" in t for t in _texts(d, "h3")))
    _screenshot(browser, tmp_path / "dashboard-pinned.png", record_property)
    browser.refresh()
    _wait(browser, lambda d: any(pinned in t for t in _texts(d, '[data-testid="stMarkdown"]')))
    _wait(browser, lambda d: d.find_element(By.XPATH, '//button[.//p[text()="Save"]]')).click()
    _wait(browser, lambda d: any("Saved" in t for t in _texts(d, '[data-testid="stAlert"]')))
    folder = tmp_path / "scenarios"
    assert (folder / "demo_whatif.toml").is_file()
    assert (folder / "demo_whatif_pins.csv").read_text(encoding="utf-8").splitlines()[
        1
    ] == "SO-1006,1,ENC-NY-1,30,false"
