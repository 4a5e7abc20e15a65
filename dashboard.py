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

from app import auth, context, data, navigation


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
    has_data = data.has_data()
    page = st.navigation(navigation.navigation(viewer.role, has_data))
    if has_data:
        context.build(viewer)
    run["page"] = page
    with context.active():
        page.run()


main()
