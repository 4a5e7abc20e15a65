"""What was loaded when: import history, freshness per source, rejected rows.

The SQL is the warehouse's (sql/models/loads/180_source_freshness.sql), which the
dashboard's Data page reads too.
"""

from __future__ import annotations

import duckdb
import polars as pl


def freshness(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql("select * from source_freshness").pl()


def history(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql("select * from import_history").pl()


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
