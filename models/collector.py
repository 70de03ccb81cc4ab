"""Python's cyclic garbage collector, paused while large tables of small records are built.

Loading, preparing and checking a scenario build hundreds of thousands of small
records (lines, lots, pairs, rows) that live on and make no reference cycles.
The collector would scan them again and again as they pile up: a quarter of the
checker's time at 100k lines, a fifth of eligibility's at 1M. Reference
counting still frees whatever is dropped while the collector is paused.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block (or, as a decorator, the call); resume it after
    only if it was running before, so that pauses nest."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
