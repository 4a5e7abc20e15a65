"""No arithmetic gives back what the executives' small-group rule hides.

An executive can run each page query for the whole company, each department and each team
(the Org unit filter), on any date. Wherever a total and its parts are both on screen (a
department and its teams, the company and its departments, a year's spend and its months or
its vendors), a hidden part must not come back as the total minus the shown parts.

The checker (``leaks``) runs every executive-visible query through the executive rule for every
unit and a range of dates, pools what is shown, then derives all it can: a cell follows when
every other term of a sum (parent = its children; a year to date = its months = its vendors and
categories; a vendor = its categories) is known, repeatedly, so chains of subtractions count too.
A cell the rule hid that comes back this way is a leak.

The small organisation of these tests is the tiny one (tests/conftest.py) with a team Core of
six engineers added to Engineering (tests/fixtures/privacy/roster-core.csv). On 30 Jun 2025:
Platform 3 people (Alice, Bob, Dan), Core 6, Engineering 9; Insights 1 (Eve), Data 1; the
company 10. Goal G1 (Engineering's engineers at Cloud 3) counts Bob, Dan and Core: Platform 2,
Core 6, Engineering 8.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl
import pytest

import queries
import warehouse
from etl.load import load_paths
from queries import suppression as hide
from queries.registry import ROLES, Audience

from .conftest import TINY, TINY_RECORDS

PRIVACY = Path(__file__).parent / "fixtures" / "privacy"
COMPANY = ("company", "company")


# ------------------------------------------------------------------ the checker


@dataclass
class Seen:
    """What an executive saw: each cell's value where any view showed it (None: hidden in every view)
    and its true value."""

    shown: dict = field(default_factory=dict)
    truth: dict = field(default_factory=dict)
    sums: list = field(default_factory=list)  # (total cell, [part cells]) besides the org tree's

    def add(self, cell: tuple, shown, true) -> None:
        if true is None:
            return
        self.truth[cell] = float(true)
        if shown is not None:
            self.shown[cell] = float(shown)
        else:
            self.shown.setdefault(cell, None)


class Org:
    """The org tree: the company, its departments (teams' departments), their teams."""

    def __init__(self, con):
        self.team_dept = dict(con.execute("select team, department from teams where department is not null").fetchall())
        self.departments = sorted(set(self.team_dept.values()))
        self.teams = sorted(self.team_dept)

    def node(self, unit: str | None) -> tuple:
        if unit is None or unit == "company":
            return COMPANY
        return ("department", unit) if unit in self.departments else ("team", unit)

    def units(self) -> list[str | None]:
        return [None, *self.departments, *self.teams]

    def children(self) -> dict:
        out = {COMPANY: [("department", d) for d in self.departments]}
        for d in self.departments:
            out[("department", d)] = [("team", t) for t, dd in sorted(self.team_dept.items()) if dd == d]
        return out


def observe(seen: Seen, con, name: str, kwargs: dict, keys: list[str], measures: dict, key_of, node_of, implied=()):
    """Run one query as L&D (the truth) and as an executive (what is shown); pool each measure's cells.

    `implied`: columns the rule drops whose value the row's presence gives away (concentration risk
    lists only cells held by exactly one person)."""
    q = queries.get(name)
    raw = q.function(con, **kwargs)
    shown = {tuple(r[k] for k in keys): r for r in q.for_executive(raw.clone()).iter_rows(named=True)}
    for r in raw.iter_rows(named=True):
        s = shown.get(tuple(r[k] for k in keys))
        visible = s is not None and not s.get("suppressed")
        for col, measure in measures.items():
            seen.add((measure, key_of(r), node_of(r)), s[col] if s is not None and col not in implied else None, r[col])
            if col in implied and visible:
                seen.shown[(measure, key_of(r), node_of(r))] = float(r[col])


#: Executive-visible queries the checker does not run, and why.
NOT_BY_UNIT = {
    "meta": "whole-company facts (sizes of the warehouse, the currency)",
    "org_units": "the unit filter's choices: teams of 5 or more now, no sum shown with them",
    "skill_categories": "a reference list",
    "open_goals": "a reference list",
    "required_skills": "a reference list",
    "planner_defaults": "the planner's inputs (L&D's page)",
    "coverage_order": "names only for executives (its gap is blanked)",
    "goal_trajectory": "answered by the data door from goal_trajectories, which is checked",
    "licences": "company-wide per vendor; seats minus idle seats is blanked with the users",
    "unconverted_spend": "lines left out of every sum, in their own currencies",
}
CHECKED = {
    "readiness_at", "readiness_by_unit", "readiness_trend", "active_learners", "expiring_count", "coverage_matrix",
    "concentration_risk", "coverage_trend", "goal_status", "goal_trajectories", "budgets", "monthly_spend",
    "spend_breakdown", "spend_projection", "cost_per_completion", "value_for_money",
}  # fmt: skip


def collect(con, org: Org, dates: list[date], trend_as_of: date, months: int, skills: list[str]) -> Seen:
    """Every executive-visible query, for every unit, on the dates (trends: months up to trend_as_of)."""
    seen = Seen()
    readiness = {c: f"readiness.{c}" for c in ("pairs", "met_pairs", "headcount")}
    coverage = {c: f"coverage.{c}" for c in ("required_headcount", "covered_headcount")}
    goal = {c: f"goal.{c}" for c in ("population", "meeting", "arrivals_180_days", "expiring_before_deadline",
                                     "enrolled_in_progress")}  # fmt: skip
    for unit in org.units():
        here = org.node(unit)

        def at(_r, here=here):
            return here

        def as_of(r):
            return (r["as_of"],)

        for d in dates:
            scope = {"as_of": d, "unit": unit}
            observe(seen, con, "readiness_at", scope, ["as_of"], readiness, as_of, at)
            observe(seen, con, "readiness_by_unit", scope, ["unit_type", "unit"], readiness, lambda r, d=d: (d,),
                    lambda r, here=here: here if here[0] == "team" else (r["unit_type"], r["unit"]))  # fmt: skip
            observe(seen, con, "active_learners", scope, ["as_of"], {"active_learners": "learners"}, as_of, at)
            observe(seen, con, "expiring_count", scope, ["as_of"], {"expiring": "expiring"}, as_of, at)
            for by in ("team", "department"):

                def row(r, here=here, by=by):
                    if by == "team":
                        return ("team", r["team"])
                    return here if here[0] == "team" else ("department", r["team"])

                observe(seen, con, "coverage_matrix", {**scope, "by": by}, ["team", "skill"], coverage,
                        lambda r, d=d: (r["skill"], d), row)  # fmt: skip
            observe(seen, con, "concentration_risk", scope, ["team", "skill"],
                    {"people_needing_it": "coverage.required_headcount",
                     "people_holding_it": "coverage.covered_headcount"},
                    lambda r, d=d: (r["skill"], d), lambda r: ("team", r["team"]), implied=("people_holding_it",))  # fmt: skip
            observe(seen, con, "goal_status", scope, ["goal_id"], goal, lambda r, d=d: (r["goal_id"], d), at)
            spend(seen, con, org, d, unit, here)
        trend = {"as_of": trend_as_of, "unit": unit, "months": months}
        observe(seen, con, "readiness_trend", trend, ["as_of"], {"headcount": "readiness.headcount"}, as_of, at)
        observe(seen, con, "goal_trajectories", trend, ["goal_id", "as_of"],
                {"population": "goal.population", "meeting": "goal.meeting"},
                lambda r: (r["goal_id"], r["as_of"]), at)  # fmt: skip
        if here[0] != "team":  # a team's coverage by month is its row of the matrix, checked on the dates
            for skill in skills:
                observe(seen, con, "coverage_trend", {**trend, "skill": skill}, ["as_of"], coverage,
                        lambda r, skill=skill: (skill, r["as_of"]), at)  # fmt: skip
    return seen


def spend(seen: Seen, con, org: Org, d: date, unit, here) -> None:
    """The Spend page's figures of the year to date, and the sums they make."""

    def at(_r):
        return here

    observe(seen, con, "spend_projection", {"as_of": d, "unit": unit}, [], {"ytd": "spend"}, lambda r: (d, "total"), at)
    observe(seen, con, "monthly_spend", {"as_of": d, "unit": unit}, ["month"], {"spend": "spend"},
            lambda r: (d, "month", r["month"].strftime("%Y-%m")), at)  # fmt: skip
    observe(seen, con, "spend_breakdown", {"as_of": d, "unit": unit}, ["vendor", "category"], {"spend": "spend"},
            lambda r: (d, "breakdown", r["vendor"], r["category"]), at)  # fmt: skip
    year_start = date(d.year, 1, 1)
    observe(seen, con, "budgets", {"as_of": d, "unit": unit}, ["unit", "period_start"], {"actual": "spend"},
            lambda r: (d, "total") if r["period_start"] == year_start else (d, "since", r["period_start"]),
            lambda r: org.node(r["unit"]))  # fmt: skip
    # each row's spend is its unit's year to date (the same cell as spend_projection's); people and levels gained
    # add up along the org tree
    observe(seen, con, "value_for_money", {"as_of": d, "unit": unit}, ["unit_type", "unit"],
            {"spend": "spend", "people": "value.people", "levels_gained": "value.levels_gained"},
            lambda r: (d, "total"), lambda r: (r["unit_type"], r["unit"]))  # fmt: skip
    if here == COMPANY:
        observe(seen, con, "cost_per_completion", {"as_of": d}, ["vendor"], {"spend": "spend"},
                lambda r: (d, "vendor", r["vendor"]), lambda r: COMPANY)  # fmt: skip


def spend_sums(seen: Seen) -> list:
    """A unit's year to date is the sum of its months, and of its vendors and categories; a vendor's
    spend (cost per completion) the sum of its categories."""
    parts = defaultdict(list)
    for measure, key, node in seen.truth:
        if measure != "spend":
            continue
        if key[1] in ("month", "breakdown"):
            parts[(key[0], key[1], node)].append((measure, key, node))
        if key[1] == "breakdown" and node == COMPANY:
            parts[(key[0], ("vendor", key[2]), node)].append((measure, key, node))
    out = []
    for (d, kind, node), cells in parts.items():
        if isinstance(kind, tuple):
            out.append((("spend", (d, "vendor", kind[1]), node), cells))
        else:
            out.append((("spend", (d, "total"), node), cells))
    return out


def recovered(seen: Seen, org: Org) -> list[tuple]:
    """Hidden cells whose true value follows from the shown ones by sums and subtractions."""
    children = org.children()
    nodes = defaultdict(set)
    for measure, key, node in seen.truth:
        nodes[(measure, key)].add(node)
    equations = spend_sums(seen)
    for (measure, key), present in nodes.items():
        for parent, kids in children.items():
            if parent in present:
                equations.append(((measure, key, parent), [(measure, key, k) for k in kids]))
    known = {c: v for c, v in seen.shown.items() if v is not None}
    for _total, parts in equations:
        for p in parts:
            if p not in seen.truth and p[0] == "spend":  # no row: nothing spent (shown as no bar)
                known[p] = 0.0
    changed = True
    while changed:
        changed = False
        for total, parts in equations:
            unknown = [c for c in (total, *parts) if c not in known]
            if len(unknown) != 1:
                continue
            (cell,) = unknown
            others = sum(known[p] for p in parts if p != cell)
            known[cell] = others if cell == total else known[total] - others
            changed = True
    return sorted(
        (c, seen.truth[c])
        for c, v in seen.shown.items()
        if v is None and c in known and abs(known[c] - seen.truth[c]) < 1e-6
    )


def leaks(con, dates: list[date], trend_as_of: date, months: int = 12) -> list[tuple]:
    org = Org(con)
    skills = [s for (s,) in con.execute("select distinct skill from requirements order by 1").fetchall()]
    return recovered(collect(con, org, dates, trend_as_of, months, skills), org)


def test_the_checker_runs_every_executive_query_that_takes_an_org_unit_or_counts_spend():
    executive = {n for n, q in queries.REGISTRY.items() if "exec" in ROLES[q.audience]}
    executive -= {n for n, q in queries.REGISTRY.items() if q.audience is Audience.SIGN_IN}
    assert executive - CHECKED - set(NOT_BY_UNIT) == set()
    assert executive >= CHECKED


def test_the_checker_finds_a_team_given_back_by_subtraction():
    org = Org.__new__(Org)
    org.team_dept = {"Platform": "Engineering", "Core": "Engineering", "Insights": "Data"}
    org.departments, org.teams = ["Data", "Engineering"], ["Core", "Insights", "Platform"]
    seen = Seen()
    for node, true, shown in [
        (COMPANY, 10, 10),
        (("department", "Engineering"), 9, 9),
        (("department", "Data"), 1, None),
        (("team", "Platform"), 3, None),
        (("team", "Core"), 6, 6),
        (("team", "Insights"), 1, None),
    ]:
        seen.add(("readiness.headcount", (date(2025, 6, 30),), node), shown, true)
    # Engineering 9 - Core 6 = Platform 3; company 10 - Engineering 9 = Data 1 = Insights 1
    assert [(c[2], v) for c, v in recovered(seen, org)] == [
        (("department", "Data"), 1.0),
        (("team", "Insights"), 1.0),
        (("team", "Platform"), 3.0),
    ]


# ------------------------------------------------------------------ the rule on a hand-made tree


def test_protect_hides_the_smallest_sibling_and_never_a_lone_child_under_a_shown_parent():
    children = hide.org_children({"Platform": "Engineering", "Core": "Engineering", "Big": "Engineering",
                                  "Insights": "Data", "Solo": "Ops"})  # fmt: skip
    sizes = {
        ("company", "company"): (40, False),
        ("department", "Engineering"): (30, False),
        ("department", "Data"): (3, True),
        ("department", "Ops"): (7, False),
        ("team", "Platform"): (2, True),
        ("team", "Core"): (12, False),
        ("team", "Big"): (16, False),
        ("team", "Insights"): (3, True),
        ("team", "Solo"): (7, False),
    }
    hidden = hide.protect(sizes, list(children.items()))
    # Data (3) is the company's only small child: Ops (7), the smallest other department, goes with it;
    # Ops is then a hidden department with no hidden team: its only team Solo goes too. Platform (2) is
    # Engineering's only small team: Core (12), the smaller of the others, goes with it.
    assert hidden == {
        ("department", "Data"),
        ("team", "Insights"),
        ("department", "Ops"),
        ("team", "Solo"),
        ("team", "Platform"),
        ("team", "Core"),
    }


def _protect_one_equation_at_a_time(cells: dict, equations: list[tuple]) -> set:
    """protect's rule written out plainly (every equation's hidden and shown parts listed on every pass)."""

    def order(c):
        size = cells.get(c, (0.0, False))[0]
        return (size == 0, size, str(c))

    hidden = {c for c, (_, small) in cells.items() if small}
    changed = True
    while changed:
        changed = False
        for total, parts in equations:
            hid = [p for p in parts if p in hidden]
            shown = [p for p in parts if p not in hidden]
            if total not in hidden and len(hid) == 1:
                hidden.add(min(shown, key=order) if shown else total)
                changed = True
            elif total in hidden and not hid and shown:
                hidden.add(min(shown, key=order))
                changed = True
    return hidden


def test_protect_decides_as_the_rule_written_out_on_many_random_trees():
    # protect skips the equations with no hidden part quickly; the cells it hides must be the rule's,
    # in the same order of decisions (chains through hidden totals, parts shared by several sums,
    # a part listed twice, empty sums, cells of size 0 and cells with no entry).
    import random

    rng = random.Random(7)
    for _ in range(300):
        names = [f"c{i}" for i in range(rng.randint(3, 25))]
        cells = {n: (float(rng.choice([0, 0, 1, 2, 3, 5, 8, 13, 40])), rng.random() < 0.2) for n in names[:-2]}
        equations = []
        for _ in range(rng.randint(1, 20)):
            total = rng.choice(names)
            parts = rng.sample(names, rng.randint(0, min(6, len(names))))
            if parts and rng.random() < 0.1:
                parts.append(parts[0])
            equations.append((total, parts))
        assert hide.protect(cells, equations) == _protect_one_equation_at_a_time(cells, equations)


# ------------------------------------------------------------------ the small organisation


def _warehouse(tmp_path: Path, *extra: Path) -> Path:
    path = tmp_path / "privacy.duckdb"
    con = warehouse.connect(path)
    summaries = load_paths(con, [TINY, TINY_RECORDS, *extra])
    con.close()
    assert all(s.status == "loaded" for s in summaries), [s.line() for s in summaries]
    return path


@pytest.fixture
def grown(tmp_path):
    """The tiny organisation with the team Core (6 engineers) in Engineering."""
    con = warehouse.connect(_warehouse(tmp_path, PRIVACY / "roster-core.csv"), read_only=True)
    yield con
    con.close()


def _exec(con, name: str, **kwargs) -> pl.DataFrame:
    q = queries.get(name)
    return q.for_executive(q.function(con, **kwargs))


def test_a_small_team_is_not_its_department_minus_the_other_team(grown):
    day = date(2025, 6, 30)
    g1 = {
        u: _exec(grown, "goal_status", as_of=day, unit=u).row(0, named=True)
        for u in ("Engineering", "Platform", "Core")
    }
    # Engineering 8 = Platform 2 + Core 6: Core goes with Platform, Engineering stays
    assert [g1[u]["population"] for u in ("Engineering", "Platform", "Core")] == [8, None, None]
    headcount = {
        u: _exec(grown, "readiness_at", as_of=day, unit=u)["headcount"][-1] for u in (None, "Engineering", "Core")
    }
    # the company 10 = Engineering 9 + Data 1: Engineering goes with Data; Core (6) alone is not Platform
    assert headcount == {None: 10, "Engineering": None, "Core": 6}
    rows = _exec(grown, "readiness_by_unit", as_of=day)
    assert dict(zip(rows["unit"], rows["headcount"], strict=True)) == {
        "Data": None, "Engineering": None, "Core": 6, "Insights": None, "Platform": None,
    }  # fmt: skip


def test_no_shown_spend_is_one_persons_purchase(grown):
    day = date(2025, 3, 31)
    # the year to date: Moodle course 1,100 (Platform's, January), LinkedIn licences 2,000 (Insights', February),
    # Udemy course 600 (Bob's, March): Bob's purchase and, with it, the smallest other figure of each sum
    breakdown = _exec(grown, "spend_breakdown", as_of=day)
    assert sorted(zip(breakdown["vendor"], breakdown["spend"], strict=True)) == [
        ("LinkedIn Learning", 2000.0), ("Moodle", None), ("Udemy Business", None),
    ]  # fmt: skip
    monthly = _exec(grown, "monthly_spend", as_of=day)
    assert monthly["spend"].to_list() == [None, 2000.0, None]
    assert _exec(grown, "spend_projection", as_of=day)["ytd"].to_list() == [pytest.approx(3700.0)]
    cpc = _exec(grown, "cost_per_completion", as_of=day)
    assert dict(zip(cpc["vendor"], cpc["spend"], strict=True)) == {
        "LinkedIn Learning": 2000.0, "Moodle": None, "Udemy Business": None,
    }  # fmt: skip
    engineering = _exec(grown, "spend_breakdown", as_of=day, unit="Platform")
    assert engineering["spend"].to_list() == [None, None]


def test_small_organisation_nothing_recoverable(grown):
    dates = [date(2025, 2, 28), date(2025, 3, 31), date(2025, 6, 30)]
    assert leaks(grown, dates, date(2025, 6, 30), months=6) == []


# ------------------------------------------------------------------ the demo company


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    con = warehouse.connect(path)
    load_paths(con, [warehouse.SAMPLE_DIR])
    con.close()
    con = warehouse.connect(path, read_only=True)
    yield con
    con.close()


@pytest.mark.slow
def test_demo_company_nothing_recoverable(demo):
    dates = [date(2026, 3, 31), date(2026, 7, 31), date(2026, 11, 27)]
    assert leaks(demo, dates, date(2026, 11, 27), months=12) == []
