"""The dashboard shows the user's text as text (issue 18): a scenario name, its description and order ids
that hold markdown (links, images, emphasis) appear exactly as written, never as a link or an image.

Each page runs under AppTest over a folder of two such scenarios; every element that Streamlit renders
as markdown (titles, headers, markdown, captions, alerts) is rendered here with a CommonMark parser and
must hold no link and no image, and must show the user's text verbatim.
"""

from __future__ import annotations

import html
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from planner.app.scenarios import description
from planner.dashboard.views.common import COMPARE_KEY, md_lines
from tests.dashboard.conftest import SCENARIOS, Open, _opener

NAME = "[site](http://example.com/n) ![x](http://example.com/n.png) **b** <http://example.com/a> `c`"
DESCRIPTION = "see [here](http://example.com/d) and ![i](http://example.com/d.png)"
ORDER = "[o](http://example.com/o)*_"
OTHER = "![other](http://example.com/o.png)"

_MD = MarkdownIt("commonmark")


def rendered(source: str) -> str:
    return str(_MD.render(source))


def shown_text(source: str) -> str:
    """The text a reader sees: the rendered HTML without tags."""
    return html.unescape(re.sub(r"<[^>]+>", "", rendered(source))).strip()


def markdown_sources(at: AppTest) -> list[str]:
    """The markdown of every element Streamlit renders as markdown, main area and sidebar."""
    groups = (
        at.title,
        at.header,
        at.subheader,
        at.markdown,
        at.caption,
        at.warning,
        at.error,
        at.info,
        at.success,
        at.sidebar.caption,
        at.sidebar.markdown,
        at.sidebar.warning,
    )
    return [str(e.value) for group in groups for e in group]


def assert_no_link_or_image(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    for source in markdown_sources(at):
        out = rendered(source)
        assert "<a " not in out, (source, out)
        assert "<img" not in out, (source, out)


@pytest.fixture
def hostile_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Open, Path]:
    folder = tmp_path / "scenarios"
    data = folder / "data"
    data.mkdir(parents=True)
    tables = {
        "items.csv": "item\nP1\n",
        "lots.csv": "lot,item,warehouse,quantity\nL1,P1,NY,10\n",
        "orders.csv": f'order,priority\n"{ORDER}",5\nSO2,5\n',
        "lines.csv": (
            f'order,line,item,quantity,ship_date\n"{ORDER}",1,P1,8,2026-12-01\nSO2,1,P1,8,2026-12-02\n'
        ),
    }
    for name, text in tables.items():
        (data / name).write_text(text, encoding="utf-8")
    base = textwrap.dedent(
        f"""\
        # {DESCRIPTION}
        name = '{NAME}'
        today = "2026-11-20"
        data = "data"
        """
    )
    (folder / "a_base.toml").write_text(base, encoding="utf-8")
    (folder / "b_other.toml").write_text(
        f"# {DESCRIPTION}\nextends = \"a_base.toml\"\nname = '{OTHER}'\n"
        '[[override]]\ntable = "orders"\nwhere = {order = "SO2"}\nset = {priority = 0}\n',
        encoding="utf-8",
    )
    return _opener(folder, monkeypatch), folder


def test_overview_and_sidebar_show_the_name_and_description_as_text(hostile_app: tuple[Open, Path]) -> None:
    """The title shows the scenario name verbatim; the sidebar shows the description verbatim; no link."""
    open_app, _ = hostile_app
    at = open_app()
    assert_no_link_or_image(at)
    assert shown_text(at.title[0].value) == f"Overview · {NAME}"
    assert any(shown_text(c.value) == DESCRIPTION for c in at.sidebar.caption)


@pytest.mark.parametrize("page", ["views/lines.py", "views/items.py", "views/compare.py"])
def test_every_page_shows_user_text_as_text(hostile_app: tuple[Open, Path], page: str) -> None:
    """Lines, items and compare (whose headings name both scenarios) hold no link or image."""
    open_app, folder = hostile_app
    at = open_app(page)
    if page == "views/compare.py":
        at.multiselect(key=COMPARE_KEY).set_value([str(folder / "b_other.toml")]).run()
    assert_no_link_or_image(at)
    if page == "views/compare.py":
        assert any(shown_text(s.value) == f"KPI deltas against {NAME}" for s in at.subheader)
        assert any(OTHER in shown_text(m.value) for m in at.markdown)


def test_whatif_shows_an_order_id_as_text(hostile_app: tuple[Open, Path]) -> None:
    """A change on an order whose id is markdown is listed with the id verbatim, as text."""
    open_app, _ = hostile_app
    at = open_app("views/whatif.py")
    at.selectbox(key="wi-order").set_value(ORDER).run()
    at.number_input(key=f"wi-order-priority-{ORDER}").set_value(0).run()
    at.button(key="wi-order-apply").click().run()
    assert_no_link_or_image(at)
    assert any(shown_text(m.value) == f"orders {ORDER}: priority = 0" for m in at.markdown)


LISTED = """\
# What if the rush goes first?
# The base stays as it is.
#
# - SO-1002 gets priority 0
# - [x](javascript:alert(1)) <b>bold</b> <script>alert(2)</script>
# 1. www.example.com and http://example.com/p
"""


def test_a_wrapped_list_item_stays_one_item_and_the_paragraph_after_it_is_its_own() -> None:
    """The demo's description as a planner wrote it: a bullet's wrapped line (indented under it) is
    part of that bullet, and a line back at the margin after the list is a paragraph of its own, not
    the last bullet's continuation."""
    out = rendered(md_lines(description(SCENARIOS / "demo.toml")))
    items = [shown_text(i) for i in re.findall(r"<li>(.*?)</li>", out, flags=re.S)]
    assert len(items) == 2, out
    assert items[1].startswith("DO-2001 must ship complete")
    assert "lets it hold the MCUs that MO-3001 needs until it gives up." in items[1]
    assert "The company is MAIN" not in items[1]
    after = out.split("</ul>")[1]
    assert "The company is MAIN" in after


def test_a_description_with_a_list_shows_its_list_and_line_breaks_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A description whose comment lines hold a markdown list and line breaks is shown with them (a
    list of three items after a paragraph of two lines), while the text inside stays text: no link
    (not even to javascript:), no HTML tag, no image, every character as written."""
    folder = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS, folder)
    (folder / "listed.toml").write_text(LISTED + 'extends = "demo.toml"\n', encoding="utf-8")
    at = _opener(folder, monkeypatch)(scenario="listed.toml")
    assert_no_link_or_image(at)
    (caption,) = [c.value for c in at.sidebar.caption if "rush goes first" in c.value]
    out = rendered(caption)
    assert "<script" not in out
    assert "<b>" not in out
    assert out.count("<li>") == 3, out
    first = out.split("<ul>")[0]
    assert "What if the rush goes first?" in first
    assert "The base stays as it is." in first
    assert "<br" in first, out
    items = [shown_text(i) for i in re.findall(r"<li>(.*?)</li>", out, flags=re.S)]
    assert items == [
        "SO-1002 gets priority 0",
        "[x](javascript:alert(1)) <b>bold</b> <script>alert(2)</script>",
        "www.example.com and http://example.com/p",
    ]
