"""The planner's dashboard, as Streamlit runs it: `planner dashboard [--scenarios DIR] [--results DIR]`
(or set $PLANNER_SCENARIOS, $PLANNER_RESULTS); from a checkout, `streamlit run app.py` does the same.

Picks a scenario in the sidebar and shows one page of it; every page is a file in `views/`. A
scenario whose `planner run` result in the results folder is up to date is read, not solved.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import streamlit as st

from planner.app.scenarios import results_folder, scenario_folder
from planner.dashboard.views.common import scenario_sidebar

VIEWS = Path(__file__).with_name("views")


def main(default_scenarios: Path) -> None:
    """The sidebar over the scenario folder (`--scenarios`, $PLANNER_SCENARIOS, else
    `default_scenarios`) and the chosen page."""
    st.set_page_config(page_title="Allocation planner", page_icon=":material/inventory_2:", layout="wide")
    scenario_sidebar(
        scenario_folder(sys.argv[1:], os.environ, default_scenarios),
        results_folder(sys.argv[1:], os.environ),
    )
    page = st.navigation(
        [
            st.Page(VIEWS / "overview.py", title="Overview", icon=":material/dashboard:", default=True),
            st.Page(VIEWS / "orders.py", title="Orders", icon=":material/receipt_long:"),
            st.Page(VIEWS / "lines.py", title="Lines", icon=":material/list_alt:"),
            st.Page(VIEWS / "items.py", title="Items", icon=":material/inventory:"),
            st.Page(VIEWS / "exceptions.py", title="Exceptions", icon=":material/warning:"),
            st.Page(VIEWS / "previous.py", title="Since previous", icon=":material/history:"),
            st.Page(VIEWS / "compare.py", title="Compare", icon=":material/compare_arrows:"),
            st.Page(VIEWS / "whatif.py", title="What-if", icon=":material/edit_note:"),
        ]
    )
    page.run()


if __name__ == "__main__":
    main(Path.cwd() / "scenarios")
