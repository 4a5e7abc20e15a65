"""From a gap to action in Chromium: a team lead assigns a course from the Coverage page's gap, downloads
Moodle's enrolment file, and sees the assignment's status on the People page.

The tiny organisation (tests/fixtures/tiny): today, Platform's engineers Bob and Dan lack Cloud 3, which
only Cloud Foundations (Moodle, $500, 10 hours) teaches; Alice leads them.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

import warehouse
from etl.load import load_paths
from tests.browser_util import (  # noqa: F401  (browser, page: fixtures)
    FIXTURES,
    SCREENSHOTS,
    StreamlitServer,
    browser,
    full_page_screenshot,
    page,
    problems,
    wait_for_app,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("assign")
    db = folder / "tiny.duckdb"
    con = warehouse.connect(db)
    try:
        load_paths(con, [FIXTURES / "tiny", FIXTURES / "tiny_records"])
    finally:
        con.close()
    warehouse.publish(db)
    srv = StreamlitServer(db, folder / "streamlit.log")
    yield srv
    srv.stop()


def test_a_lead_assigns_a_course_and_follows_it_on_the_people_page(page, server, tmp_path):
    today, due = date.today(), date.today() + timedelta(days=30)
    lead = f"as=alice@tiny.test&as_of={today.isoformat()}"
    page.goto(f"{server.url}/coverage?{lead}", wait_until="domcontentloaded")
    wait_for_app(page, timeout=60, server=server)
    expect(page.get_by_role("heading", name="People behind Platform · Cloud")).to_be_visible()
    form = page.locator('[data-testid="stForm"]')
    expect(form).to_contain_text("Bob Baker")
    expect(form).to_contain_text("Dan Diaz")
    expect(form.get_by_role("combobox", name="Course", exact=False)).to_have_value(
        "Cloud Foundations · Moodle · $500 · 10 hours"
    )
    form.get_by_role("button", name="Assign").click()
    wait_for_app(page, timeout=60, server=server)
    expect(page.locator('[data-testid="stAlertContentSuccess"] [data-testid="stMarkdownContainer"]')).to_have_text(
        f"Assigned to 2 people, due {due:%-d %b %Y}."
    )
    button = page.get_by_role("button", name="Download the enrolments as Moodle “Upload users” CSV")
    with page.expect_download() as pending:
        button.click()
    saved = tmp_path / "enrolments.csv"
    pending.value.save_as(saved)
    assert saved.read_bytes() == (
        b"username,email,course1\nbob.baker@tiny.test,Bob.Baker@tiny.test,C-CLOUD\ndan@tiny.test,dan@tiny.test,C-CLOUD\n"
    )
    assert problems(page) == []

    page.goto(f"{server.url}/people?{lead}&unit=Platform", wait_until="domcontentloaded")
    wait_for_app(page, timeout=60, server=server)
    expect(page.get_by_role("heading", name="Assigned learning in Platform")).to_be_visible()
    expect(page.get_by_text("Status of each assigned course on the date")).to_be_visible()
    # the page's tables draw their cells on a canvas (AppTest reads them, tests/test_assignments.py): here the
    # assignments' list is read from its own CSV download, next to the screenshot
    downloads = {}
    buttons = page.get_by_role("button", name="Download CSV", exact=True)
    for i in range(buttons.count()):
        with page.expect_download() as pending:
            buttons.nth(i).click()
        downloads[pending.value.suggested_filename] = pending.value
    listed = tmp_path / "assignments.csv"
    downloads["assignments_Platform.csv"].save_as(listed)
    lines = listed.read_text().splitlines()
    assert lines[0] == "full_name,course,skill,due_on,status,done_on,assigned_by,assigned_on"
    assert lines[1:] == [
        f"{name},Cloud Foundations,Cloud,{due.isoformat()},assigned,,alice@tiny.test,{today.isoformat()}"
        for name in ("Bob Baker", "Dan Diaz")
    ]
    assert problems(page) == []
    full_page_screenshot(page, SCREENSHOTS / "people_assignments_tiny.png")
