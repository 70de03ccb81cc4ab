"""The planner's dashboard: `streamlit run app.py [-- --scenarios DIR]` (or set $PLANNER_SCENARIOS).

Picks a scenario in the sidebar and shows one page of it; every page is a file in `views/`.
"""

import os
import sys
from pathlib import Path

import streamlit as st

from planner.app.scenarios import scenario_folder
from views.common import scenario_sidebar

st.set_page_config(page_title="Allocation planner", page_icon=":material/inventory_2:", layout="wide")

scenario_sidebar(scenario_folder(sys.argv[1:], os.environ, Path(__file__).parent / "scenarios"))

page = st.navigation(
    [
        st.Page("views/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("views/lines.py", title="Lines", icon=":material/list_alt:"),
        st.Page("views/items.py", title="Items", icon=":material/inventory:"),
        st.Page("views/compare.py", title="Compare", icon=":material/compare_arrows:"),
        st.Page("views/whatif.py", title="What-if", icon=":material/edit_note:"),
    ]
)
page.run()
