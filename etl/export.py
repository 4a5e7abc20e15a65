"""``python -m etl export --db FILE --to DIR``: the warehouse's tables as Parquet, for Spark.

A company that outgrows one machine runs the same metrics on Spark (docs/scale-out.md).
This is the hand-off: every base table of the warehouse (what was loaded, and the
``evidence`` and ``skill_level_spans`` tables the loads refresh), one Parquet folder per
table, read by ``queries.engine`` or by the company's own Spark jobs. The views and
macros are not exported: they are the SQL in ``sql/models``, which the engine applies.

``completion_records``, the one table that grows with every learning event, is written
partitioned by the month of ``completed_at`` (Hive style, ``month=2026-05/``; records
without a date under ``month=none``), so a job can read one month without the others.
The folder is replaced whole: an export is written beside it and moved in.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

import warehouse

#: The table written in monthly partitions, and the partition column added to it (not a column of
#: the table: readers drop it).
PARTITIONED = "completion_records"
PARTITION_COLUMN = "month"
#: Written beside the tables: what was exported, from which revision of the records.
MANIFEST = "export.json"


def base_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The warehouse's tables (not its views), by name."""
    rows = con.sql(
        "select table_name from duckdb_tables() where schema_name = 'main' and not temporary order by table_name"
    ).fetchall()
    return [name for (name,) in rows]


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def export(con: duckdb.DuckDBPyConnection, target: Path) -> dict[str, int]:
    """Write every base table under `target` as Parquet; the rows written per table."""
    target = Path(target)
    building = target.with_name(target.name + ".exporting")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    counts: dict[str, int] = {}
    for table in base_tables(con):
        folder = building / table
        counts[table] = con.sql(f'select count(*) from "{table}"').fetchall()[0][0]
        if table == PARTITIONED:
            con.sql(
                f"copy (select *, coalesce(strftime(completed_at, '%Y-%m'), 'none') as {PARTITION_COLUMN} "
                f'from "{table}") to {_quoted(folder)} '
                f"(format parquet, partition_by ({PARTITION_COLUMN}), overwrite_or_ignore)"
            )
        else:
            folder.mkdir()
            con.sql(f'copy (select * from "{table}") to {_quoted(folder / "part-0.parquet")} (format parquet)')
    revision = con.sql("select value from settings where key = 'records_revision'").fetchall()
    manifest = {"tables": counts, "records_revision": revision[0][0] if revision else None}
    (building / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    building.rename(target)
    return counts


def main(db: str | Path | None, to: str | Path) -> int:
    """Export the warehouse readers see (its published snapshot, else the file) and say what was written."""
    path = warehouse.db_path(db)
    if not path.exists():
        print(f"There is no warehouse at {path.name}; run 'python -m etl load FILES' or 'python -m etl sample'.")
        return 1
    con = warehouse.connect(warehouse.read_path(path), read_only=True)
    try:
        counts = export(con, Path(to))
    finally:
        con.close()
    print(f"Exported {len(counts)} tables ({sum(counts.values()):,} rows) as Parquet to {Path(to).name}/.")
    return 0
