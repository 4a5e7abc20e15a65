"""Queries of the Overview page: readiness now and over time, active learners, expiring credentials."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from queries import suppression as hide
from queries._sql import SCOPE, month_ends, run
from queries.registry import Audience, query

_READINESS = ["readiness", "pairs", "met_pairs", "headcount"]


def _readiness_units(con, dates: list[date]) -> pl.DataFrame:
    """org_readiness_on's rows of every unit of the whole company on each date, computed once per date while
    the data stays the same (hide.decided_by_date): the company's row is the Overview's readiness, and every
    unit's headcount is what the org tree decision needs (one look at the tree for both)."""

    def compute(missing: list[date]) -> pl.DataFrame:
        return run(con, "select * from org_readiness_on($dates)", dates=missing)

    return hide.decided_by_date(("readiness_units",), dates, compute)


def _readiness_flags(con, dates: list[date]) -> pl.DataFrame:
    """Which units' readiness executives may not see on each date (hide.protect_tree on the headcounts)."""

    def decide(missing: list[date]) -> pl.DataFrame:
        sizes = _readiness_units(con, missing).select("as_of", "unit_type", "unit", pl.col("headcount").alias("size"))
        return hide.protect_tree(sizes, ["as_of"], hide.team_departments(con))

    return hide.decided_by_date(("readiness",), dates, decide)


#: The months of the Overview's readiness trend (readiness_trend's default).
TREND_MONTHS = 36


def _company_readiness(con, dates: list[date], columns: list[str], root, unit, also: list[date] = ()) -> pl.DataFrame:
    """The readiness of the selection on each date (its row 'company' of org_readiness_on): for the whole
    company, read from every unit's rows (_readiness_units, which the org tree decision reads too), worked
    out together with the dates `also` when they are not kept yet (many dates cost about what one does)."""
    if root is None and (unit is None or unit == hide.COMPANY):
        rows = _readiness_units(con, sorted({*dates, *also})).filter(pl.col("unit_type") == "company")
        return rows.filter(pl.col("as_of").is_in(dates)).select("as_of", *columns).sort("as_of")
    return run(
        con,
        f"""
        select as_of, {", ".join(columns)}
        from org_readiness_on($dates, {SCOPE}) where unit_type = 'company' order by as_of
    """,
        dates=dates,
        root=root,
        unit=unit,
    )


def _dates_sizes(con, source: str, size: str = "count(*)", **params) -> pl.DataFrame:
    """A count over `source` (as_of, team, department) for each date and org unit (hide.org_tree_sizes),
    counted once per date while the data stays the same."""
    kept = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(params.items()))
    return hide.decided(
        ("dates_sizes", source, size, kept), lambda: hide.org_tree_sizes(con, source, ["as_of"], size, **params)
    )


def _dates_flags(con, source: str, size: str = "count(*)", **params) -> pl.DataFrame:
    """Which units executives may not see on each date, for a count over `source` (as_of, team, department)."""

    def decide() -> pl.DataFrame:
        sizes = _dates_sizes(con, source, size, **params)
        return hide.protect_tree(sizes, ["as_of"], hide.team_departments(con))

    kept = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(params.items()))
    return hide.decided(("dates", source, size, kept), decide)


def _whole_company(root, unit) -> bool:
    return root is None and (unit is None or unit == hide.COMPANY)


def _company_counts(sizes: pl.DataFrame, dates: list[date], column: str) -> pl.DataFrame:
    """The company's row of _dates_sizes on each date (as_of, `column`), 0 on a date with nothing counted:
    the whole company's count is the tree decision's own (one count for both)."""
    company = sizes.filter(pl.col("unit_type") == "company").select("as_of", pl.col("size").alias(column))
    return (
        pl.DataFrame({"as_of": sorted(dates)}, schema={"as_of": pl.Date})
        .join(company, on="as_of", how="left", maintain_order="left")
        .with_columns(pl.col(column).fill_null(0).cast(pl.Int64))
    )


@query(Audience.EVERYONE, small_groups=hide.hide_small("headcount", _READINESS))
def readiness_at(con, as_of: date, root=None, unit=None) -> pl.DataFrame:
    """Readiness of the selection on the date and 90 days before (marked where the org tree hides it)."""
    dates = [as_of - timedelta(days=90), as_of]
    # the Overview shows the trend beside it: its month ends are worked out in the same run
    trend = month_ends(as_of, TREND_MONTHS)
    frame = _company_readiness(con, dates, ["readiness", "pairs", "met_pairs", "headcount"], root, unit, trend)
    return frame if root is not None else hide.mark_unit(frame, _readiness_flags(con, dates), ["as_of"], unit)


@query(Audience.EVERYONE, small_groups=hide.hide_small("headcount", _READINESS))
def readiness_trend(con, as_of: date, root=None, unit=None, months: int = TREND_MONTHS) -> pl.DataFrame:
    dates = month_ends(as_of, months)
    frame = _company_readiness(con, dates, ["readiness", "headcount"], root, unit)
    return frame if root is not None else hide.mark_unit(frame, _readiness_flags(con, dates), ["as_of"], unit)


@query(Audience.EVERYONE, small_groups=hide.hide_small("headcount", _READINESS))
def readiness_by_unit(con, as_of: date, root=None, unit=None) -> pl.DataFrame:
    """Readiness of each department and team of the selection (a team's selection: its department's
    row is the team itself)."""
    frame = run(
        con,
        f"""
        select unit_type, unit, readiness, headcount, pairs, met_pairs
        from org_readiness($as_of, {SCOPE}) where unit_type <> 'company' order by unit_type, readiness
    """,
        as_of=as_of,
        root=root,
        unit=unit,
    )
    if root is not None:
        return frame
    flags = _readiness_flags(con, [as_of]).drop("as_of")
    if hide.unit_node(flags, unit)[0] == "team":
        return hide.mark_unit(frame, flags, [], unit)
    return frame.join(flags, on=["unit_type", "unit"], how="left", maintain_order="left")


@query(Audience.EVERYONE, small_groups=hide.hide_small("active_learners", ["active_learners"]))
def active_learners(con, as_of: date, root=None, unit=None) -> pl.DataFrame:
    dates = [as_of - timedelta(days=90), as_of]
    learners = """
        select p.as_of, p.team, p.department, p.employee_id from active_employees_on($dates) as p
        where exists (select 1 from completions as a where a.employee_id = p.employee_id
                      and a.completed_at >= p.as_of - 89 and a.completed_at < p.as_of + 1)
    """
    size = "count(distinct employee_id)"
    if _whole_company(root, unit):  # the tree decision counts the company too
        frame = _company_counts(_dates_sizes(con, learners, size, dates=dates), dates, "active_learners")
        return hide.mark_unit(frame, _dates_flags(con, learners, size, dates=dates), ["as_of"], unit)
    frame = run(
        con,
        f"""
        select $before as as_of, active_learners from active_learners($before, {SCOPE})
        union all
        select $as_of, active_learners from active_learners($as_of, {SCOPE})
        order by as_of
    """,
        as_of=as_of,
        before=dates[0],
        root=root,
        unit=unit,
    )
    if root is not None:
        return frame
    return hide.mark_unit(frame, _dates_flags(con, learners, size, dates=dates), ["as_of"], unit)


@query(Audience.EVERYONE, small_groups=hide.hide_small("expiring", ["expiring"]))
def expiring_count(con, as_of: date, root=None, unit=None, days: int = 90) -> pl.DataFrame:
    """Credentials lapsing within `days` after the date and after the date 90 days before (a credential that
    attests several skills counts once)."""
    before = as_of - timedelta(days=90)
    lapsing = """
        select $before as as_of, team, department, source_record_id from expiring_credentials($before, days := $days)
        union all
        select $as_of, team, department, source_record_id from expiring_credentials($as_of, days := $days)
    """
    size = "count(distinct source_record_id)"
    if _whole_company(root, unit):  # the tree decision counts the company too
        sizes = _dates_sizes(con, lapsing, size, as_of=as_of, before=before, days=days)
        frame = _company_counts(sizes, [before, as_of], "expiring")
    else:
        frame = run(
            con,
            f"""
            select $before as as_of, count(distinct source_record_id) as expiring
            from expiring_credentials($before, days := $days, {SCOPE})
            union all
            select $as_of, count(distinct source_record_id) from expiring_credentials($as_of, days := $days, {SCOPE})
            order by as_of
        """,
            as_of=as_of,
            before=before,
            days=days,
            root=root,
            unit=unit,
        )
    if root is not None:
        return frame
    flags = _dates_flags(con, lapsing, size, as_of=as_of, before=before, days=days)
    return hide.mark_unit(frame, flags, ["as_of"], unit)
