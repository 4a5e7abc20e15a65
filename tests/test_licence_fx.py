"""One FX rule for a licence's cost: the spend lines that pay for it, each at its own month's rate.

The tiny organisation (tests/conftest.py: EUR at 1.10 in January 2025 and 1.20 from February) plus a
Udemy Business licence of 1,000 EUR for 2025, paid in two instalments: 600 EUR on 20 January and
400 EUR on 20 February (tests/fixtures/licence_fx). Worked out by hand: 600 x 1.10 + 400 x 1.20 =
660 + 480 = 1,140 USD, in the licence table and in the vendor table alike (the licence's first month's
rate alone would give 1,100).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import queries
import warehouse
from etl.load import load_paths

from .conftest import FIXTURES, TINY, TINY_RECORDS


@pytest.fixture
def licence_db(tmp_path) -> Path:
    path = tmp_path / "licence.duckdb"
    con = warehouse.connect(path)
    summaries = load_paths(con, [TINY, TINY_RECORDS, FIXTURES / "licence_fx"])
    con.close()
    assert all(s.status == "loaded" for s in summaries), [s.line() for s in summaries]
    return path


def test_the_same_licence_shows_the_same_amount_in_the_licence_and_vendor_tables(licence_db):
    con = warehouse.connect(licence_db, read_only=True)
    as_of = date(2025, 6, 30)
    licences = queries.get("licences").function(con, as_of)
    breakdown = queries.get("spend_breakdown").function(con, as_of)
    con.close()
    licence_cost = dict(zip(licences["vendor"], licences["cost"], strict=True))
    paid = {v: s for v, c, s in breakdown.select("vendor", "category", "spend").iter_rows() if c == "licence"}
    assert licence_cost["Udemy Business"] == pytest.approx(1140.0)
    assert paid["Udemy Business"] == pytest.approx(1140.0)
    # a USD licence paid by one USD line: 2,000 in both
    assert licence_cost["LinkedIn Learning"] == pytest.approx(2000.0) == paid["LinkedIn Learning"]


def test_a_renewal_paid_before_its_term_pays_that_term_and_an_unpaid_part_converts_at_the_first_month(licence_db):
    # a 2026 licence of 1,000 EUR invoiced 300 EUR on 10 December 2025, 22 days before it starts: the line
    # pays the 2026 term (not the running 2025 one), at December's rate 1.20 = 360; the 700 EUR no line pays
    # converts at the licence's first month (January 2026: the latest rate, 1.20) = 840; 1,200 in all
    con = warehouse.connect(licence_db)
    con.execute(
        "insert into licences (vendor, seats, start_date, end_date, cost, currency) "
        "values ('Udemy Business', 10, DATE '2026-01-01', DATE '2026-12-31', 1000, 'EUR')"
    )
    con.execute(
        "insert into spend (spend_id, date, amount, currency, vendor, category, reference) "
        "values ('INV-R', DATE '2025-12-10', 300, 'EUR', 'Udemy Business', 'licence', 'INV-R')"
    )
    got = con.sql(
        "select cast(start_date as varchar), paying_lines, round(cost_reporting, 2) from licence_costs "
        "where vendor = 'Udemy Business' order by start_date"
    ).fetchall()
    con.close()
    assert got == [("2025-01-01", 2, 1140.0), ("2026-01-01", 1, 1200.0)]


def test_licence_costs_ties_each_licence_line_to_one_term(licence_db):
    con = warehouse.connect(licence_db, read_only=True)
    got = con.sql(
        "select vendor, cast(start_date as varchar), paying_lines, round(cost_reporting, 2) from licence_costs "
        "order by vendor"
    ).fetchall()
    con.close()
    assert got == [("LinkedIn Learning", "2025-01-01", 1, 2000.0), ("Udemy Business", "2025-01-01", 2, 1140.0)]
