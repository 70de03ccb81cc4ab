"""The dashboard in a real browser: `planner dashboard` on a loopback port, driven by headless Chromium.

Every page, and what only a browser shows: metric values that do not fit their column, the Deploy
button (hidden by the settings `planner dashboard` passes, started from a folder without the
project's .streamlit/config.toml), the charts' accessible names, rows clicked open, a selection
that follows its row through a filter, what a refresh keeps, and the main flow (choose a scenario,
explain a short line, pin a lot, see the re-solved what-if, save it, reload). Needs Debian's
chromium and chromium-driver (`.ci/run` installs them) and the `selenium` package (the `dev`
extra); skips with the reason when either is missing. The tests that only look share one server;
the two longest are marked slow. Screenshots are kept under each test's temporary folder as CI
artefacts (each path printed, and recorded as the test's `screenshot` property).
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


@pytest.fixture(scope="module")
def read_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One dashboard for the tests that only look: the bundled scenarios and, as the results folder,
    early_cables' `planner run` (a previous plan to choose)."""
    from planner.io.runs import run_batch

    folder = tmp_path_factory.mktemp("read-only")
    scenarios = shutil.copytree(ROOT / "scenarios", folder / "scenarios")
    assert all(o.ok for o in run_batch([scenarios / "early_cables.toml"], folder / "results"))
    with planner_dashboard(
        folder, "--scenarios", str(scenarios), "--results", str(folder / "results")
    ) as port:
        yield f"http://127.0.0.1:{port}"


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
    read_only: str, browser: Any, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    """The demo's KPIs render; no Deploy button or developer menu shows (.streamlit/config.toml); every
    chart's accessible name is its title and a summary of its numbers, not "Vega visualization"."""
    browser.get(read_only)
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


@pytest.mark.slow
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
    read_only: str, browser: Any, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    """Choose a scenario in the sidebar, open the What-if, make a change, reload the page: the same
    scenario and the same change are there (kept in the URL's query parameters)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(read_only)
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


def _row_texts(driver: Any) -> list[str]:
    """The text of every row of every table on the page (the grids' accessible tables)."""
    script = "return Array.from(document.querySelectorAll('[data-testid=stDataFrame] [role=row]'))"
    script += ".map(r => r.textContent);"
    return [str(t) for t in driver.execute_script(script)]


def _rows(driver: Any, table: Any) -> int:
    """How many rows (the header aside) the grid of `table` has now (its accessible table's rows)."""
    return int(driver.execute_script("return arguments[0].querySelectorAll('[role=row]').length;", table)) - 1


def test_an_order_opens_its_lines_when_its_row_is_clicked(
    read_only: str, browser: Any, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    """On the Orders page, clicking the first order's row (SO-1009, the most missing) opens its lines
    below, not a search box; clicking that line opens the lots that serve it. The second order's row,
    once clicked, stays selected when a filter moves it to the top (the selection follows the order)."""
    from selenium.webdriver.common.keys import Keys

    browser.get(f"{read_only}/orders")
    tables = _wait(browser, lambda d: _find(d, '[data-testid="stDataFrame"]'))
    _wait(browser, lambda d: "Orders · demo" in _texts(d, "h1"))
    _click_row(browser, tables[0], 0)
    _wait(browser, lambda d: "Lines of SO-1009" in _texts(d, "h3"))
    lines = _wait(browser, lambda d: _find(d, '[data-testid="stDataFrame"]')[1:2])
    _click_row(browser, lines[0], 0)
    _wait(browser, lambda d: "Lots serving SO-1009 / 1" in _texts(d, "h3"))
    _screenshot(browser, tmp_path / "dashboard-orders.png", record_property)
    _click_row(browser, _find(browser, '[data-testid="stDataFrame"]')[0], 1)
    second = _wait(
        browser, lambda d: [t for t in _texts(d, "h3") if t.startswith("Lines of ") and "1009" not in t]
    )
    order = second[0].removeprefix("Lines of ")
    search = _wait(browser, lambda d: _find(d, 'input[aria-label="Order or customer contains"]'))
    search[0].send_keys(order, Keys.ENTER)
    _wait(browser, lambda d: _rows(d, _find(d, '[data-testid="stDataFrame"]')[0]) == 1)
    _wait(browser, lambda d: f"Lines of {order}" in _texts(d, "h3"))
    _screenshot(browser, tmp_path / "dashboard-orders-filtered.png", record_property)


def _choose(driver: Any, picker: Any, text: str) -> None:
    """Type `text` into a select box's (or multiselect's) input and take the first match."""
    from selenium.webdriver.common.keys import Keys

    picker.click()
    picker.send_keys(text, Keys.ENTER)


def _sidebar_picker(driver: Any, index: int) -> Any:
    """The input of the sidebar's select box number `index` (0: Scenario, 1: Previous plan)."""
    return _wait(
        driver, lambda d: _find(d, '[data-testid="stSidebar"] [data-testid="stSelectbox"] input')[index:]
    )[0]


def _go(driver: Any, page: str, title: str) -> None:
    """Open `page` by its link in the sidebar (the session, and so its choices, kept) and wait for its
    title."""
    from selenium.webdriver.common.by import By

    _wait(driver, lambda d: d.find_element(By.PARTIAL_LINK_TEXT, page)).click()
    _wait(driver, lambda d: title in _texts(d, "h1"))


def test_items_page_opens_an_items_lines_and_lots_in_chromium(
    read_only: str, browser: Any, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    """On the Items page, clicking the first item's row opens its lines and its lots below."""
    browser.get(f"{read_only}/items")
    _wait(browser, lambda d: "Items · demo" in _texts(d, "h1"))
    table = _wait(browser, lambda d: _find(d, '[data-testid="stDataFrame"]'))[0]
    _wait(browser, lambda d: _rows(d, _find(d, '[data-testid="stDataFrame"]')[0]) > 1)
    _click_row(browser, table, 0)
    _wait(browser, lambda d: any(t.startswith("Lots of ") for t in _texts(d, "h3")))
    heads = _texts(browser, "h3")
    item = next(t for t in heads if t.startswith("Lots of ")).removeprefix("Lots of ")
    assert f"Lines of {item}, and lines its lots serve" in heads
    _wait(browser, lambda d: len(_find(d, '[data-testid="stDataFrame"]')) >= 3)
    _screenshot(browser, tmp_path / "dashboard-items.png", record_property)


def test_compare_page_compares_the_base_with_a_chosen_scenario_in_chromium(
    read_only: str, browser: Any, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    """On the Compare page, choosing priority_first shows its KPIs against the demo's, the KPI tables
    and the lines that gained or lost."""
    browser.get(f"{read_only}/compare")
    _wait(browser, lambda d: "Compare · demo" in _texts(d, "h1"))
    chooser = _wait(browser, lambda d: _find(d, '[data-testid="stMultiSelect"] input'))[0]
    _choose(browser, chooser, "priority_first")
    _wait(browser, lambda d: {"KPIs", "Lines that gained or lost"} <= set(_texts(d, "h3")))
    _wait(browser, lambda d: "Fill rate" in _texts(d, '[data-testid="stMetricLabel"]'))
    assert any(
        "priority_first" in t and "against" in t for t in _texts(browser, '[data-testid="stMarkdown"]')
    )
    _screenshot(browser, tmp_path / "dashboard-compare.png", record_property)


def test_exceptions_page_lists_its_four_kinds_in_chromium(
    read_only: str, browser: Any, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    """The Exceptions page shows its four sections; without a previous plan it says to choose one."""
    browser.get(f"{read_only}/exceptions")
    _wait(browser, lambda d: "Exceptions · demo" in _texts(d, "h1"))
    sections = ["Overdue lines", "Lines that lost stock since the previous plan", "Lots expiring before use"]
    _wait(browser, lambda d: [*sections, "Pins that bind"] == _texts(d, "h3"))
    assert any("Choose a previous plan" in t for t in _texts(browser, '[data-testid="stAlert"]'))
    _screenshot(browser, tmp_path / "dashboard-exceptions.png", record_property)


def test_since_previous_shows_what_moved_once_a_previous_plan_is_chosen_in_chromium(
    read_only: str, browser: Any, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    """Choose early_cables' result folder as the previous plan in the sidebar and open Since previous:
    the demo, re-planned from it, shows the lines that changed and changes.csv's rows."""
    browser.get(read_only)
    _wait(browser, _overview_done)
    _choose(browser, _sidebar_picker(browser, 1), "early_cables")
    _go(browser, "Since previous", "Since previous · demo")
    _wait(browser, lambda d: "changes.csv" in _texts(d, "h3"))
    metrics = dict(
        zip(
            _texts(browser, '[data-testid="stMetricLabel"]'), _texts(browser, '[data-testid="stMetricValue"]')
        )
    )
    assert int(metrics["Lines changed"]) > 0
    assert any("Re-planned from" in t for t in _texts(browser, '[data-testid="stCaptionContainer"]'))
    _screenshot(browser, tmp_path / "dashboard-previous.png", record_property)


@pytest.mark.slow
def test_the_main_flow_choose_explain_pin_resolve_save_and_reload(
    dashboard: str, browser: Any, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    """As a planner works: choose priority_first in the sidebar; on Lines filter to SO-1006 (short),
    click its row and open its explanation (why in words, who holds the stock); pin it to 30 of
    ENC-NY-1; the What-if re-solves and lists the pin and the line that gained; Save writes the
    scenario and its pins CSV; a reload keeps the scenario and the pin (the URL)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(dashboard)
    _wait(browser, _overview_done)
    _choose(browser, _sidebar_picker(browser, 0), "priority_first")
    _wait(browser, lambda d: "scenario=priority_first.toml" in d.current_url)
    _go(browser, "Lines", "Lines · priority_first")
    search = _wait(browser, lambda d: _find(d, 'input[aria-label="Order or item contains"]'))
    search[0].send_keys("SO-1006", Keys.ENTER)
    _wait(browser, lambda d: _rows(d, _find(d, '[data-testid="stDataFrame"]')[0]) == 1)
    _click_row(browser, _find(browser, '[data-testid="stDataFrame"]')[0], 0)
    _wait(browser, lambda d: "Lots serving SO-1006 / 1" in _texts(d, "h3"))
    _wait(
        browser, lambda d: d.find_element(By.XPATH, '//label[.//p[text()="Explain why it is short"]]')
    ).click()
    _wait(browser, lambda d: any("Held by" in t for t in _texts(d, '[data-testid="stMarkdown"]')))
    assert any("SO-1006" in t for t in _texts(browser, '[data-testid="stText"]'))
    _screenshot(browser, tmp_path / "dashboard-explained.png", record_property)
    lot = _wait(browser, lambda d: _find(d, '[data-testid="stSelectbox"] input'))
    _choose(browser, lot[-1], "ENC-NY-1")
    quantity = _wait(browser, lambda d: _find(d, 'input[aria-label="Quantity (pcs)"]'))
    quantity[0].send_keys(Keys.CONTROL, "a")
    quantity[0].send_keys("30", Keys.ENTER)
    _wait(browser, lambda d: _find(d, 'input[aria-label="Quantity (pcs)"]')[0].get_attribute("value") == "30")
    _wait(browser, lambda d: d.find_element(By.XPATH, '//button[.//p[text()="Pin"]]')).click()
    _wait(browser, lambda d: "whatif=" in d.current_url)
    _go(browser, "What-if", "What-if · priority_first")
    pinned = "pin SO-1006 / 1: 30 of ENC-NY-1"
    _wait(browser, lambda d: any(pinned in t for t in _texts(d, '[data-testid="stMarkdown"]')))
    _wait(browser, lambda d: any("Lines that gained or lost" in t for t in _texts(d, "h3")))
    _wait(browser, lambda d: "Lines full" in _texts(d, '[data-testid="stMetricLabel"]'))
    assert _texts(browser, '[data-testid="stMetricDelta"]')  # the allocated total moved
    changed = _wait(browser, lambda d: [r for r in _row_texts(d) if "SO-1006" in r])
    assert any("30" in r for r in changed), changed
    _screenshot(browser, tmp_path / "dashboard-pinned.png", record_property)
    _wait(browser, lambda d: d.find_element(By.XPATH, '//button[.//p[text()="Save"]]')).click()
    _wait(browser, lambda d: any("Saved" in t for t in _texts(d, '[data-testid="stAlert"]')))
    folder = tmp_path / "scenarios"
    assert (folder / "priority_first_whatif.toml").is_file()
    assert (folder / "priority_first_whatif_pins.csv").read_text(encoding="utf-8").splitlines()[
        1
    ] == "SO-1006,1,ENC-NY-1,30,false"
    browser.refresh()
    _wait(browser, lambda d: "What-if · priority_first" in _texts(d, "h1"))
    _wait(browser, lambda d: any(pinned in t for t in _texts(d, '[data-testid="stMarkdown"]')))
    _screenshot(browser, tmp_path / "dashboard-reloaded.png", record_property)
