"""The contract between the source readers and the loader.

Every reader is a pure function ``read(path, **options) -> Parsed``: it opens one
file, never touches the warehouse, and hands back normalised rows plus the rows
it could not use (with a reason a manager can act on).  Identity and course
resolution happen later, in one place (``etl.load``), because they need the
warehouse.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from common.text import (
    Decoded,
    UnknownEncoding,
    decode_line,
    decode_marked,
    plain,
    text_problem,
    unknown_encoding,
    unmark,
)

#: Status words every learning record is normalised to.
STATUSES = ("enrolled", "in_progress", "completed", "passed", "failed")

#: How a learner is named in a record; ``etl.load`` resolves each kind to an employee.
#: employee_id: the HR id; email: a work e-mail; mbox_sha1: hex SHA-1 of "mailto:<email>";
#: hashed: "sha256$<hex>" or "md5$<hex>" of e-mail + salt (Open Badges);
#: account: an LMS account name (matched to employee id or e-mail).
LEARNER_KINDS = ("employee_id", "email", "mbox_sha1", "hashed", "account")

#: Columns of a normalised learning record (one row per source record).
LEARNING_SCHEMA: dict[str, pl.DataType] = {
    "row_number": pl.Int64,  # 1-based position in the file (data rows / statements)
    "learner_kind": pl.Utf8,  # one of LEARNER_KINDS
    "learner_value": pl.Utf8,  # the identifier as written in the file
    "learner_salt": pl.Utf8,  # salt for kind 'hashed', else null
    "course_key": pl.Utf8,  # catalog id or alias as written in the file
    "status": pl.Utf8,  # one of STATUSES
    "completed_at": pl.Datetime("us", "UTC"),  # when the outcome happened (event time)
    "score": pl.Float64,  # 0..100 when known
    "expires_at": pl.Datetime("us", "UTC"),  # the record's own expiry, if any
    "source_record_id": pl.Utf8,  # stable id of the record in its source (dedup key)
    "raw": pl.Utf8,  # the original record, verbatim (null where Parsed.raw_source has it)
}


class UnreadableFile(Exception):
    """A file that cannot be read at all. The message is one sentence for a manager."""


@dataclass
class Rejected:
    row_number: int
    reason: str
    raw: str
    #: the source record's identity when the reader knows it (a later load of the same record
    #: settles the rejection, etl.rejects)
    key: str | None = None


@dataclass
class Parsed:
    """What a reader returns for one file."""

    kind: str
    rows_read: int
    records: pl.DataFrame
    rejected: list[Rejected] = field(default_factory=list)
    #: xAPI only: ids of statements that voiding statements in this file cancel.
    voided_ids: list[str] = field(default_factory=list)
    #: When set, the verbatim text of records whose ``raw`` is null, from their positions in
    #: ``records``: large files hold no text per record, and the loader asks only for the
    #: rows it rejects.
    raw_source: Callable[[list[int]], list[str]] | None = None
    #: Open Badges only: each record's proof check, by ``row_number`` (columns row_number,
    #: verification, verification_reason; etl.credentials says what each status means).
    checks: pl.DataFrame | None = None

    def raw_of(self, indices: list[int]) -> list[str | None]:
        """The verbatim text of the records at these positions of ``records``."""
        raws = self.records["raw"].gather(indices).to_list() if indices else []
        missing = [k for k, r in enumerate(raws) if r is None]
        if self.raw_source is not None and missing:
            for k, text in zip(missing, self.raw_source([indices[k] for k in missing]), strict=False):
                raws[k] = text
        return raws


def read_lines(path: Path, numbers: set[int]):
    """(number, text) of the wanted physical lines of a UTF-8 file (from 1; BOM removed, stripped)."""
    if not numbers:
        return
    last = max(numbers)
    with open(path, "rb") as fh:
        for number, line in enumerate(fh, start=1):
            if number in numbers:
                yield number, decode_line(line, at_start=number == 1).strip()
            if number >= last:
                return


def learning_frame(rows: list[dict] | None = None) -> pl.DataFrame:
    """Build a frame with exactly LEARNING_SCHEMA from dict rows (missing keys are null)."""
    return pl.from_dicts(rows or [], schema=LEARNING_SCHEMA)


def read_bytes(path: Path) -> bytes:
    """The file's bytes; a file that cannot be opened is an UnreadableFile naming it (never its folder)."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile(f"{path.name} does not exist.") from None
    except IsADirectoryError:
        raise UnreadableFile(f"{path.name} is a folder, not a file.") from None
    except OSError as exc:
        raise UnreadableFile(f"{path.name} cannot be opened ({exc.strerror or 'the system refused'}).") from None


def read_marked(path: Path, *, windows_1252: bool = True) -> Decoded:
    """The file as text with the bytes that are not text marked (common.text.decode_marked's rules).

    Readers reject the rows that hold a mark (``common.text.text_problem``), so one
    broken row never changes how the rest of the file reads.
    """
    return decode_bytes(Path(path).name, read_bytes(path), windows_1252=windows_1252)


def decode_bytes(name: str, data: bytes, *, windows_1252: bool = True) -> Decoded:
    """``read_marked`` for bytes already read; ``windows_1252=False`` for formats that are UTF-8 by standard (JSON)."""
    try:
        return decode_marked(data, windows_1252=windows_1252)
    except (UnknownEncoding, UnicodeDecodeError):
        raise UnreadableFile(unknown_encoding(name)) from None


def read_text(path: Path) -> str:
    """The file as plain text, for readers of whole documents (common.text.decode's rules).

    UTF-8, UTF-16 or Windows-1252 as common.text decides for the whole file; in a
    UTF-8 file a byte that is not UTF-8 becomes U+FFFD, and the rest of the file
    reads as written. Readers that can reject one row use ``read_marked`` instead.
    """
    return plain(read_marked(path).text)


def _title_key(title: str) -> str:
    """A column title as readers match it: case, surrounding spaces and space-or-underscore ignored."""
    return re.sub(r"[\s_]+", "_", title.strip().casefold())


def repeated_title(header: list[str], key: Callable[[str], str] | None = None) -> str | None:
    """The sentence part naming a column title the header holds twice, e.g. "two columns named 'email' (columns 2 and 5)".

    Titles are compared as readers match them (``key``; by default case, surrounding
    spaces and space-or-underscore ignored); empty titles never count.
    """
    seen: dict[str, int] = {}
    for i, title in enumerate(header, start=1):
        key_of = (key or _title_key)(title)
        if not key_of:
            continue
        if key_of in seen:
            return f"two columns named '{title.strip()}' (columns {seen[key_of]} and {i})"
        seen[key_of] = i
    return None


def csv_rows(path: Path, *, repeated_titles: bool = False) -> tuple[list[str], list[list[str]]]:
    """Header and data rows of a CSV export (any encoding, BOM stripped, delimiter sniffed).

    Cells keep common.text's marks: a reader rejects the rows that hold one
    (``common.text.text_problem``). A header holding a mark, or the same title twice
    (unless ``repeated_titles``: Moodle repeats activity names), makes the file
    unreadable, because which column is which is then unknown.
    """
    name = Path(path).name
    text = read_marked(path).text
    if not text.strip():
        raise UnreadableFile(f"{name} is empty.")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delim = dialect.delimiter
    except csv.Error:
        delim = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise UnreadableFile(f"{name} is not a well-formed CSV file ({exc}).") from None
    header = [h.strip() for h in rows[0]]
    problem = text_problem("the header row", header, [str(i) for i in range(1, len(header) + 1)])
    if problem:
        raise UnreadableFile(f"{name} cannot be read: {problem}.")
    twice = None if repeated_titles else repeated_title(header)
    if twice:
        raise UnreadableFile(f"{name} has {twice}, so which one holds the values is unclear; rename or remove one.")
    body = [r for r in rows[1:] if any(c.strip() for c in r)]
    return header, body


def row_problem(row_number: int, header: list[str], cells: list[str]) -> str | None:
    """Why a CSV row cannot be read as text (a byte that is not text, a NUL), or None: a rejected row's reason."""
    return text_problem(f"row {row_number}", cells, header)


def raw_csv_line(header: list[str], row: list[str]) -> str:
    """The row as one CSV line (the record a rejected-rows reader will recognise)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(row)
    return unmark(buf.getvalue())


def raw_json(obj) -> str:
    """The JSON value as one line of text (bytes that were not text written as \\xNN)."""
    return unmark(json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=False))


def parse_iso_datetime(value: str) -> datetime:
    """ISO 8601 / RFC 3339 timestamp -> aware UTC datetime. Naive values are taken as UTC.

    Raises ValueError with a readable message when the value is not a timestamp.
    """
    if value is None:
        raise ValueError("missing timestamp")
    if isinstance(value, (int, float)):
        # Open Badges 1.x used Unix seconds
        return datetime.fromtimestamp(float(value), tz=UTC)
    s = str(value).strip()
    if not s:
        raise ValueError("empty timestamp")
    if s.isdigit():
        return datetime.fromtimestamp(int(s), tz=UTC)
    if s.endswith(("Z", "z")):
        s = s[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        raise ValueError(f"'{value}' is not an ISO 8601 timestamp") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)
