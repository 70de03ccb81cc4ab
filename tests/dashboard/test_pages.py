"""Every page of the dashboard, run by AppTest on the bundled scenarios: renders, shows the right numbers.

The demo's numbers (README): 2,150 of 2,765 units (77.8%), 6 / 3 / 3 lines
full / partial / none (and 7 that take no part), 5 of 9 orders complete, 290 units over the ERP greedy.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from models.loading import load_scenario
from models.previous import read_previous
from planner.app.glossary import WORDS
from planner.app.scenarios import RESULTS_VARIABLE
from planner.app.whatif import WhatIf, from_query, order_priority, to_query
from planner.dashboard.views.common import COMPARE_KEY
from planner.engine.solve import solve
from planner.io.generate import generate, write_scenario
from planner.io.runs import run_batch
from planner.result.reasons import REASON_WORDS
from tests.dashboard.apptest import charts, column_help, downloads, frame_with, frames_with, metrics, shown
from tests.dashboard.conftest import Open


def test_overview_shows_the_demo_kpis(app: Open) -> None:
    """The app opens on the demo's overview with its KPIs, the solve status and the gain over the greedy."""
    at = app()
    assert at.title[0].value == "Overview · demo"
    assert metrics(at) == {
        "Fill rate": "77.8%",
        "Allocated": "2,150",
        "Orders complete": "5 of 9",
        "Gain over ERP greedy": "+290",
        "Lines full": "6",
        "Lines partial": "3",
        "Lines with none": "3",
        "Lines taking no part": "7",
    }
    status = at.markdown[0].value
    assert "optimal" in status
    assert "+290" in status
    assert "1,860 → 2,150" in status
    tiers = frame_with(at, "tier", "greedy", "gain")
    assert tiers["gain"].sum() == 290
    weeks = frame_with(at, "week", "requested", "allocated")
    assert (weeks["requested"].sum(), weeks["allocated"].sum()) == (2765, 2150)
    stock = frame_with(at, "warehouse", "owner", "allocable")
    assert set(stock["warehouse"]) == {"CA", "NY"}
    assert downloads(at) == [
        "Download fill_by_week.csv",
        "Download fill_by_priority.csv",
        "Download by_warehouse_owner.csv",
        "Download tiers.csv",
    ]


def test_lines_page_explains_every_short_line_and_filters(app: Open) -> None:
    """Every line is listed; each line not full has its reason in words, each served line its lots;
    the filters narrow the table and the lots under it."""
    at = app("views/lines.py")
    lines = frame_with(at, "order", "line", "why", "lots")
    assert len(lines) == 19
    short = lines[lines["status"] != "full"]
    assert (short["why"] == short["reason"].map(REASON_WORDS)).all()
    assert (short["why"] != "").all()
    served = lines[lines["allocated"] > 0]
    assert (served["lots"] != "").all()
    assert "R10K-NY-1 270" in str(lines.set_index("order").loc["SO-1001", "lots"])
    assert downloads(at) == ["Download lines.csv", "Download line_lots.csv"]

    at.multiselect(key="lines-status").set_value(["partial"]).run()
    partial = frame_with(at, "order", "line", "why")
    assert list(partial["order"]) == ["MO-3001", "MO-3001", "SO-1009"]
    lots = frame_with(at, "lot", "warehouse", "source")
    assert set(lots["order"]) == {"MO-3001", "SO-1009"}

    at.multiselect(key="lines-status").set_value([]).run()
    at.text_input(key="lines-text").input("cable").run()
    assert set(frame_with(at, "order", "why")["item"]) == {"CABLE-USB"}


def test_items_page_filters_to_the_items_in_deficit(app: Open) -> None:
    """Items show InvenTree's columns, the plan's and the unit; one toggle keeps exactly the items whose
    deficit is positive (CABLE-USB: 60 required, 50 in stock), the other those the plan leaves short."""
    at = app("views/items.py")
    items = frame_with(
        at,
        "item",
        "in_stock",
        "allocated_before",
        "available",
        "required",
        "deficit",
        "on_order",
        "short",
        "unit",
    )
    assert len(items) == 10
    assert items.set_index("item").loc["CABLE-USB", "deficit"] == 10
    assert items.set_index("item").loc["CABLE-USB", "short"] == 60
    assert set(items["unit"]) == {"pcs"}
    at.toggle(key="items-deficit").set_value(True).run()
    short = frame_with(at, "item", "deficit")
    assert set(short["item"]) == set(items[items["deficit"] > 0]["item"])
    assert (short["deficit"] > 0).all()
    at.toggle(key="items-deficit").set_value(False).run()
    at.toggle(key="items-short").set_value(True).run()
    left = frame_with(at, "item", "short")
    assert set(left["item"]) == set(items[items["short"] > 0]["item"])
    assert downloads(at) == ["Download items.csv"]


def test_compare_page_shows_deltas_and_the_lines_that_changed(app: Open, shared_scenarios: Path) -> None:
    """Demo against early cables: DO-2001 ships complete (+85), MO-3001 gives up 5, with both reasons;
    the KPI tables read as the Overview (77.8%), the CSV download keeps kpis.csv's columns."""
    at = app("views/compare.py")
    assert shown(at.title[0].value) == "Compare · demo"
    at.multiselect(key=COMPARE_KEY).set_value([str(shared_scenarios / "early_cables.toml")]).run()
    assert not at.exception
    values = {m.label: (m.value, m.delta) for m in at.metric}
    assert values["Allocated"] == ("2,230", "+80")
    assert values["Lines full"] == ("8", "+2")
    kpis, deltas = frames_with(at, "scenario", "allocated", "fill rate", "gain")
    assert list(kpis["allocated"]) == [2150, 2230]
    assert kpis["fill rate"].iloc[0] == "77.8%"
    assert deltas.set_index("scenario").loc["early_cables", "allocated"] == "+80"
    changes = frame_with(at, "order", "base_reason", "reason", "base_why", "why").set_index(["order", "line"])
    assert changes.loc[("DO-2001", "2"), "delta"] == 60
    assert changes.loc[("DO-2001", "2"), "base_reason"] == "full_delivery_blocked"
    assert changes.loc[("MO-3001", "1"), "reason"] == "safety_stock"
    by_priority = frame_with(at, "priority", "early_cables")
    assert by_priority.set_index("priority").loc["2", "early_cables"] == 80
    assert {"Download kpis.csv", "Download line_changes.csv"} <= set(downloads(at))


def test_compare_base_follows_the_sidebar(app: Open, shared_scenarios: Path) -> None:
    """The base is the scenario chosen in the sidebar, also after Compare was first shown on another."""
    at = app("views/compare.py")
    at.selectbox(key="scenario").set_value(str(shared_scenarios / "early_cables.toml")).run()
    assert shown(at.title[0].value) == "Compare · early_cables"
    at.multiselect(key=COMPARE_KEY).set_value([str(shared_scenarios / "demo.toml")]).run()
    kpis = frame_with(at, "scenario", "allocated", "fill rate")
    assert list(kpis["scenario"]) == ["early_cables", "demo"]


def test_an_invalid_scenario_is_left_out_of_compare(writable_app: Open, own_scenarios: Path) -> None:
    """A scenario with input errors among those compared is named as left out; the others are compared."""
    (own_scenarios / "aaa_bad.toml").write_text('extends = "demo.toml"\ntoday = "soon"\n', encoding="utf-8")
    at = writable_app("views/compare.py")
    at.multiselect(key=COMPARE_KEY).set_value(
        [str(own_scenarios / "aaa_bad.toml"), str(own_scenarios / "early_cables.toml")]
    ).run()
    assert not at.exception
    assert any("aaa_bad" in shown(w.value) and "input error" in w.value for w in at.warning)
    assert list(frame_with(at, "scenario", "allocated", "fill rate")["scenario"]) == ["demo", "early_cables"]


def test_gain_over_the_greedy_is_not_read_as_a_loss_when_only_the_greedy_moved(
    app: Open, shared_scenarios: Path
) -> None:
    """rush_beta plans every line as the demo does, but its own greedy allocates 270 more: no KPI shows a
    change (the gain's delta was -270 in red) and the page says that the greedy moved, not the plan."""
    at = app("views/compare.py")
    at.multiselect(key=COMPARE_KEY).set_value([str(shared_scenarios / "rush_beta.toml")]).run()
    assert frame_with(at, "order", "delta").empty
    deltas = {m.label: m.delta for m in at.metric}
    assert not any(deltas.values()), deltas
    assert any("1,860" in c.value and "2,130" in c.value for c in at.caption)


def test_whatif_page_opens_with_no_change(app: Open) -> None:
    """With no change made, the editor shows its forms and says so, and solves nothing new."""
    at = app("views/whatif.py")
    assert at.title[0].value == "What-if · demo"
    assert any("No change yet" in i.value for i in at.info)


def test_whatif_priority_change_gives_a_different_plan(writable_app: Open, own_scenarios: Path) -> None:
    """With priority first in the key, SO-1006 at priority 0 gets its 30 enclosures; SO-1004 gives up 10.

    Saving writes a file that extends the base, lists it among the scenarios and reproduces that plan.
    """
    at = writable_app("views/whatif.py", scenario="priority_first.toml")
    at.selectbox(key="wi-order").set_value("SO-1006").run()
    at.number_input(key="wi-order-priority-SO-1006").set_value(0).run()
    at.button(key="wi-order-apply").click().run()
    assert not at.exception
    changes = frame_with(at, "order", "line", "delta", "why").set_index("order")
    assert changes.loc["SO-1006", "delta"] == 30
    assert changes.loc["SO-1004", "delta"] == -10
    assert changes.loc["SO-1006", "base_reason"] == "full_line_short"

    at.text_input(key="wi-name").input("rush_epsilon").run()
    at.button(key="wi-save").click().run()
    saved = own_scenarios / "rush_epsilon.toml"
    assert saved.is_file()
    assert 'extends = "priority_first.toml"' in saved.read_text()
    assert any("Saved" in s.value for s in at.success)
    assert "rush_epsilon" in at.selectbox(key="scenario").options
    assert {o.order: o.priority for o in load_scenario(saved).orders}["SO-1006"] == 0
    at.selectbox(key="scenario").set_value(str(saved)).run()
    at.switch_page("views/overview.py").run()
    assert shown(at.title[0].value) == "Overview · rush_epsilon"
    assert metrics(at)["Allocated"] == "2,170"  # 2,150 + 30 - 10


def test_a_whatif_is_replanned_from_the_base_plan_as_the_batch_does(
    writable_app: Open, own_scenarios: Path, tmp_path: Path
) -> None:
    """A what-if is re-planned from the plan on the Overview (as `--previous` does): the page says how
    many units change lots against it on how many lines, the figures `planner solve` gives the saved
    what-if with `--previous` the base plan's folder."""
    at = writable_app("views/whatif.py", scenario="priority_first.toml")
    at.selectbox(key="wi-order").set_value("SO-1006").run()
    at.number_input(key="wi-order-priority-SO-1006").set_value(0).run()
    at.button(key="wi-order-apply").click().run()
    at.text_input(key="wi-name").input("rush_zeta").run()
    at.button(key="wi-save").click().run()
    assert not at.exception

    solve(load_scenario(own_scenarios / "priority_first.toml")).write(tmp_path / "base")
    saved = load_scenario(own_scenarios / "rush_zeta.toml")
    batch = solve(saved.replace(previous=read_previous(tmp_path / "base"))).summary.changes
    assert batch is not None
    assert batch.units_moved > 0
    said = [shown(c.value) for c in at.caption if "Against the base plan" in shown(c.value)]
    assert len(said) == 1
    assert (
        f"Against the base plan: {batch.units_moved:,} units moved, on {batch.lines_changed:,} lines"
        in said[0]
    )


def test_a_whatif_saved_from_a_folder_scenario_opens(writable_app: Open, own_scenarios: Path) -> None:
    """A what-if saved on a folder scenario (generated: scenario.toml and its tables) is listed, opens
    on the Overview without an error and plans the edited scenario."""
    write_scenario(generate(lines=40, seed=3), own_scenarios / "generated", name="generated")
    at = writable_app("views/whatif.py", scenario="generated")
    lot = load_scenario(own_scenarios / "generated").lots[0]
    at.selectbox(key="wi-lot").set_value(lot.lot).run()
    at.number_input(key=f"wi-lot-qty-{lot.lot}").set_value(lot.quantity + 5).run()
    at.button(key="wi-lot-apply").click().run()
    at.text_input(key="wi-name").input("more_stock").run()
    at.button(key="wi-save").click().run()
    assert any("Saved" in s.value for s in at.success)
    at.selectbox(key="scenario").set_value(str(own_scenarios / "more_stock.toml")).run()
    at.switch_page("views/overview.py").run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert shown(at.title[0].value) == "Overview · more_stock"


def test_an_invalid_scenario_shows_its_errors_instead_of_failing(
    writable_app: Open, own_scenarios: Path
) -> None:
    """A scenario with input errors lists them (table, row, column) on the page; the app does not crash."""
    (own_scenarios / "broken.toml").write_text('extends = "demo.toml"\ntoday = "soon"\n', encoding="utf-8")
    at = writable_app(scenario="broken.toml")
    assert any("input error" in e.value for e in at.error)
    assert "today" in set(frame_with(at, "table", "row", "column", "message")["column"])


def test_whatif_priority_on_the_demo_moves_tiers_not_quantities(app: Open) -> None:
    """With the demo's key (ship date first), SO-1009 at priority 0 moves its 760 units from priority 7 to 0;
    ship dates decide first, so no line gains or loses and the page says so."""
    at = app("views/whatif.py")
    at.selectbox(key="wi-order").set_value("SO-1009").run()
    at.number_input(key="wi-order-priority-SO-1009").set_value(0).run()
    at.button(key="wi-order-apply").click().run()
    assert not at.exception
    assert any("orders SO-1009: priority = 0" in shown(m.value) for m in at.markdown)
    by_priority = frame_with(at, "priority", "demo_whatif").set_index("priority")["demo_whatif"]
    assert (by_priority["0"], by_priority["7"]) == (760, -760)
    assert any("No line gains or loses" in i.value for i in at.info)
    assert metrics(at)["Allocated"] == "2,150"

    at.button(key="wi-remove-0").click().run()
    assert any("No change yet" in i.value for i in at.info)


PAGES = {
    "views/overview.py": "Overview",
    "views/lines.py": "Lines",
    "views/items.py": "Items",
    "views/compare.py": "Compare",
    "views/whatif.py": "What-if",
}
"""Each page and its name in the sidebar (app.py's st.navigation)."""


def test_every_page_is_titled_as_the_sidebar_names_it(app: Open) -> None:
    """Each page's title is its name in the sidebar, then the scenario: "Compare · demo"."""
    for page, name in PAGES.items():
        assert shown(app(page).title[0].value) == f"{name} · demo"


def test_a_changed_today_can_be_removed(app: Open) -> None:
    """`today` changed in the What-if is listed with a Remove button like every change; removing it
    leaves no change."""
    at = app("views/whatif.py")
    at.date_input(key="wi-today").set_value(date(2026, 11, 27)).run()
    at.button(key="wi-today-apply").click().run()
    assert any("today = 2026-11-27" in shown(m.value) for m in at.markdown)
    at.button(key="wi-remove-today").click().run()
    assert not any("today = " in shown(m.value) for m in at.markdown)
    assert any("No change yet" in i.value for i in at.info)


def test_every_chart_has_a_title_and_a_text_summary(app: Open, shared_scenarios: Path) -> None:
    """Each chart of the Overview, Compare and What-if has a visible title and a description (what a
    screen reader reads instead of "Vega visualization") that names its numbers; the stock chart names
    the unit on its quantity axis and shows every warehouse / owner label in full."""
    overview = app()
    compare = app("views/compare.py")
    compare.multiselect(key=COMPARE_KEY).set_value([str(shared_scenarios / "early_cables.toml")]).run()
    whatif = app("views/whatif.py")
    whatif.selectbox(key="wi-order").set_value("SO-1009").run()
    whatif.number_input(key="wi-order-priority-SO-1009").set_value(0).run()
    whatif.button(key="wi-order-apply").click().run()
    pages = {"overview": charts(overview), "compare": charts(compare), "whatif": charts(whatif)}
    assert [len(found) for found in pages.values()] == [3, 2, 1]  # the what-if moves no ship week
    for page, found in pages.items():
        for spec in found:
            assert spec.get("title"), (page, spec)
            assert spec["title"] in spec.get("description", ""), (page, spec)
    by_week, _, stock = pages["overview"]
    assert "2026-11-23: 1,320 of 1,465" in by_week["description"]
    assert stock["encoding"]["x"]["title"] == "pcs"
    assert stock["encoding"]["y"]["axis"]["labelLimit"] == 0
    assert "NY / CONSIGN-ACME: 30 allocated, 20 left" in stock["description"]
    assert "+80" in pages["compare"][0]["description"]
    assert "0: demo_whatif +760" in pages["whatif"][0]["description"]


def test_tier_key_bound_and_greedy_are_explained_on_screen(app: Open, shared_scenarios: Path) -> None:
    """The tier table's columns tier, key, bound, greedy and gain carry their meaning as a tooltip, and the
    Lines page's tier column and status filter say what "takes no part" is; Compare's greedy too."""
    overview = app()
    tips = column_help(overview, "tier", "key", "bound", "greedy")
    for column in ("tier", "key", "bound", "greedy", "gain"):
        assert tips.get(column) == WORDS[column]
    assert any(WORDS["bound"] in c.value for c in overview.caption)
    lines = app("views/lines.py")
    assert WORDS["tier"] in column_help(lines, "order", "tier")["tier"]
    assert WORDS["no_part"] in str(lines.multiselect(key="lines-status").help)
    compare = app("views/compare.py")
    compare.multiselect(key=COMPARE_KEY).set_value([str(shared_scenarios / "early_cables.toml")]).run()
    assert column_help(compare, "scenario", "greedy")["greedy"] == WORDS["greedy"]


def test_the_url_keeps_the_scenario_and_the_whatif(app: Open) -> None:
    """The chosen scenario and the what-if's changes are written to the URL's query parameters, and a
    new session (a browser refresh) opened at that URL shows the same scenario and the same changes."""
    at = app("views/whatif.py", scenario="priority_first.toml")
    at.selectbox(key="wi-order").set_value("SO-1006").run()
    at.number_input(key="wi-order-priority-SO-1006").set_value(0).run()
    at.button(key="wi-order-apply").click().run()
    at.date_input(key="wi-today").set_value(date(2026, 11, 24)).run()
    at.button(key="wi-today-apply").click().run()
    url = dict(at.query_params)
    assert url["scenario"] == "priority_first.toml"
    assert from_query(url["whatif"]) == WhatIf(
        "priority_first_whatif", date(2026, 11, 24), (order_priority("SO-1006", 0),)
    )

    again = app("views/whatif.py", query=url)
    assert shown(again.title[0].value) == "What-if · priority_first"
    assert any("orders SO-1006: priority = 0" in shown(m.value) for m in again.markdown)
    assert frame_with(again, "order", "delta").set_index("order").loc["SO-1006", "delta"] == 30
    again.button(key="wi-reset").click().run()
    assert "whatif" not in again.query_params
    assert again.query_params["scenario"] == "priority_first.toml"


def test_a_broken_whatif_in_the_url_is_named_and_left_out(app: Open) -> None:
    """A what-if in the URL that does not read (cut off) or does not fit the scenario (no such order)
    is said so; the page opens without it."""
    cut = app(query={"scenario": "demo.toml", "whatif": '{"name":"x","today":null,"chan'})
    assert any("not used" in w.value for w in cut.sidebar.warning)
    stray = to_query(WhatIf("x").with_change(order_priority("NO-SUCH", 1)))
    at = app("views/whatif.py", query={"scenario": "demo.toml", "whatif": stray})
    assert any("no such row" in e.value for e in at.error)
    assert any("No change yet" in i.value for i in at.info)


def test_an_up_to_date_result_folder_is_read_not_solved(
    writable_app: Open, own_scenarios: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With $PLANNER_RESULTS set, the demo's `planner run` folder is read (the page says so) and shows
    the numbers solving gives; once one of the demo's files changes, the demo is solved again."""
    results = tmp_path / "results"
    assert all(o.ok for o in run_batch([own_scenarios / "demo.toml"], results))
    monkeypatch.setenv(RESULTS_VARIABLE, str(results))
    at = writable_app()
    assert f"read from {results / 'demo'}" in shown(at.markdown[0].value)
    assert metrics(at)["Allocated"] == "2,150"
    lots = own_scenarios / "demo" / "lots.csv"
    lots.write_text(lots.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = writable_app()
    assert "read from" not in shown(again.markdown[0].value)
    assert metrics(again)["Allocated"] == "2,150"


def test_a_result_folder_edited_by_hand_is_not_shown(
    writable_app: Open, own_scenarios: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A `planner run` folder whose lines.csv was edited by hand (one line's allocated total, its inputs
    unchanged) is not trusted: the dashboard shows the plan solving gives, not the edited numbers."""
    results = tmp_path / "results"
    assert all(o.ok for o in run_batch([own_scenarios / "demo.toml"], results))
    lines = results / "demo" / "lines.csv"
    original = lines.read_text(encoding="utf-8")
    lines.write_text(original.replace("SO-1001,1,RES-10K,400,400", "SO-1001,1,RES-10K,400,399"))
    assert lines.read_text(encoding="utf-8") != original
    monkeypatch.setenv(RESULTS_VARIABLE, str(results))
    at = writable_app()
    assert "read from" not in shown(at.markdown[0].value)
    assert metrics(at)["Allocated"] == "2,150"


def test_the_dashboard_listens_on_loopback_only_by_default() -> None:
    """`streamlit run app.py` from the project folder reads .streamlit/config.toml: it serves 127.0.0.1
    only (no login, so not every interface) and shows no Deploy button."""
    probe = (
        "import streamlit.config as c; c.get_config_options(force_reparse=True); "
        "print(c.get_option('server.address'), c.get_option('client.toolbarMode'))"
    )
    root = Path(__file__).resolve().parents[2]
    shown = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True, timeout=120
    )
    assert shown.stdout.split() == ["127.0.0.1", "minimal"]
