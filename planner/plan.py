"""From a request ("this budget, this scope, these goals") to what a person reads and exports.

``make_plan`` reads the metrics layer, builds the instance (``planner.model``), solves it
(``planner.solve``) and reports: the plan (who takes what, why, at what cost), coverage,
readiness and goal shares now and after the plan, the budget used, and the gaps no
course in the catalog can close. The page, the command line and the tests call it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

import duckdb
import numpy as np
import polars as pl

from planner import compact, model
from planner.solve import DEFAULT_TIME_LIMIT, MAX_BUNDLES, solve_compact

#: Learning hours a month one person may be planned for, unless the request says otherwise
#: (about two hours a week). The cap over the window is this times the window's months.
DEFAULT_HOURS_PER_MONTH = 8.0

#: Days in a month on average, for the hours cap over a window.
MONTH_DAYS = 30.4375

#: The budgets of the budget → expected readiness curve, as shares of the budget asked for
#: (its own point is the plan); and the step of the marginal value shown next to it.
CURVE_SHARES = (0.25, 0.5, 1.0, 2.0)
MARGINAL_STEP = 10_000.0

#: Columns of the exported plan (an LMS bulk-assignment upload): one row per assignment.
EXPORT_COLUMNS = [
    "employee_id",
    "email",
    "full_name",
    "team",
    "course_id",
    "title",
    "provider",
    "skill",
    "hours",
    "cost",
    "currency",
    "paid_with",
    "reason",
]


class PlanError(ValueError):
    """The request cannot be planned as asked; the message says why in one sentence."""


@dataclass(frozen=True)
class PlanRequest:
    """What L&D asks for. None for goal_ids / requirement_skills means all; an empty tuple means none."""

    as_of: date
    budget: float
    root: str | None = None
    unit: str | None = None
    goal_ids: tuple[str, ...] | None = None
    requirement_skills: tuple[str, ...] | None = None
    hours_per_month: float | None = DEFAULT_HOURS_PER_MONTH
    window_end: date | None = None
    time_limit: float | None = DEFAULT_TIME_LIMIT  # None: no clock, the solver's node limits (deterministic)
    max_bundles: int = MAX_BUNDLES
    hours_cap: float | None = None  # hours over the whole window; None: hours_per_month × the window's months
    curve: bool = False  # also solve the budget → expected readiness curve and the next step's value
    min_attempts: int = model.MIN_ATTEMPTS

    def window_hours(self) -> float | None:
        """The learning hours one person may be planned for over the window (None: no cap)."""
        if self.hours_cap is not None:
            return self.hours_cap
        if self.hours_per_month is None or self.window_end is None:
            return None
        return round(self.hours_per_month * (self.window_end - self.as_of).days / MONTH_DAYS, 2)


@dataclass
class PlanOutcome:
    """The plan and everything shown around it."""

    request: PlanRequest
    currency: str
    plan: pl.DataFrame
    summary: dict
    skills: pl.DataFrame
    goals: pl.DataFrame
    catalog_gaps: pl.DataFrame
    solve: dict = field(default_factory=dict)
    rates: pl.DataFrame = field(default_factory=pl.DataFrame)  # success rates of the courses in the plan
    seats: pl.DataFrame = field(default_factory=pl.DataFrame)  # idle seats per vendor and how many the plan uses
    curve: pl.DataFrame = field(default_factory=pl.DataFrame)  # budget → expected readiness, a few budgets solved

    def export(self) -> pl.DataFrame:
        """The plan as an LMS bulk-assignment upload: one row per (employee, course)."""
        return self.plan.select(EXPORT_COLUMNS)


def check_request(con: duckdb.DuckDBPyConnection, req: PlanRequest) -> PlanRequest:
    """Validate the request against the warehouse and fill in the window end; PlanError if it cannot be planned."""
    if req.budget is None or req.budget < 0:
        raise PlanError("The budget must be zero or more.")
    if req.hours_cap is not None and req.hours_cap <= 0:
        raise PlanError("The hours cap must be more than zero.")
    if req.hours_per_month is not None and req.hours_per_month <= 0:
        raise PlanError("The learning hours a month must be more than zero.")
    if req.unit and req.unit != "company":
        known = con.sql(
            "select count(*) from employees where department = $u or team = $u", params={"u": req.unit}
        ).fetchall()[0][0]
        if not known:
            raise PlanError(f"There is no department or team called {req.unit!r} in the roster.")
    if req.goal_ids:
        open_ids = set(model.open_goals(con, req.as_of)["goal_id"].to_list())
        unknown = [g for g in req.goal_ids if g not in open_ids]
        if unknown:
            raise PlanError(f"No open goal (deadline on or after {req.as_of}) has the id {unknown[0]!r}.")
    end = req.window_end or model.default_window_end(
        con, req.as_of, list(req.goal_ids) if req.goal_ids is not None else None
    )
    if end <= req.as_of:
        raise PlanError("The planning window must end after the as-of date.")
    return replace(req, window_end=end)


def _served(gaps: pl.DataFrame, req: PlanRequest) -> pl.DataFrame:
    """Mark the gaps the request serves; the others still count in "after the plan" when a course closes them."""
    goal_ok = pl.lit(True) if req.goal_ids is None else pl.col("goal_id").is_in(list(req.goal_ids))
    req_ok = pl.lit(True) if req.requirement_skills is None else pl.col("skill").is_in(list(req.requirement_skills))
    return gaps.with_columns(pl.when(pl.col("goal_id").is_null()).then(req_ok).otherwise(goal_ok).alias("served"))


def _reason_of(goal_id: str | None, weight: float) -> str:
    """What one closed gap is for, as ``_why`` says it: 'goal G1', 'role', 'role, weight 2'."""
    if goal_id is not None:
        return f"goal {goal_id}"
    return "role" + (f", weight {weight:g}" if weight != 1 else "")


def _scope_pairs(ci: compact.Compact, picked: np.ndarray, scope: pl.DataFrame, levels: pl.DataFrame) -> pl.DataFrame:
    """Each picked candidate with every gap in scope (served or not) of its person that its course closes.

    One row per (candidate, gap), the candidates in the order given and each one's gaps in
    ``scope``'s order (load_gaps'), as ``_why`` and the shares after the plan read them.
    """
    picks = pl.DataFrame(
        {
            "pick": np.arange(len(picked), dtype=np.int64),
            "employee_id": pl.Series(ci.people, dtype=pl.Utf8).gather(ci.cand_person[picked]),
            "course_id": pl.Series(ci.courses, dtype=pl.Utf8).gather(ci.cand_course[picked]),
            "p": ci.p[picked],
        },
        schema={"pick": pl.Int64, "employee_id": pl.Utf8, "course_id": pl.Utf8, "p": pl.Float64},
    )
    return (
        picks.join(scope, on="employee_id", how="inner")
        .join(levels, on=["course_id", "skill"], how="inner")
        .filter(pl.col("taught") >= pl.col("needed"))
        .sort("pick", "scope_row")
    )


def _instance_pairs(ci: compact.Compact, picked: np.ndarray, scope: pl.DataFrame) -> pl.DataFrame:
    """``_scope_pairs`` when the scope's gaps are the instance's, row for row: each candidate's closes
    (the same rule, the course's level at or above the need) read from the instance, no join."""
    lengths = np.diff(ci.close_ptr)[picked]
    starts = ci.close_ptr[picked]
    entries = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))
    rows = ci.close_gap[entries.astype(np.int64)]
    pick = np.repeat(np.arange(len(picked), dtype=np.int64), lengths)
    return (
        scope[rows]
        .with_columns(
            pl.Series("pick", pick, dtype=pl.Int64),
            pl.Series("p", np.repeat(ci.p[picked], lengths), dtype=pl.Float64),
        )
        .sort("pick", "scope_row")
    )


def _chances(pairs: pl.DataFrame, scope: pl.DataFrame) -> pl.DataFrame:
    """Each gap in scope the pairs close (its scope row), with the chance that one of its assignments succeeds."""
    row = pairs["scope_row"].to_numpy().astype(np.int64)
    missed = np.ones(scope.height)
    if len(row):
        compact.products(missed, row, 1.0 - pairs["p"].to_numpy())
    touched = np.unique(row)
    return scope[touched].with_columns(pl.Series("chance", 1.0 - missed[touched], dtype=pl.Float64))


def _plan_rows(
    ci: compact.Compact,
    picked: np.ndarray,
    costs: np.ndarray,
    pairs: pl.DataFrame,
    people: pl.DataFrame,
    courses: pl.DataFrame,
    currency: str,
) -> pl.DataFrame:
    """The plan, one row per assignment (EXPORT_COLUMNS and the success rate), from the picked candidates."""
    weights = pairs["weight"].unique().to_list()
    reason = pairs.with_columns(
        pl.when(pl.col("goal_id").is_not_null())
        .then(pl.format("goal {}", pl.col("goal_id")))
        .otherwise(pl.col("weight").replace_strict({w: _reason_of(None, w) for w in weights}, return_dtype=pl.Utf8))
        .alias("why")
    )
    clause = pl.format("{} {}→{} ({})", "skill", "level", "needed", "why")
    # Most assignments close one gap: their skill and reason need no grouping.
    several = reason.select(pl.col("pick").is_duplicated()).to_series()
    clauses = pl.concat(
        [
            reason.filter(~several).select("pick", "skill", clause.alias("reason")),
            reason.filter(several)
            .group_by("pick", "skill", "level", "needed", maintain_order=True)
            .agg(pl.col("why").str.join("; "))
            .group_by("pick", maintain_order=True)
            .agg(
                pl.col("skill").unique(maintain_order=True).str.join("; "),
                clause.str.join("; ").alias("reason"),
            ),
        ]
    )
    list_cost = ci.cost[picked]
    plan = pl.DataFrame(
        {
            "pick": np.arange(len(picked), dtype=np.int64),
            "employee_id": pl.Series(ci.people, dtype=pl.Utf8).gather(ci.cand_person[picked]),
            "course_id": pl.Series(ci.courses, dtype=pl.Utf8).gather(ci.cand_course[picked]),
            "provider": pl.Series(ci.course_vendor, dtype=pl.Utf8).gather(ci.cand_course[picked]),
            "hours": ci.hours[picked],
            "cost": np.round(costs, 2),
            "list_cost": list_cost,
            "success_rate": ci.p[picked],
        },
        schema={
            "pick": pl.Int64,
            "employee_id": pl.Utf8,
            "course_id": pl.Utf8,
            "provider": pl.Utf8,
            "hours": pl.Float64,
            "cost": pl.Float64,
            "list_cost": pl.Float64,
            "success_rate": pl.Float64,
        },
    )
    return (
        plan.join(people, on="employee_id", how="left", maintain_order="left")
        .join(courses, on="course_id", how="left", maintain_order="left")
        .join(clauses, on="pick", how="left", maintain_order="left")
        .with_columns(
            pl.lit(currency, pl.Utf8).alias("currency"),
            pl.when((pl.col("cost") == 0) & (pl.col("list_cost") > 0))
            .then(pl.lit("idle licence seat"))
            .when(pl.col("list_cost") == 0)
            .then(pl.lit("free course"))
            .otherwise(pl.col("cost_basis").fill_null("list price"))
            .alias("paid_with"),
        )
        .select(
            "employee_id",
            "email",
            "full_name",
            "team",
            "course_id",
            "title",
            "provider",
            "skill",
            "hours",
            "cost",
            "currency",
            "paid_with",
            "success_rate",
            "reason",
        )
        .sort("team", "full_name", "course_id", nulls_last=True)
    )


def make_plan(con: duckdb.DuckDBPyConnection, req: PlanRequest) -> PlanOutcome:
    """Build, solve and report one plan (and, when asked, the budget → expected readiness curve)."""
    started = time.perf_counter()
    req = check_request(con, req)
    currency = model.reporting_currency(con)
    scope_gaps, totals = model.load_gaps_and_totals(con, req.as_of, req.window_end, req.root, req.unit)
    gaps = _served(scope_gaps, req)
    offers_frame, idle = model.load_offers_and_seats(con, req.as_of, req.window_end)
    rates = model.load_success_rates(con, req.as_of, req.min_attempts)
    success = dict(zip(rates["course_id"].to_list(), rates["success_rate"].to_list(), strict=False))
    offers = model.offers_from_frame(offers_frame, success)
    goal_shares = model.load_goal_shares(con, req.as_of, req.root, req.unit)
    needed = {
        r["goal_id"]: model.needed_people(r["target_share"], r["population"], r["meeting"])
        for r in goal_shares.iter_rows(named=True)
        if req.goal_ids is None or r["goal_id"] in req.goal_ids
    }
    read = time.perf_counter() - started
    hours_cap = req.window_hours()
    built = compact.from_frame(gaps.filter(pl.col("served")), offers, needed, idle, req.budget, hours_cap)
    ci = built.ci
    built_at = time.perf_counter() - started
    order: list[int] = []
    base = None
    if req.curve:  # one greedy run for the plan and for every point of the curve
        order, taken = compact.greedy_run(ci, then=curve_budgets(req.budget)[-1])
        base = sorted(order[:taken])
    ordered = time.perf_counter() - started
    solution = solve_compact(built, needed, idle, req.time_limit, req.max_bundles, base=base)
    solved = time.perf_counter() - started

    # What the report reads: every gap in scope (served or not) in load_gaps' order, the level each
    # usable course teaches in each skill, each person's name and team, each course's title and basis.
    scope = gaps.select("employee_id", "skill", "level", "needed", "weight", "goal_id").with_row_index("scope_row")
    levels = (
        offers_frame.filter(pl.col("lasts_window"))
        .group_by("course_id", "skill")
        .agg(pl.col("level").max().alias("taught"))
    )
    people = gaps.filter(pl.col("employee_id").is_first_distinct()).select("employee_id", "email", "full_name", "team")
    courses = offers_frame.select("course_id", "title", "cost_basis").unique("course_id", keep="first")
    chosen = np.array(sorted(solution.chosen), dtype=np.int64)
    ev = solution.evaluation
    if not isinstance(ev, compact.ArrayEvaluation):  # solved on objects: its costs on columns
        ev = compact.evaluate(ci, chosen)
    # The curve's points and the plan read the same (candidate, gap in scope) pairs: made once.
    cuts = compact.along_each(ci, order, curve_budgets(req.budget)) if req.curve else []
    every = np.unique(np.concatenate([np.asarray(c, dtype=np.int64) for c, _ in cuts] + [chosen]))
    if (
        built.frame.height == scope.height
        and built.frame["employee_id"].equals(scope["employee_id"])
        and (built.frame["skill"].equals(scope["skill"]))
    ):  # every gap in scope is served, in the same order: the instance's own closes are the pairs
        every_pairs = _instance_pairs(ci, every, scope)
    else:
        every_pairs = _scope_pairs(ci, every, scope, levels)
    in_plan = np.zeros(ci.n, dtype=bool)
    in_plan[chosen] = True
    pick = every[every_pairs["pick"].to_numpy()]
    pairs = every_pairs.filter(pl.Series(in_plan[pick])).with_columns(
        pl.Series("pick", np.searchsorted(chosen, pick[in_plan[pick]]), dtype=pl.Int64)
    )
    plan = _plan_rows(ci, chosen, ev.costs, pairs, people, courses, currency)
    chances = _chances(pairs, scope)
    skills, readiness = _skills_now_after(totals, chances)
    _, best_case = _skills_now_after(totals, chances.with_columns(pl.lit(1.0).alias("chance")))
    goals = _goals_now_after(goal_shares, chances, needed, req)
    value = solution.value
    is_req = chances["goal_id"].is_null()
    summary = {
        "budget": req.budget,
        "cost": value.cost,
        "budget_used": value.cost / req.budget if req.budget else None,
        "assignments": plan.height,
        "people": plan["employee_id"].n_unique(),
        "hours": value.hours,
        "hours_cap": hours_cap,
        "hours_per_month": req.hours_per_month if req.hours_cap is None else None,
        "goal_progress": value.goal_progress,
        "requirement_weight": value.requirement_weight,
        "requirement_gaps_closed": float(chances.filter(is_req)["chance"].sum()),
        "goal_gaps_closed": float(chances.filter(~is_req)["chance"].sum()),
        "served_gaps": ci.gap_goal.size,
        "window_end": req.window_end,
        "expected_completions": float(ci.p[chosen].sum()),
        "readiness_if_all_complete": best_case["readiness_after"],
        "marginal_step": MARGINAL_STEP,
        "marginal": None,
        "coverage_if_all_complete": best_case["coverage_after"],
        **readiness,
    }
    solve_info = {
        "method": solution.method,
        "optimal": solution.optimal,
        "seconds": solution.seconds,
        "build_seconds": built_at,
        "classes": built.classes,  # people alike in their gaps, each class's candidates worked out once
        "message": solution.message,
        **solution.stats,
        "greedy_goal_progress": solution.greedy_value.goal_progress if solution.greedy_value else None,
        "greedy_requirement_weight": solution.greedy_value.requirement_weight if solution.greedy_value else None,
        "greedy_cost": solution.greedy_value.cost if solution.greedy_value else None,
    }
    reported = time.perf_counter() - started
    curve = pl.DataFrame()
    if req.curve:
        curve_started = time.perf_counter()
        curve = _curve(ci, req, cuts, every, every_pairs, totals, scope.height)
        solve_info["curve_seconds"] = time.perf_counter() - curve_started
        summary["marginal"] = marginal_value(curve)
    # Where the time went, in seconds (the page's expander and the planner benchmark show it).
    solve_info["phases"] = {
        "read the warehouse": read,
        "build the instance": built_at - read,
        "greedy plan (and its evaluation)": ordered - built_at + solution.stats.get("greedy_seconds", 0.0),
        "course combinations and exact program": max(
            solved - ordered - solution.stats.get("greedy_seconds", 0.0) - solution.stats.get("bound_seconds", 0.0),
            0.0,
        ),
        "proven bound": solution.stats.get("bound_seconds", 0.0),
        "report (plan rows, shares now and after)": reported - solved,
        "budget curve": solve_info.get("curve_seconds", 0.0),
    }
    used = plan.filter(pl.col("paid_with") == "idle licence seat")
    seats = (
        pl.DataFrame(
            {"vendor": list(idle), "idle_seats": list(idle.values())},
            schema={"vendor": pl.Utf8, "idle_seats": pl.Int64},
        )
        .join(
            used.group_by("provider").agg(
                pl.col("employee_id").n_unique().cast(pl.Int64).alias("seats_used"),
                pl.len().cast(pl.Int64).alias("assignments"),
            ),
            left_on="vendor",
            right_on="provider",
            how="left",
        )
        .with_columns(pl.col("seats_used").fill_null(0), pl.col("assignments").fill_null(0))
        .sort("vendor")
    )
    in_plan = rates.filter(pl.col("course_id").is_in(plan["course_id"].unique().to_list()))
    return PlanOutcome(
        req,
        currency,
        plan,
        summary,
        skills,
        goals,
        catalog_gaps(gaps, offers_frame, hours_cap),
        solve_info,
        in_plan,
        seats,
        curve,
    )


def curve_budgets(budget: float) -> list[float]:
    """The budgets of the curve: a few shares of the budget asked for, and the next step after it."""
    points = {round(budget * share, 2) for share in CURVE_SHARES} | {round(budget + MARGINAL_STEP, 2), 0.0}
    return sorted(points)


def _curve(
    ci: compact.Compact,
    req: PlanRequest,
    cuts: list[tuple[list[int], float]],
    every: np.ndarray,
    every_pairs: pl.DataFrame,
    totals: pl.DataFrame,
    scope_rows: int,
) -> pl.DataFrame:
    """Expected readiness for a few budgets, each planned on the same instance as the plan.

    The greedy run of the plan, carried on to the largest budget (``greedy_order``), orders
    the assignments (most expected gain per unit of cost, goals first); each point takes that
    order cut at its budget (`cuts`, ``along_each``), the plan's budget giving the greedy plan itself.
    One run for every point, so the points compare like with like (the next step's value is
    the difference of two of them). Each point's goal progress and requirement weight are the
    instance's, and its expected readiness counts every requirement gap in scope (served or
    not, as the plan's summary does). A plan the integer program proves better lies at or
    above its point.
    """
    budgets = curve_budgets(req.budget)
    weight_total, weight_met = totals["weight_total"].sum(), totals["weight_met"].sum()
    pairs = every_pairs.filter(pl.col("goal_id").is_null())  # requirement gaps in scope, served or not
    pair_cand = every[pairs["pick"].to_numpy()]
    row = pairs["scope_row"].to_numpy().astype(np.int64)
    pair_q = 1.0 - pairs["p"].to_numpy()
    scope_weight = np.zeros(scope_rows)
    scope_weight[row] = pairs["weight"].to_numpy().astype(float)
    rows = []
    # What costs nothing is in every point (cuts[0], the budget 0): its products are made once, and each
    # point multiplies in only its paid assignments.
    free = np.array(sorted(cuts[0][0]), dtype=np.int64)
    free_missed, free_closed = compact.misses(ci, free)
    in_free = np.zeros(ci.n, dtype=bool)
    in_free[free] = True
    free_scope_missed = np.ones(scope_rows)
    free_touched = np.zeros(scope_rows, dtype=bool)
    if in_free[pair_cand].any():
        compact.products(free_scope_missed, row[in_free[pair_cand]], pair_q[in_free[pair_cand]])
        free_touched[row[in_free[pair_cand]]] = True
    for budget, (chosen, cost) in zip(budgets, cuts, strict=True):
        paid = np.array(sorted(j for j in chosen if not in_free[j]), dtype=np.int64)
        paid_missed, paid_closed = compact.misses(ci, paid)
        missed, closed = free_missed * paid_missed, free_closed | paid_closed
        chance = np.where(closed, 1.0 - missed, 0.0)
        goal = closed & (ci.gap_goal >= 0)
        per_goal = np.bincount(ci.gap_goal[goal], weights=chance[goal], minlength=len(ci.goals))
        progress = float(np.minimum(per_goal, ci.goal_need).sum())
        weight = float((ci.gap_weight * chance)[closed & (ci.gap_goal < 0)].sum())
        taken = np.zeros(ci.n, dtype=bool)
        taken[paid] = True
        mine = taken[pair_cand]
        scope_missed = free_scope_missed.copy()
        touched = free_touched.copy()
        if mine.any():
            compact.products(scope_missed, row[mine], pair_q[mine])
            touched[row[mine]] = True
        gained = float((scope_weight * (1.0 - scope_missed))[touched].sum())
        readiness = (weight_met + gained) / weight_total if weight_total else None
        rows.append(
            {
                "budget": budget,
                "cost": round(cost, 2),
                "expected_readiness": readiness,
                "goal_progress": progress,
                "requirement_weight": weight,
                "assignments": len(chosen),
                "optimal": False,
                "is_plan": abs(budget - req.budget) < 0.005,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "budget": pl.Float64,
            "cost": pl.Float64,
            "expected_readiness": pl.Float64,
            "goal_progress": pl.Float64,
            "requirement_weight": pl.Float64,
            "assignments": pl.Int64,
            "optimal": pl.Boolean,
            "is_plan": pl.Boolean,
        },
    )


def marginal_value(curve: pl.DataFrame, step: float = MARGINAL_STEP) -> dict | None:
    """What the next `step` of budget adds to the plan: readiness points, goal progress, requirement weight."""
    if curve.is_empty():
        return None
    plan = curve.filter(pl.col("is_plan"))
    if plan.is_empty():
        return None
    nxt = curve.filter((pl.col("budget") - plan["budget"][0] - step).abs() < 0.01)
    if nxt.is_empty():
        return None
    a, b = plan.row(0, named=True), nxt.row(0, named=True)
    ra, rb = a["expected_readiness"], b["expected_readiness"]
    return {
        "step": step,
        "readiness_points": None if ra is None or rb is None else (rb - ra) * 100,
        "goal_progress": b["goal_progress"] - a["goal_progress"],
        "requirement_weight": b["requirement_weight"] - a["requirement_weight"],
        "extra_cost": b["cost"] - a["cost"],
    }


def _skills_now_after(totals: pl.DataFrame, chances: pl.DataFrame) -> tuple[pl.DataFrame, dict]:
    """Coverage per required skill and readiness of the scope, today and expected once the plan is done.

    Each requirement gap the plan closes counts with the chance that one of its
    assignments ends in the skill (`chances`: a row per gap in scope closed, with its skill,
    weight and chance; goal_id null for a role requirement).
    """
    gained = (
        chances.filter(pl.col("goal_id").is_null())
        .group_by("skill")
        .agg(
            pl.col("chance").sum().alias("closed_pairs"),
            (pl.col("weight") * pl.col("chance")).sum().alias("closed_weight"),
        )
        .with_columns(pl.col("skill").cast(totals.schema["skill"]))
    )
    skills = (
        totals.join(gained, on="skill", how="left")
        .with_columns(pl.col("closed_pairs").fill_null(0.0), pl.col("closed_weight").fill_null(0.0))
        .with_columns(
            (pl.col("met_pairs") / pl.col("pairs")).alias("coverage_now"),
            ((pl.col("met_pairs") + pl.col("closed_pairs")) / pl.col("pairs")).alias("coverage_after"),
        )
        .sort("skill")
    )
    pairs, met = skills["pairs"].sum(), skills["met_pairs"].sum()
    wt, wm = skills["weight_total"].sum(), skills["weight_met"].sum()
    closed_pairs, closed_weight = skills["closed_pairs"].sum(), skills["closed_weight"].sum()
    readiness = {
        "coverage_now": met / pairs if pairs else None,
        "coverage_after": (met + closed_pairs) / pairs if pairs else None,
        "readiness_now": wm / wt if wt else None,
        "readiness_after": (wm + closed_weight) / wt if wt else None,
    }
    return skills, readiness


def _goals_now_after(goal_shares: pl.DataFrame, chances: pl.DataFrame, needed: dict, req: PlanRequest) -> pl.DataFrame:
    """Each open goal's share today and expected once the plan is done, next to its target."""
    rows = []
    by_goal = chances.filter(pl.col("goal_id").is_not_null()).group_by("goal_id").agg(pl.col("chance").sum())
    gained_by_goal: dict[str, float] = defaultdict(float, zip(by_goal["goal_id"], by_goal["chance"], strict=True))
    for g in goal_shares.iter_rows(named=True):
        gained = gained_by_goal[g["goal_id"]]
        pop = g["population"]
        rows.append(
            {
                "goal_id": g["goal_id"],
                "name": g["name"],
                "skill": g["skill"],
                "min_level": g["min_level"],
                "deadline": g["deadline"],
                "population": pop,
                "meeting_now": g["meeting"],
                "meeting_after": g["meeting"] + gained,
                "share_now": g["share"],
                "share_after": (g["meeting"] + gained) / pop if pop else None,
                "target_share": g["target_share"],
                "needed": model.needed_people(g["target_share"], pop, g["meeting"]),
                "credited": float(min(gained, needed.get(g["goal_id"], 0))),
                "served": req.goal_ids is None or g["goal_id"] in req.goal_ids,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "goal_id": pl.Utf8,
            "name": pl.Utf8,
            "skill": pl.Utf8,
            "min_level": pl.Int64,
            "deadline": pl.Date,
            "population": pl.Int64,
            "meeting_now": pl.Int64,
            "meeting_after": pl.Float64,
            "share_now": pl.Float64,
            "share_after": pl.Float64,
            "target_share": pl.Float64,
            "needed": pl.Int64,
            "credited": pl.Float64,
            "served": pl.Boolean,
        },
    )


def catalog_gaps(gaps: pl.DataFrame, offers_frame: pl.DataFrame, hours_cap: float | None = None) -> pl.DataFrame:
    """Needs the catalog itself cannot meet: no course teaches the skill at the level needed.

    Also listed, each with its own reason: needs that only courses without a usable
    price can meet, only courses whose credential lapses before the window ends, or
    only courses longer than the hours cap.
    """
    schema = {
        "skill": pl.Utf8,
        "needed_level": pl.Int64,
        "people": pl.UInt32,
        "best_level_taught": pl.Int64,
        "reason": pl.Utf8,
    }
    if gaps.is_empty():
        return pl.DataFrame(schema=schema)

    def best(frame: pl.DataFrame, name: str) -> pl.DataFrame:
        return frame.group_by("skill").agg(pl.col("level").max().cast(pl.Int64).alias(name))

    priced = offers_frame.filter(pl.col("cost").is_not_null())
    lasting = priced.filter(pl.col("lasts_window"))
    fitting = lasting.filter(pl.col("hours") <= hours_cap) if hours_cap is not None else lasting
    out = (
        gaps.group_by("skill", "needed")
        .agg(pl.col("employee_id").n_unique().alias("people"))
        .with_columns(pl.col("needed").cast(pl.Int64).alias("needed_level"))
        .join(best(offers_frame, "best_level_taught"), on="skill", how="left")
        .join(best(priced, "best_priced"), on="skill", how="left")
        .join(best(lasting, "best_lasting"), on="skill", how="left")
        .join(best(fitting, "best_fitting"), on="skill", how="left")
    )

    def below(column: str) -> pl.Expr:
        return pl.col(column).is_null() | (pl.col(column) < pl.col("needed_level"))

    out = out.with_columns(
        pl.when(pl.col("best_level_taught").is_null())
        .then(pl.format("no course teaches {}", pl.col("skill")))
        .when(below("best_level_taught"))
        .then(pl.format("no course brings {} to level {}", pl.col("skill"), pl.col("needed_level")))
        .when(below("best_priced"))
        .then(
            pl.format(
                "the courses that bring {} to level {} have no usable price", pl.col("skill"), pl.col("needed_level")
            )
        )
        .when(below("best_lasting"))
        .then(
            pl.format(
                "the credentials that bring {} to level {} lapse before the window ends",
                pl.col("skill"),
                pl.col("needed_level"),
            )
        )
        .when(below("best_fitting"))
        .then(
            pl.format(
                "every course that brings {} to level {} takes longer than the {} h cap",
                pl.col("skill"),
                pl.col("needed_level"),
                pl.lit(f"{round(hours_cap, 1):g}" if hours_cap is not None else ""),
            )
        )
        .otherwise(None)
        .alias("reason")
    )
    return (
        out.filter(pl.col("reason").is_not_null())
        .select(list(schema))
        .sort("people", "skill", "needed_level", descending=[True, False, False])
    )
