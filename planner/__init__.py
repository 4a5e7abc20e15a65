"""The training planner.

- ``planner.model``: the optimisation problem on plain data (gaps, candidates, costs,
  idle licence seats) and the SQL that builds it from the warehouse's models (which hold every business rule).
- ``planner.compact``: the same problem as columns (no object per gap or candidate), built from the
  warehouse's gap rows with people alike as classes; the greedy run on those classes, the evaluation
  and the proven bound on arrays (what a plan for a whole large company is solved with).
- ``planner.solve``: the exact solver (an integer program through SciPy's ``milp``,
  i.e. HiGHS), the greedy baseline, and the fallback for instances too large to solve
  exactly within the time limit.
- ``planner.plan``: one call from a request to what a person reads (the plan, shares
  now vs after, the catalog's own gaps).
- Goal forecasts are the warehouse's (``goal_readiness`` in
  ``sql/models/metrics/100_goal_readiness.sql``); the planner reads goal shares through
  the same models (``goal_share``, ``goal_population``).
- ``python -m planner``: the plan as CSV on stdout.
"""
