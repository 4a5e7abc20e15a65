"""Provider CSV exports (LinkedIn Learning, Udemy Business, Cornerstone, Docebo, ...).

Every vendor, and often every customer of a vendor, names its columns, status
words and dates differently.  So the mapping from a CSV export to learning
records lives in a small TOML file, a *mapping profile*, that an L&D person can
write without code (see docs/mapping-profiles.md).  Profiles for the common
vendors ship in ``etl/profiles/``.

Provider exports can hold a million rows, so a file is read once by Polars with
every column as text and turned into records by vectorised expressions; Python
only touches the few rows that are rejected.

Run ``python -m etl.provider [--profile my.toml] export.csv`` to check a profile
against a file without touching the warehouse.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache, partial
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from common.text import BOM, decode, looks_utf16, strip_utf8_bom, unknown_encoding, utf8_or_cp1252
from etl import records
from etl.records import LEARNING_SCHEMA, Parsed, Rejected, UnreadableFile

KIND = "provider"

#: Where the built-in profiles live.
PROFILE_DIR = Path(__file__).resolve().parent / "profiles"

#: How a provider file may name a learner (hashed identities never occur in these exports).
PROFILE_LEARNER_KINDS = ("employee_id", "email", "account")

#: Keys a profile may use, per section ("" = the top of the file).
_TOP_KEYS = (
    "name",
    "vendor",
    "learner_kind",
    "date_formats",
    "time_zone",
    "score_scale",
    "source_record_id",
    "delimiter",
    "encoding",
)
_SECTIONS = ("detect", "columns", "status")
_DETECT_KEYS = ("columns",)
_COLUMN_KEYS = ("learner", "course", "completion_date", "status", "score", "progress", "last_activity_date")
_STATUS_KEYS = records.STATUSES
_TEMPLATE_FILTERS = ("lower", "upper")
_DELIMITER_WORDS = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}
_GUESSED_DELIMITERS = (",", ";", "\t", "|")

#: A date that every usable pattern can print and read back (checks patterns when a profile loads).
_PATTERN_PROBE = datetime(2024, 3, 5, 14, 7, 9, tzinfo=UTC)

#: Names of helper columns; the double underscores keep them apart from any vendor column.
_ROW = "__row_number__"


@dataclass(frozen=True)
class Profile:
    """A validated mapping profile: which columns of one vendor's CSV mean what.

    Column names are kept as the profile writes them; they are matched against a
    file's header case-insensitively and with surrounding spaces ignored.
    """

    name: str
    vendor: str
    detect_columns: tuple[str, ...]
    learner_column: str
    learner_kind: str
    course_column: str
    completion_date_column: str
    date_formats: tuple[str, ...]
    time_zone: str = "UTC"
    status_column: str | None = None
    #: (lower-cased status word, normalised status) pairs, from the [status] section.
    status_words: tuple[tuple[str, str], ...] = ()
    score_column: str | None = None
    score_scale: float = 100.0
    progress_column: str | None = None
    last_activity_date_column: str | None = None
    #: The source_record_id template as written (or the default one) ...
    source_record_id: str = ""
    #: ... and parsed: ("text", literal) or ("column", column name, filters) pieces.
    id_pieces: tuple[tuple, ...] = ()
    delimiter: str | None = None
    encoding: str | None = None
    path: Path | None = None

    @property
    def status_map(self) -> dict[str, str]:
        """Lower-cased status word -> normalised status."""
        return dict(self.status_words)

    def columns_used(self) -> list[str]:
        """Every column the profile reads (detect columns excepted), without repeats."""
        names = [
            self.learner_column,
            self.course_column,
            self.completion_date_column,
            self.status_column,
            self.score_column,
            self.progress_column,
            self.last_activity_date_column,
        ]
        names += [piece[1] for piece in self.id_pieces if piece[0] == "column"]
        seen: dict[str, str] = {}
        for n in names:
            if n is not None:
                seen.setdefault(_norm(n), n)
        return list(seen.values())


# --------------------------------------------------------------------------- profiles


def load_profile(path: str | Path) -> Profile:
    """Read and validate a profile; any mistake raises UnreadableFile naming the bad key.

    Validation happens here, once, so that a typo in a profile is reported in
    words before any file is read, instead of as an odd result afterwards.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UnreadableFile(f"profile {p.name} does not exist.") from None
    except UnicodeDecodeError:
        raise UnreadableFile(f"profile {p.name} is not UTF-8 text.") from None
    except OSError as exc:
        raise UnreadableFile(f"profile {p.name} cannot be opened ({exc.strerror}).") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UnreadableFile(f"profile {p.name} is not valid TOML: {exc}.") from None
    return _ProfileReader(p.name).build(data, p)


@lru_cache(maxsize=1)
def _builtin_profiles() -> tuple[Profile, ...]:
    return tuple(load_profile(p) for p in sorted(PROFILE_DIR.glob("*.toml")))


def builtin_profiles() -> list[Profile]:
    """All profiles shipped in etl/profiles/, in file-name order."""
    return list(_builtin_profiles())


def match_profile(header: list[str], profiles: list[Profile] | None = None) -> Profile | None:
    """The profile whose detect columns all appear in `header`; the most specific one wins.

    Most specific = most detect columns, then most of its other columns present,
    so a customer profile that adds one column to a vendor's beats the vendor's.
    """
    names = {_norm(h) for h in header}
    best, best_key = None, None
    for profile in builtin_profiles() if profiles is None else profiles:
        key = _specificity(profile, names)
        if key is not None and (best_key is None or key > best_key):
            best, best_key = profile, key
    return best


def sniff(name: str, head: str) -> bool:
    """True when the header line of `head` is recognised by a built-in profile."""
    return _match_head(head, builtin_profiles()) is not None


# --------------------------------------------------------------------------- reading


def read(path: str | Path, profile: Profile | str | Path | None = None) -> Parsed:
    """Normalised learning records of one provider CSV, read through a mapping profile.

    `profile` is a Profile, the path of a profile TOML file, the file name stem or
    name of a built-in profile, or None to pick the built-in profile that
    recognises the file's columns.  The result's `profile` attribute is the
    profile used (the loader reads `parsed.profile.vendor`).
    """
    path = Path(path)
    chosen = _resolve_profile(profile)
    data = _utf8_bytes(path, chosen.encoding if chosen else None)
    if chosen is None:
        chosen = _match_head(data[:65536].decode("utf-8", errors="replace"), builtin_profiles())
        if chosen is None:
            raise UnreadableFile(
                f"no mapping profile recognises the columns of {path.name}; write one (see docs/mapping-profiles.md)."
            )
        if chosen.encoding:
            data = _utf8_bytes(path, chosen.encoding)
    delimiter = chosen.delimiter or _guess_delimiter(data[:65536].decode("utf-8", errors="replace"))
    header, frame, early = _read_table(data, delimiter, path.name)
    cols = _resolve_columns(chosen, header, path.name)
    records_frame, rejected, raw_source = _normalise(frame, header, cols, chosen)
    rejected = sorted(early + rejected, key=lambda r: r.row_number)
    parsed = Parsed(
        kind=KIND, rows_read=frame.height + len(early), records=records_frame, rejected=rejected, raw_source=raw_source
    )
    parsed.profile = chosen  # the schema of Parsed is fixed; the loader reads the vendor here
    return parsed


def _resolve_profile(profile: Profile | str | Path | None) -> Profile | None:
    """Turn the `profile` argument of read() into a Profile (None stays None)."""
    if profile is None or isinstance(profile, Profile):
        return profile
    p = Path(profile)
    if p.suffix.lower() == ".toml" or p.exists():
        return load_profile(p)
    wanted = str(profile).strip().casefold()
    for candidate in builtin_profiles():
        stem = candidate.path.stem.casefold() if candidate.path else ""
        if wanted in (stem, candidate.name.casefold()):
            return candidate
    raise UnreadableFile(
        f"there is no mapping profile called '{profile}'; "
        "give the path of a profile file or see docs/mapping-profiles.md."
    )


def _utf8_bytes(path: Path, encoding: str | None) -> bytes:
    """The file as UTF-8 bytes without a BOM, which is what Polars reads fastest.

    UTF-8 files (the usual, large case) are passed through untouched; UTF-16
    "Excel" exports and files in an encoding the profile names are decoded first.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile(f"{path.name} does not exist.") from None
    except OSError as exc:
        raise UnreadableFile(f"{path.name} cannot be opened ({exc.strerror}).") from None
    if encoding and encoding != "utf-8":
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            raise UnreadableFile(
                f"{path.name} is not text in the encoding {encoding} that the profile names."
            ) from None
        data = text.lstrip(BOM).encode("utf-8")
    elif looks_utf16(data):
        data = decode(data).encode("utf-8")
    else:
        data = strip_utf8_bom(data)
    if not data.strip():
        raise UnreadableFile(f"{path.name} is empty.")
    return data


def _read_table(data: bytes, delimiter: str, filename: str) -> tuple[list[str], pl.DataFrame, list[Rejected]]:
    """Header, data rows (all text, blank rows dropped, numbered from 1) and rows rejected on sight."""
    try:
        frame = pl.read_csv(
            data, separator=delimiter, infer_schema=False, has_header=True, quote_char='"', raise_if_empty=False
        )
        early: list[Rejected] = []
    except pl.exceptions.ComputeError as exc:
        message = str(exc)
        if "invalid utf-8" in message.lower():
            try:
                text = utf8_or_cp1252(data)
            except UnicodeDecodeError:
                raise UnreadableFile(unknown_encoding(filename)) from None
            return _read_table(text.encode("utf-8"), delimiter, filename)
        if "more fields" not in message:
            raise UnreadableFile(f"{filename} is not a well-formed CSV file ({message.splitlines()[0]}).") from None
        header, frame, early = _read_ragged(data, delimiter, filename)
        return header, frame, early
    except pl.exceptions.PolarsError as exc:
        raise UnreadableFile(f"{filename} is not a well-formed CSV file ({str(exc).splitlines()[0]}).") from None
    header = _clean_header(frame.columns)
    frame = frame.rename(dict(zip(frame.columns, header, strict=False)))
    if frame.width == 0:
        raise UnreadableFile(f"{filename} has no header row.")
    not_blank = ~pl.all_horizontal([pl.col(c).fill_null("").str.strip_chars() == "" for c in header])
    frame = frame.filter(not_blank).with_row_index(_ROW, offset=1).with_columns(pl.col(_ROW).cast(pl.Int64))
    return header, frame, early


def _read_ragged(data: bytes, delimiter: str, filename: str) -> tuple[list[str], pl.DataFrame, list[Rejected]]:
    """Slow path for a file with rows longer than its header (an unquoted delimiter in a value).

    Those rows are rejected instead of failing the whole file; the rest is read
    row by row with the csv module, which only happens for such broken files.
    """
    text = data.decode("utf-8", errors="replace")
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = _clean_header(next(rows))
        body = [r for r in rows if any(c.strip() for c in r)]
    except csv.Error as exc:
        raise UnreadableFile(f"{filename} is not a well-formed CSV file ({exc}).") from None
    width = len(header)
    kept: list[list[str | None]] = []
    numbers: list[int] = []
    early: list[Rejected] = []
    for number, row in enumerate(body, start=1):
        if len(row) > width:
            early.append(
                Rejected(
                    number,
                    f"the row has {len(row)} values but the header has {width} columns "
                    "(a value probably contains an unquoted delimiter)",
                    records.raw_csv_line(header, row),
                )
            )
            continue
        kept.append([c if c != "" else None for c in row] + [None] * (width - len(row)))
        numbers.append(number)
    columns = {h: [r[i] for r in kept] for i, h in enumerate(header)}
    frame = pl.DataFrame(columns, schema=dict.fromkeys(header, pl.String))
    frame = frame.with_columns(pl.Series(_ROW, numbers, dtype=pl.Int64)).select([_ROW, *header])
    return header, frame, early


def _resolve_columns(profile: Profile, header: list[str], filename: str) -> dict[str, str]:
    """Profile column name (normalised) -> the file's column name; missing ones make the file unreadable."""
    actual = {}
    for h in header:
        actual.setdefault(_norm(h), h)
    missing = [c for c in profile.columns_used() if _norm(c) not in actual]
    if missing:
        quoted = [f"'{c}'" for c in missing]
        names = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
        word = "column" if len(missing) == 1 else "columns"
        raise UnreadableFile(f"{filename} lacks the {word} {names} that profile '{profile.name}' reads.")
    return {_norm(c): actual[_norm(c)] for c in profile.columns_used()}


# --------------------------------------------------------------------------- normalising


#: A rule a row must pass: (expression true for a bad row, reason for that row).
Check = tuple[pl.Expr, pl.Expr]


def _normalise(
    frame: pl.DataFrame, header: list[str], cols: dict[str, str], profile: Profile
) -> tuple[pl.DataFrame, list[Rejected], Callable[[list[int]], list[str]]]:
    """Records for the usable rows and Rejected for the others, in one vectorised pass, and
    the function that writes records' rows back as CSV lines (``raw`` stays empty: a line
    is written only for the few records the loader rejects).

    Each step adds helper columns and the checks it needs; a row's reason is the
    first check it fails, so a manager sees one thing to fix per row.
    """

    def col(name: str) -> str:
        return cols[_norm(name)]

    def cell(name: str) -> pl.Expr:
        """A cell as trimmed text; an empty cell is null."""
        v = pl.col(col(name)).str.strip_chars()
        return pl.when(v == "").then(None).otherwise(v)

    lf, checks = _identity_step(frame.lazy(), profile, cell)
    if profile.status_column:
        lf, more = _status_word_step(lf, profile, cell)
        checks += more
    lf, more, when = _date_step(lf, profile, cell)
    checks += more
    if not profile.status_column:
        lf, more = _status_rule_step(lf, profile, cell)
        checks += more
    lf, more, score = _score_step(lf, profile, cell)
    checks += more

    out = lf.with_columns(
        __reason=_first_reason(checks),
        __completed_at=when.cast(LEARNING_SCHEMA["completed_at"]),
        __score=score.cast(pl.Float64),
    ).collect()

    bad = out.filter(pl.col("__reason").is_not_null())
    rejected = [
        Rejected(row[0], row[1], records.raw_csv_line(header, [v if v is not None else "" for v in row[2:]]))
        for row in bad.select([_ROW, "__reason", *header]).iter_rows()
    ]
    good = out.filter(pl.col("__reason").is_null())
    result = good.select(
        pl.col(_ROW).cast(pl.Int64).alias("row_number"),
        pl.lit(profile.learner_kind, dtype=pl.String).alias("learner_kind"),
        pl.col("__learner").alias("learner_value"),
        pl.lit(None, dtype=pl.String).alias("learner_salt"),
        pl.col("__course").alias("course_key"),
        pl.col("__status").alias("status"),
        pl.col("__completed_at").alias("completed_at"),
        pl.col("__score").alias("score"),
        pl.lit(None, dtype=LEARNING_SCHEMA["expires_at"]).alias("expires_at"),
        _record_id(profile, col).alias("source_record_id"),
        pl.lit(None, dtype=pl.String).alias("raw"),
    )
    raw_source = partial(_raw_lines_of, good.select(header), header)
    return result.cast(LEARNING_SCHEMA), rejected, raw_source  # type: ignore[arg-type]


def _raw_lines_of(rows: pl.DataFrame, header: list[str], positions: list[int]) -> list[str]:
    """The rows at these positions as CSV lines (records.raw_csv_line's form)."""
    return rows[positions].select(_raw_line(header).alias("raw"))["raw"].to_list()


def _identity_step(lf: pl.LazyFrame, profile: Profile, cell) -> tuple[pl.LazyFrame, list[Check]]:
    """Learner and course as written (trimmed); a row without either cannot be attributed."""
    lf = lf.with_columns(__learner=cell(profile.learner_column), __course=cell(profile.course_column))
    return lf, [
        (pl.col("__learner").is_null(), pl.lit(f"{profile.learner_column} is empty, so the learner is unknown")),
        (pl.col("__course").is_null(), pl.lit(f"{profile.course_column} is empty, so the course is unknown")),
    ]


def _status_word_step(lf: pl.LazyFrame, profile: Profile, cell) -> tuple[pl.LazyFrame, list[Check]]:
    """Status from the [status] word lists, case-insensitively; unlisted words say nothing about learning."""
    words = profile.status_map
    column = profile.status_column
    lf = lf.with_columns(__status_text=cell(column))
    lf = lf.with_columns(
        __status=pl.col("__status_text")
        .str.to_lowercase()
        .replace_strict(list(words), list(words.values()), default=None, return_dtype=pl.String)
    )
    return lf, [
        (pl.col("__status_text").is_null(), pl.lit(f"{column} is empty, so the row carries no learning outcome")),
        (
            pl.col("__status").is_null(),
            _text(
                f"{column} '",
                pl.col("__status_text"),
                "' carries no learning outcome (the profile's [status] list does not name it)",
            ),
        ),
    ]


def _date_step(lf: pl.LazyFrame, profile: Profile, cell) -> tuple[pl.LazyFrame, list[Check], pl.Expr]:
    """Completion date, and the last activity date where there is none; returns the record's date."""
    lf = lf.with_columns(__done_text=cell(profile.completion_date_column))
    lf = lf.with_columns(**_date_exprs(pl.col("__done_text"), "__done", profile))
    checks = _date_checks("__done", profile.completion_date_column, profile)
    if not profile.last_activity_date_column:
        return lf, checks, pl.col("__done")
    lf = lf.with_columns(__seen_text=cell(profile.last_activity_date_column))
    lf = lf.with_columns(**_date_exprs(pl.col("__seen_text"), "__seen", profile))
    used = pl.col("__done_text").is_null()  # a bad last-activity date only matters when it is used
    checks += [(used & bad, why) for bad, why in _date_checks("__seen", profile.last_activity_date_column, profile)]
    return lf, checks, pl.coalesce(pl.col("__done"), pl.col("__seen"))


def _status_rule_step(lf: pl.LazyFrame, profile: Profile, cell) -> tuple[pl.LazyFrame, list[Check]]:
    """Status without a status column: completion date -> completed, progress > 0 -> in_progress, else enrolled."""
    checks: list[Check] = []
    started = pl.lit(False)
    if profile.progress_column:
        lf = lf.with_columns(__progress_text=cell(profile.progress_column))
        lf = lf.with_columns(__progress=_number(pl.col("__progress_text")))
        checks.append(
            (
                pl.col("__done_text").is_null()
                & pl.col("__progress_text").is_not_null()
                & pl.col("__progress").is_null(),
                _text(f"{profile.progress_column} '", pl.col("__progress_text"), "' is not a number"),
            )
        )
        started = pl.col("__progress") > 0
    lf = lf.with_columns(
        __status=pl.when(pl.col("__done").is_not_null())
        .then(pl.lit("completed"))
        .when(started)
        .then(pl.lit("in_progress"))
        .otherwise(pl.lit("enrolled"))
    )
    return lf, checks


def _score_step(lf: pl.LazyFrame, profile: Profile, cell) -> tuple[pl.LazyFrame, list[Check], pl.Expr]:
    """Score rescaled from 0..score_scale to 0..100; a score outside the scale is a data error, not clipped."""
    if not profile.score_column:
        return lf, [], pl.lit(None, dtype=pl.Float64)
    column, scale = profile.score_column, profile.score_scale
    lf = lf.with_columns(__score_text=cell(column))
    lf = lf.with_columns(__score_value=_number(pl.col("__score_text")))
    checks = [
        (
            pl.col("__score_text").is_not_null() & pl.col("__score_value").is_null(),
            _text(f"{column} '", pl.col("__score_text"), "' is not a number"),
        ),
        (
            ~pl.col("__score_value").is_between(0, scale),
            _text(f"{column} ", pl.col("__score_text"), f" is outside 0..{scale:g}"),
        ),
    ]
    score = pl.col("__score_value") * 100.0 / scale if scale != 100 else pl.col("__score_value")
    return lf, checks, score


def _first_reason(checks: list[Check]) -> pl.Expr:
    """The reason of the first check a row fails, or null for a usable row."""
    reason = pl.lit(None, dtype=pl.String)
    for bad, why in reversed(checks):
        reason = pl.when(bad.fill_null(False)).then(why).otherwise(reason)
    return reason


def _date_exprs(text: pl.Expr, alias: str, profile: Profile) -> dict[str, pl.Expr]:
    """UTC timestamp of a date cell, plus whether any pattern read it (before time-zone rules).

    Each pattern is tried in order; a pattern with an offset (%z) gives an
    absolute time, any other is wall-clock time in the profile's zone.  An hour
    that happens twice when clocks go back is read as the first one; an hour that
    does not exist when clocks go forward gives no time (and a rejected row).
    """
    naive_hits, utc_values = [], []
    for fmt in profile.date_formats:
        parsed = text.str.strptime(pl.Datetime("us"), _polars_pattern(fmt), strict=False, exact=True)
        if _pattern_has_offset(fmt):
            utc = parsed.dt.convert_time_zone("UTC")
        else:
            utc = parsed.dt.replace_time_zone(
                profile.time_zone, ambiguous="earliest", non_existent="null"
            ).dt.convert_time_zone("UTC")
        naive_hits.append(parsed.is_not_null())
        utc_values.append(utc.cast(pl.Datetime("us", "UTC")))
    return {alias: pl.coalesce(utc_values), f"{alias}_read": pl.any_horizontal(naive_hits)}


def _date_checks(alias: str, column: str, profile: Profile) -> list[tuple[pl.Expr, pl.Expr]]:
    """(bad, reason) pairs for a date cell that is not in the profile's patterns or not a real local time."""
    text = pl.col(f"{alias}_text")
    patterns = profile.date_formats
    if len(patterns) == 1:
        expected = f"the pattern {patterns[0]}"
    else:
        expected = "any of the patterns " + ", ".join(patterns[:-1]) + " or " + patterns[-1]
    return [
        (text.is_not_null() & ~pl.col(f"{alias}_read"), _text(f"{column} '", text, f"' is not a date in {expected}")),
        (
            text.is_not_null() & pl.col(alias).is_null(),
            _text(
                f"{column} '", text, f"' is not a time that exists in {profile.time_zone} (the clocks skip that hour)"
            ),
        ),
    ]


def _number(text: pl.Expr) -> pl.Expr:
    """A finite number from text such as '85', '85.5' or '85%'; anything else is null."""
    value = text.str.strip_suffix("%").str.strip_chars().cast(pl.Float64, strict=False)
    return pl.when(value.is_finite()).then(value).otherwise(None)


def _text(before: str, value: pl.Expr, after: str) -> pl.Expr:
    return pl.concat_str([pl.lit(before), value, pl.lit(after)])


def _record_id(profile: Profile, col) -> pl.Expr:
    """source_record_id from the profile's template: literal text and (filtered) trimmed cells."""
    parts = []
    for piece in profile.id_pieces:
        if piece[0] == "text":
            parts.append(pl.lit(piece[1]))
            continue
        value = pl.col(col(piece[1])).fill_null("").str.strip_chars()
        for f in piece[2]:
            value = value.str.to_lowercase() if f == "lower" else value.str.to_uppercase()
        parts.append(value)
    return pl.concat_str(parts)


def _raw_line(header: list[str]) -> pl.Expr:
    """Each row as one CSV line, exactly as records.raw_csv_line writes it, for every row at once."""
    parts = []
    for h in header:
        v = pl.col(h).fill_null("")
        needs_quotes = v.str.contains(r'[,"]')
        if len(header) == 1:
            needs_quotes = needs_quotes | (v == "")
        parts.append(
            pl.when(needs_quotes)
            .then(pl.concat_str([pl.lit('"'), v.str.replace_all('"', '""', literal=True), pl.lit('"')]))
            .otherwise(v)
        )
    return pl.concat_str(parts, separator=",")


# --------------------------------------------------------------------------- header helpers


def _norm(name: str) -> str:
    """How column names are compared: BOM and surrounding spaces ignored, case-insensitive."""
    return name.replace(BOM, "").strip().casefold()


def _clean_header(names: list[str]) -> list[str]:
    """Column names without BOM and surrounding spaces, kept unique (Polars needs unique names)."""
    cleaned: list[str] = []
    for i, n in enumerate(names, start=1):
        c = n.replace(BOM, "").strip() or f"column {i}"
        while c in cleaned:
            c = f"{c} ({i})"
        cleaned.append(c)
    return cleaned


def _specificity(profile: Profile, names: set[str]) -> tuple[int, int] | None:
    """None when the profile's detect columns are not all in `names`, else how specific the match is."""
    detect = {_norm(c) for c in profile.detect_columns}
    if not detect <= names:
        return None
    return len(detect), sum(_norm(c) in names for c in profile.columns_used())


def _first_record(head: str, delimiter: str) -> list[str]:
    """The header row at the start of `head` (BOM stripped)."""
    try:
        return next(csv.reader(io.StringIO(head.lstrip(BOM), newline=""), delimiter=delimiter), [])
    except csv.Error:
        return []


def _guess_delimiter(head: str) -> str:
    """The delimiter that splits the header row into the most columns (comma on a tie)."""
    best, best_count = ",", 1
    for d in _GUESSED_DELIMITERS:
        count = len(_first_record(head, d))
        if count > best_count:
            best, best_count = d, count
    return best


def _match_head(head: str, profiles: list[Profile]) -> Profile | None:
    """The most specific profile that recognises the header row of `head`, each split by its own delimiter."""
    best, best_key = None, None
    guessed = _guess_delimiter(head)
    for profile in profiles:
        names = {_norm(h) for h in _first_record(head, profile.delimiter or guessed)}
        key = _specificity(profile, names)
        if key is not None and (best_key is None or key > best_key):
            best, best_key = profile, key
    return best


def _polars_pattern(fmt: str) -> str:
    """A strptime pattern as Polars reads it: Python's ".%f" (fraction of a second) is "%.f" there."""
    return fmt.replace(".%f", "%.f")


def _pattern_has_offset(fmt: str) -> bool:
    """Whether a strptime pattern reads a UTC offset, so its dates are absolute times."""
    return bool(re.search(r"%[:#]?z", fmt))


# --------------------------------------------------------------------------- profile validation


class _ProfileReader:
    """Checks a parsed TOML profile key by key; each mistake is one sentence naming the key."""

    def __init__(self, label: str):
        self.label = label

    def fail(self, message: str) -> UnreadableFile:
        return UnreadableFile(f"profile {self.label}: {message}.")

    @staticmethod
    def key(section: str, key: str) -> str:
        return f"[{section}] {key}" if section else key

    def known_keys(self, table: dict, section: str, allowed: tuple[str, ...]) -> None:
        for k, v in table.items():
            if section == "" and k in _SECTIONS:
                continue
            if k in allowed:
                continue
            if section == "" and isinstance(v, dict):
                raise self.fail(f"[{k}] is not a known section (use {', '.join(f'[{s}]' for s in _SECTIONS)})")
            hint = ""
            if section and k in _TOP_KEYS:
                hint = "; settings that are not column names go above the first [section]"
            raise self.fail(f"{self.key(section, k)} is not a known key (known keys: {', '.join(allowed)}){hint}")

    def text(self, table: dict, section: str, key: str, *, required: bool) -> str | None:
        if key not in table:
            if required:
                raise self.fail(f"{self.key(section, key)} is missing")
            return None
        value = table[key]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{self.key(section, key)} must be text in quotes, not {_show(value)}")
        return value.strip()

    def text_list(self, table: dict, section: str, key: str, *, required: bool) -> list[str]:
        if key not in table:
            if required:
                raise self.fail(f"{self.key(section, key)} is missing")
            return []
        value = table[key]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(f'{self.key(section, key)} must be a list of texts in quotes, such as ["A", "B"]')
        return [v.strip() for v in value]

    def section(self, data: dict, name: str, *, required: bool) -> dict | None:
        if name not in data:
            if required:
                raise self.fail(f"[{name}] is missing")
            return None
        if not isinstance(data[name], dict):
            raise self.fail(f"{name} must be a section written as [{name}] on its own line")
        return data[name]

    def build(self, data: dict, path: Path | None) -> Profile:
        self.known_keys(data, "", _TOP_KEYS)
        name = self.text(data, "", "name", required=True)
        vendor = self.text(data, "", "vendor", required=True)

        learner_kind = self.text(data, "", "learner_kind", required=True)
        if learner_kind not in PROFILE_LEARNER_KINDS:
            raise self.fail(f"learner_kind '{learner_kind}' must be one of {', '.join(PROFILE_LEARNER_KINDS)}")

        detect = self.section(data, "detect", required=True)
        self.known_keys(detect, "detect", _DETECT_KEYS)
        detect_columns = self.text_list(detect, "detect", "columns", required=True)

        columns = self.section(data, "columns", required=True)
        self.known_keys(columns, "columns", _COLUMN_KEYS)
        col = {
            k: self.text(columns, "columns", k, required=k in ("learner", "course", "completion_date"))
            for k in _COLUMN_KEYS
        }

        status_words: dict[str, str] = {}
        status = self.section(data, "status", required=False)
        if col["status"] and status is None:
            raise self.fail("[status] is missing, but [columns] status is set; list the status words under [status]")
        if status is not None:
            if not col["status"]:
                raise self.fail(
                    "[status] lists status words, but [columns] status does not say which column holds them"
                )
            self.known_keys(status, "status", _STATUS_KEYS)
            for outcome in _STATUS_KEYS:
                for word in self.text_list(status, "status", outcome, required=False):
                    w = word.lower()
                    if w in status_words and status_words[w] != outcome:
                        raise self.fail(f"[status] '{word}' is listed under both {status_words[w]} and {outcome}")
                    status_words[w] = outcome
            if not status_words:
                raise self.fail("[status] lists no status words")
        if col["status"] and col["progress"]:
            raise self.fail("[columns] progress is only used when there is no [columns] status; remove one of them")

        date_formats = self.text_list(data, "", "date_formats", required=True)
        for fmt in date_formats:
            self.check_pattern(fmt)
        time_zone = self.text(data, "", "time_zone", required=False) or "UTC"
        self.check_time_zone(time_zone)

        score_scale = 100.0
        if "score_scale" in data:
            value = data["score_scale"]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise self.fail(f"score_scale must be a number above 0 (the best possible score), not {_show(value)}")
            if not col["score"]:
                raise self.fail("score_scale is set, but [columns] score does not say which column holds the score")
            score_scale = float(value)

        template = self.text(data, "", "source_record_id", required=False)
        if template is None:
            slug = re.sub(r"[^a-z0-9]+", "-", vendor.lower()).strip("-") or "provider"
            learner_filters = ("lower",) if learner_kind == "email" else ()
            pieces = (
                ("text", f"{slug}:"),
                ("column", col["learner"], learner_filters),
                ("text", ":"),
                ("column", col["course"], ()),
            )
            template = f"{slug}:{{{col['learner']}{'|lower' if learner_filters else ''}}}:{{{col['course']}}}"
        else:
            pieces = self.parse_template(template)

        delimiter = self.delimiter(data.get("delimiter"))

        encoding = self.text(data, "", "encoding", required=False)
        if encoding is not None:
            try:
                encoding = codecs.lookup(encoding).name
            except LookupError:
                raise self.fail(
                    f"encoding '{encoding}' is not an encoding name such as utf-8, utf-16 or cp1252"
                ) from None
            if encoding == "utf-8-sig":
                encoding = "utf-8"

        return Profile(
            name=name,
            vendor=vendor,
            detect_columns=tuple(detect_columns),
            learner_column=col["learner"],
            learner_kind=learner_kind,
            course_column=col["course"],
            completion_date_column=col["completion_date"],
            date_formats=tuple(date_formats),
            time_zone=time_zone,
            status_column=col["status"],
            status_words=tuple(status_words.items()),
            score_column=col["score"],
            score_scale=score_scale,
            progress_column=col["progress"],
            last_activity_date_column=col["last_activity_date"],
            source_record_id=template,
            id_pieces=pieces,
            delimiter=delimiter,
            encoding=encoding,
            path=path,
        )

    def delimiter(self, value) -> str | None:
        """One character, or a word for it (a tab is hard to see in a text file)."""
        if value is None:
            return None
        d = _DELIMITER_WORDS.get(value.strip().lower(), value) if isinstance(value, str) else None
        if d is None or len(d) != 1 or d in '"\r\n':
            raise self.fail(
                f'delimiter {_show(value)} must be one character such as "," or ";" '
                "(or the word comma, semicolon, tab or pipe)"
            )
        return d

    def check_pattern(self, fmt: str) -> None:
        """A pattern must print a date and read it back, in Python and in Polars alike."""
        try:
            sample = _PATTERN_PROBE.strftime(fmt.replace("%.f", ".%f"))
            ok = (
                "%" in fmt
                and pl.Series([sample]).str.strptime(pl.Datetime("us"), _polars_pattern(fmt), strict=False).null_count()
                == 0
            )
        except Exception:
            ok = False
        if not ok:
            raise self.fail(
                f"date_formats '{fmt}' is not a date pattern this tool can read "
                "(write it with codes such as %Y-%m-%d %H:%M:%S)"
            )

    def check_time_zone(self, name: str) -> None:
        try:
            ZoneInfo(name)
            pl.Series([datetime(2024, 1, 1)]).dt.replace_time_zone(name)
        except (ZoneInfoNotFoundError, ValueError, pl.exceptions.PolarsError):
            raise self.fail(
                f"time_zone '{name}' is not a time zone name such as UTC, Europe/Berlin or America/Los_Angeles"
            ) from None

    def parse_template(self, template: str) -> tuple[tuple, ...]:
        """Split "linkedin:{Email|lower}:{Content ID}" into literal and column pieces."""
        pieces: list[tuple] = []
        pos = 0
        for m in re.finditer(r"\{([^{}]*)\}", template):
            pieces.append(("text", template[pos : m.start()]))
            parts = [p.strip() for p in m.group(1).split("|")]
            if not parts[0]:
                raise self.fail("source_record_id has an empty {}; put a column name inside the braces")
            for f in parts[1:]:
                if f not in _TEMPLATE_FILTERS:
                    raise self.fail(f"source_record_id uses '|{f}', but only |lower and |upper are known")
            pieces.append(("column", parts[0], tuple(parts[1:])))
            pos = m.end()
        pieces.append(("text", template[pos:]))
        if any(p[0] == "text" and ("{" in p[1] or "}" in p[1]) for p in pieces):
            raise self.fail("source_record_id has a { or } without its partner")
        if not any(p[0] == "column" for p in pieces):
            raise self.fail(
                "source_record_id names no column; write column names in braces, "
                "such as mylms:{Email|lower}:{Course ID}"
            )
        return tuple(p for p in pieces if p[0] == "column" or p[1])


def _show(value) -> str:
    """A TOML value as the user wrote it, for error messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "a section"
    return repr(value)


# --------------------------------------------------------------------------- command line


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


if __name__ == "__main__":
    sys.exit(main())
