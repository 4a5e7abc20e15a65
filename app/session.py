"""Who is looking, for this run only: the viewer the frame resolved, kept in the session state.

The data door (``app.data``) reads it to enforce each query's audience; the filters
(``app.context``) read it to scope the choices. Nothing else keeps who is looking.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class Viewer:
    """Who is looking. role: 'ld' (everyone, by name), 'lead' (own reporting tree), 'exec' (aggregates only)."""

    email: str
    name: str
    role: str
    employee_id: str | None = None

    @property
    def root(self) -> str | None:
        """The reporting tree a team lead is limited to (None: everyone)."""
        return self.employee_id if self.role == "lead" else None

    @property
    def sees_names(self) -> bool:
        return self.role in ("ld", "lead")


_VIEWER = "_upskill_viewer"


def set_viewer(viewer: Viewer) -> None:
    """Remember who is looking for this run only (the data door enforces their scope)."""
    st.session_state[_VIEWER] = viewer


def current_viewer() -> Viewer | None:
    return st.session_state.get(_VIEWER)


def forget_viewer() -> None:
    st.session_state.pop(_VIEWER, None)
