"""Where the warehouse lives: the project's folders, the warehouse file, its published snapshot."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = ROOT / "sql"
DEFAULT_DB = ROOT / "data" / "warehouse.duckdb"
SAMPLE_DIR = ROOT / "sample_data"
CONFIG_DIR = ROOT / "config"


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """``--db`` wins over ``UPSKILL_DB``, which wins over ``data/warehouse.duckdb``."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("UPSKILL_DB")
    return Path(env) if env else DEFAULT_DB


def snapshot_dir(path: str | os.PathLike) -> Path:
    """The folder of a warehouse's published snapshots (beside the file)."""
    p = Path(path)
    return p.with_name(p.name + ".snapshots")


def read_path(path: str | os.PathLike | None = None) -> Path:
    """The file readers should open: the current snapshot, else the warehouse itself."""
    source = db_path(path)
    pointer = snapshot_dir(source) / "CURRENT"
    try:
        target = snapshot_dir(source) / pointer.read_text().strip()
    except FileNotFoundError:
        return source
    return target if target.exists() else source
