"""Queries of the Training spend page: budgets, monthly spend, vendors, cost per completion, licences."""

from __future__ import annotations

from datetime import date

import polars as pl

from queries import suppression as hide
from queries._sql import run
from queries.registry import NO_PEOPLE_COUNTS, Audience, query


@query(Audience.MONEY, small_groups=NO_PEOPLE_COUNTS)
def budgets(con, as_of: date, unit=None) -> pl.DataFrame:
    return run(
        con,
        """
        select b.unit, case when b.unit = 'company' then 'company'
                            when b.unit in (select department from teams) then 'department' else 'team' end as unit_type,
               b.period_start, b.period_end, b.budget, b.actual, b.utilisation
        from budget_utilisation($as_of) as b
        where $unit is null or $unit = 'company' or b.unit = $unit
           or b.unit in (select team from teams where department = $unit)
        order by unit_type, b.unit
    """,
        as_of=as_of,
        unit=unit,
    )


@query(Audience.MONEY, small_groups=NO_PEOPLE_COUNTS)
def monthly_spend(con, as_of: date, unit=None) -> pl.DataFrame:
    """Spend per month of the calendar year of as_of, up to as_of, in the reporting currency."""
    return run(
        con,
        """
        select date_trunc('month', date) as month, sum(amount_reporting) as spend
        from spend_year_to_date($as_of, org_unit := $unit)
        group by 1 order by 1
    """,
        as_of=as_of,
        unit=unit,
    )


@query(Audience.MONEY, small_groups=NO_PEOPLE_COUNTS)
def spend_breakdown(con, as_of: date, unit=None) -> pl.DataFrame:
    """Year-to-date spend by vendor and category."""
    return run(
        con,
        """
        select coalesce(vendor, 'Unknown') as vendor, coalesce(category, 'other') as category,
               sum(amount_reporting) as spend, count(*) as lines
        from spend_year_to_date($as_of, org_unit := $unit)
        group by all order by spend desc
    """,
        as_of=as_of,
        unit=unit,
    )


@query(Audience.MONEY, small_groups=NO_PEOPLE_COUNTS)
def spend_projection(con, as_of: date, unit=None) -> pl.DataFrame:
    """Year-to-date spend and the run-rate projection to the year end."""
    return run(con, "select * from spend_projection($as_of, org_unit := $unit)", as_of=as_of, unit=unit)


@query(Audience.MONEY, small_groups=NO_PEOPLE_COUNTS)
def unconverted_spend(con) -> pl.DataFrame:
    return run(con, "select count(*) as lines from spend_reporting where fx_rate is null")


@query(Audience.MONEY, small_groups=hide.hide_small("completions", ["completions", "cost_per_completion"]))
def cost_per_completion(con, as_of: date) -> pl.DataFrame:
    return run(
        con,
        """
        select * from cost_per_completion(year_start($as_of), $as_of)
        order by cost_per_completion desc nulls last
    """,
        as_of=as_of,
    )


@query(Audience.MONEY, small_groups=hide.hide_small("active_users", ["active_users", "utilisation", "idle_seats"]))
def licences(con, as_of: date) -> pl.DataFrame:
    return run(con, "select * from licence_utilisation($as_of) order by vendor", as_of=as_of)
