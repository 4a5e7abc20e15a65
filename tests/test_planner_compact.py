"""The planner on columns (planner.compact): the same instance, greedy plan, evaluation and bound as on
objects, built from gap rows without a Gap or Candidate per row, for people alike as classes.

No timing here: how long a plan takes is measured by ``python -m benchmarks --only planner``.
"""

from __future__ import annotations

import random

import numpy as np
import polars as pl
import pytest

from planner import compact
from planner import solve as solve_module
from planner.model import Offer, build_instance, evaluate, goal_gap, requirement_gap
from planner.solve import greedy, greedy_order, solve, solve_compact, upper_bound


def company(seed: int, people: tuple[int, int] = (6, 30)):
    """A random company whose people come in look-alike groups (the same gaps), rows shuffled per person.

    Returns the gap rows (as load_gaps gives them: per employee), the Gap list in that order,
    the offers (some free, some licensed with idle seats, success rates below 1), goals' needs,
    idle seats, the budget and the hours cap.
    """
    rng = random.Random(seed)
    skills = [f"S{i}" for i in range(rng.randint(3, 5))]
    vendors = ["Free", "Lic1", "Lic2", "Shop"]
    offers = []
    for i in range(rng.randint(4, 9)):
        vendor = rng.choice(vendors)
        cost = 0.0 if vendor == "Free" and rng.random() < 0.7 else float(rng.randrange(20, 400, 10))
        taught = tuple((s, rng.randint(1, 5)) for s in rng.sample(skills, rng.randint(1, 2)))
        p = rng.choice([1.0, 0.9, 0.75, 0.5])
        offers.append(Offer(f"C{i}", vendor, cost, float(rng.choice([2, 4, 6, 10, 16])), taught, p))
    goals = {"G1": rng.choice(skills), "G2": rng.choice(skills)}
    shapes = []
    for _ in range(rng.randint(2, 5)):
        shape = []
        for s in rng.sample(skills, rng.randint(1, 3)):
            level = rng.randint(0, 3)
            shape.append((s, rng.randint(level + 1, 5), float(rng.randint(1, 3)), None))
        for g, s in goals.items():
            if rng.random() < 0.5:
                shape.append((s, rng.randint(1, 4), 0.0, g))
        shapes.append(shape)
    rows = []
    for i in range(rng.randint(*people)):
        employee = f"P{i:03d}"
        shape = rng.choice(shapes)
        req = sorted((s for s in shape if s[3] is None), key=lambda s: s[0])
        goal = sorted((s for s in shape if s[3] is not None), key=lambda s: (s[3], s[0]))
        for skill, needed, weight, goal_id in req + goal:
            rows.append(
                {
                    "employee_id": employee,
                    "skill": skill,
                    "level": 0,
                    "needed": needed,
                    "weight": weight,
                    "goal_id": goal_id,
                }
            )
    rng.shuffle(rows)
    frame = pl.DataFrame(
        rows,
        schema={
            "employee_id": pl.Utf8,
            "skill": pl.Utf8,
            "level": pl.Int32,
            "needed": pl.Int32,
            "weight": pl.Float64,
            "goal_id": pl.Utf8,
        },
    ).sort("employee_id", pl.col("goal_id").is_not_null(), "goal_id", "skill")
    gaps = [
        requirement_gap(r["employee_id"], r["skill"], 0, r["needed"], r["weight"])
        if r["goal_id"] is None
        else goal_gap(r["goal_id"], r["employee_id"], r["skill"], 0, r["needed"])
        for r in frame.iter_rows(named=True)
    ]
    scale = max(1, people[1] // 30)
    needed = {g: rng.randint(0, 6 * scale) for g in goals}
    idle = {"Lic1": rng.randint(0, 4 * scale), "Lic2": rng.randint(0, 2 * scale)}
    budget = float(rng.randrange(0, 1500 * scale, 50))
    cap = float(rng.choice([8, 16, 30])) if rng.random() < 0.8 else None
    return frame, gaps, offers, needed, idle, budget, cap


@pytest.mark.parametrize("seed", range(30))
def test_columns_build_the_instance_objects_build(seed):
    frame, gaps, offers, needed, idle, budget, cap = company(seed)
    objects = build_instance(gaps, offers, needed, idle, budget, cap)
    built = compact.from_frame(frame, offers, needed, idle, budget, cap)
    # Fewer classes than people: each class's candidates were worked out once.
    assert built.classes < len({g.employee_id for g in gaps})
    back = compact.to_instance(built, needed, idle)
    assert back.candidates == objects.candidates
    assert list(back.gaps) == list(objects.gaps) and back.goal_needed == objects.goal_needed


@pytest.mark.parametrize("seed", range(30))
def test_the_greedy_plan_its_evaluation_and_bound_on_columns_are_those_on_objects(seed):
    frame, gaps, offers, needed, idle, budget, cap = company(seed)
    objects = build_instance(gaps, offers, needed, idle, budget, cap)
    ci = compact.from_frame(frame, offers, needed, idle, budget, cap).ci
    order, taken = compact.greedy_order(ci, then=budget * 2 + 300)
    assert (order, taken) == greedy_order(objects, then=budget * 2 + 300)
    plan = sorted(order[:taken])
    assert plan == greedy(objects)
    on_columns, on_objects = compact.evaluate(ci, plan), evaluate(objects, plan)
    assert on_columns.value.goal_progress == pytest.approx(on_objects.value.goal_progress, abs=1e-9)
    assert on_columns.value.requirement_weight == pytest.approx(on_objects.value.requirement_weight, abs=1e-9)
    assert (on_columns.cost, on_columns.hours, on_columns.feasible) == (
        on_objects.value.cost,
        on_objects.value.hours,
        on_objects.feasible,
    )
    assert dict(zip(on_columns.chosen.tolist(), on_columns.costs.tolist(), strict=True)) == on_objects.costs
    bound = upper_bound(objects, plan)
    assert compact.upper_bound(ci, on_columns) == pytest.approx((bound.goal_progress, bound.requirement_weight))


def test_a_large_instance_is_planned_on_columns_without_objects(monkeypatch):
    # More people keep a course combination than the limit: the greedy plan and its bound, and no
    # Gap or Candidate is ever made (to_instance is where they would be).
    frame, gaps, offers, needed, idle, budget, cap = company(4)
    objects = build_instance(gaps, offers, needed, idle, budget, cap)
    built = compact.from_frame(frame, offers, needed, idle, budget, cap)
    expected = solve(objects, max_bundles=0)
    monkeypatch.setattr(compact, "to_instance", lambda *a: pytest.fail("made objects"))
    monkeypatch.setattr(solve_module, "solve", lambda *a, **k: pytest.fail("solved on objects"))
    found = solve_compact(built, needed, idle, max_bundles=0)
    assert found.method == expected.method == "greedy"
    assert found.chosen == expected.chosen
    assert found.bound == pytest.approx(expected.bound)
    assert found.message == expected.message


def test_a_small_instance_still_gets_the_exact_program():
    frame, gaps, offers, needed, idle, budget, cap = company(4)
    objects = build_instance(gaps, offers, needed, idle, budget, cap)
    built = compact.from_frame(frame, offers, needed, idle, budget, cap)
    expected = solve(objects)
    found = solve_compact(built, needed, idle)
    assert found.method == expected.method and found.chosen == expected.chosen and found.optimal == expected.optimal


def test_fractional_fill_per_group():
    # Group 0: capacity 10; items (value, size) (6, 4), (9, 3), (5, 0), (4, 8): the free one whole (5),
    # then by value per size 9/3 (9, room 7), 6/4 (6, room 3), then 3/8 of the last (1.5): 21.5.
    # Group 1: (2, 20) alone: half of it, 1.
    got = compact._fractional(
        np.array([0, 0, 0, 0, 1]),
        np.array([6.0, 9.0, 5.0, 4.0, 2.0]),
        np.array([4.0, 3.0, 0.0, 8.0, 20.0]),
        10.0,
        2,
    )
    assert got.tolist() == [21.5, 1.0]
    assert compact._fractional(np.array([0, 1]), np.array([1.0, 2.0]), np.array([5.0, 5.0]), None, 2).tolist() == [
        1.0,
        2.0,
    ]


@pytest.mark.parametrize("seed", range(200))
def test_the_greedy_run_on_classes_is_the_run_candidate_by_candidate(seed):
    # Look-alike people in cohorts, goals that fill, idle seats that run out, budgets that bind:
    # the same candidates taken in the same order, and the same cut at the instance's budget.
    frame, _gaps, offers, needed, idle, budget, cap = company(seed)
    ci = compact.from_frame(frame, offers, needed, idle, budget, cap).ci
    for then in (None, budget * 2 + 300):
        assert compact.greedy_order_classes(ci, then) == compact.greedy_order(ci, then)


@pytest.mark.parametrize("seed", range(40))
def test_the_greedy_run_on_large_classes_is_the_run_candidate_by_candidate(seed):
    frame, _gaps, offers, needed, idle, budget, cap = company(seed, people=(150, 400))
    ci = compact.from_frame(frame, offers, needed, idle, budget, cap).ci
    for then in (None, budget * 2 + 300):
        assert compact.greedy_order_classes(ci, then) == compact.greedy_order(ci, then)


def test_gaps_and_totals_in_one_query_are_the_two_queries(tiny):
    from datetime import date

    from planner import model

    day = date(2025, 6, 30)
    for unit in (None, "Insights"):
        gaps, totals = model.load_gaps_and_totals(tiny, day, date(2025, 12, 31), None, unit)
        assert gaps.equals(model.load_gaps(tiny, day, date(2025, 12, 31), None, unit))
        assert totals.equals(model.load_requirement_totals(tiny, day, None, unit))
        if unit is None:
            assert gaps.height and totals.height


def test_offers_and_idle_seats_in_one_query_are_the_two_queries(tiny):
    from datetime import date

    from planner import model

    for day in (date(2025, 6, 30), date(2024, 1, 31)):
        offers, idle = model.load_offers_and_seats(tiny, day, date(2025, 12, 31))
        assert offers.equals(model.load_offers(tiny, day, date(2025, 12, 31)))
        assert idle == model.load_idle_seats(tiny, day)


def test_goal_populations_are_the_goal_shares_populations(tiny):
    from datetime import date

    from planner import model

    for unit in (None, "Insights"):
        shares = model.load_goal_shares(tiny, date(2025, 6, 30), None, unit)
        counted = model.load_goal_populations(tiny, date(2025, 6, 30), None, unit)
        expected = shares.filter(pl.col("population") > 0).select("goal_id", "population").sort("goal_id")
        assert counted.to_dicts() == expected.to_dicts()
        if unit is None:
            assert counted.height


def test_the_instance_closes_are_the_scope_pairs_when_every_gap_is_served():
    # Every gap served and in the instance's order: the pairs read from the instance's closes are the
    # pairs the join of candidates, gaps and levels taught gives.
    from planner import plan as planning

    frame, _gaps, offers, needed, idle, budget, cap = company(7, people=(40, 80))
    built = compact.from_frame(frame, offers, needed, idle, budget, cap)
    ci = built.ci
    scope = built.frame.select("employee_id", "skill", "needed", "weight", "goal_id").with_row_index("scope_row")
    scope = scope.with_columns(pl.lit(0, pl.Int32).alias("level"))
    levels = pl.DataFrame(
        [(o.course_id, s, lvl) for o in offers for s, lvl in o.levels.items()],
        schema={"course_id": pl.Utf8, "skill": pl.Utf8, "taught": pl.Int32},
        orient="row",
    )
    every = np.arange(ci.n, dtype=np.int64)
    joined = planning._scope_pairs(ci, every, scope, levels)
    read = planning._instance_pairs(ci, every, scope)
    columns = ["pick", "scope_row", "p", "employee_id", "skill", "needed", "weight", "goal_id"]
    assert joined.height and joined.select(columns).equals(read.select(columns))
