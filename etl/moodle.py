"""Read Moodle completion exports into normalised learning records.

Two shapes come out of Moodle sites:

* The legacy "Course completion" report (``report/completion``): one CSV per
  course.  The course is named only in the file name
  ``completion-<shortname>-YYYYMMDD_HHMM-comma_separated.csv``; the header is
  ``ID, Name, <identity fields>, <criteria columns>, Course complete`` in the
  exporting user's language; dates are ``strftimedatetimeshort`` in the site
  language's pattern (``5/03/24, 14:07``) and the exporting user's time zone.
* A report-builder "Course participants" custom report (Moodle 4.x): one row per
  participant and course, with course name, user, ``Completed`` (Yes/No),
  ``Time completed`` (``Thursday, 14 March 2024, 9:05 AM``), and optionally
  ``Progress`` and ``Grade``.  Report authors can rename the headers, so the
  English and a few translated default titles are recognised.

Status words and header titles are matched in English, French, German, Spanish
and Japanese; a word that is not recognised is never fatal, because the date
columns decide the status.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from common.text import BOM
from etl import records
from etl.records import Parsed, Rejected, UnreadableFile

KIND = "moodle"

#: How this reader reads files. Bump it when a change here would read a file differently (other
#: records, rejected rows or reasons): files loaded before are then loaded again. A change that reads
#: every file the same way (a move, a refactoring, faster code) leaves it as it is.
READER_VERSION = 2

#: ``csv_export_writer`` file name: the course short name (lowercased, anything outside
#: ``[a-z0-9-]`` turned into ``_``), the UTC export time, the delimiter; a browser may add " (1)".
_LEGACY_NAME = re.compile(
    r"^completion-(?P<course>.+)-(?P<stamp>\d{8}_\d{4})-(?:comma|semicolon|colon|tab|cfg)_separated"
    r"(?:\s*\(\d+\))?\.csv$",
    re.IGNORECASE,
)

# --- header titles (compared after _norm: case-folded, single-spaced, plain apostrophes) ---

#: ``get_string('id', 'report_completion')``: the internal Moodle user id column.
_ID_HEADERS = frozenset(
    {"id", "identifiant", "user id", "userid", "id utilisateur", "benutzer-id", "id de usuario", "ユーザid"}
)

#: ``get_string('coursecomplete', 'completion')``: the last column of the legacy report.
_COURSE_COMPLETE_HEADERS = frozenset(
    {
        "course complete",
        "course completed",
        "cours terminé",
        "cours achevé",
        "achèvement du cours",
        "kurs abgeschlossen",
        "kursabschluss",
        "curso completado",
        "curso finalizado",
        "curso terminado",
        "コース完了",
        "コース修了",
    }
)

#: Activity status words meaning "done", without their parenthesised pass/fail detail
#: ("Completed (achieved pass grade)" -> "completed", "完了 (合格点到達)" -> "完了").
_DONE_STEMS = frozenset(
    {
        "completed",
        "complete",
        "done",
        "terminé",
        "achevé",
        "complété",
        "fait",
        "abgeschlossen",
        "erledigt",
        "vollständig",
        "completado",
        "finalizado",
        "terminado",
        "completo",
        "完了",
        "修了",
    }
)

#: Identity-field titles of an e-mail column; only used when no column's values look like e-mails.
_EMAIL_HEADERS = frozenset(
    {
        "email address",
        "email",
        "e-mail",
        "e-mail address",
        "mail",
        "adresse e-mail",
        "adresse de courriel",
        "courriel",
        "adresse électronique",
        "adresse email",
        "e-mail-adresse",
        "e-mail adresse",
        "email-adresse",
        "dirección de correo",
        "dirección de correo electrónico",
        "correo electrónico",
        "dirección email",
        "correo",
        "メールアドレス",
    }
)

# Report builder ("Course participants") default column titles.
_RB_COURSE_SHORT = frozenset(
    {
        "course short name",
        "nom abrégé du cours",
        "kurzer kursname",
        "kurzname des kurses",
        "kurzbezeichnung",
        "nombre corto del curso",
        "コース省略名",
    }
)
_RB_COURSE_FULL = frozenset(
    {
        "course full name",
        "course full name with link",
        "nom complet du cours",
        "nom complet du cours avec lien",
        "vollständiger kursname",
        "vollständiger kursname mit link",
        "kursname",
        "kursname mit link",
        "nombre completo del curso",
        "nombre completo del curso con enlace",
        "コース名",
        "コース名 (リンク付き)",
        "長いコース名",
    }
)
_RB_FULLNAME = frozenset(
    {
        "full name",
        "full name with link",
        "full name with picture",
        "full name with picture and link",
        "nom complet",
        "nom complet avec lien",
        "vollständiger name",
        "vollständiger name mit link",
        "nombre completo",
        "nombre completo con enlace",
        "フルネーム",
        "氏名",
    }
)
_RB_USERNAME = frozenset(
    {"username", "user name", "nom d'utilisateur", "anmeldename", "benutzername", "nombre de usuario", "ユーザ名"}
)
_RB_IDNUMBER = frozenset(
    {
        "id number",
        "idnumber",
        "numéro d'identification",
        "id-nummer",
        "personalnummer",
        "número de id",
        "número de identificación",
        "id番号",
    }
)
_RB_COMPLETED = frozenset(
    {
        "completed",
        "course completed",
        "terminé",
        "achevé",
        "cours terminé",
        "abgeschlossen",
        "completado",
        "finalizado",
        "完了",
        "完了済み",
    }
)
_RB_TIME_COMPLETED = frozenset(
    {
        "time completed",
        "date completed",
        "completion date",
        "date d'achèvement",
        "heure d'achèvement",
        "date de fin",
        "achevé le",
        "terminé le",
        "abschlusszeit",
        "zeitpunkt des abschlusses",
        "abgeschlossen am",
        "abschlussdatum",
        "fecha de finalización",
        "tiempo completado",
        "hora de finalización",
        "completado el",
        "完了日時",
        "完了日",
    }
)
_RB_PROGRESS = frozenset({"progress", "progression", "progrès", "fortschritt", "progreso", "進捗", "進捗状況"})
_RB_GRADE = frozenset(
    {
        "grade",
        "final grade",
        "course grade",
        "note",
        "note finale",
        "bewertung",
        "endbewertung",
        "calificación",
        "calificación final",
        "評定",
    }
)
_YES = ["yes", "oui", "ja", "sí", "si", "はい"]
_NO = ["no", "non", "nein", "いいえ"]

#: ``strftimedaydatetime`` month names (%B) per month number, for the languages above.
_MONTHS = (
    ("january", "janvier", "januar", "jänner", "enero"),
    ("february", "février", "fevrier", "februar", "febrero"),
    ("march", "mars", "märz", "maerz", "marzo"),
    ("april", "avril", "abril"),
    ("may", "mai", "mayo"),
    ("june", "juin", "juni", "junio"),
    ("july", "juillet", "juli", "julio"),
    ("august", "août", "aout", "agosto"),
    ("september", "septembre", "septiembre", "setiembre"),
    ("october", "octobre", "oktober", "octubre"),
    ("november", "novembre", "noviembre"),
    ("december", "décembre", "decembre", "dezember", "diciembre"),
)

#: ``strftimedatetimeshort`` in any language pack: three numeric fields, then a 24h or 12h time.
_SHORT_DATE = (
    r"^(?P<a>\d{1,4})(?P<sep>[/.\-])(?P<b>\d{1,2})[/.\-](?P<c>\d{1,4})(?:,\s*|\s+)"
    r"(?P<H>\d{1,2})[:.h](?P<M>\d{2})(?:\s*(?P<p>[AaPp])\.?\s?[Mm]\.?)?$"
)
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
_ORDERS = ("dmy", "mdy", "ymd")


# ----------------------------------------------------------------------------- shared helpers


def _norm(text: str) -> str:
    """A header or word as compared: case-folded, single-spaced, typographic apostrophe made plain."""
    return " ".join(text.replace(BOM, "").replace("\u2019", "'").casefold().split())


def _first_row(head: str) -> list[str]:
    """The header of a CSV start, split on whichever of comma, semicolon or tab the first line uses most."""
    first = head.lstrip(BOM).splitlines()[0] if head.strip() else ""
    delim = max(",;\t", key=first.count)
    try:
        return next(csv.reader(io.StringIO(first), delimiter=delim), [])
    except csv.Error:
        return []


def _timezone(tz: str) -> str:
    """Check the exporter's time zone up front so a typo is one clear sentence, not a Polars error."""
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise UnreadableFile(f"'{tz}' is not a time zone name such as 'Europe/Paris' or 'UTC'.") from None
    return tz


def _to_utc(local: pl.Expr, tz: str) -> pl.Expr:
    """Wall-clock times of the exporting user -> UTC; a time that cannot exist (DST gap) becomes null."""
    return local.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null").dt.convert_time_zone("UTC")


def _frame(header: list[str], body: list[list[str]]) -> pl.DataFrame:
    """All cells as trimmed strings in positional columns c0..cN (titles may repeat), plus row bookkeeping."""
    width = len(header)
    cols: dict[str, list] = {f"c{i}": [row[i].strip() if i < len(row) else "" for row in body] for i in range(width)}
    cols["_row"] = list(range(1, len(body) + 1))
    cols["_raw"] = [records.raw_csv_line(header, row) for row in body]
    cols["_cells"] = [len(row) for row in body]
    cols["_extra"] = [any(c.strip() for c in row[width:]) for row in body]
    cols["_text"] = [records.row_problem(n, header, row) for n, row in enumerate(body, start=1)]
    schema = {f"c{i}": pl.Utf8 for i in range(width)} | {
        "_row": pl.Int64,
        "_raw": pl.Utf8,
        "_cells": pl.Int64,
        "_extra": pl.Boolean,
        "_text": pl.Utf8,
    }
    return pl.DataFrame(cols, schema=schema)


def _extra_cells_reason(width: int) -> pl.Expr:
    """A row longer than the header is misaligned: its values cannot be trusted to sit under their titles."""
    return pl.when(pl.col("_extra")).then(
        pl.format("the row has {} values but the header has " + str(width) + " columns", pl.col("_cells"))
    )


def _email_like_share(df: pl.DataFrame, col: str) -> tuple[int, int]:
    """(cells that look like e-mails, non-empty cells) of one column."""
    c = pl.col(col)
    row = df.select(
        (c.str.contains(_EMAIL) & (c != "")).sum().alias("hits"),
        (c != "").sum().alias("filled"),
    ).row(0)
    return int(row[0]), int(row[1])


def _pick_email_column(df: pl.DataFrame, header: list[str], candidates: list[int]) -> int | None:
    """The identity column holding e-mails: judged by its values first, because titles are translated."""
    best, best_hits = None, 0
    for i in candidates:
        hits, filled = _email_like_share(df, f"c{i}")
        if hits > best_hits and hits * 2 >= filled:
            best, best_hits = i, hits
    if best is not None:
        return best
    return next((i for i in candidates if _norm(header[i]) in _EMAIL_HEADERS), None)


def _finish(df: pl.DataFrame, out: dict[str, pl.Expr], reason: pl.Expr) -> tuple[pl.DataFrame, list[Rejected]]:
    """Split rows into the records frame (exact LEARNING_SCHEMA) and the rejected rows with their reasons.

    A row holding a byte that is not text (``_text``, from common.text's marks) is rejected
    for that first: its other values cannot be trusted either.
    """
    done = df.with_columns(pl.coalesce(pl.col("_text"), reason).alias("_reason"))
    rejected = [
        Rejected(row_number=n, reason=why, raw=raw)
        for n, why, raw in done.filter(pl.col("_reason").is_not_null()).select("_row", "_reason", "_raw").iter_rows()
    ]
    exprs = {
        "row_number": pl.col("_row"),
        "learner_salt": pl.lit(None, dtype=pl.Utf8),
        "expires_at": pl.lit(None, dtype=pl.Datetime("us", "UTC")),
        "raw": pl.col("_raw"),
        **out,
    }
    frame = done.filter(pl.col("_reason").is_null()).select(
        [exprs[name].cast(dtype).alias(name) for name, dtype in records.LEARNING_SCHEMA.items()]
    )
    return frame, rejected


# ----------------------------------------------------------------------------- legacy report


@dataclass(frozen=True)
class _LegacyLayout:
    """Where things are in one legacy report, found from titles and values (titles are translated)."""

    id_col: int
    email_col: int | None
    status_cols: list[int]  # activity status words
    criterion_date_cols: list[int]  # activity "- Completion date" columns and date-only criteria
    complete_col: int  # "Course complete"


@dataclass(frozen=True)
class _DatePattern:
    """The file's ``strftimedatetimeshort`` field order, with a readable form for messages."""

    order: str  # dmy | mdy | ymd
    text: str  # e.g. "d/m/yy"


def _date_shaped(df: pl.DataFrame, col: str) -> bool:
    """A column most of whose filled cells look like short dates is a criterion column, not an identity field."""
    c = pl.col(col)
    hits, filled = df.select(c.str.contains(_SHORT_DATE).sum().alias("hits"), (c != "").sum().alias("filled")).row(0)
    return filled > 0 and hits * 2 >= filled


def _legacy_layout(df: pl.DataFrame, header: list[str], path: Path) -> _LegacyLayout:
    """Read the column roles of a legacy report.

    Moodle writes ID, Name, identity fields, then criteria (activity pairs ``X`` +
    ``X - Completion date``, or one date column per other criterion), then Course
    complete.  Identity fields end where the first criterion column starts: the
    first activity pair or the first column whose values are dates.
    """
    norm = [_norm(h) for h in header]
    id_col = next((i for i, h in enumerate(norm) if h in _ID_HEADERS), None)
    if id_col is None:
        raise UnreadableFile(
            f"{path.name} has no 'ID' column, so its rows cannot be tied to Moodle users; export the report again without removing columns."
        )
    complete_col = max((i for i, h in enumerate(norm) if h in _COURSE_COMPLETE_HEADERS), default=len(header) - 1)
    identity: list[int] = []
    statuses: list[int] = []
    dates: list[int] = []
    in_criteria = False
    i = 0
    while i < complete_col:
        if i == id_col:
            i += 1
            continue
        title = header[i].strip()
        if i + 1 < complete_col and title and header[i + 1].strip().startswith(title + " - "):
            statuses.append(i)
            dates.append(i + 1)
            in_criteria = True
            i += 2
            continue
        if in_criteria or _date_shaped(df, f"c{i}"):
            dates.append(i)
            in_criteria = True
        else:
            identity.append(i)
        i += 1
    return _LegacyLayout(id_col, _pick_email_column(df, header, identity), statuses, dates, complete_col)


def _infer_pattern(df: pl.DataFrame, cols: list[int], forced: str | None) -> _DatePattern:
    """The file's date field order, from all its date cells at once.

    A first field above 12 proves day-first, a second field above 12 proves
    month-first, a four-digit first field is year-first; with no proof either way
    the file is read day-first, like Moodle's default English pack.  Cells that
    contradict the chosen order are rejected later, not silently re-read.
    """
    if cols:
        cells = pl.concat([df.select(pl.col(f"c{i}").alias("v")) for i in cols])
    else:
        cells = pl.DataFrame({"v": []}, schema={"v": pl.Utf8})
    g = cells.filter(pl.col("v") != "").select(pl.col("v").str.extract_groups(_SHORT_DATE)).unnest("v")
    a_len = pl.col("a").str.len_chars()
    stats = g.select(
        ymd=(a_len == 4).sum(),
        short=(a_len <= 2).sum(),
        dfirst=((a_len <= 2) & (pl.col("a").cast(pl.Int32, strict=False) > 12)).sum(),
        mfirst=((a_len <= 2) & (pl.col("b").cast(pl.Int32, strict=False) > 12)).sum(),
        long_year=(pl.col("c").str.len_chars() == 4).sum(),
    ).row(0, named=True)
    seps = g.get_column("sep").drop_nulls().value_counts(sort=True)
    sep = seps.row(0)[0] if seps.height else "/"
    if forced is not None:
        order = forced
    elif stats["ymd"] > stats["short"]:
        order = "ymd"
    elif stats["mfirst"] > stats["dfirst"]:
        order = "mdy"
    else:
        order = "dmy"
    year = "yyyy" if stats["long_year"] * 2 > stats["short"] else "yy"
    text = {"dmy": f"d{sep}m{sep}{year}", "mdy": f"m{sep}d{sep}{year}", "ymd": f"yyyy{sep}m{sep}d"}[order]
    return _DatePattern(order, text)


def _short_datetime(col: pl.Expr, pattern: _DatePattern, tz: str) -> pl.Expr:
    """``strftimedatetimeshort`` cells in the file's field order -> UTC; anything else -> null."""
    g = col.str.extract_groups(_SHORT_DATE)
    a, b, c = g.struct.field("a"), g.struct.field("b"), g.struct.field("c")
    if pattern.order == "dmy":
        day, month, year = a, b, c
    elif pattern.order == "mdy":
        month, day, year = a, b, c
    else:
        year, month, day = a, b, c
    year4 = pl.when(year.str.len_chars() == 2).then(pl.lit("20") + year).when(year.str.len_chars() == 4).then(year)
    hour = g.struct.field("H").cast(pl.Int32, strict=False)
    half = g.struct.field("p").str.to_lowercase()
    hour24 = (
        pl.when(half.is_null())
        .then(hour)
        .when((hour >= 1) & (hour <= 12))
        .then(hour % 12 + pl.when(half == "p").then(12).otherwise(0))
    )
    text = pl.format(
        "{}-{}-{} {}:{}",
        year4,
        month.str.zfill(2),
        day.str.zfill(2),
        hour24.cast(pl.Utf8).str.zfill(2),
        g.struct.field("M"),
    )
    return _to_utc(text.str.to_datetime("%Y-%m-%d %H:%M", strict=False, time_unit="us"), tz)


def _done_word(col: pl.Expr) -> pl.Expr:
    """An activity status cell that says the activity is done, in any known language and pass/fail variant."""
    stem = col.str.to_lowercase().str.replace(r"\s*[(（].*$", "").str.replace_all(r"\s+", " ").str.strip_chars()
    return stem.is_in(list(_DONE_STEMS))


def _read_legacy(path: Path, header: list[str], body: list[list[str]], tz: str, date_order: str | None) -> Parsed:
    """The legacy "Course completion" report of one course."""
    match = _LEGACY_NAME.match(path.name)
    if match is None:
        raise UnreadableFile(
            f"{path.name} is a Moodle course completion report whose file name no longer names the course; "
            "keep Moodle's name completion-<course short name>-<date>-comma_separated.csv."
        )
    course = match.group("course")
    df = _frame(header, body)
    layout = _legacy_layout(df, header, path)
    date_cols = layout.criterion_date_cols + [layout.complete_col]
    pattern = _infer_pattern(df, date_cols, date_order)

    user = pl.col(f"c{layout.id_col}")
    parsed = {i: _short_datetime(pl.col(f"c{i}"), pattern, tz) for i in date_cols}
    df = df.with_columns([expr.alias(f"d{i}") for i, expr in parsed.items()])

    reasons: list[pl.Expr] = [
        _extra_cells_reason(len(header)),
        pl.when(user == "").then(pl.lit(f"no Moodle user id in column '{header[layout.id_col]}'")),
    ]
    if layout.email_col is not None:
        email = pl.col(f"c{layout.email_col}")
        reasons.append(
            pl.when(email == "")
            .then(pl.lit("no e-mail address for Moodle user ") + user)
            .when(~email.str.contains(_EMAIL))
            .then(pl.format("e-mail address '{}' of Moodle user {} is not an e-mail address", email, user))
        )
        learner_kind, learner_value = pl.lit("email"), email
    else:
        learner_kind, learner_value = pl.lit("account"), user
    for i in date_cols:
        cell = pl.col(f"c{i}")
        reasons.append(
            pl.when((cell != "") & pl.col(f"d{i}").is_null()).then(
                pl.lit(f"{header[i].strip()} '")
                + cell
                + pl.lit(f"' is not a date in the file's pattern {pattern.text}")
            )
        )

    finished = pl.col(f"d{layout.complete_col}")
    criteria = [pl.col(f"d{i}") for i in layout.criterion_date_cols]
    evidence = [_done_word(pl.col(f"c{i}")) for i in layout.status_cols] + [d.is_not_null() for d in criteria]
    progressed = pl.any_horizontal(evidence) if evidence else pl.lit(False)
    latest = pl.max_horizontal(criteria) if criteria else pl.lit(None, dtype=pl.Datetime("us", "UTC"))
    out = {
        "learner_kind": learner_kind,
        "learner_value": learner_value,
        "course_key": pl.lit(course),
        "status": pl.when(finished.is_not_null())
        .then(pl.lit("completed"))
        .when(progressed)
        .then(pl.lit("in_progress"))
        .otherwise(pl.lit("enrolled")),
        "completed_at": pl.when(finished.is_not_null()).then(finished).when(progressed).then(latest),
        "score": pl.lit(None, dtype=pl.Float64),
        "source_record_id": pl.lit(f"moodle:{course}:") + user,
    }
    frame, rejected = _finish(df, out, pl.coalesce(reasons))
    return Parsed(kind=KIND, rows_read=len(body), records=frame, rejected=rejected)


# ----------------------------------------------------------------------------- report builder


@dataclass(frozen=True)
class _ParticipantsLayout:
    """Column positions of a report-builder participants report (None = column not in the report)."""

    short_col: int | None
    full_col: int | None
    name_col: int | None
    email_col: int | None
    username_col: int | None
    idnumber_col: int | None
    completed_col: int | None
    time_col: int | None
    progress_col: int | None
    grade_col: int | None


def _participants_layout(header: list[str]) -> _ParticipantsLayout | None:
    """The report-builder columns by title, or None when the header lacks a course and a completion column."""
    norm = [_norm(h) for h in header]

    def find(titles: frozenset[str]) -> int | None:
        return next((i for i, h in enumerate(norm) if h in titles), None)

    layout = _ParticipantsLayout(
        short_col=find(_RB_COURSE_SHORT),
        full_col=find(_RB_COURSE_FULL),
        name_col=find(_RB_FULLNAME),
        email_col=find(_EMAIL_HEADERS),
        username_col=find(_RB_USERNAME),
        idnumber_col=find(_RB_IDNUMBER),
        completed_col=find(_RB_COMPLETED),
        time_col=find(_RB_TIME_COMPLETED),
        progress_col=find(_RB_PROGRESS),
        grade_col=find(_RB_GRADE),
    )
    has_course = layout.short_col is not None or layout.full_col is not None
    has_completion = layout.completed_col is not None or layout.time_col is not None
    return layout if has_course and has_completion else None


def _day_datetime(col: pl.Expr, tz: str) -> pl.Expr:
    """``strftimedaydatetime`` cells -> UTC; anything else -> null.

    The pattern differs per language (``Thursday, 14 March 2024, 9:05 AM``,
    ``jeudi 14 mars 2024, 09:05``, ``Donnerstag, 14. März 2024, 09:05``,
    ``2024年 03月 14日(木曜日) 09:05``), so the parts are picked out by what they
    are: the month name (or ``NN月``), a four-digit year, ``H:MM``, an optional
    AM/PM, and the one remaining number is the day.
    """
    s = col.str.to_lowercase()
    for number, names in enumerate(_MONTHS, start=1):
        s = s.str.replace_all(r"\b(?:" + "|".join(names) + r")\b\.?", f" §{number}§ ")
    s = s.str.replace_all(r"(\d{1,2})\s*月", " §${1}§ ")
    month = s.str.extract(r"§(\d{1,2})§")
    year = s.str.extract(r"(?:^|\D)(\d{4})(?:\D|$)")
    clock = s.str.extract_groups(r"(?P<H>\d{1,2}):(?P<M>\d{2})")
    half = s.str.extract(r"(?:^|[^\p{L}])([ap])\.?\s?m\.?(?:[^\p{L}]|$)")
    day = s.str.replace_all(r"§\d{1,2}§|\d{1,2}:\d{2}|\d{4}", " ").str.extract(r"(\d{1,2})")
    hour = clock.struct.field("H").cast(pl.Int32, strict=False)
    hour24 = (
        pl.when(half.is_null())
        .then(hour)
        .when((hour >= 1) & (hour <= 12))
        .then(hour % 12 + pl.when(half == "p").then(12).otherwise(0))
    )
    text = pl.format(
        "{}-{}-{} {}:{}",
        year,
        month.str.zfill(2),
        day.str.zfill(2),
        hour24.cast(pl.Utf8).str.zfill(2),
        clock.struct.field("M"),
    )
    return _to_utc(text.str.to_datetime("%Y-%m-%d %H:%M", strict=False, time_unit="us"), tz)


def _number(col: pl.Expr) -> pl.Expr:
    """A locale number such as ``86,50`` or ``40 %`` -> float; anything else -> null."""
    return col.str.extract(r"^\s*(-?\d+(?:[.,]\d+)?)\s*%?\s*$").str.replace(",", ".").cast(pl.Float64, strict=False)


def _cell(index: int | None) -> pl.Expr:
    """The trimmed cell of an optional column ('' when the report does not have the column)."""
    return pl.col(f"c{index}") if index is not None else pl.lit("")


def _read_participants(
    path: Path, header: list[str], body: list[list[str]], layout: _ParticipantsLayout, tz: str
) -> Parsed:
    """A report-builder "Course participants" report: one row per participant and course."""
    df = _frame(header, body)
    taken = {i for i in vars(layout).values() if i is not None}
    email_col = layout.email_col
    if email_col is None:
        email_col = _pick_email_column(df, header, [i for i in range(len(header)) if i not in taken])
    if email_col is None and layout.username_col is None and layout.idnumber_col is None:
        raise UnreadableFile(
            f"{path.name} has no e-mail or username column, and the report needs one to tell who each participant is."
        )

    def filled(index: int | None) -> pl.Expr:
        cell = _cell(index)
        return pl.when(cell != "").then(cell)

    who = (
        pl.lit("participant ") + pl.col(f"c{layout.name_col}")
        if layout.name_col is not None
        else pl.lit("row ") + pl.col("_row").cast(pl.Utf8)
    )
    if email_col is not None:
        email = pl.col(f"c{email_col}")
        learner_kind, learner_value = pl.lit("email"), email
        learner_reason = (
            pl.when(email == "")
            .then(pl.lit("no e-mail address for ") + who)
            .when(~email.str.contains(_EMAIL))
            .then(pl.format("e-mail address '{}' of {} is not an e-mail address", email, who))
        )
    else:
        learner_kind = pl.lit("account")
        learner_value = pl.coalesce(filled(layout.idnumber_col), filled(layout.username_col))
        learner_reason = pl.when(learner_value.is_null()).then(pl.lit("no username or ID number for ") + who)

    course = pl.coalesce(filled(layout.short_col), filled(layout.full_col))
    course_reason = pl.when(course.is_null()).then(pl.lit("no course short name or full name for ") + who)

    when_done = _cell(layout.time_col)
    df = df.with_columns(
        _done_at=_day_datetime(when_done, tz)
        if layout.time_col is not None
        else pl.lit(None, dtype=pl.Datetime("us", "UTC"))
    )
    time_reason = None
    if layout.time_col is not None:
        time_reason = pl.when((when_done != "") & pl.col("_done_at").is_null()).then(
            pl.lit(f"{header[layout.time_col].strip()} '")
            + when_done
            + pl.lit("' is not a date like 'Thursday, 14 March 2024, 9:05 AM'")
        )

    word = _cell(layout.completed_col).str.to_lowercase()
    said_yes = word.is_in(_YES)
    said_no = word.is_in(_NO)
    completed = said_yes | (~said_no & pl.col("_done_at").is_not_null())
    progress = _number(_cell(layout.progress_col))
    grade = _number(_cell(layout.grade_col))
    out = {
        "learner_kind": learner_kind,
        "learner_value": learner_value,
        "course_key": course,
        "status": pl.when(completed)
        .then(pl.lit("completed"))
        .when(progress > 0)
        .then(pl.lit("in_progress"))
        .otherwise(pl.lit("enrolled")),
        "completed_at": pl.when(completed).then(pl.col("_done_at")),
        "score": pl.when((grade >= 0) & (grade <= 100)).then(grade),
        "source_record_id": pl.format("moodle:{}:{}", course.str.to_lowercase(), learner_value.str.to_lowercase()),
    }
    reasons = [_extra_cells_reason(len(header)), course_reason, learner_reason]
    if time_reason is not None:
        reasons.append(time_reason)
    frame, rejected = _finish(df, out, pl.coalesce(reasons))
    return Parsed(kind=KIND, rows_read=len(body), records=frame, rejected=rejected)


# ----------------------------------------------------------------------------- entry points


def _has_legacy_header(header: list[str]) -> bool:
    """The legacy report's header: a 'Course complete' column (in a known language) plus an ID column."""
    norm = [_norm(h) for h in header]
    return any(h in _COURSE_COMPLETE_HEADERS for h in norm) and any(h in _ID_HEADERS for h in norm)


def sniff(name: str, head: str) -> bool:
    """True for Moodle's completion-report file name, or a header of either Moodle report shape."""
    if _LEGACY_NAME.match(Path(name).name):
        return True
    header = _first_row(head)
    if not header:
        return False
    return _has_legacy_header(header) or _participants_layout(header) is not None


def read(path: Path, tz: str = "UTC", date_order: str | None = None) -> Parsed:
    """Read one Moodle export.

    ``tz`` is the exporting user's Moodle time zone (the file's times carry no
    offset); ``date_order`` ('dmy', 'mdy' or 'ymd') forces the field order of the
    legacy report's short dates when the file alone cannot prove it.
    """
    path = Path(path)
    tz = _timezone(tz)
    if date_order is not None and date_order not in _ORDERS:
        raise UnreadableFile(f"date order '{date_order}' is not one of dmy, mdy or ymd.")
    header, body = records.csv_rows(path, repeated_titles=True)  # two activities may share a name
    if any(_norm(h) in _COURSE_COMPLETE_HEADERS for h in header):
        return _read_legacy(path, header, body, tz, date_order)
    layout = _participants_layout(header)
    if layout is not None:
        return _read_participants(path, header, body, layout, tz)
    if _LEGACY_NAME.match(path.name):
        return _read_legacy(path, header, body, tz, date_order)
    raise UnreadableFile(
        f"{path.name} is not a Moodle export: it has neither a 'Course complete' column nor course and completion columns."
    )
