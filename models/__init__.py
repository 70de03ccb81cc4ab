"""The planner's domain: records, loading and validation of scenarios."""
