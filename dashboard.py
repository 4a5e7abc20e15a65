"""The frame around every page: who is looking, navigation, global filters."""
from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Upskilling dashboard", page_icon=":material/school:", layout="wide")

from app import context, data  # noqa: E402

PAGES = {
    "Insights": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/coverage.py", title="Skill coverage", icon=":material/grid_view:"),
        st.Page("pages/people.py", title="People", icon=":material/group:"),
        st.Page("pages/goals.py", title="Strategic goals", icon=":material/flag:"),
    ],
    "Money": [
        st.Page("pages/spend.py", title="Training spend", icon=":material/payments:"),
    ],
    "Admin": [
        st.Page("pages/data.py", title="Data", icon=":material/database:"),
    ],
}
GET_STARTED = st.Page("pages/get_started.py", title="Get started", icon=":material/rocket_launch:", default=True)


def main() -> None:
    viewer = context.Viewer(email="ld@demo.local", name="L&D (demo)", role="ld")
    if not data.has_data():
        pages = {"Start": [GET_STARTED], "Admin": [PAGES["Admin"][0]]}
        st.navigation(pages).run()
        return
    context.build(viewer)
    st.navigation(PAGES).run()


main()
