"""Opening the warehouse: one writer at a time, or many read-only readers; timestamps in UTC."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import duckdb

from warehouse.paths import db_path
from warehouse.schema import migrate
from warehouse.util import WarehouseError


def _open_for_writing(target: Path, wait_seconds: float = 300.0) -> duckdb.DuckDBPyConnection:
    """Open the file for writing, waiting while another load holds it (one writer at a time)."""
    deadline = time.monotonic() + wait_seconds
    told = False
    while True:
        try:
            return duckdb.connect(str(target))
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise WarehouseError(
                    f"The warehouse {target.name} is in use by another load; try again when it has finished."
                ) from exc
            if not told:
                print(f"Waiting for another load to finish with {target.name}…", file=sys.stderr)
                told = True
            time.sleep(0.5)


def connect(path: str | os.PathLike | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse. A writable connection creates and upgrades it as needed."""
    target = db_path(path)
    if read_only:
        if not target.exists():
            raise WarehouseError(f"There is no warehouse at {target.name}; load data first.")
        con = duckdb.connect(str(target), read_only=True)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        con = _open_for_writing(target)
        migrate(con)
    con.execute("set TimeZone = 'UTC'")
    return con
