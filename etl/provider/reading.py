"""A provider CSV read through a mapping profile.

The file is read once by Polars, as UTF-8 with every column as text: its bytes are
made UTF-8 first when they are not, its delimiter is the profile's or guessed from
the header, and the profile's columns are found in the header before any row is
turned into a record (normalise.py).

Encodings follow common.text: the profile's encoding when it names one, else UTF-16
or UTF-8, else the file's lines decide between UTF-8 and Windows-1252 once for the
whole file. A UTF-8 file (the usual, large case) goes to Polars untouched; only when
Polars finds bytes that are not UTF-8 is the file decoded in Python, and then the
rows holding a byte that is not text in the file's encoding, or a NUL, are rejected
with a reason naming the byte and the column, before any other rule. A header that
names a column twice is refused: which of the two the profile means is unknown.

The records keep no copy of their rows: when the loader rejects a few (an unknown learner or
course), their rows are written as CSV lines from the file read again the same way, so that a
large file's cells are not held in memory through the whole load.
"""

from __future__ import annotations

import csv
import io
from functools import partial
from pathlib import Path

import polars as pl

from common.text import (
    BOM,
    MARK_PATTERN,
    UnknownEncoding,
    decode_marked,
    looks_utf16,
    strip_utf8_bom,
    text_problem,
    unknown_encoding,
)
from etl import records
from etl.provider.normalise import _ROW, _normalise, _raw_lines_of
from etl.provider.profiles import Profile, _norm, _specificity, builtin_profiles, load_profile
from etl.records import Parsed, Rejected, UnreadableFile

KIND = "provider"

_GUESSED_DELIMITERS = (",", ";", "\t", "|")


def sniff(name: str, head: str) -> bool:
    """True when the header line of `head` is recognised by a built-in profile."""
    return _match_head(head, builtin_profiles()) is not None


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
    del data  # Polars holds the cells: the file's bytes are no longer needed (memory)
    cols = _resolve_columns(chosen, header, path.name)
    records_frame, rejected, kept = _normalise(frame, header, cols, chosen)
    rejected = sorted(early + rejected, key=lambda r: r.row_number)
    rows_read, height = frame.height + len(early), frame.height
    del frame  # the cells of the records' rows are read again only if the loader rejects some (memory)
    parsed = Parsed(
        kind=KIND,
        rows_read=rows_read,
        records=records_frame,
        rejected=rejected,
        raw_source=partial(_raw_lines_again, path, chosen.encoding, delimiter, height, kept),
    )
    parsed.profile = chosen  # the schema of Parsed is fixed; the loader reads the vendor here
    return parsed


def _raw_lines_again(
    path: Path, encoding: str | None, delimiter: str, height: int, kept: pl.Series | None, positions: list[int]
) -> list[str]:
    """The rows of these records (positions in ``Parsed.records``) as CSV lines, from the file read
    again the same way: a million rows' cells are not held through the whole load for the few
    the loader may reject (a file that changed meanwhile is refused, not misread)."""
    header, frame, _ = _read_table(_utf8_bytes(path, encoding), delimiter, path.name)
    if frame.height != height:
        raise UnreadableFile(f"{path.name} changed while it was being loaded; load it again.")
    return _raw_lines_of(frame.select(header), kept, header, positions)


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
    data = records.read_bytes(path)
    if encoding and encoding != "utf-8":
        try:
            text = decode_marked(data, encoding).text
        except UnicodeDecodeError:
            raise UnreadableFile(
                f"{path.name} is not text in the encoding {encoding} that the profile names."
            ) from None
        data = text.encode("utf-8")
    elif looks_utf16(data):
        try:
            data = decode_marked(data).text.encode("utf-8")
        except UnicodeDecodeError:
            raise UnreadableFile(unknown_encoding(path.name)) from None
    else:
        data = strip_utf8_bom(data)
    if not data.strip():
        raise UnreadableFile(f"{path.name} is empty.")
    return data


class _NotUtf8(Exception):
    """Polars met bytes that are not UTF-8: the file is decoded in Python (common.text) and read again."""


def _read_table(data: bytes, delimiter: str, filename: str) -> tuple[list[str], pl.DataFrame, list[Rejected]]:
    """Header, data rows (all text, blank rows dropped, numbered from 1) and rows rejected on sight.

    Rejected on sight: rows longer than the header, and rows holding a byte that is
    not text (a NUL; in a file Polars could not read as UTF-8, common.text's marks).
    """
    try:
        header, frame, early = _parse_table(data, delimiter, filename)
        marked = b"\x00" in data or b"\xf4\x8f" in data  # a NUL, or a mark (U+10Fxxx) from decoding UTF-16
    except _NotUtf8:
        try:
            data = decode_marked(data).text.encode("utf-8")
        except UnknownEncoding:
            raise UnreadableFile(unknown_encoding(filename)) from None
        header, frame, early = _parse_table(data, delimiter, filename)
        marked = True
    _check_header(data, delimiter, filename)
    if marked:
        frame, not_text = _split_not_text(frame, header)
        early = sorted(early + not_text, key=lambda r: r.row_number)
    return header, frame, early


def _check_header(data: bytes, delimiter: str, filename: str) -> None:
    """Refuse a header whose columns cannot be told apart: a title twice, or a byte that is not text."""
    titles = _first_record(data[:65536].decode("utf-8", errors="replace"), delimiter)
    problem = text_problem("the header row", titles, [str(i) for i in range(1, len(titles) + 1)])
    if problem:
        raise UnreadableFile(f"{filename} cannot be read: {problem}.")
    twice = records.repeated_title([t.replace(BOM, "") for t in titles], key=_norm)
    if twice:
        raise UnreadableFile(f"{filename} has {twice}, so which one holds the values is unclear; rename or remove one.")


def _split_not_text(frame: pl.DataFrame, header: list[str]) -> tuple[pl.DataFrame, list[Rejected]]:
    """The rows without a byte that is not text, and the others rejected with the first such cell's column."""
    marked = pl.any_horizontal([pl.col(c).str.contains(MARK_PATTERN).fill_null(False) for c in header])
    bad = frame.filter(marked)
    rejected = [
        Rejected(
            row[0],
            text_problem(f"row {row[0]}", row[1:], header) or "",
            records.raw_csv_line(header, [v if v is not None else "" for v in row[1:]]),
        )
        for row in bad.select(_ROW, *header).iter_rows()
    ]
    return frame.filter(~marked), rejected


def _parse_table(data: bytes, delimiter: str, filename: str) -> tuple[list[str], pl.DataFrame, list[Rejected]]:
    """Header, data rows and rows longer than the header; _NotUtf8 when the bytes are not all UTF-8."""
    try:
        frame = pl.read_csv(
            data, separator=delimiter, infer_schema=False, has_header=True, quote_char='"', raise_if_empty=False
        )
        early: list[Rejected] = []
    except pl.exceptions.ComputeError as exc:
        message = str(exc)
        if "invalid utf-8" in message.lower():
            raise _NotUtf8 from None
        if "more fields" not in message:
            raise UnreadableFile(f"{filename} is not a well-formed CSV file ({message.splitlines()[0]}).") from None
        return _read_ragged(data, delimiter, filename)
    except pl.exceptions.PolarsError as exc:
        raise UnreadableFile(f"{filename} is not a well-formed CSV file ({str(exc).splitlines()[0]}).") from None
    header = _clean_header(frame.columns)
    frame = frame.rename(dict(zip(frame.columns, header, strict=False)))
    if frame.width == 0:
        raise UnreadableFile(f"{filename} has no header row.")
    frame = _without_blank_rows(frame, header)
    frame = frame.with_row_index(_ROW, offset=1).with_columns(pl.col(_ROW).cast(pl.Int64))
    return header, frame, early


def _without_blank_rows(frame: pl.DataFrame, header: list[str]) -> pl.DataFrame:
    """The rows with at least one cell that is not blank (empty or spaces).

    A blank row is blank in its first column too: only the rows whose first cell is blank are
    looked at whole, and the frame is copied without them only when there are some.
    """
    blank = [pl.col(c).fill_null("").str.strip_chars() == "" for c in header]
    positions = frame.with_row_index("_position").filter(blank[0]).filter(pl.all_horizontal(blank))["_position"]
    if positions.is_empty():
        return frame
    return frame.filter(~pl.int_range(pl.len(), dtype=pl.UInt32).is_in(positions.implode()))


def _read_ragged(data: bytes, delimiter: str, filename: str) -> tuple[list[str], pl.DataFrame, list[Rejected]]:
    """Slow path for a file with rows longer than its header (an unquoted delimiter in a value).

    Those rows are rejected instead of failing the whole file; the rest is read
    row by row with the csv module, which only happens for such broken files.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _NotUtf8 from None
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


def _clean_header(names: list[str]) -> list[str]:
    """Column names without BOM and surrounding spaces, kept unique (Polars needs unique names)."""
    cleaned: list[str] = []
    for i, n in enumerate(names, start=1):
        c = n.replace(BOM, "").strip() or f"column {i}"
        while c in cleaned:
            c = f"{c} ({i})"
        cleaned.append(c)
    return cleaned


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
