"""The dashboard's pages (run by `planner/dashboard/app.py` through `st.navigation`) and what they share."""
