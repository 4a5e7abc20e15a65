"""Queries of the Data page (L&D only): import history, freshness per source, rejected rows, erasures,
skills suggested for untagged courses, credentials' proof checks."""

from __future__ import annotations

import polars as pl

from etl import suggest
from queries._sql import run
from queries.registry import Audience, query


@query(Audience.LD_ONLY)
def import_history(con) -> pl.DataFrame:
    return run(con, "select * from import_history")


@query(Audience.LD_ONLY)
def freshness(con) -> pl.DataFrame:
    return run(con, "select * from source_freshness")


@query(Audience.LD_ONLY)
def erasures(con) -> pl.DataFrame:
    """One row: how many erasures of personal data, the latest when and of how many rows; never whose."""
    return run(con, "select * from erasure_summary")


@query(Audience.LD_ONLY)
def rejected_rows(
    con, batch_id: int | None = None, text: str | None = None, limit: int = 5000, state: str | None = "open"
) -> pl.DataFrame:
    """Rejected rows, open ones by default (``state`` None: every row, with its state and what settled it)."""
    frame = run(
        con,
        """
        select batch_id, file_name, row_number, upper(substring(state, 1, 1)) || substring(state, 2) as state, reason,
               coalesce(ignored_reason, '') as ignored_reason,
               coalesce('batch #' || resolved_by_batch, '') as resolved_by,
               coalesce(strftime(ignored_at, '%Y-%m-%d %H:%M') || ' UTC', '') as ignored_at, raw
        from rejected_row_states
        where ($batch_id is null or batch_id = $batch_id)
          and ($state is null or state = $state)
          and ($text is null or reason ilike '%' || $text || '%' or raw ilike '%' || $text || '%')
        order by batch_id desc, row_number
        limit $limit
    """,
        batch_id=batch_id,
        text=text or None,
        limit=limit,
        state=state,
    )
    return frame.select("batch_id", "file_name", "row_number", "reason", "raw") if state == "open" else frame


@query(Audience.LD_ONLY)
def rejected_reasons(con) -> pl.DataFrame:
    """Open rejected rows grouped by the kind of reason (the text before the first quoted value)."""
    return run(
        con,
        """
        select regexp_replace(reason, '''[^'']*''|\\S+@\\S+|[0-9a-f]{20,}|sha256\\$\\S+', '…', 'g') as reason_kind,
               count(*) as rows
        from rejected_row_states where state = 'open' group by 1 order by rows desc limit 20
    """,
    )


@query(Audience.LD_ONLY)
def rejected_files(con) -> pl.DataFrame:
    """Files with rejected rows, newest first: how many of each file's rows are open, resolved, ignored."""
    return run(
        con,
        """
        select batch_id, any_value(file_name) as file_name,
               count(*) filter (where state = 'open') as open,
               count(*) filter (where state = 'resolved') as resolved,
               count(*) filter (where state = 'ignored') as ignored
        from rejected_row_states group by batch_id order by batch_id desc
    """,
    )


@query(Audience.LD_ONLY)
def skill_suggestions(con) -> pl.DataFrame:
    """The best skills for each catalog course that teaches none, best first (etl.suggest: sentence
    embeddings of the course's title and description against each skill's name and description)."""
    return suggest.suggestions(con)


@query(Audience.LD_ONLY)
def accepted_suggestions(con) -> pl.DataFrame:
    """Skills courses teach because L&D accepted them from suggestions (the catalog left the course untagged)."""
    return run(
        con,
        """
        select cs.course_id, c.title, cs.skill, cs.level
        from course_skills as cs join courses as c using (course_id)
        where cs.source = 'suggested'
        order by cs.course_id, cs.skill
    """,
    )


@query(Audience.LD_ONLY)
def credential_checks(con, batch_id: int | None = None, limit: int = 5000) -> pl.DataFrame:
    """Each loaded credential's proof check (credential_verification), newest import first."""
    return run(
        con,
        """
        select v.batch_id, b.file_name, v.employee_id, e.full_name, c.title, v.status, v.reason
        from credential_verification as v
        left join import_batches as b on b.batch_id = v.batch_id
        left join employees as e on e.employee_id = v.employee_id
        left join courses as c on c.course_id = v.course_id
        where ($batch_id is null or v.batch_id = $batch_id)
        order by v.batch_id desc, e.full_name, c.title
        limit $limit
    """,
        batch_id=batch_id,
        limit=limit,
    )


@query(Audience.LD_ONLY)
def credential_status_counts(con) -> pl.DataFrame:
    """How many loaded credentials have each verification status, per import (one row per file)."""
    return run(
        con,
        """
        select v.batch_id, b.file_name,
               count(*) filter (where v.status = 'verified') as verified,
               count(*) filter (where v.status = 'failed') as failed,
               count(*) filter (where v.status = 'unsigned') as unsigned,
               count(*) filter (where v.status = 'unverifiable') as unverifiable
        from credential_verification as v
        left join import_batches as b on b.batch_id = v.batch_id
        group by v.batch_id, b.file_name
        order by v.batch_id desc
    """,
    )
