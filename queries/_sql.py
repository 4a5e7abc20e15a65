"""What every page query shares: running bound SQL, the scope arguments, month ends."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from datetime import date, timedelta

import duckdb
import polars as pl

#: The scope arguments every scoped table macro takes: the viewer's tree and the org-unit filter.
SCOPE = "root := $root, org_unit := $unit"


#: How a page query's SQL reaches the engine: as written (None: DuckDB runs the macros itself), or
#: rewritten first, e.g. with every macro expanded inline (queries.portable) for an engine without them.
REWRITE: ContextVar[Callable[[str], str] | None] = ContextVar("rewrite", default=None)


def run(con: duckdb.DuckDBPyConnection, sql: str, **params) -> pl.DataFrame:
    """Run bound SQL into a Polars frame (parameters are bound, never formatted into the text)."""
    rewrite = REWRITE.get()
    if rewrite is not None:
        sql = rewrite(sql)
    return con.sql(sql, params=params).pl() if params else con.sql(sql).pl()


def month_ends(as_of: date, months: int) -> list[date]:
    """The last day of each of the `months` months up to as_of; the last point is as_of itself."""
    points = [as_of]
    cursor = as_of.replace(day=1) - timedelta(days=1)
    while len(points) < months:
        points.append(cursor)
        cursor = cursor.replace(day=1) - timedelta(days=1)
    return sorted(points)
