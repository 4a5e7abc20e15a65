"""Assignments: from a gap to action. A lead (or L&D) assigns people a course that closes a skill gap.

An assignment is written by the app, the way L&D's changes to rejected rows are (``etl.rejects``,
wrapped by ``app.writes``): one transaction on the warehouse file, then a published snapshot.
Loads never touch the table, so assignments stay across loads and snapshots; an erasure removes
the person's (``etl.forget``). What becomes of an assignment (assigned, in progress, done,
overdue) is not stored: the model ``assignment_status`` works it out from the learning records.

Who may be assigned is checked here, on the server, whatever the page offered: a team lead only
people at work in their own reporting tree (``active_employees(root := ...)``, the scope every
page query uses), L&D anyone at work.

The file for the LMS is Moodle's bulk enrolment through *Site administration > Users > Upload
users* (``admin/tool/uploaduser``): a CSV of ``username,email,course1``. ``username`` matches
the person's existing Moodle account (here the roster's work e-mail, lower-cased, the usual
username where Moodle signs people in with the company's identity provider), ``course1`` is the
course's short name, for which the catalog's course id is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import duckdb
import polars as pl

from common.csv import csv_bytes
from warehouse import scalar

#: The LMS format of the enrolment file, as the page names it.
MOODLE_FORMAT = "Moodle “Upload users” CSV"

#: The statuses of an assignment (the model assignment_status), in the order the pages show them.
STATUSES = ("assigned", "in_progress", "done", "overdue")


class AssignmentError(Exception):
    """Nothing could be assigned as asked; the message says why in one sentence."""


def record(
    con: duckdb.DuckDBPyConnection,
    *,
    employee_ids: Sequence[str],
    course_id: str,
    due_on: date,
    assigned_by: str,
    now: datetime,
    root: str | None,
    skill: str | None = None,
    target_level: int | None = None,
) -> pl.DataFrame:
    """Assign the course to these people, due on ``due_on``, in one transaction; returns the new
    assignments (assignment_id, employee_id, full_name, email, course_id, due_on).

    ``root``: the team lead's own employee id (only their reporting tree may be assigned), None for
    L&D. Refused as a whole, with one sentence, when anyone chosen is outside it: a lead never
    assigns someone they do not lead. People who already have the course assigned are left out."""
    wanted = sorted({e for e in employee_ids if e})
    if not wanted:
        raise AssignmentError("Choose at least one person to assign the course to.")
    today = now.date()
    if due_on < today:
        raise AssignmentError(f"The due date {due_on:%-d %b %Y} has passed; choose today or a later day.")
    if not scalar(con, "select count(*) from courses where course_id = ?", [course_id]):
        raise AssignmentError("That course is not in the catalog any more; choose another.")
    outside = scalar(
        con,
        "select count(*) from (select unnest($ids) as employee_id) as chosen where employee_id not in "
        "(select employee_id from active_employees($today, root := $root))",
        {"ids": wanted, "today": today, "root": root},
    )
    if outside:
        whom = "you lead" if root is not None else "at work today"
        raise AssignmentError(
            f"{outside:,} of the chosen people {'is' if outside == 1 else 'are'} not among the people {whom}: "
            "nothing was assigned."
        )
    already = scalar(
        con,
        "select count(distinct employee_id) from assignments where course_id = ? and list_contains(?, employee_id)",
        [course_id, wanted],
    )
    if already == len(wanted):
        raise AssignmentError("Everyone chosen already has this course assigned: nothing new was assigned.")
    con.execute("begin transaction")
    try:
        before = scalar(con, "select coalesce(max(assignment_id), 0) from assignments")
        con.execute(
            """
            insert into assignments (employee_id, course_id, skill, target_level, assigned_by, assigned_at, due_on)
            select c.employee_id, $course, $skill, $level, $by, $now, $due
            from (select unnest($ids) as employee_id) as c
            where not exists (
                select 1 from assignments as a where a.employee_id = c.employee_id and a.course_id = $course)
            order by c.employee_id
            """,
            {
                "course": course_id,
                "skill": skill,
                "level": target_level,
                "by": assigned_by,
                "now": now,
                "due": due_on,
                "ids": wanted,
            },
        )
        made = con.sql(
            """
            select a.assignment_id, a.employee_id, e.full_name, e.email, a.course_id, a.due_on
            from assignments as a join employees as e on e.employee_id = a.employee_id
            where a.assignment_id > $before
            order by a.assignment_id
            """,
            params={"before": before},
        ).pl()
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return made


def moodle_enrolment_csv(made: pl.DataFrame) -> bytes:
    """The bulk-enrolment file for Moodle's "Upload users": username, email, course1, one row per
    assignment of someone with a work e-mail (without one, Moodle could not find them). UTF-8,
    comma-separated, quoted only where needed; cells a spreadsheet would run as formulas made inert."""
    rows = made.filter(pl.col("email").is_not_null() & (pl.col("email").str.strip_chars() != "")).select(
        pl.col("email").str.strip_chars().str.to_lowercase().alias("username"),
        pl.col("email").str.strip_chars().alias("email"),
        pl.col("course_id").alias("course1"),
    )
    return csv_bytes(rows)
