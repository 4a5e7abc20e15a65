"""The DuckDB warehouse: where it lives, how it is opened, how its schema is upgraded.

Tables are created by numbered migrations in ``sql/migrations/`` and are upgraded in
place (a warehouse made by an earlier version keeps its data). Views and metric
macros in ``sql/models/`` hold no data, so they are re-created after every upgrade.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = ROOT / "sql"
DEFAULT_DB = ROOT / "data" / "warehouse.duckdb"


class WarehouseError(Exception):
    """The warehouse cannot be used as asked; the message says why in one sentence."""


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """``--db`` wins over ``UPSKILL_DB``, which wins over ``data/warehouse.duckdb``."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("UPSKILL_DB")
    return Path(env) if env else DEFAULT_DB


def now_utc() -> datetime:
    """Naive UTC timestamp: every timestamp in the warehouse is UTC without a zone."""
    return datetime.now(UTC).replace(tzinfo=None)


def _migrations() -> list[tuple[int, Path]]:
    found = []
    for path in sorted((SQL_DIR / "migrations").glob("*.sql")):
        m = re.match(r"(\d+)_", path.name)
        if m:
            found.append((int(m.group(1)), path))
    return found


def _models() -> list[Path]:
    return sorted((SQL_DIR / "models").glob("*.sql"))


def scalar(con: duckdb.DuckDBPyConnection, query: str, params=None):
    """First value of the first row, or None. (DuckDB 2.0 wants every result drained.)"""
    rows = con.execute(query, params or []).fetchall()
    return rows[0][0] if rows else None


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = scalar(con, "select count(*) from information_schema.tables where table_name = 'schema_migrations'")
    if not exists:
        return 0
    return scalar(con, "select coalesce(max(version), 0) from schema_migrations")


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the schema up to date; return the version reached.

    Each migration runs in its own transaction, so a failure leaves the warehouse at
    the last good version. A warehouse from a newer version of the product is refused
    rather than touched.
    """
    con.execute(
        "create table if not exists schema_migrations (version integer primary key, name varchar, applied_at timestamp)"
    )
    current = schema_version(con)
    known = _migrations()
    latest = known[-1][0] if known else 0
    if current > latest:
        raise WarehouseError(
            f"The warehouse has schema version {current}, newer than this version of the product knows ({latest}); upgrade the product."
        )
    changed = False
    refresh = spans = False
    for version, path in known:
        if version <= current:
            continue
        con.execute("begin transaction")
        try:
            con.execute(path.read_text())
            con.execute("insert into schema_migrations values (?, ?, ?)", [version, path.name, now_utc()])
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        changed = True
        refresh = refresh or path.name.startswith("002_")
        spans = spans or path.name.startswith("003_")
    if changed or not _models_current(con):
        apply_models(con)
    if refresh:
        refresh_evidence(con)
    elif spans:
        refresh_skill_level_spans(con)
    return max(current, latest)


def refresh_evidence(
    con: duckdb.DuckDBPyConnection, employees: list[str] | None = None, mark=lambda phase: None
) -> None:
    """Recompute the materialised evidence, for some employees or (None) for everyone.

    Runs inside the caller's transaction when there is one, so a load and its evidence
    become visible together.
    """
    if employees is None:
        con.execute("delete from evidence")
        con.execute("insert into evidence select * from evidence_source")
        refresh_skill_level_spans(con)
        return
    if not employees:
        return
    touched = [e for e in set(employees) if e is not None]
    import polars as pl

    touched_employees = pl.DataFrame({"employee_id": touched}, schema={"employee_id": pl.Utf8})  # noqa: F841
    con.execute("delete from evidence where employee_id in (select employee_id from touched_employees)")
    con.execute(
        "insert into evidence select * from evidence_source "
        "where employee_id in (select employee_id from touched_employees)"
    )
    mark("evidence")
    refresh_skill_level_spans(con, touched)
    mark("skill level spans")


def refresh_skill_level_spans(con: duckdb.DuckDBPyConnection, employees: list[str] | None = None) -> None:
    """Recompute skill_level_spans (each level as date ranges) from evidence, for some employees or everyone.

    Part of refresh_evidence, so it runs in the same transaction: the metrics read levels
    from this table, and must never see a load's evidence without its levels.
    """
    if employees is None:
        con.execute("delete from skill_level_spans")
        con.execute("insert into skill_level_spans select * from skill_level_spans_source")
        return
    touched = sorted({e for e in employees if e is not None})
    if not touched:
        return
    import polars as pl

    touched_employees = pl.DataFrame({"employee_id": touched}, schema={"employee_id": pl.Utf8})  # noqa: F841
    con.execute("delete from skill_level_spans where employee_id in (select employee_id from touched_employees)")
    con.execute("insert into skill_level_spans select * from skill_level_spans_of(?)", [touched])


def _models_fingerprint() -> str:
    import hashlib

    h = hashlib.sha256()
    for path in _models():
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _models_current(con: duckdb.DuckDBPyConnection) -> bool:
    return scalar(con, "select value from settings where key = 'models_fingerprint'") == _models_fingerprint()


def apply_models(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create every view and macro, in file order, in one transaction."""
    con.execute("begin transaction")
    try:
        for path in _models():
            con.execute(path.read_text())
        con.execute("insert or replace into settings values ('models_fingerprint', ?)", [_models_fingerprint()])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def _open_for_writing(target: Path, wait_seconds: float = 300.0) -> duckdb.DuckDBPyConnection:
    """Open the file for writing, waiting while another load holds it (one writer at a time)."""
    import sys
    import time

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


# ---------------------------------------------------------------- snapshots
#
# One process may write a DuckDB file or many may read it, never both. So the ETL
# writes the warehouse file itself, and after each successful load publishes a copy
# (a snapshot) that readers open read-only: the copy is written under a temporary
# name, then renamed, then the CURRENT pointer is replaced by a rename, so a reader
# sees the old snapshot or the new one, never half of a load. A load killed at any
# moment leaves CURRENT on the previous snapshot.


def snapshot_dir(path: str | os.PathLike) -> Path:
    p = Path(path)
    return p.with_name(p.name + ".snapshots")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(path: str | os.PathLike | None = None) -> Path:
    """Publish the (closed, checkpointed) warehouse file as the snapshot readers open."""
    import shutil
    import time

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


def read_path(path: str | os.PathLike | None = None) -> Path:
    """The file readers should open: the current snapshot, else the warehouse itself."""
    source = db_path(path)
    pointer = snapshot_dir(source) / "CURRENT"
    try:
        target = snapshot_dir(source) / pointer.read_text().strip()
    except FileNotFoundError:
        return source
    return target if target.exists() else source


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a warehouse has this version's schema and metric definitions."""
    known = _migrations()
    latest = known[-1][0] if known else 0
    try:
        return schema_version(con) == latest and _models_current(con)
    except duckdb.Error:
        return False


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


def reporting_currency(con: duckdb.DuckDBPyConnection) -> str:
    return scalar(con, "select value from settings where key = 'reporting_currency'") or "USD"
