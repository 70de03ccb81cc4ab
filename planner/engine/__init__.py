"""The optimisation engine (SPEC 3-5): eligibility, decomposition, flows, the tier loop, backends, solve."""
