"""The frame's state that every page reads: the viewer, their scope and the global filters.

dashboard.py builds it once per run (sidebar widgets bound to the URL's query
parameters, so a filtered view is a link) and the pages read it with ``get()``.
"""

from __future__ import annotations

from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime

import polars as pl
import streamlit as st

from app import data, navigation, ui
from app.session import Viewer, current_viewer, forget_viewer, set_viewer

__all__ = ["Context", "Viewer", "build", "current_viewer", "get", "set_viewer"]


@dataclass(frozen=True)
class Context:
    viewer: Viewer
    as_of: date
    unit: str | None
    category: str | None
    currency: str
    latest_record: date | None
    last_load: object = None
    extra: dict = field(default_factory=dict)

    @property
    def scope_label(self) -> str:
        """The selection as the page headers name it: the unit, else everyone the viewer may see."""
        return self.unit or ("everyone you lead" if self.viewer.role == "lead" else "whole company")

    @property
    def scope(self) -> dict:
        """Keyword arguments for every scoped query: the viewer's tree and the org-unit filter."""
        return {"root": self.viewer.root, "unit": self.unit}

    def units(self) -> pl.DataFrame:
        """The departments and teams of this selection, with their current headcount (cached)."""
        units = data.q("org_units", root=self.viewer.root)
        if self.unit is None:
            return units
        return units.filter((pl.col("department") == self.unit) | (pl.col("team") == self.unit))


_KEY = "_upskill_context"
_FRAME = "_upskill_frame"


def default_as_of(latest: date | None, today: date | None = None) -> date:
    """Today, or the latest data date when the data is older."""
    today = today or date.today()
    return latest if latest and latest < today else today


COMPANY = "Whole company"
ALL_CATEGORIES = "All categories"


def unit_options(units: pl.DataFrame) -> list[str]:
    """The whole company, then each department followed by its teams (the org tree, in order).

    The names themselves are the options: they are what a shared link carries (?unit=Platform).
    """
    options = [COMPANY]
    for dept in units["department"].unique(maintain_order=True).to_list():
        options.append(dept)
        options.extend(t for t in units.filter(pl.col("department") == dept)["team"].to_list() if t not in options)
    return options


def build(viewer: Viewer) -> Context:
    """Render the sidebar filters and remember the context for the pages of this run."""
    meta = data.q("meta").row(0, named=True)
    latest = meta["latest_record"]
    units = data.q("org_units", root=viewer.root)
    options = unit_options(units)
    categories = [ALL_CATEGORIES] + data.q("skill_categories")["category"].to_list()
    asked = {k: st.query_params.get(k) for k in ("as_of", "unit", "category")}  # what a shared link carries
    pending = st.session_state.pop(_DRILL, None)
    if pending in options:  # a page drilled into a unit (drill_into): the filter shows it from this run on
        st.session_state["unit"] = pending
        asked["unit"] = pending
    day = st.session_state.pop(_DAY, None)
    if day is not None:  # a page asked for another date (show_day): the filter shows it from this run on
        st.session_state["as_of"] = day
        asked["as_of"] = day.isoformat()
    with st.sidebar:
        st.subheader("Filters")
        as_of = st.date_input(
            "As of",
            value=default_as_of(latest),
            key="as_of",
            bind="query-params",
            format="YYYY-MM-DD",
            help="Every number is replayed as it stood on this date.",
        )
        whole = "Everyone I lead" if viewer.role == "lead" else COMPANY
        unit = st.selectbox(
            "Org unit",
            options,
            key="unit",
            bind="query-params",
            format_func=lambda o: whole if o == COMPANY else o,
            help="The whole company, a department, or a team (each department is followed by its teams).",
        )
        category = st.selectbox("Skill category", categories, key="category", bind="query-params")
        last_load = meta["last_load"]
        st.caption(f"Learning records up to {latest:%-d %b %Y}" if latest else "No learning records yet")
        if last_load:
            st.caption(f"Last import {last_load:%-d %b %Y %H:%M} UTC")
    _link_notice(asked, {"as_of": as_of, "unit": unit, "category": category}, whole if unit == COMPANY else unit)
    ctx = Context(
        viewer=viewer,
        as_of=as_of,
        unit=None if unit == COMPANY else unit,
        category=None if category == ALL_CATEGORIES else category,
        currency=meta["currency"] or "USD",
        latest_record=latest,
        last_load=meta["last_load"],
    )
    st.session_state[_KEY] = ctx
    return ctx


_NOTICE = "_upskill_link_notice"
_DRILL = "_upskill_drill_unit"
_DAY = "_upskill_show_day"


def show_day(day: date) -> None:
    """Make `day` the As of filter and run the page again (to see what was assigned today, say), the way
    drill_into sets the org unit."""
    st.session_state[_DAY] = day
    st.rerun()


def drill_into(unit: str) -> None:
    """Make `unit` the org-unit filter and run the page again (a click on a department's row, say). The
    filter is drawn before the page runs, so the page asks and the next run's frame sets it."""
    st.session_state[_DRILL] = unit
    st.rerun()


def _link_date(text: str) -> date | None:
    """A link's date as the date widget reads it (2026-06-30, 2026/06/30, 2026-6-30); None if it is none."""
    for pattern in ("%Y-%m-%d", "%Y/%m/%d"):
        with suppress(ValueError):
            return datetime.strptime(text.strip(), pattern).date()
    return None


def link_problems(asked: dict, shown: dict, unit_label: str) -> list[str]:
    """What a link asked for that the filters could not show (Streamlit falls back to the defaults silently).

    `shown` holds the filters' values (as_of as a date), `unit_label` the unit as the sidebar names it.
    """
    problems = []
    if asked.get("unit") not in (None, shown["unit"], unit_label):
        showing = unit_label if shown["unit"] != COMPANY else unit_label[:1].lower() + unit_label[1:]
        problems.append(
            f"the org unit “{asked['unit']}” is not one you can see (it may have been renamed); showing {showing}"
        )
    if asked.get("category") not in (None, shown["category"]):
        problems.append(f"the skill category “{asked['category']}” does not exist; showing all categories")
    if asked.get("as_of") is not None:
        wanted = _link_date(asked["as_of"])
        if wanted is None:
            problems.append(f"“{asked['as_of']}” is not a date (write it as YYYY-MM-DD); showing {shown['as_of']}")
        elif wanted != shown["as_of"]:
            problems.append(f"{wanted} is outside the dates this dashboard replays; showing {shown['as_of']}")
    return problems


def _link_notice(asked: dict, shown: dict, unit_label: str) -> None:
    """Say which parts of an opened link were not shown, until the viewer changes a filter."""
    problems = link_problems(asked, shown, unit_label)
    if problems:
        st.session_state[_NOTICE] = (problems, shown)
    kept = st.session_state.get(_NOTICE)
    if kept is None:
        return
    if kept[1] != shown:
        st.session_state.pop(_NOTICE, None)
        return
    text = "; ".join(kept[0])
    st.warning(ui.plain(f"This link could not be shown as sent: {text}."), icon=":material/link_off:")


def reset() -> None:
    """Forget whatever an earlier run left behind (a run that stopped before its page)."""
    for key in (_FRAME, _KEY):
        st.session_state.pop(key, None)
    forget_viewer()


@contextmanager
def active():
    """Mark this run as going through the frame; viewer and context are gone once the page has run."""
    st.session_state[_FRAME] = True
    try:
        yield
    finally:
        for key in (_FRAME, _KEY):
            st.session_state.pop(key, None)
        forget_viewer()


def require_page(url_path: str) -> Viewer:
    """Stop a page the viewer's role may not see (app.navigation declares who sees it; the navigation
    does not list it either)."""
    require_frame()
    viewer = current_viewer()
    if viewer is None or not navigation.allowed(url_path, viewer.role):
        st.info(navigation.not_for_role(url_path, viewer.role if viewer else ""), icon=":material/lock:")
        st.stop()
    return viewer


def require_frame() -> None:
    """Stop a page that was reached without the frame (sign-in, scope and filters live there)."""
    if not st.session_state.get(_FRAME):
        st.warning("Open this page from the dashboard's navigation.")
        st.page_link("dashboard.py", label="Go to the dashboard", icon=":material/home:")
        st.stop()


def get() -> Context:
    """The context of this run, built by the frame; a page reached any other way stops here."""
    require_frame()
    ctx = st.session_state.get(_KEY)
    if ctx is None:
        require_frame()
        st.stop()
    return ctx
