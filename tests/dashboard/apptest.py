"""Reading what an AppTest run shows: metrics, tables and download buttons."""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import DownloadButton


def shown(markdown: str) -> str:
    """The text of markdown the app escaped (user text: views.common.md), escapes undone."""
    return re.sub(r"\\(.)", r"\1", markdown)


def metrics(at: AppTest) -> dict[str, str]:
    """Label -> shown value of every metric on the page (the last one wins for a repeated label)."""
    return {m.label: m.value for m in at.metric}


def frames_with(at: AppTest, *columns: str) -> list[pd.DataFrame]:
    """The tables on the page that have all these columns, top to bottom."""
    return [e.value for e in at.dataframe if set(columns) <= set(e.value.columns)]


def frame_with(at: AppTest, *columns: str) -> pd.DataFrame:
    """The first table on the page that has all these columns."""
    found = frames_with(at, *columns)
    assert found, f"no table with columns {columns}"
    return found[0]


def downloads(at: AppTest) -> list[str]:
    buttons = at.get("download_button")
    assert all(isinstance(b, DownloadButton) for b in buttons)
    return [b.label for b in buttons if isinstance(b, DownloadButton)]


def charts(at: AppTest) -> list[dict[str, Any]]:
    """The Vega-Lite specification of every chart on the page, top to bottom."""
    return [json.loads(e.proto.spec) for e in at.get("vega_lite_chart")]


def column_help(at: AppTest, *columns: str) -> dict[str, str]:
    """Column -> its tooltip, in the first table on the page that has all these columns."""
    for element in at.dataframe:
        if set(columns) <= set(element.value.columns):
            config = json.loads(element.proto.columns or "{}")
            return {name: str(c.get("help", "")) for name, c in config.items()}
    raise AssertionError(f"no table with columns {columns}")
