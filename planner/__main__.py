"""`python -m planner`: the `planner` command line (planner.cli)."""

from planner.cli import main

main()
