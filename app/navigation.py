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


ROLE_NAMES = {LD: "L&D staff", LEAD: "team leads", EXEC: "executives"}
_ROLE_ONE = {LD: "L&D staff", LEAD: "a team lead", EXEC: "an executive"}


def not_for_role(url_path: str, role: str) -> str:
    """The sentence a page says to a role that may not see it."""
    p = _BY_PATH[url_path]
    who = [ROLE_NAMES[r] for r in (LD, LEAD, EXEC) if r in p.roles]
    listed = " and ".join(who) if len(who) < 3 else f"{who[0]}, {who[1]} and {who[2]}"
    return (
        f"The {p.title} page is for {listed}; you are signed in as {_ROLE_ONE.get(role, 'a viewer')}. "
        "Choose a page in the sidebar."
    )


def _page(p: PageSpec, default: bool, visibility: str = "visible") -> st.Page:
    # The default page is served at the root ("" is its path); its own path is an alias (below).
    url_path = "" if default else p.url_path
    return st.Page(p.script, url_path=url_path, title=p.title, icon=p.icon, default=default, visibility=visibility)


def navigation(role: str, has_data: bool) -> dict[str, list[st.Page]]:
    """The sections and pages of the role's navigation (the first page is the default).

    Every other page's link stays known, hidden from the menu, so that a shared link never opens under
    Streamlit's "Page not found" dialog: the default page's own path (``/overview``) opens it with the
    link's filters, a page the role may not see says so in a sentence (``context.require_page``), and while
    the warehouse is empty every page shows Get started.
    """
    listed = [p for p in PAGES if role in p.roles] if has_data else [GET_STARTED, spec("data")]
    listed = [p for p in listed if role in p.roles]
    out: dict[str, list[st.Page]] = {}
    pages = [_page(p, default=i == 0) for i, p in enumerate(listed)]
    for p, page in zip(listed, pages, strict=True):
        out.setdefault(p.section, []).append(page)
    home = listed[0]
    # Hidden pages run a script without a menu entry (a switch would clear the link's filters, which are
    # bound to widgets): the home page under its own path, a closed page its own script (which refuses).
    aliases = [st.Page(home.script, url_path=home.url_path, title=home.title, visibility="hidden")]
    for p in (*PAGES, GET_STARTED):
        if p not in listed:
            closed = has_data and p is not GET_STARTED
            script = p.script if closed else home.script
            aliases.append(st.Page(script, url_path=p.url_path, title=p.title, visibility="hidden"))
    out[listed[-1].section].extend(aliases)
    return out
