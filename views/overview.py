"""Overview: the KPIs of the chosen scenario, allocated against requested by week, priority and stock."""

import streamlit as st

from views.common import plan, plan_header, selected, table

PERCENT = st.column_config.NumberColumn("fill rate", format="percent")

current = plan(selected())
head = plan_header("Overview", current)

fill, allocated, lines, orders, gain = st.columns(5)
fill.metric("Fill rate", f"{head.fill_rate:.1%}", help="Allocated over requested, lines that take part")
allocated.metric("Allocated", f"{head.allocated:,}", help=f"of {head.requested:,} requested")
lines.metric(
    "Lines full / partial / none",
    f"{head.lines_full} / {head.lines_partial} / {head.lines_none}",
    help=f"of {head.lines} lines that take part",
)
orders.metric("Orders complete", f"{head.orders_full} of {head.orders}")
gain.metric(
    "Gain over ERP greedy",
    "n/a" if head.gain is None else f"{head.gain:+,}",
    help="Units allocated beyond what line-by-line allocation gives",
)

by_week, by_priority = st.columns(2)
with by_week:
    st.subheader("By ship week")
    weeks = current.fill_by("week")
    st.bar_chart(weeks[["requested", "allocated"]], stack=False, x_label="week of", y_label="units")
    table(weeks.reset_index(), "fill_by_week", fill_rate=PERCENT)
with by_priority:
    st.subheader("By priority")
    priorities = current.fill_by("priority")
    st.bar_chart(priorities[["requested", "allocated"]], stack=False, x_label="priority", y_label="units")
    table(priorities.reset_index(), "fill_by_priority", fill_rate=PERCENT)

st.subheader("By warehouse and owner")
stock = current.stock
st.bar_chart(stock, x="stock", y=["allocated", "left"], x_label="units", y_label="", horizontal=True)
table(stock, "by_warehouse_owner")

st.subheader("Tiers against the ERP-style greedy")
table(current.tiers, "tiers")
