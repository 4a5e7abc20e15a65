"""How small groups are hidden from executives: the rules a query names in ``small_groups=``.

Executives see aggregates only. Any group of fewer than ``MIN_GROUP`` people is
suppressed: its numbers become null and a ``suppressed`` column says so. Where one
cell of a row or column of a table is suppressed, another is suppressed with it
(complementary suppression), so a total minus the other cells never gives one small
group's number back.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

MIN_GROUP = 5
SUPPRESSED_TEXT = "fewer than 5"

Rule = Callable[[pl.DataFrame], pl.DataFrame]


def _small(col: str) -> pl.Expr:
    return (pl.col(col) < MIN_GROUP) & (pl.col(col) > 0)


def _suppress_where(frame: pl.DataFrame, small: pl.Expr, columns: list[str]) -> pl.DataFrame:
    cols = [c for c in columns if c in frame.columns]
    return frame.with_columns(small.fill_null(False).alias("suppressed")).with_columns(
        [pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c) for c in cols]
    )


def _complementary(frame: pl.DataFrame, groups: list[str], columns: list[str]) -> pl.DataFrame:
    """Suppress a second cell wherever a row or column of the table has exactly one suppressed cell."""
    rows = frame.with_row_index("_i").to_dicts()
    live = [r for r in rows if (r.get("_size") or 0) > 0]
    changed = True
    while changed:
        changed = False
        for g in groups:
            by: dict = {}
            for r in live:
                by.setdefault(r[g], []).append(r)
            for cells in by.values():
                hidden = [r for r in cells if r["suppressed"]]
                shown = [r for r in cells if not r["suppressed"]]
                if len(hidden) == 1 and shown:
                    smallest = min(shown, key=lambda r: r["_size"])
                    smallest["suppressed"] = True
                    changed = True
    flags = {r["_i"]: r["suppressed"] for r in rows}
    out = frame.with_columns(pl.Series("suppressed", [flags[i] for i in range(frame.height)]))
    return out.with_columns(
        [pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c) for c in columns if c in out.columns]
    )


def hide_small(size: str, columns: list[str]) -> Rule:
    """Null `columns` of every row whose group (`size` people) is small; mark it `suppressed`."""

    def rule(frame: pl.DataFrame) -> pl.DataFrame:
        return _suppress_where(frame, _small(size), columns)

    return rule


def hide_small_cells(size: str, groups: list[str], columns: list[str]) -> Rule:
    """hide_small, then complementary suppression along each of `groups` (the table's rows and columns)."""

    def rule(frame: pl.DataFrame) -> pl.DataFrame:
        f = frame.with_columns(pl.col(size).alias("_size"))
        f = _suppress_where(f, _small(size), [])
        return _complementary(f, groups, columns).drop("_size")

    return rule


def drop_small(size: str, *, drop_columns: tuple[str, ...] = ()) -> Rule:
    """Leave out rows of small groups altogether (and columns that would name a single person's count)."""

    def rule(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.filter(pl.col(size) >= MIN_GROUP).drop(list(drop_columns))

    return rule


def null_column(column: str, dtype: pl.DataType = pl.Int64) -> Rule:
    """Blank a column that would give away small groups (e.g. an ordering by people short)."""

    def rule(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(pl.lit(None, dtype=dtype).alias(column))

    return rule
