"""Published snapshots: what readers open while a load writes the warehouse.

One process may write a DuckDB file or many may read it, never both. So the ETL
writes the warehouse file itself, and after each successful load publishes a copy
(a snapshot) that readers open read-only: the copy is written under a temporary
name, then renamed, then the CURRENT pointer is replaced by a rename, so a reader
sees the old snapshot or the new one, never half of a load. A load killed at any
moment leaves CURRENT on the previous snapshot.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import duckdb

from warehouse.connection import connect
from warehouse.paths import db_path, read_path, snapshot_dir
from warehouse.schema import is_current


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(path: str | os.PathLike | None = None) -> Path:
    """Publish the (closed, checkpointed) warehouse file as the snapshot readers open."""
    source = db_path(path)
    folder = snapshot_dir(source)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns()}.duckdb"
    tmp = folder / (name + ".tmp")
    shutil.copyfile(source, tmp)
    _fsync(tmp)
    os.replace(tmp, folder / name)
    pointer = folder / "CURRENT.tmp"
    pointer.write_text(name)
    _fsync(pointer)
    os.replace(pointer, folder / "CURRENT")
    _fsync(folder)
    # Older snapshots go at once (an erased person must not linger in them); a reader
    # that still has one open keeps reading it until it closes.
    for old in folder.glob("*.duckdb*"):
        if old.name != name:
            old.unlink(missing_ok=True)
    return folder / name


def upgrade_and_publish(path: str | os.PathLike | None = None) -> bool:
    """Bring a warehouse made by an earlier version up to date, and publish it for readers.

    Returns True when something was upgraded. Readers never migrate (they are read-only),
    so the app calls this once at start-up: the new metric definitions reach the snapshot.
    """
    source = db_path(path)
    if not source.exists():
        return False
    reader = duckdb.connect(str(read_path(source)), read_only=True)
    try:
        current = is_current(reader)
    finally:
        reader.close()
    if current:
        return False
    con = connect(source)  # migrates and re-applies the models
    con.close()
    publish(source)
    return True
