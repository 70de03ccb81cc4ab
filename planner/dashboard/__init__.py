"""The Streamlit dashboard (the `[dashboard]` extra): `app.py` and its pages in `views/`, started by
`planner dashboard` (`launch.py`). Every page only lays out what `planner.app` computes."""
