"""CSV files a spreadsheet opens safely: the dashboard's downloads and the planner's export.

A cell that starts with = + - @ or a tab or carriage return would run as a formula in
Excel or Sheets (CSV injection); such text cells get a leading apostrophe.
"""

from __future__ import annotations

import io

import polars as pl


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """Make text cells that a spreadsheet would run as a formula inert (a leading apostrophe)."""
    exprs = []
    for name, dtype in frame.schema.items():
        if dtype == pl.Utf8:
            col = pl.col(name)
            exprs.append(
                pl.when(
                    col.str.starts_with("=")
                    | col.str.starts_with("+")
                    | col.str.starts_with("-")
                    | col.str.starts_with("@")
                    | col.str.starts_with("\t")
                    | col.str.starts_with("\r")
                )
                .then(pl.lit("'") + col)
                .otherwise(col)
                .alias(name)
            )
    return frame.with_columns(exprs) if exprs else frame


def csv_bytes(frame: pl.DataFrame) -> bytes:
    flat = frame.with_columns(
        [
            pl.col(n).cast(pl.Utf8) if isinstance(t, (pl.List, pl.Struct)) or t == pl.Object else pl.col(n)
            for n, t in frame.schema.items()
        ]
    )
    buf = io.BytesIO()
    neutralise(
        flat.with_columns(
            [pl.col(n).cast(pl.Utf8) for n, t in flat.schema.items() if t not in (pl.Utf8,) and not t.is_numeric()]
        )
    ).write_csv(buf)
    return buf.getvalue()
