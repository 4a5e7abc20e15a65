"""The DuckDB warehouse: where it lives, how it is opened and upgraded, how readers get a snapshot.

- ``paths``: the warehouse file (``--db``, ``UPSKILL_DB``, ``data/warehouse.duckdb``) and its snapshots.
- ``schema``: numbered migrations (tables) and models (views and metric macros in ``sql/models``),
  and the materialised evidence and skill-level spans a load refreshes.
- ``connection``: one writer at a time (which migrates), or read-only readers.
- ``snapshots``: publishing a loaded warehouse for readers (and telling when readers lack commits),
  upgrading an old one, and rewriting the file after an erasure.
"""

from warehouse.connection import connect
from warehouse.paths import CONFIG_DIR, DEFAULT_DB, ROOT, SAMPLE_DIR, SQL_DIR, db_path, read_path, snapshot_dir
from warehouse.schema import (
    add_evidence,
    apply_models,
    is_current,
    latest_migration,
    migrate,
    models_current,
    refresh_evidence,
    refresh_skill_level_spans,
    schema_version,
)
from warehouse.snapshots import publish, rewrite_and_publish, unpublished, upgrade_and_publish
from warehouse.util import WarehouseError, now_utc, scalar

__all__ = [
    "CONFIG_DIR",
    "DEFAULT_DB",
    "ROOT",
    "SAMPLE_DIR",
    "SQL_DIR",
    "WarehouseError",
    "add_evidence",
    "apply_models",
    "connect",
    "db_path",
    "is_current",
    "latest_migration",
    "migrate",
    "models_current",
    "now_utc",
    "publish",
    "read_path",
    "refresh_evidence",
    "refresh_skill_level_spans",
    "rewrite_and_publish",
    "scalar",
    "schema_version",
    "snapshot_dir",
    "unpublished",
    "upgrade_and_publish",
]
