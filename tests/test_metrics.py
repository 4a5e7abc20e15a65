"""Every metric pinned to numbers worked out by hand on the tiny organisation.

The tiny organisation (tests/fixtures/tiny, tiny_records):
  E1 Alice  Team Lead  Platform/Engineering                         needs Leadership 2 (w1)
  E2 Bob    Engineer   Platform/Engineering                         needs Cloud 3 (w2), Python 2 (w1)
  E3 Carol  Engineer   Platform/Engineering  leaves 2025-03-31
  E4 Dan    Engineer   Platform/Engineering  hired 2025-02-01, reports to Bob
  E5 Eve    Analyst    Insights/Data                                needs SQL 2 (w1)
Evidence: E2 Cloud 3 from 2024-06-15 (certificate valid 12 months -> until 2025-06-15),
E2 Python 2 from 2024-01-10, E3 Cloud 3 from 2024-09-01, E4 Cloud 3 from 2025-03-01,
E4 failed Python (no evidence), E5 SQL 3 from 2024-02-01, E1 passed Leadership but the
statement was voided, ghost@tiny.test is not an employee (rejected).
"""
from __future__ import annotations

import pytest


def rows(con, sql, params=None):
    rel = con.sql(sql, params=params) if params else con.sql(sql)
    return rel.fetchall()


def coverage(con, as_of):
    return {(t, s): (req, cov, c) for t, s, req, cov, c in rows(
        con, "select team, skill, required_headcount, covered_headcount, coverage from skill_coverage($d)", {"d": as_of})}


def test_levels_on_2025_01_01(tiny):
    got = set(rows(tiny, "select employee_id, skill, level from employee_skill_levels(DATE '2025-01-01')"))
    assert got == {("E2", "Cloud", 3), ("E2", "Python", 2), ("E3", "Cloud", 3), ("E5", "SQL", 3)}


def test_levels_on_2025_06_30_expiry_leaver_joiner_failed_and_voided(tiny):
    got = set(rows(tiny, "select employee_id, skill, level from employee_skill_levels(DATE '2025-06-30')"))
    # E2's Cloud certificate lapsed on 2025-06-15; E3 left; E4 joined and passed Cloud but failed Python;
    # E1's Leadership statement was voided.
    assert got == {("E2", "Python", 2), ("E4", "Cloud", 3), ("E5", "SQL", 3)}


def test_coverage_2025_01_01(tiny):
    cov = coverage(tiny, "2025-01-01")
    assert cov[("Platform", "Cloud")] == (2, 2, 1.0)
    assert cov[("Platform", "Python")] == (2, 1, 0.5)
    assert cov[("Platform", "Leadership")] == (1, 0, 0.0)
    assert cov[("Platform", "SQL")] == (0, 0, None)  # nobody in Platform needs SQL: no value, not 0%
    assert cov[("Insights", "SQL")] == (1, 1, 1.0)


@pytest.mark.parametrize("as_of, cloud", [("2025-06-14", (2, 2, 1.0)), ("2025-06-15", (2, 1, 0.5))])
def test_certificate_valid_until_is_exclusive(tiny, as_of, cloud):
    assert coverage(tiny, as_of)[("Platform", "Cloud")] == cloud


def test_leaver_counts_on_last_day_only(tiny):
    assert coverage(tiny, "2025-03-31")[("Platform", "Cloud")] == (3, 3, 1.0)  # E2, E3 (last day), E4
    assert coverage(tiny, "2025-04-01")[("Platform", "Cloud")] == (2, 2, 1.0)


def test_coverage_2025_06_30(tiny):
    cov = coverage(tiny, "2025-06-30")
    assert cov[("Platform", "Cloud")] == (2, 1, 0.5)
    assert cov[("Platform", "Python")] == (2, 1, 0.5)
    assert cov[("Platform", "Leadership")] == (1, 0, 0.0)


def test_readiness_is_weighted(tiny):
    # 2025-01-01: pairs E1 Lead(1,no) E2 Cloud(2,yes) E2 Py(1,yes) E3 Cloud(2,yes) E3 Py(1,no) E5 SQL(1,yes) = 6/8
    r = dict(rows(tiny, "select unit, readiness from org_readiness(DATE '2025-01-01')"))
    assert r["company"] == pytest.approx(0.75)
    assert r["Engineering"] == pytest.approx(5 / 7)
    assert r["Insights"] == pytest.approx(1.0)
    # 2025-06-30: E1 Lead(1,no) E2 Cloud(2,no) E2 Py(1,yes) E4 Cloud(2,yes) E4 Py(1,no) E5 SQL(1,yes) = 4/8
    r = dict(rows(tiny, "select unit, readiness from org_readiness(DATE '2025-06-30')"))
    assert r["company"] == pytest.approx(0.5)


def test_goal_readiness(tiny):
    g = {r[0]: r[1:] for r in rows(tiny, "select goal_id, population, meeting, share, target_share, status "
                                         "from goal_readiness(DATE '2025-01-01')")}
    assert g["G1"] == (2, 2, 1.0, 0.8, "achieved")
    assert g["G2"] == (4, 1, 0.25, 0.2, "achieved")
    g = {r[0]: r[1:] for r in rows(tiny, "select goal_id, population, meeting, share, status, share_90_days_before, "
                                         "projected_share from goal_readiness(DATE '2025-06-30')")}
    # G1 fell from 2/2 on 2025-04-01 to 1/2: the linear projection reaches 0 before the deadline.
    assert g["G1"] == (2, 1, 0.5, "off_track", 1.0, 0.0)
    assert g["G2"][:4] == (4, 1, 0.25, "achieved")


def test_goal_on_track_and_at_risk(tiny_db):
    from etl import warehouse

    con = warehouse.connect(tiny_db)
    # G3: Python 2 among Engineering's engineers, 2024-03-01 share: E2 yes (from 2024-01-10), E3 no -> 0.5;
    # 90 days earlier (2023-12-02) 0/2 = 0. Pace 0.5 per 90 days.
    con.execute("insert into goals values ('G3', 'py', 'Python', 2, 'Engineering', ['Engineer'], 0.9, DATE '2024-04-30', null),"
                " ('G4', 'py late', 'Python', 2, 'Engineering', ['Engineer'], 0.9, DATE '2024-03-31', null),"
                " ('G5', 'py far', 'Python', 2, 'Engineering', ['Engineer'], 1.0, DATE '2024-03-05', null)")
    g = dict(rows(con, "select goal_id, status from goal_readiness(DATE '2024-03-01') where goal_id in ('G3','G4','G5')"))
    # G3: 60 days left -> 0.5 + 0.5/90*60 = 0.833 -> within 10 points of 0.9: at_risk
    # G4: 30 days left -> 0.667 -> off_track; G5: 4 days -> 0.522 -> off_track
    assert g == {"G3": "at_risk", "G4": "off_track", "G5": "off_track"}
    con.execute("update goals set target_share = 0.8 where goal_id = 'G3'")
    assert rows(con, "select status from goal_readiness(DATE '2024-03-01') where goal_id = 'G3'") == [("on_track",)]
    con.close()


def test_budget_utilisation(tiny):
    b = {r[0]: r[1:] for r in rows(tiny, "select unit, budget, actual, utilisation from budget_utilisation(DATE '2025-03-31')")}
    # company: 1000 EUR x 1.10 (Jan) + 500 EUR x 1.20 (March has no rate: February's) + 2000 USD
    assert b["company"] == pytest.approx((100000.0, 3700.0, 0.037))
    # Engineering budget 10,000 EUR at January's 1.10; spend of Platform (1100) and E2's (600)
    assert b["Engineering"] == pytest.approx((11000.0, 1700.0, 1700 / 11000))
    b = {r[0]: r[2] for r in rows(tiny, "select unit, budget, actual from budget_utilisation(DATE '2025-02-28')")}
    assert b == pytest.approx({"company": 3100.0, "Engineering": 1100.0})
    assert rows(tiny, "select count(*) from budget_utilisation(DATE '2024-06-30')") == [(0,)]


def test_cost_per_completion(tiny):
    c = {r[0]: r[1:] for r in rows(tiny, "select vendor, spend, completions, cost_per_completion "
                                         "from cost_per_completion(DATE '2025-01-01', DATE '2025-12-31')")}
    assert c["Moodle"] == (1100.0, 1, 1100.0)            # E4's Cloud certificate
    assert c["Udemy Business"] == (600.0, 0, None)       # E4 failed Python: not a completion
    assert c["LinkedIn Learning"] == (2000.0, 0, None)


def test_licence_utilisation(tiny):
    assert rows(tiny, "select vendor, seats, active_users, idle_seats from licence_utilisation(DATE '2025-03-01')") == [
        ("LinkedIn Learning", 2, 0, 2)]
    assert rows(tiny, "select count(*) from licence_utilisation(DATE '2024-03-01')") == [(0,)]


def test_active_learners_ignore_voided(tiny):
    assert rows(tiny, "select * from active_learners(DATE '2025-03-31')") == [(1,)]  # E4
    assert rows(tiny, "select * from active_learners(DATE '2025-05-10')") == [(1,)]  # E1's record was voided


def test_expiring_credentials(tiny):
    got = rows(tiny, "select employee_id, course_id, valid_until, days_left from expiring_credentials(DATE '2025-05-01')")
    assert [(e, c, str(v), d) for e, c, v, d in got] == [("E2", "C-CLOUD", "2025-06-15", 45)]
    assert rows(tiny, "select count(*) from expiring_credentials(DATE '2025-05-01', days := 30)") == [(0,)]


def test_scope_is_the_reporting_tree(tiny_db):
    from etl import warehouse

    con = warehouse.connect(tiny_db)
    con.execute("update employees set manager_id = 'E5' where employee_id = 'E4'")  # E4 now reports to Eve
    assert set(rows(con, "select * from reporting_tree('E5')")) == {("E5",), ("E4",)}
    cov = {(t, s): c for t, s, c in rows(con, "select team, skill, coverage from skill_coverage(DATE '2025-06-30', root := 'E5')")}
    assert cov[("Platform", "Cloud")] == 1.0  # only E4 is in Eve's tree
    assert rows(con, "select count(*) from requirement_status(DATE '2025-06-30', root := 'E5')") == [(3,)]
    con.close()


def test_unit_filter(tiny):
    r = dict(rows(tiny, "select unit, readiness from org_readiness(DATE '2025-01-01', org_unit := 'Platform')"))
    assert r["company"] == pytest.approx(5 / 7)
    assert "Insights" not in r
