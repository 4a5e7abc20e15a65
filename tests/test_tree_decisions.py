"""The org tree decisions are made once per date and kept while the data stays the same
(queries.suppression: decided, decided_by_date, remembering), and keeping them hides exactly
what deciding afresh hides."""

from __future__ import annotations

from datetime import date

import polars as pl

from queries import suppression as hide

from .test_privacy_arithmetic import _exec, grown, leaks  # noqa: F401  (grown: the fixture)

D1, D2, D3 = date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)


def _decider(asked: list):
    def decide(dates: list[date]) -> pl.DataFrame:
        asked.append(dates)
        return pl.DataFrame({"as_of": dates, "hidden": [d.month for d in dates]})

    return decide


def test_only_the_dates_not_decided_yet_are_asked_for():
    asked: list = []
    with hide.remembering(hide.Decisions()):
        first = hide.decided_by_date(("k",), [D2, D1], _decider(asked))
        second = hide.decided_by_date(("k",), [D3, D2], _decider(asked))
        other = hide.decided_by_date(("other",), [D2], _decider(asked))
    assert asked == [[D1, D2], [D3], [D2]]  # D2 once for the key "k", once for "other"
    assert first.rows() == [(D1, 1), (D2, 2)]
    assert second.rows() == [(D2, 2), (D3, 3)]
    assert other.rows() == [(D2, 2)]


def test_a_date_with_no_rows_is_kept_as_decided():
    asked: list = []

    def nothing_on_d1(dates):
        asked.append(dates)
        return pl.DataFrame({"as_of": [d for d in dates if d != D1]}, schema={"as_of": pl.Date})

    with hide.remembering(hide.Decisions()):
        assert hide.decided_by_date(("k",), [D1, D2], nothing_on_d1).rows() == [(D2,)]
        assert hide.decided_by_date(("k",), [D1], nothing_on_d1).rows() == []
    assert asked == [[D1, D2]]


def test_without_a_store_every_call_decides_and_the_oldest_decision_goes_first():
    asked: list = []
    hide.decided_by_date(("k",), [D1], _decider(asked))
    hide.decided_by_date(("k",), [D1], _decider(asked))
    assert asked == [[D1], [D1]]
    kept = hide.Decisions(size=2)
    with hide.remembering(kept):
        for n in (1, 2, 3):
            hide.decided(("n", n), lambda n=n: n * 10)
        assert hide.decided(("n", 1), lambda: "decided again") == "decided again"
        assert hide.decided(("n", 3), lambda: "not asked") == 30
    assert len(kept) == 2


def test_kept_decisions_hide_what_fresh_ones_hide(grown):
    """The numbers of test_privacy_arithmetic's small organisation, with every query of it sharing one store
    (each date decided once: readiness_at's two dates and readiness_by_unit's one)."""
    day = date(2025, 6, 30)
    kept = hide.Decisions()
    with hide.remembering(kept):
        headcount = {
            u: _exec(grown, "readiness_at", as_of=day, unit=u)["headcount"][-1] for u in (None, "Engineering", "Core")
        }
        rows = _exec(grown, "readiness_by_unit", as_of=day)
        population = [
            _exec(grown, "goal_status", as_of=day, unit=u)["population"][0] for u in ("Engineering", "Platform", "Core")
        ]
        monthly = _exec(grown, "monthly_spend", as_of=date(2025, 3, 31))["spend"].to_list()
        breakdown = _exec(grown, "spend_breakdown", as_of=date(2025, 3, 31))
    assert headcount == {None: 10, "Engineering": None, "Core": 6}
    assert dict(zip(rows["unit"], rows["headcount"], strict=True)) == {
        "Data": None, "Engineering": None, "Core": 6, "Insights": None, "Platform": None,
    }  # fmt: skip
    assert population == [8, None, None]
    assert monthly == [None, 2000.0, None]
    assert sorted(zip(breakdown["vendor"], breakdown["spend"], strict=True)) == [
        ("LinkedIn Learning", 2000.0), ("Moodle", None), ("Udemy Business", None),
    ]  # fmt: skip
    assert len(kept) > 0


def test_with_kept_decisions_no_arithmetic_gives_back_a_hidden_number(grown):
    dates = [date(2025, 2, 28), date(2025, 3, 31), date(2025, 6, 30)]
    with hide.remembering(hide.Decisions()):
        assert leaks(grown, dates, date(2025, 6, 30), months=6) == []


def test_goal_decisions_from_the_changes_are_those_of_the_members_listed(grown):
    """Over more dates than _LISTED_DATES the goals' tree decision counts each unit's population from the
    changes up to each date (goal_share_by_unit_on): the same sizes, so the same hidden units, as listing the
    members on each date (goal_population_on), on days when people join, leave and evidence lapses."""
    from queries import goals

    dates = [date(2025, 1, 31), date(2025, 2, 1), date(2025, 3, 31), date(2025, 4, 1), date(2025, 6, 15)]
    assert len(dates) > goals._LISTED_DATES
    listed = hide.protect_tree(
        hide.org_tree_sizes(
            grown,
            "select as_of, goal_id, team, department from goal_population_on($dates)",
            ["as_of", "goal_id"],
            "count(*)",
            dates=dates,
        ),
        ["as_of", "goal_id"],
        hide.team_departments(grown),
    )
    counted = goals._population_flags(grown, dates)
    order = ["as_of", "goal_id", "unit_type", "unit"]
    assert counted.sort(order).equals(listed.sort(order))
    assert listed[hide.TREE_FLAG].any()  # some unit is hidden: the comparison says something


def test_coverage_order_kept_from_the_matrix_is_the_order_worked_out_alone(grown):
    """coverage_matrix keeps its rows' and skills' gaps for coverage_order (the page asks for both): the same
    rows as coverage_order's own query, for teams and departments, the whole company, a department and a
    category."""
    from queries import coverage

    day = date(2025, 6, 30)
    for args in ({"by": "team"}, {"by": "department"}, {"by": "team", "unit": "Engineering"}, {"category": "Cloud"}):
        alone = coverage.coverage_order(grown, day, **args)
        with hide.remembering(hide.Decisions()):
            coverage.coverage_matrix(grown, day, **args)
            kept = coverage.coverage_order(grown, day, **args)
        assert kept.schema == alone.schema
        assert kept.sort("axis", "name").rows() == alone.sort("axis", "name").rows()
        assert alone.height > 0


def test_the_companys_coverage_trend_decides_on_the_rows_it_read(grown):
    """For the whole company, coverage_trend reads the skill's rows per team once and its tree decision adds
    them up: the same trend, and the same units hidden, as the trend's own query and the decision's own
    sizes (skill_coverage_on read again), for every skill and month of the first half of 2025."""
    from queries import coverage
    from queries._sql import month_ends, run

    day = date(2025, 6, 30)
    dates = month_ends(day, 6)
    for skill in ("Cloud", "Python", "SQL", "Leadership"):
        expected = run(
            grown,
            """
            select as_of, sum(required_headcount) as required_headcount, sum(covered_headcount) as covered_headcount,
                   coverage_share(sum(covered_headcount), sum(required_headcount)) as coverage
            from skill_coverage_on($dates) where skill = $skill group by as_of order by as_of
        """,
            dates=dates,
            skill=skill,
        )
        expected = hide.mark_unit(
            expected, coverage._coverage_flags(grown, dates, skill).drop("skill"), ["as_of"], None
        )
        with hide.remembering(hide.Decisions()):
            got = coverage.coverage_trend(grown, day, skill, months=6)
        assert got.equals(expected), skill
        assert got.height == 6
