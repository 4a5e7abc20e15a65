"""Names from files stay text wherever the dashboard shows them.

A goal, skill, role, team or vendor name is data: Streamlit's Markdown must not read it as a
link, emphasis or a colour directive (`app.ui.plain`), and Plotly must not read it as the
little HTML it draws in labels, hovers, legends and titles (`app.charts.text_only`, around
every figure builder). Checked on each chart with hostile names, and on every page through
AppTest over a warehouse loaded from tests/fixtures/hostile/ by the real loader.
"""

from __future__ import annotations

import html
import inspect
import json
import re
from datetime import date
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
import pytest
from google.protobuf.json_format import MessageToDict
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

import warehouse
from app import charts, ui
from etl.load import load_paths

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE_COMPANY = FIXTURES / "hostile"
TINY_RECORDS = FIXTURES / "tiny_records"
APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")

LINK = "[x](https://evil.example) :red[act now]"
ANCHOR = '<a href="https://evil.example">x</a>'
BOLD = "<b>bold</b>"
SPAN = 'R&D <span style="color:red">red</span> & co'
HOSTILE = [LINK, ANCHOR, BOLD, SPAN]
#: What Streamlit's Markdown makes live in plain text: URLs, www., e-mail addresses, icons, its logo.
BARE = "see https://evil.example/a, www.evil.example, mail@evil.example :material/home: :streamlit:"
#: The second goal's name in tests/fixtures/hostile/goals.csv.
GOAL_2 = ANCHOR + " :material/warning: :streamlit: mail@evil.example, www.evil.example"


def shown(markdown: str) -> str:
    """Text as a reader sees it: without the zero-width spaces ui.plain adds (Playwright ignores them too)."""
    return markdown.replace(ui.ZERO_WIDTH_SPACE, "")


# ---------------------------------------------------------------- Markdown


@pytest.mark.parametrize("name", [*HOSTILE, BARE, "**b** _i_ ~~s~~ `c` $x$ #1 1. - + > |a|", "R&amp;D &lt;x&gt;"])
def test_plain_text_renders_as_written_in_commonmark(name):
    """CommonMark (markdown-it, the parser Streamlit's follows) shows the escaped name as the very text."""
    md = MarkdownIt("commonmark").enable("strikethrough")
    rendered = md.render(ui.plain(name))
    assert not re.search(r"<(a|strong|em|s|del|code|h\d|ol|ul|li|blockquote|pre|span)\b", rendered), rendered
    assert shown(html.unescape(re.sub(r"</?p>|\n", "", rendered))) == name


def test_plain_leaves_nothing_for_streamlit_to_link_or_turn_into_an_icon():
    """Streamlit links URLs, www. and e-mail addresses, and draws :material/...: and :streamlit:, in the
    text once escapes are resolved (seen in Chromium: tests/test_browser_escaping.py)."""
    resolved = re.sub(r"\\(.)", r"\1", ui.plain(BARE))  # the text Streamlit's plugins see
    assert not re.search(r"https?://|www\.|\w@|:material/|:streamlit:", resolved, re.IGNORECASE), resolved


def test_plain_keeps_a_name_on_one_line():
    """A line break would let a name start a heading, a list or a code block of its own."""
    md = MarkdownIt("commonmark")
    rendered = md.render("Team " + ui.plain("A\n===\n    code\r\n- item"))
    assert rendered.count("<p>") == 1 and "<h1>" not in rendered and "<pre>" not in rendered
    assert html.unescape(rendered) == "<p>Team A === code - item</p>\n"


# ---------------------------------------------------------------- Plotly


def _strings(spec, key: str = ""):
    """(key, string) for every string of a figure's JSON, under the key that holds it."""
    if isinstance(spec, str):
        yield key, spec
    elif isinstance(spec, dict):
        for k, v in spec.items():
            if k != "template":  # Plotly's own styling
                yield from _strings(v, k)
    elif isinstance(spec, (list, tuple)):
        for v in spec:
            yield from _strings(v, key)


def assert_text_only(fig: go.Figure, names: list[str]) -> None:
    """No markup from data anywhere in the figure, and each name there as Plotly shows text as written."""
    spec = json.loads(fig.to_json())
    found = list(_strings(spec))
    for key, s in found:
        if key.endswith("template"):  # ours: markup allowed, data never
            assert not any(n in s or html.escape(n, quote=False) in s for n in names), (key, s)
            assert "evil" not in s and "bold" not in s, (key, s)
        else:  # everything else is escaped text: no tag, no bare ampersand
            assert "<" not in s and ">" not in s, (key, s)
            assert html.escape(html.unescape(s), quote=False) == s, (key, s)
    shown = [s for key, s in found if not key.endswith("template")]
    for name in names:
        assert any(html.escape(name, quote=False) in s for s in shown), f"{name!r} is not in the figure as text"


def _frames():
    """Each figure builder with hostile names in every place a name goes."""
    a, b, c, d = HOSTILE
    matrix = pl.DataFrame(
        {
            "team": [a, a, b],
            "skill": [c, d, c],
            "coverage": [0.5, None, 1.0],
            "covered_headcount": [1, None, 6],
            "required_headcount": [2, None, 6],
            "suppressed": [False, True, False],
        }
    )
    goals = pl.DataFrame(
        {
            "goal_id": [a, b],
            "name": [c, d],
            "skill": [d, c],
            "min_level": [3, 2],
            "scope": [b, a],
            "share": [0.5, 0.9],
            "gap": [0.3, -0.1],
        }
    )
    months = [date(2025, 1, 31), date(2025, 2, 28)]
    return {
        "coverage_heatmap": lambda: charts.coverage_heatmap(matrix, [a, b], [c, d], row_title=d),
        "line_trend": lambda: charts.line_trend(
            pl.DataFrame({"as_of": months, "coverage": [0.2, 0.4]}), "as_of", "coverage", f"Coverage of {a}", b
        ),
        "goal_gaps": lambda: charts.goal_gaps(goals),
        "budget_vs_actual": lambda: charts.budget_vs_actual(
            pl.DataFrame({"unit": [a, b], "budget": [100.0, 50.0], "actual": [20.0, 60.0], "utilisation": [0.2, 1.2]}),
            "USD",
        ),
        "monthly_spend": lambda: charts.monthly_spend(
            pl.DataFrame({"month": months, "spend": [10.0, 20.0]}),
            {"year_end": 180.0, "year_end_date": date(2025, 12, 31)},
            "USD",
        ),
        "stacked_bars": lambda: charts.stacked_bars(
            pl.DataFrame({"vendor": [a, b, a], "category": [c, c, d], "spend": [1.0, 2.0, 3.0]}),
            "vendor",
            "category",
            "spend",
            "Spend by vendor",
            "Vendor",
            "Spend",
        ),
        "simple_bars": lambda: charts.simple_bars(
            [a, b], [1.0, 2.0], "Cost", c, "USD", text=[d, "$2"], horizontal=True
        ),
        "licence_bars": lambda: charts.licence_bars(
            pl.DataFrame({"vendor": [a, b], "active_users": [1, 2], "idle_seats": [3, 0]})
        ),
        "goal_trajectory": lambda: charts.goal_trajectory(
            pl.DataFrame({"as_of": months, "share": [0.2, 0.3]}),
            {
                "goal_id": a,
                "deadline": date(2025, 12, 31),
                "target_share": 0.8,
                "projected_low": 0.4,
                "projected_high": 0.9,
                "projected_share": 0.6,
                "projection_method": b,
                "status": "at_risk",
            },
        ),
        "person_matrix": lambda: charts.person_matrix(
            pl.DataFrame({"full_name": [a, b], "skill": [c, d], "level": [1, 3], "required_level": [2, 2]})
        ),
        "plan_goals": lambda: charts.plan_goals(
            pl.DataFrame(
                {
                    "goal_id": [a, b],
                    "skill": [c, d],
                    "min_level": [3, 2],
                    "share_now": [0.2, 0.5],
                    "share_after": [0.6, 0.7],
                    "target_share": [0.8, 0.6],
                }
            )
        ),
        "plan_coverage": lambda: charts.plan_coverage(
            pl.DataFrame(
                {"skill": [a, b], "closed_pairs": [2, 1], "coverage_now": [0.1, 0.2], "coverage_after": [0.5, 0.3]}
            )
        ),
        "plan_curve": lambda: charts.plan_curve(
            pl.DataFrame(
                {
                    "budget": [0.0, 10_000.0],
                    "cost": [0.0, 9_500.0],
                    "expected_readiness": [0.6, 0.7],
                    "is_plan": [False, True],
                }
            ),
            "USD",
            0.55,
        ),
    }


#: The names each builder above is given (all four, except where a builder takes fewer).
_GIVEN = {
    "coverage_heatmap": HOSTILE,
    "line_trend": [LINK, ANCHOR],
    "goal_gaps": HOSTILE,
    "budget_vs_actual": [LINK, ANCHOR],
    "monthly_spend": [],
    "stacked_bars": HOSTILE,
    "simple_bars": HOSTILE,
    "licence_bars": [LINK, ANCHOR],
    "goal_trajectory": [LINK, ANCHOR],
    "person_matrix": HOSTILE,
    "plan_goals": HOSTILE,
    "plan_coverage": [LINK, ANCHOR],
    "plan_curve": [],
}


def _builders() -> set[str]:
    """The public functions of app.charts that make a figure (not those that take one)."""
    found = set()
    for name, f in vars(charts).items():
        if not inspect.isfunction(f) or name.startswith("_"):
            continue
        signature = inspect.signature(f)
        takes = [p.annotation for p in signature.parameters.values()]
        if signature.return_annotation == "go.Figure" and "go.Figure" not in takes:
            found.add(name)
    return found


def test_every_figure_builder_is_tested_here_and_escapes_its_text():
    """A new chart is listed here, and wrapped by text_only, or this fails."""
    assert _builders() == set(_frames())
    assert all(getattr(getattr(charts, n), "text_only", False) for n in _builders())


@pytest.mark.parametrize("builder", sorted(_GIVEN))
def test_a_chart_shows_hostile_names_as_text(builder):
    assert_text_only(_frames()[builder](), _GIVEN[builder])


def test_the_spend_chart_puts_the_currency_in_its_hover_as_data():
    fig = charts.monthly_spend(pl.DataFrame({"month": [date(2025, 1, 31)], "spend": [1.0]}), {}, "<b>X</b>")
    assert_text_only(fig, ["<b>X</b>"])


def test_a_selected_label_reads_back_as_the_name():
    """A click on a chart returns the label Plotly was given; the page looks the name up by it."""
    fig = charts.coverage_heatmap(
        pl.DataFrame(
            {"team": [SPAN], "skill": [ANCHOR], "coverage": [0.5], "covered_headcount": [1], "required_headcount": [2]}
        ),
        [SPAN],
        [ANCHOR],
    )
    assert [charts.value_of(v) for v in fig.data[0].y] == [SPAN]
    assert [charts.value_of(v) for v in fig.data[0].x] == [ANCHOR]
    assert charts.value_of(3) == 3


# ---------------------------------------------------------------- every page, on a hostile warehouse

PAGES = [
    "views/overview_page.py",
    "views/coverage_page.py",
    "views/people_page.py",
    "views/goals_page.py",
    "views/spend_page.py",
    "views/planner_page.py",
    "views/data_page.py",
]

#: What Markdown would read in the source as more than text (escaped characters are text) ...
SYNTAX = re.compile(r"\]\(|:red\[act|<(a|b|i|span)[\s>]", re.IGNORECASE)
#: ... and what Streamlit's Markdown makes live in the text once escapes are resolved.
TEXT_LEVEL = re.compile(r"https?://|www\.|\w@|:material[/_]|:streamlit:", re.IGNORECASE)
#: The fields of an element's message that Streamlit renders as Markdown.
MARKDOWN_FIELDS = {"body", "label", "help", "delta", "caption", "placeholder"}


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    """tests/fixtures/tiny with hostile names (goals, skills, roles, teams, departments, vendors,
    spend categories, a person), and the tiny learning records, through the real loader."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    con = warehouse.connect(path)
    summaries = load_paths(con, [HOSTILE_COMPANY, TINY_RECORDS])
    con.close()
    assert all(s.status == "loaded" for s in summaries), [s.line() for s in summaries]
    return path


def markdown_of(at: AppTest) -> list[tuple[str, str]]:
    """(element type, text) for every string the page hands Streamlit as Markdown."""
    out = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is None or node.type in ("plotly_chart", "dataframe", "arrow_data_frame", "code", "text"):
            continue
        fields = MessageToDict(proto)
        for key, value in fields.items():
            if key in MARKDOWN_FIELDS and isinstance(value, str):
                out.append((node.type, value))
            elif key == "options" and node.type == "radio":  # radio options are Markdown, selectbox ones are not
                out.extend((node.type, v) for v in value)
    return out


def figures_of(at: AppTest) -> list[dict]:
    return [json.loads(MessageToDict(n.proto)["spec"]) for n in at._tree if getattr(n, "type", None) == "plotly_chart"]


def live(text: str) -> bool:
    """Whether Streamlit's Markdown would show the text as more than text."""
    return bool(SYNTAX.search(re.sub(r"\\.", "", text)) or TEXT_LEVEL.search(re.sub(r"\\(.)", r"\1", text)))


def _page(db: Path, monkeypatch, page: str) -> AppTest:
    monkeypatch.setenv("UPSKILL_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["as_of"] = "2025-06-30"
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("page", PAGES)
def test_no_page_renders_a_name_as_markdown_or_html(hostile_db, monkeypatch, page):
    at = _page(hostile_db, monkeypatch, page)
    markdown = markdown_of(at)
    assert markdown, "the page rendered nothing"
    assert [m for m in markdown if live(m[1])] == []
    for figure in figures_of(at):
        for key, s in _strings(figure):
            if key.endswith("template"):
                assert "evil" not in s and "bold" not in s, (key, s)
            else:
                assert "<" not in s and ">" not in s, (key, s)


def test_the_goals_page_names_each_goal_as_written(hostile_db, monkeypatch):
    """The hostile names are on the page, escaped: the check above is no empty promise."""
    at = _page(hostile_db, monkeypatch, "views/goals_page.py")
    headings = [s.value for s in at.subheader]
    assert ui.plain(LINK) in headings and ui.plain(GOAL_2) in headings
    captions = " ".join(c.value for c in at.caption)
    assert ui.plain("<b>bold</b> Cloud & co") in captions and ui.plain("R&D <b>bold</b>") in captions


def test_the_spend_charts_name_each_vendor_as_written(hostile_db, monkeypatch):
    """Vendors on the axis and in its order (`categoryarray`), categories in the legend and the hover."""
    at = _page(hostile_db, monkeypatch, "views/spend_page.py")
    [breakdown] = [f for f in figures_of(at) if f["layout"]["title"]["text"].startswith("Spend this year by vendor")]
    vendors = {html.unescape(v) for trace in breakdown["data"] for v in trace["y"]}
    assert {ANCHOR, LINK} <= vendors
    assert {html.unescape(v) for v in breakdown["layout"]["yaxis"]["categoryarray"]} == vendors
    assert '&lt;a href="https://evil.example"&gt;x&lt;/a&gt;' in breakdown["layout"]["yaxis"]["categoryarray"]
    categories = {html.unescape(trace["name"]) for trace in breakdown["data"]}
    assert '<span style="color:red">course</span>' in categories
