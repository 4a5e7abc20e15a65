"""Privacy rules applied in the data layer, to every query result, whatever page asked.

- Team leads: every query that takes a scope gets the lead's own reporting tree,
  whatever the page or the URL asked for.
- Executives: aggregates only. Queries that list people by name are refused, and any
  group of fewer than MIN_GROUP people is suppressed (its numbers become null and a
  `suppressed` column says so). Where one cell of a row or column of a table is
  suppressed, another is suppressed with it, so a total minus the other cells never
  gives one small group's number back.
- Import history, rejected rows and uploads are for L&D only.
"""

from __future__ import annotations

import inspect

import polars as pl

MIN_GROUP = 5
SUPPRESSED_TEXT = "fewer than 5"

#: Queries that show people by name: never for executives.
NAMED = {
    "requirement_people",
    "person_credentials",
    "learning_history",
    "expiring",
    "goal_people_missing",
    "person_learning_path",
    "plan_people",
}
#: Queries of the Data page: L&D only.
LD_ONLY = {"import_history", "freshness", "rejected_rows", "rejected_reasons"}
#: Money: L&D and executives (team leads review skills, not budgets).
MONEY = {
    "budgets",
    "monthly_spend",
    "spend_breakdown",
    "cost_per_completion",
    "licences",
    "spend_projection",
    "unconverted_spend",
    "planner_defaults",
}


class Forbidden(Exception):
    """The viewer may not see this; the message says why in one sentence."""


def scoped_kwargs(query, viewer, kwargs: dict) -> dict:
    """Force the viewer's reporting tree into any query that takes a scope."""
    if viewer is None:
        return kwargs
    params = inspect.signature(query).parameters
    if "root" in params:
        kwargs = {**kwargs, "root": viewer.root}
    return kwargs


def check(name: str, viewer) -> None:
    if viewer is None:
        return
    if name in LD_ONLY and viewer.role != "ld":
        raise Forbidden("Import history and rejected rows are for L&D staff only.")
    if name in NAMED and not viewer.sees_names:
        raise Forbidden("Executives see aggregates only, never individual people.")
    if name in MONEY and viewer.role == "lead":
        raise Forbidden("Budgets and spend are for L&D staff and executives.")


def may(name: str, viewer) -> bool:
    """Whether the viewer may run a query (pages use it to leave out what is not theirs)."""
    try:
        check(name, viewer)
    except Forbidden:
        return False
    return True


def _suppress_where(frame: pl.DataFrame, small: pl.Expr, columns: list[str]) -> pl.DataFrame:
    cols = [c for c in columns if c in frame.columns]
    return frame.with_columns(small.fill_null(False).alias("suppressed")).with_columns(
        [pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c) for c in cols]
    )


def _complementary(frame: pl.DataFrame, size: str, groups: list[str], columns: list[str]) -> pl.DataFrame:
    """Suppress a second cell wherever a row or column of the table has exactly one suppressed cell."""
    rows = frame.with_row_index("_i").to_dicts()
    live = [r for r in rows if (r.get("_size") or 0) > 0]
    changed = True
    while changed:
        changed = False
        for g in groups:
            by: dict = {}
            for r in live:
                by.setdefault(r[g], []).append(r)
            for cells in by.values():
                hidden = [r for r in cells if r["suppressed"]]
                shown = [r for r in cells if not r["suppressed"]]
                if len(hidden) == 1 and shown:
                    smallest = min(shown, key=lambda r: r["_size"])
                    smallest["suppressed"] = True
                    changed = True
    flags = {r["_i"]: r["suppressed"] for r in rows}
    out = frame.with_columns(pl.Series("suppressed", [flags[i] for i in range(frame.height)]))
    return out.with_columns(
        [pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c) for c in columns if c in out.columns]
    )


def _small(col: str) -> pl.Expr:
    return (pl.col(col) < MIN_GROUP) & (pl.col(col) > 0)


def for_executive(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Apply the small-group rule to one query's result."""
    if name == "coverage_matrix":
        f = frame.with_columns(pl.col("required_headcount").alias("_size"))
        f = _suppress_where(f, _small("required_headcount"), [])
        f = _complementary(f, "_size", ["team", "skill"], ["coverage", "covered_headcount", "required_headcount"])
        return f.drop("_size")
    if name == "coverage_order":
        return frame.with_columns(pl.lit(None, dtype=pl.Int64).alias("gap"))  # order by name only
    if name == "concentration_risk":
        return frame.filter(pl.col("people_needing_it") >= MIN_GROUP).drop("people_holding_it")
    if name == "coverage_trend":
        return _suppress_where(
            frame, _small("required_headcount"), ["coverage", "covered_headcount", "required_headcount"]
        )
    if name in ("readiness_at", "readiness_trend"):
        return _suppress_where(frame, _small("headcount"), ["readiness", "pairs", "met_pairs", "headcount"])
    if name == "readiness_by_unit":
        f = frame.with_columns(pl.col("headcount").alias("_size"))
        f = _suppress_where(f, _small("headcount"), [])
        return _complementary(f, "_size", ["unit_type"], ["readiness", "pairs", "met_pairs", "headcount"]).drop("_size")
    if name == "goal_status":
        return _suppress_where(
            frame,
            _small("population"),
            [
                "population",
                "meeting",
                "share",
                "share_90_days_before",
                "projected_share",
                "projected_low",
                "projected_high",
                "status",
                "gap",
                "pace_per_month",
                "pace_needed_per_month",
                "arrivals_180_days",
                "expiring_before_deadline",
                "enrolled_in_progress",
                "pass_rate",
            ],
        )
    if name == "goal_trajectory":
        return _suppress_where(frame, _small("population"), ["population", "meeting", "share"])
    if name == "active_learners":
        return _suppress_where(frame, _small("active_learners"), ["active_learners"])
    if name == "expiring_count":
        return _suppress_where(frame, _small("expiring"), ["expiring"])
    if name == "cost_per_completion":
        return _suppress_where(frame, _small("completions"), ["completions", "cost_per_completion"])
    if name == "licences":
        return _suppress_where(frame, _small("active_users"), ["active_users", "utilisation", "idle_seats"])
    if name == "org_units":
        return frame.filter(pl.col("headcount") >= MIN_GROUP)
    return frame
