"""An xAPI export as a file: which shape it holds, and its text.

The shapes are told apart by their first characters: a JSON array, JSON lines,
or one (possibly pretty-printed) statement or StatementResult. UTF-8 JSON lines
are decoded line by line, so a 1M-statement export is never held whole in
memory; UTF-16, and every other shape, is decoded whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from common.text import BOM, decode_line, looks_utf16
from etl import records
from etl.records import Parsed, UnreadableFile
from etl.xapi.collect import _depth_reason, _from_document, _from_lines, _json_error, _loads, _TooDeep
from etl.xapi.rules import _is_statement_like

#: What may come before a JSON value: a byte order mark and JSON's blank space.
_BEFORE_JSON = BOM + " \t\r\n"


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
        except (ValueError, RecursionError):
            return None
        return value if isinstance(value, dict) else None
    try:
        value, _ = decoder.raw_decode(text)
    except (ValueError, RecursionError):
        return _first_line_object(text)
    return value if isinstance(value, dict) else None


def _first_line_object(text: str) -> dict | None:
    """JSON lines whose first line is broken: the first of the next lines that decodes decides."""
    for line in text.split("\n")[1:6]:
        line = line.strip()
        if not line:
            continue
        try:
            value = json.loads(line)
        except (ValueError, RecursionError):
            continue
        return value if isinstance(value, dict) else None
    return None


def read(path: Path, in_parts: Callable[[str, Path], Parsed | None] | None = None) -> Parsed:
    """Read one xAPI export into learning records, rejected statements and voided statement ids.

    JSON lines are decoded line by line so a 1M-statement export is never held
    whole in memory; a broken line is a rejected row, not a failed file.
    ``in_parts(name, path)`` may read a UTF-8 JSON lines file in parts instead
    (None when it would rather not).
    """
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
                parsed = in_parts(name, path) if in_parts is not None else None
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


def _parse_document(name: str, text: str) -> Any:
    """The whole file as one JSON value, or UnreadableFile saying where the JSON breaks."""
    try:
        return _loads(text)
    except _TooDeep:
        raise UnreadableFile(_depth_reason(name, "export")) from None
    except ValueError as exc:
        raise UnreadableFile(f"{name} is not valid JSON ({_json_error(exc)}).") from exc
