"""The dashboard at scale (issue 15, target 4): how long each page and picker takes to answer, and the
process's memory across what-ifs.

    python bench/dashboard.py --scenarios DIR --results OUT [--whatifs 5] [--seed 1] [--app APP]

DIR holds one scenario (`planner generate --lines 100000 --seed 3 --out DIR/g100k`), OUT its
`planner run` result (`planner run DIR/g100k --out OUT`). Streamlit's AppTest runs the app in this
process, so each figure is the server's time to run the page script (what the browser waits for
before it draws: wall, and this process's CPU time, user + system), and the memory is this
process's resident set. Measured: opening the app on the
Overview (the result folder read, not solved), each page's first visit, the Lines filters and page
turn, every what-if picker's filter, and `--whatifs` what-ifs in a row (each one more order's priority
changed; every one solved), with the resident memory after each. Prints Markdown for
docs/benchmarks.md. Run by hand, not in CI.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from streamlit.testing.v1 import AppTest

from models.loading import load_scenario
from planner.app.scenarios import FOLDER_VARIABLE, RESULTS_VARIABLE, scenario_files

ROOT = Path(__file__).resolve().parents[1]


def resident_mb() -> float:
    """This process's resident memory now, in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


Row = tuple[str, float, float, float]
"""A step: what, wall seconds, CPU seconds (user + system, this process), resident MB after."""


def timed(what: str, step: Callable[[], object], rows: list[Row]) -> None:
    start, cpu = time.monotonic(), time.process_time()
    step()
    rows.append((what, time.monotonic() - start, time.process_time() - cpu, resident_mb()))
    print(f"{what}: {rows[-1][1]:.2f} s wall, {rows[-1][2]:.2f} s CPU, {rows[-1][3]:,.0f} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=Path, required=True)
    parser.add_argument("--results", type=Path, required=True)
    parser.add_argument("--whatifs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--app", type=Path, default=ROOT / "planner" / "dashboard" / "app.py")
    args = parser.parse_args()
    os.environ[FOLDER_VARIABLE] = str(args.scenarios)
    os.environ[RESULTS_VARIABLE] = str(args.results)
    (path,) = scenario_files(args.scenarios)
    scenario = load_scenario(path)
    rows: list[Row] = [("start", 0.0, time.process_time(), resident_mb())]

    at = AppTest.from_file(str(args.app), default_timeout=1800)

    def run(change: Callable[[], object] | None = None) -> None:
        if change is not None:
            change()
        at.run()
        assert not at.exception, [e.value for e in at.exception]

    timed("Overview, the app just opened (result folder read)", run, rows)
    assert any("read from" in m.value for m in at.markdown), "the result folder was not read"

    def visit(page: str) -> None:
        at.switch_page(f"views/{page}.py").run()

    def type_in(key: str, text: str) -> None:
        at.text_input(key=key).input(text).run()

    for page in ("lines", "orders", "items", "exceptions"):
        timed(f"{page.capitalize()}, first visit", partial(visit, page), rows)
    at.switch_page("views/lines.py").run()
    timed("Lines: filter by text", lambda: at.text_input(key="lines-text").input("000").run(), rows)
    timed(
        "Lines: status partial", lambda: at.multiselect(key="lines-status").set_value(["partial"]).run(), rows
    )
    timed("Lines: page 2", lambda: at.number_input(key="lines-page").set_value(2).run(), rows)
    timed("Lines: filters cleared", lambda: _clear_lines(at), rows)

    at.switch_page("views/whatif.py").run()
    pickers = {"order": "wi-order-text", "line": "wi-line-text", "lot": "wi-lot-text", "item": "wi-item-text"}
    picks = random.Random(args.seed)
    orders = [o.order for o in scenario.orders]
    for what, key in pickers.items():
        text = picks.choice(orders)[:6] if what in ("order", "line") else "1"
        timed(
            f"What-if: {what} picker filtered ('{text}')",
            partial(type_in, key, text),
            rows,
        )

    for n, order in enumerate(picks.sample(orders, args.whatifs), start=1):
        at.text_input(key="wi-order-text").input(order).run()

        def one_whatif(order: str = order) -> None:
            at.number_input(key=f"wi-order-priority-{order}").set_value(0).run()
            at.button(key="wi-order-apply").click().run()
            assert not at.exception, [e.value for e in at.exception]

        timed(f"What-if {n}: order {order} to priority 0, solved", one_whatif, rows)

    print()
    print("| step | wall s | CPU s | resident MB after |")
    print("|---|---:|---:|---:|")
    for what, seconds, cpu, memory in rows:
        print(f"| {what} | {seconds:.2f} | {cpu:.2f} | {memory:,.0f} |")


def _clear_lines(at: AppTest) -> None:
    at.text_input(key="lines-text").input("")
    at.multiselect(key="lines-status").set_value([]).run()


if __name__ == "__main__":
    main()
