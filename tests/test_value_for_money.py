"""Value for money: spend, skill levels gained and cost per level gained, per org unit, this year.

Worked out by hand on the tiny organisation (tests/conftest.py) on 30 Jun 2025, the year from 1 Jan:

- levels held on 31 Dec 2024 and on 30 Jun 2025 by the people at work on 30 Jun 2025 (Alice, Bob, Dan:
  Platform, Engineering; Eve: Insights, Data; Carol left on 31 Mar): Bob Cloud 3 (lapsed on 15 Jun: counts
  0, not -3) and Python 2 (held on both dates: 0); Dan, hired 1 Feb, Cloud 0 -> 3 (completed 1 Mar): +3;
  Eve SQL 3 on both dates: 0; Alice's Leadership pass was voided: 0. Engineering 3 levels, Data 0.
- spend (USD): the Moodle cohort 1,000 EUR in January x 1.10 = 1,100 (Platform) and Bob's Udemy course
  500 EUR in March x 1.20 = 600 (Platform): Engineering 1,700; LinkedIn licences 2,000 USD (Insights):
  Data 2,000; the company 3,700.
- cost per level gained: Engineering 1,700 / 3 = 566.67; Data: nothing gained, no cost per level (null,
  "–" on the page); the company 3,700 / 3 = 1,233.33.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import queries
import warehouse
from etl.load import load_paths

from .conftest import FIXTURES, TINY, TINY_RECORDS

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
DAY = date(2025, 6, 30)


def test_the_metric_on_the_tiny_organisation(tiny):
    rows = tiny.sql(
        "select unit_type, unit, people, spend, levels_gained, cost_per_level "
        "from value_for_money(year_start(DATE '2025-06-30'), DATE '2025-06-30') order by unit_type, unit"
    ).fetchall()
    assert rows == [
        ("company", "company", 4, pytest.approx(3700.0), 3, pytest.approx(3700 / 3)),
        ("department", "Data", 1, pytest.approx(2000.0), 0, None),
        ("department", "Engineering", 3, pytest.approx(1700.0), 3, pytest.approx(1700 / 3)),
        ("team", "Insights", 1, pytest.approx(2000.0), 0, None),
        ("team", "Platform", 3, pytest.approx(1700.0), 3, pytest.approx(1700 / 3)),
    ]


def test_a_level_held_from_the_period_start_is_not_gained(tiny):
    # Dan holds Cloud 3 from 1 Mar. A period from 1 Mar compares with 28 Feb: +3, for the March course's 600;
    # a period from 2 Mar compares with 1 Mar, when he held it already: nothing gained, no cost per level
    def gained(start: str) -> list:
        return tiny.sql(
            f"select levels_gained, cost_per_level from value_for_money(DATE '{start}', DATE '2025-06-30') "
            "where unit = 'Engineering'"
        ).fetchall()

    assert gained("2025-03-01") == [(3, pytest.approx(600 / 3))]  # only the March course in that period
    assert gained("2025-03-02") == [(0, None)]


def test_a_level_held_before_joining_counts_from_0(tiny_db):
    # Dan is made to join on 1 Apr, after his Cloud 3 course of 1 Mar. A period from 2 Mar compares with 1 Mar,
    # when he was not at work yet: no level held then, so his Cloud 3 is gained (+3). Bob, at work on both days,
    # held Python 2 through the period (0) and his Cloud 3 lapsed on 15 Jun (0).
    con = warehouse.connect(tiny_db)
    con.execute("update employees set hire_date = DATE '2025-04-01' where full_name like 'Dan%'")
    rows = con.sql(
        "select unit, people, levels_gained from value_for_money(DATE '2025-03-02', DATE '2025-06-30') "
        "where unit_type = 'team' order by unit"
    ).fetchall()
    con.close()
    assert rows == [("Insights", 1, 0), ("Platform", 3, 3)]


def test_the_page_query_follows_the_unit_filter(tiny):
    q = queries.get("value_for_money")
    by_unit = {
        u: q.function(tiny, DAY, unit=u).select("unit_type", "unit", "levels_gained").rows()
        for u in (None, "Engineering", "Platform")
    }
    assert by_unit == {
        None: [("company", "company", 3), ("department", "Data", 0), ("department", "Engineering", 3)],
        "Engineering": [("department", "Engineering", 3), ("team", "Platform", 3)],
        "Platform": [("team", "Platform", 3)],
    }


@pytest.fixture
def grown_db(tmp_path) -> Path:
    """The tiny organisation with the team Core (6 engineers, no evidence, no spend) in Engineering."""
    path = tmp_path / "grown.duckdb"
    con = warehouse.connect(path)
    summaries = load_paths(con, [TINY, TINY_RECORDS, FIXTURES / "privacy" / "roster-core.csv"])
    con.close()
    assert all(s.status == "loaded" for s in summaries), [s.line() for s in summaries]
    return path


def test_executives_see_no_small_unit_nor_one_given_back_by_subtraction(grown_db):
    con = warehouse.connect(grown_db, read_only=True)
    q = queries.get("value_for_money")
    company = q.for_executive(q.function(con, DAY))
    engineering = q.for_executive(q.function(con, DAY, unit="Engineering"))
    con.close()
    # people on 30 Jun: the company 10, Data 1 (small), Engineering 9 = Platform 3 (small) + Core 6. Data hidden,
    # and with it Engineering (the company's smallest other department: else 10 - 9 = Data); Platform hidden,
    # Core shown (Engineering is hidden, so Core is not Engineering minus Platform)
    assert company.select("unit", "people", "spend", "levels_gained").rows() == [
        ("company", 10, pytest.approx(3700.0), 3),
        ("Data", None, None, None),
        ("Engineering", None, None, None),
    ]
    assert engineering.select("unit", "people", "levels_gained", "cost_per_level").rows() == [
        ("Engineering", None, None, None),
        ("Core", 6, 0, None),  # a unit with nothing gained (and nothing spent): no cost per level
        ("Platform", None, None, None),
    ]


def test_the_spend_page_shows_the_table_to_an_executive(grown_db, monkeypatch):
    monkeypatch.setenv("UPSKILL_DB", str(grown_db))
    monkeypatch.setenv("UPSKILL_ACCESS", str(FIXTURES / "tiny_access.toml"))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["as"] = "ceo@tiny.test"
    at.query_params["as_of"] = "2025-06-30"
    at.query_params["unit"] = "Engineering"
    at.run()
    at.switch_page("views/spend_page.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Value for money this year" in [s.value for s in at.subheader]
    table = next(d.value for d in at.dataframe if "levels_gained" in d.value.columns)
    assert table.to_dict("list") == {
        "unit": ["Engineering", "Core", "Platform"],
        "unit_type": ["Department", "Team", "Team"],
        "people": ["fewer than 5", "6", "fewer than 5"],
        "spend": ["fewer than 5", "0", "fewer than 5"],
        "levels_gained": ["fewer than 5", "0", "fewer than 5"],
        "cost_per_level": ["fewer than 5", "–", "fewer than 5"],
    }
    captions = " ".join(c.value for c in at.caption)
    assert "cost per level gained = spend / skill levels gained" in captions
    assert "No skill level was gained this year in Core: no cost per level there (“–”)." in captions
