"""The planner at scale: the greedy plan and its proven bound, the plan that does not depend on the
clock, one greedy run for the plan and the budget curve, and people alike sharing their candidates.

No timing here: how long a plan takes is measured by ``python -m benchmarks --only planner``.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner import solve as solve_module
from planner.model import (
    Candidate,
    Instance,
    Offer,
    build_instance,
    candidates_for,
    evaluate,
    goal_gap,
    prune_dominated,
    requirement_gap,
)
from planner.solve import TooLarge, along, bundles, greedy, greedy_order, solve, upper_bound
from tests.test_planner import generated, three_gaps


def courses_of(inst: Instance, chosen) -> set[tuple[str, str]]:
    return {(inst.candidates[j].employee_id, inst.candidates[j].course_id) for j in chosen}


def test_the_greedy_plan_is_the_exact_one_where_greedy_is_optimal():
    # 900: weight per unit of cost PY 3/300 = 0.0100, SQL 5.5/600 = 0.0092, CL 2/300 = 0.0067. Greedy takes
    # PY, then SQL (900 spent), and CL no longer fits: 8.5. The optimum: PY + SQL 8.5, SQL + CL 7.5,
    # PY + CL 5 (all three cost 1,200): the same plan.
    inst = three_gaps(900.0)
    fast = solve(inst, max_bundles=0)  # more combinations than the limit: the greedy plan and its bound
    exact = solve(inst)
    assert fast.method == "greedy" and exact.method == "exact" and exact.optimal
    assert courses_of(inst, fast.chosen) == courses_of(inst, exact.chosen) == {("ann", "PY"), ("ben", "SQL")}
    assert fast.value.requirement_weight == exact.value.requirement_weight == 8.5
    # The bound: CL, the only course left, would add 2 and costs 300, within the 900: 8.5 + 2 = 10.5.
    assert fast.bound.requirement_weight == 10.5
    assert "10.5 expected requirement weight (this plan: 8.5, within 19.0%)" in fast.message


def test_the_bound_counts_what_the_plan_leaves_within_the_budget():
    # 600: greedy takes PY (3/300) then CL (2/300): 5, the budget spent; the optimum is SQL alone, 5.5.
    # What greedy leaves is SQL (5.5 for 600), and the budget is 600: no plan closes more than 5 + 5.5.
    inst = three_gaps(600.0)
    plan = greedy(inst)
    bound = upper_bound(inst, plan)
    assert bound.requirement_weight == 10.5 and bound.goal_progress == 0.0
    assert solve(inst).value.requirement_weight == 5.5 <= bound.requirement_weight
    assert bound.shortfall(evaluate(inst, plan).value) == pytest.approx((0.0, 5.5 / 10.5))


def test_the_bound_gives_each_idle_seat_once_and_caps_goal_credit():
    # One idle seat of L, which Ann and Bob could both use (so it can run out); no money. Each needs
    # L1 (price 100, weight 1) and is in goal G, which needs 1 more person. Greedy gives the seat to Ann
    # (goal progress 1, weight 1). Left: Bob's L1, free only with the one seat: at most 1 more weight,
    # and the goal is full, so no more goal progress; nothing paid fits a budget of 0.
    gaps = [requirement_gap(e, "S", 0, 1) for e in ("ann", "bob")] + [
        goal_gap("G", e, "S", 0, 1) for e in ("ann", "bob")
    ]
    inst = build_instance(gaps, [Offer("L1", "L", 100.0, 2, (("S", 1),))], {"G": 1}, {"L": 1}, budget=0.0)
    plan = greedy(inst)
    assert courses_of(inst, plan) == {("ann", "L1")}
    bound = upper_bound(inst, plan)
    assert (bound.goal_progress, bound.requirement_weight) == (1.0, 2.0)


@pytest.mark.parametrize("seed", range(40))
def test_the_bound_holds_on_generated_instances(seed):
    inst = generated(seed)
    best = solve(inst, time_limit=30)  # proven optimal on these (tests/test_planner.py)
    for plan in (greedy(inst), best.chosen):
        bound = upper_bound(inst, plan)
        value = evaluate(inst, plan).value
        assert value.goal_progress <= bound.goal_progress + 1e-9
        assert value.requirement_weight <= bound.requirement_weight + 1e-9
        # No plan beats the bound: not even the optimum, which comes first on goals.
        assert best.value.goal_progress <= bound.goal_progress + 1e-9
        assert best.value.requirement_weight <= bound.requirement_weight + 1e-9


def test_the_default_plan_does_not_depend_on_the_clock(monkeypatch):
    # The integer program gets node limits, never a time limit, unless one is asked for: the same
    # instance gives the same plan on a busy machine and an idle one.
    seen: list[dict] = []
    real = solve_module.milp

    def recording(*args, options=None, **kwargs):
        seen.append(dict(options))
        return real(*args, options=options, **kwargs)

    monkeypatch.setattr(solve_module, "milp", recording)
    inst = generated(3)
    first, second = solve(inst), solve(inst)
    assert seen and all("time_limit" not in o and o["node_limit"] > 0 for o in seen)
    assert first.chosen == second.chosen and first.method == second.method and first.value == second.value
    seen.clear()
    solve(inst, time_limit=30)
    assert all("time_limit" in o for o in seen)


@pytest.mark.parametrize("seed", range(40))
def test_the_greedy_plan_is_the_same_twice_and_without_the_exact_program(seed):
    inst = generated(seed)
    a, b = solve(inst, max_bundles=0), solve(inst, max_bundles=0)
    assert a.chosen == b.chosen == greedy(inst) and a.bound == b.bound


@pytest.mark.parametrize("seed", range(40))
def test_one_greedy_run_gives_the_plan_and_every_budget_of_the_curve(seed):
    inst = generated(seed)
    order, taken = greedy_order(inst, then=inst.budget * 2 + 500)
    # The run carried on begins with the plan, and cutting the order at the plan's budget gives it back.
    assert sorted(order[:taken]) == greedy(inst)
    assert sorted(along(inst, order, inst.budget)[0]) == greedy(inst)
    for budget in (0.0, inst.budget / 2, inst.budget * 2 + 500):
        chosen, cost = along(inst, order, budget)
        at = replace(inst, budget=budget)
        ev = evaluate(at, chosen)
        assert ev.feasible, ev.problems
        assert ev.value.cost <= cost + 1e-6 <= budget + 1e-6  # the seats go where they save most
    # What costs nothing is taken at every budget (the curve counts it once).
    free = set(along(inst, order, 0.0)[0])
    assert free <= set(along(inst, order, inst.budget * 2 + 500)[0])


def test_along_skips_what_a_smaller_budget_cannot_afford():
    # Carried on to 1,200 from 600: PY, CL (the plan), then SQL. At 700: PY, CL, not SQL (600 > 100 left).
    inst = three_gaps(600.0)
    order, taken = greedy_order(inst, then=1200.0)
    assert [inst.candidates[j].course_id for j in order] == ["PY", "CL", "SQL"] and taken == 2
    chosen, cost = along(inst, order, 700.0)
    assert courses_of(inst, chosen) == {("ann", "PY"), ("cas", "CL")} and cost == 600.0
    chosen, cost = along(inst, order, 650.0)  # PY (300), CL (300), SQL no
    assert cost == 600.0
    chosen, cost = along(inst, order, 500.0)  # PY (300), CL no (300 > 200 left), SQL no
    assert courses_of(inst, chosen) == {("ann", "PY")} and cost == 300.0


@pytest.mark.parametrize("seed", range(12))
def test_people_alike_share_one_candidate_list(seed):
    inst = generated(seed)
    gaps = list(inst.gaps.values())
    offers = [
        Offer(f"C{i}", v, cost, hours, skills)
        for i, (v, cost, hours, skills) in enumerate(
            [
                ("Free", 0.0, 2.0, (("S0", 3),)),
                ("Lic1", 120.0, 4.0, (("S1", 4), ("S0", 2))),
                ("Shop", 60.0, 6.0, (("S2", 5),)),
            ]
        )
    ]
    built = build_instance(gaps, offers, inst.goal_needed, inst.idle_seats, inst.budget, inst.hours_cap)
    assert built.candidates == prune_dominated(candidates_for(gaps, offers, inst.hours_cap), inst.idle_seats)


def test_two_people_with_the_same_gaps_get_the_same_courses_for_their_own_gaps():
    gaps = [requirement_gap(e, s, 0, 2, 1.0) for e in ("bob", "amy") for s in ("SQL", "Python")]
    offers = [Offer("BOTH", "V", 50.0, 2, (("SQL", 2), ("Python", 2))), Offer("SQL", "V", 10.0, 1, (("SQL", 3),))]
    inst = build_instance(gaps, offers, {}, {}, budget=100.0)
    assert inst.candidates == [
        Candidate("amy", "SQL", "V", 10.0, 1.0, frozenset({("req", "amy", "SQL")})),
        Candidate("amy", "BOTH", "V", 50.0, 2.0, frozenset({("req", "amy", "SQL"), ("req", "amy", "Python")})),
        Candidate("bob", "SQL", "V", 10.0, 1.0, frozenset({("req", "bob", "SQL")})),
        Candidate("bob", "BOTH", "V", 50.0, 2.0, frozenset({("req", "bob", "SQL"), ("req", "bob", "Python")})),
    ]


def test_more_people_than_the_limit_is_too_large_without_looking_at_anyone(monkeypatch):
    # Three people each with a course that fits: at least three course combinations, more than 2.
    monkeypatch.setattr(solve_module._Person, "kept_at_least", lambda *a: pytest.fail("looked at a person"))
    inst = three_gaps(600.0)
    with pytest.raises(TooLarge):
        bundles(inst, 2)
