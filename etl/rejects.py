"""Rejected rows have a life: open, then resolved by a later load or ignored by L&D, never deleted.

A rejected row remembers its source record when the file says which it is (``record_key``:
a learning record's ``source_record_id``, a company row's key such as an employee id). When a
later file of the same kind carries that record and it is accepted, every open rejection of it
is marked resolved by that load (``resolved_by_batch``). Rejections that no file will fix
(a test learner, a retired course) L&D mark ignored with a reason. Either way the row stays,
so the history of what was rejected and why is kept; counts and the Data page show open ones.

Records dated after the day they are loaded are rejected here too: a completion "in 2099" is
a wrong date or time zone, and counting it would show skills nobody has yet.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import polars as pl

from etl import company
from etl.records import Parsed, Rejected
from warehouse import now_utc, scalar

#: The states of a rejected row (the view rejected_row_states).
STATES = ("open", "resolved", "ignored")

_KEYS = {"row_number": pl.Int64, "record_key": pl.Utf8}


class RejectsError(Exception):
    """Rejected rows cannot be marked as asked; the message says why in one sentence."""


def reject_future(parsed: Parsed, now: datetime) -> None:
    """Move the records dated after the day of ``now`` (the load's clock, UTC) to the rejected rows.

    Learning records by the time of their outcome, assessments by their date.
    """
    today = now.date()
    frame = parsed.records
    if parsed.kind == "assessments" and frame.height:
        late = frame.filter(pl.col("assessed_at") > today)
        for row in late.iter_rows(named=True):
            reason = (
                f"assessed_at {row['assessed_at']:%Y-%m-%d} is after the day this file was loaded "
                f"({today:%Y-%m-%d}): an assessment cannot come from the future; check its date"
            )
            key = "/".join(str(row[c]) for c in company.SPECS["assessments"].key)
            parsed.rejected.append(Rejected(row["_row_number"], reason, row["_raw"], key))
        parsed.records = frame.filter(~(pl.col("assessed_at") > today).fill_null(False))
        return
    if "completed_at" not in frame.columns or not frame.height:
        return
    mask = (pl.col("completed_at").dt.convert_time_zone("UTC").dt.date() > today).fill_null(False)
    positions = frame.select(mask.alias("late"))["late"]
    late = positions.arg_true().to_list()
    if not late:
        return
    rows = frame[late].select("row_number", "completed_at", "source_record_id")
    raws = parsed.raw_of(late)
    for (number, when, key), raw in zip(rows.iter_rows(), raws, strict=True):
        reason = (
            f"dated {when:%Y-%m-%d %H:%M} UTC, after the day this file was loaded ({today:%Y-%m-%d}): a learning "
            "record cannot come from the future; check the date in the export (or the time zone it was read in)"
        )
        parsed.rejected.append(Rejected(number, reason, raw or "", key))
    kept = (~positions).arg_true().to_list()
    parsed.records = frame[kept]
    source = parsed.raw_source
    if source is not None:  # it finds records by their position in the frame it was given
        parsed.raw_source = lambda wanted: source([kept[i] for i in wanted])


def record_keys(parsed: Parsed) -> pl.DataFrame:
    """(row_number, record_key) of every row of the file whose source record is known: the rows
    still to be written, and the rejected rows whose reader named their record."""
    frame = parsed.records
    if parsed.kind in company.SPECS:
        spec = company.SPECS[parsed.kind]
        columns = ("spend_id",) if parsed.kind == "spend" else spec.key
        rows = frame.select(
            pl.col("_row_number").alias("row_number"),
            pl.concat_str([pl.col(c).cast(pl.Utf8) for c in columns], separator="/").alias("record_key"),
        )
    elif "source_record_id" in frame.columns:
        rows = frame.select("row_number", pl.col("source_record_id").alias("record_key"))
    else:
        rows = pl.DataFrame(schema=_KEYS)
    named = pl.DataFrame([(r.row_number, r.key) for r in parsed.rejected if r.key], schema=_KEYS, orient="row")
    # the rows share the file's buffers (no copy of a large file's ids): no rechunk, filter only when needed;
    # a row is either still to be written or rejected by its reader, so row numbers are distinct
    keys = pl.concat([rows.cast(_KEYS), named], rechunk=False)
    return keys.drop_nulls() if keys["record_key"].null_count() else keys


def settle_rejects(con: duckdb.DuckDBPyConnection, batch_id: int, kind: str, keys: pl.DataFrame) -> int:
    """Within the load's transaction: give this batch's rejected rows their record keys, and mark
    resolved the open rejections of earlier files of this kind whose record this file carries and
    this load accepted. Returns how many were resolved.

    Both steps touch only what they need (a large file's keys are not copied into the warehouse
    unless an earlier file of its kind left open rejections with keys)."""
    if keys.is_empty():
        return 0
    numbers = [
        r[0] for r in con.execute("select row_number from rejected_rows where batch_id = ?", [batch_id]).fetchall()
    ]
    rejected_now = keys.filter(pl.col("row_number").is_in(numbers))  # noqa: F841  (read by DuckDB by name)
    if numbers:
        con.execute(
            "update rejected_rows as r set record_key = k.record_key from rejected_now as k "
            "where r.batch_id = ? and r.row_number = k.row_number",
            [batch_id],
        )
    waiting = scalar(
        con,
        "select count(*) from rejected_rows where resolved_by_batch is null and record_key is not null "
        "and batch_id < ? and batch_id in (select batch_id from import_batches where kind = ?)",
        [batch_id, kind],
    )
    if not waiting:
        return 0
    accepted = keys.filter(~pl.col("row_number").is_in(numbers)).select("record_key").unique()  # noqa: F841
    con.execute("create or replace temp table _accepted_keys as select * from accepted")
    con.execute(
        """
        update rejected_rows set resolved_by_batch = $batch
        where resolved_by_batch is null and batch_id < $batch
          and batch_id in (select batch_id from import_batches where kind = $kind)
          and record_key in (select record_key from _accepted_keys)
        """,
        {"batch": batch_id, "kind": kind},
    )
    resolved = scalar(con, "select count(*) from rejected_rows where resolved_by_batch = ?", [batch_id])
    con.execute("drop table _accepted_keys")
    return resolved


def ignore(con: duckdb.DuckDBPyConnection, reason: str, *, batch_id: int | None = None, text: str | None = None) -> int:
    """Mark the open rejected rows of one file (or all files) whose reason or record contains ``text``
    ignored, with L&D's reason; returns how many. The rows stay, with the reason and when."""
    reason = (reason or "").strip()
    if not reason:
        raise RejectsError("Say why these rows are ignored: the reason stays with them in the history.")
    con.execute("begin transaction")
    try:
        params = {"batch": batch_id, "text": text or None}
        where = (
            "resolved_by_batch is null and ignored_at is null and ($batch is null or batch_id = $batch) "
            "and ($text is null or reason ilike '%' || $text || '%' or raw ilike '%' || $text || '%')"
        )
        count = scalar(con, f"select count(*) from rejected_rows where {where}", params)
        con.execute(
            f"update rejected_rows set ignored_reason = $reason, ignored_at = $now where {where}",
            params | {"reason": reason[:500], "now": now_utc()},
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return count
