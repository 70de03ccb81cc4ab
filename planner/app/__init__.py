"""What the dashboard and `planner compare` compute: plan views, comparisons, what-ifs, scenario folders."""
