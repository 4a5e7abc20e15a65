"""The training planner in a real browser, with the server and browser of tests/test_browser.py.

Open the page from the navigation, see the plan and its charts, change the budget in the
form, and download the plan as the CSV an LMS bulk assignment takes.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.browser_util import (  # noqa: F401  (fixtures)
    SCREENSHOTS,
    browser,
    charts,
    full_page_screenshot,
    page,
    problems,
    wait_for_app,
    wait_for_charts,
)
from tests.test_browser import server, warehouse_db  # noqa: F401  (fixtures shared with the page tests)

pytestmark = pytest.mark.browser


def open_planner(page, server) -> None:
    page.goto(server.url + "/", wait_until="domcontentloaded")
    wait_for_app(page, server=server)
    page.locator('[data-testid="stSidebarNavLink"]', has_text="Training planner").click()
    wait_for_app(page, timeout=90, server=server)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Training planner")
    assert page.url.split("?")[0].rstrip("/").endswith("/planner")


def download_plan(page) -> str:
    """Press the plan's download button; the text of the file the browser saves.

    The file is made when the button is pressed. Pressing it must not rerun the page: the
    browser asks for the rerun before the file, and the rerun replaces the pending file, so a
    download that reran failed whenever the rerun finished first.
    """
    with page.expect_download() as info:
        page.get_by_role("button", name=re.compile("Download for LMS bulk assignment")).click()
    return info.value.path().read_text(encoding="utf-8")


def test_planner_shows_a_plan_and_exports_it(page, server):
    open_planner(page, server)
    solved = page.locator(
        '[data-testid="stAlertContainer"]', has_text=re.compile("Optimal plan|not proven optimal|proven within")
    )
    expect(solved).to_have_count(1)
    wait_for_charts(page)
    assert problems(page) == []
    drawn = charts(page)
    assert len(drawn) == 3 and all(c["svg"] and c["traces"] > 0 for c in drawn), drawn
    expect(page.locator('[data-testid="stMetric"]', has_text="Budget used")).to_be_visible()
    # Expected, not best case: the readiness metric says what it would be if every assignment completed,
    # the curve shows a few budgets, and the next $10k has its value in points.
    expect(page.locator('[data-testid="stMetric"]', has_text="Expected readiness")).to_be_visible()
    curve = page.locator(".js-plotly-plot", has_text="Budget → expected readiness")
    expect(curve).to_be_visible()
    expect(curve).to_contain_text("Budget (USD)")
    expect(curve).to_contain_text("Expected readiness (%)")
    nxt = page.locator('[data-testid="stMetric"]', has_text=re.compile(r"Next \$10k adds"))
    expect(nxt.locator('[data-testid="stMetricValue"]')).to_have_text(re.compile(r"^[+-]\d+\.\d\d pts$"))
    points = page.locator('[data-testid="stCaptionContainer"]', has_text="Each budget planned")
    expect(points).to_contain_text("$0: ")
    expect(page.get_by_text("Success rates used")).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible()
    full_page_screenshot(page, SCREENSHOTS / "planner.png")

    runs = server.runs()
    text = download_plan(page)
    page.wait_for_timeout(500)  # a rerun would be logged well within this
    assert server.runs() == runs, "pressing the download reran the page"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows, "the exported plan is empty"
    assert {"employee_id", "course_id", "skill", "cost"} <= set(rows[0])
    assert len({(r["employee_id"], r["course_id"]) for r in rows}) == len(rows)  # one row per assignment


def test_a_zero_budget_plans_only_free_training(page, server):
    open_planner(page, server)
    budget = page.get_by_label(re.compile(r"^Budget \("))
    budget.fill("0")
    page.get_by_role("button", name="Plan", exact=True).click()
    wait_for_app(page, timeout=90, server=server)
    used = page.locator('[data-testid="stMetric"]', has_text="Budget used")
    expect(used.locator('[data-testid="stMetricValue"]')).to_have_text(re.compile(r"^\D*0$"))
    assert problems(page) == []
    rows = list(csv.DictReader(io.StringIO(download_plan(page))))
    assert all(float(r["cost"]) == 0 for r in rows)
