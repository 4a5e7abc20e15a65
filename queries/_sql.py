"""What every page query shares: running bound SQL, the scope arguments, month ends."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import polars as pl

#: The scope arguments every scoped table macro takes: the viewer's tree and the org-unit filter.
SCOPE = "root := $root, org_unit := $unit"


def run(con: duckdb.DuckDBPyConnection, sql: str, **params) -> pl.DataFrame:
    """Run bound SQL into a Polars frame (parameters are bound, never formatted into the text)."""
    return con.sql(sql, params=params).pl() if params else con.sql(sql).pl()


def month_ends(as_of: date, months: int) -> list[date]:
    """The last day of each of the `months` months up to as_of; the last point is as_of itself."""
    points = [as_of]
    cursor = as_of.replace(day=1) - timedelta(days=1)
    while len(points) < months:
        points.append(cursor)
        cursor = cursor.replace(day=1) - timedelta(days=1)
    return sorted(points)
