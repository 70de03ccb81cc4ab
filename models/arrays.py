"""Array helpers shared by the engine's explain.csv and the checker's (numpy on columns)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]


def ranges(starts: Ints, ends: Ints) -> tuple[Ints, Ints]:
    """Every position of the half-open ranges [starts[i], ends[i]), with the range `i` of each."""
    sizes = np.maximum(ends - starts, 0)
    at = np.repeat(np.arange(len(starts), dtype=np.int64), sizes)
    first = np.cumsum(sizes) - sizes
    return at, np.arange(int(sizes.sum()), dtype=np.int64) - first[at] + starts[at]
