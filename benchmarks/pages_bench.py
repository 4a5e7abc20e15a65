"""Pages: the server-side run time of every page through Streamlit's AppTest.

For each page: a session opens the dashboard, goes to the page, and then
- cold: the data caches (``st.cache_data`` and ``st.cache_resource``) are cleared and the
  as-of filter is changed to a date not asked before, then the page runs;
- warm: the same page runs again with nothing changed (what a click that changes no data costs).
The time is the wall time of ``AppTest.run()``: the whole script (frame, filters, queries,
charts) on the server, without the network and the browser's drawing.
"""

from __future__ import annotations

import os
import time
from datetime import date, timedelta
from pathlib import Path

from benchmarks.common import ROOT, log, median, percentile


def page_files() -> list[str]:
    """The scripts of the dashboard's pages (app.navigation.PAGES, the empty-warehouse page excepted), in menu order."""
    from app.navigation import PAGES

    return [p.script for p in PAGES]


def _problems(at) -> list[str]:
    return [str(e.value)[:200] for e in at.exception] + [str(e.value)[:200] for e in at.error]


def latest_date(db: Path) -> date:
    """The date of the newest learning record: the default as-of of the dashboard."""
    import warehouse

    con = warehouse.connect(warehouse.read_path(db), read_only=True)
    try:
        return con.execute("select cast(max(completed_at) as date) from completions").fetchall()[0][0]
    finally:
        con.close()


def measure_page(page: str, base: date, cold_runs: int, warm_runs: int, offset: int) -> dict:
    """Cold and warm run times of one page (seconds)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=900)
    at.query_params["as_of"] = base.isoformat()
    at.run()
    at.switch_page(page).run()
    cold, warm, problems = [], [], _problems(at)
    for k in range(cold_runs):
        st.cache_data.clear()
        st.cache_resource.clear()
        at.date_input(key="as_of").set_value(base - timedelta(days=7 * (offset + k + 1)))
        started = time.perf_counter()
        at.run()
        cold.append(time.perf_counter() - started)
        problems += _problems(at)
    for _ in range(warm_runs):
        started = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - started)
    title = at.title[0].value if at.title else ""
    out = {
        "title": title,
        "cold_p50": median(cold),
        "cold_p95": percentile(cold, 95),
        "warm_p50": median(warm),
        "warm_p95": percentile(warm, 95),
        "cold_runs": [round(x, 3) for x in cold],
        "warm_runs": len(warm),
        "problems": problems[:3],
    }
    if page.endswith("planner_page.py") and not at.metric:
        # A large selection opens without solving; what pressing Plan costs is measured apart.
        solves = []
        for _ in range(2):
            st.cache_data.clear()
            started = time.perf_counter()
            at.button(key="plan_submit").click().run()
            solves.append(time.perf_counter() - started)
            problems += _problems(at)
        out["plan_pressed_runs"] = [round(x, 3) for x in solves]
        out["plan_pressed_p50"] = median(solves)
        out["problems"] = problems[:3]
    return out


def run(db: Path, cold_runs: int, warm_runs: int) -> dict:
    """The pages section: every page, cold and warm, on the organisation warehouse."""
    os.environ["UPSKILL_DB"] = str(db)
    base = latest_date(db)
    section: dict = {"as_of": base.isoformat(), "cold_runs": cold_runs, "warm_runs": warm_runs, "pages": {}}
    for i, page in enumerate(page_files()):
        log(f"page {page}")
        section["pages"][page] = measure_page(page, base, cold_runs, warm_runs, offset=i * cold_runs)
    return section | short_keys(section["pages"])


def short_name(page: str) -> str:
    """views/goals_page.py -> goals (the page's URL path)."""
    return page.split("/")[-1].removesuffix("_page.py")


def short_keys(pages: dict) -> dict:
    """Each page's cold p50 and warm p95 in milliseconds under its short name (pages.goals.cold_p50_ms)."""
    return {
        short_name(p): {"cold_p50_ms": round(r["cold_p50"] * 1000), "warm_p95_ms": round(r["warm_p95"] * 1000)}
        for p, r in pages.items()
    }


def rows_for_table(section: dict) -> tuple[list[str], list[list]]:
    headers = ["page", "cold p50 s", "cold p95 s", "warm p50 s", "warm p95 s", "problems"]
    rows = []
    for p, r in section["pages"].items():
        name = short_name(p)
        rows.append([name, r["cold_p50"], r["cold_p95"], r["warm_p50"], r["warm_p95"], len(r["problems"])])
        if "plan_pressed_p50" in r:
            runs = r["plan_pressed_runs"]
            rows.append([f"{name}: Plan pressed", r["plan_pressed_p50"], max(runs), None, None, 0])
    return headers, rows
