"""Plotly figures for the pages: titled, labelled, with units and readable colours.

Coverage uses a sequential scale (more is darker); gaps and differences to a target
use a diverging scale centred on zero.

Names from files are text: Plotly reads a little HTML in every label, hover, legend and
title (`<a href>`, `<b>`, `<span style>`...), so each figure builder is wrapped by
`text_only`, which escapes every string of the finished figure (`&`, `<`, `>` as
entities, which Plotly shows as the characters) except the templates we write
(`hovertemplate`, `texttemplate`). Data reaches a template only through `%{...}`
(a category, `customdata`), never by being formatted into the template.
"""

from __future__ import annotations

import functools
import html
import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import ParamSpec

import numpy as np

# Imported with the charts, before any session's run builds a figure: Plotly uses pandas when
# sys.modules holds it, so a session importing pandas (a table's first conversion) while another
# builds a figure handed it the half-imported module ("partially initialized module 'pandas' has
# no attribute 'Series'") when many sessions ran at once.
import pandas  # noqa: F401
import plotly.graph_objects as go
import polars as pl

_P = ParamSpec("_P")

SEQUENTIAL = "Blues"
DIVERGING = "RdBu"
#: Level against the required level: reds below it (darker: further below), blues at or above it. The levels
#: are whole numbers, so -1 falls in the reds and 0 in the blues (the colours meet between them).
LEVEL_SCALE = [[0.0, "#8c1c13"], [0.45, "#f4a99b"], [0.45, "#cfe2f3"], [0.5, "#9ecae1"], [1.0, "#08306b"]]
#: Cells the small-group rule hides from executives.
HIDDEN_GREY = "#d0d7de"
STATUS_COLOURS = {"achieved": "#1a7f37", "on_track": "#2f81f7", "at_risk": "#d4a72c", "off_track": "#cf222e"}
STATUS_LABELS = {"achieved": "Achieved", "on_track": "On track", "at_risk": "At risk", "off_track": "Off track"}


def _holds_text(value) -> bool:
    if isinstance(value, str):
        return True
    if isinstance(value, dict):
        return any(_holds_text(v) for k, v in value.items() if not k.endswith("template"))
    if isinstance(value, list | tuple):
        return any(_holds_text(v) for v in value)
    return isinstance(value, np.ndarray) and value.dtype.kind in "OU" and value.size > 0


def _escaped(value):
    """A value as Plotly shows it as written: in strings, `&`, `<` and `>` as entities (in a dictionary,
    every entry but the templates, which hold our markup and reach data only through %{...})."""
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, dict):
        return {k: v if k.endswith("template") else _escaped(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_escaped(v) for v in value]
    if isinstance(value, np.ndarray) and value.dtype.kind in "OU" and value.size:
        return np.vectorize(_escaped, otypes=[object])(value)
    return value


def escaped(fig: go.Figure) -> go.Figure:
    """Escape, in place and once, every string of the figure's traces and layout: category values and
    `categoryarray`, tick texts, text, hover text, `customdata`, legend names, annotations, titles.
    Only the templates stay as written (and the layout's `template`: Plotly's own styling)."""
    for trace in fig.data:
        for key, value in trace.to_plotly_json().items():
            if key != "type" and not key.endswith("template") and _holds_text(value):
                trace[key] = _escaped(value)
    for key, value in fig.layout.to_plotly_json().items():
        if key != "template" and _holds_text(value):
            fig.layout[key] = _escaped(value)
    return fig


class _Unkeyed(Exception):
    """An argument that says nothing about its content in a key (the figure is built every time)."""


def arguments_key(value):
    """What a figure is built from, as a hashable key: frames by their columns, types and every row's hash."""
    if isinstance(value, pl.DataFrame):
        # two 64-bit hashes of each row (two seeds): equal keys for different rows are out of reach
        rows = tuple(zip(value.hash_rows(seed=0).to_list(), value.hash_rows(seed=1).to_list(), strict=True))
        return ("frame", tuple((c, str(t)) for c, t in value.schema.items()), rows)
    if isinstance(value, dict):
        return ("dict", tuple((k, arguments_key(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(arguments_key(v) for v in value))
    if value is None or isinstance(value, str | int | float | bool | date):
        return value
    raise _Unkeyed


#: Figures built, by builder and arguments: a page drawn again with the same data (a warm rerun, another
#: session on the same selection) sends the figure it built before. The figures are never changed after
#: they are built (st.plotly_chart reads them).
_BUILT: OrderedDict = OrderedDict()
_BUILT_LOCK = threading.Lock()
BUILT_KEEP = 256


def text_only(build: Callable[_P, go.Figure]) -> Callable[_P, go.Figure]:
    """Wrap a figure builder: the figure it returns shows every name in it as text (see `escaped`), and is
    built once for the same arguments (kept in _BUILT, the oldest dropped past BUILT_KEEP)."""

    signature = inspect.signature(build)

    @functools.wraps(build)
    def built(*args: _P.args, **kwargs: _P.kwargs) -> go.Figure:
        try:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            key = (build.__module__, build.__qualname__, arguments_key(bound.arguments))
        except _Unkeyed:
            return escaped(build(*args, **kwargs))
        with _BUILT_LOCK:
            fig = _BUILT.get(key)
            if fig is not None:
                _BUILT.move_to_end(key)
                return fig
        fig = escaped(build(*args, **kwargs))
        with _BUILT_LOCK:
            _BUILT[key] = fig
            while len(_BUILT) > BUILT_KEEP:
                _BUILT.popitem(last=False)
        return fig

    built.text_only = True
    return built


def value_of(label):
    """A chart's label, as a selection event returns it (escaped), back to the name it shows."""
    return html.unescape(label) if isinstance(label, str) else label


def currency_symbol(currency: str) -> str:
    """How amounts in the currency are prefixed: $, €, £, else the code and a space."""
    return {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency, currency + " ")


def _layout(
    fig: go.Figure, title: str, x: str | None, y: str | None, height: int = 380, subtitle: str | None = None
) -> go.Figure:
    """Title (kept short: a chart may get half the page), optional subtitle, axis titles, legend above the plot."""
    head = {"text": title, "x": 0, "xanchor": "left"}
    if subtitle:
        head["subtitle"] = {"text": subtitle}
    fig.update_layout(
        title=head,
        height=height,
        margin={"l": 10, "r": 10, "t": 84 if subtitle else 60, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
    )
    fig.update_xaxes(title_text=x, automargin=True)
    fig.update_yaxes(title_text=y, automargin=True)
    return fig


def _percent_axis(update) -> None:
    """A 0-100 % axis whose ends are labelled too (Plotly drops the 100 % tick at the edge of a narrow chart)."""
    ticks = [0, 25, 50, 75, 100]
    update(range=[0, 101], tickvals=ticks, ticktext=[f"{t}%" for t in ticks])


def _clickable_cells(fig: go.Figure, rows: list[str], columns: list[str], hover: np.ndarray) -> None:
    """Plotly's heatmaps send no selection events: an invisible square marker over every cell makes a click
    select that cell (Streamlit's `on_select`, its x and y the cell's column and row) and carries the hover,
    two lines of text per cell (`hover[row, column]`)."""
    if not rows or not columns:
        return
    grid_rows, grid_columns = np.meshgrid(np.arange(len(rows)), np.arange(len(columns)), indexing="ij")
    invisible = {"marker": {"opacity": 0}}
    fig.add_trace(
        go.Scatter(
            x=[columns[c] for c in grid_columns.ravel()],
            y=[rows[r] for r in grid_rows.ravel()],
            mode="markers",
            marker={"symbol": "square", "size": 18, "color": "rgba(0,0,0,0)"},
            selected=invisible,
            unselected=invisible,
            customdata=hover.reshape(-1, 2),
            hovertemplate="<b>%{y}</b> · %{x}<br>%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
            showlegend=False,
            name="cells",
        )
    )


@text_only
def coverage_heatmap(matrix: pl.DataFrame, teams: list[str], skills: list[str], row_title: str = "Team") -> go.Figure:
    """Rows (teams or departments) x skills; colour = coverage (sequential), blank where nobody needs the skill.

    Cells hidden from executives (a small group, or the neighbour that keeps one from being worked out of
    the totals) are grey and read "hidden". A click on a cell selects it (see `_clickable_cells`)."""
    z = np.full((len(teams), len(skills)), np.nan)
    hidden_z = np.full(z.shape, np.nan)
    text = np.full(z.shape, "", dtype=object)
    hover = np.empty(z.shape + (2,), dtype=object)  # two lines of text per cell
    hover[..., 0], hover[..., 1] = "nobody here needs this skill", ""
    placed = matrix.join(pl.DataFrame({"team": teams, "_r": range(len(teams))}), on="team").join(
        pl.DataFrame({"skill": skills, "_c": range(len(skills))}), on="skill"
    )
    for row in placed.iter_rows(named=True):
        r, c = row["_r"], row["_c"]
        if row.get("suppressed"):
            hidden_z[r, c] = 0
            hover[r, c] = ("hidden: fewer than 5 people,", "or a cell that would reveal such a group")
        elif row["coverage"] is not None:
            z[r, c] = row["coverage"] * 100
            text[r, c] = f"{z[r, c]:.0f}"
            hover[r, c] = (
                f"Coverage {z[r, c]:.0f}%",
                f"{row['covered_headcount'] or 0:,} of {row['required_headcount'] or 0:,} at the required level",
            )
    dense = len(skills) > 24  # numbers no longer fit in the cells: colour and hover say it
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=skills,
            y=teams,
            text=text,
            texttemplate="" if dense else "%{text}",
            textfont={"size": 10},
            colorscale=SEQUENTIAL,
            zmin=0,
            zmax=100,
            xgap=1,
            ygap=1,
            colorbar={"title": {"text": "Coverage (%)"}, "ticksuffix": "%"},
            hoverinfo="skip",  # the clickable cells carry the hover
        )
    )
    if not np.isnan(hidden_z).all():
        fig.add_trace(
            go.Heatmap(
                z=hidden_z,
                x=skills,
                y=teams,
                text=np.where(np.isnan(hidden_z), "", "hidden"),
                texttemplate="" if dense else "%{text}",
                textfont={"size": 9},
                colorscale=[[0, HIDDEN_GREY], [1, HIDDEN_GREY]],
                showscale=False,
                xgap=1,
                ygap=1,
                name="hidden",
                hoverinfo="skip",
            )
        )
    _clickable_cells(fig, teams, skills, hover)
    height = max(360, 26 * len(teams) + 160)
    _layout(
        fig,
        f"Skill coverage by {row_title.lower()} (% of people who need the skill and have it)",
        "Skill",
        row_title,
        height,
    )
    # many skills: upright names in a small font, one per column (slanted ones overlap their neighbours)
    fig.update_xaxes(tickangle=-90 if dense else -60, side="bottom", dtick=1, tickfont={"size": 9 if dense else 12})
    # the cells' edges, not the markers over them, bound the plot (markers would pad it); first row on top
    fig.update_xaxes(range=[-0.5, len(skills) - 0.5], showgrid=False, zeroline=False)
    fig.update_yaxes(dtick=1, range=[len(teams) - 0.5, -0.5], showgrid=False, zeroline=False)
    return fig


@text_only
def line_trend(
    frame: pl.DataFrame, x: str, y: str, title: str, y_title: str, *, percent: bool = True, target: float | None = None
) -> go.Figure:
    values = [None if v is None else (v * 100 if percent else v) for v in frame[y].to_list()]
    fig = go.Figure(
        go.Scatter(
            x=frame[x].to_list(),
            y=values,
            mode="lines+markers",
            name=y_title,
            line={"color": "#2f81f7", "width": 2},
            hovertemplate="%{x|%b %Y}: %{y:.1f}" + ("%" if percent else "") + "<extra></extra>",
        )
    )
    if target is not None:
        fig.add_hline(
            y=target * 100 if percent else target,
            line_dash="dot",
            line_color="#cf222e",
            annotation_text="target",
            annotation_position="top left",
        )
    _layout(fig, title, "Month", y_title)
    if percent:
        _percent_axis(fig.update_yaxes)
    return fig


@text_only
def goal_gaps(goals: pl.DataFrame) -> go.Figure:
    """Distance of each goal's share from its target (goal_readiness' gap, target minus share), in points
    (diverging: red short, blue ahead)."""
    g = (
        goals.filter(pl.col("share").is_not_null())
        .with_columns((-pl.col("gap") * 100).alias("points"))
        .sort("points", descending=True)
    )
    labels = [
        f"{i} · {s} L{lv}+ · {sc}"
        for i, s, lv, sc in zip(
            g["goal_id"].to_list(), g["skill"].to_list(), g["min_level"].to_list(), g["scope"].to_list(), strict=False
        )
    ]
    points = g["points"].to_list()
    limit = max([abs(v) for v in points] + [10])
    fig = go.Figure(
        go.Bar(
            x=points,
            y=labels,
            orientation="h",
            customdata=g["name"].to_list(),
            marker={"color": points, "colorscale": DIVERGING, "cmin": -limit, "cmax": limit},
            text=[f"{v:+.0f} pts" for v in points],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{customdata}<br>%{x:+.1f} points vs target<extra></extra>",
        )
    )
    _layout(
        fig,
        "Strategic goals: share now minus target",
        "Percentage points vs target (negative: short)",
        None,
        max(280, 34 * len(labels) + 120),
    )
    fig.update_xaxes(range=[-limit * 1.25, limit * 1.25], zeroline=True, zerolinecolor="#57606a")
    return fig


@text_only
def budget_vs_actual(frame: pl.DataFrame, currency: str) -> go.Figure:
    """Budget, actual to date and the run-rate projection per unit; a unit projected over its budget has its
    actual bar red and says so in its hover (the page says it in words too)."""
    units = frame["unit"].to_list()
    over = [bool(o) for o in frame["over_budget"].to_list()] if "over_budget" in frame.columns else [False] * len(units)
    outlook = ["projected over budget" if o else "" for o in over]
    fig = go.Figure(
        [
            go.Bar(
                name="Budget",
                x=units,
                y=frame["budget"].to_list(),
                marker_color="#afb8c1",
                customdata=[currency] * frame.height,
                hovertemplate="%{x}<br>Budget %{y:,.0f} %{customdata}<extra></extra>",
            ),
            go.Bar(
                name="Actual to date",
                x=units,
                y=frame["actual"].to_list(),
                marker_color=[STATUS_COLOURS["off_track"] if o else "#2f81f7" for o in over],
                text=[f"{u * 100:.0f}%" if u is not None else "" for u in frame["utilisation"].to_list()],
                textposition="outside",
                customdata=list(zip([currency] * frame.height, outlook, strict=True)),
                hovertemplate="%{x}<br>Actual %{y:,.0f} %{customdata[0]}<br>%{customdata[1]}<extra></extra>",
            ),
        ]
    )
    if "projected" in frame.columns:
        fig.add_trace(
            go.Scatter(
                name="Projected at period end",
                x=units,
                y=frame["projected"].to_list(),
                mode="markers",
                marker={"symbol": "diamond", "size": 11, "color": "#1f2328"},
                customdata=[currency] * frame.height,
                hovertemplate="%{x}<br>Projected %{y:,.0f} %{customdata}<extra></extra>",
            )
        )
    fig.update_layout(barmode="group")
    _layout(
        fig,
        "Budget vs actual spend this period",
        "Unit",
        f"Amount ({currency})",
        subtitle="Red: projected over budget at the period's end (run rate)",
    )
    fig.update_xaxes(tickangle=-30)
    return fig


@text_only
def monthly_spend(frame: pl.DataFrame, projection: dict, currency: str) -> go.Figure:
    fig = go.Figure(
        go.Bar(
            x=frame["month"].to_list(),
            y=frame["spend"].to_list(),
            name="Spend",
            marker_color="#2f81f7",
            customdata=[currency] * frame.height,
            hovertemplate="%{x|%b %Y}: %{y:,.0f} %{customdata}<extra></extra>",
        )
    )
    if frame.height:
        cumulative = frame["spend"].cum_sum().to_list()
        fig.add_trace(
            go.Scatter(
                x=frame["month"].to_list(),
                y=cumulative,
                name="Cumulative",
                mode="lines+markers",
                line={"color": "#1f2328"},
                yaxis="y",
            )
        )
        if projection.get("year_end") is not None:
            fig.add_trace(
                go.Scatter(
                    x=[frame["month"][-1], projection["year_end_date"]],
                    y=[cumulative[-1], projection["year_end"]],
                    name="Projected to year end",
                    mode="lines+markers",
                    line={"color": "#d4a72c", "dash": "dash"},
                )
            )
    _layout(fig, "Monthly spend and year-end projection", "Month", f"Spend ({currency})")
    return fig


#: Categories are not good or bad: a calm qualitative palette (no alarm red).
QUALITATIVE = ["#4c78a8", "#72b7b2", "#f2cf5b", "#9d755d", "#b279a2", "#bab0ac", "#54a24b", "#ff9da6"]


@text_only
def stacked_bars(frame: pl.DataFrame, x: str, colour: str, y: str, title: str, x_title: str, y_title: str) -> go.Figure:
    """Horizontal bars of `y` per `x` (largest first, names readable however many), stacked by `colour`."""
    fig = go.Figure()
    order = frame.group_by(x).agg(pl.col(y).sum()).sort(y, descending=True)[x].to_list()
    for i, key in enumerate(frame[colour].unique().sort().to_list()):
        part = frame.filter(pl.col(colour) == key)
        fig.add_trace(
            go.Bar(
                name=str(key),
                y=part[x].to_list(),
                x=part[y].to_list(),
                orientation="h",
                marker_color=QUALITATIVE[i % len(QUALITATIVE)],
                customdata=[str(key)] * part.height,
                hovertemplate="%{y} · %{customdata}<br>%{x:,.0f}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    _layout(fig, title, y_title, x_title, _bars_height(len(order)))
    # a legend of several rows above the plot would cover the title: it stands beside the bars
    fig.update_layout(
        legend={
            "title": {"text": label_of(colour)},
            "orientation": "v",
            "x": 1.02,
            "xanchor": "left",
            "y": 1,
            "yanchor": "top",
        }
    )
    fig.update_yaxes(categoryorder="array", categoryarray=order, autorange="reversed", dtick=1)
    return fig


def _bars_height(bars: int) -> int:
    """Height of a horizontal bar chart: room for each name, a title and an axis."""
    return max(320, 22 * bars + 170)


def label_of(column: str) -> str:
    return column.replace("_", " ").capitalize()


@text_only
def simple_bars(
    x: list,
    y: list,
    title: str,
    x_title: str,
    y_title: str,
    *,
    text: list | None = None,
    colour: str = "#2f81f7",
    horizontal: bool = False,
) -> go.Figure:
    bar = go.Bar(
        x=y if horizontal else x,
        y=x if horizontal else y,
        text=text,
        textposition="auto",
        marker_color=colour,
        orientation="h" if horizontal else "v",
    )
    fig = go.Figure(bar)
    _layout(
        fig,
        title,
        y_title if horizontal else x_title,
        x_title if horizontal else y_title,
        _bars_height(len(x)) if horizontal else 380,
    )
    if horizontal:
        fig.update_yaxes(autorange="reversed", dtick=1)  # first item on top
    return fig


@text_only
def licence_bars(frame: pl.DataFrame) -> go.Figure:
    vendors = frame["vendor"].to_list()
    fig = go.Figure(
        [
            go.Bar(name="Active in last 30 days", x=vendors, y=frame["active_users"].to_list(), marker_color="#2f81f7"),
            go.Bar(name="Idle seats", x=vendors, y=frame["idle_seats"].to_list(), marker_color="#d0d7de"),
        ]
    )
    fig.update_layout(barmode="stack")
    _layout(fig, "Licence seats: used vs idle", "Vendor", "Seats")
    return fig


@text_only
def goal_trajectory(history: pl.DataFrame, goal: dict) -> go.Figure:
    """History of a goal's share, its projection to the deadline with the band around it, and the target."""
    fig = go.Figure(
        go.Scatter(
            x=history["as_of"].to_list(),
            y=[None if v is None else v * 100 for v in history["share"].to_list()],
            mode="lines+markers",
            name="Share",
            line={"color": "#2f81f7"},
            hovertemplate="%{x|%d %b %Y}: %{y:.1f}%<extra></extra>",
        )
    )
    last = history["share"][-1] if history.height else None
    if goal.get("projected_low") is not None and goal.get("projected_high") is not None and last is not None:
        start = history["as_of"][-1]
        fig.add_trace(
            go.Scatter(
                x=[start, goal["deadline"], goal["deadline"], start],
                y=[last * 100, goal["projected_high"] * 100, goal["projected_low"] * 100, last * 100],
                fill="toself",
                mode="lines",
                line={"width": 0},
                name="80% band",
                fillcolor="rgba(87, 96, 106, 0.18)",
                hoverinfo="skip",
            )
        )
    if goal.get("projected_share") is not None and history.height:
        fig.add_trace(
            go.Scatter(
                x=[history["as_of"][-1], goal["deadline"]],
                y=[
                    history["share"][-1] * 100 if history["share"][-1] is not None else None,
                    goal["projected_share"] * 100,
                ],
                mode="lines+markers",
                name=f"Projection ({goal['projection_method']})",
                line={"color": STATUS_COLOURS.get(goal.get("status"), "#57606a"), "dash": "dash"},
            )
        )
    fig.add_hline(
        y=goal["target_share"] * 100,
        line_dash="dot",
        line_color="#1f2328",
        annotation_text=f"target {goal['target_share'] * 100:.0f}%",
        annotation_position="top left",
    )
    # the goal's own statement heads its card; it is too long for a title at half the page's width
    _layout(
        fig,
        f"{goal['goal_id']}: share at the level, trajectory to {goal['deadline']:%d %b %Y}",
        "Date",
        "Share of population (%)",
        340,
    )
    _percent_axis(fig.update_yaxes)
    return fig


@text_only
def person_matrix(frame: pl.DataFrame) -> go.Figure:
    """Person x skill: colour = level minus required level (diverging), text = level/required."""
    people = frame["full_name"].unique(maintain_order=True).to_list()
    skills = sorted(frame["skill"].unique().to_list())
    lookup = {(r["full_name"], r["skill"]): r for r in frame.iter_rows(named=True)}
    z, text, evidence = [], [], []
    for p in people:
        zr, tr, er = [], [], []
        for s in skills:
            r = lookup.get((p, s))
            zr.append(None if r is None else r["level"] - r["required_level"])
            tr.append("" if r is None else f"{r['level']}/{r['required_level']}")
            er.append((r or {}).get("evidence") or "no evidence")
        z.append(zr)
        text.append(tr)
        evidence.append(er)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=skills,
            y=people,
            text=text,
            customdata=evidence,
            texttemplate="%{text}",
            colorscale=LEVEL_SCALE,
            zmin=-5,
            zmax=5,
            xgap=1,
            ygap=1,
            colorbar={
                "title": {"text": "Level against required"},
                "tickvals": [-4, -2, 0, 2, 4],
                "ticktext": ["4 below", "2 below", "at required", "2 above", "4 above"],
            },
            hovertemplate="<b>%{y}</b> · %{x}<br>level %{text} required<br>evidence: %{customdata}<extra></extra>",
        )
    )
    # skill names above the matrix, where a tall one is read from (upright when many), in a top margin tall
    # enough for the longest name under the title (the title does not move for the axis' labels)
    # (the title names the columns: an axis title up there would stand above the chart's own)
    upright = len(skills) > 12
    names = 6 * max((len(s) for s in skills), default=0) * (1 if upright else 0.71)
    _layout(
        fig,
        "People × required skills (level / required level)",
        None,
        "Person",
        max(320, 26 * len(people) + 100 + int(names)),
    )
    fig.update_layout(
        margin={"t": 60 + int(names)}, title={"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 12}}
    )
    fig.update_xaxes(side="top", tickangle=-90 if upright else -45, dtick=1, automargin=False)
    fig.update_yaxes(autorange="reversed", dtick=1)
    return fig


def year_end(d: date) -> date:
    return date(d.year, 12, 31)


@text_only
def plan_goals(goals: pl.DataFrame) -> go.Figure:
    """Each goal's share today and once the training plan is done, against its target."""
    labels = [
        f"{i} · {s} L{lv}+"
        for i, s, lv in zip(
            goals["goal_id"].to_list(), goals["skill"].to_list(), goals["min_level"].to_list(), strict=False
        )
    ]
    now = [None if v is None else v * 100 for v in goals["share_now"].to_list()]
    after = [None if v is None else v * 100 for v in goals["share_after"].to_list()]
    fig = go.Figure(
        [
            go.Bar(
                name="Now",
                y=labels,
                x=now,
                orientation="h",
                marker_color="#afb8c1",
                hovertemplate="%{y}<br>now %{x:.1f}%<extra></extra>",
            ),
            go.Bar(
                name="Expected",
                y=labels,
                x=after,
                orientation="h",
                marker_color="#2f81f7",
                hovertemplate="%{y}<br>expected after the plan %{x:.1f}%<extra></extra>",
            ),
            go.Scatter(
                name="Target",
                y=labels,
                x=[v * 100 for v in goals["target_share"].to_list()],
                mode="markers",
                marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": "#1f2328"}},
                hovertemplate="%{y}<br>target %{x:.0f}%<extra></extra>",
            ),
        ]
    )
    fig.update_layout(barmode="group")
    _layout(
        fig,
        "Strategic goals: share now and expected after the plan",
        "Share of the goal's population (%)",
        None,
        max(280, 52 * len(labels) + 120),
    )
    _percent_axis(fig.update_xaxes)
    fig.update_yaxes(autorange="reversed")
    return fig


@text_only
def plan_coverage(skills: pl.DataFrame, top: int = 15) -> go.Figure:
    """Coverage now and after the plan for the skills the plan moves most (people whose gap it closes)."""
    shown = (
        skills.filter(pl.col("closed_pairs") > 0).sort(["closed_pairs", "skill"], descending=[True, False]).head(top)
    )
    labels = shown["skill"].to_list()
    fig = go.Figure(
        [
            go.Bar(
                name="Now",
                y=labels,
                x=[v * 100 for v in shown["coverage_now"].to_list()],
                orientation="h",
                marker_color="#afb8c1",
                hovertemplate="%{y}<br>now %{x:.1f}%<extra></extra>",
            ),
            go.Bar(
                name="Expected",
                y=labels,
                x=[v * 100 for v in shown["coverage_after"].to_list()],
                orientation="h",
                marker_color="#2f81f7",
                customdata=shown["closed_pairs"].to_list(),
                hovertemplate="%{y}<br>expected after the plan %{x:.1f}% (+%{customdata:.1f} people)<extra></extra>",
            ),
        ]
    )
    fig.update_layout(barmode="group")
    _layout(
        fig,
        "Skill coverage now and expected after the plan",
        "People at the required level among those who need it (%)",
        None,
        max(280, 44 * len(labels) + 144),
        subtitle=f"The {len(labels)} required skills the plan moves most",
    )
    _percent_axis(fig.update_xaxes)
    fig.update_yaxes(autorange="reversed")
    return fig


# ------------------------------------------------------------------ training planner: budget curve


@text_only
def plan_curve(curve: pl.DataFrame, currency: str = "USD", now: float | None = None) -> go.Figure:
    """Expected readiness for a few budgets (each planned the same way), the plan's budget marked, today's
    readiness as a dashed line; the axis starts below today's so the gain is seen at its true size."""
    symbol = currency_symbol(currency)
    budgets = curve["budget"].to_list()
    readiness = [None if v is None else v * 100 for v in curve["expected_readiness"].to_list()]
    spent = curve["cost"].to_list()
    marked = curve.filter(pl.col("is_plan"))
    fig = go.Figure(
        [
            go.Scatter(
                name="Expected readiness",
                x=budgets,
                y=readiness,
                mode="lines+markers",
                line={"color": "#2f81f7", "width": 3},
                marker={"size": 8},
                customdata=spent,
                hovertemplate=f"budget {symbol}%{{x:,.0f}}<br>expected readiness %{{y:.1f}}%"
                f"<br>spent {symbol}%{{customdata:,.0f}}<extra></extra>",
            ),
            go.Scatter(
                name="This budget",
                x=marked["budget"].to_list(),
                y=[None if v is None else v * 100 for v in marked["expected_readiness"].to_list()],
                mode="markers",
                marker={"size": 14, "color": "#1f2328", "symbol": "diamond"},
                hovertemplate=f"this budget {symbol}%{{x:,.0f}}<br>expected readiness %{{y:.1f}}%<extra></extra>",
            ),
        ]
    )
    _layout(
        fig,
        "Budget → expected readiness",
        f"Budget ({currency})",
        "Expected readiness (%)",
        360,
        subtitle="Each point a plan for that budget (greedy, same rules); readiness if the observed success rates hold",
    )
    # The axis spans the curve (a point either side), so its bend is seen; today's readiness is drawn when
    # it falls inside and named in the subtitle always.
    shown = [v for v in readiness if v is not None]
    low = max(0.0, (min(shown) - 1.0) // 1) if shown else 0.0
    high = min(100.0, -(-(max(shown) + 1.0) // 1)) if shown else 100.0
    if now is not None and low <= now * 100 <= high:
        fig.add_hline(
            y=now * 100,
            line={"dash": "dash", "color": "#6e7781"},
            annotation_text=f"today {now * 100:.1f}%",
            annotation_position="bottom right",
        )
    if now is not None:
        fig.update_layout(
            title_subtitle_text=f"Readiness today {now * 100:.1f}%. Each point: a plan for that budget "
            "(greedy), if the observed success rates hold"
        )
    fig.update_xaxes(tickprefix=symbol, tickformat=",.0f", rangemode="tozero")
    fig.update_yaxes(ticksuffix="%", tickformat=".1f", range=[low, high])
    return fig
