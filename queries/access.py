"""Who is L&D and who is an executive (the access file), and the role of a signed-in e-mail.

The dashboard's sign-in (``app.auth``) and the command line's ``--as`` (``python -m queries
run``) decide the same way: L&D and executives are listed by e-mail in the access file
(``UPSKILL_ACCESS``, default ``config/access.toml``); anyone who manages people in the
roster leads their whole reporting tree; anyone else sees nothing.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from common.identity import identity_key
from warehouse import CONFIG_DIR


@dataclass(frozen=True)
class Access:
    ld: frozenset[str]
    executives: frozenset[str]


def access_file() -> Path:
    return Path(os.environ.get("UPSKILL_ACCESS") or CONFIG_DIR / "access.toml")


def load_access(path: Path | None = None) -> Access:
    """The L&D and executive lists (e-mails compared as common.identity keys: trimmed, NFKC, case-folded)."""
    path = path or access_file()
    if not path.exists():
        return Access(frozenset(), frozenset())
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"The access file {path.name} is not valid TOML ({exc}).") from exc

    def emails(key: str) -> frozenset[str]:
        values = doc.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ValueError(f"In the access file {path.name}, '{key}' must be a list of e-mail addresses.")
        return frozenset(k for v in values if (k := identity_key(v)))

    return Access(emails("ld"), emails("executives"))


def role_of(key: str, person: pl.DataFrame | None, access: Access) -> str | None:
    """'ld', 'exec' or 'lead' for an identity key, given its roster entry (the query person_by_email); None: no access."""
    if key in access.ld:
        return "ld"
    if key in access.executives:
        return "exec"
    if person is not None and person.height and person["reports"][0] > 0:
        return "lead"
    return None
