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
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import math
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl

from common.text import BOM, decode_line, looks_utf16
from etl import records
from etl.records import LEARNING_SCHEMA, Parsed, Rejected, UnreadableFile

try:  # orjson is several times faster on 1M-statement exports; json is the fallback.
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the environment
    _orjson = None

KIND = "xapi"

#: What may come before a JSON value: a byte order mark and JSON's blank space.
_BEFORE_JSON = BOM + " \t\r\n"

#: The columns a statement fills (learner_salt and expires_at are always empty in xAPI).
_RECORD_COLUMNS = (
    "row_number",
    "learner_kind",
    "learner_value",
    "course_key",
    "status",
    "completed_at",
    "score",
    "source_record_id",
    "raw",
    "line",
)
#: ``line``: the physical line a statement alone on its line came from (null inside a StatementResult).
_RECORD_SCHEMA = {**{k: LEARNING_SCHEMA[k] for k in _RECORD_COLUMNS if k != "line"}, "line": pl.Int64}
#: Rows per frame chunk while a file is read.
_CHUNK_ROWS = 100_000

#: The reserved verb whose statements cancel other statements.
VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"

#: The two namespaces of ADL verbs: the classic one, and the w3id one that cmi5 uses.
_VERB_NAMESPACES = ("http://adlnet.gov/expapi/verbs/", "https://w3id.org/xapi/adl/verbs/")

#: Verb word -> status.  Outcome verbs give the outcome; activity verbs show use of the platform.
_VERB_WORD_STATUS = {
    "completed": "completed",
    "passed": "passed",
    "failed": "failed",
    "satisfied": "completed",
    "waived": "completed",
    **dict.fromkeys(
        (
            "attempted",
            "launched",
            "initialized",
            "progressed",
            "experienced",
            "resumed",
            "suspended",
            "terminated",
            "answered",
            "scored",
            "abandoned",
        ),
        "in_progress",
    ),
}

#: Full verb IRI -> status, for both namespaces (``voided`` is reserved and handled apart).
VERB_STATUS: dict[str, str] = {
    ns + word: status for ns in _VERB_NAMESPACES for word, status in _VERB_WORD_STATUS.items()
}

#: Verbs whose result.success false means the learner failed (cmi5 "waived" carries no success).
_SUCCESS_VERBS = frozenset(ns + w for ns in _VERB_NAMESPACES for w in ("completed", "passed", "satisfied"))

_IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")
_OBJECT_TYPES = ("Activity", "Agent", "Group", "SubStatement", "StatementRef")

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")
_SHA1_HEX = re.compile(r"^[0-9a-fA-F]{40}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
# Date and time (extended or basic form) with optional zone; fromisoformat does the real parsing.
_TIMESTAMP = re.compile(
    r"^\d{4}-?\d{2}-?\d{2}[Tt]\d{2}(?::?\d{2}(?::?\d{2}(?:[.,](\d+))?)?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?$"
)
_FRACTION = re.compile(r"[.,](\d{7,})")
#: The form nearly every LRS writes (extended, upper-case T and Z, at most microseconds), which
#: datetime.fromisoformat reads as it is; anything else goes through the general path.
_COMMON_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})")
_NO_OFFSET = timedelta(0)
_NUM = r"(\d+(?:[.,]\d+)?)"
_DURATION = re.compile(rf"^P(?!$)(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}D)?(?:T(?=\d)(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?$")
_DURATION_WEEKS = re.compile(rf"^P{_NUM}W$")


class InvalidStatement(Exception):
    """A statement that cannot be used; the message is the reason shown to the manager."""


@dataclass
class Voiding:
    """A valid voiding statement: ``statement_id`` cancels ``target_id``."""

    row_number: int
    statement_id: str
    target_id: str
    raw: str


# --------------------------------------------------------------------------- sniff


def sniff(name: str, head: str) -> bool:
    """True when ``head`` is JSON or JSON lines whose first object is an xAPI statement or result.

    Decided on content only, because LRS exports have arbitrary names (``.json``,
    ``.jsonl``, ``.ndjson``, ``.txt``).  Objects without both ``actor`` and ``verb``
    (badges, Caliper events, SCORM Cloud registrations) are not claimed.
    """
    text = head.lstrip(_BEFORE_JSON)
    if not text or text[0] not in "[{":
        return False
    first = _first_object(text)
    if first is None:
        # The first object is longer than the head or broken: fall back to its keys.
        if re.match(r'^\{\s*"statements"\s*:\s*\[', text):
            return True
        return bool(re.search(r'"actor"\s*:', text) and re.search(r'"verb"\s*:\s*\{', text))
    return _is_statement_like(first) or isinstance(first.get("statements"), list)


def _first_object(text: str) -> dict | None:
    """The first JSON object in a (possibly truncated) head, or None when it cannot be decoded."""
    decoder = json.JSONDecoder()
    if text[0] == "[":
        rest = text[1:].lstrip()
        if not rest.startswith("{"):
            return None
        try:
            value, _ = decoder.raw_decode(rest)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None
    try:
        value, _ = decoder.raw_decode(text)
        return value if isinstance(value, dict) else None
    except ValueError:
        pass
    # JSON lines whose first line is broken: let one of the next lines decide.
    for line in text.split("\n")[1:6]:
        line = line.strip()
        if not line:
            continue
        try:
            value = json.loads(line)
        except ValueError:
            continue
        return value if isinstance(value, dict) else None
    return None


def _is_statement_like(obj: Any) -> bool:
    """An object that claims to be a statement (it may still break the rules)."""
    return isinstance(obj, dict) and "actor" in obj and "verb" in obj


# --------------------------------------------------------------------------- read


def read(path: Path, **options: Any) -> Parsed:
    """Read one xAPI export into learning records, rejected statements and voided statement ids.

    JSON lines are decoded line by line so a 1M-statement export is never held
    whole in memory; a broken line is a rejected row, not a failed file.
    """
    path = Path(path)
    name = path.name
    with path.open("rb") as fh:
        head = fh.read(4096)
    text: str | None = None
    first = None if looks_utf16(head) else _first_char(head.decode("utf-8", errors="replace"))
    if first is None and head:  # UTF-16, or more leading blank space than the head holds
        text = records.read_text(path)
        first = _first_char(text)
    if first is None:
        raise UnreadableFile(f"{name} is empty.")
    if first not in "[{":
        raise UnreadableFile(f"{name} is not JSON, so it cannot be an export of xAPI statements.")
    if first == "[":
        return _from_document(name, _parse_document(name, text if text is not None else records.read_text(path)))

    # '{': JSON lines, or one (pretty-printed) statement or StatementResult.
    source = iter(text.split("\n")) if text is not None else _utf8_lines(path)
    try:
        lines = _numbered_nonblank(source)
        first_line = next(lines)
        try:
            first_value = _loads(first_line[1])
        except ValueError:
            first_value = None
        if isinstance(first_value, dict):
            second_line = next(lines, None)
            if second_line is None:  # a one-line file is one JSON document
                return _from_document(name, first_value)
            if text is None:
                source.close()
                parsed = _from_lines_parallel(name, path)
                if parsed is not None:
                    return parsed
                source = _utf8_lines(path)
                lines = _numbered_nonblank(source)
                return _from_lines(name, lines, None)
            return _from_lines(name, _chain_first(first_line, second_line, lines), None)
    finally:
        if hasattr(source, "close"):
            source.close()  # release the file when the lines were not all read
    whole = text if text is not None else records.read_text(path)
    try:
        value = _loads(whole)
    except ValueError as exc:
        # JSON lines whose first line is broken, or broken JSON: the lines will tell.
        return _from_lines(name, _numbered_nonblank(iter(whole.split("\n"))), exc)
    return _from_document(name, value)


def _first_char(text: str) -> str | None:
    """First character that is not whitespace or a BOM, or None for a blank text."""
    stripped = text.lstrip(_BEFORE_JSON)
    return stripped[0] if stripped else None


def _utf8_lines(path: Path) -> Iterator[str]:
    """Lines of a UTF-8 file (BOM stripped), decoded one at a time; Windows-1252 as a fallback."""
    with path.open("rb") as fh:
        for i, line in enumerate(fh):
            yield decode_line(line, at_start=i == 0)


def _numbered_nonblank(lines: Iterator[str]) -> Iterator[tuple[int, str]]:
    """(physical line number, stripped text) of each non-blank line."""
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if line:
            yield number, line


def _chain_first(
    first: tuple[int, str], second: tuple[int, str], rest: Iterator[tuple[int, str]]
) -> Iterator[tuple[int, str]]:
    """Put back the two lines that were read to tell JSON lines from one document."""
    yield first
    yield second
    yield from rest


def _reject_constant(value: str) -> Any:
    raise ValueError(f"{value} is not allowed in JSON")


def _loads(text: str | bytes) -> Any:
    """Decode JSON strictly (NaN and Infinity are not JSON), with orjson when it is installed.

    When orjson refuses a text, the standard parser decides: it gives the error
    message managers see (with line and column), and it reads the few valid
    documents orjson does not (integers beyond 64 bits).
    """
    if _orjson is not None:
        with contextlib.suppress(_orjson.JSONDecodeError):
            return _orjson.loads(text)
    return json.loads(text, parse_constant=_reject_constant)


def _parse_document(name: str, text: str) -> Any:
    """The whole file as one JSON value, or UnreadableFile saying where the JSON breaks."""
    try:
        return _loads(text)
    except ValueError as exc:
        raise UnreadableFile(f"{name} is not valid JSON ({_json_error(exc)}).") from exc


def _json_error(exc: ValueError) -> str:
    """A short description of a JSON syntax error, with its position when known."""
    msg = getattr(exc, "msg", None) or str(exc).split(":")[0]
    line, col = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    if line is not None and col is not None:
        return f"{msg} at line {line}, column {col}"
    return msg


def _from_document(name: str, value: Any) -> Parsed:
    """Statements of a JSON document: an array, a StatementResult or a single statement."""
    if isinstance(value, list):
        statements = value
    elif isinstance(value, dict) and "statements" in value and not _is_statement_like(value):
        statements = value["statements"]
        if not isinstance(statements, list):
            raise UnreadableFile(f"{name} has a 'statements' field that is not a list of statements.")
    elif _is_statement_like(value):
        statements = [value]
    else:
        raise UnreadableFile(_not_xapi(name))
    if not statements:
        raise UnreadableFile(f"{name} holds no statements.")
    if not any(_is_statement_like(s) for s in statements):
        raise UnreadableFile(_not_xapi(name))
    collector = _Collector()
    for number, stmt in enumerate(statements, start=1):
        if not isinstance(stmt, dict):
            collector.reject(number, f"statement {number} is not a JSON object but {_show(stmt)}.", _raw(stmt))
        else:
            collector.add(number, stmt, _raw(stmt))
    return collector.parsed()


def _from_lines(name: str, lines: Iterator[tuple[int, str]], doc_error: ValueError | None) -> Parsed:
    """Statements of a JSON lines file; a line may also hold a whole StatementResult page.

    ``doc_error`` is the error from reading the file as one JSON document: it is
    the better explanation when no line turns out to be a statement.
    """
    collector = _Collector()
    scan = _scan_lines(lines, collector)
    return _lines_result(name, collector, scan, doc_error)


@dataclass
class _LineScan:
    """Counts from reading JSON lines: statement numbers used, statement-like objects, broken lines."""

    number: int = 0
    statement_like: int = 0
    broken: int = 0
    first_error: str = ""


def _lines_result(name: str, collector: _Collector, scan: _LineScan, doc_error: ValueError | None) -> Parsed:
    """The Parsed of a JSON lines file, or UnreadableFile when no line was a statement."""
    if scan.statement_like == 0:
        if doc_error is not None:
            raise UnreadableFile(f"{name} is not valid JSON ({_json_error(doc_error)}).")
        if scan.broken == scan.number:
            raise UnreadableFile(f"{name} is not valid JSON lines ({scan.first_error}).")
        raise UnreadableFile(_not_xapi(name))
    return collector.parsed()


def _scan_lines(lines: Iterator[tuple[int, str]], collector: _Collector) -> _LineScan:
    """Feed numbered JSON lines to the collector; statements are numbered from 1 in reading order."""
    number = 0
    statement_like = 0
    broken = 0
    first_error = ""
    for line_no, text in lines:
        try:
            value = _loads(text)
        except ValueError as exc:
            number += 1
            broken += 1
            first_error = first_error or f"line {line_no}: {_json_error_short(exc)}"
            collector.reject(number, f"line {line_no} is not valid JSON ({_json_error_short(exc)}).", text)
            continue
        if isinstance(value, dict) and isinstance(value.get("statements"), list) and not _is_statement_like(value):
            for stmt in value["statements"]:
                number += 1
                if isinstance(stmt, dict):
                    statement_like += _is_statement_like(stmt)
                    collector.add(number, stmt, _raw(stmt))
                else:
                    collector.reject(
                        number,
                        f"line {line_no} holds a statement that is not a JSON object but {_show(stmt)}.",
                        _raw(stmt),
                    )
            continue
        number += 1
        if not isinstance(value, dict):
            collector.reject(number, f"line {line_no} is not a JSON object but {_show(value)}.", text)
            continue
        statement_like += _is_statement_like(value)
        collector.add(number, value, text, line_no)
    return _LineScan(number, statement_like, broken, first_error)


# --------------------------------------------------------------------------- large JSON lines files in parallel
#
# Decoding and checking a statement costs microseconds of Python each, so a file of
# millions of statements is cut at line ends into one part per processor; each part is
# read by a worker process with exactly the code above, numbering its statements from 1.
# The parts are then put back in file order: statement numbers are shifted by the
# statements before the part, and an id already seen in an earlier part makes the
# statement a duplicate, as it would be when read in one go.

#: Files from this size on are read in parallel (smaller ones are faster read in one go).
PARALLEL_MIN_BYTES = 32 << 20


def _workers() -> int:
    """Processors this process may use (at most 4: the merge, not the reading, bounds the gain beyond)."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        available = os.cpu_count() or 1
    return max(1, min(available, 4))


def _part_bounds(path: Path, parts: int) -> list[tuple[int, int, int]]:
    """(start byte, end byte, physical number of the first line) of each part, cut after a newline."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        cuts = [0]
        for k in range(1, parts):
            fh.seek(max(cuts[-1], size * k // parts))
            rest = fh.tell()
            while True:
                block = fh.read(1 << 16)
                if not block:
                    rest = -1
                    break
                found = block.find(b"\n")
                if found >= 0:
                    rest += found + 1
                    break
                rest += len(block)
            if rest < 0:
                break
            cuts.append(rest)
        cuts.append(size)
        bounds, line_no = [], 1
        for start, end in itertools.pairwise(cuts):
            if end > start:
                bounds.append((start, end, line_no))
            fh.seek(start)
            left = end - start
            while left > 0:
                block = fh.read(min(left, 1 << 24))
                line_no += block.count(b"\n")
                left -= len(block)
    return bounds


def _part_lines(path: str, start: int, end: int, first_line_no: int) -> Iterator[tuple[int, str]]:
    """Numbered non-blank lines of one part, decoded as _utf8_lines does (BOM only at the file start)."""
    with open(path, "rb") as fh:
        fh.seek(start)
        position, line_no = start, first_line_no
        while position < end:
            line = fh.readline()
            if not line:
                break
            position += len(line)
            text = decode_line(line, at_start=position == len(line)).strip()
            if text:
                yield line_no, text
            line_no += 1


def _read_part(path: str, start: int, end: int, first_line_no: int) -> tuple:
    """Worker: read one part of a JSON lines file; what it found, numbered from 1 within the part."""
    collector = _Collector(raw_by_line=True)
    scan = _scan_lines(_part_lines(path, start, end, first_line_no), collector)
    collector._flush()
    frame = pl.concat(collector.chunks, rechunk=True) if collector.chunks else pl.DataFrame(schema=_RECORD_SCHEMA)
    return (
        frame,
        collector.rejected,
        collector.voidings,
        collector.duplicates,
        collector.seen_ids,
        collector.rows_read,
        scan,
    )


def _from_lines_parallel(name: str, path: Path) -> Parsed | None:
    """Read a large JSON lines file in parts, in worker processes; None when it is better read in one go.

    The workers are fresh interpreters (``python -c``), not forks: the caller may run
    threads (a web server, Polars, DuckDB), and a fork of a threaded process can hang.
    """
    workers = _workers()
    if workers < 2 or path.stat().st_size < PARALLEL_MIN_BYTES:
        return None
    bounds = _part_bounds(path, workers)
    if len(bounds) < 2:
        return None
    root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
    _remove_orphaned_parts()
    with tempfile.TemporaryDirectory(prefix=f"xapi-parts-{os.getpid()}-") as tmp:
        outputs = [Path(tmp) / f"part-{k}.pickle" for k in range(len(bounds))]
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "from etl.xapi import _part_main; _part_main()",
                    str(path),
                    str(start),
                    str(end),
                    str(line_no),
                    str(out),
                    str(os.getpid()),
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for (start, end, line_no), out in zip(bounds, outputs, strict=False)
        ]
        if any(p.wait() != 0 for p in procs):  # every worker is waited for before the folder goes
            return None  # a worker could not run here (e.g. no memory): read the file in one go instead
        results = [_part_result(out) for out in outputs]
    return _merge_parts(name, path, results)


def _remove_orphaned_parts() -> None:
    """Remove the part files of loaders that were killed: a killed process cannot clean up after itself."""
    for folder in Path(tempfile.gettempdir()).glob("xapi-parts-*-*"):
        try:
            pid = int(folder.name.split("-")[2])
        except (IndexError, ValueError):
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue  # alive, under another user


def _die_with_parent(parent: int) -> None:
    """A worker whose loader is killed stops too (Linux), instead of reading on for nobody."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if os.getppid() != parent:  # the loader was gone before the line above
        os._exit(1)


def _part_main() -> None:
    """Entry point of a worker process: argv = path, start, end, first line number, output file, loader pid.

    The records go to an Arrow file beside the output (no pickled copy of a large frame).
    """
    path, start, end, first_line_no, out, parent = sys.argv[1:7]
    _die_with_parent(int(parent))
    frame, *rest = _read_part(path, int(start), int(end), int(first_line_no))
    frame.write_ipc(out + ".arrow")
    del frame
    Path(out).write_bytes(pickle.dumps(rest, protocol=pickle.HIGHEST_PROTOCOL))


def _part_result(out: Path) -> tuple:
    """What a worker wrote: the records frame and the rest of _read_part's result."""
    rest = pickle.loads(out.read_bytes())
    return (pl.read_ipc(str(out) + ".arrow"), *rest)


def _merge_parts(name: str, path: Path, results: list[tuple]) -> Parsed:
    """Put the parts back in file order, as if the file had been read in one go.

    The workers keep no text for statements alone on their line (``raw_by_line``): the
    loader reads back the few it needs (``Parsed.raw_of``).
    """
    collector = _Collector(raw_by_line=True, path=path)
    total = _LineScan()
    offset = 0
    for frame, rejected, voidings, duplicates, seen, rows_read, scan in results:
        later = seen.keys() & collector.seen_ids.keys()  # ids that an earlier part already had
        if later:
            dropped = [(i, n) for i, n in seen.items() if i in later]
            found = frame.filter(pl.col("source_record_id").is_in(list(later))).select(
                "source_record_id", "raw", "line"
            )
            texts = dict(records.read_lines(path, {ln for _, raw, ln in found.iter_rows() if raw is None}))
            raws = {i: raw if raw is not None else texts[ln] for i, raw, ln in found.iter_rows()}
            raws.update({v.statement_id: v.raw for v in voidings if v.statement_id in later})
            collector.duplicates.extend((n + offset, i, raws[i]) for i, n in dropped)
            frame = frame.filter(~pl.col("source_record_id").is_in(list(later)))
            voidings = [v for v in voidings if v.statement_id not in later]
        collector.chunks.append(frame.with_columns(pl.col("row_number") + offset))
        collector.rejected.extend(Rejected(r.row_number + offset, r.reason, r.raw) for r in rejected)
        collector.voidings.extend(Voiding(v.row_number + offset, v.statement_id, v.target_id, v.raw) for v in voidings)
        collector.duplicates.extend((n + offset, i, raw) for n, i, raw in duplicates)
        for i, n in seen.items():
            collector.seen_ids.setdefault(i, n + offset)
        collector.rows_read += rows_read
        total.number += scan.number
        total.statement_like += scan.statement_like
        total.broken += scan.broken
        total.first_error = total.first_error or scan.first_error
        offset += scan.number
    collector.duplicates.sort()
    return _lines_result(name, collector, total, None)


def _json_error_short(exc: ValueError) -> str:
    """A JSON error for one line: the column is enough, the line is named by the caller."""
    msg = getattr(exc, "msg", None) or str(exc).split(":")[0]
    col = getattr(exc, "colno", None)
    return f"{msg} at column {col}" if col is not None else msg


def _texts_of_lines(path: Path, lines: pl.Series, positions: list[int]) -> list[str]:
    """The text of the records at these positions, read back from their lines of the file."""
    numbers = lines.gather(positions).to_list()
    texts = dict(records.read_lines(path, set(numbers)))
    return [texts[n] for n in numbers]


def _not_xapi(name: str) -> str:
    return f"{name} holds JSON but no xAPI statements (no object with 'actor' and 'verb', and no 'statements' list)."


def _raw(value: Any) -> str:
    """A statement from a JSON document as compact JSON text (its verbatim form is not kept by the parser)."""
    return records.raw_json(value)


# --------------------------------------------------------------------------- collecting


class _Collector:
    """Gathers records, rejections and voidings; in-file voiding is applied at the end.

    Voiding can only be settled once the whole file is seen: a voiding statement
    may come before the statement it voids, and a voiding statement that targets
    another voiding statement must be rejected.
    """

    def __init__(self, raw_by_line: bool = False, path: Path | None = None) -> None:
        #: Keep no text for a statement alone on its line, only the line's number (see Parsed.raw_source).
        self.raw_by_line = raw_by_line
        self.path = path
        self.rows_read = 0
        #: Records gathered column by column, turned into a frame every _CHUNK_ROWS rows: a
        #: million statements as Python dicts would take several GB, as frames a few hundred MB.
        self.columns: dict[str, list] = {k: [] for k in _RECORD_COLUMNS}
        self.chunks: list[pl.DataFrame] = []
        self.rejected: list[Rejected] = []
        self.voidings: list[Voiding] = []
        self.seen_ids: dict[str, int] = {}
        #: (row number, statement id, raw) of statements whose id came earlier in the file; the reason
        #: is written in parsed(), once the first statement's number is final.
        self.duplicates: list[tuple[int, str, str]] = []

    def _flush(self) -> None:
        """Move the gathered rows into a frame chunk."""
        if self.columns["row_number"]:
            self.chunks.append(pl.DataFrame(self.columns, schema=_RECORD_SCHEMA))
            self.columns = {k: [] for k in _RECORD_COLUMNS}

    def reject(self, number: int, reason: str, raw: str) -> None:
        self.rows_read += 1
        self.rejected.append(Rejected(number, reason, raw))

    def add(self, number: int, stmt: dict, raw: str, line: int | None = None) -> None:
        self.rows_read += 1
        try:
            outcome = statement_outcome(stmt, number, raw)
        except InvalidStatement as exc:
            self.rejected.append(Rejected(number, str(exc), raw))
            return
        stmt_id = outcome.statement_id if isinstance(outcome, Voiding) else outcome["source_record_id"]
        if stmt_id in self.seen_ids:
            self.duplicates.append((number, stmt_id, raw))
            return
        self.seen_ids[stmt_id] = number
        if isinstance(outcome, Voiding):
            self.voidings.append(outcome)
            return
        outcome["line"] = line
        if self.raw_by_line and line is not None:
            outcome["raw"] = None
        columns = self.columns
        for key in _RECORD_COLUMNS:
            columns[key].append(outcome[key])
        if len(columns["row_number"]) >= _CHUNK_ROWS:
            self._flush()

    def parsed(self) -> Parsed:
        """Apply voiding within the file and build the result."""
        self.rejected.extend(
            Rejected(
                number,
                f"statement id {stmt_id} already appeared in statement {self.seen_ids[stmt_id]} of this file.",
                raw,
            )
            for number, stmt_id, raw in self.duplicates
        )
        self.duplicates = []
        voiding_ids = {v.statement_id for v in self.voidings}
        voided: dict[str, None] = {}
        for v in self.voidings:
            if v.target_id in voiding_ids:
                self.rejected.append(
                    Rejected(
                        v.row_number,
                        f"statement {v.statement_id} voids statement {v.target_id}, which is itself a voiding "
                        "statement, and xAPI does not allow voiding a voiding statement.",
                        v.raw,
                    )
                )
            else:
                voided[v.target_id] = None
        self._flush()
        frame = pl.concat(self.chunks, rechunk=True) if self.chunks else pl.DataFrame(schema=_RECORD_SCHEMA)
        self.chunks = []
        if voided:
            frame = frame.filter(~pl.col("source_record_id").is_in(list(voided)))
        lines = frame["line"]
        frame = frame.with_columns(
            pl.lit(None, dtype=pl.Utf8).alias("learner_salt"),
            pl.lit(None, dtype=LEARNING_SCHEMA["expires_at"]).alias("expires_at"),
        ).select(list(LEARNING_SCHEMA))
        self.rejected.sort(key=lambda r: r.row_number)
        return Parsed(
            kind=KIND,
            rows_read=self.rows_read,
            records=frame,
            rejected=self.rejected,
            voided_ids=list(voided),
            raw_source=partial(_texts_of_lines, self.path, lines) if self.raw_by_line and self.path else None,
        )


# --------------------------------------------------------------------------- one statement


def statement_outcome(stmt: dict, row_number: int, raw: str) -> dict | Voiding:
    """Validate one statement and turn it into a learning record row or a voiding.

    Raises InvalidStatement with the reason when the statement breaks an xAPI rule or
    carries a verb the dashboard does not use.
    """
    stmt_id = _statement_id(stmt)
    learner = _actor(stmt.get("actor"))
    verb_id = _verb(stmt.get("verb"))
    obj = stmt.get("object")
    if obj is None:
        raise InvalidStatement("object is missing; a statement must say what the actor acted on.")
    if not isinstance(obj, dict):
        raise InvalidStatement(f"object {_show(obj)} is not a JSON object.")
    object_type = obj.get("objectType", "Activity")
    if object_type not in _OBJECT_TYPES:
        raise InvalidStatement(f"object.objectType {_show(object_type)} is not one of {', '.join(_OBJECT_TYPES)}.")
    when = _when(stmt)
    score = _score(stmt.get("result"))
    _context(stmt.get("context"))

    if verb_id == VOIDED_VERB:
        return _voiding(stmt_id, obj, object_type, row_number, raw)
    status = VERB_STATUS.get(verb_id)
    if status is None:
        raise InvalidStatement(f"verb {verb_id} is not a learning outcome or activity this dashboard uses.")
    if learner is None:
        raise InvalidStatement("anonymous group actor cannot be matched to an employee.")
    if object_type != "Activity":
        raise InvalidStatement(f"object.objectType is {object_type}, not an Activity, so there is no course to record.")
    course_key = _iri(obj.get("id"), "object.id")
    if when is None:
        raise InvalidStatement("no timestamp: the statement has neither timestamp nor stored.")
    result = stmt.get("result") or {}
    if verb_id in _SUCCESS_VERBS and result.get("success") is False:
        status = "failed"
    kind, value = learner
    return {
        "row_number": row_number,
        "learner_kind": kind,
        "learner_value": value,
        "learner_salt": None,
        "course_key": course_key,
        "status": status,
        "completed_at": when,
        "score": score,
        "expires_at": None,
        "source_record_id": stmt_id,
        "raw": raw,
    }


def _statement_id(stmt: dict) -> str:
    """The statement's UUID in lower case, or a stable content hash when the file has no id.

    The hash (sha1 of the canonical JSON: sorted keys, no spaces, UTF-8) makes the
    same id-less statement in two exports the same record for the loader.
    """
    if "id" not in stmt:
        canonical = json.dumps(stmt, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return "sha1:" + hashlib.sha1(canonical.encode("utf-8")).hexdigest()
    value = stmt["id"]
    if not isinstance(value, str) or not _UUID.match(value):
        raise InvalidStatement(f"statement id {_show(value)} is not a UUID.")
    return value.lower()


def _actor(actor: Any) -> tuple[str, str] | None:
    """(learner_kind, learner_value) of the actor, or None for a valid anonymous group.

    The anonymous group is returned as None rather than rejected here because a
    voiding statement may legitimately come from one.
    """
    if actor is None:
        raise InvalidStatement("actor is missing; a statement must say who did it.")
    if not isinstance(actor, dict):
        raise InvalidStatement(f"actor {_show(actor)} is not a JSON object.")
    object_type = actor.get("objectType", "Agent")
    if object_type not in ("Agent", "Group"):
        raise InvalidStatement(f"actor.objectType {_show(object_type)} is neither Agent nor Group.")
    if object_type == "Group" and "member" in actor:
        members = actor["member"]
        if not isinstance(members, list):
            raise InvalidStatement(f"actor.member {_show(members)} is not a list of agents.")
        if any(not isinstance(m, dict) or m.get("objectType") == "Group" for m in members):
            raise InvalidStatement("actor.member lists something other than agents; a group cannot contain groups.")
    present = [k for k in _IFI_KEYS if k in actor]
    if len(present) > 1:
        raise InvalidStatement(f"actor has {len(present)} identifiers ({', '.join(present)}); xAPI allows exactly one.")
    if not present:
        if object_type == "Group":
            if not actor.get("member"):
                raise InvalidStatement("actor is a group with neither an identifier nor members.")
            return None
        raise InvalidStatement("actor has no identifier (mbox, mbox_sha1sum, openid or account).")
    key = present[0]
    value = actor[key]
    if key == "mbox":
        mbox = value.strip() if isinstance(value, str) else ""
        if not mbox.startswith("mailto:") or not _EMAIL.match(mbox[7:]):
            raise InvalidStatement(f"actor.mbox {_show(value)} is not a 'mailto:' IRI with an e-mail address.")
        return "email", mbox[7:]
    if key == "mbox_sha1sum":
        if not isinstance(value, str) or not _SHA1_HEX.match(value.strip()):
            raise InvalidStatement(f"actor.mbox_sha1sum {_show(value)} is not 40 hexadecimal characters.")
        return "mbox_sha1", value.strip().lower()
    if key == "openid":
        if not isinstance(value, str) or not _IRI.match(value.strip()):
            raise InvalidStatement(f"actor.openid {_show(value)} is not a URI.")
        return "account", value.strip()
    if not isinstance(value, dict):
        raise InvalidStatement(f"actor.account {_show(value)} is not an object with homePage and name.")
    for part in ("homePage", "name"):
        if part not in value:
            raise InvalidStatement(f"actor.account.{part} is missing; an account needs homePage and name.")
    home, name = value["homePage"], value["name"]
    if not isinstance(home, str) or not _IRI.match(home):
        raise InvalidStatement(f"actor.account.homePage {_show(home)} is not a URL.")
    if not isinstance(name, str) or not name.strip():
        raise InvalidStatement(f"actor.account.name {_show(name)} is not a non-empty text.")
    return "account", name.strip()


def _verb(verb: Any) -> str:
    """The verb IRI; the display text is never used to infer meaning (xAPI 2.4.3)."""
    if verb is None:
        raise InvalidStatement("verb is missing; a statement must say what the actor did.")
    if not isinstance(verb, dict):
        raise InvalidStatement(f"verb {_show(verb)} is not an object with an id.")
    if "id" not in verb:
        raise InvalidStatement("verb.id is missing.")
    return _iri(verb["id"], "verb.id")


def _iri(value: Any, field_name: str) -> str:
    """An absolute IRI (a scheme and no spaces), else the field is invalid."""
    if value is None:
        raise InvalidStatement(f"{field_name} is missing.")
    if not isinstance(value, str) or not _IRI.match(value):
        raise InvalidStatement(f"{field_name} {_show(value)} is not an IRI.")
    return value


def _when(stmt: dict) -> datetime | None:
    """When it happened: timestamp, else the time the LRS stored it; None when neither is there."""
    if "timestamp" in stmt:
        when = _timestamp(stmt["timestamp"], "timestamp")
        if "stored" in stmt:
            _timestamp(stmt["stored"], "stored")
        return when
    if "stored" in stmt:
        return _timestamp(stmt["stored"], "stored")
    return None


def _timestamp(value: Any, field_name: str) -> datetime:
    """An ISO 8601 date and time as UTC; a time without zone is taken as UTC (as most LRSs do)."""
    if type(value) is str and _COMMON_TIMESTAMP.fullmatch(value):  # what LRSs write: parsed as it is
        with contextlib.suppress(ValueError):  # e.g. a 31st of April: the general path below words why
            dt = datetime.fromisoformat(value)
            return dt if dt.utcoffset() == _NO_OFFSET else dt.astimezone(UTC)
    if not isinstance(value, str) or not _TIMESTAMP.match(value.strip()):
        raise InvalidStatement(f"{field_name} {_show(value)} is not an ISO 8601 date and time.")
    text = _FRACTION.sub(lambda m: "." + m.group(1)[:6], value.strip().upper())  # ns -> us
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidStatement(f"{field_name} {_show(value)} is not an ISO 8601 date and time.") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def _number(value: Any, field_name: str) -> float:
    """A JSON number; xAPI forbids strings where numbers are required."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidStatement(f"{field_name} {_show(value)} is not a number.")
    return float(value)


def _score(result: Any) -> float | None:
    """Validate the result and return the score on 0..100, or None when no score can be derived.

    scaled wins (negative scaled -> 0); else raw against min..max (min defaults to 0
    when only max is given).
    """
    if result is None:
        return None
    if not isinstance(result, dict):
        raise InvalidStatement(f"result {_show(result)} is not a JSON object.")
    for flag in ("success", "completion"):
        if flag in result and not isinstance(result[flag], bool):
            raise InvalidStatement(f"result.{flag} {_show(result[flag])} is not true or false.")
    if "duration" in result:
        _duration(result["duration"])
    if "score" not in result:
        return None
    score = result["score"]
    if not isinstance(score, dict):
        raise InvalidStatement(f"result.score {_show(score)} is not a JSON object.")
    parts = {k: _number(score[k], f"result.score.{k}") for k in ("scaled", "raw", "min", "max") if k in score}
    scaled, raw, lo, hi = (parts.get(k) for k in ("scaled", "raw", "min", "max"))
    if scaled is not None and not -1.0 <= scaled <= 1.0:
        raise InvalidStatement(f"result.score.scaled {_show(score['scaled'])} is outside -1..1.")
    if lo is not None and hi is not None and not lo < hi:
        raise InvalidStatement(
            f"result.score.min {_show(score['min'])} is not less than result.score.max {_show(score['max'])}."
        )
    if raw is not None and lo is not None and raw < lo:
        raise InvalidStatement(
            f"result.score.raw {_show(score['raw'])} is below result.score.min {_show(score['min'])}."
        )
    if raw is not None and hi is not None and raw > hi:
        raise InvalidStatement(
            f"result.score.raw {_show(score['raw'])} is above result.score.max {_show(score['max'])}."
        )
    if scaled is not None:
        return round(max(scaled, 0.0) * 100.0, 6)
    if raw is None or hi is None:
        return None
    low = lo if lo is not None else 0.0
    if hi <= low:
        return None  # only max given and not above 0: no percentage can be read from it
    return round(min(max((raw - low) / (hi - low) * 100.0, 0.0), 100.0), 6)


def _duration(value: Any) -> None:
    """result.duration must be an ISO 8601 duration; weeks cannot be combined with other units."""
    if isinstance(value, str):
        if _DURATION_WEEKS.match(value):
            return
        m = _DURATION.match(value)
        if m:
            parts = [g for g in m.groups() if g is not None]
            # only the smallest unit given may carry a fraction
            if not any(("." in p or "," in p) for p in parts[:-1]):
                return
        if "W" in value and re.fullmatch(r"P[\d.,YMWDTHS]+", value):
            raise InvalidStatement(
                f"result.duration {_show(value)} is not an ISO 8601 duration (weeks cannot be combined with other units)."
            )
    raise InvalidStatement(f"result.duration {_show(value)} is not an ISO 8601 duration such as PT1H30M.")


def _context(context: Any) -> None:
    """context.registration, when present, must be a UUID."""
    if context is None:
        return
    if not isinstance(context, dict):
        raise InvalidStatement(f"context {_show(context)} is not a JSON object.")
    if "registration" in context:
        reg = context["registration"]
        if not isinstance(reg, str) or not _UUID.match(reg):
            raise InvalidStatement(f"context.registration {_show(reg)} is not a UUID.")


def _voiding(stmt_id: str, obj: dict, object_type: str, row_number: int, raw: str) -> Voiding:
    """A voiding statement: its object must be a StatementRef naming a statement UUID."""
    if object_type != "StatementRef":
        given = f"object.objectType {_show(obj['objectType'])}" if "objectType" in obj else "no object.objectType"
        raise InvalidStatement(f"voiding statement has {given}; it must be StatementRef naming the statement to void.")
    target = obj.get("id")
    if not isinstance(target, str) or not _UUID.match(target):
        raise InvalidStatement(f"voiding statement's object.id {_show(target)} is not a statement UUID.")
    return Voiding(row_number, stmt_id, target.lower(), raw)


def _show(value: Any) -> str:
    """A value as it appears in a reason: text in quotes, JSON otherwise, cut to 80 characters."""
    if isinstance(value, str):
        text = f"'{value}'"
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError):
            text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
