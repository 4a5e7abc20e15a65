"""Read xAPI 1.0.3 statements into normalised learning records.

Accepted shapes: a JSON array of statements, JSON lines (one statement per
line), an LRS ``StatementResult`` (``{"statements": [...], "more": "..."}``)
or a single statement object.  Only the page in the file is read: the ``more``
link of a StatementResult is not followed, because a reader never goes on the
network.

A statement that breaks an xAPI rule is a rejected row with the reason; the
rules are those of xAPI-Data 1.0.3 (and cmi5 for its verbs).  Voiding
statements are not learning records: the ids they cancel are returned in
``Parsed.voided_ids`` so that the loader can cancel records loaded earlier, and
statements voided within the same file are left out of the records.

The reader, from the file down to one statement: ``reading`` tells the shapes
apart and decodes the text, ``parallel`` reads large JSON lines files in worker
processes, ``setwise`` decides the statements of plain shapes of a large JSON lines file
at once in SQL (DuckDB's JSON reader), ``collect`` turns statements into columnar records and settles
voiding, ``rules`` holds xAPI's rules for one statement, and ``schema`` the
statement's shape rules as a JSON Schema (``statement.schema.json``), checked in
batches by jsonschema-rs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from etl.records import Parsed
from etl.xapi import reading, setwise
from etl.xapi.collect import KIND
from etl.xapi.parallel import _from_lines_parallel, _workers
from etl.xapi.reading import sniff
from etl.xapi.rules import (
    VERB_STATUS,
    VOIDED_VERB,
    InvalidStatement,
    Voiding,
    _duration,
    _score,
    _timestamp,
    statement_outcome,
)

#: What etl.xapi offers, as before it was split (the underscored rules are tested one by one).
__all__ = [
    "KIND",
    "PARALLEL_MIN_BYTES",
    "READER_VERSION",
    "VERB_STATUS",
    "VOIDED_VERB",
    "InvalidStatement",
    "Voiding",
    "_duration",
    "_score",
    "_timestamp",
    "_workers",
    "read",
    "sniff",
    "statement_outcome",
]

#: How this reader reads files. Bump it when a change in etl/xapi/ would read a file
#: differently (other records, rejected rows or reasons): files loaded before are then loaded
#: again. A change that reads every file the same way (a move, a refactoring, faster code) leaves
#: it as it is.
READER_VERSION = 2

#: Files from this size on are read in parallel (smaller ones are faster read in one go).
PARALLEL_MIN_BYTES = 32 << 20


def read(path: Path, **options: Any) -> Parsed:
    """Read one xAPI export into learning records, rejected statements and voided statement ids.

    JSON lines are decoded line by line so a 1M-statement export is never held
    whole in memory; a broken line is a rejected row, not a failed file. No options
    are used: the keyword arguments give every reader the same call shape.
    """
    return reading.read(Path(path), _in_parts)


def _in_parts(name: str, path: Path) -> Parsed | None:
    """A large JSON lines file read with SQL deciding its plain statements, else in parts by worker
    processes; None when it is better read in one go.

    Decided here, with this module's PARALLEL_MIN_BYTES and _workers, so that both are set in one
    place: etl.xapi.
    """
    if path.stat().st_size < PARALLEL_MIN_BYTES:
        return None
    parsed = setwise.read_lines(name, path)
    if parsed is not None:
        return parsed
    workers = _workers()
    if workers < 2:
        return None
    return _from_lines_parallel(name, path, workers)
