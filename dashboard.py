"""The frame around every page: who is looking, navigation, global filters.

Every page runs inside this frame. The views live in views/, not pages/: Streamlit
treats a pages/ folder as a legacy multipage app and resolves each request against
its file names first, which showed "Page not found" over a shared link's first load.
A view run without the frame finds no context and refuses to show data.
"""

from __future__ import annotations

import json
import os
import time

import streamlit as st

st.set_page_config(page_title="Upskilling dashboard", page_icon=":material/school:", layout="wide")

from app import auth, context, data

PAGES = {
    "Insights": [
        st.Page(
            "views/overview_page.py", url_path="overview", title="Overview", icon=":material/dashboard:", default=True
        ),
        st.Page("views/coverage_page.py", url_path="coverage", title="Skill coverage", icon=":material/grid_view:"),
        st.Page("views/people_page.py", url_path="people", title="People", icon=":material/group:"),
        st.Page("views/goals_page.py", url_path="goals", title="Strategic goals", icon=":material/flag:"),
    ],
    "Money": [
        st.Page("views/spend_page.py", url_path="spend", title="Training spend", icon=":material/payments:"),
        st.Page(
            "views/planner_page.py", url_path="planner", title="Training planner", icon=":material/model_training:"
        ),
    ],
    "Admin": [
        st.Page("views/data_page.py", url_path="data", title="Data", icon=":material/database:"),
    ],
}
GET_STARTED = st.Page(
    "views/get_started_page.py",
    url_path="get-started",
    title="Get started",
    icon=":material/rocket_launch:",
    default=True,
)


#: What each role's navigation lists (PRODUCT.md: who uses what).
ROLE_PAGES = {
    "ld": ["Overview", "Skill coverage", "People", "Strategic goals", "Training spend", "Training planner", "Data"],
    "lead": ["Overview", "Skill coverage", "People", "Strategic goals"],
    "exec": ["Overview", "Skill coverage", "Strategic goals", "Training spend"],
}


def pages_for(role: str) -> dict:
    allowed = ROLE_PAGES[role]
    listed = {section: [p for p in pages if p.title in allowed] for section, pages in PAGES.items()}
    return {section: pages for section, pages in listed.items() if pages}


def _log_run(started: float, page) -> None:
    """With UPSKILL_RUN_LOG set (the benchmarks set it), append this run's server time to that file."""
    target = os.environ.get("UPSKILL_RUN_LOG")
    if target and page is not None:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"page": page.url_path, "seconds": time.perf_counter() - started}) + "\n")


def main() -> None:
    started, run = time.perf_counter(), {}
    try:
        _frame_and_page(run)
    finally:  # also when the page stops or reruns (Streamlit's exceptions pass through)
        _log_run(started, run.get("page"))


def _frame_and_page(run: dict) -> None:
    context.reset()
    viewer = auth.current_viewer()
    context.set_viewer(viewer)
    if not data.has_data():
        pages = {"Start": [GET_STARTED]} | ({"Admin": [PAGES["Admin"][0]]} if viewer.role == "ld" else {})
        page = st.navigation(pages)
    else:
        page = st.navigation(pages_for(viewer.role))
        context.build(viewer)
    run["page"] = page
    with context.active():
        page.run()


main()
