"""Training planner and goal forecasts.

- ``planner.model``: the optimisation problem on plain data (gaps, candidates, costs,
  idle licence seats) and the SQL that builds it from the warehouse's metrics layer.
- ``planner.solve``: the exact solver (an integer program through SciPy's ``milp``,
  i.e. HiGHS), the greedy baseline, and the fallback for instances too large to solve
  exactly within the time limit.
- ``planner.plan``: one call from a request to what a person reads (the plan, shares
  now vs after, the catalog's own gaps).
- ``planner.forecast``: each goal's projection to its deadline (the SQL in
  ``sql/models/100_goal_readiness.sql``, mirrored in Python for tests and notes).
- ``python -m planner``: the plan as CSV on stdout.
"""
