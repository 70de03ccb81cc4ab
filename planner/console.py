"""How the command line reports while it runs: progress by phase, and warnings as log lines.

On a terminal, progress is one live line (the phase, and in the optimise phase a bar of its
steps); anywhere else (a nightly batch's log), one plain line as each phase begins, with the
seconds since the start. Warnings, the library's included (`warnings.warn`, e.g. an unknown
column), go through the `logging` logger "planner": one line each, `warning: ` and the message,
no source line; a message repeated is printed once and counted at the end.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

log = logging.getLogger("planner")

STEPS = {"optimise": "component tiers", "solve": "scenarios"}
"""What a phase's steps count, for the phases that have steps (planner.progress)."""


class _Once(logging.Filter):
    """Lets each message through once and counts the repeats."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: Counter[str] = Counter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        self.seen[message] += 1
        return self.seen[message] == 1


class _ToConsole(logging.Handler):
    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console

    def emit(self, record: logging.LogRecord) -> None:
        label = "warning" if record.levelno >= logging.WARNING else "info"
        self.console.print(f"{label}: {escape(record.getMessage())}", highlight=False, markup=True)


@contextmanager
def logging_to(console: Console, verbosity: int) -> Iterator[None]:
    """Send the "planner" logger and Python warnings to `console` for the duration: verbosity -1
    (quiet) errors only, 0 warnings, 1 (verbose) also info."""
    once, handler = _Once(), _ToConsole(console)
    handler.addFilter(once)
    level = {-1: logging.ERROR, 0: logging.WARNING}.get(verbosity, logging.INFO)
    saved = log.level, log.propagate, warnings.showwarning

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        log.warning(str(message))

    log.addHandler(handler)
    log.setLevel(level)
    log.propagate = False
    warnings.showwarning = show
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always")  # every occurrence reaches the counter
            yield
    finally:
        for message, n in once.seen.items():
            if n > 1 and level <= logging.WARNING:
                console.print(f"warning: {escape(message)} ({n - 1} more like it)", highlight=False)
        log.removeHandler(handler)
        log.setLevel(saved[0])
        log.propagate = saved[1]
        warnings.showwarning = saved[2]


class PhaseBar:
    """planner.progress.Progress on a terminal: the phase, a bar of its steps, the time."""

    def __init__(self, console: Console) -> None:
        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> PhaseBar:
        self._bar.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._bar.__exit__(kind, exc, tb)

    def phase(self, name: str) -> None:
        label = f"{name} ({STEPS[name]})" if name in STEPS else name
        if self._task is None:
            self._task = self._bar.add_task(label, total=None)
        else:
            self._bar.update(self._task, description=label, completed=0, total=None)

    def steps(self, done: int, total: int) -> None:
        if self._task is not None:
            self._bar.update(self._task, completed=done, total=total)


class PhaseLines:
    """planner.progress.Progress for a log: one line as each phase begins, and the steps of a phase
    that has them once, when it ends."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._start = time.monotonic()
        self._current: str | None = None
        self._steps = 0

    def __enter__(self) -> PhaseLines:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._close()

    def phase(self, name: str) -> None:
        self._close()
        self._current, self._steps = name, 0
        self._console.print(f"{time.monotonic() - self._start:7.1f} s  {name}", highlight=False)

    def steps(self, done: int, total: int) -> None:
        self._steps = total

    def _close(self) -> None:
        if self._current in STEPS and self._steps:
            elapsed = time.monotonic() - self._start
            what = STEPS[self._current]
            self._console.print(f"{elapsed:7.1f} s  {self._current}: {self._steps:,} {what}", highlight=False)
        self._current = None


def phase_progress(console: Console) -> PhaseBar | PhaseLines:
    """The progress display that suits where `console` writes."""
    return PhaseBar(console) if console.is_terminal else PhaseLines(console)
