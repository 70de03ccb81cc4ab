"""Compare: two or more scenarios side by side, each against the first (the base)."""

from pathlib import Path

import streamlit as st

from planner.app.dashboard import changed_lines, difference_by, kpi_comparison, kpi_deltas
from views.common import all_scenarios, delta_metrics, difference_chart, md, plan, selected, table

st.title("Compare scenarios")

files = all_scenarios()
if "compare" not in st.session_state:
    first = str(selected())
    st.session_state["compare"] = [first, *[f for f in files if f != first][:2]]
st.session_state["compare"] = [f for f in st.session_state["compare"] if f in files]
chosen = st.multiselect(
    "Scenarios (the first is the base)", files, key="compare", format_func=lambda f: Path(f).stem
)
if len(chosen) < 2:
    st.info("Choose at least two scenarios to compare.")
    st.stop()

plans = [plan(Path(p)) for p in chosen]
for other in plans[1:]:
    delta_metrics(plans[0], other)

st.subheader("KPIs")
table(kpi_comparison(plans), "kpis")
st.subheader(f"KPI deltas against {md(plans[0].name)}")
table(kpi_deltas(plans), "kpi_deltas")

units = sorted({u for p in plans for u in p.units}, key=lambda u: (u != "pcs", u))
for unit in units:
    by_priority, by_week = st.columns(2)
    suffix = f" ({unit})" if len(units) > 1 else ""
    name = "" if unit == units[0] else "_" + "".join(c if c.isalnum() else "_" for c in unit)
    with by_priority:
        st.subheader(f"Allocated, difference by priority{suffix}")
        priorities = difference_by(plans, "priority", unit)
        difference_chart(priorities, "priority")
        table(priorities.reset_index(), f"difference_by_priority{name}")
    with by_week:
        st.subheader(f"Allocated, difference by ship week{suffix}")
        weeks = difference_by(plans, "week", unit)
        difference_chart(weeks, "ship week")
        table(weeks.reset_index(), f"difference_by_week{name}")

st.subheader("Lines that gained or lost")
table(
    changed_lines(plans),
    "line_changes",
    base_why=st.column_config.TextColumn("why in the base", width="medium"),
    why=st.column_config.TextColumn("why now", width="medium"),
)
