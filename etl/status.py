"""What was loaded when: import history, freshness per source, rejected rows.

Shared by ``python -m etl status`` and the dashboard's Data page.
"""

from __future__ import annotations

import duckdb
import polars as pl

FRESHNESS_SQL = """
with records as (
    select source_kind, max(completed_at) as latest_record, count(*) as records
    from completions group by source_kind
),
loads as (
    select kind, max(finished_at) as last_loaded, sum(rows_loaded) as rows_loaded,
           sum(rows_rejected) as rejected, count(*) as files
    from import_batches where status = 'loaded' group by kind
)
select l.kind as source, l.files, coalesce(r.records, l.rows_loaded) as records,
       r.latest_record, l.last_loaded, l.rejected
from loads l left join records r on r.source_kind = l.kind
order by r.latest_record is null, l.kind
"""

HISTORY_SQL = """
select batch_id, file_name, kind, status, rows_read, rows_loaded, rows_duplicate, rows_rejected,
       message, started_at, finished_at
from import_batches order by batch_id desc
"""


def freshness(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql(FRESHNESS_SQL).pl()


def history(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql(HISTORY_SQL).pl()


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
            f"latest record {latest}  last loaded {loaded} UTC  {r['rejected'] or 0:,} rejected"
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
    return "\n".join(lines)
