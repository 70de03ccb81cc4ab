"""Lines: every order line with its status and why it is short, filtered and paged; select one to see
the lots that serve it."""

import streamlit as st

from planner.app.dashboard import LINE_STATUSES, NO_PART, filter_lines
from planner.app.glossary import WORDS
from planner.dashboard.views.common import (
    LINE_COLUMNS,
    explanation_panel,
    line_decisions,
    paged,
    pick,
    plan,
    plan_header,
    selected,
    show_message,
    table,
)
from planner.result.reasons import reason_words

current = plan(selected())
plan_header("Lines", current)
show_message()
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

st.caption(f"{len(shown):,} of {len(lines):,} lines; select one to see the lots that serve it")
page = paged(shown, "lines-page")
chosen = pick(page, "lines", "lines-table", ("order", "line"), raw=shown, **LINE_COLUMNS)
if chosen is not None:
    st.subheader(f"Lots serving {chosen['order']} / {chosen['line']}")
    one = page[(page["order"] == chosen["order"]) & (page["line"] == chosen["line"])]
    table(current.lots_of(one), "line_lots")
    explanation_panel(current, chosen)
    line_decisions(selected(), current, chosen)
else:
    st.subheader("Lots serving the lines on this page")
    table(current.lots_of(page), "line_lots")
