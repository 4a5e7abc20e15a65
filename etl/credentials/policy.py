"""L&D's evidence policy (``config/evidence.toml``) brought into the warehouse's ``evidence_policy`` table.

Each kind of evidence has a strength and says whether it counts toward skill levels and, when
it counts, whether it is flagged. ``evidence_source`` reads the table, so coverage, readiness
and goals follow the policy; a changed policy re-computes everyone's evidence at the next load.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import duckdb

from warehouse import CONFIG_DIR, refresh_evidence

#: kind -> label shown beside a level
LABELS = {
    "verified_credential": "verified credential",
    "assessment": "assessment",
    "unverified_credential": "unverified credential",
    "course": "course completion",
    "self_reported": "self-reported",
    "failed_credential": "failed credential",
}
DEFAULT_STRENGTH = {
    "verified_credential": 4,
    "assessment": 4,
    "unverified_credential": 3,
    "course": 2,
    "self_reported": 1,
    "failed_credential": 0,
}


class PolicyError(Exception):
    """The policy file cannot be used; the message is one sentence naming it."""


def policy_path() -> Path:
    return Path(os.environ.get("UPSKILL_EVIDENCE_POLICY") or CONFIG_DIR / "evidence.toml")


def read(path: Path | None = None) -> list[tuple[str, str, int, bool, bool]]:
    """(kind, label, strength, counts, flagged) for every kind; the defaults where the file is silent or absent."""
    path = path or policy_path()
    settings: dict = {}
    if path.is_file():
        try:
            settings = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise PolicyError(f"The evidence policy {path.name} is not valid TOML ({exc}).") from None
    choices = {}
    for key, allowed, default in (
        ("unverified_credentials", ("count", "ignore"), "count"),
        ("failed_credentials", ("ignore", "count"), "ignore"),
    ):
        value = settings.get(key, default)
        if value not in allowed:
            raise PolicyError(f'In the evidence policy {path.name}, {key} must be "{allowed[0]}" or "{allowed[1]}".')
        choices[key] = value == "count"
    strength = dict(DEFAULT_STRENGTH)
    for kind, value in (settings.get("strength") or {}).items():
        if kind not in LABELS or isinstance(value, bool) or not isinstance(value, int):
            raise PolicyError(
                f"In the evidence policy {path.name}, strength.{kind} is not one of "
                f"{', '.join(LABELS)} with a whole number."
            )
        strength[kind] = value
    counts = {
        "unverified_credential": choices["unverified_credentials"],
        "failed_credential": choices["failed_credentials"],
    }
    flagged = {"unverified_credential", "failed_credential"}
    return [(kind, LABELS[kind], strength[kind], counts.get(kind, True), kind in flagged) for kind in LABELS]


def apply(con: duckdb.DuckDBPyConnection, path: Path | None = None) -> bool:
    """Bring the warehouse's policy in line with the file; when it changed, re-compute every level. True if it did."""
    wanted = sorted(read(path))
    stored = sorted(
        tuple(r) for r in con.execute("select kind, label, strength, counts, flagged from evidence_policy").fetchall()
    )
    if stored == wanted:
        return False
    con.execute("begin transaction")
    try:
        con.execute("delete from evidence_policy")
        con.executemany("insert into evidence_policy values (?, ?, ?, ?, ?)", wanted)
        refresh_evidence(con)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return True
