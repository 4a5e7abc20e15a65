"""What was loaded when: import history, freshness per source, open rejected rows, erasures.

The SQL is the warehouse's (sql/models/loads/180_source_freshness.sql), which the
dashboard's Data page reads too. An erasure is told by when and how many rows, never whose.
"""

from __future__ import annotations

import duckdb
import polars as pl


def freshness(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql("select * from source_freshness").pl()


def history(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql("select * from import_history").pl()


#: The last line of the report when the warehouse holds commits its published snapshot lacks.
UNPUBLISHED = (
    "Readers do not see the latest changes yet: a load or an erasure stopped after saving them and before "
    "publishing them; the next load, 'python -m etl publish' or the dashboard's next start publishes them."
)


def erasures(con: duckdb.DuckDBPyConnection) -> str:
    """One sentence: how many erasures, the latest when and of how many rows; never whose."""
    has_view = con.execute("select count(*) from duckdb_views() where view_name = 'erasure_summary'").fetchall()
    if not has_view[0][0]:  # a warehouse made by an earlier version, not upgraded yet
        return "Erasures of personal data: not known until the warehouse is upgraded (the next load upgrades it)."
    [(count, latest, latest_rows)] = con.execute(
        "select erasures, last_erased_at, last_rows_removed from erasure_summary"
    ).fetchall()
    if not count:
        return "Erasures of personal data: none."
    return (
        f"Erasures of personal data: {count:,}, the latest on {latest:%Y-%m-%d %H:%M} UTC "
        f"({latest_rows:,} rows removed or changed). Whose is not recorded."
    )


def report(con: duckdb.DuckDBPyConnection) -> str:
    lines = ["Freshness per source:"]
    fr = freshness(con)
    if fr.is_empty():
        lines.append("  nothing loaded yet")
    for r in fr.iter_rows(named=True):
        latest = r["latest_record"].strftime("%Y-%m-%d") if r["latest_record"] else "-"
        loaded = r["last_loaded"].strftime("%Y-%m-%d %H:%M") if r["last_loaded"] else "-"
        lines.append(
            f"  {r['source']:<13} {r['files']:>4} file(s)  {r['records']:>9,} records  "
            f"latest record {latest}  last loaded {loaded} UTC  {r['rejected'] or 0:,} rejected (open)"
        )
    lines.append("")
    lines.append("Import history (newest first):")
    for r in history(con).head(50).iter_rows(named=True):
        when = r["started_at"].strftime("%Y-%m-%d %H:%M")
        if r["status"] == "failed":
            lines.append(f"  #{r['batch_id']:<5} {when}  {r['file_name']}: not loaded. {r['message']}")
        elif r["status"] == "unchanged":
            lines.append(f"  #{r['batch_id']:<5} {when}  {r['file_name']}: {r['message']}")
        else:
            lines.append(
                f"  #{r['batch_id']:<5} {when}  {r['file_name']} ({r['kind']}): {r['rows_read']:,} read, "
                f"{r['rows_loaded']:,} loaded, {r['rows_duplicate']:,} duplicate, {r['rows_rejected']:,} rejected"
            )
    lines.append("")
    lines.append(erasures(con))
    return "\n".join(lines)
