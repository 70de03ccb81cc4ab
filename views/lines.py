"""Lines: every order line with its status and why it is short, filtered, and the lots that serve it."""

import streamlit as st

from planner.app.dashboard import LINE_STATUSES, NO_PART, filter_lines
from planner.app.glossary import WORDS
from planner.result.reasons import reason_words
from views.common import plan, plan_header, selected, table

current = plan(selected())
plan_header("Lines", current)
lines = current.lines

status, reason, kind, text = st.columns([2, 3, 2, 2])
statuses = status.multiselect(
    "Status",
    LINE_STATUSES,
    key="lines-status",
    help=f"full, partial and none count the lines that take part. {NO_PART}: {WORDS['no_part']}",
)
reasons = reason.multiselect(
    "Reason",
    sorted(r for r in lines["reason"].unique() if r),
    key="lines-reason",
    format_func=lambda r: f"{r}: {reason_words(r)}",
)
types = kind.multiselect("Order type", sorted(lines["type"].unique()), key="lines-type")
search = text.text_input("Order or item contains", key="lines-text")
shown = filter_lines(lines, statuses, reasons, types, search)

st.caption(f"{len(shown)} of {len(lines)} lines")
table(
    shown,
    "lines",
    why=st.column_config.TextColumn("why (in words)", width="large"),
    ship_date=st.column_config.DateColumn("ship date"),
    available_on=st.column_config.DateColumn(
        "available on", help="Latest receipt serving it; empty: on hand"
    ),
    lots=st.column_config.TextColumn("lots (quantity)", width="medium"),
    tier=st.column_config.NumberColumn("tier", help=f"{WORDS['tier']} Empty: the line takes no part."),
)

st.subheader("Lots serving these lines")
table(current.lots_of(shown), "line_lots")
