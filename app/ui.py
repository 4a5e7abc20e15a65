"""Small pieces every page uses: metric definitions, formatting, safe CSV downloads."""

from __future__ import annotations

import re
from datetime import date

import polars as pl
import streamlit as st

from app.charts import currency_symbol
from common.csv import csv_bytes, neutralise
from queries.suppression import SUPPRESSED_TEXT

__all__ = ["csv_bytes", "neutralise"]  # the downloads' CSV, kept here for the pages

#: Where skills L&D accepted from suggestions count: everywhere a course's skills do.
SUGGESTED_SKILLS_COUNT = (
    " A course's skills include those L&D accepted from suggestions for courses the catalog left untagged (Data page)."
)

#: One-line definitions shown next to every metric (PRODUCT.md; the SQL in sql/models).
#: Said with every metric built on levels: which evidence counts is L&D's policy (config/evidence.toml).
POLICY = (
    " Levels count the evidence L&D's policy counts: by default a credential whose proof failed never counts, "
    "and an unverified one (unsigned, or its issuer's key unreachable) counts, flagged."
)

DEFINITIONS = {
    "readiness": "Over every (employee, required skill) pair in the unit on the date, the weighted share that is met "
    "(level on the date at least the role's required level; weights = criticality)." + POLICY + SUGGESTED_SKILLS_COUNT,
    "coverage": "Among active employees of the team whose role requires the skill, the share whose level on the date "
    "is at least the required level. Blank: nobody in the team needs it." + POLICY + SUGGESTED_SKILLS_COUNT,
    "level": "The highest level among the employee's evidence for the skill valid on the date "
    "(from the day it is earned up to, not including, the day it lapses)." + POLICY + SUGGESTED_SKILLS_COUNT,
    "goal_share": "Share of the goal's population (active employees in its scope and roles) at or above its level."
    + POLICY
    + SUGGESTED_SKILLS_COUNT,
    "evidence": "Evidence: the strongest kind behind the level, by strength (verified credential and assessment 4, "
    "unverified credential 3, course completion 2, self-reported 1, as L&D's policy sets them); flagged: it counts, "
    "but its proof could not be checked.",
    "verification": "Proof check of each credential: verified (its signature checks against the issuer's key), "
    "failed (altered, or signed with another key), unsigned (no proof of its own), unverifiable (the issuer's key "
    "would need the network, or nothing ties the key to the issuer).",
    "goal_status": "Projected to the deadline from the pace of the last 180 days (people reaching the level), "
    "the open enrolments (at the courses' recent pass rate) and the credentials lapsing before it, "
    "with an 80% band. achieved: share >= target. on track: even the band's low end reaches the "
    "target. at risk: the target is inside the band. off track: even the high end misses it, or "
    "the deadline has passed.",
    "goal_pace": "Pace achieved: people reaching the goal's level per month over the last 180 days. Pace needed: "
    "people per month from now to the deadline for the share to reach the target, after the "
    "expected enrolments and the lapsing credentials.",
    "planner": "The plan with the most expected goal progress (people expected to reach a goal's level, counted up "
    "to each goal's target), then the most expected weighted role-requirement gaps closed, then the lowest cost, "
    "within the budget and the hours a month per person. Each assignment counts at its course's observed success "
    "rate (below). A course costs its price in the reporting currency; an idle licence seat of its vendor makes "
    "it free until the vendor's idle seats are used up. Solved as an integer program (HiGHS); a plan that is not "
    "proven optimal says so.",
    "planner_success": "Success rate = attempts that ended in a completion or a pass / attempts, where an attempt is "
    "an (employee, course) pair with a learning record up to the date (open enrolments without a date included) "
    "= completion rate (attempts that finished: completed, passed or failed) × pass rate (finished attempts that "
    "completed or passed). A course with fewer than 20 attempts takes its provider's rates (all its courses); "
    "a provider with fewer than 20 takes the rates of all attempts in the warehouse.",
    "learning_path": "For each gap (role requirement or strategic goal), the courses that teach the skill at the "
    "level needed: cheapest first (free with an idle licence seat of the vendor), then shortest.",
    "assignment_status": "Status of each assigned course on the date: done when a completed or passed record of "
    "that person for that course is dated on or after the day it was assigned; overdue when not done and its due "
    "date has passed; in progress when not done nor overdue but an enrolment, progress or failed attempt has been "
    "recorded since it was assigned; else assigned. Records count up to the date.",
    "budget_utilisation": "Actual spend from the budget period's start up to the date over the budget, in the "
    "reporting currency (FX of each spend's month).",
    "active_learners": "Distinct active employees with any learning activity in the 90 days up to the date.",
    "expiring": "Certificates and badges whose validity ends within the next 90 days, each counted once (whatever the number of skills it attests).",
    "cost_per_completion": "Spend with the vendor in the period / distinct (employee, course) completions of its "
    "courses in the period.",
    "licence_utilisation": "Distinct employees active on the vendor's platform in the last 30 days / seats bought.",
    "value_for_money": "Value for money, this year up to the date: spend of the unit (its spend lines, each at its "
    "month's FX rate; the whole company's row also holds the spend no department carries, such as licences); skill "
    "levels gained = over the unit's people at work on the date and every skill they hold, the rise of their level "
    "(1 Novice to 5 Expert) from the day before 1 January to the date, a new skill counting from 0 and a lapsed "
    "level never below 0; cost per level gained = spend / skill levels gained (“–” when nothing was gained).",
    "licence_cost": "A licence's cost is what the spend lines that pay for it cost, each at the FX rate of its own "
    "month, as in every spend figure: a licence paid this year counts the same here and in the vendor table. A "
    "licence spend line pays for its vendor's term that has started (or starts within 31 days) by the line's date; "
    "any part of the cost no line pays converts at the rate of the term's first month. A renewal paid before its "
    "term starts is this year's spend, and the next term's cost.",
    "projection": "Year-end projection: spend so far this year / days elapsed x days in the year (run rate).",
    "suggestions": "For each catalog course that names no skill, the skills closest in meaning to its title (and "
    "description) by sentence embeddings (all-MiniLM-L6-v2): score = cosine similarity with the skill's name, or "
    "with its name and description, whichever is higher (-1 to 1; higher is closer). Accept one skill per course at "
    "a level (proposed from the title: advanced 3, intermediate 2, else 1): the course then teaches it, and people "
    "who completed it hold the skill from their completion date. A rejected skill is not proposed again.",
}

#: What a suppressed small group shows instead of its number (executives' view).
HIDDEN = SUPPRESSED_TEXT


def is_hidden(frame: pl.DataFrame, row: int = -1) -> bool:
    """Whether a row of a query result was suppressed by the small-group rule."""
    return "suppressed" in frame.columns and frame.height > 0 and bool(frame["suppressed"][row])


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")
_LINE_BREAKS = re.compile(r"[ \t]*(?:\r\n|\r|\n)+[ \t]*")
#: Where Streamlit's Markdown finds links and icons in text whose escapes it has already resolved:
#: after a colon (`https://`, `:material/home:`, `:streamlit:`), in `www.` and before an `@` (e-mail).
_TEXT_LEVEL = re.compile(r"(?<=:)(?=\S)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)
#: U+200B ZERO WIDTH SPACE keeps those patterns from matching; it shows nothing (browsers may break a
#: line there), and text assertions of Playwright ignore it as they would a reader.
ZERO_WIDTH_SPACE = "\u200b"


def plain(text) -> str:
    """Text from a file (a name, a title) made inert in Streamlit's Markdown, shown as written: no
    links, emphasis, headings, entities (`&amp;` stays as written), colour or icon directives.
    Every data string that reaches Markdown (st.markdown, captions, headings, alerts, metric
    labels and values, help) goes through here.

    Backslash escapes are not enough: Streamlit turns URLs, `www.` and e-mail addresses into
    links, and `:material/...:` into icons, in the text once the escapes are resolved. A zero
    width space after each colon that a character follows, between `www` and its dot and before each `@` stops that
    (it stays in text copied from the page). A line break becomes a space: a name
    is one line, and on a line of its own it could start a heading, a list or a code block."""
    one_line = _LINE_BREAKS.sub(" ", str(text))
    return _MARKDOWN_SPECIALS.sub(r"\\\1", _TEXT_LEVEL.sub(ZERO_WIDTH_SPACE, one_line))


def pct(value, digits: int = 0, hidden: bool = False) -> str:
    if hidden:
        return HIDDEN
    return "–" if value is None else f"{value * 100:.{digits}f}%"


def count(value, hidden: bool = False) -> str:
    if hidden:
        return HIDDEN
    return "–" if value is None else f"{value:,}"


def money(value, currency: str = "USD") -> str:
    if value is None:
        return "–"
    symbol = currency_symbol(currency)
    if abs(value) >= 1_000_000:
        return f"{symbol}{value / 1_000_000:.2f}M"
    if abs(value) >= 10_000:
        return f"{symbol}{value / 1000:.0f}k"
    return f"{symbol}{value:,.0f}"


def download(frame: pl.DataFrame, name: str, label: str = "Download CSV", key: str | None = None) -> None:
    """A CSV download of the frame; the file is made when the button is pressed, not on every run.

    Pressing it does not rerun the page: a rerun would replace the button's pending file before
    the browser fetched it (the browser asks for the rerun first), and the download would fail
    whenever the rerun won that race.
    """
    st.download_button(
        label,
        lambda: csv_bytes(frame),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=key or f"dl-{name}",
        icon=":material/download:",
        on_click="ignore",
    )


_PERCENT_WORDS = ("share", "coverage", "utilisation", "readiness", "gap")
_MONEY_WORDS = ("spend", "budget", "actual", "cost", "amount", "price", "projected")
#: What an empty cell reads (Streamlit's tables would print "None").
EMPTY = "–"


def label(column: str) -> str:
    """A column name as a person reads it: 'required_level' -> 'Required level'."""
    text = column.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


_PLAIN_INTEGERS = ("batch_id", "row_number", "level", "required_level", "min_level")


def columns_for(frame: pl.DataFrame, overrides: dict | None = None) -> dict:
    """Readable headers and formats for every column: percentages, amounts, plain dates."""
    config: dict = {}
    for name, dtype in frame.schema.items():
        title = label(name)
        if dtype == pl.Date:
            config[name] = st.column_config.DateColumn(title, format="YYYY-MM-DD")
        elif isinstance(dtype, pl.Datetime):
            config[name] = st.column_config.DatetimeColumn(title, format="YYYY-MM-DD HH:mm")
        elif dtype.is_float() and any(w in name for w in _PERCENT_WORDS):
            config[name] = st.column_config.NumberColumn(title, format="percent")
        elif dtype.is_float() and any(w in name for w in _MONEY_WORDS):
            config[name] = st.column_config.NumberColumn(title, format="%,.0f")
        elif dtype.is_float():
            config[name] = st.column_config.NumberColumn(title, format="%,.2f")
        elif dtype.is_integer():
            config[name] = st.column_config.NumberColumn(
                title,
                format="%d" if name.endswith("_id") or name in _PLAIN_INTEGERS else "%,d",
            )
        else:
            config[name] = st.column_config.Column(title)
    config.update(overrides or {})
    return config


def _cell_text(name: str, dtype: pl.DataType) -> pl.Expr:
    """A column as the text its table shows (the formats of columns_for), EMPTY where it holds nothing."""
    col = pl.col(name)
    if dtype == pl.Date:
        text = col.dt.strftime("%Y-%m-%d")
    elif isinstance(dtype, pl.Datetime):
        text = col.dt.strftime("%Y-%m-%d %H:%M")
    elif dtype.is_float() and any(w in name for w in _PERCENT_WORDS):
        text = pl.format("{}%", (col * 100).round(1))
    elif dtype.is_numeric():
        whole = dtype.is_integer() or any(w in name for w in _MONEY_WORDS)
        digits = 0 if whole else 2
        text = col.map_elements(lambda v: f"{v:,.{digits}f}", return_dtype=pl.String)
        if dtype.is_integer() and (name.endswith("_id") or name in _PLAIN_INTEGERS):
            text = col.cast(pl.String)
    elif dtype == pl.Boolean:
        text = pl.when(col).then(pl.lit("yes")).otherwise(pl.lit("no"))
    else:
        text = col.cast(pl.String)
    return pl.when(col.is_null()).then(pl.lit(EMPTY)).otherwise(text).alias(name)


def _coded(name: str) -> bool:
    """A column of coded values (a status, a kind, a type): shown as words."""
    return name.endswith(("status", "kind", "type"))


def as_words(frame: pl.DataFrame) -> pl.DataFrame:
    """Coded values in words: 'in_progress' reads 'In progress' (columns named …status, …kind, …type)."""
    coded = [n for n in frame.columns if _coded(n) and frame.schema[n] == pl.String]
    return frame.with_columns(
        [
            pl.col(n).str.replace_all("_", " ").str.slice(0, 1).str.to_uppercase()
            + pl.col(n).str.replace_all("_", " ").str.slice(1)
            for n in coded
        ]
    )


#: The width (pixels) a date or a timestamp needs as text in a table.
_DATE_TEXT_WIDTH = {pl.Date: 100, pl.Datetime: 140}


def with_empty_cells(frame: pl.DataFrame, config: dict) -> tuple[pl.DataFrame, dict]:
    """Columns that hold empty cells, as text with EMPTY in them, and their configuration as text columns
    (the columns without empty cells keep their type and sort as numbers or dates)."""
    gaps = [n for n in frame.columns if frame[n].null_count() and frame.schema[n] != pl.String]
    strings = [n for n in frame.columns if frame[n].null_count() and frame.schema[n] == pl.String]
    config = dict(config)
    for n in gaps:
        was = config.get(n) or {}
        config[n] = st.column_config.TextColumn(
            was.get("label") or label(n),
            help=was.get("help"),
            alignment="left" if frame.schema[n] == pl.Boolean else "right",
            # the grid sizes a column to its first rows: a date column that starts empty would cut its dates
            width=_DATE_TEXT_WIDTH.get(type(frame.schema[n])),
        )
    filled = frame.with_columns(
        [_cell_text(n, frame.schema[n]) for n in gaps] + [pl.col(n).fill_null(EMPTY) for n in strings]
    )
    return filled, config


def show_suppressed(frame: pl.DataFrame, emptied_by_rule: tuple[str, ...] = ()) -> pl.DataFrame:
    """Replace the numbers the small-group rule removed by the words that say so.

    A column empty in every shown row reads as empty (nothing to hide) unless it is one of
    `emptied_by_rule`, the columns the query's rule is known to empty (a ratio that is "–" wherever it
    is shown, say)."""
    if "suppressed" not in frame.columns:
        return frame
    if not frame["suppressed"].any():  # nothing hidden: the column says nothing a person needs
        return frame.drop("suppressed")
    hidden = pl.col("suppressed")
    emptied = [
        n
        for n in frame.columns
        if n != "suppressed"
        and frame.filter(hidden)[n].null_count() == frame["suppressed"].sum()
        and (
            n in emptied_by_rule
            or frame.filter(~hidden)[n].null_count()
            < frame.filter(~hidden).height + (frame.filter(~hidden).height == 0)
        )
    ]

    return frame.with_columns(
        [pl.when(hidden).then(pl.lit(HIDDEN)).otherwise(_cell_text(n, frame.schema[n])).alias(n) for n in emptied]
    ).drop("suppressed")


def table(
    frame: pl.DataFrame,
    name: str,
    *,
    column_config: dict | None = None,
    height: int | None = None,
    key: str | None = None,
    download_frame: pl.DataFrame | None = None,
    download_label: str = "Download CSV",
    emptied_by_rule: tuple[str, ...] = (),
) -> None:
    """A table with its CSV download underneath. Cells are shown as text, never as HTML.

    Long tables show their first MAX_TABLE_ROWS rows (a browser cannot usefully show more, and
    every row shown travels to it on each run); the download has every row (of `download_frame`
    when the file has other columns than the table).

    Suppressed small groups (executives' view) read "fewer than 5" in every cell the rule emptied
    (`emptied_by_rule`: see show_suppressed).
    """
    frame = show_suppressed(frame, emptied_by_rule)
    shown, config = with_empty_cells(as_words(frame.head(MAX_TABLE_ROWS)), columns_for(frame, column_config))
    rows_height = 38 + 35 * min(max(shown.height, 1), 12)
    st.dataframe(
        shown,
        hide_index=True,
        column_config=config,
        height=min(height, rows_height) if height else "auto",
    )
    if frame.height > shown.height:
        st.caption(f"The first {shown.height:,} of {frame.height:,} rows; the CSV below holds them all.")
    download(frame if download_frame is None else download_frame, name, download_label, key=key)


def day(d: date | None) -> str:
    return d.strftime("%-d %b %Y") if d else "–"


def delta_points(now, before) -> str | None:
    """Change in percentage points (None when either side is unknown or suppressed)."""
    if now is None or before is None:
        return None
    return f"{(now - before) * 100:+.1f} pts"


def delta_count(now, before) -> str | None:
    if now is None or before is None:
        return None
    return f"{now - before:+,}"


#: Tables show at most this many rows (in their order: the most relevant first); their CSV holds every row.
MAX_TABLE_ROWS = 1000
#: Above this many teams in a selection, the coverage heatmap shows one row per department.
MAX_TEAM_ROWS = 60
#: Above this many people in a selection, the planner solves when asked (its Plan button), not on opening.
AUTO_PLAN_PEOPLE = 5000

GOAL_STATUSES = ("achieved", "on_track", "at_risk", "off_track")


def goals_with_people(goals: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """The goals that have people in the selection (a hidden population counts: it is small, not empty),
    and the names of those that have none: they get no card, bar or row, only a mention."""
    has_people = pl.col("population").is_null() | (pl.col("population") > 0)
    empty = goals.filter(~has_people)
    names = [n or g for g, n in zip(empty["goal_id"].to_list(), empty["name"].to_list(), strict=True)]
    return goals.filter(has_people), names


def no_people_note(names: list[str]) -> str | None:
    """One sentence naming the goals with nobody in the selection (None when there are none)."""
    if not names:
        return None
    listed = ", ".join(plain(n) for n in names)
    return (
        f"{len(names)} goal{'s' if len(names) > 1 else ''} ha{'ve' if len(names) > 1 else 's'} nobody in this "
        f"selection and {'are' if len(names) > 1 else 'is'} not shown: {listed}."
    )


def goal_counts(now: pl.DataFrame, before: pl.DataFrame) -> dict[str, dict[str, int]]:
    """Goals per status now and 90 days earlier, from two goal_status frames. Goals without a
    status (their population is too small for the viewer to see) are not counted."""

    def per_status(frame: pl.DataFrame) -> dict[str, int]:
        counted = frame.filter(pl.col("status").is_not_null())["status"].value_counts()
        return dict(counted.iter_rows())

    n, b = per_status(now), per_status(before)
    return {s: {"now": n.get(s, 0), "before": b.get(s, 0)} for s in GOAL_STATUSES}


def largest_gap_cell(matrix: pl.DataFrame) -> tuple[str, str] | None:
    """(row, skill) of the coverage cell with the most people short of the level (the first such cell
    in the matrix's order on a tie); None when no cell shows a headcount (all suppressed, or none)."""
    shown = matrix.filter(pl.col("required_headcount") > 0)
    if shown.is_empty():
        return None
    short = (shown["required_headcount"] - shown["covered_headcount"]).to_list()
    best = short.index(max(short))
    return shown["team"][best], shown["skill"][best]
