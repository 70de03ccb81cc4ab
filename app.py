"""The planner's dashboard: `streamlit run app.py [-- --scenarios DIR] [--results DIR]` (or set
$PLANNER_SCENARIOS, $PLANNER_RESULTS).

Picks a scenario in the sidebar and shows one page of it; every page is a file in `views/`. A
scenario whose `planner run` result in the results folder is up to date is read, not solved.
"""

import os
import sys
from pathlib import Path

import streamlit as st

from planner.app.scenarios import results_folder, scenario_folder
from views.common import scenario_sidebar

st.set_page_config(page_title="Allocation planner", page_icon=":material/inventory_2:", layout="wide")

scenario_sidebar(
    scenario_folder(sys.argv[1:], os.environ, Path(__file__).parent / "scenarios"),
    results_folder(sys.argv[1:], os.environ),
)

page = st.navigation(
    [
        st.Page("views/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("views/orders.py", title="Orders", icon=":material/receipt_long:"),
        st.Page("views/lines.py", title="Lines", icon=":material/list_alt:"),
        st.Page("views/items.py", title="Items", icon=":material/inventory:"),
        st.Page("views/exceptions.py", title="Exceptions", icon=":material/warning:"),
        st.Page("views/previous.py", title="Since previous", icon=":material/history:"),
        st.Page("views/compare.py", title="Compare", icon=":material/compare_arrows:"),
        st.Page("views/whatif.py", title="What-if", icon=":material/edit_note:"),
    ]
)
page.run()
