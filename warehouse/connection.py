"""Opening the warehouse: one writer at a time, or many read-only readers; timestamps in UTC."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse.paths import db_path
from warehouse.schema import migrate
from warehouse.util import WarehouseError

try:
    import fcntl
except ImportError:  # Windows: no swaps to wait for (the rewrite after an erasure replaces the file all the same)
    fcntl = None


def _lock_file(target: Path) -> Path:
    return target.with_name(target.name + ".lock")


@contextmanager
def file_swap(target: Path, *, exclusive: bool) -> Iterator[None]:
    """Held by whoever puts a new file in the warehouse's place (exclusive: the rewrite after an
    erasure), and by every writer while it opens the file (shared): so no writer opens the old
    file in the moment between its last writer closing it and the new one taking its name.

    DuckDB's own lock is on the file itself, and goes with its last connection; this one is on a
    file beside it that DuckDB never opens, so closing DuckDB's connections does not release it.
    """
    if fcntl is None:
        yield
        return
    fd = os.open(_lock_file(target), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # releases the lock


def open_for_writing(target: Path, wait_seconds: float = 300.0) -> duckdb.DuckDBPyConnection:
    """Open the file for writing, waiting while another load holds it (one writer at a time)."""
    deadline = time.monotonic() + wait_seconds
    told = False
    while True:
        try:
            with file_swap(target, exclusive=False):
                return duckdb.connect(str(target))
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            # another process holds the file ("lock"), or this one reads it ("different configuration")
            held = any(word in str(exc).lower() for word in ("lock", "different configuration"))
            if not held or time.monotonic() > deadline:
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
        con = open_for_writing(target)
        migrate(con)
    con.execute("set TimeZone = 'UTC'")
    return con
