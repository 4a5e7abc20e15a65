"""The dashboard in a real browser: `streamlit run` on a free port, driven by headless Chromium.

Like Streamlit's own e2e suite: start the server, poll /_stcore/health, open pages,
wait for the app to finish running, then assert on what a person sees. Each page's
full-page screenshot lands in tests/artifacts/screenshots/ for a human look.
"""

from __future__ import annotations

import html
import re
import shutil
import statistics

import pytest
from playwright.sync_api import expect

import warehouse
from queries import frame as queries
from tests.browser_util import (  # noqa: F401  (browser, page: fixtures)
    ARTIFACTS,
    FIXTURES,
    SCREENSHOTS,
    StreamlitServer,
    browser,
    build_warehouse,
    charts,
    full_page_screenshot,
    navigate,
    page,
    problems,
    wait_for_app,
    wait_for_charts,
)

pytestmark = pytest.mark.browser

#: (URL path, navigation label, heading, screenshot name) of every page of the navigation, in order.
PAGES = [
    ("/", "Overview", "Overview", "overview"),
    ("/coverage", "Skill coverage", "Skill coverage", "coverage"),
    ("/people", "People", "People", "people"),
    ("/goals", "Strategic goals", "Strategic goals", "goals"),
    ("/spend", "Training spend", "Training spend", "spend"),
    ("/planner", "Training planner", "Training planner", "planner"),
    ("/data", "Data", "Data", "data"),
]
PAGES_WITHOUT_CHARTS = {"data"}


@pytest.fixture(scope="module")
def warehouse_db(tmp_path_factory):
    """A warehouse built once for the module: the demo company if present, else the tiny fixtures."""
    path = tmp_path_factory.mktemp("browser") / "warehouse.duckdb"
    source = build_warehouse(path)
    con = warehouse.connect(path, read_only=True)
    try:
        departments = queries.org_units(con)["department"].unique(maintain_order=True).to_list()
    finally:
        con.close()
    assert departments, "the warehouse has no departments"
    return {"path": path, "source": source, "department": departments[0]}


@pytest.fixture(scope="module")
def server(warehouse_db, tmp_path_factory):
    srv = StreamlitServer(warehouse_db["path"], tmp_path_factory.mktemp("server") / "streamlit.log")
    yield srv
    srv.stop()


def open_page(page, server, path: str):
    page.goto(server.url + path, wait_until="domcontentloaded")
    wait_for_app(page, server=server)


def nav_labels(page) -> list[str]:
    return [
        t.strip()
        for t in page.locator('[data-testid="stSidebarNavLink"] [data-testid="stMarkdownContainer"]').all_inner_texts()
    ]


def test_a_shared_link_is_the_first_thing_a_fresh_server_opens(page, server):
    """The server's first session opens a page by its link: that page, and no "Page not found"
    (what Streamlit showed while the views lived in a pages/ folder). First in this module on purpose."""
    open_page(page, server, "/goals")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Strategic goals")
    page.wait_for_timeout(500)
    assert problems(page) == []


def test_the_overview_has_a_link_of_its_own(page, server):
    """/overview, the root page's own path, opens the Overview with the link's filters, under no
    "Page not found" dialog (the dialog Streamlit shows for a path it does not know)."""
    open_page(page, server, "/overview?as_of=2025-06-30")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Overview")
    page.wait_for_timeout(500)
    assert problems(page) == []
    assert "as_of=2025-06-30" in page.url
    expect(page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first).to_contain_text(
        "As of 30 Jun 2025"
    )


def test_a_page_the_role_may_not_see_says_so(page, server):
    """An executive following a link to People reads why it is closed: no dialog, no names."""
    open_page(page, server, "/people?as=xavier.herrera@example.com")
    expect(page.locator('[data-testid="stAlert"]').filter(has_text="The People page is for")).to_have_text(
        re.compile(r"The People page is for L&D staff and team leads; you are signed in as an executive\.")
    )
    assert problems(page) == []
    assert page.locator('[data-testid="stDataFrame"]').count() == 0


@pytest.mark.parametrize(("path", "label", "heading", "name"), PAGES, ids=[p[3] for p in PAGES])
def test_page_renders_without_errors(page, server, path, label, heading, name):
    open_page(page, server, path)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    wait_for_charts(page, at_least=0 if name in PAGES_WITHOUT_CHARTS else 1)
    full_page_screenshot(page, SCREENSHOTS / f"{name}.png")

    assert problems(page) == [], f"{label} shows errors"
    drawn = charts(page)
    assert all(c["svg"] and c["width"] > 0 and c["height"] > 0 for c in drawn), (
        f"{label}: a chart did not draw: {drawn}"
    )
    assert all(c["traces"] > 0 for c in drawn), f"{label}: a chart has no data drawn: {drawn}"
    if name not in PAGES_WITHOUT_CHARTS:
        assert len(drawn) >= 1, f"{label} shows no chart"


def test_sidebar_navigation_reaches_every_page(page, server):
    open_page(page, server, "/")
    assert nav_labels(page) == [p[1] for p in PAGES]
    for path, label, heading, _ in PAGES[1:] + PAGES[:1]:
        page.locator('[data-testid="stSidebarNavLink"]', has_text=label).click()
        wait_for_app(page, server=server)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert page.url.split("?")[0].rstrip("/") == (server.url + path).rstrip("/")
        assert problems(page) == [], f"{label} shows errors after navigating to it"


#: Rounds of the navigation the page-speed measurement goes through (the median is over them).
NAVIGATION_ROUNDS = 5


def test_in_app_navigation_reports_each_pages_settled_time(page, server, warehouse_db):
    """Each page reached by its sidebar link NAVIGATION_ROUNDS times, until it is drawn and settled
    (tests.browser_util.navigate, the check the benchmarks use): the median per page is printed and written
    to tests/artifacts/navigation-times.md. Speed is reported, never asserted here; what is asserted is that
    every click reached its page and drew it."""
    open_page(page, server, "/")
    order = PAGES[1:] + PAGES[:1]
    times: dict[str, list[float]] = {name: [] for *_, name in order}
    for _ in range(NAVIGATION_ROUNDS):
        for path, label, heading, name in order:
            times[name].append(navigate(page, label, timeout=120))
            expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
            assert page.url.split("?")[0].rstrip("/") == (server.url + path).rstrip("/")
            assert problems(page) == [], f"{label} shows errors after navigating to it"
    report = navigation_report(times, warehouse_db["source"])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "navigation-times.md").write_text(report, encoding="utf-8")
    print("\n" + report)
    assert all(len(t) == NAVIGATION_ROUNDS for t in times.values())


def navigation_report(times: dict[str, list[float]], source: str) -> str:
    """A Markdown table: per page, the median, first and slowest of its navigation times (ms)."""
    lines = [
        f"In-app navigation until drawn and settled, {source} company, {NAVIGATION_ROUNDS} rounds",
        "",
        "| page | median ms | first ms | slowest ms |",
        "|---|---|---|---|",
    ]
    for name, seconds in times.items():
        ms = sorted(round(s * 1000) for s in seconds)
        lines.append(f"| {name} | {statistics.median(ms):.0f} | {round(seconds[0] * 1000)} | {ms[-1]} |")
    return "\n".join(lines) + "\n"


def test_clicking_a_heatmap_cell_shows_the_people_behind_it(page, server):
    """A click on a real cell of the coverage heatmap (third row, second column: not the cell the drill-down
    opens on) lists its people."""
    open_page(page, server, "/coverage?as_of=2025-06-30")
    wait_for_charts(page, at_least=1)
    heatmap = page.locator('[data-testid="stPlotlyChart"]').first
    before = page.get_by_role("heading", name=re.compile("^People behind")).inner_text()
    cell = cell_position(heatmap, 2, 1)
    click_cell(page, heatmap, cell)
    wait_for_app(page, server=server)
    team, skill = (html.unescape(cell[k]) for k in ("row", "col"))
    heading = page.get_by_role("heading", name=re.compile("^People behind"))
    expect(heading).to_have_text(f"People behind {team} · {skill}", timeout=20_000)
    assert heading.inner_text() != before, "the clicked cell is the one the drill-down opened on: pick another"
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_role("combobox", name="Skill", exact=True).first).to_have_value(skill)
    assert problems(page) == []
    full_page_screenshot(page, SCREENSHOTS / "coverage_cell_clicked.png")


def cell_position(heatmap, row: int, col: int) -> dict:
    """Where Plotly drew a heatmap cell, in the page's pixels, with its row and column labels (escaped)."""
    heatmap.scroll_into_view_if_needed()
    return heatmap.evaluate(
        """(el, [row, col]) => {
      const gd = el.querySelector('.js-plotly-plot'), L = gd._fullLayout, heat = gd.data[0];
      row = Math.min(row, heat.y.length - 1); col = Math.min(col, heat.x.length - 1);
      const box = gd.querySelector('.nsewdrag').getBoundingClientRect();
      return {x: box.left + L.xaxis.l2p(col), y: box.top + L.yaxis.l2p(row), row: heat.y[row], col: heat.x[col],
              rows: heat.y};
    }""",
        [row, col],
    )


def click_cell(page, heatmap, cell: dict) -> None:
    page.mouse.move(cell["x"], cell["y"])  # the chart answers (its hover label shows) before the click
    expect(heatmap.locator(".hoverlayer .hovertext").first).to_be_visible(timeout=20_000)
    page.mouse.click(cell["x"], cell["y"])


def test_an_executive_sees_departments_and_clicks_into_one(page, server, warehouse_db):
    """At company scope an executive's heatmap has a row per department (teams are mostly too small to show
    them numbers); a click on a department's cell makes it the org-unit filter and the rows its teams."""
    open_page(page, server, "/coverage?as_of=2025-06-30&as=xavier.herrera@example.com")
    wait_for_charts(page, at_least=1)
    con = warehouse.connect(warehouse_db["path"], read_only=True)
    try:
        units = queries.org_units(con)
    finally:
        con.close()
    departments = set(units["department"].to_list())
    heatmap = page.locator('[data-testid="stPlotlyChart"]').first
    cell = cell_position(heatmap, 1, 0)
    assert {html.unescape(r) for r in cell["rows"]} <= departments and len(cell["rows"]) > 1
    full_page_screenshot(page, SCREENSHOTS / "coverage_executive.png")
    click_cell(page, heatmap, cell)
    wait_for_app(page, server=server)
    department = html.unescape(cell["row"])
    expect(page.get_by_role("combobox", name="Org unit")).to_have_value(re.compile(re.escape(department)))
    wait_for_charts(page, at_least=1)
    teams = set(units.filter(units["department"] == department)["team"].to_list())
    rows = {html.unescape(r) for r in cell_position(page.locator('[data-testid="stPlotlyChart"]').first, 0, 0)["rows"]}
    assert rows <= teams | {department}, rows
    assert problems(page) == []
    full_page_screenshot(page, SCREENSHOTS / "coverage_executive_department.png")


def test_shared_link_restores_the_filters(page, server, warehouse_db):
    unit = warehouse_db["department"]
    page.goto(f"{server.url}/coverage?as_of=2025-06-30&unit={unit}", wait_until="domcontentloaded")
    wait_for_app(page, server=server)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Skill coverage")

    date_input = page.locator('[data-testid="stSidebar"] [data-testid="stDateInput"]')
    expect(date_input.locator('[data-testid="hidden-dateinput-container"] input')).to_have_value("2025-06-30")
    shown = re.sub(r"\s+", "", date_input.locator('[data-testid="stDateInputField"]').inner_text())
    assert shown == "2025-06-30"
    expect(page.get_by_role("combobox", name="Org unit")).to_have_value(re.compile(re.escape(unit)))
    expect(page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first).to_contain_text(
        f"As of 30 Jun 2025 · {unit}"
    )
    assert "as_of=2025-06-30" in page.url and f"unit={unit}" in page.url
    assert problems(page) == []
    full_page_screenshot(page, SCREENSHOTS / "coverage_shared_link.png")


def test_upload_on_the_data_page_reports_each_file(page, server, warehouse_db, tmp_path):
    export = tmp_path / "lrs-export.json"
    shutil.copyfile(FIXTURES / "tiny_records" / "lrs-export.json", export)
    open_page(page, server, "/data")

    uploader = page.locator('[data-testid="stFileUploader"]')
    uploader.locator("input[type=file]").set_input_files(export)
    expect(uploader).to_contain_text("lrs-export.json")
    page.get_by_role("button", name="Load files").click()
    wait_for_app(page, timeout=60, server=server)

    summary = page.locator('[data-testid="stAlertContainer"]', has_text="lrs-export.json")
    expect(summary).to_have_count(1)
    if warehouse_db["source"] == "tiny":
        # The tiny warehouse already holds this very file: it is noted, not loaded again.
        expect(summary).to_contain_text(
            re.compile(
                r"lrs-export\.json: Already loaded on \d{4}-\d{2}-\d{2} as batch \d+ \(same content\): nothing changed\."
            )
        )
        expect(summary.locator('[data-testid="stAlertContentInfo"]')).to_have_count(1)
    else:
        # the tiny company's learners are nobody in the demo company: loaded, with rejected rows, is a warning
        expect(summary).to_contain_text(
            re.compile(r"lrs-export\.json \(xapi\): 8 read, \d+ loaded, \d+ duplicate, [1-8] rejected")
        )
        expect(summary.locator('[data-testid="stAlertContentWarning"]')).to_have_count(1)
        expect(summary.locator('[data-testid="stAlertContentSuccess"]')).to_have_count(0)
    assert problems(page) == []
    full_page_screenshot(page, SCREENSHOTS / "data_upload.png")


def test_empty_warehouse_shows_get_started(page, tmp_path):
    empty = StreamlitServer(tmp_path / "none-yet.duckdb", tmp_path / "streamlit.log")
    try:
        open_page(page, empty, "/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("the warehouse is empty")
        assert nav_labels(page) == ["Get started", "Data"]
        assert problems(page) == []
        full_page_screenshot(page, SCREENSHOTS / "get_started.png")
    finally:
        empty.stop()


def test_uploads_are_believable_and_rejected_rows_can_be_ignored(page, server, warehouse_db, tmp_path):
    """L&D upload three files at once: a Moodle report loaded before in another time zone (already
    loaded, its times kept), a report with a record dated 2099 and an unknown learner (loaded with
    rejected rows: a warning, not a success), a budgets file without its amount column (not loaded:
    the sentence names the column and the kinds it could have been). Then the future-dated row is
    marked ignored with a reason and leaves the open rows."""
    assert warehouse_db["source"] == "sample", "this test uploads reports of the demo company"
    first = sorted((FIXTURES.parent.parent / "sample_data" / "moodle").glob("completion-*.csv"))[0]
    course = "-".join(first.name.split("-")[1:3])  # completion-biz-301-...: biz-301
    learner = first.read_text(encoding="utf-8").splitlines()[1].split(",")[2]  # someone of the demo company
    again = tmp_path / first.name  # the demo loaded it in Irish time; uploaded now with the default, UTC
    shutil.copyfile(first, again)
    late = tmp_path / f"completion-{course}-20991231_0900-comma_separated.csv"
    late.write_text(
        f'ID,Name,Email address,Course complete\n1,Some One,{learner},"1/01/99, 08:00"\n'
        '2,No Body,nobody.here@example.com,"1/03/25, 10:00"\n'
    )
    budgets = tmp_path / "budgets-2027.csv"
    budgets.write_text("unit,period_start,period_end,currency\ncompany,2027-01-01,2027-12-31,USD\n")

    open_page(page, server, "/data")
    uploader = page.locator('[data-testid="stFileUploader"]')
    uploader.locator("input[type=file]").set_input_files([again, late, budgets])
    expect(uploader).to_contain_text(budgets.name)
    page.get_by_role("button", name="Load files").click()
    wait_for_app(page, timeout=120, server=server)

    def alert(name: str):
        return page.locator('[data-testid="stAlertContainer"]', has_text=name)

    expect(alert(again.name).locator('[data-testid="stAlertContentInfo"]')).to_have_count(1)
    expect(alert(again.name)).to_contain_text(
        "(same content; read in Europe/Dublin time as when it was first loaded, not in UTC): nothing changed."
    )
    expect(alert(late.name).locator('[data-testid="stAlertContentWarning"]')).to_have_count(1)
    expect(alert(late.name)).to_contain_text(
        "2 read, 0 loaded, 0 duplicate, 2 rejected · its rejected rows are listed below"
    )
    expect(page.locator('[data-testid="stAlertContentSuccess"]')).to_have_count(0)  # nothing green
    expect(alert(budgets.name).locator('[data-testid="stAlertContentError"]')).to_have_count(1)
    expect(alert(budgets.name)).to_contain_text(
        "budgets-2027.csv is missing columns: it lacks amount to be a budgets file, "
        "month and rate to be an fx file, or date, amount, vendor and category to be a spend file."
    )
    assert [p for p in problems(page) if budgets.name not in p] == []

    search = page.get_by_label("Reason or record contains")
    search.fill("after the day this file was loaded")
    search.press("Enter")
    wait_for_app(page, server=server)
    expect(page.get_by_text("1 open rejected row(s) shown")).to_be_visible()
    page.get_by_role("textbox", name="Why these rows need no fix").fill(
        "a date typed wrong in the LMS; the learner retakes it"
    )
    page.get_by_role("button", name="Mark the open rows shown ignored").click()
    wait_for_app(page, timeout=60, server=server)
    expect(page.locator('[data-testid="stAlertContainer"]', has_text="marked ignored")).to_contain_text(
        "1 rejected row marked ignored, with the reason “a date typed wrong in the LMS; the learner retakes it”."
    )
    expect(page.get_by_text("0 open rejected row(s) shown")).to_be_visible()
    # the history keeps the row, with its state and reason
    page.get_by_role("combobox", name="Show", exact=True).click()
    page.get_by_role("option", name="All (history)").click()
    wait_for_app(page, server=server)
    expect(page.get_by_text("1 rejected row(s) shown")).to_be_visible()
    full_page_screenshot(page, SCREENSHOTS / "data_rejects.png")
