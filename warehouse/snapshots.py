"""Published snapshots: what readers open while a load writes the warehouse.

One process may write a DuckDB file or many may read it, never both. So the ETL
writes the warehouse file itself, and after each successful load publishes a copy
(a snapshot) that readers open read-only: the copy is written under a temporary
name, then renamed, then the CURRENT pointer is replaced by a rename, so a reader
sees the old snapshot or the new one, never half of a load.

The copy is taken while the writer's lock is held and after a checkpoint, so it holds
everything committed (a load killed after its commit leaves its rows in the WAL, which
a copy of the file alone would miss) and nothing half-written by another load.

A load killed at any moment leaves CURRENT on the previous snapshot. Killed between its
commit and the publication, it leaves the warehouse ahead of what readers see:
``unpublished`` tells, ``etl status`` reports it, and the next load, ``etl publish`` or
the app's start (``upgrade_and_publish``) publishes it.

After an erasure the file itself is rewritten (``rewrite_and_publish``): DuckDB leaves
deleted rows in the file's free blocks, and the snapshots hold them whole. An erasure
stopped before its rewrite is rewritten by the next publication.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import duckdb

from warehouse.connection import connect, file_swap, open_for_writing
from warehouse.paths import db_path, read_path, snapshot_dir
from warehouse.schema import is_current
from warehouse.util import WarehouseError, scalar


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _shred(path: Path) -> None:
    """Empty a file, then remove it: a process that still has it open (a server on an old
    snapshot) reads nothing of it any more, and its blocks are free at once."""
    try:
        os.truncate(path, 0)
    except FileNotFoundError:
        return
    path.unlink(missing_ok=True)


def _copy_and_point(source: Path, *, shred_old: bool = False) -> Path:
    """Copy the (checkpointed, held) warehouse file into the snapshots, point CURRENT at it, drop the older ones."""
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
    # that still has one open keeps reading it until it closes, unless it is shredded.
    for old in folder.glob("*.duckdb*"):
        if old.name != name:
            _shred(old) if shred_old else old.unlink(missing_ok=True)
    return folder / name


def publish(path: str | os.PathLike | None = None, *, con: duckdb.DuckDBPyConnection | None = None) -> Path:
    """Publish the warehouse as the snapshot readers open.

    `con`: the caller's writable connection, whose lock keeps other loads out while the copy
    is taken; publish closes it. Without it, the file is opened for writing here (waiting
    while a load holds it). An erasure whose file was not rewritten (the command was
    stopped after its commit) is completed first: the file is rewritten, and the older
    snapshots emptied (``rewrite_and_publish``).
    """
    source = db_path(path)
    if con is None:
        if not source.exists():
            raise WarehouseError(f"There is no warehouse at {source.name} to publish; load data first.")
        con = open_for_writing(source)
    try:
        if _erasure_not_rewritten(con, source):
            return rewrite_and_publish(con, source)
        con.execute("checkpoint")
        return _copy_and_point(source)
    finally:
        con.close()


# ---------------------------------------------------------------- what readers see, and what they should


def state(con: duckdb.DuckDBPyConnection) -> tuple:
    """What readers must see the same of the warehouse and its snapshot: the schema and models,
    the last import attempt, the erasures. Every load records an attempt, every erasure a row."""
    return con.execute(
        "select (select coalesce(max(version), 0) from schema_migrations), "
        "(select max(value) from settings where key = 'models_fingerprint'), "
        "(select coalesce(max(batch_id), 0) from import_batches), "
        "(select count(*) from erasures)"
    ).fetchall()[0]


def published_state(path: str | os.PathLike | None = None) -> tuple | None:
    """The state of the current snapshot; None when none is published (readers read the warehouse itself)."""
    source = db_path(path)
    snap = read_path(source)
    if snap == source:
        return None
    reader = duckdb.connect(str(snap), read_only=True)
    try:
        return state(reader)
    except duckdb.Error:
        return ()  # a snapshot that cannot tell is behind
    finally:
        reader.close()


def _erasure_not_rewritten(con: duckdb.DuckDBPyConnection, source: Path) -> bool:
    """Whether the warehouse records an erasure its published snapshot does not (the rewrite that
    follows every erasure did not happen), or any erasure when nothing was ever published."""
    erasures = state(con)[3]
    published = published_state(source)
    if published is None:
        return erasures > 0
    return len(published) < 4 or erasures > published[3]


def unpublished(con: duckdb.DuckDBPyConnection, path: str | os.PathLike | None = None) -> bool:
    """Whether the warehouse (open as `con`) holds commits its published snapshot lacks: a load or an
    erasure stopped between its commit and its publication. False when nothing was ever published."""
    published = published_state(path)
    if published is None:
        return False
    try:
        return state(con) != published
    except duckdb.Error:
        return True


def upgrade_and_publish(path: str | os.PathLike | None = None) -> bool:
    """Bring a warehouse made by an earlier version up to date, and publish what readers lack.

    Returns True when something was published. Readers never migrate (they are read-only),
    so the app calls this once at start-up: the new metric definitions reach the snapshot,
    and so do the commits of a load stopped before it published them.
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
        if read_path(source) == source:  # nothing published: readers read the warehouse itself
            return False
        try:
            if not _behind(source):
                return False
        except duckdb.Error:  # a load holds the file (or this process writes it): it publishes when done
            return False
    publish(source, con=connect(source))  # migrates and re-applies the models
    return True


def _behind(source: Path) -> bool:
    con = duckdb.connect(str(source), read_only=True)
    try:
        return unpublished(con, source)
    finally:
        con.close()


# ---------------------------------------------------------------- after an erasure


def rewrite_and_publish(con: duckdb.DuckDBPyConnection, path: str | os.PathLike | None = None) -> Path:
    """Copy the warehouse into a fresh file, put it in the old one's place, and publish it;
    the old file, its WAL and every older snapshot are emptied and removed. Closes `con`.

    After an erasure: DuckDB leaves deleted rows in the file's free blocks (a checkpoint
    does not clear them) and in the WAL, and the snapshots hold them whole. A fresh copy
    holds only what is there now. `con` is the writer's connection: its lock keeps loads
    out until the new file is in place.
    """
    source = db_path(path)
    fresh = source.with_name(source.name + ".rewrite")
    for stale in (fresh, _wal(fresh)):
        stale.unlink(missing_ok=True)
    try:
        con.execute("checkpoint")
        database = scalar(con, "select current_database()")
        con.execute(f"attach '{str(fresh).replace(chr(39), chr(39) * 2)}' as rewrite")
        try:
            con.execute(f'copy from database "{database}" to rewrite')
        finally:
            con.execute("detach rewrite")
    except BaseException:
        con.close()
        for stale in (fresh, _wal(fresh)):
            stale.unlink(missing_ok=True)
        raise
    _fsync(fresh)
    old = source.with_name(source.name + ".erased")
    _shred(old)  # left by a rewrite stopped half-way: it holds what was erased
    with file_swap(source, exclusive=True):
        con.close()
        try:
            os.link(source, old)  # the old bytes, to empty once the new file has the name
        except OSError:
            old = None
        os.replace(fresh, source)
        _fsync(source.parent)
        for leftover in (old, _wal(source), _wal(fresh)):
            if leftover is not None:
                _shred(leftover)
        snapshot = _copy_and_point(source, shred_old=True)
    return snapshot
