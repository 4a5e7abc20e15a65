"""Page queries run outside the app, as one viewer sees them: ``python -m queries run``.

Each query runs with its page's default arguments (the as-of date the filters start on, the
first skill, goal and person the pages pick, the planner's default budget) and, for an
executive, with the query's small-group rule applied, as the data door (``app.data.q``)
would. The results are plain rows, so two engines' answers can be compared
(tests/test_spark_parity.py) and operators can read them as JSON.
"""

from __future__ import annotations

import datetime as dt
import decimal
import inspect
import math
from dataclasses import dataclass

import polars as pl

import queries
from common.identity import identity_key
from planner.plan import DEFAULT_HOURS_PER_MONTH, PlanOutcome
from queries.access import load_access, role_of


class RunError(Exception):
    """The queries cannot be run as asked; one sentence says why."""


@dataclass(frozen=True)
class Viewer:
    """Who the queries run for: 'ld' (the default: everyone, by name), 'lead' (their tree) or 'exec'."""

    role: str = "ld"
    employee_id: str | None = None
    email: str | None = None

    @property
    def root(self) -> str | None:
        return self.employee_id if self.role == "lead" else None


def viewer_for(con, email: str | None) -> Viewer:
    """The viewer an e-mail signs in as (the access file, else a manager leads their tree); None: L&D."""
    if email is None:
        return Viewer()
    key = identity_key(email)
    person = queries.get("person_by_email").function(con, key) if key else None
    role = role_of(key, person, load_access()) if key else None
    if role is None:
        raise RunError(f"{email} has no access to the dashboard (not L&D, not an executive, manages nobody).")
    employee_id = person["employee_id"][0] if person is not None and person.height else None
    return Viewer(role, employee_id, key)


def default_as_of(con) -> dt.date:
    """The date the filters start on: today, or the latest record's date when the data is older."""
    latest = queries.get("meta").function(con)["latest_record"][0]
    today = dt.date.today()
    return latest if latest and latest < today else today


def _first(frame: pl.DataFrame, column: str):
    return frame[column][0] if frame.height else None


def page_defaults(con, viewer: Viewer, as_of: dt.date, needed: set[str] | None = None) -> dict:
    """The arguments the pages start with: the first skill, goal and person they offer, the budget left
    (only those `needed`, when given: each is a query of its own)."""
    root = viewer.root

    def budget() -> float:
        left = _first(queries.get("planner_defaults").function(con, as_of), "remaining_budget")
        return float(round(left)) if left is not None else 10_000.0

    found = {
        "skill": lambda: _first(queries.get("required_skills").function(con), "skill"),
        "goal_id": lambda: _first(queries.get("goal_status").function(con, as_of, root=root), "goal_id"),
        "employee_id": lambda: _first(
            queries.get("requirement_people").function(con, as_of, root=root).sort("team", "full_name"), "employee_id"
        ),
        "email": lambda: viewer.email or _first(queries.get("demo_leads").function(con), "email"),
        "budget": budget,
    }
    defaults = {"as_of": as_of, "root": root, "hours_per_month": DEFAULT_HOURS_PER_MONTH}
    return defaults | {k: f() for k, f in found.items() if needed is None or k in needed}


def run_query(con, name: str, viewer: Viewer, defaults: dict) -> pl.DataFrame:
    """One page query as the viewer gets it through the data door (audience, scope, small groups)."""
    declared = queries.get(name)
    declared.check(viewer.role)
    parameters = inspect.signature(declared.function).parameters
    kwargs = {p: defaults[p] for p in parameters if p != "con" and p in defaults}
    result = declared.function(con, **kwargs)
    frame = result.plan if isinstance(result, PlanOutcome) else result
    return declared.for_executive(frame) if viewer.role == "exec" else frame


def run_all(
    con, names: list[str] | None, viewer: Viewer, as_of: dt.date | None = None, defaults: dict | None = None
) -> dict[str, pl.DataFrame]:
    """The named queries (None: every query the viewer may run), by name, with the pages' default
    arguments (`defaults`: page_defaults already worked out, e.g. on another engine)."""
    as_of = as_of or default_as_of(con)
    if names is None:
        names = sorted(n for n, q in queries.REGISTRY.items() if q.allows(viewer.role))
    needed = {p for n in names for p in inspect.signature(queries.get(n).function).parameters}
    defaults = defaults or page_defaults(con, viewer, as_of, needed)
    return {name: run_query(con, name, viewer, defaults) for name in names}


def plain(value):
    """A value as JSON holds it: dates as ISO text, decimals as numbers, NaN and infinities as null."""
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def rows(frame: pl.DataFrame) -> list[dict]:
    """The frame's rows as plain dicts (column: value)."""
    return [plain(r) for r in frame.to_dicts()]
