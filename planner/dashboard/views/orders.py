"""Orders: each order with what it asks, gets and misses, and what blocks it, overdue first; select one
to see its lines, and a line to see its lots."""

import streamlit as st

from planner.app.orders import order_lines
from planner.dashboard.views.common import (
    LINE_COLUMNS,
    explanation_panel,
    keep_order,
    line_decisions,
    paged,
    pick,
    plan,
    plan_header,
    selected,
    show_message,
    table,
)

current = plan(selected())
plan_header("Orders", current)
show_message()
orders = current.orders

text, only_open = st.columns([3, 2])
search = text.text_input("Order or customer contains", key="orders-text")
shown = orders
if search.strip():
    needle = search.strip().lower()
    shown = shown[(shown["order"] + " " + shown["customer"]).str.lower().str.contains(needle, regex=False)]
if only_open.toggle("Only orders not complete", key="orders-open"):
    shown = shown[shown["status"] != "complete"]
st.caption(
    f"{len(shown):,} of {len(orders):,} orders; overdue first (first ship date before"
    f" {current.scenario.today.isoformat()}), then the most missing."
    " Select one to see its lines."
)
chosen = pick(
    paged(shown, "orders-page"),
    "orders",
    "orders-table",
    ("order",),
    raw=shown,
    ship_complete=st.column_config.CheckboxColumn(
        "ship complete", help="The order ships complete or not at all"
    ),
    ship_date=st.column_config.DateColumn("first ship date"),
    days_overdue=st.column_config.NumberColumn("days overdue"),
    lines_short=st.column_config.NumberColumn("lines short", help="Lines taking part that are not full"),
    blocks=st.column_config.TextColumn("what blocks it", width="large"),
)
if chosen is not None:
    order = str(chosen["order"])
    st.subheader(f"Lines of {order}")
    st.button(
        f"Keep {order}'s lots",
        key=f"keep-{order}",
        on_click=keep_order,
        args=(selected(), order),
        help="A what-if change: re-planned from a previous plan, its lines keep what that plan gave them",
    )
    lines = order_lines(current.lines, order)
    line = pick(lines, "order_lines", "order-lines", ("order", "line"), **LINE_COLUMNS)
    if line is not None:
        st.subheader(f"Lots serving {order} / {line['line']}")
        table(current.lots_of(lines[lines["line"] == line["line"]]), "order_line_lots")
        explanation_panel(current, line)
        line_decisions(selected(), current, line)
