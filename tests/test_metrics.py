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
    return {
        (t, s): (req, cov, c)
        for t, s, req, cov, c in rows(
            con,
            "select team, skill, required_headcount, covered_headcount, coverage from skill_coverage($d)",
            {"d": as_of},
        )
    }


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


@pytest.mark.parametrize(("as_of", "cloud"), [("2025-06-14", (2, 2, 1.0)), ("2025-06-15", (2, 1, 0.5))])
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


def test_readiness_on_dates_in_any_order_counts_each_days_changes_on_that_day(tiny):
    # org_readiness_on with its dates out of order and repeated: one row per unit and distinct date. Carol
    # (E3) still counts on her last day (2025-03-31), not on the day after; Bob's Cloud certificate counts on
    # 2025-06-14 and no longer on 2025-06-15 (valid until, exclusive); Dan's Cloud counts from 2025-03-01.
    # 2025-03-31: pairs E1 Lead(1,no) E2 Cloud(2,yes) E2 Py(1,yes) E3 Cloud(2,yes) E3 Py(1,no) E4 Cloud(2,yes)
    #             E4 Py(1,no) E5 SQL(1,yes): 8 pairs, 5 met, weights 8/11; Platform 7 pairs, 4 met, 7/10
    # 2025-04-01 and 2025-06-14: without E3: 6 pairs, 4 met, 6/8; Platform 5 pairs, 3 met, 5/7
    # 2025-06-15: without Bob's Cloud: 6 pairs, 3 met, 4/8; Platform 5 pairs, 2 met, 3/7
    dates = ["2025-06-15", "2025-03-31", "2025-06-14", "2025-04-01", "2025-03-31"]
    got = {
        (str(d), u): (pairs, met, headcount, readiness)
        for d, u, pairs, met, headcount, readiness in rows(
            tiny,
            "select as_of, unit, pairs, met_pairs, headcount, readiness from org_readiness_on(cast($d as date[])) "
            "where unit in ('company', 'Platform')",
            {"d": dates},
        )
    }
    assert got == {
        ("2025-03-31", "company"): (8, 5, 5, pytest.approx(8 / 11)),
        ("2025-04-01", "company"): (6, 4, 4, pytest.approx(6 / 8)),
        ("2025-06-14", "company"): (6, 4, 4, pytest.approx(6 / 8)),
        ("2025-06-15", "company"): (6, 3, 4, pytest.approx(4 / 8)),
        ("2025-03-31", "Platform"): (7, 4, 4, pytest.approx(7 / 10)),
        ("2025-04-01", "Platform"): (5, 3, 3, pytest.approx(5 / 7)),
        ("2025-06-14", "Platform"): (5, 3, 3, pytest.approx(5 / 7)),
        ("2025-06-15", "Platform"): (5, 2, 3, pytest.approx(3 / 7)),
    }


def test_goal_share_on_dates_in_any_order(tiny):
    # G1 (Engineering's engineers at Cloud 3): Bob (Cloud 3 until 2025-06-15), Carol (left 2025-03-31, Cloud 3),
    # Dan (hired 2025-02-01, Cloud 3 from 2025-03-01). G2 (the company at SQL 2): everyone at work; only Eve holds
    # SQL. Dates out of order and repeated: one row per goal and distinct date.
    dates = ["2025-06-15", "2025-01-31", "2025-03-31", "2025-02-01", "2025-06-14", "2025-01-31"]
    got = {
        (str(d), g): (population, meeting)
        for d, g, population, meeting in rows(
            tiny, "select as_of, goal_id, population, meeting from goal_share_on(cast($d as date[]))", {"d": dates}
        )
    }
    assert got == {
        ("2025-01-31", "G1"): (2, 2),  # Bob, Carol
        ("2025-02-01", "G1"): (3, 2),  # Dan hired, no Cloud yet
        ("2025-03-31", "G1"): (3, 3),  # Carol's last day, Dan's Cloud
        ("2025-06-14", "G1"): (2, 2),  # Bob's certificate's last day
        ("2025-06-15", "G1"): (2, 1),
        ("2025-01-31", "G2"): (4, 1),
        ("2025-02-01", "G2"): (5, 1),
        ("2025-03-31", "G2"): (5, 1),
        ("2025-06-14", "G2"): (4, 1),
        ("2025-06-15", "G2"): (4, 1),
    }


def test_goal_share_on_agrees_with_goal_share_and_the_goal_population(tiny):
    # goal_share_on (changes counted up to each date) and goal_share (one date, its members listed) give the
    # same numbers, and the population is goal_population_on's, on every day the tiny organisation changes
    days = [
        f"2025-{m:02d}-{d:02d}" for m in range(1, 8) for d in (1, 14, 15, 28, 31) if not (m in (2, 4, 6) and d == 31)
    ]
    days += ["2024-01-09", "2024-01-10", "2024-09-01", "2026-03-01"]
    many = set(
        rows(
            tiny,
            "select as_of, goal_id, population, meeting, share from goal_share_on(cast($d as date[]))",
            {"d": days},
        )
    )
    one = {
        (r[0], *r[1:])
        for d in days
        for r in rows(
            tiny,
            "select cast($d as date), goal_id, population, meeting, share from goal_share(cast($d as date))",
            {"d": d},
        )
    }
    assert many == one
    listed = set(
        rows(
            tiny,
            "select as_of, goal_id, count(*) from goal_population_on(cast($d as date[])) group by all",
            {"d": days},
        )
    )
    assert {(d, g, p) for d, g, p, _, _ in many if p} == listed


def test_goal_readiness(tiny):
    g = {
        r[0]: r[1:]
        for r in rows(
            tiny,
            "select goal_id, population, meeting, share, target_share, status from goal_readiness(DATE '2025-01-01')",
        )
    }
    assert g["G1"] == (2, 2, 1.0, 0.8, "achieved")
    assert g["G2"] == (4, 1, 0.25, 0.2, "achieved")


def test_goal_forecast_by_hand(tiny):
    # The projection (sql/models/metrics/100_goal_readiness.sql): m = M - E + p*I + k*h/L with L = 180 days,
    # sd = sqrt(k*(h/L)*(1 + h/L) + I*p*(1 - p)), band m -/+ 1.2816 sd, all clamped to 0..P, over P.
    g = {
        r[0]: r[1:]
        for r in rows(
            tiny,
            """
        select goal_id, population, meeting, share, share_90_days_before, days_left, arrivals_180_days,
               expiring_before_deadline, enrolled_in_progress, projected_share, projected_low, projected_high,
               pace_per_month, pace_needed_per_month, status, projection_method
        from goal_readiness(DATE '2025-06-30')""",
        )
    }
    # G1 (Cloud 3 among Engineering's engineers) on 2025-06-30: P = 2 (E2, E4; E3 left on 2025-03-31),
    # M = 1 (E4; E2's certificate lapsed on 2025-06-15); 90 days earlier, on 2025-04-01, 2 of 2.
    # h = 2025-12-31 - 2025-06-30 = 184 days. k = 1: E4 reached Cloud 3 on 2025-03-01, inside
    # (2025-01-01, 2025-06-30] and after being hired; E2's arrival (2024-06-15) is older.
    # E = 0: E4's certificate runs to 2026-03-01, after the deadline. I = 0: no open enrolments.
    # m = 1 + 1 * 184/180 = 2.0222 -> clamped to 2 -> projected 2/2 = 1.0
    # sd = sqrt(1 * 1.02222 * 2.02222) = 1.43776; 1.2816 sd = 1.84263
    # low = (2.02222 - 1.84263) / 2 = 0.08979; high = min(3.86485, 2) / 2 = 1.0
    # the target 0.8 lies inside the band: at_risk (the old linear projection said off_track).
    # pace = 1/180 * 30.4375 = 0.16910 people a month; needed = (0.8 * 2 - 1) / 184 * 30.4375 = 0.09925
    got = g["G1"]
    assert got[:8] == (2, 1, 0.5, 1.0, 184, 1, 0, 0)
    assert got[8:13] == pytest.approx((1.0, 0.0897930, 1.0, 0.1690972, 0.0992527), abs=1e-6)
    assert got[13:] == ("at_risk", "pace of the last 180 days + enrolments - expiries, 80% band")
    # G2 (SQL 2, company): 1 of 4 and the target is 20%: achieved; nobody arrived in 180 days, so the
    # projection stays at the share with no band: 0.25.
    assert g["G2"][:3] == (4, 1, 0.25) and g["G2"][-2] == "achieved"
    assert g["G2"][8:11] == pytest.approx((0.25, 0.25, 0.25))


def test_goal_forecast_counts_credentials_lapsing_before_the_deadline(tiny):
    # G1 on 2025-05-01: P = 2 (E2, E4), M = 2, share 1.0 >= 0.8: achieved. E = 1: E2's certificate
    # lapses on 2025-06-15, before the deadline; E4's (2026-03-01) does not. k = 1 (E4, 2025-03-01).
    # h = 244: m = 2 - 1 + 244/180 = 2.35556 -> 2 -> 1.0; sd = sqrt(1.35556 * 2.35556) = 1.78692,
    # low = (2.35556 - 2.29011) / 2 = 0.03272. Needed: (1.6 - 1) / 244 * 30.4375 = 0.07485 a month.
    got = rows(
        tiny,
        "select expiring_before_deadline, projected_share, projected_low, pace_needed_per_month, status "
        "from goal_readiness(DATE '2025-05-01') where goal_id = 'G1'",
    )[0]
    assert got[0] == 1 and got[-1] == "achieved"
    assert got[1:4] == pytest.approx((1.0, 0.0327188, 0.0748463), abs=1e-6)


def test_goal_on_track_at_risk_and_off_track(tiny_db):
    import warehouse

    con = warehouse.connect(tiny_db)
    # Python 2 among Engineering's engineers on 2024-03-01: P = 2 (E2, E3; E4 not hired yet), M = 1
    # (E2 from 2024-01-10), k = 1 (that arrival is inside (2023-09-03, 2024-03-01]), E = 0 (Python
    # Basics never expires), I = 0.
    con.execute(
        "insert into goals values ('G3', 'py', 'Python', 2, 'Engineering', ['Engineer'], 0.9, DATE '2024-04-30', null),"
        " ('G4', 'py late', 'Python', 2, 'Engineering', ['Engineer'], 0.9, DATE '2024-03-31', null),"
        " ('G5', 'py far', 'Python', 2, 'Engineering', ['Engineer'], 1.0, DATE '2024-03-05', null)"
    )
    g = dict(
        rows(con, "select goal_id, status from goal_readiness(DATE '2024-03-01') where goal_id in ('G3','G4','G5')")
    )
    # G3: h = 60: m = 1 + 60/180 = 1.33333, sd = sqrt((1/3) * (4/3)) = 0.66667, 1.2816 sd = 0.85440:
    #     band (0.47893 .. 2.18773 -> 2) / 2 = 0.23947 .. 1.0, and 0.9 is inside it: at_risk
    # G4: h = 30: m = 1.16667, sd = sqrt((1/6) * (7/6)) = 0.44096, high = (1.16667 + 0.56514) / 2 = 0.86590 < 0.9: off_track
    # G5: h = 4: m = 1.02222, sd = sqrt((4/180) * (184/180)) = 0.15072, high = 0.60769 < 1.0: off_track
    assert g == {"G3": "at_risk", "G4": "off_track", "G5": "off_track"}

    # A steadier history: eight more engineers, six of whom reached Python 2 (assessments) inside the
    # 180 days before 2024-03-01. P = 10, M = 7 (E2 and six), k = 7.
    con.execute(
        "insert into employees (employee_id, full_name, role, team, department, manager_id, hire_date) "
        "select 'X' || i, 'Extra ' || i, 'Engineer', 'Platform', 'Engineering', 'E1', DATE '2020-01-01' "
        "from range(1, 9) as t(i)"
    )
    con.execute(
        "insert into assessments (employee_id, skill, level, assessed_at, source) "
        "select 'X' || i, 'Python', 2, DATE '2023-09-15' + cast(20 * i as integer), 'test' from range(1, 7) as t(i)"
    )
    warehouse.refresh_evidence(con)
    con.execute(
        "insert into goals values ('G6', 'py wide', 'Python', 2, 'Engineering', ['Engineer'], 0.75, DATE '2024-05-30', null)"
    )
    # G6: h = 90 (h/L = 0.5): m = 7 + 7 * 0.5 = 10.5 -> 10 -> projected 1.0; sd = sqrt(7 * 0.5 * 1.5) = 2.29129,
    # 1.2816 sd = 2.93652, low = (10.5 - 2.93652) / 10 = 0.75635 >= 0.75: on_track.
    # pace = 7/180 * 30.4375 = 1.18368 a month; needed = (0.75 * 10 - 7) / 90 * 30.4375 = 0.16910.
    got = rows(
        con,
        "select population, meeting, arrivals_180_days, projected_share, projected_low, pace_per_month, "
        "pace_needed_per_month, status from goal_readiness(DATE '2024-03-01') where goal_id = 'G6'",
    )[0]
    assert got[:3] == (10, 7, 7) and got[-1] == "on_track"
    assert got[3:7] == pytest.approx((1.0, 0.7563485, 1.1836806, 0.1690972), abs=1e-6)
    # With a target of 0.8 the low end (0.75635) misses it and the high end (1.0) reaches it: at_risk.
    con.execute("update goals set target_share = 0.8 where goal_id = 'G6'")
    assert rows(con, "select status from goal_readiness(DATE '2024-03-01') where goal_id = 'G6'") == [("at_risk",)]
    con.close()


def test_budget_utilisation(tiny):
    b = {
        r[0]: r[1:]
        for r in rows(tiny, "select unit, budget, actual, utilisation from budget_utilisation(DATE '2025-03-31')")
    }
    # company: 1000 EUR x 1.10 (Jan) + 500 EUR x 1.20 (March has no rate: February's) + 2000 USD
    assert b["company"] == pytest.approx((100000.0, 3700.0, 0.037))
    # Engineering budget 10,000 EUR at January's 1.10; spend of Platform (1100) and E2's (600)
    assert b["Engineering"] == pytest.approx((11000.0, 1700.0, 1700 / 11000))
    b = {r[0]: r[2] for r in rows(tiny, "select unit, budget, actual from budget_utilisation(DATE '2025-02-28')")}
    assert b == pytest.approx({"company": 3100.0, "Engineering": 1100.0})
    assert rows(tiny, "select count(*) from budget_utilisation(DATE '2024-06-30')") == [(0,)]


def test_cost_per_completion(tiny):
    c = {
        r[0]: r[1:]
        for r in rows(
            tiny,
            "select vendor, spend, completions, cost_per_completion "
            "from cost_per_completion(DATE '2025-01-01', DATE '2025-12-31')",
        )
    }
    assert c["Moodle"] == (1100.0, 1, 1100.0)  # E4's Cloud certificate
    assert c["Udemy Business"] == (600.0, 0, None)  # E4 failed Python: not a completion
    assert c["LinkedIn Learning"] == (2000.0, 0, None)


def test_cost_per_completion_counts_the_records_of_each_day_of_the_period(tiny):
    # E4's Moodle completion is dated 1 Mar 2025 (12:00): a period ending or starting that day counts it,
    # one ending the day before or starting the day after does not.
    def moodle(start: str, end: str) -> list:
        return rows(
            tiny,
            f"select completions from cost_per_completion(DATE '{start}', DATE '{end}') where vendor = 'Moodle'",
        )

    assert moodle("2025-03-01", "2025-03-01") == [(1,)]
    assert moodle("2025-02-01", "2025-03-01") == [(1,)]
    assert moodle("2025-02-01", "2025-02-28") == []  # no Moodle spend nor completion in February
    assert moodle("2025-03-02", "2025-03-31") == []


def test_licence_utilisation(tiny):
    assert rows(tiny, "select vendor, seats, active_users, idle_seats from licence_utilisation(DATE '2025-03-01')") == [
        ("LinkedIn Learning", 2, 0, 2)
    ]
    assert rows(tiny, "select count(*) from licence_utilisation(DATE '2024-03-01')") == [(0,)]


def test_active_learners_ignore_voided(tiny):
    assert rows(tiny, "select * from active_learners(DATE '2025-03-31')") == [(1,)]  # E4
    assert rows(tiny, "select * from active_learners(DATE '2025-05-10')") == [(1,)]  # E1's record was voided


def test_expiring_credentials(tiny):
    got = rows(
        tiny, "select employee_id, course_id, valid_until, days_left from expiring_credentials(DATE '2025-05-01')"
    )
    assert [(e, c, str(v), d) for e, c, v, d in got] == [("E2", "C-CLOUD", "2025-06-15", 45)]
    assert rows(tiny, "select count(*) from expiring_credentials(DATE '2025-05-01', days := 30)") == [(0,)]


def test_scope_is_the_reporting_tree(tiny_db):
    import warehouse

    con = warehouse.connect(tiny_db)
    con.execute("update employees set manager_id = 'E5' where employee_id = 'E4'")  # E4 now reports to Eve
    assert set(rows(con, "select * from reporting_tree('E5')")) == {("E5",), ("E4",)}
    cov = {
        (t, s): c
        for t, s, c in rows(con, "select team, skill, coverage from skill_coverage(DATE '2025-06-30', root := 'E5')")
    }
    assert cov[("Platform", "Cloud")] == 1.0  # only E4 is in Eve's tree
    assert rows(con, "select count(*) from requirement_status(DATE '2025-06-30', root := 'E5')") == [(3,)]
    con.close()


def test_unit_filter(tiny):
    r = dict(rows(tiny, "select unit, readiness from org_readiness(DATE '2025-01-01', org_unit := 'Platform')"))
    assert r["company"] == pytest.approx(5 / 7)
    assert "Insights" not in r


def test_skill_level_spans_cut_and_merge_overlapping_evidence():
    """Levels as date ranges, worked out by hand: overlaps take the highest level, touching
    ranges at one level merge, a day without evidence ends a span, expired evidence stops."""
    import duckdb

    import warehouse

    con = duckdb.connect()
    warehouse.migrate(con)
    con.execute("""insert into evidence
        (employee_id, skill, level, valid_from, valid_until, evidence_kind, course_id, source_kind, source_record_id)
        values
        ('A', 'Cloud', 1, '2025-01-01', '2025-06-01', 'course', null, 'x', '1'),
        ('A', 'Cloud', 3, '2025-02-01', '2025-03-01', 'certificate', null, 'x', '2'),
        ('A', 'Cloud', 1, '2025-06-01', null, 'course', null, 'x', '3'),
        ('A', 'SQL', 2, '2025-01-01', '2025-02-01', 'course', null, 'x', '4'),
        ('A', 'SQL', 2, '2025-03-01', '2025-04-01', 'course', null, 'x', '5'),
        ('A', 'SQL', 2, '2025-03-15', '2025-03-20', 'course', null, 'x', '6'),
        ('B', 'SQL', 2, '2025-05-01', '2025-05-01', 'course', null, 'x', '7')""")
    got = rows(
        con,
        "select skill, level, cast(valid_from as varchar), cast(valid_until as varchar) "
        "from skill_level_spans_source order by skill, valid_from",
    )
    assert got == [
        ("Cloud", 1, "2025-01-01", "2025-02-01"),
        ("Cloud", 3, "2025-02-01", "2025-03-01"),
        ("Cloud", 1, "2025-03-01", None),
        ("SQL", 2, "2025-01-01", "2025-02-01"),
        ("SQL", 2, "2025-03-01", "2025-04-01"),
    ]


@pytest.mark.parametrize(
    ("as_of", "learners"), [("2025-02-28", 0), ("2025-03-01", 1), ("2025-05-30", 1), ("2025-05-31", 0)]
)
def test_active_learners_window_is_90_days_including_the_date(tiny, as_of, learners):
    # E4's records: 2025-03-01 12:00 and 2025-03-02 12:00; 2025-05-30 is 89 days after 2025-03-02.
    assert rows(tiny, f"select * from active_learners(DATE '{as_of}')") == [(learners,)]


@pytest.mark.parametrize("unit", [None, "company"])
def test_the_whole_companys_active_learners_are_the_tree_decisions_counts(tiny, unit):
    # For the whole company the Overview's counts come from the tree decision's own (its company row);
    # a date with nobody counted has no row there and is 0. E4 learned on 1 and 2 Mar 2025 only:
    # on 31 May (window from 3 Mar) 0, on 2 Mar (90 days before) 1; on 28 Feb and 30 Nov 2024 0.
    from datetime import date

    from queries import overview

    def counts(day: date) -> list:
        return overview.active_learners(tiny, as_of=day, unit=unit).select("as_of", "active_learners").rows()

    assert counts(date(2025, 5, 31)) == [(date(2025, 3, 2), 1), (date(2025, 5, 31), 0)]
    assert counts(date(2025, 2, 28)) == [(date(2024, 11, 30), 0), (date(2025, 2, 28), 0)]
    # and the expiring credentials likewise (Bob's Cloud certificate lapses on 15 Jun 2025)
    expiring = overview.expiring_count(tiny, as_of=date(2025, 5, 1), unit=unit)
    assert expiring.select("as_of", "expiring").rows() == [(date(2025, 1, 31), 0), (date(2025, 5, 1), 1)]


def test_requirement_people_of_a_team_carry_their_evidence(tiny):
    # requirement_people for a team reads the evidence of that team's people only: on 2025-01-01 Platform's
    # pairs, each with the strongest evidence at the level held (none where nothing is held); Eve (Insights)
    # is not listed. Bob's Cloud 3 and Python 2 and Carol's Cloud 3 are course completions.
    from datetime import date

    from queries.coverage import requirement_people

    got = requirement_people(tiny, date(2025, 1, 1), team="Platform").select(
        "employee_id", "skill", "level", "met", "evidence"
    )
    assert got.rows() == [
        ("E1", "Leadership", 0, False, None),
        ("E2", "Cloud", 3, True, "course completion"),
        ("E2", "Python", 2, True, "course completion"),
        ("E3", "Cloud", 3, True, "course completion"),
        ("E3", "Python", 0, False, None),
    ]


def test_level_evidence_of_some_people_or_one_skill_is_theirs_alone(tiny):
    # only_people / only_skill filter where the evidence is read; the rows are those of the whole result
    # kept to them: on 2025-01-01 Bob (E2) holds Cloud 3 and Python 2, Carol (E3) Cloud 3, each from a course.
    day = "DATE '2025-01-01'"
    whole = rows(tiny, f"select employee_id, skill, level, evidence from level_evidence({day}) order by all")
    some = rows(
        tiny,
        f"select employee_id, skill, level, evidence from level_evidence({day}, only_people := ['E2', 'E3']) order by all",
    )
    cloud = rows(
        tiny,
        f"select employee_id, skill, level, evidence from level_evidence({day}, only_skill := 'Cloud') order by all",
    )
    assert some == [
        ("E2", "Cloud", 3, "course completion"),
        ("E2", "Python", 2, "course completion"),
        ("E3", "Cloud", 3, "course completion"),
    ]
    assert some == [r for r in whole if r[0] in ("E2", "E3")]
    assert cloud == [r for r in whole if r[1] == "Cloud"] and ("E2", "Cloud", 3, "course completion") in cloud
