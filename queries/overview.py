"""Queries of the Overview page: readiness now and over time, active learners, expiring credentials."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from queries import suppression as hide
from queries._sql import SCOPE, month_ends, run
from queries.registry import Audience, query

_READINESS = ["readiness", "pairs", "met_pairs", "headcount"]


@query(Audience.EVERYONE, small_groups=hide.hide_small("headcount", _READINESS))
def readiness_at(con, as_of: date, root=None, unit=None) -> pl.DataFrame:
    """Readiness of the selection on the date and 90 days before."""
    return run(
        con,
        f"""
        select as_of, readiness, pairs, met_pairs, headcount
        from org_readiness_on($dates, {SCOPE}) where unit_type = 'company' order by as_of
    """,
        dates=[as_of - timedelta(days=90), as_of],
        root=root,
        unit=unit,
    )


@query(Audience.EVERYONE, small_groups=hide.hide_small("headcount", _READINESS))
def readiness_trend(con, as_of: date, root=None, unit=None, months: int = 36) -> pl.DataFrame:
    return run(
        con,
        f"""
        select as_of, readiness, headcount
        from org_readiness_on($dates, {SCOPE}) where unit_type = 'company' order by as_of
    """,
        dates=month_ends(as_of, months),
        root=root,
        unit=unit,
    )


@query(Audience.EVERYONE, small_groups=hide.hide_small_cells("headcount", ["unit_type"], _READINESS))
def readiness_by_unit(con, as_of: date, root=None, unit=None) -> pl.DataFrame:
    return run(
        con,
        f"""
        select unit_type, unit, readiness, headcount, pairs, met_pairs
        from org_readiness($as_of, {SCOPE}) where unit_type <> 'company' order by unit_type, readiness
    """,
        as_of=as_of,
        root=root,
        unit=unit,
    )


@query(Audience.EVERYONE, small_groups=hide.hide_small("active_learners", ["active_learners"]))
def active_learners(con, as_of: date, root=None, unit=None) -> pl.DataFrame:
    return run(
        con,
        f"""
        select $before as as_of, active_learners from active_learners($before, {SCOPE})
        union all
        select $as_of, active_learners from active_learners($as_of, {SCOPE})
        order by as_of
    """,
        as_of=as_of,
        before=as_of - timedelta(days=90),
        root=root,
        unit=unit,
    )


@query(Audience.EVERYONE, small_groups=hide.hide_small("expiring", ["expiring"]))
def expiring_count(con, as_of: date, root=None, unit=None, days: int = 90) -> pl.DataFrame:
    return run(
        con,
        f"""
        select $before as as_of, count(*) as expiring from expiring_credentials($before, days := $days, {SCOPE})
        union all
        select $as_of, count(*) from expiring_credentials($as_of, days := $days, {SCOPE})
        order by as_of
    """,
        as_of=as_of,
        before=as_of - timedelta(days=90),
        days=days,
        root=root,
        unit=unit,
    )
