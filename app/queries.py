"""Every query the pages run, as plain functions of a read connection.

They read only the metrics layer (the views and table macros in sql/models) and
take the viewer's scope on every call: ``root`` (a manager's employee id: only their
reporting tree; None: everyone) and ``unit`` (a department or team; None or
'company': all). Pages never hold SQL; they call these through ``app.data``.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import polars as pl

from planner import model as plan_model
from planner import plan as planning

SCOPE = "root := $root, org_unit := $unit"
#: The row of a coverage matrix: the team, or its department when rows are departments.
_ROW = "case when $by = 'department' then coalesce(c.department, 'No department') else c.team end"


def _q(con: duckdb.DuckDBPyConnection, sql: str, **params) -> pl.DataFrame:
    return con.sql(sql, params=params).pl() if params else con.sql(sql).pl()


def month_ends(as_of: date, months: int) -> list[date]:
    """The last day of each of the `months` months up to as_of; the last point is as_of itself."""
    points = [as_of]
    cursor = as_of.replace(day=1) - timedelta(days=1)
    while len(points) < months:
        points.append(cursor)
        cursor = cursor.replace(day=1) - timedelta(days=1)
    return sorted(points)


# ------------------------------------------------------------------ frame


def meta(con) -> pl.DataFrame:
    """Facts the frame needs: data freshness, sizes, reporting currency."""
    return _q(
        con,
        """
        select
            (select count(*) from employees) as employees,
            (select count(*) from completions) as records,
            (select cast(max(completed_at) as date) from completions) as latest_record,
            (select max(finished_at) from import_batches where status = 'loaded') as last_load,
            (select value from settings where key = 'reporting_currency') as currency
    """,
    )


def org_units(con, root: str | None = None) -> pl.DataFrame:
    """Departments and their teams (within the viewer's reporting tree when root is set)."""
    return _q(
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


def skill_categories(con) -> pl.DataFrame:
    return _q(con, "select distinct coalesce(category, 'Uncategorised') as category from skills order by 1")


# ------------------------------------------------------------------ overview


def readiness_at(con, as_of: date, root=None, unit=None) -> pl.DataFrame:
    return _q(
        con,
        f"""
        select as_of, readiness, pairs, met_pairs, headcount
        from org_readiness_on($dates, {SCOPE}) where unit_type = 'company' order by as_of
    """,
        dates=[as_of - timedelta(days=90), as_of],
        root=root,
        unit=unit,
    )


def readiness_trend(con, as_of: date, root=None, unit=None, months: int = 36) -> pl.DataFrame:
    return _q(
        con,
        f"""
        select as_of, readiness, headcount
        from org_readiness_on($dates, {SCOPE}) where unit_type = 'company' order by as_of
    """,
        dates=month_ends(as_of, months),
        root=root,
        unit=unit,
    )


def readiness_by_unit(con, as_of: date, root=None, unit=None) -> pl.DataFrame:
    return _q(
        con,
        f"""
        select unit_type, unit, readiness, headcount, pairs, met_pairs
        from org_readiness($as_of, {SCOPE}) where unit_type <> 'company' order by unit_type, readiness
    """,
        as_of=as_of,
        root=root,
        unit=unit,
    )


def goal_status(con, as_of: date, root=None, unit=None) -> pl.DataFrame:
    """Every goal's state; gap = target minus share (positive: still short)."""
    return _q(
        con,
        f"select *, target_share - share as gap from goal_readiness($as_of, {SCOPE}) order by goal_id",
        as_of=as_of,
        root=root,
        unit=unit,
    )


def active_learners(con, as_of: date, root=None, unit=None) -> pl.DataFrame:
    return _q(
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


def expiring_count(con, as_of: date, root=None, unit=None, days: int = 90) -> pl.DataFrame:
    return _q(
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


# ------------------------------------------------------------------ coverage


def coverage_matrix(
    con, as_of: date, root=None, unit=None, category: str | None = None, by: str = "team"
) -> pl.DataFrame:
    """Coverage per row x skill; rows are teams, or departments (``by="department"``) when a
    selection holds too many teams to show one row each. The row's name is in ``team``."""
    return _q(
        con,
        f"""
        select {_ROW} as team, any_value(c.department) as department, c.skill,
               coalesce(any_value(s.category), 'Uncategorised') as category,
               sum(c.required_headcount) as required_headcount, sum(c.covered_headcount) as covered_headcount,
               sum(c.covered_headcount) / nullif(sum(c.required_headcount), 0) as coverage
        from skill_coverage($as_of, {SCOPE}) as c
        left join skills as s on s.skill = c.skill
        where $category is null or coalesce(s.category, 'Uncategorised') = $category
        group by all
        order by team, c.skill
    """,
        as_of=as_of,
        root=root,
        unit=unit,
        category=category,
        by=by,
    )


def coverage_order(
    con, as_of: date, root=None, unit=None, category: str | None = None, by: str = "team"
) -> pl.DataFrame:
    """Rows (teams or departments) and skills of the coverage matrix, with their total gap (people short)."""
    return _q(
        con,
        f"""
        with c as (
            select {_ROW} as row_name, c.* from skill_coverage($as_of, {SCOPE}) as c left join skills as s on s.skill = c.skill
            where c.required_headcount > 0 and ($category is null or coalesce(s.category, 'Uncategorised') = $category)
        )
        select 'team' as axis, row_name as name, sum(required_headcount - covered_headcount) as gap from c group by row_name
        union all
        select 'skill', skill, sum(required_headcount - covered_headcount) from c group by skill
    """,
        as_of=as_of,
        root=root,
        unit=unit,
        category=category,
        by=by,
    )


def concentration_risk(con, as_of: date, root=None, unit=None, category: str | None = None) -> pl.DataFrame:
    """Team-skill pairs held at the required level by exactly one person who needs it."""
    return _q(
        con,
        f"""
        with c as (
            select c.*, coalesce(s.category, 'Uncategorised') as category
            from skill_coverage($as_of, {SCOPE}) as c left join skills as s on s.skill = c.skill
            where c.covered_headcount = 1 and ($category is null or coalesce(s.category, 'Uncategorised') = $category)
        )
        select team, skill, category, required_headcount as people_needing_it, covered_headcount as people_holding_it
        from c order by required_headcount desc, team, skill
    """,
        as_of=as_of,
        root=root,
        unit=unit,
        category=category,
    )


def requirement_people(
    con,
    as_of: date,
    root=None,
    unit=None,
    team: str | None = None,
    skill: str | None = None,
    department: str | None = None,
) -> pl.DataFrame:
    """The people behind a coverage cell (or a team's whole matrix): level vs required level."""
    return _q(
        con,
        f"""
        select employee_id, full_name, role, team, skill, required_level, level,
               greatest(required_level - level, 0) as gap, met, weight
        from requirement_status($as_of, {SCOPE})
        where ($team is null or team = $team) and ($skill is null or skill = $skill)
          and ($department is null or coalesce(department, 'No department') = $department)
        order by team, full_name, skill
    """,
        as_of=as_of,
        root=root,
        unit=unit,
        team=team,
        skill=skill,
        department=department,
    )


def coverage_trend(con, as_of: date, skill: str, root=None, unit=None, months: int = 24) -> pl.DataFrame:
    """Coverage of one skill across the unit month by month: covered / required people."""
    return _q(
        con,
        f"""
        select as_of, sum(required_headcount) as required_headcount, sum(covered_headcount) as covered_headcount,
               sum(covered_headcount) / nullif(sum(required_headcount), 0) as coverage
        from skill_coverage_on($dates, {SCOPE})
        where skill = $skill
        group by as_of order by as_of
    """,
        dates=month_ends(as_of, months),
        skill=skill,
        root=root,
        unit=unit,
    )


# ------------------------------------------------------------------ people


def person_credentials(con, as_of: date, employee_id: str, root=None) -> pl.DataFrame:
    return _q(
        con,
        """
        select c.title, c.credential_type, e.skill, e.level, e.valid_from, e.valid_until,
               case when e.valid_until is null then 'no expiry'
                    when e.valid_until <= $as_of then 'expired'
                    else 'valid' end as state
        from evidence as e
        left join courses as c on c.course_id = e.course_id
        where e.employee_id = $employee_id
          and e.employee_id in (select employee_id from active_employees($as_of, root := $root))
          and e.valid_from <= $as_of
        order by e.valid_from desc
    """,
        as_of=as_of,
        employee_id=employee_id,
        root=root,
    )


def learning_history(con, as_of: date, employee_id: str, root=None) -> pl.DataFrame:
    return _q(
        con,
        """
        select cast(r.completed_at as date) as date, c.title, r.status, r.score, c.provider, r.source_kind
        from completions as r
        left join courses as c on c.course_id = r.course_id
        where r.employee_id = $employee_id
          and r.employee_id in (select employee_id from active_employees($as_of, root := $root))
          and (r.completed_at is null or cast(r.completed_at as date) <= $as_of)
        order by r.completed_at desc nulls last
    """,
        as_of=as_of,
        employee_id=employee_id,
        root=root,
    )


def expiring(con, as_of: date, root=None, unit=None, days: int = 90) -> pl.DataFrame:
    return _q(
        con,
        f"""
        select full_name, team, title, credential_type, skill, level, valid_until, days_left,
               case when days_left <= 30 then '30 days' when days_left <= 60 then '60 days' else '90 days' end as within
        from expiring_credentials($as_of, days := $days, {SCOPE})
        order by valid_until, full_name
    """,
        as_of=as_of,
        days=days,
        root=root,
        unit=unit,
    )


# ------------------------------------------------------------------ spend


def budgets(con, as_of: date, unit=None) -> pl.DataFrame:
    return _q(
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


def monthly_spend(con, as_of: date, unit=None) -> pl.DataFrame:
    """Spend per month of the calendar year of as_of, up to as_of, in the reporting currency."""
    return _q(
        con,
        """
        select date_trunc('month', date) as month, sum(amount_reporting) as spend
        from spend_reporting
        where date between date_trunc('year', cast($as_of as date)) and $as_of
          and ($unit is null or $unit = 'company' or team = $unit or department = $unit)
        group by 1 order by 1
    """,
        as_of=as_of,
        unit=unit,
    )


def spend_breakdown(con, as_of: date, unit=None) -> pl.DataFrame:
    """Year-to-date spend by vendor and category."""
    return _q(
        con,
        """
        select coalesce(vendor, 'Unknown') as vendor, coalesce(category, 'other') as category,
               sum(amount_reporting) as spend, count(*) as lines
        from spend_reporting
        where date between date_trunc('year', cast($as_of as date)) and $as_of
          and ($unit is null or $unit = 'company' or team = $unit or department = $unit)
        group by all order by spend desc
    """,
        as_of=as_of,
        unit=unit,
    )


def cost_per_completion(con, as_of: date) -> pl.DataFrame:
    return _q(
        con,
        """
        select * from cost_per_completion(date_trunc('year', cast($as_of as date)), $as_of)
        order by cost_per_completion desc nulls last
    """,
        as_of=as_of,
    )


def licences(con, as_of: date) -> pl.DataFrame:
    return _q(con, "select * from licence_utilisation($as_of) order by vendor", as_of=as_of)


def unconverted_spend(con) -> pl.DataFrame:
    return _q(con, "select count(*) as lines from spend_reporting where fx_rate is null")


# ------------------------------------------------------------------ goals


def goal_trajectory(con, goal_id: str, as_of: date, root=None, unit=None, months: int = 18) -> pl.DataFrame:
    """One goal's share month by month (goal_trajectories' rows of that goal)."""
    frame = goal_trajectories(con, as_of, root=root, unit=unit, months=months)
    return frame.filter(pl.col("goal_id") == goal_id).drop("goal_id")


def goal_trajectories(con, as_of: date, root=None, unit=None, months: int = 18) -> pl.DataFrame:
    """Every goal's trajectory at once: replaying the dates costs about the same for one goal or all,
    so the data layer answers goal_trajectory from this (one query for a page of goal cards)."""
    return _q(
        con,
        f"""
        select goal_id, as_of, population, meeting, share
        from goal_share_on($dates, {SCOPE}) order by goal_id, as_of
    """,
        dates=month_ends(as_of, months),
        root=root,
        unit=unit,
    )


def goal_people_missing(con, goal_id: str, as_of: date, root=None, unit=None) -> pl.DataFrame:
    """Who in a goal's population is not at the goal's level yet, and how far they are
    (goals_people_missing's rows of that goal)."""
    return goals_people_missing(con, as_of, root=root, unit=unit).filter(pl.col("goal_id") == goal_id).drop("goal_id")


def goals_people_missing(con, as_of: date, root=None, unit=None) -> pl.DataFrame:
    """goal_people_missing for every goal at once (column goal_id): the levels on the date are read once
    for all goals, so the data layer answers each goal's list from this."""
    return _q(
        con,
        f"""
        with g as (select * from goals),
        people as (select * from active_employees($as_of, {SCOPE})),
        levels as (select * from employee_skill_levels($as_of, {SCOPE}))
        select g.goal_id, p.full_name, p.role, p.team, p.department, coalesce(l.level, 0) as level, g.min_level
        from g
        join people as p
          on (g.scope = 'company' or p.department = g.scope or p.team = g.scope)
         and (g.roles is null or len(g.roles) = 0 or list_contains(g.roles, p.role))
        left join levels as l on l.employee_id = p.employee_id and l.skill = g.skill
        where coalesce(l.level, 0) < g.min_level
        order by g.goal_id, level desc, p.team, p.full_name
    """,
        as_of=as_of,
        root=root,
        unit=unit,
    )


# ------------------------------------------------------------------ data


def import_history(con) -> pl.DataFrame:
    return _q(
        con,
        """
        select batch_id, file_name, kind, status, rows_read, rows_loaded, rows_duplicate, rows_rejected,
               message, started_at, finished_at
        from import_batches order by batch_id desc
    """,
    )


def freshness(con) -> pl.DataFrame:
    from etl.status import FRESHNESS_SQL

    return _q(con, FRESHNESS_SQL)


def rejected_rows(con, batch_id: int | None = None, text: str | None = None, limit: int = 5000) -> pl.DataFrame:
    return _q(
        con,
        """
        select r.batch_id, b.file_name, r.row_number, r.reason, r.raw
        from rejected_rows as r join import_batches as b using (batch_id)
        where ($batch_id is null or r.batch_id = $batch_id)
          and ($text is null or r.reason ilike '%' || $text || '%' or r.raw ilike '%' || $text || '%')
        order by r.batch_id desc, r.row_number
        limit $limit
    """,
        batch_id=batch_id,
        text=text or None,
        limit=limit,
    )


def rejected_reasons(con) -> pl.DataFrame:
    """Rejected rows grouped by the kind of reason (the text before the first quoted value)."""
    return _q(
        con,
        """
        select regexp_replace(reason, '''[^'']*''|\\S+@\\S+|[0-9a-f]{20,}|sha256\\$\\S+', '…', 'g') as reason_kind,
               count(*) as rows
        from rejected_rows group by 1 order by rows desc limit 20
    """,
    )


def spend_projection(con, as_of: date, unit=None) -> pl.DataFrame:
    """Year-to-date spend and the run-rate projection to the year end."""
    return _q(
        con,
        """
        with ytd as (
            select coalesce(sum(amount_reporting), 0) as spend
            from spend_reporting
            where date between date_trunc('year', cast($as_of as date)) and $as_of
              and ($unit is null or $unit = 'company' or team = $unit or department = $unit)
        ),
        days as (
            select dayofyear(cast($as_of as date)) as elapsed,
                   dayofyear(make_date(year(cast($as_of as date)), 12, 31)) as in_year
        )
        select y.spend as ytd, y.spend / d.elapsed * d.in_year as year_end,
               make_date(year(cast($as_of as date)), 12, 31) as year_end_date
        from ytd as y, days as d
    """,
        as_of=as_of,
        unit=unit,
    )


# ------------------------------------------------------------------ sign-in


def person_by_email(con, email: str) -> pl.DataFrame:
    """The roster entry for a signed-in e-mail, with how many people report to them."""
    return _q(
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


def demo_leads(con, limit: int = 6) -> pl.DataFrame:
    """Managers to offer as demo personas: the top of the tree, a department head, team leads."""
    return _q(
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


# ------------------------------------------------------------------ planner


def open_goals(con, as_of: date) -> pl.DataFrame:
    """Goals whose deadline has not passed: the ones the planner can serve."""
    return plan_model.open_goals(con, as_of)


def required_skills(con) -> pl.DataFrame:
    """Skills some role requires (the planner's choice of requirements to serve)."""
    return pl.DataFrame({"skill": plan_model.required_skills(con)}, schema={"skill": pl.Utf8})


def planner_defaults(con, as_of: date, unit=None) -> pl.DataFrame:
    """The planner's starting inputs: the window end (nearest open deadline) and what is left of the budget."""
    return pl.DataFrame(
        {
            "window_end": [plan_model.default_window_end(con, as_of)],
            "remaining_budget": [plan_model.remaining_budget(con, as_of, unit)],
        },
        schema={"window_end": pl.Date, "remaining_budget": pl.Float64},
    )


def plan_people(
    con,
    as_of: date,
    budget: float,
    root=None,
    unit=None,
    goal_ids: tuple | None = None,
    requirement_skills: tuple | None = None,
    hours_cap: float | None = planning.DEFAULT_HOURS_CAP,
    window_end: date | None = None,
    time_limit: float = planning.DEFAULT_TIME_LIMIT,
) -> planning.PlanOutcome:
    """The optimal training plan for the request (people by name): the plan, shares now vs after, the catalog's gaps."""
    return planning.make_plan(
        con,
        planning.PlanRequest(
            as_of=as_of,
            budget=budget,
            root=root,
            unit=unit,
            goal_ids=goal_ids,
            requirement_skills=requirement_skills,
            hours_cap=hours_cap,
            window_end=window_end,
            time_limit=time_limit,
        ),
    )


def person_learning_path(con, as_of: date, employee_id: str, root=None, days: int = 90) -> pl.DataFrame:
    """A person's gaps with the next courses that close them (cheapest, then shortest, first), then the
    credentials lapsing within `days` with the course that renews each (column `kind`)."""
    return plan_model.person_learning_path(con, as_of, employee_id, root, days)
