"""Since previous: what moved against the previous plan chosen in the sidebar (the plan is re-planned
from it, as `planner solve --previous` does): the lines that gained or lost, where stock moved between
lots, and changes.csv's rows."""

from pathlib import Path

import streamlit as st

from planner.app.compare import move_totals
from planner.dashboard.views.common import md, paged, plan, plan_header, previous_folder, selected, table

current = plan(selected())
plan_header("Since previous", current)
folder = previous_folder()
if folder is None or current.previous is None:
    st.info("Choose a previous plan in the sidebar (a result folder, yesterday's say) to see what moved.")
    st.stop()
st.caption(f"Re-planned from {md(Path(folder))}, changing as little as the tiers allow.")

moved = current.moved
totals = move_totals(moved.assign(scenario=""), "")
lines, between, across, new, released = st.columns(5)
lines.metric("Lines changed", f"{len(current.moved_lines):,}")
between.metric("Moved between lots", f"{totals['between_lots']:,}")
across.metric("Of them between warehouses", f"{totals['between_warehouses']:,}")
new.metric("Newly allocated", f"{totals['allocated']:,}")
released.metric("Released", f"{totals['released']:,}")
if len(set(current.lines["unit"])) > 1:
    st.caption("The totals count every unit; the tables below give each row's unit.")

st.subheader("Lines that gained or lost")
table(paged(current.moved_lines, "moved-lines-page"), "previous_line_changes", raw=current.moved_lines)
st.subheader("Where stock moved")
st.caption("Each row: a line took this much from one lot in the previous plan and takes it from another now.")
table(paged(moved, "moves-page"), "moves", raw=moved)
st.subheader("changes.csv")
st.caption("Every (line, lot) whose quantity differs from the previous plan's: what `planner solve` writes.")
table(paged(current.changes, "changes-page"), "changes", raw=current.changes)
