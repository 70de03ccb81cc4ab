"""The allocation planner: eligibility, the optimisation model, solving and reports."""
