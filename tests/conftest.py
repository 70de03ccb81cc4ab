"""Make the project root importable, so tests can use `from tests.reference import ...`.

pytest runs with --import-mode=importlib, which does not put the test folders
on sys.path; `python -m pytest` adds the working directory, plain `pytest` does not.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[1])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
