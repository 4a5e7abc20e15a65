"""The training planner page through AppTest on the tiny organisation: the plan, the numbers
around it equal to the planner's own, the inputs that change it, and who may open it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import warehouse
from planner.plan import PlanRequest, make_plan

from .conftest import FIXTURES

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
PAGE = "views/planner_page.py"


@pytest.fixture
def planner(app):
    def make(**params) -> AppTest:
        return app(**params).switch_page(PAGE).run()

    return make


def metric(at: AppTest, label: str):
    found = [m for m in at.metric if m.label == label]
    assert found, f"no metric {label!r}; have {[m.label for m in at.metric]}"
    return found[0]


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def plan_table(at: AppTest):
    return next(d.value for d in at.dataframe if "reason" in d.value.columns)


def test_the_default_plan_closes_every_gap(planner, tiny_db):
    at = planner(as_of="2025-06-30")
    no_errors(at)
    assert at.title[0].value == "Training planner"
    # the budget starts at what is left of the company's: 100,000 - 3,700 spent
    assert at.number_input(key="plan_budget").value == 96_300
    assert at.date_input(key="plan_window").value == date(2025, 12, 31)  # G1's deadline
    assert any("Optimal plan" in s.value for s in at.success)
    plan = plan_table(at)
    assert sorted(zip(plan["full_name"], plan["course_id"], strict=False)) == [
        ("Alice Archer", "C-LEAD"),
        ("Bob Baker", "C-CLOUD"),
        ("Dan Diaz", "C-PY"),
    ]
    con = warehouse.connect(tiny_db, read_only=True)
    out = make_plan(con, PlanRequest(as_of=date(2025, 6, 30), budget=96_300.0))
    con.close()
    assert metric(at, "Budget used").value == "$960" and out.summary["cost"] == pytest.approx(960.0)
    # Expected, not best case: each course succeeds 5/6 of the time (all 6 attempts in the tiny
    # warehouse, 5 succeeded; no course or provider has 20): (4 + 4 x 5/6) / 8 = 91.7%, not 100%.
    assert metric(at, "Expected readiness").value == "91.7%"
    assert metric(at, "Expected readiness").delta == "+41.7 pts"
    assert "If every assignment completed: 100.0%" in metric(at, "Expected readiness").help
    assert metric(at, "Expected progress").value == "0.8"
    assert any("Every gap in scope has a course" in s.value for s in at.success)
    assert len(at.get("plotly_chart")) == 3  # goals, coverage, and the budget curve
    rates = next(d.value for d in at.dataframe if "rate_from" in d.value.columns)
    assert sorted(rates["course_id"]) == ["C-CLOUD", "C-LEAD", "C-PY"]
    assert set(rates["rate_from"]) == {"all courses"} and set(rates["attempts"]) == {6}
    assert any("fewer than 20 attempts" in c.value for c in at.caption)


def test_a_smaller_budget_buys_the_goal_first(planner):
    at = planner(as_of="2025-06-30")
    at.number_input(key="plan_budget").set_value(600)
    at.button[0].click().run()  # the form's Plan button
    no_errors(at)
    plan = plan_table(at)
    # 600 USD: Bob's Cloud certificate (500, closes goal G1) and Dan's Python (100); Alice's
    # Leadership (360) no longer fits.
    assert sorted(zip(plan["employee_id"], plan["course_id"], plan["cost"], strict=False)) == [
        ("E2", "C-CLOUD", 500.0),
        ("E4", "C-PY", 100.0),
    ]
    assert metric(at, "Budget used").value == "$600"
    assert metric(at, "Expected progress").value == "0.8"  # Bob, with chance 5/6
    assert metric(at, "Expected readiness").value == f"{(4 + 3 * 5 / 6) / 8 * 100:.1f}%"  # 7 of 8 if all completed
    # The next $10k buys Alice's Leadership (360): weight 1 at 5/6 of 8 = +10.42 points.
    assert metric(at, "Next $10k adds").value == "+10.42 pts"
    curve = next(c for c in at.caption if c.value.startswith("Each budget planned"))
    assert "$0: 50.0%" in curve.value and "$1,200: 91.7%" in curve.value and "$600: 81.2%" in curve.value


def test_serving_nothing_plans_nothing(planner):
    at = planner(as_of="2025-06-30")
    at.multiselect(key="plan_goals").set_value([])
    at.toggle(key="plan_requirements").set_value(False)
    at.button[0].click().run()
    no_errors(at)
    assert any("Nothing to assign" in i.value for i in at.info)
    assert metric(at, "Budget used").value == "$0"


def test_a_large_selection_plans_when_asked(planner, monkeypatch):
    from app import ui

    monkeypatch.setattr(ui, "AUTO_PLAN_PEOPLE", 3)  # the tiny company has 4 people today
    at = planner(as_of="2025-06-30")
    no_errors(at)
    assert any("4 people in this selection" in i.value for i in at.info)
    assert not at.metric and not any("reason" in d.value.columns for d in at.dataframe)
    at.button(key="plan_submit").click().run()
    no_errors(at)
    assert metric(at, "Budget used").value == "$960"
    at.run()  # the plan stays while nothing changes
    assert metric(at, "Budget used").value == "$960"
    at.date_input(key="as_of").set_value(date(2025, 6, 1)).run()  # another date waits for Plan again
    assert not at.metric and any("press **Plan**" in i.value for i in at.info)
    at = planner(as_of="2025-06-30", unit="Insights")  # one person: planned on opening
    assert any("Nothing to assign" in i.value for i in at.info)


def test_the_org_unit_filter_scopes_the_plan(planner):
    at = planner(as_of="2025-06-30", unit="Insights")
    no_errors(at)
    assert any("Nothing to assign" in i.value for i in at.info)  # Eve has no gap
    # Only goals with people in the unit are pre-selected: G1 counts Engineering's engineers, none in
    # Insights; G2 the whole company, Eve included.
    assert at.multiselect(key="plan_goals").value == ["G2"]
    assert planner(as_of="2025-06-30").multiselect(key="plan_goals").value == ["G1", "G2"]


def test_hours_are_asked_per_month(planner):
    at = planner(as_of="2025-06-30")
    assert at.number_input(key="plan_hours").value == 8.0
    at.number_input(key="plan_hours").set_value(1.0)
    at.button[0].click().run()
    no_errors(at)
    # 1 hour a month over 184 days = 6.05 hours: only Dan's Python Basics (6 h) fits.
    assert sorted(zip(plan_table(at)["employee_id"], plan_table(at)["course_id"], strict=False)) == [("E4", "C-PY")]
    assert "at most 6.0 hours per person over the window" in metric(at, "Assignments").help


def test_only_ld_reaches_the_planner(tiny_db, monkeypatch):
    monkeypatch.setenv("UPSKILL_DB", str(tiny_db))
    monkeypatch.setenv("UPSKILL_ACCESS", str(FIXTURES / "tiny_access.toml"))
    auth = {
        "auth": {
            "redirect_uri": "http://localhost:8501/oauth2callback",
            "cookie_secret": "x" * 32,
            "client_id": "dashboard",
            "client_secret": "secret",
            "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
        }
    }
    for email, allowed in [("ld@tiny.test", True), ("ceo@tiny.test", False), ("bob.baker@tiny.test", False)]:
        at = AppTest.from_file(APP, default_timeout=120)
        at.secrets = dict(auth)
        at.user = {"is_logged_in": True, "email": email}
        at.query_params["as_of"] = "2025-06-30"
        at.run()
        if allowed:
            at.switch_page(PAGE).run()
            no_errors(at)
            assert len(plan_table(at)) == 3
        else:  # the page is hidden from the navigation; opened anyway, it says so and plans nothing
            at.switch_page(PAGE).run()
            no_errors(at)
            assert not at.metric and not any("reason" in d.value.columns for d in at.dataframe)
            assert at.info and "Training planner" in at.info[0].value
