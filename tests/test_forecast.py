"""Goal forecasts on synthetic histories whose pace is known by construction.

The SQL (goal_readiness in sql/models/metrics/100_goal_readiness.sql) must find the pace that was
put into the history, count the credentials that lapse before the deadline and the
enrolments in progress, and project exactly as tests/forecast_reference.project says.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

import pytest

import warehouse
from tests import forecast_reference as forecast
from tests.forecast_reference import DAYS_PER_MONTH, Z_80, project

AS_OF = date(2026, 1, 31)
DEADLINE = AS_OF + timedelta(days=150)


def one_year_on(d: date) -> date:
    return d.replace(year=d.year + 1)


@pytest.fixture
def synthetic(tiny_db):
    """The tiny warehouse plus a 40-person team whose history has a known pace.

    One person reached Statistics 3 every 15 days (24 people, on AS_OF - 1, - 16, ..., - 346), with
    a certificate valid 12 months; five others are enrolled (AS_OF - 10), three failed (AS_OF - 20).
    """
    con = warehouse.connect(tiny_db)
    con.execute(
        "insert into employees (employee_id, full_name, role, team, department, hire_date) "
        "select 'S' || lpad(cast(i as varchar), 2, '0'), 'Synthetic ' || i, 'Statistician', 'Synth', 'Lab', "
        "DATE '2020-01-01' from range(40) as t(i)"
    )
    con.execute(
        "insert into courses (course_id, title, provider, hours, price, currency, validity_months) "
        "values ('C-STAT', 'Statistics certificate', 'Lab Academy', 10, 0, 'USD', 12)"
    )
    con.execute("insert into course_skills (course_id, skill, level) values ('C-STAT', 'Statistics', 3)")
    arrivals = [AS_OF - timedelta(days=15 * i - 14) for i in range(1, 25)]

    def record(n: int, person: int, status: str, day: date) -> str:
        return (
            f"('xapi', 'syn-{n}', 'S{person:02d}', 'C-STAT', '{status}', TIMESTAMP '{day} 10:00:00', "
            "null, null, null, 0, null)"
        )

    values = [record(i, i, "completed", d) for i, d in enumerate(arrivals)]
    values += [record(100 + p, p, "in_progress", AS_OF - timedelta(days=10)) for p in range(30, 35)]
    values += [record(200 + p, p, "failed", AS_OF - timedelta(days=20)) for p in range(35, 38)]
    con.execute(
        "insert into completion_records (source_kind, source_record_id, employee_id, course_id, status, "
        "completed_at, score, expires_at, vendor, batch_id, row_number) values " + ", ".join(values)
    )
    warehouse.refresh_evidence(con)
    con.execute(
        f"insert into goals values ('GS', 'stats', 'Statistics', 3, 'Synth', null, 0.9, DATE '{DEADLINE}', null),"
        f" ('GQ', 'quantum', 'Quantum', 1, 'Synth', null, 0.9, DATE '{DEADLINE}', null),"
        f" ('GP', 'past', 'Statistics', 3, 'Synth', null, 0.9, DATE '{AS_OF - timedelta(days=1)}', null)"
    )
    yield con, arrivals
    con.close()


def goal(con, goal_id: str, as_of: date = AS_OF) -> dict:
    frame = forecast.goal_forecasts(con, as_of)
    return frame.filter(frame["goal_id"] == goal_id).row(0, named=True)


def test_the_known_pace_is_found(synthetic):
    con, arrivals = synthetic
    g = goal(con, "GS")
    # one arrival every 15 days: 12 of them in the last 180 days (AS_OF - 1 ... AS_OF - 166)
    assert sum(AS_OF - timedelta(days=180) < d <= AS_OF for d in arrivals) == 12
    assert g["arrivals_180_days"] == 12
    assert g["pace_per_month"] == pytest.approx(DAYS_PER_MONTH / 15)  # 2.03 people a month
    assert (g["population"], g["meeting"]) == (40, 24)


def test_expiries_enrolments_and_the_band(synthetic):
    con, arrivals = synthetic
    g = goal(con, "GS")
    expiring = sum(one_year_on(d) <= DEADLINE for d in arrivals)  # certificates lapsing before the deadline
    assert expiring == 9 and g["expiring_before_deadline"] == expiring
    assert g["enrolled_in_progress"] == 5
    assert g["pass_rate"] == pytest.approx(12 / 20)  # 12 passes among the 20 records of the last 180 days
    # m = 24 - 9 + 0.6 * 5 + 12 * 150 / 180 = 28; sd = sqrt(12 * (5/6) * (11/6) + 5 * 0.6 * 0.4) = 4.41965
    m = 24 - 9 + 0.6 * 5 + 12 * 150 / 180
    sd = math.sqrt(12 * (150 / 180) * (1 + 150 / 180) + 5 * 0.6 * 0.4)
    assert m == pytest.approx(28.0) and sd == pytest.approx(4.41965, abs=1e-5)
    assert g["projected_share"] == pytest.approx(m / 40)
    assert g["projected_low"] == pytest.approx((m - Z_80 * sd) / 40)
    assert g["projected_high"] == pytest.approx((m + Z_80 * sd) / 40)  # 0.842 < 0.9: off track
    assert g["status"] == "off_track"
    # needed: 0.9 * 40 = 36 people on the deadline, 18 committed (24 - 9 + 3): 18 in 150 days
    assert g["pace_needed_per_month"] == pytest.approx(18 / 150 * DAYS_PER_MONTH)


def test_status_moves_with_the_target(synthetic):
    con, arrivals = synthetic
    # 60 days left: 3 certificates lapse before then (those from AS_OF - 316 and earlier), so
    # m = 24 - 3 + 0.6 * 5 + 12 * 60/180 = 28, sd = sqrt(12 * (1/3) * (4/3) + 1.2) = 2.55604,
    # band (28 -/+ 3.27582) / 40 = 0.61810 .. 0.78190, and the share now is 24/40 = 0.6.
    con.execute(f"update goals set deadline = DATE '{AS_OF + timedelta(days=60)}' where goal_id = 'GS'")
    assert sum(one_year_on(d) <= AS_OF + timedelta(days=60) for d in arrivals) == 3
    g = goal(con, "GS")
    assert (g["projected_low"], g["projected_high"]) == pytest.approx((0.6181046, 0.7818954), abs=1e-6)
    for target, status in [(0.6, "achieved"), (0.61, "on_track"), (0.7, "at_risk"), (0.8, "off_track")]:
        con.execute("update goals set target_share = ? where goal_id = 'GS'", [target])
        assert goal(con, "GS")["status"] == status, target


def test_no_history_no_pace_and_a_passed_deadline(synthetic):
    con, _ = synthetic
    q = goal(con, "GQ")  # nobody has Quantum: no arrivals, nothing enrolled
    assert (q["share"], q["pace_per_month"], q["projected_share"], q["projected_low"], q["projected_high"]) == (
        0,
        0,
        0,
        0,
        0,
    )
    assert q["status"] == "off_track"
    assert q["pace_needed_per_month"] == pytest.approx(36 / 150 * DAYS_PER_MONTH)
    p = goal(con, "GP")  # the deadline was yesterday: the projection is the share, and the goal is missed
    assert (p["days_left"], p["projected_share"], p["projected_low"], p["status"]) == (0, 0.6, 0.6, "off_track")
    assert p["pace_needed_per_month"] is None


def test_sql_and_python_agree(synthetic):
    con, _ = synthetic
    for as_of in (AS_OF, AS_OF - timedelta(days=40), AS_OF + timedelta(days=30)):
        for row in forecast.goal_forecasts(con, as_of).iter_rows(named=True):
            mine = forecast.mirror(row)
            assert row["status"] == mine.status, (as_of, row["goal_id"])
            for key in (
                "projected_share",
                "projected_low",
                "projected_high",
                "pace_per_month",
                "pace_needed_per_month",
            ):
                assert row[key] == pytest.approx(getattr(mine, key), abs=1e-9), (as_of, row["goal_id"], key)
            assert row["projection_method"] == forecast.METHOD


def test_replaying_the_past_sees_only_the_past(synthetic):
    con, arrivals = synthetic
    earlier = AS_OF - timedelta(days=100)
    g = goal(con, "GS", earlier)
    assert g["meeting"] == sum(d <= earlier for d in arrivals)
    assert g["arrivals_180_days"] == sum(earlier - timedelta(days=180) < d <= earlier for d in arrivals)
    assert g["enrolled_in_progress"] == 0  # the enrolments are dated after that day


# ------------------------------------------------------------------ the arithmetic alone


def test_project_by_hand():
    # 30 of 100 at the level, 18 arrivals in 180 days (3 a month), 90 days left, nobody lapsing or enrolled:
    # m = 30 + 18 * 0.5 = 39, sd = sqrt(18 * 0.5 * 1.5) = 3.67423, band 39 -/+ 4.70889
    f = project(100, 30, 0.35, 90, 18)
    assert f.projected_share == pytest.approx(0.39)
    assert (f.projected_low, f.projected_high) == pytest.approx((0.3429111, 0.4370889), abs=1e-6)
    assert f.pace_per_month == pytest.approx(18 / 180 * DAYS_PER_MONTH)
    assert f.pace_needed_per_month == pytest.approx(5 / 90 * DAYS_PER_MONTH)
    assert f.status == "at_risk"
    assert project(100, 30, 0.34, 90, 18).status == "on_track"
    assert project(100, 30, 0.44, 90, 18).status == "off_track"
    assert project(100, 30, 0.30, 90, 18).status == "achieved"
    assert project(0, 0, 0.5, 90, 3).status is None


def test_the_band_covers_about_eighty_percent_of_futures():
    """Calibration on simulated histories: a Poisson pace, estimated from 180 days, projected 120 days on."""
    rng = random.Random(11)

    def poisson(lam: float) -> int:
        count, t = 0, rng.expovariate(1.0)
        while t < lam:
            count += 1
            t += rng.expovariate(1.0)
        return count

    rate, inside, runs = 0.1, 0, 2000
    for _ in range(runs):
        k = poisson(rate * 180)
        future = poisson(rate * 120)
        f = project(1000, 100, 0.5, 120, k)
        inside += f.projected_low * 1000 <= 100 + future <= f.projected_high * 1000
    assert 0.75 <= inside / runs <= 0.95
