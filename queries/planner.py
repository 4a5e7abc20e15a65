"""Queries of the Training planner page: what can be planned, its defaults, and the plan."""

from __future__ import annotations

from datetime import date

import polars as pl

from planner import model as plan_model
from planner import plan as planning
from queries.registry import NO_PEOPLE_COUNTS, Audience, query


@query(Audience.EVERYONE, small_groups=NO_PEOPLE_COUNTS)
def open_goals(con, as_of: date) -> pl.DataFrame:
    """Goals whose deadline has not passed: the ones the planner can serve."""
    return plan_model.open_goals(con, as_of)


@query(Audience.EVERYONE, small_groups=NO_PEOPLE_COUNTS)
def required_skills(con) -> pl.DataFrame:
    """Skills some role requires (the planner's choice of requirements to serve)."""
    return pl.DataFrame({"skill": plan_model.required_skills(con)}, schema={"skill": pl.Utf8})


@query(Audience.NAMED)
def planner_goal_people(con, as_of: date, root=None, unit=None) -> pl.DataFrame:
    """Each open goal's population in the scope: the planner pre-selects only goals with people in it (a goal
    without anyone in the scope has no row)."""
    return plan_model.load_goal_populations(con, as_of, root, unit)


@query(Audience.MONEY, small_groups=NO_PEOPLE_COUNTS)
def planner_defaults(con, as_of: date, unit=None) -> pl.DataFrame:
    """The planner's starting inputs: the window end (nearest open deadline) and what is left of the budget."""
    return pl.DataFrame(
        {
            "window_end": [plan_model.default_window_end(con, as_of)],
            "remaining_budget": [plan_model.remaining_budget(con, as_of, unit)],
            "hours_per_month": [planning.DEFAULT_HOURS_PER_MONTH],
            "marginal_step": [planning.MARGINAL_STEP],
        },
        schema={
            "window_end": pl.Date,
            "remaining_budget": pl.Float64,
            "hours_per_month": pl.Float64,
            "marginal_step": pl.Float64,
        },
    )


@query(Audience.NAMED)
def plan_people(
    con,
    as_of: date,
    budget: float,
    root=None,
    unit=None,
    goal_ids: tuple | None = None,
    requirement_skills: tuple | None = None,
    hours_per_month: float | None = planning.DEFAULT_HOURS_PER_MONTH,
    window_end: date | None = None,
    time_limit: float | None = planning.DEFAULT_TIME_LIMIT,
    curve: bool = True,
) -> planning.PlanOutcome:
    """The optimal training plan for the request (people by name): the plan, shares now vs after, the catalog's gaps."""
    return planning.make_plan(
        con,
        planning.PlanRequest(
            as_of=as_of,
            budget=budget,
            root=root,
            unit=unit,
            goal_ids=goal_ids,
            requirement_skills=requirement_skills,
            hours_per_month=hours_per_month,
            window_end=window_end,
            time_limit=time_limit,
            curve=curve,
        ),
    )
