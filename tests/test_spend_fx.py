"""A spend line whose currency has no FX rate is an error the Spend page states, never a silent drop.

The tiny organisation's spend (tests/conftest.py) plus one line of 700 CHF, Eve's workshop on
5 Mar 2025 (tests/fixtures/privacy/spend-chf.csv); fx.csv gives rates for EUR only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import warehouse
from app import ui
from etl.load import load_paths

from .conftest import FIXTURES, TINY, TINY_RECORDS

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
CHF = FIXTURES / "privacy" / "spend-chf.csv"


@pytest.fixture
def unrated_db(tmp_path) -> Path:
    path = tmp_path / "unrated.duckdb"
    con = warehouse.connect(path)
    summaries = load_paths(con, [TINY, TINY_RECORDS, CHF])
    con.close()
    assert all(s.status == "loaded" for s in summaries), [s.line() for s in summaries]
    return path


def test_budget_utilisation_is_unknown_while_a_line_has_no_rate(unrated_db):
    con = warehouse.connect(unrated_db, read_only=True)
    got = {
        r[0]: r[1:]
        for r in con.execute(
            "select unit, budget, actual, utilisation, unconverted_lines from budget_utilisation(DATE '2025-03-31')"
        ).fetchall()
    }
    con.close()
    # the company's 3,700 USD converted (tests/test_metrics.py) and the CHF line, which has no rate:
    # the share is not known rather than 3.7%; Engineering has no CHF line and keeps its 1,700 of 11,000
    assert got["company"] == (100000.0, 3700.0, None, 1)
    assert got["Engineering"] == pytest.approx((11000.0, 1700.0, 1700 / 11000, 0))


def run(db: Path, monkeypatch, **params) -> AppTest:
    monkeypatch.setenv("UPSKILL_DB", str(db))
    monkeypatch.setenv("UPSKILL_ACCESS", str(FIXTURES / "tiny_access.toml"))
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page("views/spend_page.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_the_spend_page_states_lines_without_a_rate_with_their_amount(unrated_db, monkeypatch):
    at = run(unrated_db, monkeypatch, as_of="2025-03-31")
    assert [e.value for e in at.error] == [
        ui.plain(
            "Spend this year with no FX rate to USD: 1 line(s) in CHF (700.00 CHF). These lines are left out of "
            "every total on this page, and budget utilisation is incomplete until fx.csv gives a rate for CHF."
        )
    ]
    assert metric(at, "Budget utilisation") == "Incomplete"
    assert metric(at, "Spent this year") == "$3,700"  # what was converted, said to leave the CHF line out
    budgets = next(d.value for d in at.dataframe if "unconverted_lines" in d.value.columns)
    assert dict(zip(budgets["unit"], budgets["unconverted_lines"], strict=True)) == {
        "Whole company": 1,
        "Data": 1,  # no budget of its own: the row that makes the departments add up to the company
        "Engineering": 0,
    }


def test_an_executive_is_told_of_the_lines_but_not_one_persons_amount(unrated_db, monkeypatch):
    at = run(unrated_db, monkeypatch, as_of="2025-03-31", **{"as": "ceo@tiny.test"})
    # Eve alone bought the CHF workshop: its amount is one person's purchase
    assert [e.value for e in at.error] == [
        ui.plain(
            "Spend this year with no FX rate to USD: 1 line(s) in CHF (fewer than 5 people's purchases). These "
            "lines are left out of every total on this page, and budget utilisation is incomplete until fx.csv "
            "gives a rate for CHF."
        )
    ]
    assert "700" not in " ".join(e.value for e in at.error)


def test_no_error_when_every_line_has_a_rate(tiny_db, monkeypatch):
    at = run(tiny_db, monkeypatch, as_of="2025-03-31")
    assert not at.error
    assert metric(at, "Budget utilisation") == "4%"


def test_the_departments_and_the_company_wide_row_add_up_to_the_company(tiny_db):
    """2025 as of 31 Mar in the tiny company: Engineering (budget 10,000 EUR) carries its two EUR lines, Data
    (no budget) the 2,000 USD licence of Insights, and a 300 USD Coursera licence with no team is the
    company-wide row. Company = Engineering + Data + company-wide; each row's run rate is actual / 90 days
    x 365 days."""
    from datetime import date

    import warehouse
    from queries import spend

    con = warehouse.connect(tiny_db)
    con.execute(
        "insert into spend (spend_id, date, amount, currency, vendor, category, description) "
        "values ('INV-9', date '2025-03-01', 300, 'USD', 'Coursera', 'licence', 'Company seats')"
    )
    frame = spend.budgets(con, as_of=date(2025, 3, 31))
    con.close()
    rows = {r["unit"]: r for r in frame.iter_rows(named=True)}
    assert list(rows) == ["company", spend.NOT_ALLOCATED, "Data", "Engineering"]
    assert rows["Data"]["budget"] is None and rows["Data"]["actual"] == 2000
    assert rows[spend.NOT_ALLOCATED]["actual"] == 300
    parts = sum(rows[u]["actual"] for u in (spend.NOT_ALLOCATED, "Data", "Engineering"))
    assert abs(rows["company"]["actual"] - parts) < 1e-6
    for r in rows.values():
        assert abs(r["projected"] - r["actual"] / 90 * 365) < 1e-6
    assert rows["company"]["over_budget"] is False  # 100,000 USD for the year
