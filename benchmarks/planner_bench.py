"""Planner: what a user waits for when pressing Plan for the whole company, and where the time goes.

A session opens the dashboard on the organisation warehouse, goes to the Training planner
(the whole company: more people than are planned on opening) and presses **Plan** with the
page's defaults (the whole remaining budget, every open goal, every requirement, 8 hours a
month). Before each press the data caches (``st.cache_data``) are cleared, so each press
reads, builds, solves and draws the plan from scratch; the time is the wall time of
``AppTest.run()`` (the whole script on the server, without the network and the browser's
drawing). The per-phase breakdown comes from the planner's own timings
(``PlanOutcome.solve["phases"]``) of the same request made directly, and the page's share
is the rest.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from benchmarks.common import ROOT, log, median

PAGE = "views/planner_page.py"


def _phases(db: Path, request: dict, runs: int) -> dict:
    """The planner's own phases (ms, median over `runs` direct calls) for the request the page made."""
    import warehouse
    from planner.plan import PlanRequest, make_plan

    con = warehouse.connect(warehouse.read_path(db), read_only=True)
    seen: list[dict] = []
    outcome = None
    try:
        employees = con.execute("select count(*) from employees").fetchall()[0][0]
        for _ in range(runs):
            outcome = make_plan(con, PlanRequest(**request, curve=True))
            solve = outcome.solve
            seen.append(
                solve.get("phases")
                or {
                    "read and build": solve["build_seconds"],
                    "solve": solve["seconds"],
                    "curve": solve["curve_seconds"],
                }
            )
    finally:
        con.close()
    phases = {name: round(median([p[name] for p in seen]) * 1000, 1) for name in seen[0]}
    info = {
        "employees": employees,
        "method": outcome.solve["method"],
        "candidates": outcome.solve["candidates"],
        "people": outcome.solve["people"],
        "classes": outcome.solve.get("classes"),
        "assignments": outcome.summary["assignments"],
        "message": outcome.solve["message"],
    }
    return phases | {"_info": info}


def run(db: Path, runs: int) -> dict:
    """The planner section: Plan pressed `runs` times for the whole company, caches cleared before each."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from benchmarks.pages_bench import _problems, latest_date

    os.environ["UPSKILL_DB"] = str(db)
    as_of = latest_date(db)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=900)
    at.query_params["as_of"] = as_of.isoformat()
    at.run()
    at.switch_page(PAGE).run()
    problems = _problems(at)
    times, cpu = [], []
    for k in range(runs):
        st.cache_data.clear()
        log(f"Plan pressed, run {k + 1} of {runs}")
        started, cpu_started = time.perf_counter(), time.process_time()
        at.button(key="plan_submit").click().run()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        problems += _problems(at)
    request = dict(at.session_state["plan_asked"])
    log("the planner's phases, called directly")
    phases = _phases(db, request, max(1, min(runs, 3)))
    info = phases.pop("_info")
    plan_ms = median(times) * 1000
    planner_ms = sum(v for k, v in phases.items() if k != "total")
    return {
        "employees": info.pop("employees"),
        "plan_p50_ms": round(plan_ms, 1),
        "runs_ms": [round(t * 1000, 1) for t in times],
        # CPU time of this process (every thread: the script's, DuckDB's) per press: what the press costs
        # whatever else the machine runs, where the wall time grows with the load.
        "cpu_p50_ms": round(median(cpu) * 1000, 1),
        "as_of": as_of.isoformat(),
        "budget": request["budget"],
        # The phases are timed apart from the presses: under a changing load the rest can come out below 0,
        # and then says nothing (None).
        "phases_ms": phases
        | {
            "page (queries of the form, drawing, everything else)": round(plan_ms - planner_ms, 1)
            if plan_ms > planner_ms
            else None
        },
        "load_average": round(os.getloadavg()[0], 2),
        **info,
        "problems": problems[:3],
    }


def rows_for_table(section: dict) -> tuple[list[str], list[list]]:
    headers = ["what", "ms (p50)"]
    rows = [[f"Plan pressed, {section['employees']:,} employees", section["plan_p50_ms"]]]
    if section.get("cpu_p50_ms") is not None:
        rows.append(["  CPU time of the press (all threads)", section["cpu_p50_ms"]])
    rows += [[f"  {name}", ms] for name, ms in section["phases_ms"].items()]
    return headers, rows
