"""A provider CSV's rows into learning records, through a profile.

Provider exports can hold a million rows, so the rows are turned into records by
vectorised Polars expressions in one pass; Python only touches the few rows that
are rejected. Each step adds helper columns and the checks it needs; a row's
reason is the first check it fails, so a manager sees one thing to fix per row.
"""

from __future__ import annotations

import re

import polars as pl

from etl import records
from etl.provider.profiles import Profile, _norm, _polars_pattern
from etl.records import LEARNING_SCHEMA, Rejected

#: Names of helper columns; the double underscores keep them apart from any vendor column.
_ROW = "__row_number__"

#: Rows turned into records at a time (their helper columns are made and dropped slice by slice).
_SLICE_ROWS = 200_000

#: A rule a row must pass: (expression true for a bad row, reason for that row).
Check = tuple[pl.Expr, pl.Expr]


def _normalise(
    frame: pl.DataFrame, header: list[str], cols: dict[str, str], profile: Profile
) -> tuple[pl.DataFrame, list[Rejected], pl.Series | None]:
    """Records for the usable rows and Rejected for the others, in one vectorised pass, and which
    rows of ``frame`` the records are (their positions, in order; None: every row). ``raw`` stays
    empty: a record's row is written as a CSV line only for the few records the loader rejects
    (``_raw_lines_of``).

    Each step adds helper columns and the checks it needs; a row's reason is the
    first check it fails, so a manager sees one thing to fix per row.
    """

    def col(name: str) -> str:
        return cols[_norm(name)]

    def cell(name: str) -> pl.Expr:
        """A cell as trimmed text; an empty cell is null."""
        v = pl.col(col(name)).str.strip_chars()
        return pl.when(v == "").then(None).otherwise(v)

    def records_of(part: pl.LazyFrame) -> pl.LazyFrame:
        lf, checks = _identity_step(part, profile, cell)
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
        return lf.with_columns(
            __reason=_first_reason(checks),
            __completed_at=when.cast(LEARNING_SCHEMA["completed_at"]),
            __score=score.cast(pl.Float64),
            __record_id=_record_id(profile, col),
        ).select(_ROW, "__reason", "__learner", "__course", "__status", "__completed_at", "__score", "__record_id")

    # slice by slice: the helper columns of a few rows at a time, not of the whole file (memory)
    out = pl.concat(
        [
            records_of(frame.slice(start, _SLICE_ROWS).lazy()).collect()
            for start in range(0, max(frame.height, 1), _SLICE_ROWS)
        ],
        rechunk=False,
    )
    # the file's cells stay in `frame` (no copy of them): rejected rows are written from it, and
    # records' rows only when the loader asks for them (raw_source)
    bad_mask = out["__reason"].is_not_null()
    rejected = []
    kept: pl.Series | None = None
    good = out
    if bad_mask.any():
        bad = frame.filter(bad_mask).select([_ROW, *header]).with_columns(out["__reason"].filter(bad_mask))
        rejected = [
            Rejected(row[0], row[-1], records.raw_csv_line(header, [v if v is not None else "" for v in row[1:-1]]))
            for row in bad.iter_rows()
        ]
        kept = (~bad_mask).arg_true()
        good = out.filter(~bad_mask)
    del out
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
        pl.col("__record_id").alias("source_record_id"),
        pl.lit(None, dtype=pl.String).alias("raw"),
    )
    return result.cast(LEARNING_SCHEMA), rejected, kept  # type: ignore[return-value]


def _raw_lines_of(rows: pl.DataFrame, kept: pl.Series | None, header: list[str], positions: list[int]) -> list[str]:
    """The records at these positions as CSV lines (records.raw_csv_line's form); ``kept``: the
    rows of the file the records come from, in order (None: every row)."""
    wanted = kept.gather(positions) if kept is not None else positions
    return rows[wanted].select(_raw_line(header).alias("raw"))["raw"].to_list()


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
    used = pl.col("__done_text").is_null()  # a bad last-activity date only matters when it is used
    # so it is read only where it is used: elsewhere its checks and its value are never looked at
    lf = lf.with_columns(**_date_exprs(pl.when(used).then(pl.col("__seen_text")), "__seen", profile))
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


def _pattern_has_offset(fmt: str) -> bool:
    """Whether a strptime pattern reads a UTC offset, so its dates are absolute times."""
    return bool(re.search(r"%[:#]?z", fmt))
