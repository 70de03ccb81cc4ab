"""Compare: the scenario chosen in the sidebar (the base) against others, side by side."""

from pathlib import Path

import streamlit as st

from planner.app.dashboard import changed_lines, kpi_comparison, kpi_deltas, kpi_view
from planner.app.glossary import WORDS
from planner.dashboard.views.common import (
    COMPARE_KEY,
    all_scenarios,
    delta_metrics,
    differences,
    md,
    plan,
    plan_header,
    plan_or_none,
    selected,
    table,
)

path = selected()
base = plan(path)
plan_header("Compare", base)

others = [f for f in all_scenarios() if f != str(path)]
st.session_state[COMPARE_KEY] = [f for f in st.session_state.get(COMPARE_KEY, []) if f in others]
chosen = st.multiselect(
    f"Compare {md(base.name)} with", others, key=COMPARE_KEY, format_func=lambda f: Path(f).stem
)
plans = [base, *(p for p in map(plan_or_none, map(Path, chosen)) if p is not None)]
if len(plans) < 2:
    st.info("Choose one or more scenarios to compare with the base (the one chosen in the sidebar).")
    st.stop()

for other in plans[1:]:
    delta_metrics(plans[0], other)

st.subheader("KPIs")
kpis = kpi_comparison(plans)
words = {
    "greedy": st.column_config.TextColumn("greedy", help=WORDS["greedy"]),
    "gain": st.column_config.TextColumn("gain", help=WORDS["gain"]),
}
table(kpi_view(kpis), "kpis", raw=kpis, **words)
st.subheader(f"KPI deltas against {md(plans[0].name)}")
deltas = kpi_deltas(plans)
table(kpi_view(deltas, deltas=True), "kpi_deltas", raw=deltas, **words)

differences(plans)

st.subheader("Lines that gained or lost")
table(
    changed_lines(plans),
    "line_changes",
    base_why=st.column_config.TextColumn("why in the base", width="medium"),
    why=st.column_config.TextColumn("why now", width="medium"),
)
