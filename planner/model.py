"""The planning problem: who lacks what, which course closes it at what cost, and the rules.

The objective (also in docs/planner.md):

A plan is a set of assignments, each an (employee, course) candidate, every pair at
most once. It is *feasible* when

1. its cost is within the budget. An assignment costs the course's list price in the
   reporting currency (a course without a list price, sold only through its vendor's
   licence, costs that licence's price per seat), except that a vendor's idle licence
   seats cost nothing until they are used up: at most ``idle_seats[v]`` employees get
   one of vendor v's idle seats, and every course of v an employee with such a seat
   takes costs 0 (a seat is a person's access to the vendor's platform, which is what
   licence utilisation counts);
2. nobody's planned hours exceed the hours cap (hours a month times the window's months).

Not every assignment ends in its skill: each candidate carries ``p``, its course's success
rate observed in the learning records (``load_success_rates``), and a gap the plan closes
counts with the chance that at least one of its assignments succeeds, ``1 - prod(1 - p)``.
Among feasible plans the planner returns the lexicographic optimum of

1. **expected goal progress**: the sum over the served goals of
   ``min(needed_g, expected people of the goal's population below its level whom the plan
   brings to it)``, where ``needed_g`` is how many more people the scope needs today for
   the goal's share to reach its target (no credit beyond the target);
2. **expected weighted requirement gaps closed**: the sum over the (employee, required
   skill) pairs the plan brings to the required level of the requirement weight times the
   chance that one of its assignments succeeds;
3. the lowest cost, then 4. the fewest hours.

An assignment closes every gap of its employee whose skill the course teaches at or
above the needed level (one course can close several gaps, and gaps of goals and of
role requirements at once).

This module holds the problem on plain data structures (so tests can pin it without a
warehouse), its exact evaluation, and the SQL that builds it from the metrics layer.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

import duckdb
import polars as pl

#: ("req", employee_id, skill) for a role requirement, ("goal", goal_id, employee_id) for a goal.
GapKey = tuple[str, str, str]


@dataclass(frozen=True)
class Gap:
    """Someone below a level they need: for their role (weight = criticality) or for a goal."""

    key: GapKey
    employee_id: str
    skill: str
    level: int
    needed: int
    weight: float = 1.0
    goal_id: str | None = None

    @property
    def is_goal(self) -> bool:
        return self.goal_id is not None


def requirement_gap(employee_id: str, skill: str, level: int, needed: int, weight: float = 1.0) -> Gap:
    """A role requirement not met; keyed by (employee, skill) so two courses closing it count once."""
    return Gap(("req", employee_id, skill), employee_id, skill, level, needed, weight, None)


def goal_gap(goal_id: str, employee_id: str, skill: str, level: int, needed: int) -> Gap:
    """A goal's member below its level; keyed by (goal, employee) so each person counts once per goal."""
    return Gap(("goal", goal_id, employee_id), employee_id, skill, level, needed, 0.0, goal_id)


@dataclass(frozen=True)
class Offer:
    """A course as the planner buys it: what it teaches, its cost if paid, its hours."""

    course_id: str
    vendor: str | None
    cost: float | None  # None: no usable price (no list price and no licence, or no FX rate)
    hours: float
    skills: tuple[tuple[str, int], ...]  # (skill, level) taught
    p: float = 1.0  # the chance an assignment of it ends in the skill (observed_success_rates)

    @cached_property
    def levels(self) -> dict[str, int]:
        """The level it teaches in each of its skills (the highest, where a skill is listed twice)."""
        out: dict[str, int] = {}
        for s, lvl in self.skills:
            out[s] = max(out[s], lvl) if s in out else lvl
        return out

    def level_of(self, skill: str) -> int:
        return self.levels.get(skill, 0)


@dataclass(frozen=True)
class Candidate:
    """One (employee, course) pair the plan may choose, with the gaps it would close."""

    employee_id: str
    course_id: str
    vendor: str | None
    cost: float
    hours: float
    closes: frozenset[GapKey]
    p: float = 1.0  # the chance the assignment ends in the skill: the course's observed success rate


@dataclass
class Instance:
    """Everything the solvers need, nothing from the warehouse."""

    candidates: list[Candidate]
    gaps: dict[GapKey, Gap]
    goal_needed: dict[str, int]
    idle_seats: dict[str, int]
    budget: float
    hours_cap: float | None = None

    def seat_vendor(self, c: Candidate) -> str | None:
        """The vendor whose idle seat could make this assignment free (None: it is free or cannot be)."""
        if c.cost > 0 and c.vendor is not None and self.idle_seats.get(c.vendor, 0) > 0:
            return c.vendor
        return None


@dataclass(frozen=True, order=True)
class PlanValue:
    """A plan's objective, compared lexicographically through ``key``: expected values.

    Each assignment ends in its skill with its course's success rate, so goal progress
    is the expected number of people brought to the goals' levels (up to each target)
    and requirement weight the expected weight of the gaps closed.
    """

    goal_progress: float
    requirement_weight: float
    cost: float
    hours: float

    def key(self) -> tuple:
        """Larger is better: goal progress, then requirement weight, then lower cost, then fewer hours."""
        return (
            round(self.goal_progress, 6),
            round(self.requirement_weight, 6),
            -round(self.cost, 2),
            -round(self.hours, 4),
        )


@dataclass
class Evaluation:
    """A plan evaluated exactly: its value, the cost of each assignment, who holds an idle seat."""

    value: PlanValue
    feasible: bool
    costs: dict[int, float]
    seat_holders: dict[str, set[str]]
    closed: set[GapKey]
    problems: list[str] = field(default_factory=list)
    chance: dict[GapKey, float] = field(default_factory=dict)  # each closed gap's chance of being closed


def evaluate(instance: Instance, chosen: Iterable[int]) -> Evaluation:
    """The exact value and cost of a set of chosen candidates (indices into instance.candidates).

    Idle seats go to the employees who would otherwise pay the most for that vendor's
    courses, which is the cheapest allocation, so the cost is the plan's true minimum.
    """
    picked = sorted(set(chosen))
    cands = [instance.candidates[i] for i in picked]
    problems: list[str] = []
    pairs = [(c.employee_id, c.course_id) for c in cands]
    if len(pairs) != len(set(pairs)):
        problems.append("an employee takes the same course twice")

    spend_by_vendor: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for c in cands:
        v = instance.seat_vendor(c)
        if v is not None:
            spend_by_vendor[v][c.employee_id] += c.cost
    seat_holders: dict[str, set[str]] = {}
    for v, per_person in spend_by_vendor.items():
        ranked = sorted(per_person.items(), key=lambda kv: (-kv[1], kv[0]))
        seat_holders[v] = {e for e, _ in ranked[: instance.idle_seats.get(v, 0)]}
    costs = {}
    for i, c in zip(picked, cands, strict=False):
        v = instance.seat_vendor(c)
        costs[i] = 0.0 if v is not None and c.employee_id in seat_holders.get(v, set()) else c.cost

    missed: dict[GapKey, float] = {}  # the chance that no assignment closing the gap ends in its skill
    for c in cands:
        for key in c.closes:
            missed[key] = missed.get(key, 1.0) * (1.0 - c.p)
    closed = set(missed)
    chance = {key: 1.0 - m for key, m in missed.items()}
    per_goal: dict[str, float] = defaultdict(float)
    req_weight = 0.0
    for key in sorted(closed):
        gap = instance.gaps[key]
        if gap.is_goal:
            per_goal[gap.goal_id] += chance[key]
        else:
            req_weight += gap.weight * chance[key]
    progress = sum(min(n, instance.goal_needed.get(g, 0)) for g, n in per_goal.items())

    hours: dict[str, float] = defaultdict(float)
    for c in cands:
        hours[c.employee_id] += c.hours
    total_cost = sum(costs.values())
    if total_cost > instance.budget + 1e-6:
        problems.append(f"cost {total_cost:.2f} exceeds the budget {instance.budget:.2f}")
    if instance.hours_cap is not None:
        over = [e for e, h in hours.items() if h > instance.hours_cap + 1e-9]
        if over:
            problems.append(f"{len(over)} employee(s) over the hours cap")
    value = PlanValue(progress, req_weight, total_cost, sum(hours.values()))
    return Evaluation(value, not problems, costs, seat_holders, closed, problems, chance)


# ------------------------------------------------------------------ building the instance


def _offers_by_skill(offers: Iterable[Offer], hours_cap: float | None) -> dict[str, list[tuple[Offer, dict[str, int]]]]:
    """The offers that can be in a plan (a usable price, within the hours cap), by skill taught, with their levels."""
    by_skill: dict[str, list[tuple[Offer, dict[str, int]]]] = defaultdict(list)
    for o in offers:
        if o.cost is None or (hours_cap is not None and o.hours > hours_cap + 1e-9):
            continue
        for skill, _ in o.skills:
            by_skill[skill].append((o, o.levels))
    return by_skill


def _person_candidates(employee: str, mine: list[Gap], by_skill) -> list[Candidate]:
    """One employee's candidates (see ``candidates_for``), in the order of their gaps and then of the offers."""
    out: list[Candidate] = []
    seen: set[str] = set()
    for g in mine:
        for o, levels in by_skill.get(g.skill, ()):
            if o.course_id in seen or levels[g.skill] < g.needed:
                continue
            seen.add(o.course_id)
            closes = frozenset(x.key for x in mine if levels.get(x.skill, 0) >= x.needed)
            out.append(Candidate(employee, o.course_id, o.vendor, float(o.cost), float(o.hours), closes, o.p))
    return out


def candidates_for(gaps: Iterable[Gap], offers: Iterable[Offer], hours_cap: float | None = None) -> list[Candidate]:
    """Every (employee, course) pair where the course closes at least one of the employee's gaps.

    Courses without a usable price, and courses longer than the hours cap on their own,
    can never be in a plan and are left out here.
    """
    by_skill = _offers_by_skill(offers, hours_cap)
    gaps_of: dict[str, list[Gap]] = defaultdict(list)
    for g in gaps:
        gaps_of[g.employee_id].append(g)
    out: list[Candidate] = []
    for employee in sorted(gaps_of):
        out.extend(_person_candidates(employee, gaps_of[employee], by_skill))
    return out


def prune_dominated(candidates: list[Candidate], idle_seats: dict[str, int]) -> list[Candidate]:
    """Drop candidates that another candidate of the same employee beats in every respect.

    c' dominates c when it closes every gap c closes, is at least as likely to succeed,
    takes no more hours, costs no more when paid, and can be free whenever c can (c'
    costs nothing, or has c's vendor, or c's vendor has no idle seats). A plan never gives
    one person two courses of which one closes nothing the other does not (see
    ``planner.solve``), so swapping c for c' in any plan keeps it feasible and no worse,
    and the optimum is unchanged; the instance just gets smaller.
    """
    by_employee: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        by_employee[c.employee_id].append(c)
    kept: list[Candidate] = []
    for employee in sorted(by_employee):
        ordered = sorted(by_employee[employee], key=lambda c: (c.cost, c.hours, -len(c.closes), -c.p, c.course_id))
        mine: list[Candidate] = []
        for c in ordered:
            can_be_free = c.vendor is not None and idle_seats.get(c.vendor, 0) > 0 and c.cost > 0
            if not any(
                d.closes >= c.closes
                and d.p >= c.p
                and d.hours <= c.hours
                and d.cost <= c.cost
                and (d.cost == 0 or d.vendor == c.vendor or not can_be_free)
                for d in mine
            ):
                mine.append(c)
        kept.extend(mine)
    return kept


def build_instance(
    gaps: list[Gap],
    offers: list[Offer],
    goal_needed: dict[str, int],
    idle_seats: dict[str, int],
    budget: float,
    hours_cap: float | None = None,
    prune: bool = True,
) -> Instance:
    """The instance the solvers work on: served gaps, candidates (pruned of dominated ones), caps.

    Which courses a person's candidates are, and which of them are pruned, depend only on the
    (skill, needed level, goal) of each of their gaps, in order: people alike in that (in a large
    company, most people share a role's gaps with many others) get a copy of the first one's
    candidates, each closing the gaps at the same places in their own list. The result is
    the same as ``prune_dominated(candidates_for(...))``, in the same order.
    """
    by_skill = _offers_by_skill(offers, hours_cap)
    gaps_of: dict[str, list[Gap]] = defaultdict(list)
    for g in gaps:
        gaps_of[g.employee_id].append(g)
    # (skill, needed, goal) of each gap -> the first person's candidates, each with the places of the gaps it closes
    alike: dict[tuple, list[tuple[Candidate, tuple[int, ...]]]] = {}
    cands: list[Candidate] = []
    for employee in sorted(gaps_of):
        mine = gaps_of[employee]
        shape = tuple((g.skill, g.needed, g.goal_id) for g in mine)
        template = alike.get(shape)
        if template is None:
            own = _person_candidates(employee, mine, by_skill)
            if prune:
                own = prune_dominated(own, idle_seats)
            place = {g.key: i for i, g in enumerate(mine)}
            alike[shape] = [(c, tuple(sorted(place[k] for k in c.closes))) for c in own]
            cands.extend(own)
            continue
        for c, places in template:
            closes = frozenset([mine[i].key for i in places])
            cands.append(Candidate(employee, c.course_id, c.vendor, c.cost, c.hours, closes, c.p))
    return Instance(cands, {g.key: g for g in gaps}, dict(goal_needed), dict(idle_seats), float(budget), hours_cap)


def needed_people(target_share: float, population: int, meeting: int) -> int:
    """How many more people the population needs at the level for its share to reach the target."""
    if not population:
        return 0
    return max(math.ceil(round(target_share * population, 9)) - meeting, 0)


# ------------------------------------------------------------------ from the warehouse

SCOPE = "root := $root, org_unit := $unit"


def _q(con: duckdb.DuckDBPyConnection, sql: str, **params) -> pl.DataFrame:
    """Run bound SQL into a Polars frame (parameters are never formatted into the text)."""
    return con.sql(sql, params=params).pl()


def reporting_currency(con: duckdb.DuckDBPyConnection) -> str:
    """The currency every cost and budget is converted to (the settings table says which)."""
    return con.sql("select currency from reporting_currency").fetchall()[0][0]


def open_goals(con: duckdb.DuckDBPyConnection, as_of: date) -> pl.DataFrame:
    """Goals whose deadline has not passed: the ones a plan can still serve."""
    return _q(
        con,
        "select goal_id, name, skill, min_level, target_share, deadline from goals "
        "where deadline >= $as_of order by deadline, goal_id",
        as_of=as_of,
    )


def required_skills(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Skills some role requires: the requirement side of what a plan can serve."""
    return [r[0] for r in con.sql("select distinct skill from requirements order by skill").fetchall()]


def default_window_end(con: duckdb.DuckDBPyConnection, as_of: date, goal_ids: list[str] | None = None) -> date:
    """The nearest deadline after the date among the served goals; 90 days on when there is none."""
    goals = open_goals(con, as_of).filter(pl.col("deadline") > as_of)
    if goal_ids is not None:
        goals = goals.filter(pl.col("goal_id").is_in(goal_ids))
    return goals["deadline"].min() if goals.height else as_of + timedelta(days=90)


def remaining_budget(con: duckdb.DuckDBPyConnection, as_of: date, unit: str | None) -> float | None:
    """What is left of the unit's (else the company's) budget for the period containing the date."""
    rows = con.sql(
        """
        select unit, budget - actual from budget_utilisation($as_of)
        where unit = coalesce($unit, 'company') or unit = 'company'
        order by unit = 'company'
    """,
        params={"as_of": as_of, "unit": unit},
    ).fetchall()
    return max(float(rows[0][1]), 0.0) if rows and rows[0][1] is not None else None


#: The gaps of a scope (see ``load_gaps``), as common table expressions: ``gaps`` holds the rows and
#: ``status`` every (employee, required skill) pair of the scope, read once (materialized: the totals of
#: ``load_gaps_and_totals`` read it too; one person's gaps let the person's filter reach into it instead).
_GAP_CTES = f"""
        people as (
            select employee_id, full_name, email, role, team, department
            from active_employees($as_of, {SCOPE})
            where (leave_date is null or leave_date >= $window_end)
              and ($employee_id is null or employee_id = $employee_id)
        ),
        members as (
            select * from goal_population($as_of, {SCOPE})
            where employee_id in (select employee_id from people)
        ),
        levels as (  -- employee_skill_levels' rows for the goals' members and skills only, as goal_share reads them
            select m.goal_id, m.employee_id, s.level
            from members as m
            inner join skill_level_spans as s
              on m.employee_id = s.employee_id
             and m.skill = s.skill
             and cast($as_of as date) >= s.valid_from
             and (s.valid_until is null or cast($as_of as date) < s.valid_until)
        ),
        status as materialized (
            select * from requirement_status($as_of, {SCOPE})
        ),
        requirement_gaps as (
            select r.employee_id, r.skill, r.level, r.required_level as needed, r.weight,
                   cast(null as varchar) as goal_id
            from status as r
            where not r.met and r.employee_id in (select employee_id from people)
        ),
        goal_gaps as (
            select m.employee_id, m.skill, coalesce(l.level, 0) as level, m.min_level as needed,
                   0.0 as weight, m.goal_id
            from members as m
            left join levels as l on l.goal_id = m.goal_id and l.employee_id = m.employee_id
            where m.deadline >= $as_of and coalesce(l.level, 0) < m.min_level
        ),
        gaps as (
            select x.*, p.full_name, p.email, p.role, p.team
            from (select * from requirement_gaps union all select * from goal_gaps) as x
            join people as p on p.employee_id = x.employee_id
        )"""

#: The columns of load_gaps and of load_requirement_totals.
GAP_SCHEMA = {
    "employee_id": pl.Utf8,
    "skill": pl.Utf8,
    "level": pl.Int32,
    "needed": pl.Int32,
    "weight": pl.Float64,
    "goal_id": pl.Utf8,
    "full_name": pl.Utf8,
    "email": pl.Utf8,
    "role": pl.Utf8,
    "team": pl.Utf8,
}
TOTALS_SCHEMA = {
    "skill": pl.Utf8,
    "pairs": pl.Int64,
    "met_pairs": pl.Int64,
    "weight_total": pl.Float64,
    "weight_met": pl.Float64,
}


def load_gaps(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    window_end: date,
    root: str | None,
    unit: str | None,
    employee_id: str | None = None,
) -> pl.DataFrame:
    """Every gap in the scope today: role requirements not met and open goals' members below the level.

    People who leave before the window ends are left out: training them pays nothing
    back. employee_id narrows it to one person (their learning path).
    """
    return _q(
        con,
        f"""
        with {_GAP_CTES.replace("status as materialized (", "status as (")}
        select * from gaps order by employee_id, goal_id nulls first, skill
    """,
        as_of=as_of,
        window_end=window_end,
        root=root,
        unit=unit,
        employee_id=employee_id,
    )


def load_gaps_and_totals(
    con: duckdb.DuckDBPyConnection, as_of: date, window_end: date, root: str | None, unit: str | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``load_gaps`` and ``load_requirement_totals`` in one query: the requirement status of the scope read once.

    The totals' rows come after the gaps' (kind 'total'), and each frame gets its own columns.
    """
    frame = _q(
        con,
        f"""
        with {_GAP_CTES},
        totals as (
            select skill, count(*) as pairs, count(*) filter (where met) as met_pairs,
                   sum(weight) as weight_total, coalesce(sum(weight) filter (where met), 0) as weight_met
            from status
            group by skill
        ),
        final as (
            select 'gap' as kind, employee_id, skill, level, needed, weight, goal_id, full_name, email, role, team,
                   cast(null as bigint) as pairs, cast(null as bigint) as met_pairs,
                   cast(null as double) as weight_total, cast(null as double) as weight_met
            from gaps
            union all
            select 'total' as kind, null, skill, null, null, null, null, null, null, null, null,
                   pairs, met_pairs, weight_total, weight_met
            from totals
        )
        select * from final order by kind, employee_id, goal_id nulls first, skill
    """,
        as_of=as_of,
        window_end=window_end,
        root=root,
        unit=unit,
        employee_id=None,
    )
    gaps = frame.filter(pl.col("kind") == "gap").select(list(GAP_SCHEMA)).cast(GAP_SCHEMA)
    totals = frame.filter(pl.col("kind") == "total").select(list(TOTALS_SCHEMA)).cast(TOTALS_SCHEMA)
    return gaps, totals


#: Each course and skill with its cost (see ``load_offers``), as common table expressions: ``offers``
#: holds the rows and ``seats`` each vendor's idle seats and seat price on the date.
_OFFER_CTES = """
        rc as (
            select currency from reporting_currency
        ),
        seats as (
            select vendor, idle_seats, cost / nullif(seats, 0) as seat_price from licence_utilisation($as_of)
        ),
        priced as (
            select
                c.course_id, c.title, c.provider, coalesce(c.hours, 0) as hours, c.validity_months,
                in_reporting_currency(c.price, coalesce(c.currency, (select currency from rc)), $as_of)
                    as list_price
            from courses as c
        ),
        offers as (
            select
                p.course_id, p.title, p.provider as vendor, p.hours,
                coalesce(p.list_price, s.seat_price) as cost,
                case when p.list_price is not null then 'list price'
                     when s.seat_price is not null then 'licence seat price' end as cost_basis,
                coalesce(s.idle_seats, 0) as vendor_idle_seats,
                cs.skill, cs.level,
                p.validity_months is null
                    or cast(cast($as_of as date) + interval 1 month * p.validity_months as date) > cast($window_end as date)
                    as lasts_window
            from priced as p
            join course_skills as cs on cs.course_id = p.course_id
            left join seats as s on s.vendor = p.provider
        )"""

OFFER_SCHEMA = {
    "course_id": pl.Utf8,
    "title": pl.Utf8,
    "vendor": pl.Utf8,
    "hours": pl.Float64,
    "cost": pl.Float64,
    "cost_basis": pl.Utf8,
    "vendor_idle_seats": pl.Int64,
    "skill": pl.Utf8,
    "level": pl.Int32,
    "lasts_window": pl.Boolean,
}


def load_offers(con: duckdb.DuckDBPyConnection, as_of: date, window_end: date) -> pl.DataFrame:
    """Each course and skill it teaches, with what the course costs in the reporting currency.

    The cost is the list price at the FX rate of the as-of month (the latest earlier
    month's rate when that month has none); a course without a list price costs its
    vendor's licence price per seat when a licence runs on the date; otherwise there is
    no usable cost. A course whose credential would lapse before the window ends
    (validity_months) teaches nothing the plan can count on.
    """
    return _q(
        con,
        f"""
        with {_OFFER_CTES}
        select * from offers order by course_id, skill
    """,
        as_of=as_of,
        window_end=window_end,
    )


def load_offers_and_seats(
    con: duckdb.DuckDBPyConnection, as_of: date, window_end: date
) -> tuple[pl.DataFrame, dict[str, int]]:
    """``load_offers`` and ``load_idle_seats`` in one query: the licences of the date read once."""
    frame = _q(
        con,
        f"""
        with {_OFFER_CTES.replace("seats as (", "seats as materialized (", 1)},
        final as (
            select 'offer' as kind, * from offers
            union all  -- column by column (Spark has no "by name"): a seat row fills vendor and its idle seats
            select 'seat', null, null, vendor, null, null, null, idle_seats, null, null, null from seats
        )
        select * from final order by kind, course_id, skill, vendor
    """,
        as_of=as_of,
        window_end=window_end,
    )
    offers = frame.filter(pl.col("kind") == "offer").select(list(OFFER_SCHEMA)).cast(OFFER_SCHEMA)
    seats = frame.filter(pl.col("kind") == "seat")
    idle = {v: int(n) for v, n in zip(seats["vendor"], seats["vendor_idle_seats"], strict=True) if n}
    return offers, idle


#: Attempts a course (else its provider) needs before its own success rate is used.
MIN_ATTEMPTS = 20


def load_success_rates(con: duckdb.DuckDBPyConnection, as_of: date, min_attempts: int = MIN_ATTEMPTS) -> pl.DataFrame:
    """Each catalog course's chance that an assignment of it ends in its skill, from the learning records.

    An attempt is an (employee, course) pair with a learning record dated on or before
    the date, or without a date (LMS exports often give an open enrolment none; leaving
    those out would count only the enrolments that finished). It
    *finished* when one of its records is a completion, a pass or a fail, and *succeeded*
    when one is a completion or a pass. Completion rate = finished / attempts, pass rate
    = succeeded / finished, success rate = succeeded / attempts (their product). A course
    with at least `min_attempts` attempts gets its own rates; else its provider's, over
    all the provider's courses, when those have as many; else the rates of all attempts
    in the warehouse. With no attempt at all the rates are 100% (the best case), and the
    basis says so.
    """
    return _q(
        con,
        """
        with records as (
            select employee_id, course_id, status from completions
            where completed_at is null or cast(completed_at as date) <= cast($as_of as date)
        ),
        attempts as (
            select
                employee_id, course_id,
                bool_or(status in ('completed', 'passed', 'failed')) as finished,
                bool_or(status in ('completed', 'passed')) as succeeded
            from records
            group by employee_id, course_id
        ),
        per_course as (
            select c.course_id, c.title, c.provider,
                   count(a.course_id) as attempts,
                   count(*) filter (where a.finished) as finished,
                   count(*) filter (where a.succeeded) as succeeded
            from courses as c
            left join attempts as a on a.course_id = c.course_id
            group by c.course_id, c.title, c.provider
        ),
        per_provider as (
            select provider, sum(attempts) as attempts, sum(finished) as finished, sum(succeeded) as succeeded
            from per_course
            group by provider
        ),
        overall as (
            select sum(attempts) as attempts, sum(finished) as finished, sum(succeeded) as succeeded
            from per_course
        ),
        chosen as (
            select
                c.course_id, c.title, c.provider, c.attempts as course_attempts,
                case
                    when c.attempts >= $min_attempts then 'course'
                    when p.attempts >= $min_attempts then 'provider'
                    when o.attempts > 0 then 'all courses'
                    else 'no records'
                end as basis,
                case
                    when c.attempts >= $min_attempts then [c.attempts, c.finished, c.succeeded]
                    when p.attempts >= $min_attempts then [p.attempts, p.finished, p.succeeded]
                    else [o.attempts, o.finished, o.succeeded]
                end as counts
            from per_course as c
            left join per_provider as p on p.provider is not distinct from c.provider
            cross join overall as o
        ),
        final as (
            select
                course_id, title, provider, course_attempts, basis,
                counts[1] as attempts, counts[2] as finished, counts[3] as succeeded,
                case when counts[1] > 0 then counts[2] / counts[1] else 1.0 end as completion_rate,
                case when counts[2] > 0 then counts[3] / counts[2] else 1.0 end as pass_rate,
                case when counts[1] > 0 then counts[3] / counts[1] else 1.0 end as success_rate
            from chosen
        )
        select * from final order by course_id
    """,
        as_of=as_of,
        min_attempts=min_attempts,
    )


def load_idle_seats(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[str, int]:
    """Seats bought and unused on the date, per vendor: the assignments that cost nothing."""
    rows = con.sql("select vendor, idle_seats from licence_utilisation($as_of)", params={"as_of": as_of}).fetchall()
    return {v: int(n) for v, n in rows if n}


def load_goal_shares(con: duckdb.DuckDBPyConnection, as_of: date, root: str | None, unit: str | None) -> pl.DataFrame:
    """Each open goal's population, people at the level and share in the scope today."""
    return _q(
        con,
        f"""
        select g.goal_id, g.name, g.skill, g.min_level, g.target_share, g.deadline,
               s.population, s.meeting, s.share
        from goals as g
        join goal_share($as_of, {SCOPE}) as s on s.goal_id = g.goal_id
        where g.deadline >= $as_of
        order by g.deadline, g.goal_id
    """,
        as_of=as_of,
        root=root,
        unit=unit,
    )


def load_goal_populations(
    con: duckdb.DuckDBPyConnection, as_of: date, root: str | None, unit: str | None
) -> pl.DataFrame:
    """Each open goal's population in the scope today (goal_population, the one definition goal_share
    counts too): goal_id and population, for the goals with anyone in it."""
    return _q(
        con,
        f"""
        select goal_id, count(*) as population
        from goal_population($as_of, {SCOPE})
        where deadline >= $as_of
        group by goal_id
        order by goal_id
    """,
        as_of=as_of,
        root=root,
        unit=unit,
    )


def load_requirement_totals(
    con: duckdb.DuckDBPyConnection, as_of: date, root: str | None, unit: str | None
) -> pl.DataFrame:
    """Per required skill in the scope: pairs, pairs met, weights (the basis of coverage and readiness)."""
    return _q(
        con,
        f"""
        select skill, count(*) as pairs, count(*) filter (where met) as met_pairs,
               sum(weight) as weight_total, coalesce(sum(weight) filter (where met), 0) as weight_met
        from requirement_status($as_of, {SCOPE})
        group by skill order by skill
    """,
        as_of=as_of,
        root=root,
        unit=unit,
    )


def gaps_from_frame(frame: pl.DataFrame) -> list[Gap]:
    """Gap objects from load_gaps rows."""
    out = []
    for r in frame.iter_rows(named=True):
        if r["goal_id"] is None:
            out.append(
                requirement_gap(r["employee_id"], r["skill"], int(r["level"]), int(r["needed"]), float(r["weight"]))
            )
        else:
            out.append(goal_gap(r["goal_id"], r["employee_id"], r["skill"], int(r["level"]), int(r["needed"])))
    return out


def offers_from_frame(frame: pl.DataFrame, success: dict[str, float] | None = None) -> list[Offer]:
    """Offer objects from load_offers rows (skills whose credential lapses inside the window dropped).

    `success` gives each course's success rate (load_success_rates); a course it does
    not name, or no `success` at all, is taken to succeed every time.
    """
    success = success or {}
    usable = frame.filter(pl.col("lasts_window"))
    out = []
    for _key, part in usable.group_by("course_id", maintain_order=True):
        first = part.row(0, named=True)
        skills = tuple(zip(part["skill"].to_list(), [int(v) for v in part["level"].to_list()], strict=False))
        cost = None if first["cost"] is None else round(float(first["cost"]), 2)  # money is in cents
        p = float(success.get(first["course_id"], 1.0))
        out.append(Offer(first["course_id"], first["vendor"], cost, float(first["hours"]), skills, p))
    return out


# ------------------------------------------------------------------ one person's learning path

PATH_OPTIONS = 3


def _ranked_offers(offers: pl.DataFrame) -> pl.DataFrame:
    """Courses as one person would get them: free with an idle seat of the vendor, else at their cost."""
    return offers.filter(pl.col("cost").is_not_null()).with_columns(
        pl.when(pl.col("cost") == 0)
        .then(pl.lit("free course"))
        .when(pl.col("vendor_idle_seats") > 0)
        .then(pl.lit("idle licence seat"))
        .otherwise(pl.col("cost_basis"))
        .alias("paid_with"),
        pl.when(pl.col("vendor_idle_seats") > 0).then(0.0).otherwise(pl.col("cost")).alias("cost_to_you"),
    )


#: How courses for one person are ranked: cheapest to them first, then shortest (ties by course id).
CHEAPEST_FIRST = ("cost_to_you", "hours", "course_id")


def courses_for(con: duckdb.DuckDBPyConnection, as_of: date, skill: str, level: int) -> pl.DataFrame:
    """The catalog's courses that bring `skill` to `level` or above, cheapest then shortest first, as
    one person would get them (learning_path's ranking): course_id, title, provider, hours, level,
    cost (in the reporting currency; 0 with an idle licence seat) and what pays for it."""
    offers = _ranked_offers(load_offers(con, as_of, as_of))
    return (
        offers.filter((pl.col("skill") == skill) & (pl.col("level") >= level))
        .sort(*CHEAPEST_FIRST, nulls_last=True)
        .select(
            "course_id",
            "title",
            pl.col("vendor").alias("provider"),
            "hours",
            "level",
            pl.col("cost_to_you").alias("cost"),
            "paid_with",
        )
    )


def learning_path(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    employee_id: str,
    root: str | None = None,
    options: int = PATH_OPTIONS,
    offers: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """For each of a person's gaps, the next courses that close it.

    Gaps are the role's requirements not met and the open goals not yet achieved that
    the person counts in and is below. Cheapest first (an idle licence seat of the
    vendor makes a course free), then shortest. A gap no course in the catalog closes
    gets one row without a course.
    """
    short = con.sql(
        "select g.goal_id from goals as g join goal_share($as_of) as s on s.goal_id = g.goal_id "
        "where s.share < g.target_share",
        params={"as_of": as_of},
    ).fetchall()
    gaps = load_gaps(con, as_of, as_of, root, None, employee_id).filter(
        pl.col("goal_id").is_null() | pl.col("goal_id").is_in([g for (g,) in short])
    )
    offers = _ranked_offers(load_offers(con, as_of, as_of)) if offers is None else offers
    if gaps.is_empty():
        return pl.DataFrame(
            schema={
                "skill": pl.Utf8,
                "level": pl.Int64,
                "needed": pl.Int64,
                "for": pl.Utf8,
                "option": pl.Int64,
                "course_id": pl.Utf8,
                "title": pl.Utf8,
                "provider": pl.Utf8,
                "hours": pl.Float64,
                "cost": pl.Float64,
                "paid_with": pl.Utf8,
            }
        )
    needs = (
        gaps.with_columns(
            pl.when(pl.col("goal_id").is_null())
            .then(pl.lit("role requirement"))
            .otherwise(pl.format("goal {}", pl.col("goal_id")))
            .alias("for"),
            pl.col("level").cast(pl.Int64),
            pl.col("needed").cast(pl.Int64),
        )
        .group_by("skill", "level", "needed", maintain_order=True)
        .agg(pl.col("for").str.join(", "))
    )
    matches = needs.join(offers, on="skill", how="left").filter(
        pl.col("level_right").is_null() | (pl.col("level_right") >= pl.col("needed"))
    )
    ranked = matches.sort("skill", "needed", *CHEAPEST_FIRST, nulls_last=True).with_columns(
        pl.int_range(1, pl.len() + 1).over("skill", "needed").alias("option")
    )
    closed = ranked.filter(pl.col("course_id").is_not_null() & (pl.col("option") <= options))
    open_ = needs.join(closed.select("skill", "needed").unique(), on=["skill", "needed"], how="anti")
    out = pl.concat(
        [
            closed.select(
                "skill",
                "level",
                "needed",
                "for",
                pl.col("option").cast(pl.Int64),
                "course_id",
                "title",
                pl.col("vendor").alias("provider"),
                "hours",
                pl.col("cost_to_you").alias("cost"),
                "paid_with",
            ),
            open_.select(
                "skill",
                "level",
                "needed",
                "for",
                pl.lit(None, pl.Int64).alias("option"),
                pl.lit(None, pl.Utf8).alias("course_id"),
                pl.format("no course in the catalog brings {} to level {}", pl.col("skill"), pl.col("needed")).alias(
                    "title"
                ),
                pl.lit(None, pl.Utf8).alias("provider"),
                pl.lit(None, pl.Float64).alias("hours"),
                pl.lit(None, pl.Float64).alias("cost"),
                pl.lit(None, pl.Utf8).alias("paid_with"),
            ),
        ]
    )
    return out.sort("skill", "needed", "option", nulls_last=True)


def recertifications(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    employee_id: str,
    root: str | None = None,
    days: int = 90,
    offers: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """A person's credentials that lapse within `days`, each with the cheapest, then shortest, course renewing it.

    The course that gave the credential comes first when it is still in the catalog
    at the same cost; any course teaching the skill at the credential's level renews it.
    """
    lapsing = con.sql(
        """
        select course_id as held_course, title as held_title, skill, level, valid_until, days_left
        from expiring_credentials($as_of, days := $days, root := $root)
        where employee_id = $employee_id
        order by valid_until, skill
    """,
        params={"as_of": as_of, "days": days, "root": root, "employee_id": employee_id},
    ).pl()
    schema = {
        "skill": pl.Utf8,
        "level": pl.Int64,
        "valid_until": pl.Date,
        "days_left": pl.Int64,
        "held_title": pl.Utf8,
        "course_id": pl.Utf8,
        "title": pl.Utf8,
        "provider": pl.Utf8,
        "hours": pl.Float64,
        "cost": pl.Float64,
        "paid_with": pl.Utf8,
    }
    if lapsing.is_empty():
        return pl.DataFrame(schema=schema)
    offers = _ranked_offers(load_offers(con, as_of, as_of)) if offers is None else offers
    options = (
        lapsing.join(offers, on="skill", how="left")
        .filter(pl.col("level_right").is_null() | (pl.col("level_right") >= pl.col("level")))
        .with_columns((pl.col("course_id") != pl.col("held_course")).fill_null(True).alias("other_course"))
    )
    best = options.sort(
        "valid_until", "skill", "cost_to_you", "other_course", "hours", "course_id", nulls_last=True
    ).unique(["skill", "level", "valid_until", "held_course"], keep="first", maintain_order=True)
    return best.select(
        "skill",
        pl.col("level").cast(pl.Int64),
        "valid_until",
        pl.col("days_left").cast(pl.Int64),
        "held_title",
        "course_id",
        "title",
        pl.col("vendor").alias("provider"),
        "hours",
        pl.col("cost_to_you").alias("cost"),
        "paid_with",
    ).cast(schema)


def person_learning_path(
    con: duckdb.DuckDBPyConnection, as_of: date, employee_id: str, root: str | None = None, days: int = 90
) -> pl.DataFrame:
    """One person's path in one frame: kind 'gap' rows (learning_path) then 'recertification' rows.

    A recertification row's `needed` is the level to keep and `due` the day it lapses.
    """
    offers = _ranked_offers(load_offers(con, as_of, as_of))  # the date's courses and seats, read once for both
    gaps = learning_path(con, as_of, employee_id, root, offers=offers).select(
        pl.lit("gap").alias("kind"),
        "skill",
        "level",
        "needed",
        "for",
        pl.lit(None, pl.Date).alias("due"),
        "option",
        "course_id",
        "title",
        "provider",
        "hours",
        "cost",
        "paid_with",
    )
    renewals = recertifications(con, as_of, employee_id, root, days, offers=offers).select(
        pl.lit("recertification").alias("kind"),
        "skill",
        "level",
        pl.col("level").alias("needed"),
        pl.format("renew {}", pl.col("held_title").fill_null("the credential")).alias("for"),
        pl.col("valid_until").alias("due"),
        pl.lit(1, pl.Int64).alias("option"),
        "course_id",
        "title",
        "provider",
        "hours",
        "cost",
        "paid_with",
    )
    return pl.concat([gaps, renewals])
