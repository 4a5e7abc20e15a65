"""No raw values anywhere, for each role: every page's text in Chromium (headings, captions, metrics, chart
labels) and every table's headers and cells (through AppTest: a browser draws table cells on a canvas, out of
reach of the page's text).

Raw values are what a program prints and a person should not read: "None", "nan", snake_case words
(`in_progress`, `source_kind`), long decimals (734.0427906976745), money without thousands separators
(184015.00), True/False, and a "Suppressed" column.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

import warehouse
from tests.browser_util import (  # noqa: F401  (browser, page: fixtures)
    StreamlitServer,
    browser,
    build_warehouse,
    page,
    wait_for_app,
    wait_for_charts,
)

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
RAW = re.compile(
    # snake_case: not inside a file's name (statements_2023.jsonl, …-comma_separated.csv), which is data
    r"\bNone\b|\bnan\b|\bNaN\b|\bnull\b|\bTrue\b|\bFalse\b|(?<![-./\w])[a-z]+_[a-z0-9_]+(?![-.\w])|\d+\.\d{4,}"
    r"|\b\d{5,}\.\d{2}\b"
    r"|\bSuppressed\b"
)
PAGES = {
    "ld": ["/", "/coverage", "/people", "/goals", "/spend", "/planner", "/data"],
    "lead": ["/", "/coverage", "/people", "/goals"],
    "exec": ["/", "/coverage", "/goals", "/spend"],
}
#: The text of the page's main area without Material icon names (their ligatures are text in the DOM) and
#: without the tables (a table's cells are drawn on a canvas; its DOM holds the unformatted values for screen
#: readers: test_no_table_shows_raw_values checks what the table shows).
_TEXT = """() => {
  const main = document.querySelector('[data-testid="stMain"]').cloneNode(true);
  main.querySelectorAll('[data-testid="stIconMaterial"], .material-symbols-rounded, [data-testid="stDataFrame"], '
      + 'style, script')
      .forEach(e => e.remove());
  return main.textContent;
}"""


def raw_values(text: str) -> list[str]:
    return sorted(set(RAW.findall(text)))


def test_the_pattern_finds_raw_values():
    text = "Status in_progress · 734.0427906976745 · None · 184015.00 · Suppressed · fine: 1,234 and 12.5%"
    assert raw_values(text) == ["184015.00", "734.0427906976745", "None", "Suppressed", "in_progress"]
    assert raw_values("Readiness 61.4% · $1.22M · 27 Nov 2026 · L&D staff") == []


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("plain") / "warehouse.duckdb"
    build_warehouse(path)
    con = warehouse.connect(path, read_only=True)
    try:
        lead = con.sql(
            "select e.email from employees as e join employees as r on r.manager_id = e.employee_id "
            "where e.leave_date is null group by e.email order by count(*) desc, e.email limit 1"
        ).fetchall()[0][0]
        ld = con.sql("select email from employees order by employee_id limit 1").fetchall()[0][0]
    finally:
        con.close()
    from app import auth

    access = auth.load_access()
    personas = {"ld": sorted(access.ld)[0] if access.ld else ld, "lead": lead, "exec": sorted(access.executives)[0]}
    return {"path": path, "as": personas}


@pytest.fixture(scope="module")
def server(demo, tmp_path_factory):
    srv = StreamlitServer(demo["path"], tmp_path_factory.mktemp("server") / "streamlit.log")
    yield srv
    srv.stop()


@pytest.mark.browser
@pytest.mark.parametrize("role", list(PAGES))
def test_no_page_shows_raw_values_in_the_browser(page, server, demo, role):
    found = {}
    for path in PAGES[role]:
        page.goto(f"{server.url}{path}?as={demo['as'][role]}", wait_until="domcontentloaded")
        wait_for_app(page, timeout=90, server=server)
        if path != "/data":
            wait_for_charts(page, at_least=1, timeout=30)
        bad = raw_values(page.evaluate(_TEXT))
        if bad:
            found[path] = bad
    assert found == {}, f"raw values seen by {role}: {found}"


#: A whole cell that is a raw value (text cells; words inside longer text, such as a file's name or a
#: rejected row's original text, are data and stay as loaded).
RAW_CELL = re.compile(
    r"None|nan|NaN|null|True|False|[a-z]+(_[a-z0-9]+)+|-?\d+\.\d{4,}|\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d\.\d+"
)


def raw_cells(table) -> list[str]:
    """Raw values a table shows: in its headers (their configured labels), in a number column without a
    format, in a text cell; and a "suppressed" column. Number columns with a format are formatted by the
    browser (AppTest holds the numbers before)."""
    config = json.loads(table.proto.columns or "{}")
    frame = table.value if isinstance(table.value, pl.DataFrame) else pl.from_pandas(table.value)
    found = []
    for name in frame.columns:
        column = config.get(name, {})
        if column.get("hidden"):
            continue
        found += raw_values(column.get("label") or name)
        values = frame[name].drop_nulls()
        if name == "suppressed":
            found.append("Suppressed")
        elif values.dtype.is_float() and not (column.get("type_config") or {}).get("format"):
            found += [str(v) for v in values.to_list() if len(f"{v}".partition(".")[2]) > 3][:3]
        elif values.dtype == pl.String:
            found += [v for v in values.unique().to_list() if RAW_CELL.fullmatch(v)][:3]
        if frame[name].null_count() and frame[name].dtype != pl.Boolean:
            found.append(f"None (empty cells in {name})")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("role", list(PAGES))
def test_no_table_shows_raw_values(demo, monkeypatch, role):
    """Table headers as shown (their configured labels) and cells as sent to the browser."""
    monkeypatch.setenv("UPSKILL_DB", str(demo["path"]))
    found = {}
    for path in PAGES[role]:
        at = AppTest.from_file(APP, default_timeout=180)
        at.query_params["as"] = demo["as"][role]
        at.run()
        if path != "/":
            at.switch_page(f"views/{path.strip('/')}_page.py").run()
        assert not at.exception, [e.value for e in at.exception]
        for table in at.dataframe:
            bad = raw_cells(table)
            if bad:
                found.setdefault(path, set()).update(bad)
    assert found == {}, f"raw values in {role}'s tables: {found}"
