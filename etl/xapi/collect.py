"""Statements into columnar learning records.

JSON lines and JSON documents are fed, statement by statement, to a collector
that keeps the usable ones column by column, rejects the others with the rule
they break, and settles voiding and repeated statement ids once the whole file
has been seen. Statements are checked against xAPI's JSON Schema in batches
(one call into the validator per batch), then one by one against the rules a
schema cannot state.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl

from etl import records
from etl.records import LEARNING_SCHEMA, Parsed, Rejected, UnreadableFile
from etl.xapi import schema
from etl.xapi.rules import InvalidStatement, Voiding, _is_statement_like, _show, statement_outcome

try:  # orjson is several times faster on 1M-statement exports; json is the fallback.
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the environment
    _orjson = None

KIND = "xapi"

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
#: Statements checked against the schema in one call. Small on purpose: one call per statement
#: costs a third more, and batches of thousands cost more still (the statements fall out of the
#: processor's caches before they are read again); 64 measured fastest.
_BATCH = 64
#: How deep a statement's JSON may nest. A statement's own structure goes about 10 levels deep
#: (a SubStatement's context activity's interaction components' descriptions); the rest is
#: room for extensions. Deeper JSON is refused with a sentence, not a stack overflow.
MAX_DEPTH = 32


class _TooDeep(ValueError):
    """JSON nested deeper than the JSON parsers go (orjson stops at 1,024 levels)."""

    msg = f"nested deeper than {MAX_DEPTH} levels"


def _reject_constant(value: str) -> Any:
    raise ValueError(f"{value} is not allowed in JSON")


def _loads(text: str | bytes) -> Any:
    """Decode JSON strictly (NaN and Infinity are not JSON), with orjson when it is installed.

    When orjson refuses a text, the standard parser decides: it gives the error
    message managers see (with line and column), and it reads the few valid
    documents orjson does not (integers beyond 64 bits).
    """
    if _orjson is not None:
        try:
            return _orjson.loads(text)
        except _orjson.JSONDecodeError as exc:
            if exc.msg == "depth limit exceeded":
                raise _TooDeep() from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise _TooDeep() from None


def _json_msg(exc: ValueError) -> str:
    """The parser's message without its position; some end in "at" ("Invalid control character at")."""
    msg = getattr(exc, "msg", None) or str(exc).split(":")[0]
    return msg.removesuffix(" at")


def _depth_reason(where: str, what: str = "statement") -> str:
    """Why JSON nested too deep is refused, in one sentence."""
    return (
        f"{where} nests JSON more than {MAX_DEPTH} levels deep, deeper than any real xAPI {what}, so it was not read."
    )


def _too_deep(value: Any) -> bool:
    """True when a statement nests deeper than MAX_DEPTH (walked without recursion, so any depth is safe)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def _json_error(exc: ValueError) -> str:
    """A short description of a JSON syntax error, with its position when known."""
    msg = _json_msg(exc)
    line, col = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    if line is not None and col is not None:
        return f"{msg} at line {line}, column {col}"
    return msg


def _json_error_short(exc: ValueError) -> str:
    """A JSON error for one line: the column is enough, the line is named by the caller."""
    msg = _json_msg(exc)
    col = getattr(exc, "colno", None)
    return f"{msg} at column {col}" if col is not None else msg


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
        raw = _raw(stmt)
        if not isinstance(stmt, dict):
            collector.reject(number, f"statement {number} is not a JSON object but {_show(stmt)}.", raw)
        else:
            collector.add(number, stmt, raw)
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
        if isinstance(doc_error, _TooDeep):
            raise UnreadableFile(_depth_reason(name, "export"))
        if doc_error is not None:
            raise UnreadableFile(f"{name} is not valid JSON ({_json_error(doc_error)}).")
        if scan.broken == scan.number:
            raise UnreadableFile(f"{name} is not valid JSON lines ({scan.first_error}).")
        raise UnreadableFile(_not_xapi(name))
    return collector.parsed()


def _scan_lines(lines: Iterator[tuple[int, str]], collector: _Collector, first_number: int = 0) -> _LineScan:
    """Feed numbered JSON lines to the collector; statements are numbered from 1 in reading order
    (from ``first_number + 1`` when lines before were read elsewhere)."""
    number = first_number
    statement_like = 0
    broken = 0
    first_error = ""
    for line_no, text in lines:
        try:
            value = _loads(text)
        except _TooDeep:
            number += 1
            collector.reject(number, _depth_reason(f"line {line_no}"), text)
            continue
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
    return _LineScan(number - first_number, statement_like, broken, first_error)


def _texts_of_lines(path: Path, lines: pl.Series, positions: list[int]) -> list[str]:
    """The text of the records at these positions, read back from their lines of the file."""
    numbers = lines.gather(positions).to_list()
    texts = dict(records.read_lines(path, set(numbers)))
    return [texts[n] for n in numbers]


def _not_xapi(name: str) -> str:
    return f"{name} holds JSON but no xAPI statements (no object with 'actor' and 'verb', and no 'statements' list)."


def _raw(value: Any) -> str:
    """A statement from a JSON document as compact JSON text (its verbatim form is not kept by the parser).

    JSON too deep to write back (about 1,000 levels) is kept as an empty text: the reason says why.
    """
    try:
        return records.raw_json(value)
    except RecursionError:
        return ""


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
        #: (number, statement, raw, line) waiting for the schema, which checks _BATCH at once.
        self.pending: list[tuple[int, dict, str, int | None]] = []

    def _flush(self) -> None:
        """Settle the statements waiting for the schema, and move the gathered rows into a frame chunk."""
        self._settle()
        self._chunk()

    def _chunk(self) -> None:
        if self.columns["row_number"]:
            self.chunks.append(pl.DataFrame(self.columns, schema=_RECORD_SCHEMA))
            self.columns = {k: [] for k in _RECORD_COLUMNS}

    def reject(self, number: int, reason: str, raw: str) -> None:
        self.rows_read += 1
        self.rejected.append(Rejected(number, reason, raw))

    def add(self, number: int, stmt: dict, raw: str, line: int | None = None) -> None:
        self.rows_read += 1
        # a statement with fewer brackets than MAX_DEPTH cannot nest deeper: most are spared the walk
        if raw.count("{") + raw.count("[") > MAX_DEPTH and _too_deep(stmt):
            self.rejected.append(Rejected(number, _depth_reason(f"statement {number}"), raw))
            return
        self.pending.append((number, stmt, raw, line))
        if len(self.pending) >= _BATCH:
            self._settle()

    def _settle(self) -> None:
        """Check the waiting statements against the schema in one call, then each against the other rules."""
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        broken = schema.nonconforming([stmt for _, stmt, _, _ in pending])
        for k, (number, stmt, raw, line) in enumerate(pending):
            self._outcome(number, stmt, raw, line, k not in broken)

    def _outcome(self, number: int, stmt: dict, raw: str, line: int | None, conforms: bool) -> None:
        try:
            outcome = statement_outcome(stmt, number, raw, conforms)
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
            self._chunk()

    def parsed(self) -> Parsed:
        """Apply voiding within the file and build the result."""
        self._settle()
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
        self._chunk()
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
