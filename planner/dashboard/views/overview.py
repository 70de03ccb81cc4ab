"""Overview: the KPIs of the chosen scenario, allocated against requested by week, priority and stock."""

import streamlit as st

from planner.app import charts
from planner.app.dashboard import DIMENSION_WORDS, Dimension
from planner.app.glossary import WORDS
from planner.dashboard.views.common import plan, plan_header, selected, table, unit_suffix

WEEK_THEN_PRIORITY: tuple[Dimension, Dimension] = ("week", "priority")
PERCENT = st.column_config.NumberColumn("fill rate", format="percent")

current = plan(selected())
head = plan_header("Overview", current)

fill, allocated, orders, gain = st.columns(4)
only = f", {head.unit} only" if head.mixed_units else ""
fill.metric(
    "Fill rate", f"{head.fill_rate:.1%}", help=f"Allocated over requested, lines that take part{only}"
)
allocated.metric(
    f"Allocated ({head.unit} only)" if head.mixed_units else "Allocated",
    f"{head.allocated:,}",
    help=f"{head.unit}, of {head.requested:,} requested{only}",
)
orders.metric("Orders complete", f"{head.orders_full:,} of {head.orders:,}")
gain.metric("Gain over ERP greedy", "n/a" if head.gain is None else f"{head.gain:+,}", help=WORDS["gain"])
full, partial, none, apart = st.columns(4)
full.metric("Lines full", f"{head.lines_full:,}", help=f"of {head.lines:,} lines that take part")
partial.metric("Lines partial", f"{head.lines_partial:,}", help="Take part and get some, not all")
none.metric("Lines with none", f"{head.lines_none:,}", help="Take part and get nothing")
apart.metric("Lines taking no part", f"{head.lines_no_part:,}", help=WORDS["no_part"])
if head.mixed_units:
    st.caption("Quantities come in several units and are never added up across them: per unit below.")
    table(current.unit_totals, "fill_by_unit", fill_rate=PERCENT)

for unit in current.units:
    suffix = f" ({unit})" if len(current.units) > 1 else ""
    name = unit_suffix(unit, current.units)
    for place, by in zip(st.columns(2), WEEK_THEN_PRIORITY, strict=True):
        with place:
            st.subheader(f"By {DIMENSION_WORDS[by]}{suffix}")
            filled = current.fill_by(by, unit)
            st.altair_chart(charts.fill_chart(filled, DIMENSION_WORDS[by], unit))
            table(filled.reset_index(), f"fill_by_{by}{name}", fill_rate=PERCENT)

st.subheader("By warehouse and owner")
stock = current.stock
for unit in sorted(set(stock["unit"]), key=lambda u: (u != head.unit, u)):
    st.altair_chart(charts.stock_chart(stock[stock["unit"] == unit], unit))
table(stock, "by_warehouse_owner")

st.subheader("Tiers against the ERP-style greedy")
st.caption(f"{WORDS['tier']} {WORDS['bound']} Greedy: {WORDS['greedy']}")
table(
    current.tiers,
    "tiers",
    tier=st.column_config.NumberColumn("tier", help=WORDS["tier"]),
    key=st.column_config.TextColumn("key", help=WORDS["key"]),
    bound=st.column_config.NumberColumn("bound", help=WORDS["bound"]),
    greedy=st.column_config.NumberColumn("greedy", help=WORDS["greedy"]),
    gain=st.column_config.NumberColumn("gain", help=WORDS["gain"]),
)
