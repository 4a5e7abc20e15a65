"""A figure is built once for the same arguments (app.charts.text_only): a warm rerun sends the figure it
built before, and any change in the data builds a new one."""

from __future__ import annotations

from datetime import date

import numpy as np
import plotly.graph_objects as go
import polars as pl

from app import charts


def _counting():
    calls = []

    @charts.text_only
    def bars(frame: pl.DataFrame, title: str) -> go.Figure:
        calls.append(title)
        return go.Figure(go.Bar(x=frame["team"].to_list(), y=frame["people"].to_list()), layout={"title": title})

    return bars, calls


def test_the_same_data_gets_the_figure_built_before():
    bars, calls = _counting()
    frame = pl.DataFrame({"team": ["A&B", "C"], "people": [3, 4]})
    first = bars(frame, "People")
    again = bars(pl.DataFrame({"team": ["A&B", "C"], "people": [3, 4]}), title="People")  # equal, not the same
    assert again is first and calls == ["People"]
    assert first.data[0].x == ("A&amp;B", "C")  # escaped once, when built


def test_other_data_builds_another_figure():
    bars, calls = _counting()
    bars(pl.DataFrame({"team": ["A", "C"], "people": [3, 4]}), "People")
    other = bars(pl.DataFrame({"team": ["A", "C"], "people": [3, None]}), "People")  # an executive's: 4 hidden
    bars(pl.DataFrame({"team": ["A", "C"], "people": [3, 4]}), "People by team")
    bars(pl.DataFrame({"team": ["A", "C"], "people": [3.0, 4.0]}), "People")  # the same numbers as floats
    assert len(calls) == 4
    assert other.data[0].y == (3, None)


def test_arguments_without_a_key_build_every_time():
    calls = []

    @charts.text_only
    def line(values, title: str) -> go.Figure:
        calls.append(title)
        return go.Figure(go.Scatter(y=list(values)), layout={"title": title})

    line(np.array([1, 2]), "Trend")
    line(np.array([1, 2]), "Trend")
    assert calls == ["Trend", "Trend"]
    assert charts.arguments_key({"deadline": date(2026, 12, 31), "share": 0.5}) == (
        "dict", (("deadline", date(2026, 12, 31)), ("share", 0.5)),
    )  # fmt: skip


def test_only_the_newest_figures_are_kept(monkeypatch):
    monkeypatch.setattr(charts, "BUILT_KEEP", 2)
    monkeypatch.setattr(charts, "_BUILT", type(charts._BUILT)())
    bars, calls = _counting()
    frame = pl.DataFrame({"team": ["A"], "people": [5]})
    for title in ("one", "two", "three", "one"):
        bars(frame, title)
    assert calls == ["one", "two", "three", "one"]  # "one" was the oldest when "three" came
    assert len(charts._BUILT) == 2
