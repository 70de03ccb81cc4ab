"""Exceptions a planner acts on: lines overdue against today, lines that lost stock since the previous
plan, lots allocated to lines that ship after the lot expires, and pins that bind."""

import streamlit as st

from planner.dashboard.views.common import paged, plan, plan_header, previous_folder, selected, table

current = plan(selected())
plan_header("Exceptions", current)
today = current.scenario.today.isoformat()
DAY = st.column_config.DateColumn()

st.subheader("Overdue lines")
late = current.overdue
st.caption(f"{len(late):,} open lines should have shipped before today ({today}); most days overdue first.")
table(paged(late, "overdue-page"), "overdue", raw=late, ship_date=DAY)

st.subheader("Lines that lost stock since the previous plan")
if previous_folder() is None:
    st.info("Choose a previous plan in the sidebar to see the lines that get less than it gave them.")
else:
    lost = current.lost_stock
    st.caption(f"{len(lost):,} lines get less than the previous plan gave them; most lost first.")
    table(paged(lost, "lost-page"), "lost_stock", raw=lost, ship_date=DAY)

st.subheader("Lots expiring before use")
expiring = current.expiring
st.caption(
    f"{len(expiring):,} allocations take stock from a lot that expires before the line ships;"
    " most days first."
)
table(paged(expiring, "expiring-page"), "expiring", raw=expiring, expires=DAY, ship_date=DAY)

st.subheader("Pins that bind")
binding = current.binding_pins
st.caption(
    f"{len(binding):,} of {len(current.scenario.pins):,} pins bind: a pin of 0 or with"
    " only, on a line left short, or a pin taking stock that short lines of its item want."
)
table(paged(binding, "pins-page"), "binding_pins", raw=binding)
