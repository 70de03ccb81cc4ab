"""How a stock take's counts apply (planner.app.stocktake): to the counted lots only, or to every lot
on hand; a module of its own so that the command line can offer the modes without loading pandas."""

from __future__ import annotations

from typing import Literal

Mode = Literal["all", "listed"]
MODES: tuple[Mode, ...] = ("all", "listed")
