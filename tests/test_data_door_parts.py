"""The data door answers a goal's rows from its broader query split once by goal (app.data._parts): the same
rows as filtering the broader result, and the split is shared, not copied, on later calls."""

from __future__ import annotations

from datetime import date

import polars as pl

import queries
import warehouse


def test_each_goals_rows_come_from_one_split_of_the_broader_query(tiny_db, monkeypatch):
    from app import data

    monkeypatch.setenv("UPSKILL_DB", str(tiny_db))
    data._parts.clear()
    kwargs = {"as_of": date(2025, 6, 30), "root": None, "unit": None}
    parts, empty = data._parts(data.version(), "goals_people_missing", kwargs, "goal_id")
    con = warehouse.connect(tiny_db, read_only=True)
    try:
        whole = queries.get("goals_people_missing").function(con, **kwargs)
    finally:
        con.close()
    assert whole.height > 0 and sorted(parts) == sorted(whole["goal_id"].unique().to_list())
    for goal_id, part in parts.items():
        assert part.equals(whole.filter(pl.col("goal_id") == goal_id).drop("goal_id"))
    assert empty.height == 0 and empty.columns == [c for c in whole.columns if c != "goal_id"]
    again, _ = data._parts(data.version(), "goals_people_missing", kwargs, "goal_id")
    assert again is parts  # kept, not rebuilt or copied
