"""Queries of the Strategic goals page (the Overview reads goal_status too)."""

from __future__ import annotations

from datetime import date

import polars as pl

from queries import suppression as hide
from queries._sql import SCOPE, month_ends, run
from queries.registry import Audience, query

_GOAL_NUMBERS = [
    "population", "meeting", "share", "share_90_days_before", "projected_share", "projected_low", "projected_high",
    "status", "gap", "pace_per_month", "pace_needed_per_month", "arrivals_180_days", "expiring_before_deadline",
    "enrolled_in_progress", "pass_rate",
]  # fmt: skip


#: Up to this many dates, the goals' tree decision lists the members on each date (one date: 0.03 s at 50,000
#: people); above, it counts them from the changes up to each date (18 month ends: 0.15 s, not 0.5 s).
_LISTED_DATES = 2


def _population_flags(con, dates: list[date]) -> pl.DataFrame:
    """Which units' goal numbers executives may not see, per goal and date (hide.protect_tree on the
    populations of every unit)."""

    def decide(missing: list[date]) -> pl.DataFrame:
        keys = ["as_of", "goal_id"]
        if len(missing) <= _LISTED_DATES:  # a date or two: the members listed cost least
            sizes = hide.org_tree_sizes(
                con,
                "select as_of, goal_id, team, department from goal_population_on($dates)",
                keys,
                "count(*)",
                dates=missing,
            )
            return hide.protect_tree(sizes, keys, hide.team_departments(con))
        # many dates: each goal's population per team and department (goal_share_by_unit_on: the changes of
        # the days up to each date, not every member listed on every date), added up for the company, each
        # department and each team (the same sizes: tests/test_tree_decisions.py)
        teams = run(
            con, "select as_of, goal_id, team, department, population from goal_share_by_unit_on($dates)", dates=missing
        )
        sizes = hide.tree_sizes(teams, keys, "population")
        return hide.protect_tree(sizes, keys, hide.team_departments(con))

    return hide.decided_by_date(("goal_population",), dates, decide)


@query(Audience.EVERYONE, small_groups=hide.hide_small("population", _GOAL_NUMBERS))
def goal_status(con, as_of: date, root=None, unit=None) -> pl.DataFrame:
    """Every goal's state (goal_readiness); gap = target minus share (positive: still short)."""
    frame = run(
        con, f"select * from goal_readiness($as_of, {SCOPE}) order by goal_id", as_of=as_of, root=root, unit=unit
    )
    if root is not None:
        return frame
    return hide.mark_unit(frame, _population_flags(con, [as_of]).drop("as_of"), ["goal_id"], unit)


@query(Audience.EVERYONE, small_groups=hide.hide_small("population", ["population", "meeting", "share"]))
def goal_trajectories(con, as_of: date, root=None, unit=None, months: int = 18) -> pl.DataFrame:
    """Every goal's share month by month. Replaying the dates costs about the same for one goal or all, so
    the data door answers goal_trajectory from this (one query for a page of goal cards)."""
    dates = month_ends(as_of, months)
    frame = run(
        con,
        f"""
        select goal_id, as_of, population, meeting, share
        from goal_share_on($dates, {SCOPE}) order by goal_id, as_of
    """,
        dates=dates,
        root=root,
        unit=unit,
    )
    return (
        frame if root is not None else hide.mark_unit(frame, _population_flags(con, dates), ["as_of", "goal_id"], unit)
    )


@query(Audience.EVERYONE, small_groups=hide.hide_small("population", ["population", "meeting", "share"]))
def goal_trajectory(con, goal_id: str, as_of: date, root=None, unit=None, months: int = 18) -> pl.DataFrame:
    """One goal's share month by month (goal_trajectories' rows of that goal)."""
    frame = goal_trajectories(con, as_of, root=root, unit=unit, months=months)
    return frame.filter(pl.col("goal_id") == goal_id).drop("goal_id")


@query(Audience.NAMED)
def goals_people_missing(con, as_of: date, root=None, unit=None) -> pl.DataFrame:
    """Who in each goal's population is not at the goal's level yet, and how far they are (column goal_id):
    the levels on the date are read once for all goals, so the data door answers each goal's list from this."""
    return run(
        con,
        f"""
        with members as (select * from goal_population($as_of, {SCOPE})),
        levels as (select * from employee_skill_levels($as_of, {SCOPE}))
        select m.goal_id, m.full_name, m.role, m.team, m.department, coalesce(l.level, 0) as level, m.min_level
        from members as m
        left join levels as l on l.employee_id = m.employee_id and l.skill = m.skill
        where coalesce(l.level, 0) < m.min_level
        order by m.goal_id, level desc, m.team, m.full_name
    """,
        as_of=as_of,
        root=root,
        unit=unit,
    )


@query(Audience.NAMED)
def goal_people_missing(con, goal_id: str, as_of: date, root=None, unit=None) -> pl.DataFrame:
    """Who in a goal's population is not at the goal's level yet (goals_people_missing's rows of that goal)."""
    return goals_people_missing(con, as_of, root=root, unit=unit).filter(pl.col("goal_id") == goal_id).drop("goal_id")
