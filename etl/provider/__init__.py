"""Provider CSV exports (LinkedIn Learning, Udemy Business, Cornerstone, Docebo, ...).

Every vendor, and often every customer of a vendor, names its columns, status
words and dates differently.  So the mapping from a CSV export to learning
records lives in a small TOML file, a *mapping profile*, that an L&D person can
write without code (see docs/mapping-profiles.md).  Profiles for the common
vendors ship in ``etl/profiles/``.

Provider exports can hold a million rows, so a file is read once by Polars with
every column as text and turned into records by vectorised expressions; Python
only touches the few rows that are rejected.

The reader: ``profiles`` loads and validates mapping profiles, ``reading`` reads a
CSV through one, and ``normalise`` turns its rows into records.

Run ``python -m etl.provider [--profile my.toml] export.csv`` to check a profile
against a file without touching the warehouse.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

from etl.provider.normalise import _date_exprs
from etl.provider.profiles import (
    PROFILE_DIR,
    PROFILE_LEARNER_KINDS,
    Profile,
    _ProfileReader,
    builtin_profiles,
    load_profile,
    match_profile,
)
from etl.provider.reading import KIND, read, sniff
from etl.records import UnreadableFile

#: How this reader reads files. Bump it when a change in etl/provider/ would read a file
#: differently (other records, rejected rows or reasons): files loaded before are then loaded
#: again. A change that reads every file the same way (a move, a refactoring, faster code) leaves
#: it as it is. Which profile a file is read with counts apart (etl.load._profile_version).
READER_VERSION = 2

#: What etl.provider offers, as before it was split (the underscored parts are tested one by one).
__all__ = [
    "KIND",
    "PROFILE_DIR",
    "PROFILE_LEARNER_KINDS",
    "READER_VERSION",
    "Profile",
    "_ProfileReader",
    "_date_exprs",
    "builtin_profiles",
    "load_profile",
    "main",
    "match_profile",
    "read",
    "sniff",
]


def main(argv: list[str] | None = None) -> int:
    """Dry run: read a file through a profile and print what would be loaded and what rejected."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m etl.provider",
        description="Check a mapping profile against a provider CSV without loading anything.",
    )
    parser.add_argument("file", type=Path)
    parser.add_argument(
        "--profile",
        help="profile TOML file or built-in profile name (default: the built-in profile that recognises the file)",
    )
    parser.add_argument("--show", type=int, default=10, help="how many records and rejected rows to print")
    args = parser.parse_args(argv)
    try:
        parsed = read(args.file, args.profile)
    except UnreadableFile as exc:
        print(exc, file=sys.stderr)
        return 1
    profile = parsed.profile
    print(f"profile: {profile.name} (vendor {profile.vendor})")
    print(f"rows read: {parsed.rows_read}, usable: {parsed.records.height}, rejected: {len(parsed.rejected)}")
    counts = parsed.records.group_by("status").len().sort("status")
    for status, n in counts.iter_rows():
        print(f"  {status}: {n}")
    if parsed.records.height:
        with pl.Config(tbl_rows=args.show, tbl_cols=-1, fmt_str_lengths=60, tbl_width_chars=200):
            print(parsed.records.drop("raw", "learner_salt", "expires_at").head(args.show))
    for r in parsed.rejected[: args.show]:
        print(f"  row {r.row_number}: {r.reason}")
    if len(parsed.rejected) > args.show:
        print(f"  ... and {len(parsed.rejected) - args.show} more rejected rows")
    return 0
