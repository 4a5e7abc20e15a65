"""The warehouse's schema: numbered migrations for the tables, models for the views and metric macros.

Tables are created by numbered migrations in ``sql/migrations/`` and are upgraded in
place (a warehouse made by an earlier version keeps its data). Views and metric
macros in ``sql/models/`` (in folders that show the flow: staging, core, metrics, loads) hold
no data, so they are re-created after every upgrade, in the order of their number
prefixes across the folders.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import duckdb
import polars as pl

from warehouse import paths
from warehouse.util import WarehouseError, now_utc, scalar


def _migrations() -> list[tuple[int, Path]]:
    found = []
    for path in sorted((paths.SQL_DIR / "migrations").glob("*.sql")):
        m = re.match(r"(\d+)_", path.name)
        if m:
            found.append((int(m.group(1)), path))
    return found


def _models() -> list[Path]:
    return sorted((paths.SQL_DIR / "models").rglob("*.sql"), key=lambda p: p.name)


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
        refresh = refresh or path.name.startswith(("002_", "007_"))
        spans = spans or path.name.startswith("003_")
    if changed or not models_current(con):
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

    touched_employees = pl.DataFrame({"employee_id": touched}, schema={"employee_id": pl.Utf8})  # noqa: F841
    con.execute("delete from evidence where employee_id in (select employee_id from touched_employees)")
    con.execute(
        "insert into evidence select * from evidence_source "
        "where employee_id in (select employee_id from touched_employees)"
    )
    mark("evidence")
    refresh_skill_level_spans(con, touched)
    mark("skill level spans")


def add_evidence(
    con: duckdb.DuckDBPyConnection,
    batches: list[int],
    employees: list[str],
    removed: dict[str, list[str]] | None = None,
    mark=lambda phase: None,
) -> None:
    """The evidence of the learning records a load just wrote (its import ``batches``), and the
    skill-level spans of the people it concerns: ``employees`` (those the records belong to) and the
    holders of the evidence taken away first, that of the records ``removed`` (source kind -> source
    record ids: stored records the load replaced, or statements it voided).

    Every other piece of evidence stays as it is: evidence depends only on its own record, the
    catalog and the policy, and loads of those refresh everyone (``refresh_evidence``). Runs inside
    the caller's transaction, so a load and its evidence become visible together.
    """
    people = {e for e in employees if e is not None}
    for source_kind, ids in (removed or {}).items():
        if not ids:
            continue
        removed_ids = pl.DataFrame({"source_record_id": ids}, schema={"source_record_id": pl.Utf8})  # noqa: F841
        people |= {
            r[0]
            for r in con.execute(
                "delete from evidence where source_kind = ? "
                "and source_record_id in (select source_record_id from removed_ids) returning employee_id",
                [source_kind],
            ).fetchall()
        }
    if batches:
        con.execute("insert into evidence select * from evidence_of(?)", [batches])
    mark("evidence")
    refresh_skill_level_spans(con, list(people))
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

    touched_employees = pl.DataFrame({"employee_id": touched}, schema={"employee_id": pl.Utf8})  # noqa: F841
    con.execute("delete from skill_level_spans where employee_id in (select employee_id from touched_employees)")
    con.execute("insert into skill_level_spans select * from skill_level_spans_of(?)", [touched])


def _models_fingerprint() -> str:
    h = hashlib.sha256()
    for path in _models():
        h.update(path.name.encode())  # the name, not the folder: moving a model changes nothing
        h.update(path.read_bytes())
    return h.hexdigest()


def models_current(con: duckdb.DuckDBPyConnection) -> bool:
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


def latest_migration() -> int:
    """The schema version this version of the product brings a warehouse to."""
    known = _migrations()
    return known[-1][0] if known else 0


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a warehouse has this version's schema and metric definitions."""
    known = _migrations()
    latest = known[-1][0] if known else 0
    try:
        return schema_version(con) == latest and models_current(con)
    except duckdb.Error:
        return False
