"""What every part of the warehouse shares: its one error, UTC timestamps, single values."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb


class WarehouseError(Exception):
    """The warehouse cannot be used as asked; the message says why in one sentence."""


def now_utc() -> datetime:
    """Naive UTC timestamp: every timestamp in the warehouse is UTC without a zone."""
    return datetime.now(UTC).replace(tzinfo=None)


def scalar(con: duckdb.DuckDBPyConnection, query: str, params=None):
    """First value of the first row, or None. (DuckDB 2.0 wants every result drained.)"""
    rows = con.execute(query, params or []).fetchall()
    return rows[0][0] if rows else None
