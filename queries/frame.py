"""Queries of the frame around every page: sign-in, sizes and freshness, the filters' choices."""

from __future__ import annotations

import polars as pl

from queries import suppression as hide
from queries._sql import run
from queries.registry import NO_PEOPLE_COUNTS, Audience, query


@query(Audience.EVERYONE, small_groups=NO_PEOPLE_COUNTS)
def meta(con) -> pl.DataFrame:
    """Facts the frame needs: data freshness, sizes, reporting currency."""
    return run(
        con,
        """
        with records as (  -- one scan of the learning records for both figures
            select count(*) as records, cast(max(completed_at) as date) as latest_record from completions
        )
        select
            (select count(*) from employees) as employees,
            r.records,
            r.latest_record,
            (select max(finished_at) from import_batches where status = 'loaded') as last_load,
            (select currency from reporting_currency) as currency
        from records as r
    """,
    )


@query(Audience.EVERYONE, small_groups=hide.drop_small("headcount"))
def org_units(con, root: str | None = None) -> pl.DataFrame:
    """Departments and their teams (within the viewer's reporting tree when root is set)."""
    return run(
        con,
        """
        select department, team, count(*) as headcount
        from employees
        where team is not null and department is not null
          and ($root is null or employee_id in (select employee_id from reporting_tree($root)))
          and leave_date is null
        group by department, team
        order by department, team
    """,
        root=root,
    )


@query(Audience.EVERYONE, small_groups=NO_PEOPLE_COUNTS)
def skill_categories(con) -> pl.DataFrame:
    return run(con, "select distinct coalesce(category, 'Uncategorised') as category from skills order by 1")


@query(Audience.SIGN_IN)
def person_by_email(con, email: str) -> pl.DataFrame:
    """The roster entry for a signed-in e-mail, with how many people report to them."""
    return run(
        con,
        """
        select e.employee_id, e.full_name,
               (select count(*) from employees r where r.manager_id = e.employee_id and r.leave_date is null) as reports
        from employees as e
        where lower(trim(e.email)) = lower(trim($email)) and (e.leave_date is null or e.leave_date >= current_date)
        order by e.hire_date desc nulls last
        limit 1
    """,
        email=email,
    )


@query(Audience.SIGN_IN)
def demo_leads(con, limit: int = 6) -> pl.DataFrame:
    """Managers to offer as demo personas: the top of the tree, a department head, team leads."""
    return run(
        con,
        """
        with managers as (
            select m.employee_id, m.full_name, m.email, m.manager_id,
                   count(r.employee_id) as reports
            from employees as m join employees as r on r.manager_id = m.employee_id and r.leave_date is null
            where m.leave_date is null
            group by all
        )
        select employee_id, full_name, email, reports from managers
        order by (manager_id is null) desc, reports desc, full_name
        limit $limit
    """,
        limit=limit,
    )
