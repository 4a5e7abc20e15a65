"""Which pages exist and which roles see each: declared once, here.

The frame (dashboard.py) builds its navigation from this table, and a page reached
by a role it does not list stops (``context.require_page``). Pages are matched by
their URL path, never by their title.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

LD, LEAD, EXEC = "ld", "lead", "exec"
EVERY_ROLE = frozenset({LD, LEAD, EXEC})


@dataclass(frozen=True)
class PageSpec:
    url_path: str
    title: str
    icon: str
    section: str
    roles: frozenset[str]

    @property
    def script(self) -> str:
        return f"views/{self.url_path.replace('-', '_')}_page.py"


#: Every page of the dashboard, in navigation order, with the roles that see it (PRODUCT.md: who uses what).
PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "Overview", ":material/dashboard:", "Insights", EVERY_ROLE),
    PageSpec("coverage", "Skill coverage", ":material/grid_view:", "Insights", EVERY_ROLE),
    PageSpec("people", "People", ":material/group:", "Insights", frozenset({LD, LEAD})),
    PageSpec("goals", "Strategic goals", ":material/flag:", "Insights", EVERY_ROLE),
    PageSpec("spend", "Training spend", ":material/payments:", "Money", frozenset({LD, EXEC})),
    PageSpec("planner", "Training planner", ":material/model_training:", "Money", frozenset({LD})),
    PageSpec("data", "Data", ":material/database:", "Admin", frozenset({LD})),
)
#: Shown instead of the pages while the warehouse holds no data (with Data for L&D, to load some).
GET_STARTED = PageSpec("get-started", "Get started", ":material/rocket_launch:", "Start", EVERY_ROLE)

_BY_PATH = {p.url_path: p for p in (*PAGES, GET_STARTED)}


def spec(url_path: str) -> PageSpec:
    return _BY_PATH[url_path]


def allowed(url_path: str, role: str) -> bool:
    return role in _BY_PATH[url_path].roles


def _page(p: PageSpec, default: bool) -> st.Page:
    return st.Page(p.script, url_path=p.url_path, title=p.title, icon=p.icon, default=default)


def navigation(role: str, has_data: bool) -> dict[str, list[st.Page]]:
    """The sections and pages of the role's navigation (the first page is the default)."""
    listed = [p for p in PAGES if role in p.roles] if has_data else [GET_STARTED, spec("data")]
    listed = [p for p in listed if role in p.roles]
    out: dict[str, list[st.Page]] = {}
    for i, p in enumerate(listed):
        out.setdefault(p.section, []).append(_page(p, default=i == 0))
    return out
