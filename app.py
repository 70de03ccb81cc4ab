"""`streamlit run app.py [-- --scenarios DIR] [--results DIR]` in a checkout: the packaged dashboard
(planner/dashboard/app.py, which `planner dashboard` starts), over this checkout's scenarios/ by default."""

from pathlib import Path

from planner.dashboard.app import main

main(Path(__file__).parent / "scenarios")
