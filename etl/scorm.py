"""SCORM Cloud registration exports -> learning records.

SCORM Cloud (API v2 ``RegistrationSchema``) reports one registration per
learner and course with two separate verdicts: ``registrationCompletion``
(UNKNOWN / COMPLETED / INCOMPLETE) and ``registrationSuccess`` (UNKNOWN /
PASSED / FAILED).  Success decides when it is known, because a failed attempt
is no evidence of a skill even when the content was completed.  Unlike SCORM's
own -1..1, ``score.scaled`` is documented as 0..100, so it is taken as is.

Accepted shapes: a JSON array of registrations, the API page
``{"registrations": [...], "more": "..."}``, JSON lines, or the CSV
registration export (``Registration ID, Learner ID, Course ID, Completion,
Success, Score, Completed Date, Last Access Date``; header case and spacing do
not matter).  Both JSON and CSV are first flattened to the same text columns
and then judged by one set of vectorised rules, so the two shapes cannot drift
apart.

The file's encoding is decided once (common.text); an entry or row holding a byte
that is not text in it, or a NUL, is rejected, never read in another encoding.
JSON is read by common.jsonfile: nesting deeper than any real export refuses the
file in one sentence, and syntax errors name their line and column in words.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import polars as pl

from common import jsonfile
from common.text import MARK_PATTERN, decode_head, has_mark, mark_reason, text_problem, unmark
from etl import records
from etl.records import Parsed, Rejected, UnreadableFile

KIND = "scorm"

#: How this reader reads files. Bump it when a change here would read a file differently (other
#: records, rejected rows or reasons): files loaded before are then loaded again. A change that reads
#: every file the same way (a move, a refactoring, faster code) leaves it as it is.
READER_VERSION = 2

COMPLETION_VALUES = ("COMPLETED", "INCOMPLETE", "UNKNOWN")
SUCCESS_VALUES = ("PASSED", "FAILED", "UNKNOWN")

#: Flat text columns every registration is reduced to before the rules run.
FIELDS = (
    "registration_id",
    "learner_id",
    "course_id",
    "completion",
    "success",
    "score",
    "completed_date",
    "last_access_date",
    "created_date",
)

#: How the JSON export names each field (used in rejection reasons).
JSON_LABELS = {
    "registration_id": "id",
    "learner_id": "learner.id",
    "course_id": "course.id",
    "completion": "registrationCompletion",
    "success": "registrationSuccess",
    "score": "score.scaled",
    "completed_date": "completedDate",
    "last_access_date": "lastAccessDate",
    "created_date": "createdDate",
}

#: CSV headers, lower-cased with everything but letters and digits removed -> field.
CSV_HEADERS = {
    "registrationid": "registration_id",
    "learnerid": "learner_id",
    "courseid": "course_id",
    "completion": "completion",
    "registrationcompletion": "completion",
    "success": "success",
    "registrationsuccess": "success",
    "score": "score",
    "scorescaled": "score",
    "completeddate": "completed_date",
    "completiondate": "completed_date",
    "lastaccessdate": "last_access_date",
    "lastaccesseddate": "last_access_date",
    "createddate": "created_date",
    "createdate": "created_date",
}
CSV_REQUIRED = ("registration_id", "learner_id", "course_id")
CSV_REQUIRED_NAMES = {"registration_id": "Registration ID", "learner_id": "Learner ID", "course_id": "Course ID"}

_REGISTRATION_KEYS = ("registrationCompletion", "registrationSuccess")


# --------------------------------------------------------------------------- sniff


def _header_key(name: str) -> str:
    """Header spelling that survives case, spaces, underscores and quotes."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def sniff(name: str, head: str) -> bool:
    """JSON whose records carry SCORM Cloud's verdict fields, or the registration CSV header."""
    text = head.lstrip()
    if text.startswith(("{", "[")):
        return any(f'"{key}"' in text for key in _REGISTRATION_KEYS)
    first_line = text.split("\n", 1)[0]
    fields = {CSV_HEADERS.get(_header_key(cell)) for cell in re.split(r"[,;\t]", first_line)}
    return set(CSV_REQUIRED) <= fields and bool(fields & {"completion", "success"})


# --------------------------------------------------------------------------- read


def read(path: Path, **options: Any) -> Parsed:
    """Read one SCORM Cloud export into learning records plus rejected registrations.

    No options are used; the keyword arguments exist so every reader has the
    same call shape.
    """
    path = Path(path)
    data = records.read_bytes(path)
    is_json = decode_head(data[:4096]).lstrip().startswith(("{", "["))
    text = records.decode_bytes(path.name, data, windows_1252=not is_json).text  # JSON is UTF-8 (RFC 8259)
    if not text.strip():
        raise UnreadableFile(f"{path.name} is empty.")
    if text.lstrip().startswith(("{", "[")):
        flat, labels, early = _flatten_json(path.name, text.strip())
    else:
        flat, labels, early = _flatten_csv(path.name, text)
    loaded, rejected = _apply_rules(flat, labels)
    rejected = sorted(early + rejected, key=lambda r: r.row_number)
    return Parsed(kind=KIND, rows_read=flat.height + len(early), records=loaded, rejected=rejected)


# --------------------------------------------------------------------------- JSON


def _flatten_json(file_name: str, text: str) -> tuple[pl.DataFrame, dict[str, str], list[Rejected]]:
    """JSON array / API page / JSON lines -> flat text frame, plus entries rejected before the rules.

    Entries that are not objects, JSON lines that do not parse, and entries holding a
    byte that is not text never reach the frame; they are rejected here with their
    position kept.
    """
    early: list[Rejected] = []
    try:
        document = jsonfile.loads(text)
        entries = [(n, item, records.raw_json(item)) for n, item in enumerate(_registrations(file_name, document), 1)]
    except jsonfile.JsonProblem as exc:
        if exc.too_deep:
            raise UnreadableFile(exc.sentence(file_name)) from None
        entries = _json_lines(file_name, text, exc, early)
    if entries and not any(isinstance(item, dict) and _looks_like_registration(item) for _, item, _ in entries):
        raise UnreadableFile(f"{file_name} holds JSON records that are not SCORM Cloud registrations.")
    rows = []
    for row_number, item, raw in entries:
        problem = _not_text(f"entry {row_number}", item)
        if problem:
            early.append(Rejected(row_number, problem, raw))
        elif isinstance(item, dict):
            rows.append({"row_number": row_number, "raw": raw, **_flat_registration(item)})
        else:
            early.append(Rejected(row_number, "the entry is not a JSON object, so it is not a registration", raw))
    return _text_frame(rows), JSON_LABELS, early


def _registrations(file_name: str, document: Any) -> list:
    """The registration list of an array, an API page, or a single registration object."""
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        if isinstance(document.get("registrations"), list):
            return document["registrations"]
        if _looks_like_registration(document):
            return [document]
    raise UnreadableFile(f"{file_name} is JSON but holds no SCORM Cloud registrations (no 'registrations' list).")


def _looks_like_registration(item: dict) -> bool:
    return any(key in item for key in _REGISTRATION_KEYS)


def _json_lines(
    file_name: str, text: str, whole_error: jsonfile.JsonProblem, early: list[Rejected]
) -> list[tuple[int, Any, str]]:
    """Parse one registration per line; a broken line is rejected, a broken first line means broken JSON."""
    lines = [(line_number, line.strip()) for line_number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    entries: list[tuple[int, Any, str]] = []
    for row_number, (line_number, line) in enumerate(lines, start=1):
        try:
            entries.append((row_number, jsonfile.loads(line), unmark(line)))
        except jsonfile.JsonProblem as exc:
            if row_number == 1:
                raise UnreadableFile(whole_error.sentence(file_name)) from None
            early.append(Rejected(row_number, exc.reason(f"line {line_number}"), unmark(line)))
    return entries


def _not_text(subject: str, value: Any, where: str = "") -> str | None:
    """Why a JSON entry holds something that is not text (a byte, a NUL), naming the field, or None."""
    if isinstance(value, str):
        return mark_reason(subject, value, f" in {where or 'the entry'}") if has_mark(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{where}.{key}" if where else str(key)
            problem = _not_text(subject, key, where or "a key") or _not_text(subject, item, name)
            if problem:
                return problem
    if isinstance(value, list):
        for i, item in enumerate(value):
            problem = _not_text(subject, item, f"{where}[{i}]")
            if problem:
                return problem
    return None


def _text(value: Any) -> str | None:
    """A JSON value as the text the rules read: numbers keep their JSON spelling for reasons."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _nested_id(value: Any) -> Any:
    """``learner`` / ``course`` are objects with an ``id``; tolerate a bare id."""
    return value.get("id") if isinstance(value, dict) else value


def _flat_registration(item: dict) -> dict[str, str | None]:
    score = item.get("score")
    return {
        "registration_id": _text(item.get("id")),
        "learner_id": _text(_nested_id(item.get("learner"))),
        "course_id": _text(_nested_id(item.get("course"))),
        "completion": _text(item.get("registrationCompletion")),
        "success": _text(item.get("registrationSuccess")),
        "score": _text(score.get("scaled") if isinstance(score, dict) else score),
        "completed_date": _text(item.get("completedDate")),
        "last_access_date": _text(item.get("lastAccessDate")),
        "created_date": _text(item.get("createdDate")),
    }


def _text_frame(rows: list[dict]) -> pl.DataFrame:
    schema = {"row_number": pl.Int64, "raw": pl.Utf8, **dict.fromkeys(FIELDS, pl.Utf8)}
    return pl.DataFrame({k: [r.get(k) for r in rows] for k in schema}, schema=schema)


# --------------------------------------------------------------------------- CSV


def _flatten_csv(file_name: str, text: str) -> tuple[pl.DataFrame, dict[str, str], list[Rejected]]:
    """CSV registration export -> flat text frame, plus rows rejected before the rules (not text).

    Parsed by Polars rather than row by row because a full registration export
    can be large.  The returned labels hold only the columns the file has, so a
    reason never mentions a column the reader of the file cannot find.  A header
    that names a column twice, or holds a byte that is not text, refuses the file.
    """
    delimiter = _csv_delimiter(text)
    _check_header(file_name, text, delimiter)
    try:
        table = pl.read_csv(
            text.encode("utf-8"),
            separator=delimiter,
            infer_schema=False,
            truncate_ragged_lines=True,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UnreadableFile(f"{file_name} is not a well-formed CSV file ({first_line}).") from None
    index: dict[str, str] = {}
    labels: dict[str, str] = {}
    for name in table.columns:
        field_name = CSV_HEADERS.get(_header_key(name))
        if field_name and field_name not in index:
            index[field_name] = name
            labels[field_name] = name.strip()
    missing = [CSV_REQUIRED_NAMES[f] for f in CSV_REQUIRED if f not in index]
    if not ("completion" in index or "success" in index):
        missing.append("Completion or Success")
    if missing:
        raise UnreadableFile(
            f"{file_name} is not a SCORM Cloud registration export: it lacks the column(s) {', '.join(missing)}."
        )
    not_blank = pl.any_horizontal([pl.col(c).str.strip_chars().str.len_chars() > 0 for c in table.columns])
    raw = pl.concat_str([_csv_cell(pl.col(c), delimiter) for c in table.columns], separator=delimiter)
    marked = pl.any_horizontal([pl.col(c).str.contains(MARK_PATTERN).fill_null(False) for c in table.columns])
    table = table.filter(not_blank.fill_null(False)).with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("__row_number"),
        raw.alias("__raw"),
        marked.alias("__marked"),
    )
    early = [
        Rejected(row[0], text_problem(f"row {row[0]}", row[2:], table.columns[: len(row) - 2]), unmark(row[1]))
        for row in table.filter(pl.col("__marked")).select("__row_number", "__raw", *table.columns[:-3]).iter_rows()
    ]
    flat = table.filter(~pl.col("__marked")).select(
        pl.col("__row_number").alias("row_number"),
        pl.col("__raw").alias("raw"),
        *[(pl.col(index[f]) if f in index else pl.lit(None, dtype=pl.Utf8)).alias(f) for f in FIELDS],
    )
    return flat, labels, early


def _check_header(file_name: str, text: str, delimiter: str) -> None:
    """Refuse a header whose columns cannot be told apart: a title twice, or a byte that is not text."""
    try:
        header = next(csv.reader(io.StringIO(text.split("\n", 1)[0]), delimiter=delimiter), [])
    except csv.Error:
        return  # Polars names the problem
    problem = text_problem("the header row", header, [str(i) for i in range(1, len(header) + 1)])
    if problem:
        raise UnreadableFile(f"{file_name} cannot be read: {problem}.")
    twice = records.repeated_title(header)
    if twice:
        raise UnreadableFile(
            f"{file_name} has {twice}, so which one holds the values is unclear; rename or remove one."
        )


def _csv_delimiter(text: str) -> str:
    """The delimiter that splits the header line most (comma on a tie).

    The header is the one line whose shape is known, and judging it alone is
    not thrown off by blank lines or empty cells the way a whole-sample sniff is.
    """
    header = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=header.count)


def _csv_cell(value: pl.Expr, delimiter: str) -> pl.Expr:
    """A cell written back the way a CSV writer would (quoted only when needed), to rebuild the raw line."""
    text = value.fill_null("")
    needs_quotes = text.str.contains(f'[{delimiter}"\r\n]')
    quoted = pl.lit('"') + text.str.replace_all('"', '""', literal=True) + pl.lit('"')
    return pl.when(needs_quotes).then(quoted).otherwise(text)


# --------------------------------------------------------------------------- rules


def _clean(name: str) -> pl.Expr:
    """Trimmed text; blank cells count as absent."""
    value = pl.col(name).str.strip_chars()
    return pl.when(value.str.len_chars() > 0).then(value).alias(name)


def parse_iso_utc(expr: pl.Expr) -> pl.Expr:
    """ISO 8601 text -> UTC datetime, null when it is not a timestamp; naive times are taken as UTC.

    Accepts ``T`` or a space between date and time, optional seconds and
    fractions, ``Z`` or a numeric offset, and a bare date (midnight UTC).
    """
    s = expr.str.strip_chars()
    s = s.str.replace(r"^(\d{4}-\d{2}-\d{2})$", "${1}T00:00:00")
    s = s.str.replace(r"^(\d{4}-\d{2}-\d{2})[ tT]", "${1}T")
    s = s.str.replace(r"[zZ]$", "+00:00")
    s = s.str.replace(r"(T\d{2}:\d{2})([+-]|$)", "${1}:00${2}")
    s = pl.when(s.str.contains(r"[+-]\d{2}:?\d{2}$")).then(s).otherwise(s + "+00:00")
    return s.str.to_datetime(format="%Y-%m-%dT%H:%M:%S%.f%:z", strict=False, time_zone="UTC", time_unit="us")


def _apply_rules(flat: pl.DataFrame, labels: dict[str, str]) -> tuple[pl.DataFrame, list[Rejected]]:
    """Status, score and date rules over all registrations at once; the first broken rule is the reason."""
    frame = (
        flat.with_columns([_clean(f) for f in FIELDS])
        .with_columns(
            pl.col("completion").str.to_uppercase().fill_null("UNKNOWN").alias("completion_word"),
            pl.col("success").str.to_uppercase().fill_null("UNKNOWN").alias("success_word"),
            pl.col("score").cast(pl.Float64, strict=False).alias("score_value"),
            pl.coalesce("completed_date", "last_access_date", "created_date").alias("date_text"),
            pl.when(pl.col("completed_date").is_not_null())
            .then(pl.lit(labels.get("completed_date"), dtype=pl.Utf8))
            .when(pl.col("last_access_date").is_not_null())
            .then(pl.lit(labels.get("last_access_date"), dtype=pl.Utf8))
            .otherwise(pl.lit(labels.get("created_date"), dtype=pl.Utf8))
            .alias("date_label"),
        )
        .with_columns(
            pl.when(pl.col("success_word") == "PASSED")
            .then(pl.lit("passed"))
            .when(pl.col("success_word") == "FAILED")
            .then(pl.lit("failed"))
            .when(pl.col("completion_word") == "COMPLETED")
            .then(pl.lit("completed"))
            .when(pl.col("completion_word") == "INCOMPLETE")
            .then(pl.lit("in_progress"))
            .otherwise(pl.lit("enrolled"))
            .alias("status"),
            parse_iso_utc(pl.col("date_text")).alias("date_value"),
        )
    )
    frame = frame.with_columns(_reason(labels).alias("reason"))
    loaded = (
        frame.filter(pl.col("reason").is_null())
        .select(
            pl.col("row_number"),
            pl.lit("account").alias("learner_kind"),
            pl.col("learner_id").alias("learner_value"),
            pl.lit(None, dtype=pl.Utf8).alias("learner_salt"),
            pl.col("course_id").alias("course_key"),
            pl.col("status"),
            pl.col("date_value").alias("completed_at"),
            pl.col("score_value").alias("score"),
            pl.lit(None, dtype=pl.Datetime("us", "UTC")).alias("expires_at"),
            (pl.lit("scorm:") + pl.col("registration_id")).alias("source_record_id"),
            pl.col("raw"),
        )
        .cast(records.LEARNING_SCHEMA)
    )
    bad = frame.filter(pl.col("reason").is_not_null()).select("row_number", "reason", "raw")
    rejected = [Rejected(n, reason, raw) for n, reason, raw in bad.iter_rows()]
    return loaded, rejected


def _reason(labels: dict[str, str]) -> pl.Expr:
    """Why a registration cannot be used, or null; checks run in the order a manager would fix them."""

    def lbl(field_name: str) -> pl.Expr:
        return pl.lit(labels.get(field_name, JSON_LABELS[field_name]))

    present = [labels[f] for f in ("completed_date", "last_access_date", "created_date") if f in labels]
    date_fields = ", ".join(present[:-1]) + " or " + present[-1] if len(present) > 1 else (present or ["date"])[0]
    outcome = pl.col("status").is_in(["completed", "passed", "failed"])
    checks = [
        (
            pl.col("registration_id").is_null(),
            pl.format(
                "{} is missing, so a re-import of this registration could not be recognised", lbl("registration_id")
            ),
        ),
        (
            pl.col("learner_id").is_null(),
            pl.format("{} is missing, so the registration cannot be matched to an employee", lbl("learner_id")),
        ),
        (
            pl.col("course_id").is_null(),
            pl.format("{} is missing, so the registration cannot be matched to a catalog course", lbl("course_id")),
        ),
        (
            ~pl.col("completion_word").is_in(COMPLETION_VALUES),
            pl.format("{} '{}' is not one of COMPLETED, INCOMPLETE, UNKNOWN", lbl("completion"), pl.col("completion")),
        ),
        (
            ~pl.col("success_word").is_in(SUCCESS_VALUES),
            pl.format("{} '{}' is not one of PASSED, FAILED, UNKNOWN", lbl("success"), pl.col("success")),
        ),
        (
            pl.col("score").is_not_null() & pl.col("score_value").is_null(),
            pl.format("{} '{}' is not a number", lbl("score"), pl.col("score")),
        ),
        (
            pl.col("score_value").is_not_null() & ~pl.col("score_value").is_between(0, 100),
            pl.format("{} {} is outside 0..100", lbl("score"), pl.col("score")),
        ),
        (
            pl.col("date_text").is_not_null() & pl.col("date_value").is_null(),
            pl.format("{} '{}' is not an ISO 8601 timestamp", pl.col("date_label"), pl.col("date_text")),
        ),
        (
            outcome & pl.col("date_text").is_null(),
            pl.format(
                "the registration is {} but has no {}, so its date is unknown",
                pl.col("status").str.to_uppercase(),
                pl.lit(date_fields),
            ),
        ),
    ]
    return pl.coalesce([pl.when(condition).then(message) for condition, message in checks])
