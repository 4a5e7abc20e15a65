"""Queries of the People page: one person's credentials, history and learning path; expiring credentials."""

from __future__ import annotations

from datetime import date

import polars as pl

from planner import model as plan_model
from queries._sql import SCOPE, run
from queries.registry import Audience, query


@query(Audience.NAMED)
def person_credentials(con, as_of: date, employee_id: str, root=None) -> pl.DataFrame:
    return run(
        con,
        """
        select c.title, c.credential_type, e.skill, e.level, e.valid_from, e.valid_until,
               case when e.valid_until is null then 'no expiry'
                    when e.valid_until <= $as_of then 'expired'
                    else 'valid' end as state,
               p.label || case when e.flagged then ' (flagged)' else '' end as evidence, e.strength,
               v.status as proof
        from evidence as e
        left join courses as c on c.course_id = e.course_id
        left join evidence_policy as p on p.kind = e.strength_kind
        left join credential_verification as v on e.source_kind = 'badge' and v.source_record_id = e.source_record_id
        where e.employee_id = $employee_id
          and e.employee_id in (select employee_id from active_employees($as_of, root := $root))
          and e.valid_from <= $as_of
        order by e.valid_from desc
    """,
        as_of=as_of,
        employee_id=employee_id,
        root=root,
    )


@query(Audience.NAMED)
def person_credential_checks(con, as_of: date, employee_id: str, root=None) -> pl.DataFrame:
    """Each credential (Open Badges record) of the person and whether its proof checks, with the reason;
    failed ones are listed too, though L&D's policy may leave them out of the evidence."""
    return run(
        con,
        """
        select cast(v.completed_at as date) as date, c.title, v.status, v.reason
        from credential_verification as v
        left join courses as c on c.course_id = v.course_id
        where v.employee_id = $employee_id
          and v.employee_id in (select employee_id from active_employees($as_of, root := $root))
          and cast(v.completed_at as date) <= $as_of
        order by v.completed_at desc, c.title
    """,
        as_of=as_of,
        employee_id=employee_id,
        root=root,
    )


@query(Audience.NAMED)
def learning_history(con, as_of: date, employee_id: str, root=None) -> pl.DataFrame:
    return run(
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


@query(Audience.NAMED)
def expiring(con, as_of: date, root=None, unit=None, days: int = 90, team: str | None = None) -> pl.DataFrame:
    """Credentials lapsing within `days` after the date, one row each (the skills it attests listed in one
    cell), in the selection and, given `team`, in that team only."""
    frame = run(
        con,
        f"""
        select source_record_id, full_name, team, title, credential_type, skill, level, valid_until, days_left
        from expiring_credentials($as_of, days := $days, {SCOPE})
        where $team is null or team = $team
    """,
        as_of=as_of,
        days=days,
        root=root,
        unit=unit,
        team=team,
    )
    skills = pl.col("skill") + pl.lit(" ") + pl.col("level").cast(pl.String)
    return (
        frame.sort("skill")
        .group_by("source_record_id", "full_name", "team", "title", "credential_type", "valid_until", "days_left")
        .agg(skills.str.join(", ").alias("skills"))
        .with_columns(
            pl.when(pl.col("days_left") <= 30)
            .then(pl.lit("30 days"))
            .when(pl.col("days_left") <= 60)
            .then(pl.lit("60 days"))
            .otherwise(pl.lit("90 days"))
            .alias("within")
        )
        .sort("valid_until", "full_name", "title")
        .select("full_name", "team", "title", "credential_type", "skills", "valid_until", "days_left", "within")
    )


@query(Audience.NAMED)
def person_learning_path(con, as_of: date, employee_id: str, root=None, days: int = 90) -> pl.DataFrame:
    """A person's gaps with the next courses that close them (cheapest, then shortest, first), then the
    credentials lapsing within `days` with the course that renews each (column `kind`)."""
    return plan_model.person_learning_path(con, as_of, employee_id, root, days)


@query(Audience.NAMED)
def person_assignments(con, as_of: date, root=None, unit=None, team: str | None = None) -> pl.DataFrame:
    """The assignments of the people in the selection (and `team`), each with its status on the date
    (the rule of assignment_status): overdue first, then by due date."""
    return run(
        con,
        f"""
        select employee_id, full_name, title as course, skill, due_on, status, done_on, assigned_by,
               cast(assigned_at as date) as assigned_on
        from assignment_status($as_of, {SCOPE})
        where $team is null or team = $team
        order by status = 'overdue' desc, due_on, full_name, course
    """,
        as_of=as_of,
        root=root,
        unit=unit,
        team=team,
    )


@query(Audience.NAMED)
def assignments_made_after(
    con, as_of: date, today: date | None = None, root=None, unit=None, team: str | None = None
) -> pl.DataFrame:
    """How many assignments in the selection (and `team`) were made after the date, up to `today` (None:
    the date itself, so none): the pages replay the date, when they did not exist yet."""
    return run(
        con,
        f"""
        select count(*) as later
        from assignment_status(coalesce($today, $as_of), {SCOPE})
        where cast(assigned_at as date) > $as_of and ($team is null or team = $team)
    """,
        as_of=as_of,
        today=today,
        root=root,
        unit=unit,
        team=team,
    )
