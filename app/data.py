"""The one data door between the pages and the warehouse: privacy enforced, results cached.

Every page reads data through ``q(name, **kwargs)``. The query must be registered in
``queries`` (one module per page); its declaration says who may run it and how small
groups are hidden, and this door applies it to every call:

- a name that is not registered, or a viewer outside the query's audience, is refused
  (``queries.Forbidden``, one sentence);
- a team lead's own reporting tree is forced into every scoped query (``root``);
- executives get the query's small-group rule applied to the result;
- before anyone is signed in, only the sign-in queries run.

Every query result is cached under the warehouse's version (its file's size and
modification time), so a click that changes no data reads nothing twice, and the
first interaction after a load sees the new data. Connections are short-lived and
read-only: the app never holds the file while the ETL writes it.

With ``UPSKILL_ENGINE=spark`` the same queries run on Spark (``queries.engine``: local
mode, or the Spark Connect server ``UPSKILL_SPARK`` names) over the tables of
``UPSKILL_PARQUET`` or ``UPSKILL_SPARK_TABLES``; Spark answers in seconds, so the cache,
keyed on (query, arguments, the tables' version), is what keeps pages quick.
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

import queries
import warehouse
from app.session import current_viewer
from planner.plan import PlanError
from queries import Forbidden, engine, suppression
from queries.spend import NOT_ALLOCATED

__all__ = [
    "NOT_ALLOCATED",
    "Forbidden",
    "PlanError",
    "exists",
    "has_data",
    "may",
    "q",
    "read_connection",
    "version",
    "write_connection",
]


def on_spark() -> bool:
    """The page queries run on Spark (UPSKILL_ENGINE=spark), not on the DuckDB warehouse."""
    return os.environ.get("UPSKILL_ENGINE", "duckdb").strip().lower() == "spark"


def db_file() -> Path:
    return warehouse.db_path()


def version() -> str:
    """Changes whenever readers should see new data: a published snapshot, or a changed file."""
    if on_spark():
        return "spark|" + engine.Tables.from_env().version()
    path = warehouse.read_path(db_file())
    parts = [str(path)]
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            st_ = p.stat()
            parts.append(f"{st_.st_size}:{st_.st_mtime_ns}")
        except FileNotFoundError:
            parts.append("-")
    return "|".join(parts)


def exists() -> bool:
    return on_spark() or db_file().exists()


class SnapshotReader:
    """The read-only connection to one published snapshot, shared by every session's thread, each
    query on its own cursor. Retired (a newer snapshot was published, or the caches were cleared),
    it is closed as soon as no cursor uses it any more: never under a query that is still running
    (which would fail with "connection already closed"), and never kept open after the last one
    (an erasure rewrites the files, and no server may keep the old bytes open)."""

    def __init__(self, path: str):
        self.con = warehouse.connect(path, read_only=True)
        self._lock = threading.Lock()
        self._users = 0
        self._retired = False

    @contextmanager
    def cursor(self):
        """A cursor of this connection; ``ReaderRetired`` when the connection is retired already."""
        with self._lock:
            if self._retired:
                raise ReaderRetired
            self._users += 1
            try:
                cursor = self.con.cursor()
            except BaseException:
                self._users -= 1
                raise
        try:
            yield cursor
        finally:
            cursor.close()
            with self._lock:
                self._users -= 1
                if self._retired and self._users == 0:
                    self.con.close()

    def retire(self) -> None:
        with self._lock:
            self._retired = True
            if self._users == 0:
                self.con.close()


class ReaderRetired(Exception):
    """The snapshot reader was retired between being looked up and being used: look it up again."""


def _retire(reader: SnapshotReader) -> None:
    reader.retire()


@st.cache_resource(max_entries=1, show_spinner=False, on_release=_retire)
def _snapshot_reader(path: str) -> SnapshotReader:
    """One read-only connection to the current published snapshot (snapshots never change). When a
    newer snapshot is published, the reader of the older one is retired (closed once idle)."""
    return SnapshotReader(path)


@contextmanager
def read_connection(retries: int = 40, wait: float = 0.25):
    """A read-only cursor on the current snapshot; without one, a short-lived connection
    to the warehouse file, retried while a loader holds it for a moment. On Spark: the process's session."""
    if on_spark():
        yield engine.spark_connection()
        return
    path = warehouse.read_path(db_file())
    if path != db_file():
        for _ in range(retries):
            try:
                with _snapshot_reader(str(path)).cursor() as cursor:
                    yield cursor
                return
            except ReaderRetired:  # another session's run just looked up a newer snapshot
                path = warehouse.read_path(db_file())
        raise warehouse.WarehouseError("The warehouse is busy with a load; try again in a moment.")
    last: Exception | None = None
    for _ in range(retries):
        try:
            con = warehouse.connect(db_file(), read_only=True)
            break
        except (duckdb.IOException, duckdb.ConnectionException) as exc:  # a writer holds the file
            last = exc
            time.sleep(wait)
    else:
        raise warehouse.WarehouseError("The warehouse is busy with a load; try again in a moment.") from last
    try:
        yield con
    finally:
        con.close()


@st.cache_resource(max_entries=2, show_spinner=False)
def _tree_decisions(version_key: str) -> suppression.Decisions:
    """The org tree decisions of one version of the data, shared by every query and session
    (queries.suppression.decided: each date's look at the whole tree is made once)."""
    return suppression.Decisions()


@st.cache_data(ttl=3600, max_entries=1024, show_spinner=False)
def _cached(version_key: str, name: str, kwargs: dict) -> pl.DataFrame:
    try:
        with read_connection() as con, suppression.remembering(_tree_decisions(version_key)):
            return queries.get(name).function(con, **kwargs)
    except (duckdb.IOException, duckdb.ConnectionException, duckdb.InvalidInputException):
        # A newer snapshot replaced the one this query was reading (a load or an erasure published
        # it, and its connection was closed): run it once more on the current one (whose version's
        # decisions are not this key's: none are kept).
        with read_connection() as con:
            return queries.get(name).function(con, **kwargs)


#: Queries answered from a broader cached query: name -> (that query, the argument it is filtered on).
#: The goals page asks for one trajectory and one list of people per goal, and every goal's costs
#: about as much as one.
SHARED = {
    "goal_trajectory": ("goal_trajectories", "goal_id"),
    "goal_people_missing": ("goals_people_missing", "goal_id"),
}


@st.cache_resource(ttl=3600, max_entries=64, show_spinner=False)
def _parts(version_key: str, name: str, kwargs: dict, key: str) -> tuple[dict, pl.DataFrame]:
    """A broader query's rows split by `key` (without it), and its columns with no rows; once per version
    and arguments, shared as they are (no copy per call: the goals page asks for one part per goal, and
    each copy of the whole result cost as much as the part it was filtered to)."""
    frame = _cached(version_key, name, kwargs)
    parts = {k[0]: part.drop(key) for k, part in frame.partition_by(key, as_dict=True, maintain_order=True).items()}
    return parts, frame.clear().drop(key)


def q(name: str, **kwargs) -> pl.DataFrame:
    """Run the registered page query `name` with these arguments, as this run's viewer may see it.

    Cached on the warehouse version, so a click that changes no data reads nothing twice.
    """
    viewer = current_viewer()
    declared = queries.get(name)  # an unregistered name is refused here
    declared.check(viewer.role if viewer else None)
    if viewer is not None and declared.scoped:
        kwargs = {**kwargs, "root": viewer.root}
    if name in SHARED:
        broader, key = SHARED[name]
        value = kwargs.pop(key)
        parts, empty = _parts(version(), broader, kwargs, key)
        frame = parts.get(value, empty)
    else:
        frame = _cached(version(), name, kwargs)
    if viewer is not None and viewer.role == "exec":
        frame = declared.for_executive(frame)
    return frame


def may(name: str) -> bool:
    """Whether this run's viewer may run the query (a page leaves out what is not theirs)."""
    viewer = current_viewer()
    return queries.get(name).allows(viewer.role if viewer else None)


@st.cache_resource(show_spinner="Upgrading the warehouse to this version…")
def _upgraded(path: str) -> bool:
    """Once per process and warehouse: migrate one made by an earlier version, then publish it."""
    return warehouse.upgrade_and_publish(path)


def has_data() -> bool:
    if not exists():
        return False
    try:
        if not on_spark():
            _upgraded(str(db_file()))
        return q("meta")["employees"][0] > 0
    except (duckdb.Error, warehouse.WarehouseError, engine.EngineError):
        return False


def write_connection(retries: int = 40, wait: float = 0.25):
    """A writable connection for uploads; waits while others read for a moment."""
    last: Exception | None = None
    for _ in range(retries):
        try:
            return warehouse.connect(db_file())
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            last = exc
            time.sleep(wait)
    raise warehouse.WarehouseError("The warehouse is busy; try the upload again in a moment.") from last
