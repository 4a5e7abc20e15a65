"""The training planner: the optimiser pinned on small instances worked out by hand, compared with
the greedy baseline on generated instances, and the whole path from the tiny warehouse to a CSV.

Instances are plain data (planner.model), so most tests need no warehouse.
"""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import date
from pathlib import Path

import polars as pl
import pytest

import warehouse
from planner import solve as solve_module
from planner.model import (
    Candidate,
    Instance,
    Offer,
    build_instance,
    candidates_for,
    evaluate,
    goal_gap,
    needed_people,
    prune_dominated,
    requirement_gap,
)
from planner.plan import PlanError, PlanRequest, make_plan
from planner.solve import TooLarge, bundles, greedy, solve

ROOT = Path(__file__).resolve().parent.parent


def plan_of(inst, sol) -> set[tuple[str, str]]:
    return {(inst.candidates[j].employee_id, inst.candidates[j].course_id) for j in sol.chosen}


def cost_of(inst, sol, employee: str, course: str) -> float:
    return next(
        sol.evaluation.costs[j]
        for j in sol.chosen
        if (inst.candidates[j].employee_id, inst.candidates[j].course_id) == (employee, course)
    )


# ------------------------------------------------------------------ hand-worked instances


def three_gaps(budget: float) -> Instance:
    """Ann needs Python 3 (weight 3), Ben SQL 2 (weight 5.5), Cas Cloud 2 (weight 2); the courses
    cost PY 300, SQL 600, CL 300."""
    gaps = [
        requirement_gap("ann", "Python", 1, 3, 3.0),
        requirement_gap("ben", "SQL", 0, 2, 5.5),
        requirement_gap("cas", "Cloud", 1, 2, 2.0),
    ]
    offers = [
        Offer("PY", "V1", 300.0, 5, (("Python", 3),)),
        Offer("SQL", "V1", 600.0, 5, (("SQL", 2),)),
        Offer("CL", "V1", 300.0, 5, (("Cloud", 2),)),
    ]
    return build_instance(gaps, offers, {}, {}, budget=budget)


def test_a_budget_buys_exactly_the_best_gaps_it_can():
    # Three gaps (three_gaps), and the budget is 600. Affordable sets: {PY, CL} weighs 5,
    # {SQL} weighs 5.5 (anything with SQL and another course costs 900). The optimum is SQL
    # alone, which spends the budget exactly. Greedy by weight per cost takes PY first
    # (3/300 = 0.0100 > 5.5/600 = 0.0092), then only CL fits: 5.
    inst = three_gaps(600.0)
    sol = solve(inst)
    assert sol.optimal and sol.method == "exact"
    assert plan_of(inst, sol) == {("ben", "SQL")}
    assert sol.value.requirement_weight == 5.5 and sol.value.cost == 600.0  # exactly the budget
    base = evaluate(inst, greedy(inst)).value
    assert (base.requirement_weight, base.cost) == (5.0, 600.0)  # PY + CL
    assert sol.value.key() > base.key()
    # 100 less and only one 300 course fits: Ann's Python (weight 3) over Cas's Cloud (2).
    inst = three_gaps(500.0)
    assert plan_of(inst, solve(inst)) == {("ann", "PY")}


def test_free_courses_are_always_taken():
    # Budget 0: every gap a free course closes is closed, the paid alternative never bought.
    gaps = [
        requirement_gap("ann", "Python", 0, 2),
        requirement_gap("ben", "Python", 1, 2),
        requirement_gap("ben", "SQL", 0, 2),
    ]
    offers = [
        Offer("PY-FREE", "Moodle", 0.0, 8, (("Python", 2),)),
        Offer("PY-PAID", "V1", 50.0, 2, (("Python", 3),)),
        Offer("SQL-PAID", "V1", 10.0, 2, (("SQL", 2),)),
    ]
    inst = build_instance(gaps, offers, {}, {}, budget=0.0)
    sol = solve(inst)
    assert plan_of(inst, sol) == {("ann", "PY-FREE"), ("ben", "PY-FREE")}
    assert sol.value.cost == 0.0
    # With money the free course is still the one taken for Python (cheaper beats shorter).
    inst = build_instance(gaps, offers, {}, {}, budget=1000.0)
    sol = solve(inst)
    assert plan_of(inst, sol) == {("ann", "PY-FREE"), ("ben", "PY-FREE"), ("ben", "SQL-PAID")}
    assert sol.value.cost == 10.0


def test_idle_licence_seats_are_used_before_paid_ones():
    # Vendor LL has one idle seat; its course costs 100 (the seat price) once the seat is gone.
    # Ann and Ben both need SQL 2: LL's course, or a 80 course elsewhere. Budget 80: one takes
    # the idle seat (free), the other the 80 course - both gaps closed for 80.
    gaps = [requirement_gap("ann", "SQL", 0, 2), requirement_gap("ben", "SQL", 0, 2)]
    offers = [Offer("LL-SQL", "LL", 100.0, 4, (("SQL", 2),)), Offer("W-SQL", "W", 80.0, 4, (("SQL", 2),))]
    inst = build_instance(gaps, offers, {}, {"LL": 1}, budget=80.0)
    sol = solve(inst)
    assert len(sol.chosen) == 2 and sol.value.requirement_weight == 2.0 and sol.value.cost == 80.0
    courses = sorted(c for _, c in plan_of(inst, sol))
    assert courses == ["LL-SQL", "W-SQL"]
    taker = next(e for e, c in plan_of(inst, sol) if c == "LL-SQL")
    assert cost_of(inst, sol, taker, "LL-SQL") == 0.0
    # Two idle seats and no money: both go through the licence, for free.
    inst = build_instance(gaps, offers, {}, {"LL": 2}, budget=0.0)
    sol = solve(inst)
    assert plan_of(inst, sol) == {("ann", "LL-SQL"), ("ben", "LL-SQL")} and sol.value.cost == 0.0
    # One seat and no money: only one gap can be closed, never two seats from one.
    inst = build_instance(gaps, offers, {}, {"LL": 1}, budget=0.0)
    sol = solve(inst)
    assert len(sol.chosen) == 1 and sol.value.cost == 0.0


def test_a_seat_is_a_persons_access_to_all_its_vendors_courses():
    # Ann needs SQL and Python, each from its own LL course (100 each); LL has one idle seat.
    # With no money she takes both through that one seat.
    gaps = [requirement_gap("ann", "SQL", 0, 2), requirement_gap("ann", "Python", 0, 2)]
    offers = [Offer("LL-SQL", "LL", 100.0, 4, (("SQL", 2),)), Offer("LL-PY", "LL", 100.0, 4, (("Python", 2),))]
    inst = build_instance(gaps, offers, {}, {"LL": 1}, budget=0.0)
    sol = solve(inst)
    assert plan_of(inst, sol) == {("ann", "LL-SQL"), ("ann", "LL-PY")} and sol.value.cost == 0.0
    assert sol.evaluation.seat_holders == {"LL": {"ann"}}


def test_no_plan_row_for_someone_without_a_gap():
    # Dee holds everything her role needs: she has no gap, so no candidate and no row, however rich the budget.
    gaps = [requirement_gap("ann", "SQL", 1, 2)]
    offers = [Offer("SQL", "V", 0.0, 1, (("SQL", 3),)), Offer("PY", "V", 0.0, 1, (("Python", 3),))]
    cands = candidates_for(gaps, offers)
    assert {(c.employee_id, c.course_id) for c in cands} == {("ann", "SQL")}
    inst = build_instance(gaps, offers, {}, {}, budget=10_000.0)
    assert plan_of(inst, solve(inst)) == {("ann", "SQL")}


def test_a_course_below_the_needed_level_closes_nothing():
    gaps = [requirement_gap("ann", "SQL", 1, 3)]
    offers = [Offer("SQL2", "V", 0.0, 1, (("SQL", 2),))]
    assert candidates_for(gaps, offers) == []


def test_one_course_closes_several_gaps_and_each_gap_counts_once():
    # Ann needs SQL 2 (w1) and Python 2 (w1): BOTH (150) closes the two at once; SQL and PY cost 100
    # each. Budget 200: BOTH (150) is cheaper than SQL + PY (200) for the same weight 2. Adding SQL
    # too would close SQL a second time: it counts once, so it is not bought.
    gaps = [requirement_gap("ann", "SQL", 0, 2), requirement_gap("ann", "Python", 0, 2)]
    offers = [
        Offer("BOTH", "V", 150.0, 6, (("SQL", 2), ("Python", 3))),
        Offer("SQL", "V", 100.0, 3, (("SQL", 2),)),
        Offer("PY", "V", 100.0, 3, (("Python", 2),)),
    ]
    inst = build_instance(gaps, offers, {}, {}, budget=200.0)
    sol = solve(inst)
    assert plan_of(inst, sol) == {("ann", "BOTH")}
    assert (sol.value.requirement_weight, sol.value.cost) == (2.0, 150.0)
    # Two free courses both closing the same gap: one is enough (the shorter one).
    gaps = [requirement_gap("ann", "SQL", 0, 2)]
    offers = [Offer("LONG", "V", 0.0, 9, (("SQL", 2),)), Offer("SHORT", "V", 0.0, 2, (("SQL", 2),))]
    inst = build_instance(gaps, offers, {}, {}, budget=0.0, prune=False)
    sol = solve(inst)
    assert plan_of(inst, sol) == {("ann", "SHORT")} and sol.value.requirement_weight == 1.0


def test_goal_progress_counts_only_up_to_the_target():
    # The goal needs one more person; Ann and Ben are both below its level. Each course costs 100 and
    # the budget would buy both, but a second person earns no credit: the plan buys one.
    gaps = [goal_gap("G", "ann", "Cloud", 1, 3), goal_gap("G", "ben", "Cloud", 2, 3)]
    offers = [Offer("CL", "V", 100.0, 5, (("Cloud", 3),))]
    inst = build_instance(gaps, offers, {"G": 1}, {}, budget=1000.0)
    sol = solve(inst)
    assert sol.value.goal_progress == 1 and len(sol.chosen) == 1 and sol.value.cost == 100.0
    assert needed_people(0.8, 10, 7) == 1 and needed_people(0.7, 10, 7) == 0 and needed_people(0.75, 4, 0) == 3


def test_goals_come_before_requirements():
    # Budget 100 buys one course: Ann's requirement gap (weight 10) or Ben's step towards a goal.
    gaps = [requirement_gap("ann", "SQL", 0, 2, 10.0), goal_gap("G", "ben", "Cloud", 0, 3)]
    offers = [Offer("SQL", "V", 100.0, 5, (("SQL", 2),)), Offer("CL", "V", 100.0, 5, (("Cloud", 3),))]
    inst = build_instance(gaps, offers, {"G": 1}, {}, budget=100.0)
    assert plan_of(inst, solve(inst)) == {("ben", "CL")}


def test_the_hours_cap_binds_per_person():
    # Ann needs A (weight 2, 30 h) and B (weight 1, 20 h); cap 40 h: only A. Ben's own 20 h fit.
    gaps = [
        requirement_gap("ann", "A", 0, 1, 2.0),
        requirement_gap("ann", "B", 0, 1, 1.0),
        requirement_gap("ben", "B", 0, 1, 1.0),
    ]
    offers = [Offer("CA", "V", 0.0, 30, (("A", 1),)), Offer("CB", "V", 0.0, 20, (("B", 1),))]
    inst = build_instance(gaps, offers, {}, {}, budget=0.0, hours_cap=40.0)
    assert plan_of(inst, solve(inst)) == {("ann", "CA"), ("ben", "CB")}
    # A course longer than the cap on its own is no candidate.
    assert candidates_for(gaps, [Offer("LONG", "V", 0.0, 41, (("A", 1),))], hours_cap=40.0) == []


def test_courses_without_a_usable_price_are_never_planned():
    gaps = [requirement_gap("ann", "SQL", 0, 2)]
    offers = [Offer("SQL", "V", None, 2, (("SQL", 2),))]
    assert candidates_for(gaps, offers) == []


def test_the_fallback_says_so():
    gaps = [requirement_gap(f"p{i}", "SQL", 0, 2) for i in range(3)]
    offers = [Offer("SQL", "V", 10.0, 2, (("SQL", 2),))]
    inst = build_instance(gaps, offers, {}, {}, budget=20.0)
    sol = solve(inst, max_bundles=1)
    assert sol.method == "greedy" and not sol.optimal
    assert "greedy plan, not proven optimal" in sol.message
    assert sol.value.requirement_weight == 2.0 and sol.value.cost == 20.0


def hand_instance(courses, idle=None, cap=40.0) -> Instance:
    """Candidates as (employee, course, vendor, cost, hours, skills closed), each skill a requirement of weight 1."""
    gaps, cands = {}, []
    for employee, course, vendor, cost, hours, skills in courses:
        needs = [requirement_gap(employee, s, 0, 1) for s in skills]
        gaps.update((g.key, g) for g in needs)
        cands.append(Candidate(employee, course, vendor, cost, hours, frozenset(g.key for g in needs)))
    return Instance(cands, gaps, {}, dict(idle or {}), budget=1000.0, hours_cap=cap)


def test_greedy_breaks_ties_by_hours_then_order_and_frees_a_seat_holders_other_courses():
    # One idle LinkedIn seat; every course closes one requirement of weight 1.
    # Free first: Ben's 2-hour course goes before Ann's 4-hour ones, so Ben gets the seat.
    # Ann's courses now cost 100 each; the budget buys the first of the two (same gain per
    # cost, same hours), not the second.
    inst = hand_instance(
        [
            ("ann", "LL-A", "LL", 100.0, 4.0, ["SQL"]),
            ("ann", "LL-B", "LL", 100.0, 4.0, ["Python"]),
            ("ben", "LL-C", "LL", 100.0, 2.0, ["SQL"]),
        ],
        idle={"LL": 1},
    )
    inst.budget = 100.0
    assert [inst.candidates[j].course_id for j in greedy(inst)] == ["LL-A", "LL-C"]
    # Cara's 1-hour course takes the seat; her 8-hour one is then free too and beats
    # Dan's (4 hours, but no seat left for him: it would cost 50, and there is no budget).
    inst = hand_instance(
        [
            ("cara", "LL-D", "LL", 50.0, 1.0, ["SQL"]),
            ("cara", "LL-E", "LL", 50.0, 8.0, ["Python"]),
            ("dan", "LL-F", "LL", 50.0, 4.0, ["SQL"]),
        ],
        idle={"LL": 1},
    )
    inst.budget = 0.0
    assert [inst.candidates[j].course_id for j in greedy(inst)] == ["LL-D", "LL-E"]


def bundle_rows(inst, bs) -> set[tuple]:
    return {
        (b.employee_id, tuple(inst.candidates[j].course_id for j in b.members), tuple(sorted(b.seats)), b.cost, b.hours)
        for b in bs
    }


def test_a_lower_bound_on_the_bundles_decides_the_fallback_before_enumerating(monkeypatch):
    # Ann needs A and B, Ben A; LL has one idle seat for two possible users, so a bundle
    # with an LL course comes with and without the seat. Ann's irredundant sets: A1, A2,
    # B, A1+B, A2+B (A1+A2 closes A twice); with the seat versions 7 bundles, none
    # dominated (A2 at 50 / 4 h is cheaper than A1 without a seat at 100 / 2 h but longer;
    # A2+B 80 / 7 h against A1+B 130 / 5 h alike). Ben: A1 with and without the seat, 2.
    # In all 9.
    # The bound: A1 is the fastest course for A (2 h, A2 takes 4), B the only one for B,
    # and the courses closing A ({A1, A2}) and B ({B}) are apart, so A1, B and A1+B
    # count, those with A1 twice (the seat saves 100): 5; Ben 2. In all 7.
    inst = hand_instance(
        [
            ("ann", "A1", "LL", 100.0, 2.0, ["A"]),
            ("ann", "A2", None, 50.0, 4.0, ["A"]),
            ("ann", "B", None, 30.0, 3.0, ["B"]),
            ("ben", "A1", "LL", 100.0, 2.0, ["A"]),
        ],
        idle={"LL": 1},
    )
    enumerated = []
    subsets = solve_module._Person.subsets
    monkeypatch.setattr(
        solve_module._Person,
        "subsets",
        lambda person, *args: enumerated.append(person.employee_id) or subsets(person, *args),
    )
    with pytest.raises(TooLarge):
        bundles(inst, 6)  # 7 > 6: decided on the bound, nobody's sets enumerated
    assert enumerated == []
    with pytest.raises(TooLarge):
        bundles(inst, 7)  # the bound is not past 7: enumerated, and Ben's bundles make it 9 > 7
    assert enumerated == ["ann", "ben"]
    assert bundle_rows(inst, bundles(inst, 9)) == {
        ("ann", ("A1",), ("LL",), 0.0, 2.0),
        ("ann", ("A1",), (), 100.0, 2.0),
        ("ann", ("A2",), (), 50.0, 4.0),
        ("ann", ("B",), (), 30.0, 3.0),
        ("ann", ("A1", "B"), ("LL",), 30.0, 5.0),
        ("ann", ("A1", "B"), (), 130.0, 5.0),
        ("ann", ("A2", "B"), (), 80.0, 7.0),
        ("ben", ("A1",), ("LL",), 0.0, 2.0),
        ("ben", ("A1",), (), 100.0, 2.0),
    }
    assert solve(inst, max_bundles=6).method == "greedy"
    sol = solve(inst, max_bundles=9)
    assert sol.method == "exact" and sol.stats["bundles"] == 9


def test_the_bound_never_counts_a_bundle_that_could_be_dominated():
    # Bob's P (A) and Q (B), 5 / 1 h each: he keeps P, Q and P+Q, 3, and the bound counts all 3.
    bob = [("bob", "P", None, 5.0, 1.0, ["A"]), ("bob", "Q", None, 5.0, 1.0, ["B"])]
    # Ann: X1 (100, 10 h) and X2 (120, 9 h) close A and B, Y closes A and Z B (10, 2 h each).
    # Y+Z (20, 4 h) dominates both X, so Ann keeps Y, Z and Y+Z: 3, and with Bob 6. The
    # walk takes 5 steps for Ann (X1, X2, Y, Y+Z, Z) and 3 for Bob, within 6 and 6 - 3, so 6
    # is solved exactly. The bound counts Y and Z, not Y+Z (both X close A and B, so the
    # closers of A and of B overlap): 2 + 3 = 5. Counting each course that no other course
    # dominates would say 4 for Ann, 7 > 6 in all.
    inst = hand_instance(
        [
            ("ann", "X1", None, 100.0, 10.0, ["A", "B"]),
            ("ann", "X2", None, 120.0, 9.0, ["A", "B"]),
            ("ann", "Y", None, 10.0, 2.0, ["A"]),
            ("ann", "Z", None, 10.0, 2.0, ["B"]),
        ]
        + bob
    )
    assert bundle_rows(inst, bundles(inst, 6)) == {
        ("ann", ("Y",), (), 10.0, 2.0),
        ("ann", ("Z",), (), 10.0, 2.0),
        ("ann", ("Y", "Z"), (), 20.0, 4.0),
        ("bob", ("P",), (), 5.0, 1.0),
        ("bob", ("Q",), (), 5.0, 1.0),
        ("bob", ("P", "Q"), (), 10.0, 2.0),
    }
    with pytest.raises(TooLarge):
        bundles(inst, 5)  # Bob's 3 steps > 5 - 3
    # Abe's W takes no time: Y+W (10, 2 h) closes more than Y at the same cost and hours, so
    # Abe keeps W and Y+W, 2 (in 3 steps), and with Bob 5. With a course of 0 h the bound
    # counts 1 for Abe, 4 in all; Y, W and Y+W would be 3, 6 > 5 in all.
    inst = hand_instance([("abe", "Y", None, 10.0, 2.0, ["A"]), ("abe", "W", None, 0.0, 0.0, ["B"])] + bob)
    assert bundle_rows(inst, bundles(inst, 5)) == {
        ("abe", ("W",), (), 0.0, 0.0),
        ("abe", ("Y", "W"), (), 10.0, 2.0),
        ("bob", ("P",), (), 5.0, 1.0),
        ("bob", ("Q",), (), 5.0, 1.0),
        ("bob", ("P", "Q"), (), 10.0, 2.0),
    }
    assert solve(inst, max_bundles=5).method == "exact"
    with pytest.raises(TooLarge):
        bundles(inst, 4)
    # Ada's X closes A, B and C (10, 3 h), Y, Z and U one each (10, 2 h): X dominates every
    # pair and the triple of Y, Z, U, so Ada keeps X, Y, Z, U: 4 (in 8 steps: X, Y, Y+Z,
    # Y+Z+U, Y+U, Z, Z+U, U), and with Bob 7, solved exactly within 8. Each of Y, Z, U is
    # the fastest for its gap, but X closes all three: the bound counts them alone, 3 + 3 = 6;
    # counting their unions too would say 7 for Ada, 10 > 8 in all.
    inst = hand_instance(
        [
            ("ada", "X", None, 10.0, 3.0, ["A", "B", "C"]),
            ("ada", "Y", None, 10.0, 2.0, ["A"]),
            ("ada", "Z", None, 10.0, 2.0, ["B"]),
            ("ada", "U", None, 10.0, 2.0, ["C"]),
        ]
        + bob
    )
    assert bundle_rows(inst, bundles(inst, 8)) == {
        ("ada", ("X",), (), 10.0, 3.0),
        ("ada", ("Y",), (), 10.0, 2.0),
        ("ada", ("Z",), (), 10.0, 2.0),
        ("ada", ("U",), (), 10.0, 2.0),
        ("bob", ("P",), (), 5.0, 1.0),
        ("bob", ("Q",), (), 5.0, 1.0),
        ("bob", ("P", "Q"), (), 10.0, 2.0),
    }
    with pytest.raises(TooLarge):
        bundles(inst, 7)  # Ada's 8 steps > 7


# ------------------------------------------------------------------ generated instances


def generated(seed: int, prune: bool = True):
    """A random small organisation: people with gaps, a catalog with free, paid and licensed courses."""
    rng = random.Random(seed)
    skills = [f"S{i}" for i in range(rng.randint(3, 6))]
    people = [f"P{i}" for i in range(rng.randint(4, 14))]
    vendors = ["Free", "Lic1", "Lic2", "Shop"]
    offers = []
    for i in range(rng.randint(4, 10)):
        vendor = rng.choice(vendors)
        taught = rng.sample(skills, rng.randint(1, 2))
        cost = 0.0 if vendor == "Free" and rng.random() < 0.7 else float(rng.randrange(20, 400, 10))
        offers.append(
            Offer(
                f"C{i}",
                vendor,
                cost,
                float(rng.choice([2, 4, 6, 10, 16, 24])),
                tuple((s, rng.randint(1, 5)) for s in taught),
            )
        )
    gaps = []
    goals = {"G1": rng.choice(skills), "G2": rng.choice(skills)}
    for p in people:
        for s in rng.sample(skills, rng.randint(0, 3)):
            level = rng.randint(0, 3)
            gaps.append(requirement_gap(p, s, level, rng.randint(level + 1, 5), float(rng.randint(1, 3))))
        for g, s in goals.items():
            if rng.random() < 0.4:
                gaps.append(goal_gap(g, p, s, 0, rng.randint(1, 4)))
    needed = {g: rng.randint(0, 3) for g in goals}
    idle = {"Lic1": rng.randint(0, 3), "Lic2": rng.randint(0, 2)}
    return build_instance(
        gaps,
        offers,
        needed,
        idle,
        budget=float(rng.randrange(0, 1200, 50)),
        hours_cap=float(rng.choice([8, 16, 30, 40])) if rng.random() < 0.8 else None,
        prune=prune,
    )


@pytest.mark.parametrize("seed", range(40))
def test_never_worse_than_greedy_and_within_the_caps(seed):
    inst = generated(seed)
    sol = solve(inst, time_limit=30)
    base = evaluate(inst, greedy(inst))
    assert sol.optimal, sol.message
    assert sol.evaluation.feasible and base.feasible, (sol.evaluation.problems, base.problems)
    assert sol.value.cost <= inst.budget + 1e-6 and base.value.cost <= inst.budget + 1e-6
    assert sol.value.key() >= base.value.key()
    pairs = [(inst.candidates[j].employee_id, inst.candidates[j].course_id) for j in sol.chosen]
    assert len(pairs) == len(set(pairs))


def test_the_optimiser_beats_greedy_on_some_generated_instances():
    better = 0
    for seed in range(40):
        inst = generated(seed)
        better += solve(inst, time_limit=30).value.key() > evaluate(inst, greedy(inst)).value.key()
    assert better >= 1  # otherwise the comparison above would prove nothing


@pytest.mark.parametrize("seed", range(12))
def test_pruning_dominated_candidates_keeps_the_optimum(seed):
    pruned, full = generated(seed), generated(seed, prune=False)
    assert len(prune_dominated(full.candidates, full.idle_seats)) == len(pruned.candidates) <= len(full.candidates)
    a, b = solve(pruned, time_limit=30), solve(full, time_limit=30)
    assert a.optimal and b.optimal
    assert a.value.key()[:3] == b.value.key()[:3]


def test_evaluate_gives_idle_seats_to_the_most_expensive_users():
    gaps = [requirement_gap("ann", "SQL", 0, 2), requirement_gap("ben", "Python", 0, 2)]
    offers = [Offer("LL-SQL", "LL", 100.0, 4, (("SQL", 2),)), Offer("LL-PY", "LL", 300.0, 4, (("Python", 2),))]
    inst = build_instance(gaps, offers, {}, {"LL": 1}, budget=1000.0)
    ev = evaluate(inst, range(len(inst.candidates)))
    assert ev.value.cost == 100.0 and ev.seat_holders == {"LL": {"ben"}}


# ------------------------------------------------------------------ from the warehouse


def test_plan_on_the_tiny_organisation(tiny):
    # 2025-06-30, budget 600 USD. Gaps: Alice Leadership 0->2 (C-LEAD 300 EUR x 1.20 = 360 USD),
    # Bob Cloud 0->3 (lapsed; C-CLOUD 500 USD; also goal G1, which needs 1 more: ceil(0.8 x 2) - 1),
    # Dan Python 0->2 (C-PY 100 USD). Eve meets her requirement and G2 needs nobody more.
    # Goal first: Bob's Cloud (500), then the most weight for the 100 left: Dan's Python.
    # Every course has fewer than 20 attempts, and so has every provider: each takes the rate of
    # all 6 attempts (E2, E3, E4 Cloud; E2, E4 Python; E5 SQL), 5 of which succeeded: 5/6.
    out = make_plan(tiny, PlanRequest(as_of=date(2025, 6, 30), budget=600.0))
    assert out.solve["optimal"]
    rows = {(r["employee_id"], r["course_id"]): r for r in out.plan.iter_rows(named=True)}
    assert set(rows) == {("E2", "C-CLOUD"), ("E4", "C-PY")}
    assert rows[("E2", "C-CLOUD")]["cost"] == 500.0 and rows[("E4", "C-PY")]["cost"] == 100.0
    assert rows[("E2", "C-CLOUD")]["reason"] == "Cloud 0→3 (role, weight 2; goal G1)"
    s = out.summary
    assert s["cost"] == 600.0
    assert (s["goal_progress"], s["requirement_weight"]) == pytest.approx((5 / 6, 3 * 5 / 6))  # expected
    # readiness: weights met 4 of 8 now (E2 Python 1, E4 Cloud 2, E5 SQL 1); the plan closes E2 Cloud (2)
    # and E4 Python (1), each with chance 5/6: expected (4 + 2.5) / 8; 7 of 8 only if every assignment completed
    assert (s["readiness_now"], s["readiness_after"]) == pytest.approx((0.5, 0.8125))
    assert s["readiness_if_all_complete"] == pytest.approx(0.875)
    assert (s["coverage_now"], s["coverage_after"]) == pytest.approx((3 / 6, (3 + 2 * 5 / 6) / 6))
    assert s["expected_completions"] == pytest.approx(2 * 5 / 6)
    g1 = out.goals.filter(pl.col("goal_id") == "G1").row(0, named=True)
    assert (g1["share_now"], g1["needed"]) == (0.5, 1)
    assert (g1["share_after"], g1["credited"]) == pytest.approx(((1 + 5 / 6) / 2, 5 / 6))
    assert out.rates["success_rate"].to_list() == pytest.approx([5 / 6, 5 / 6])
    assert set(out.rates["basis"]) == {"all courses"}
    assert out.catalog_gaps.is_empty()
    assert out.request.window_end == date(2025, 12, 31)  # the nearest goal deadline
    # Enough money: Alice's Leadership too (360 USD at February's EUR rate); never Eve, never Carol (left).
    out = make_plan(tiny, PlanRequest(as_of=date(2025, 6, 30), budget=10_000.0))
    assert set(out.plan["employee_id"].to_list()) == {"E1", "E2", "E4"}
    assert out.summary["cost"] == pytest.approx(960.0)
    assert out.export().columns[:2] == ["employee_id", "email"] and {"course_id", "skill", "cost"} <= set(
        out.export().columns
    )


def test_plan_scope_and_selection(tiny):
    out = make_plan(tiny, PlanRequest(as_of=date(2025, 6, 30), budget=10_000.0, unit="Insights"))
    assert out.plan.is_empty()  # Eve has no gap
    out = make_plan(
        tiny, PlanRequest(as_of=date(2025, 6, 30), budget=10_000.0, goal_ids=(), requirement_skills=("Python",))
    )
    assert set(zip(out.plan["employee_id"], out.plan["course_id"], strict=False)) == {("E4", "C-PY")}
    # A 5-hour cap: Cloud Foundations (10 h) and Leading Teams (8 h) no longer fit; the page says why.
    out = make_plan(tiny, PlanRequest(as_of=date(2025, 6, 30), budget=10_000.0, hours_cap=5.0))
    assert out.plan.is_empty() or set(out.plan["course_id"]) <= {"C-SQL"}
    reasons = dict(zip(out.catalog_gaps["skill"], out.catalog_gaps["reason"], strict=False))
    assert reasons["Cloud"] == "every course that brings Cloud to level 3 takes longer than the 5 h cap"
    assert reasons["Python"] == "every course that brings Python to level 2 takes longer than the 5 h cap"
    with pytest.raises(PlanError, match="no department or team called 'Nowhere'"):
        make_plan(tiny, PlanRequest(as_of=date(2025, 6, 30), budget=1.0, unit="Nowhere"))
    with pytest.raises(PlanError, match="budget must be zero or more"):
        make_plan(tiny, PlanRequest(as_of=date(2025, 6, 30), budget=-1.0))


def test_idle_seats_and_catalog_gaps_from_the_warehouse(tiny_db):
    con = warehouse.connect(tiny_db)
    # SQL for Analysts now costs 400 USD; engineers need SQL 2. LinkedIn Learning (its provider) has
    # 2 seats and nobody active on 2025-06-30: both engineers (Bob, Dan) take it for free.
    con.execute("update courses set price = 400 where course_id = 'C-SQL'")
    con.execute("insert into requirements values ('Engineer', 'SQL', 2, 1), ('Analyst', 'Negotiation', 3, 1)")
    con.execute("insert into skills values ('Negotiation', 'Business', null)")
    con.execute(
        "insert into courses (course_id, title, provider, hours, price, currency) "
        "values ('C-NEG', 'Negotiation basics', 'Cornerstone', 3, 50, 'USD')"
    )
    con.execute("insert into course_skills (course_id, skill, level) values ('C-NEG', 'Negotiation', 2)")
    out = make_plan(
        con, PlanRequest(as_of=date(2025, 6, 30), budget=0.0, goal_ids=(), requirement_skills=("SQL", "Negotiation"))
    )
    rows = {(r["employee_id"], r["course_id"]): r for r in out.plan.iter_rows(named=True)}
    assert set(rows) == {("E2", "C-SQL"), ("E4", "C-SQL")}
    assert {r["paid_with"] for r in rows.values()} == {"idle licence seat"} and out.summary["cost"] == 0.0
    gaps = out.catalog_gaps.row(0, named=True)
    assert out.catalog_gaps.height == 1
    assert (gaps["skill"], gaps["needed_level"], gaps["people"], gaps["best_level_taught"]) == ("Negotiation", 3, 1, 2)
    assert gaps["reason"] == "no course brings Negotiation to level 3"
    con.close()


def test_learning_path_cheapest_then_shortest(tiny_db):
    from planner.model import person_learning_path

    con = warehouse.connect(tiny_db)
    con.execute(
        "insert into courses (course_id, title, provider, hours, price, currency) "
        "values ('C-PY2', 'Python quick', 'Udemy Business', 2, 100, 'USD'), "
        "('C-PY3', 'Python free', 'Moodle', 12, 0, 'USD')"
    )
    con.execute(
        "insert into course_skills (course_id, skill, level) values ('C-PY2', 'Python', 2), ('C-PY3', 'Python', 3)"
    )
    path = person_learning_path(con, date(2025, 5, 1), "E2")  # Bob: Python met; Cloud met until 2025-06-15
    assert path.filter(pl.col("kind") == "gap").is_empty()
    renew = path.filter(pl.col("kind") == "recertification").row(0, named=True)
    assert (renew["skill"], renew["due"], renew["course_id"]) == ("Cloud", date(2025, 6, 15), "C-CLOUD")
    path = person_learning_path(con, date(2025, 6, 30), "E4")  # Dan: Python 0 -> 2
    options = path.filter(pl.col("kind") == "gap").select("option", "course_id", "cost", "hours").rows()
    # free first (C-PY3, 12 h), then 100 USD: the shorter (C-PY2, 2 h) before the longer (C-PY, 6 h)
    assert options == [(1, "C-PY3", 0.0, 12.0), (2, "C-PY2", 100.0, 2.0), (3, "C-PY", 100.0, 6.0)]
    con.close()


def test_a_learning_path_reads_the_dates_courses_once(tiny_db, monkeypatch):
    # Bob on 2025-05-01 has a credential to renew (Cloud, until 2025-06-15) and no gap: the gaps and the
    # renewals share one read of the courses and seats (each read scans the records' last 30 days)
    from planner import model

    reads = []
    real = model.load_offers
    monkeypatch.setattr(model, "load_offers", lambda *a, **k: reads.append(a[1:]) or real(*a, **k))
    con = warehouse.connect(tiny_db)
    path = model.person_learning_path(con, date(2025, 5, 1), "E2")
    con.close()
    assert reads == [(date(2025, 5, 1), date(2025, 5, 1))]
    assert path.filter(pl.col("kind") == "recertification")["course_id"].to_list() == ["C-CLOUD"]


# ------------------------------------------------------------------ headless


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "planner", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_cli_writes_the_plan_as_csv(tiny_db):
    done = run_cli("--db", str(tiny_db), "--as-of", "2025-06-30", "--budget", "600")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    header = lines[0].split(",")
    assert header[:2] == ["employee_id", "email"] and {"course_id", "skill", "cost"} <= set(header)
    got = {
        (r[header.index("employee_id")], r[header.index("course_id")], r[header.index("cost")])
        for r in (line.split(",") for line in lines[1:])
    }
    assert got == {("E2", "C-CLOUD", "500.0"), ("E4", "C-PY", "100.0")}
    assert "2 assignment(s)" in done.stderr
    scoped = run_cli("--db", str(tiny_db), "--as-of", "2025-06-30", "--budget", "600", "--scope", "Insights")
    assert scoped.returncode == 0 and scoped.stdout.splitlines()[1:] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2025-13-01", "--budget", "10"], "is not a date"),
        (["--as-of", "2025-06-30", "--budget", "ten"], "is not an amount"),
        (["--as-of", "2025-06-30", "--budget", "-10"], "budget must be zero or more"),
        (["--as-of", "2025-06-30"], "required: --budget"),
        (["--as-of", "2025-06-30", "--budget", "10", "--scope", "Nowhere"], "no department or team"),
        (["--as-of", "2025-06-30", "--budget", "10", "--until", "2025-01-01"], "window must end after"),
    ],
)
def test_cli_bad_input_is_one_sentence_and_exit_2(tiny_db, args, message):
    done = run_cli("--db", str(tiny_db), *args)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and done.stdout == ""


def test_cli_without_a_warehouse(tmp_path):
    done = run_cli("--db", str(tmp_path / "none.duckdb"), "--as-of", "2025-06-30", "--budget", "10")
    assert done.returncode == 2 and "There is no warehouse" in done.stderr and "Traceback" not in done.stderr


def test_seat_versions_walk_only_the_vendors_a_bundle_uses():
    from planner.solve import _submasks

    assert _submasks(0) == [0]
    assert _submasks(0b1010) == [0, 0b10, 0b1000, 0b1010]  # 4 versions, not the 11 numbers up to 0b1010
    assert _submasks(1 << 20) == [0, 1 << 20]
    for mask in range(64):
        assert _submasks(mask) == [s for s in range(mask + 1) if s & mask == s]


# ------------------------------------------------------------------ believable plans (issue: expected, not best case)


def test_expected_value_prefers_the_course_more_likely_to_succeed():
    # Ann needs Python (weight 3) and PY succeeds half the time; Ben needs SQL (weight 2) and SQL
    # always succeeds; 300 buys one. Best case would take PY (3 > 2); expected: 3 x 0.5 = 1.5 < 2.
    gaps = [requirement_gap("ann", "Python", 1, 3, 3.0), requirement_gap("ben", "SQL", 0, 2, 2.0)]
    offers = [
        Offer("PY", "V1", 300.0, 5, (("Python", 3),), p=0.5),
        Offer("SQL", "V1", 300.0, 5, (("SQL", 2),), p=1.0),
    ]
    inst = build_instance(gaps, offers, {}, {}, budget=300.0)
    sol = solve(inst)
    assert plan_of(inst, sol) == {("ben", "SQL")} and sol.value.requirement_weight == 2.0
    assert plan_of(inst, solve(build_instance(gaps, offers, {}, {}, budget=600.0))) == {("ann", "PY"), ("ben", "SQL")}
    assert evaluate(inst, [0]).value.requirement_weight == 1.5  # PY alone: 3 x 0.5
    assert plan_of(inst, type(sol)(greedy(inst), sol.evaluation, "", False, 0, "")) == {("ben", "SQL")}


def test_two_courses_for_one_gap_count_its_chance_once():
    # Cas needs Cloud (weight 2) and Data (weight 1): CL teaches Cloud (p 0.5), CD teaches Cloud and Data
    # (p 0.5). Both: Cloud closed with chance 1 - 0.5 x 0.5 = 0.75, Data 0.5: 2 x 0.75 + 1 x 0.5 = 2.
    gaps = [requirement_gap("cas", "Cloud", 0, 2, 2.0), requirement_gap("cas", "Data", 0, 1, 1.0)]
    offers = [
        Offer("CL", "V", 100.0, 2, (("Cloud", 2),), p=0.5),
        Offer("CD", "V", 100.0, 2, (("Cloud", 2), ("Data", 1)), p=0.5),
    ]
    inst = build_instance(gaps, offers, {}, {}, budget=200.0, prune=False)
    both = evaluate(inst, range(len(inst.candidates)))
    assert both.value.requirement_weight == pytest.approx(2.0)
    assert both.chance[("req", "cas", "Cloud")] == pytest.approx(0.75)
    # CD alone gives 1.5 and dominates CL (closes more, as likely, same cost and hours); the exact
    # solver buys CD only: CL adds no gap of its own, so the two never make a bundle.
    pruned = build_instance(gaps, offers, {}, {}, budget=200.0)
    sol = solve(pruned)
    assert plan_of(pruned, sol) == {("cas", "CD")} and sol.value.requirement_weight == pytest.approx(1.5)


def test_a_course_less_likely_to_succeed_is_not_pruned_as_dominated():
    # LONG closes more gaps but rarely succeeds; SHORT is as cheap and certain: both stay candidates.
    gaps = [requirement_gap("dan", "A", 0, 1, 1.0), requirement_gap("dan", "B", 0, 1, 1.0)]
    offers = [Offer("LONG", "V", 10.0, 1, (("A", 1), ("B", 1)), p=0.2), Offer("SHORT", "V", 10.0, 1, (("A", 1),))]
    kept = prune_dominated(candidates_for(gaps, offers), {})
    assert {c.course_id for c in kept} == {"LONG", "SHORT"}
    inst = build_instance(gaps, offers, {}, {}, budget=10.0)
    assert {c for _, c in plan_of(inst, solve(inst))} == {"SHORT"}  # 1 x 1.0 beats 2 x 0.2


def test_success_rates_per_course_then_provider_then_all(tiny):
    from planner.model import load_success_rates

    # With 2 attempts enough: Cloud Foundations has 3 (E2 completed, E3 passed, E4 completed): 3/3;
    # Python Basics 2 (E2 completed, E4 failed): completion 2/2, pass 1/2; SQL for Analysts has 1 and
    # LinkedIn Learning no other course: all 6 attempts, 5 succeeded; Leading Teams none, Cornerstone none: same.
    rates = load_success_rates(tiny, date(2025, 6, 30), min_attempts=2)
    got = {
        r["course_id"]: (r["basis"], r["attempts"], r["completion_rate"], r["pass_rate"], r["success_rate"])
        for r in rates.iter_rows(named=True)
    }
    assert got["C-CLOUD"] == ("course", 3, 1.0, 1.0, 1.0)
    assert got["C-PY"] == ("course", 2, 1.0, 0.5, 0.5)
    assert got["C-SQL"][:2] == ("all courses", 6) and got["C-SQL"][4] == pytest.approx(5 / 6)
    assert got["C-LEAD"][:2] == ("all courses", 6) and got["C-LEAD"][4] == pytest.approx(5 / 6)
    # The plan takes them: Bob's Cloud (p 1) closes goal G1 and weight 2, Dan's Python (p 0.5) weight 1.
    out = make_plan(tiny, PlanRequest(as_of=date(2025, 6, 30), budget=600.0, min_attempts=2))
    assert (out.summary["goal_progress"], out.summary["requirement_weight"]) == pytest.approx((1.0, 2.5))
    assert out.summary["readiness_after"] == pytest.approx(6.5 / 8)
    # Before any record (the day before the history) nothing is known: 100%, and the basis says so.
    early = load_success_rates(tiny, date(2000, 1, 1))
    assert set(early["basis"]) == {"no records"} and set(early["success_rate"]) == {1.0}


def test_hours_are_capped_per_month_of_the_window(tiny):
    # 2025-06-30 to G1's deadline 2025-12-31: 184 days = 184 / 30.4375 months. At 1 hour a month
    # that is 6.05 hours: Python Basics (6 h) fits, Cloud Foundations (10 h) and Leading Teams (8 h) do not.
    req = PlanRequest(as_of=date(2025, 6, 30), budget=10_000.0, hours_per_month=1.0)
    out = make_plan(tiny, req)
    assert out.summary["hours_cap"] == 6.05
    assert set(zip(out.plan["employee_id"], out.plan["course_id"], strict=False)) == {("E4", "C-PY")}
    # The default, 8 hours a month: 48.36 hours over the same window.
    assert make_plan(tiny, PlanRequest(as_of=date(2025, 6, 30), budget=0.0)).summary["hours_cap"] == 48.36
    with pytest.raises(PlanError, match="hours a month must be more than zero"):
        make_plan(tiny, PlanRequest(as_of=date(2025, 6, 30), budget=1.0, hours_per_month=0.0))


def test_seats_are_free_only_up_to_the_idle_count(tiny_db):
    con = warehouse.connect(tiny_db)
    # SQL for Analysts costs 400 USD; both engineers (Bob, Dan) need SQL 2. LinkedIn Learning has 1 idle
    # seat now: one engineer takes it free, the other would pay 400, which a 0 budget does not allow.
    con.execute("update courses set price = 400 where course_id = 'C-SQL'")
    con.execute("update licences set seats = 1")
    con.execute("insert into requirements values ('Engineer', 'SQL', 2, 1)")
    req = PlanRequest(as_of=date(2025, 6, 30), budget=0.0, goal_ids=(), requirement_skills=("SQL",))
    out = make_plan(con, req)
    assert out.plan.height == 1 and out.plan["paid_with"].to_list() == ["idle licence seat"]
    assert out.seats.rows(named=True) == [
        {"vendor": "LinkedIn Learning", "idle_seats": 1, "seats_used": 1, "assignments": 1}
    ]
    out = make_plan(con, PlanRequest(as_of=date(2025, 6, 30), budget=400.0, goal_ids=(), requirement_skills=("SQL",)))
    assert sorted(out.plan["paid_with"].to_list()) == ["idle licence seat", "list price"]
    assert out.summary["cost"] == 400.0 and out.seats["seats_used"].to_list() == [1]
    con.close()


def test_the_budget_curve_and_the_next_step(tiny):
    from planner.plan import marginal_value

    # Every course succeeds 5/6 of the time. Greedy plans: 0 buys nothing (readiness 4/8); 150 and 300
    # buy Dan's Python (100; Bob's Cloud, the goal, costs 500): (4 + 5/6) / 8; 600 Bob's Cloud and Dan's
    # Python: (4 + 3 x 5/6) / 8; 1,200 and 10,600 Alice's Leadership (360) too: (4 + 4 x 5/6) / 8.
    out = make_plan(tiny, PlanRequest(as_of=date(2025, 6, 30), budget=600.0, curve=True))
    curve = out.curve
    assert curve["budget"].to_list() == [0.0, 150.0, 300.0, 600.0, 1200.0, 10600.0]
    expected = [4 / 8, (4 + 5 / 6) / 8, (4 + 5 / 6) / 8, (4 + 2.5) / 8, (4 + 10 / 3) / 8, (4 + 10 / 3) / 8]
    assert curve["expected_readiness"].to_list() == pytest.approx(expected)
    assert curve["cost"].to_list() == [0.0, 100.0, 100.0, 600.0, 960.0, 960.0]
    assert curve["is_plan"].to_list() == [False, False, False, True, False, False]
    step = marginal_value(curve)
    assert step["readiness_points"] == pytest.approx(100 * 5 / 6 / 8)  # Alice's weight 1 at 5/6, of 8
    assert step["extra_cost"] == 360.0 and step["goal_progress"] == 0.0
    assert out.summary["marginal"] == step
    assert make_plan(tiny, PlanRequest(as_of=date(2025, 6, 30), budget=600.0)).curve.is_empty()  # only when asked
