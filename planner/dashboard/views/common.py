"""What every page shares: the scenario and previous-plan pickers, cached solving, the plan's
headline, selectable and paged tables, and CSV downloads.

Solving is cached per scenario file and the modification times of every file it
reads, so an edited CSV is solved again and an unchanged one never is. The caches
hold a few plans each (a plan of 100,000 lines takes some hundreds of MB), and
session state holds only names and what-if edits, never a plan's tables.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any, get_args

import pandas as pd
import streamlit as st

from models.cells import write_csv_text
from models.errors import InputErrors
from models.loading import load_scenario
from models.previous import read_previous
from models.records import DEFAULT_UNIT, Pin, Scenario
from planner.app import charts
from planner.app.compare import WrittenPlan
from planner.app.dashboard import (
    DIMENSION_WORDS,
    DashboardPlan,
    Dimension,
    Headline,
    difference_by,
    page_of,
    pages,
)
from planner.app.drill import holders, item_lots, relaxations
from planner.app.explain import in_words
from planner.app.glossary import WORDS
from planner.app.scenarios import (
    Fingerprint,
    description,
    fingerprint,
    folder_stamp,
    result_folders,
    scenario_files,
)
from planner.app.whatif import (
    Change,
    WhatIf,
    WhatIfError,
    apply_pinned,
    from_query,
    order_keep,
    pin,
    release,
    save,
    to_query,
)
from planner.engine.solve import solve
from planner.io.runs import RunOptions, read_run, run_folder_name, trusted
from planner.result.plan import Plan

_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")


def md(text: object) -> str:
    """User text (a scenario name, a description, an order id) as markdown that shows exactly that text:
    every ASCII punctuation character backslash-escaped (so no link, image, emphasis, HTML or math),
    line breaks as spaces."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).splitlines()))


_LIST_ITEM = re.compile(r"(?:[-*+]|[0-9]{1,9}[.)])\s+")


def md_lines(text: object) -> str:
    """User text of several lines (a scenario's description) as markdown that shows its line breaks,
    its paragraphs (a blank line between) and its list items (a line opening with `-`, `*`, `+`, `1.`
    or `1)`) as such: a line indented further than the item before it continues that item, and one
    that is not, after a list, starts a paragraph of its own. Everything else is text, escaped as `md`
    escapes it (only a list item's marker is left as written)."""
    out: list[str] = []
    item_indent: int | None = None  # the indent of the list item the lines are in, if any
    for raw in str(text).splitlines():
        line = raw.strip()
        indent = len(raw) - len(raw.lstrip())
        item = _LIST_ITEM.match(line)
        if item is not None:
            out.append(f"{item.group(0).strip()} {md(line[item.end() :])}")
            item_indent = indent
        elif line and item_indent is not None and indent > item_indent:
            out[-1] += f" {md(line)}"  # the item's wrapped text
        else:
            if line and item_indent is not None:
                out.append("")  # back at the margin: the list ends
            out.append(md(line))
            item_indent = None
    return "  \n".join(out)  # a hard line break after each line; an empty one ends a paragraph


FOLDER_KEY = "scenario_folder"
RESULTS_KEY = "results_folder"
COMPARE_KEY = "compare-with"
SCENARIO_KEY = "scenario"
PREVIOUS_KEY = "previous-plan"
PREFERRED = "demo.toml"

# Bounded caches: a scenario and its plan are kept while in use; the least recent are let go.
LOADED_KEPT = 8
PLANS_KEPT = 4
WHATIFS_KEPT = 2
"""What-if plans kept: the one on screen and the one before (a planner goes back and forth)."""


@st.cache_resource(show_spinner=False, max_entries=LOADED_KEPT)
def _loaded(path: str, stamp: Fingerprint) -> Scenario:
    return load_scenario(path)


def _base(path: str, stamp: Fingerprint, previous: str | None) -> Scenario:
    """The scenario, re-planned from the `previous` result folder if one is given (as `--previous`)."""
    data = _loaded(path, stamp)
    return data if previous is None else data.replace(previous=read_previous(previous))


@st.cache_resource(show_spinner=False, max_entries=PLANS_KEPT)
def _solved(
    path: str,
    stamp: Fingerprint,
    result: str | None,
    result_stamp: Fingerprint,
    previous: str | None,
    previous_stamp: Fingerprint,
) -> DashboardPlan:
    """The plan of the scenario (re-planned from `previous`, if given): read from its result folder
    `result` if that is up to date (under the same `previous`), solved otherwise.

    A folder `trusted` as the planner wrote it is shown from its CSVs, the whole plan rebuilt only
    when a page needs it (planner.io.runs.read_run, or solved if the folder changed meanwhile);
    another is read (and checked) by read_run first."""
    options = RunOptions(previous=None if previous is None else Path(previous))
    if result is not None and trusted(Path(result), Path(path), options):

        def whole_plan() -> Plan:
            base = _base(path, stamp, previous)
            return read_run(Path(result), Path(path), options, base) or solve(base)

        written = WrittenPlan.read(Path(result))
        return DashboardPlan.of_folder(written, _base(path, stamp, previous), Path(result), whole_plan)
    if result is not None and (read := read_run(Path(result), Path(path), options)) is not None:
        return DashboardPlan(read, read_from=Path(result))
    return DashboardPlan(solve(_base(path, stamp, previous)))


def previous_folder() -> str | None:
    """The previous plan chosen in the sidebar (a result folder), or None."""
    return st.session_state.get(PREVIOUS_KEY) or None


PlanArguments = tuple[str, Fingerprint, str | None, Fingerprint, str | None, Fingerprint]
"""`_solved`'s arguments: the scenario, its result folder and its previous plan, each with its stamp."""


def _plan_arguments(path: Path) -> PlanArguments:
    """`_solved`'s arguments for the scenario at `path`: the result folder `planner run` gives it
    under the results folder (if one is set) and the previous plan chosen in the sidebar (if any)."""
    results = st.session_state.get(RESULTS_KEY)
    stamp = fingerprint(path)
    previous = previous_folder()
    previous_stamp = () if previous is None else folder_stamp(Path(previous))
    if results is None:
        return str(path), stamp, None, (), previous, previous_stamp
    result = Path(results) / run_folder_name(_loaded(str(path), stamp), path)
    return str(path), stamp, str(result), folder_stamp(result), previous, previous_stamp


def _planned(path: Path) -> DashboardPlan:
    return _solved(*_plan_arguments(path))


@st.cache_resource(show_spinner=False, max_entries=WHATIFS_KEPT)
def _solved_whatif(edit: WhatIf, base: PlanArguments) -> DashboardPlan:
    """The base scenario with `edit` made, re-planned from the base plan (as `--previous` does): what
    need not move stays, and components the edit leaves alone are taken over unsolved."""
    path, stamp = base[0], base[1]
    edited = apply_pinned(Path(path), _loaded(path, stamp), edit)
    return DashboardPlan(solve(edited.replace(previous=_solved(*base).as_previous())))


def scenario_sidebar(folder: Path, results: Path | None = None) -> None:
    """The scenario picker in the sidebar, over the scenario files of `folder`; `results`: a folder of
    `planner run` results to read instead of solving, while up to date."""
    st.session_state[FOLDER_KEY] = str(folder)
    st.session_state[RESULTS_KEY] = None if results is None else str(results)
    files = [str(p) for p in scenario_files(folder)]
    if not files:
        st.sidebar.warning(f"No scenario files in {md(folder)}")
        return
    if st.session_state.get(SCENARIO_KEY) not in files:
        in_url = [f for f in files if Path(f).name == st.query_params.get(QUERY_SCENARIO)]
        preferred = [f for f in files if Path(f).name == PREFERRED]
        st.session_state[SCENARIO_KEY] = (in_url or preferred or files)[0]
    st.sidebar.selectbox("Scenario", files, key=SCENARIO_KEY, format_func=lambda f: Path(f).stem)
    path = Path(st.session_state[SCENARIO_KEY])
    st.sidebar.caption(md_lines(description(path)))
    _previous_picker(folder, results)
    st.sidebar.caption(f"Scenarios from {md(folder)}")
    if results is not None:
        st.sidebar.caption(f"Results read from {md(results)} while up to date with the scenario's files")
    if not st.session_state.get(RESTORED_KEY):
        st.session_state[RESTORED_KEY] = True
        _restore_whatif(path)
    _keep_in_url(path)


NO_PREVIOUS = ""


def _previous_picker(folder: Path, results: Path | None) -> None:
    """The previous plan to re-plan from: none, or a result folder in the results or scenario folder."""
    choices = [NO_PREVIOUS, *(str(p) for p in result_folders(results, folder))]
    if len(choices) == 1:
        return
    if st.session_state.get(PREVIOUS_KEY) not in choices:
        st.session_state[PREVIOUS_KEY] = NO_PREVIOUS
    st.sidebar.selectbox(
        "Previous plan",
        choices,
        key=PREVIOUS_KEY,
        format_func=lambda f: (
            "none: plan from nothing" if f == NO_PREVIOUS else _under(Path(f), results, folder)
        ),
        help="A result folder (yesterday's plan, say): the plan is re-planned from it as `planner solve"
        " --previous` does, changing as little as the tiers allow; Since previous shows what moved.",
    )


def _under(path: Path, *roots: Path | None) -> str:
    """`path` named from the first root it lies in."""
    for root in roots:
        if root is not None and path.is_relative_to(root):
            return str(path.relative_to(root)) or path.name
    return str(path)


# The chosen scenario and its what-if live in the URL's query parameters too, so a refresh (a new
# session) finds them: ?scenario=<file name>&whatif=<planner.app.whatif.to_query>.

QUERY_SCENARIO = "scenario"
QUERY_WHATIF = "whatif"
RESTORED_KEY = "restored-from-url"


def _restore_whatif(path: Path) -> None:
    """Take up the what-if the URL holds, once per session (a refresh starts a new one)."""
    text = st.query_params.get(QUERY_WHATIF)
    if not text:
        return
    try:
        edit = from_query(text)
    except WhatIfError as exc:
        st.sidebar.warning(f"The what-if in the address is not used: {md(exc)}")
        return
    _keep(path, edit)


def _keep_in_url(path: Path) -> None:
    st.query_params[QUERY_SCENARIO] = path.name
    edit = st.session_state.get(WHATIFS_KEY, {}).get(str(path))
    if edit is not None and not edit.is_empty:
        st.query_params[QUERY_WHATIF] = to_query(edit)
    elif QUERY_WHATIF in st.query_params:
        del st.query_params[QUERY_WHATIF]


def folder() -> Path:
    return Path(st.session_state.get(FOLDER_KEY, "scenarios"))


def all_scenarios() -> list[str]:
    return [str(p) for p in scenario_files(folder())]


def selected() -> Path:
    """The scenario chosen in the sidebar; stops the page if there is none."""
    path = st.session_state.get(SCENARIO_KEY)
    if not path:
        st.info("Choose a scenario in the sidebar.")
        st.stop()
    return Path(path)


def scenario(path: Path) -> Scenario:
    """The scenario loaded (cached); shows every input error and stops the page if it is not valid."""
    try:
        return _loaded(str(path), fingerprint(path))
    except InputErrors as exc:
        _show_input_errors(path, exc)
        st.stop()


def plan(path: Path) -> DashboardPlan:
    """The scenario solved, with its tables (cached); shows why and stops the page if that fails."""
    scenario(path)  # input errors are shown in full before solving
    try:
        with st.spinner(f"Solving {md(path.stem)} ..."):
            return _planned(path)
    except InputErrors as exc:
        _show_input_errors(Path(previous_folder() or path), exc)
        st.stop()
    except (RuntimeError, ValueError) as exc:
        st.error(f"{md(path.stem)} could not be solved: {md(exc)}")
        st.stop()


def plan_or_none(path: Path) -> DashboardPlan | None:
    """The scenario solved (cached), or None with a warning of why (the page goes on without it)."""
    try:
        _loaded(str(path), fingerprint(path))
        with st.spinner(f"Solving {md(path.stem)} ..."):
            return _planned(path)
    except InputErrors as exc:
        why = f"it has {len(exc.errors)} input error(s) (choose it in the sidebar to see them)"
    except (RuntimeError, ValueError) as exc:
        why = f"it could not be solved: {exc}"
    st.warning(f"{md(path.stem)} is left out: {md(why)}")
    return None


def whatif_plan(path: Path, edit: WhatIf) -> DashboardPlan:
    """The base scenario with `edit` made, solved (cached); errors are shown and stop the page."""
    scenario(path)
    try:
        with st.spinner("Solving the what-if ..."):
            return _solved_whatif(edit, _plan_arguments(path))
    except InputErrors as exc:
        _show_input_errors(Path(previous_folder() or path), exc)
        st.stop()
    except (RuntimeError, ValueError) as exc:
        st.error(f"The what-if could not be solved: {md(exc)}")
        st.stop()


def _show_input_errors(path: Path, exc: InputErrors) -> None:
    st.error(f"{md(path.name)} has {len(exc.errors)} input error(s); nothing is solved.")
    st.dataframe(
        pd.DataFrame(
            [(e.table, e.row, e.column, e.message) for e in exc.errors],
            columns=["table", "row", "column", "message"],
        ),
        hide_index=True,
    )


def plan_header(title: str, current: DashboardPlan) -> Headline:
    """The page title and, plainly, how the solve went and what it gains over the ERP-style greedy."""
    head = current.headline
    st.title(f"{title} · {md(head.scenario)}")
    proved = "optimal (every tier proved best)" if head.status == "optimal" else f"{head.status} (not proved)"
    gain = ""
    if head.gain is not None:
        gain = f" · **{head.gain:+,}** units over the ERP-style greedy ({head.greedy:,} → {head.allocated:,})"
    mixed = f" · quantities in several units: totals count {md(head.unit)} only" if head.mixed_units else ""
    how = f"{md(head.solver)} in {head.seconds:.2f} s"
    if current.read_from is not None:
        how += f", read from {md(current.read_from)} (up to date with the scenario's files)"
    st.markdown(f"**{proved}** · {how}{gain}{mixed}")
    for note in current.notes:
        st.warning(md(note))
    return head


def download(frame: pd.DataFrame, name: str) -> None:
    """A button that downloads `frame` as `<name>.csv`."""
    st.download_button(
        f"Download {name}.csv",
        lambda: write_csv_text(frame).encode("utf-8"),  # written when clicked, not on every rerun
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"download-{name}",
        on_click="ignore",
        icon=":material/download:",
    )


def table(frame: pd.DataFrame, name: str, raw: pd.DataFrame | None = None, **column_config: object) -> None:
    """A table with its CSV download under it (of `raw`, if given: the data the table shows in words)."""
    # Streamlit types column_config as a mapping to its own column classes; callers pass those.
    st.dataframe(frame, hide_index=True, column_config=column_config or None)  # type: ignore[arg-type]
    download(frame if raw is None else raw, name)


LINE_COLUMNS: dict[str, Any] = {
    "why": st.column_config.TextColumn("why (in words)", width="large"),
    "ship_date": st.column_config.DateColumn("ship date"),
    "available_on": st.column_config.DateColumn(
        "available on", help="Latest receipt serving it; empty: on hand"
    ),
    "lots": st.column_config.TextColumn("lots (quantity)", width="medium"),
    "tier": st.column_config.NumberColumn("tier", help=f"{WORDS['tier']} Empty: the line takes no part."),
}
"""How a table of lines (planner.app.dashboard.line_table) names and explains its columns."""

PAGE_ROWS = 500
"""Rows a long table shows at once (a plan of 100,000 lines is paged, never sent whole)."""


def paged(frame: pd.DataFrame, key: str, size: int = PAGE_ROWS) -> pd.DataFrame:
    """The page of `frame` the page number under `key` names (a number input when there are several
    pages; back to page 1 when a filter leaves fewer)."""
    count = pages(len(frame), size)
    if count == 1:
        st.session_state.pop(key, None)
        return frame
    if not 1 <= st.session_state.get(key, 1) <= count:
        st.session_state[key] = 1
    page = st.number_input(f"Page (of {count:,}; {size:,} rows each)", 1, count, key=key)
    return page_of(frame, int(page), size)


def pick(
    frame: pd.DataFrame,
    name: str,
    key: str,
    identity: tuple[str, ...],
    raw: pd.DataFrame | None = None,
    **column_config: object,
) -> pd.Series | None:
    """A table whose rows are selectable (one at a time), with its CSV download (of `raw`, if given);
    the selected row, or None.

    The selection is remembered by the row's `identity` (the values of those columns), not by its
    position: when a filter, a sort or a new page moves the selected row, the selection moves with
    it, and when the row is no longer shown nothing is selected (never the row now in its place)."""
    shown_key = f"{key}-shown"
    rows_now = _rows(frame, identity)
    chosen = _chosen_identity(st.session_state.get(key), st.session_state.get(shown_key))
    want = [rows_now.index(chosen)] if chosen in rows_now else []
    if _selected_rows(st.session_state.get(key)) != want:
        st.session_state[key] = {"selection": {"rows": want, "columns": [], "cells": []}}
    st.session_state[shown_key] = rows_now
    # Streamlit types column_config as a mapping to its own column classes; callers pass those.
    event = st.dataframe(  # type: ignore[call-overload]
        frame,
        hide_index=True,
        column_config=column_config or None,
        on_select="rerun",
        selection_mode="single-row",
        key=key,
    )
    download(frame if raw is None else raw, name)
    rows: list[int] = event.selection.rows
    return frame.iloc[rows[0]] if rows and rows[0] < len(frame) else None


def _rows(frame: pd.DataFrame, identity: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Each row's identity, top to bottom."""
    return list(zip(*(frame[c].astype(str) for c in identity))) if len(frame) else []


def _selected_rows(state: object) -> list[int]:
    """The rows a table's selection state (in session state under its key) selects."""
    try:
        return [int(r) for r in state["selection"]["rows"]]  # type: ignore[index]
    except (KeyError, TypeError, ValueError):
        return []


def _chosen_identity(state: object, shown: object) -> tuple[str, ...] | None:
    """The identity of the row selected in `state`, among the rows `shown` last time (the positions a
    click or the previous run's selection refer to)."""
    rows = _selected_rows(state)
    if not rows or not isinstance(shown, list) or not 0 <= rows[0] < len(shown):
        return None
    chosen: tuple[str, ...] = shown[rows[0]]
    return chosen


def delta_metrics(base: DashboardPlan, other: DashboardPlan) -> None:
    """One row of KPIs of `other`, each with its change against `base` (none shown where it is 0).

    The gain over the greedy has no change shown: each plan is measured against its own scenario's
    greedy, so it moves when the greedy does, even for the same plan; a caption says when it did.
    """
    was, now = base.headline, other.headline
    st.markdown(f"**{md(now.scenario)}** against **{md(was.scenario)}** ({now.status}, {now.seconds:.2f} s)")
    fill, allocated, lines, orders, gain = st.columns(5)
    points = round((now.fill_rate - was.fill_rate) * 100, 1)
    fill.metric("Fill rate", f"{now.fill_rate:.1%}", f"{points:+.1f} pts" if points else None)
    label = f"Allocated ({now.unit} only)" if now.mixed_units or was.mixed_units else "Allocated"
    allocated.metric(label, f"{now.allocated:,}", _change(now.allocated - was.allocated))
    lines.metric("Lines full", f"{now.lines_full:,}", _change(now.lines_full - was.lines_full))
    orders.metric("Orders complete", f"{now.orders_full:,}", _change(now.orders_full - was.orders_full))
    if now.gain is not None and was.gain is not None:
        gain.metric("Gain over ERP greedy", f"{now.gain:+,}", help=WORDS["gain"])
        if now.greedy != was.greedy:
            st.caption(
                f"The ERP-style greedy allocates {now.greedy:,} in {md(now.scenario)} against {was.greedy:,}"
                f" in {md(was.scenario)}: the gain moves with the greedy, whatever this plan does."
            )


def unit_suffix(unit: str, units: list[str]) -> str:
    """What a download's name gets for `unit`: nothing for the first of `units`, else `_<unit>`."""
    return "" if unit == units[0] else "_" + "".join(c if c.isalnum() else "_" for c in unit)


def differences(plans: list[DashboardPlan], prefix: str = "") -> None:
    """Per unit the plans use, allocated against the first plan by priority and by ship week: a chart
    (a line of text when nothing differs) and its table."""
    units = sorted({u for p in plans for u in p.units}, key=lambda u: (u != DEFAULT_UNIT, u))
    for unit in units:
        name = unit_suffix(unit, units)
        for column, by in zip(st.columns(2), get_args(Dimension)):
            with column:
                frame = difference_by(plans, by, unit)
                if (frame == 0).all().all():
                    st.caption(f"No difference by {DIMENSION_WORDS[by]} ({md(unit)}).")
                else:
                    st.altair_chart(charts.difference_chart(frame, DIMENSION_WORDS[by], unit))
                table(frame.reset_index(), f"{prefix}difference_by_{by}{name}")


def _change(difference: int) -> str | None:
    return f"{difference:+,}" if difference else None


# The what-if being edited, one per base scenario, kept in the session.

WHATIFS_KEY = "whatifs"
MESSAGE_KEY = "whatif-message"


def whatif_of(path: Path) -> WhatIf:
    """The what-if being edited on `path` (empty at first)."""
    edits: dict[str, WhatIf] = st.session_state.setdefault(WHATIFS_KEY, {})
    return edits.get(str(path)) or WhatIf(name=f"{path.stem}_whatif")


def _keep(path: Path, edit: WhatIf) -> None:
    """Keep `edit` if the scenario takes it; otherwise say why and keep the one before."""
    try:
        apply_pinned(path, scenario(path), edit)
    except WhatIfError as exc:
        st.session_state[MESSAGE_KEY] = ("error", str(exc))
        return
    st.session_state.setdefault(WHATIFS_KEY, {})[str(path)] = edit


def add_change(path: Path, change: Change) -> None:
    _keep(path, whatif_of(path).with_change(change))


def remove_change(path: Path, index: int) -> None:
    _keep(path, whatif_of(path).without_change(index))


def add_pin(path: Path, new: Pin) -> None:
    _keep(path, whatif_of(path).with_pin(new))


def remove_pin(path: Path, index: int) -> None:
    _keep(path, whatif_of(path).without_pin(index))


def line_decisions(path: Path, current: DashboardPlan, line: pd.Series) -> None:
    """Pin the line to a quantity of a lot (its lots now, or its item's), or release it: a what-if
    change each, solved and saved on the What-if page."""
    order, number = str(line["order"]), str(line["line"])
    serving = current.lots_of(
        current.lines[(current.lines["order"] == order) & (current.lines["line"] == number)]
    )
    lots = list(
        dict.fromkeys(
            [
                *serving["lot"][serving["lot"] != ""],
                *item_lots(current.scenario, current.allocations, str(line["item"]))["lot"],
            ]
        )
    )
    st.markdown(
        f"**Decide {md(order)} / {md(number)}** (a what-if change: solved and saved on the What-if page)"
    )
    if not lots:
        st.caption("No lot to pin it to.")
        return
    which, much, only, pin_it, release_it = st.columns([3, 2, 2, 2, 2])
    lot = which.selectbox("Lot", lots, key=f"pin-lot-{order}-{number}")
    quantity = much.number_input(
        f"Quantity ({line['unit']})", 0, None, 0, key=f"pin-qty-{order}-{number}-{lot}"
    )
    alone = only.checkbox("Only pinned lots", key=f"pin-only-{order}-{number}")
    pin_it.button(
        "Pin",
        key=f"pin-{order}-{number}",
        on_click=add_pin,
        args=(path, pin(order, number, str(lot), int(quantity), alone)),
        help="The line gets exactly this quantity of the lot (0: none of it)",
    )
    release_it.button(
        "Release",
        key=f"release-{order}-{number}",
        on_click=add_pin,
        args=(path, release(order, number, str(lot))),
        help="The line gets nothing: pinned to 0 of this lot, and to its pinned lots only",
    )


def explanation_panel(current: DashboardPlan, line: pd.Series) -> None:
    """For a line that takes part and is short: why, who holds the stock it needs (a table whose rows
    open the holding line), what it could have first in its tier, and what relaxing one filter frees."""
    order, number = str(line["order"]), str(line["line"])
    if pd.isna(line["tier"]) or line["missing"] <= 0:
        return
    if not st.toggle("Explain why it is short", key=f"explain-{order}-{number}"):
        return
    with st.spinner("Working out its explanation ..."):
        e = current.explanation((order, number))
    st.text(in_words(e))
    first, extra = st.columns(2)
    if e.first is not None:
        proof = "" if e.first.proved else f" (at most {e.first.bound:,})"
        first.metric(f"First in its tier it could have ({e.unit})", f"{e.first.quantity:,}{proof}")
    if e.extra_stock is not None:
        extra.metric(f"Extra stock it needs ({e.unit})", f"{e.extra_stock:,}")
        if e.made_up:
            extra.caption(e.made_up)
    st.markdown("**Held by** (select one to see that line)")
    held = holders(e)
    holder = pick(held, "holders", f"holders-{order}-{number}", ("order", "line", "lot"))
    if holder is not None:
        lines = current.lines
        theirs = lines[(lines["order"] == holder["order"]) & (lines["line"] == holder["line"])]
        table(theirs, "holder_line", **LINE_COLUMNS)
    st.markdown("**Relaxing one filter** (what lifting it alone would free for the line, in its unit)")
    table(relaxations(e), "relaxations")


def keep_order(path: Path, order: str) -> None:
    add_change(path, order_keep(order, True))


def set_today(path: Path, today: date | None) -> None:
    _keep(path, whatif_of(path).with_today(today))


def start_over(path: Path) -> None:
    st.session_state.setdefault(WHATIFS_KEY, {}).pop(str(path), None)


def save_whatif(path: Path, name: str, overwrite: bool) -> None:
    """Save the what-if as `<name>.toml` in the scenario folder, extending `path`."""
    try:
        target = save(whatif_of(path).renamed(name), path, folder(), overwrite=overwrite)
    except (FileExistsError, OSError) as exc:
        st.session_state[MESSAGE_KEY] = ("error", str(exc))
        return
    st.session_state[MESSAGE_KEY] = ("success", f"Saved {target}; it is in the scenario list now.")


def show_message() -> None:
    """The outcome of the last what-if action, once."""
    kind, text = st.session_state.pop(MESSAGE_KEY, ("", ""))
    if kind == "error":
        st.error(md(text))
    elif kind == "success":
        st.success(md(text))
