"""Metrics: each metric macro of the public contract, queried directly on the published snapshot,
and the 36-month readiness trend the Overview draws (36 dates replayed in one query).

Each query runs `repeats` times on one read-only connection and the whole result is
fetched; the figures are the first run and the median.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from benchmarks.common import log, median


def queries(as_of: date) -> dict[str, tuple[str, dict]]:
    """Name -> (SQL, parameters): one per macro of the metrics (docs/data-model.md), then the trends."""
    year_start = as_of.replace(month=1, day=1)
    macros = {
        "employee_skill_levels": "select * from employee_skill_levels($d)",
        "skill_coverage": "select * from skill_coverage($d)",
        "goal_readiness": "select * from goal_readiness($d)",
        "budget_utilisation": "select * from budget_utilisation($d)",
        "org_readiness": "select * from org_readiness($d)",
        "requirement_status": "select * from requirement_status($d)",
        "expiring_credentials": "select * from expiring_credentials($d, days := 90)",
        "active_learners": "select * from active_learners($d)",
        "cost_per_completion": "select * from cost_per_completion($start, $d)",
        "licence_utilisation": "select * from licence_utilisation($d)",
        "value_for_money": "select * from value_for_money($start, $d)",
    }
    out = {
        name: (sql, {"d": as_of, "start": year_start} if "$start" in sql else {"d": as_of})
        for name, sql in macros.items()
    }
    return out


def _time(fn, repeats: int) -> list[float]:
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return runs


def run(db: Path, repeats: int) -> dict:
    """The metrics section on the organisation warehouse, as of its newest record."""
    import warehouse
    from queries import goals as goal_queries
    from queries import overview as app_queries

    con = warehouse.connect(warehouse.read_path(db), read_only=True)
    as_of = con.execute("select cast(max(completed_at) as date) from completions").fetchall()[0][0]
    section: dict = {"as_of": as_of.isoformat(), "repeats": repeats, "macros": {}}
    for name, (sql, params) in queries(as_of).items():
        log(f"metric {name}")
        runs = _time(lambda sql=sql, params=params: con.sql(sql, params=params).pl(), repeats)
        rows = con.sql(f"select count(*) from ({sql})", params=params).fetchall()[0][0]
        section["macros"][name] = {"first": runs[0], "median": median(runs), "rows": rows}
    log("readiness trend, 36 months")
    runs = _time(lambda: app_queries.readiness_trend(con, as_of, months=36), repeats)
    section["readiness_trend_36_months"] = {"first": runs[0], "median": median(runs), "dates": 36}
    goal = con.execute("select min(goal_id) from goals").fetchall()[0][0]
    if goal is not None:
        log("goal trajectory, 18 months")
        runs = _time(lambda: goal_queries.goal_trajectory(con, goal, as_of, months=18), repeats)
        section["goal_trajectory_18_months"] = {"first": runs[0], "median": median(runs), "dates": 18}
    con.close()
    return section


def rows_for_table(section: dict) -> tuple[list[str], list[list]]:
    headers = ["query", "first s", "median s", "rows/dates"]
    rows = [[name, r["first"], r["median"], r["rows"]] for name, r in section["macros"].items()]
    for key in ("readiness_trend_36_months", "goal_trajectory_18_months"):
        if key in section:
            r = section[key]
            rows.append([key, r["first"], r["median"], r["dates"]])
    return headers, rows
