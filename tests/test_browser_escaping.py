"""Hostile names in a real browser: no link, no colour or weight from data, names read as written.

The hostile warehouse of tests/test_escaping.py (tests/fixtures/hostile through the real loader),
served by `streamlit run` and opened in Chromium. On Overview, Skill coverage, Strategic goals
and Training spend no element links to evil.example (an HTML `href`, or the `xlink:href` of
Plotly's SVG links), no text from data is drawn red or bold by markup of its own or becomes an
icon, and the names show as written. The coverage page's screenshot is
tests/artifacts/screenshots/hostile_coverage.png.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

import warehouse
from etl.load import load_paths
from tests.browser_util import (  # noqa: F401  (browser, page: fixtures)
    SCREENSHOTS,
    StreamlitServer,
    browser,
    full_page_screenshot,
    page,
    problems,
    wait_for_app,
    wait_for_charts,
)
from tests.test_escaping import ANCHOR, GOAL_2, HOSTILE_COMPANY, LINK, TINY_RECORDS

pytestmark = pytest.mark.browser

PAGES = [
    ("/?as_of=2025-06-30", "Overview"),
    ("/coverage?as_of=2025-06-30", "Skill coverage"),
    ("/goals?as_of=2025-06-30", "Strategic goals"),
    ("/spend?as_of=2025-06-30", "Training spend"),
]
#: Words inside the hostile names' markup: the text a link, a colour or a weight would land on.
MARKERS = ["act now", "bold", "Diaz", "course", "licence", "Analyst", "evil"]
#: The second team: Plotly holds its name escaped (its `&`), and shows it as written.
SECOND_TEAM = LINK + " & co"

_LINKS = """() => [...document.querySelectorAll('a')]
  .map(a => a.getAttribute('href') || a.getAttribute('xlink:href') || '')
  .filter(h => h.includes('evil.example'))"""

#: Each text node holding a marker: its element, and the colour and weight it is drawn with.
_MARKED = """(markers) => {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const text = walk.currentNode.textContent;
    if (!markers.some(m => text.includes(m))) continue;
    const el = walk.currentNode.parentElement, style = getComputedStyle(el), svg = !!el.closest('svg');
    out.push({text: text.trim(), tag: el.tagName.toLowerCase(), svg,
              colour: svg ? style.fill : style.color, weight: parseInt(style.fontWeight, 10) || 400,
              link: !!el.closest('a'), bold: !svg && !!el.closest('b, strong')});
  }
  return out;
}"""


#: Icons and the Streamlit logo that Markdown drew in the page's own text.
_ICONS = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stMarkdownContainer"]')]
  .flatMap(c => [...c.querySelectorAll('span[role="img"], img[alt="Streamlit logo"]')])
  .map(e => e.closest('[data-testid="stMarkdownContainer"]').textContent)"""

#: The text of every heading of the main area, as a reader sees it (zero-width spaces left out).
_HEADINGS = """() => [...document.querySelectorAll('[data-testid="stMain"] :is(h1, h2, h3)')]
  .map(h => h.textContent.replaceAll('\\u200b', '').trim())"""


def _red(colour: str) -> bool:
    """rgb(r, g, b) that a reader takes for red."""
    try:
        r, g, b = (float(v) for v in colour[colour.index("(") + 1 : colour.index(")")].split(",")[:3])
    except ValueError:
        return False
    return r >= 150 and g < 110 and b < 110


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    con = warehouse.connect(db)
    summaries = load_paths(con, [HOSTILE_COMPANY, TINY_RECORDS])
    con.close()
    assert all(s.status == "loaded" for s in summaries), [s.line() for s in summaries]
    srv = StreamlitServer(db, tmp_path_factory.mktemp("server") / "streamlit.log")
    yield srv
    srv.stop()


def open_page(page, server, path: str, heading: str) -> None:
    page.goto(server.url + path, wait_until="domcontentloaded")
    wait_for_app(page, server=server)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    # every page here has a chart; Plotly's component loads lazily, so wait for one to be drawn first
    page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot svg.main-svg').first.wait_for()
    wait_for_charts(page)
    page.wait_for_timeout(300)  # Plotly finishes its labels after the svg appears


@pytest.mark.parametrize(("path", "heading"), PAGES, ids=[p[1] for p in PAGES])
def test_names_from_data_are_plain_text(page, server, path, heading):
    open_page(page, server, path, heading)
    assert problems(page) == [], f"{heading} shows errors"
    assert page.evaluate(_LINKS) == [], f"{heading} links to the hostile address"
    marked = page.evaluate(_MARKED, MARKERS)
    assert marked, f"{heading} shows none of the hostile names"
    assert [m for m in marked if m["link"] or m["bold"]] == []
    assert [m for m in marked if _red(m["colour"])] == []
    # markup would split "bold" into a bold tspan of its own (a chart's title may be bold as a whole)
    assert [m for m in marked if m["svg"] and m["text"] == "bold" and m["weight"] >= 600] == []
    assert page.evaluate(_ICONS) == [], f"{heading} draws an icon from data"


def test_the_names_read_as_written(page, server):
    open_page(page, server, "/goals?as_of=2025-06-30", "Strategic goals")
    headings = page.evaluate(_HEADINGS)
    assert LINK in headings and GOAL_2 in headings, headings  # each goal's name heads its card

    open_page(page, server, "/coverage?as_of=2025-06-30", "Skill coverage")
    heatmap = page.locator('[data-testid="stPlotlyChart"]').first
    rows = heatmap.locator(".ytick text").all_text_contents()
    assert sorted(rows) == sorted([ANCHOR, SECOND_TEAM]), rows  # team names, the characters as written
    assert "<b>bold</b> Cloud & co" in heatmap.locator(".xtick text").all_text_contents()
    full_page_screenshot(page, SCREENSHOTS / "hostile_coverage.png")
