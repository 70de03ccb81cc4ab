"""Overview: the KPIs of the chosen scenario, allocated against requested by week, priority and stock."""

import streamlit as st

from views.common import plan, plan_header, selected, table

PERCENT = st.column_config.NumberColumn("fill rate", format="percent")

current = plan(selected())
head = plan_header("Overview", current)

fill, allocated, lines, orders, gain = st.columns(5)
only = f", {head.unit} only" if head.mixed_units else ""
fill.metric(
    "Fill rate", f"{head.fill_rate:.1%}", help=f"Allocated over requested, lines that take part{only}"
)
allocated.metric(
    f"Allocated ({head.unit} only)" if head.mixed_units else "Allocated",
    f"{head.allocated:,}",
    help=f"{head.unit}, of {head.requested:,} requested{only}",
)
lines.metric(
    "Lines full / partial / none",
    f"{head.lines_full} / {head.lines_partial} / {head.lines_none}",
    help=f"of {head.lines} lines that take part",
)
orders.metric("Orders complete", f"{head.orders_full} of {head.orders}")
gain.metric(
    "Gain over ERP greedy",
    "n/a" if head.gain is None else f"{head.gain:+,}",
    help="Units allocated beyond what line-by-line allocation gives (not shown when units are mixed)",
)
if head.mixed_units:
    st.caption("Quantities come in several units and are never added up across them: per unit below.")
    table(current.unit_totals, "fill_by_unit", fill_rate=PERCENT)

for unit in current.units:
    by_week, by_priority = st.columns(2)
    suffix = f" ({unit})" if len(current.units) > 1 else ""
    name = "" if unit == current.units[0] else "_" + "".join(c if c.isalnum() else "_" for c in unit)
    with by_week:
        st.subheader(f"By ship week{suffix}")
        weeks = current.fill_by("week", unit)
        st.bar_chart(weeks[["requested", "allocated"]], stack=False, x_label="week of", y_label=unit)
        table(weeks.reset_index(), f"fill_by_week{name}", fill_rate=PERCENT)
    with by_priority:
        st.subheader(f"By priority{suffix}")
        priorities = current.fill_by("priority", unit)
        st.bar_chart(priorities[["requested", "allocated"]], stack=False, x_label="priority", y_label=unit)
        table(priorities.reset_index(), f"fill_by_priority{name}", fill_rate=PERCENT)

st.subheader("By warehouse and owner")
stock = current.stock
for unit in sorted(set(stock["unit"]), key=lambda u: (u != head.unit, u)):
    of_unit = stock[stock["unit"] == unit]
    st.bar_chart(of_unit, x="stock", y=["allocated", "left"], x_label=unit, y_label="", horizontal=True)
table(stock, "by_warehouse_owner")

st.subheader("Tiers against the ERP-style greedy")
table(current.tiers, "tiers")
