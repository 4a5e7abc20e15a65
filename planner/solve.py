"""Solving the planning problem: exactly as an integer program, or greedily, and knowing which.

The exact solver writes the objective of ``planner.model`` as a mixed-integer program
and hands it to SciPy's ``milp`` (the HiGHS solver). It chooses, for each employee, at
most one *bundle*: a set of their candidate courses that fits their hours cap and in
which every course closes a gap the others do not (a course that adds nothing is never
worth its cost or hours). Each bundle knows exactly which gaps it closes, its hours,
and its cost; a bundle with courses of a vendor whose idle seats could run out comes
in two versions, with and without one of that vendor's seats (its courses then cost
0). Bundles that another bundle of the same person beats in every respect (closes
at least as much, costs and takes no more, uses no more seats) are dropped. Variables:

- ``b[k]`` in {0, 1}: the employee of bundle k takes it;
- ``t[g]`` in [0, needed_g]: the goal progress credited to goal g.

Constraints: per employee ``sum b[k] <= 1``; ``sum cost[k] * b[k] <= budget``; per vendor
``sum of b[k] over bundles using one of its seats <= idle seats``; per goal
``t[g] <= sum over bundles of (gaps of g the bundle closes) * b[k]``. (A vendor whose idle
seats cannot run out, because fewer people could use them than there are, needs no
seat constraint: its courses simply cost 0. A goal that cannot reach its cap needs no
``t[g]``.) Bundles make each person's choice exact in the linear relaxation, so HiGHS
proves optimality at or near the root.

The lexicographic objective is solved in stages, each fixing the optimum of the one
before: maximise the goal progress ``sum t[g]``; then the weighted requirement gaps
closed; then minimise the cost plus a tie-breaking sliver of hours (worth less than a
cent in total). Each stage stops as soon as the optimum is proved (see ``proof_gap``).
All stages share one time limit. If a stage stops at the limit, its best plan so far
is used and the result says it is not proven optimal; if the instance is too large to
build in reasonable time, or the solver finds nothing, the greedy baseline is used
and the result says so. The greedy plan is always computed too and the better of the
two is returned, so the result is never worse than greedy.
"""
from __future__ import annotations

import heapq
import time
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from planner.model import Candidate, Evaluation, Instance, PlanValue, evaluate

#: Above this many bundles the exact program is not even built: greedy, and the result says so.
MAX_BUNDLES = 200_000
DEFAULT_TIME_LIMIT = 10.0


@dataclass
class Solution:
    """A plan and how it was found."""

    chosen: list[int]
    evaluation: Evaluation
    method: str  # "exact", "exact (time limit)", "greedy"
    optimal: bool
    seconds: float
    message: str
    greedy_value: PlanValue | None = None
    stats: dict = field(default_factory=dict)

    @property
    def value(self) -> PlanValue:
        return self.evaluation.value


# ------------------------------------------------------------------ greedy baseline

def _effective_cost(inst: Instance, c: Candidate, holders: dict[str, set[str]], idle_left: dict[str, int]) -> float:
    """What taking c costs now: nothing if its employee holds, or can still get, an idle seat of its vendor."""
    v = inst.seat_vendor(c)
    if v is None:
        return c.cost
    if c.employee_id in holders.get(v, ()) or idle_left.get(v, 0) > 0:
        return 0.0
    return c.cost


def _gains(inst: Instance, c: Candidate, closed: set, goal_done: dict[str, int]) -> tuple[int, float]:
    """What c would add now: goal steps still under their targets, and the weight of gaps still open."""
    goal_gain, req_gain = 0, 0.0
    for key in c.closes:
        if key in closed:
            continue
        gap = inst.gaps[key]
        if gap.is_goal:
            goal_gain += goal_done.get(gap.goal_id, 0) < inst.goal_needed.get(gap.goal_id, 0)
        else:
            req_gain += gap.weight
    return goal_gain, req_gain


def greedy(inst: Instance) -> list[int]:
    """The baseline: repeatedly take the affordable assignment with the most gain per unit of cost.

    Gain is compared like the objective (goal progress first, then requirement weight);
    a free assignment (price 0, or an idle seat left) beats any paid one. Keys only fall
    as gaps close and seats run out, except when someone takes an idle seat (their other
    courses of that vendor become free), so a lazy priority queue with re-pushes is exact.
    """
    tiny = 1e-9
    closed: set = set()
    goal_done: dict[str, int] = {}
    holders: dict[str, set[str]] = {}
    idle_left = dict(inst.idle_seats)
    hours_used: dict[str, float] = {}
    budget_left = inst.budget
    chosen: list[int] = []
    taken: set[int] = set()

    def key_of(j: int):
        c = inst.candidates[j]
        gg, rg = _gains(inst, c, closed, goal_done)
        if gg == 0 and rg <= 0:
            return None
        cost = _effective_cost(inst, c, holders, idle_left)
        return (-gg / max(cost, tiny), -rg / max(cost, tiny), c.hours, j)

    by_seat: dict[tuple[str, str], list[int]] = {}
    heap = []
    for j, c in enumerate(inst.candidates):
        v = inst.seat_vendor(c)
        if v is not None:
            by_seat.setdefault((c.employee_id, v), []).append(j)
        k = key_of(j)
        if k is not None:
            heap.append(k)
    heapq.heapify(heap)
    while heap:
        popped = heapq.heappop(heap)
        j = popped[3]
        if j in taken:
            continue
        current = key_of(j)
        if current is None:
            continue
        if current[:3] != popped[:3] and heap and current > heap[0]:
            heapq.heappush(heap, current)
            continue
        c = inst.candidates[j]
        cost = _effective_cost(inst, c, holders, idle_left)
        used = hours_used.get(c.employee_id, 0.0)
        if cost > budget_left + 1e-9 or (inst.hours_cap is not None and used + c.hours > inst.hours_cap + 1e-9):
            continue
        taken.add(j)
        chosen.append(j)
        budget_left -= cost
        hours_used[c.employee_id] = used + c.hours
        for key in c.closes:
            if key not in closed:
                closed.add(key)
                gap = inst.gaps[key]
                if gap.is_goal:
                    goal_done[gap.goal_id] = goal_done.get(gap.goal_id, 0) + 1
        v = inst.seat_vendor(c)
        if v is not None and c.employee_id not in holders.get(v, set()) and idle_left.get(v, 0) > 0:
            holders.setdefault(v, set()).add(c.employee_id)
            idle_left[v] -= 1
            for other in by_seat.get((c.employee_id, v), []):
                k = key_of(other) if other not in taken else None
                if k is not None:
                    heapq.heappush(heap, k)
    return sorted(chosen)


# ------------------------------------------------------------------ exact program

@dataclass(frozen=True)
class Bundle:
    """What one employee could take together: candidate indices and the exact effect."""

    employee_id: str
    members: tuple[int, ...]
    seats: frozenset[str]
    cost: float
    hours: float
    requirement_weight: float
    goal_counts: tuple[tuple[str, int], ...]
    closes: frozenset


class TooLarge(Exception):
    """The exact program would be too large to build and solve in a few seconds."""


def scarce_seat_vendors(inst: Instance) -> set[str]:
    """Vendors whose idle seats could run out: more people could use them than there are seats.

    Where every potential user fits, each of that vendor's assignments is simply free,
    and the program needs no seat constraint for it.
    """
    users: dict[str, set[str]] = {}
    for c in inst.candidates:
        v = inst.seat_vendor(c)
        if v is not None:
            users.setdefault(v, set()).add(c.employee_id)
    return {v for v, people in users.items() if len(people) > inst.idle_seats.get(v, 0)}


def _valuable(inst: Instance, key) -> bool:
    """Whether closing the gap can count: a weighted requirement, or a goal that still needs people."""
    gap = inst.gaps[key]
    return inst.goal_needed.get(gap.goal_id, 0) > 0 if gap.is_goal else gap.weight > 0


def _subsets(inst: Instance, idx: list[int], limit: int) -> list[tuple[tuple[int, ...], frozenset]]:
    """Irredundant sets of one person's candidates within the hours cap (each course adds a gap).

    Raises TooLarge after `limit` steps: a person with very many candidates would make
    the enumeration (and the program) too large to solve in a few seconds.
    """
    cap = inst.hours_cap if inst.hours_cap is not None else float("inf")
    useful = {j: frozenset(k for k in inst.candidates[j].closes if _valuable(inst, k)) for j in idx}
    idx = [j for j in idx if useful[j]]
    found: list[tuple[tuple[int, ...], frozenset]] = []
    steps = 0

    def walk(start: int, chosen: list[int], closed: frozenset, hours: float) -> None:
        nonlocal steps
        for k in range(start, len(idx)):
            j = idx[k]
            c = inst.candidates[j]
            if hours + c.hours > cap + 1e-9 or useful[j] <= closed:
                continue
            steps += 1
            if steps > limit:
                raise TooLarge
            members = chosen + [j]
            union = closed | useful[j]
            if all(useful[m] - frozenset().union(*(useful[o] for o in members if o != m)) for m in members):
                found.append((tuple(members), union))
            walk(k + 1, members, union, hours + c.hours)

    walk(0, [], frozenset(), 0.0)
    return found


def bundles(inst: Instance, limit: int = MAX_BUNDLES) -> list[Bundle]:
    """Every employee's undominated bundles (see the module docstring); TooLarge past `limit`."""
    scarce = scarce_seat_vendors(inst)
    per_person: dict[str, list[int]] = {}
    for j, c in enumerate(inst.candidates):
        per_person.setdefault(c.employee_id, []).append(j)
    out: list[Bundle] = []
    for employee in sorted(per_person):
        mine: list[Bundle] = []
        for members, closes in _subsets(inst, per_person[employee], limit - len(out)):
            cands = [inst.candidates[j] for j in members]
            weight = sum(inst.gaps[k].weight for k in closes if not inst.gaps[k].is_goal)
            goals: dict[str, int] = {}
            for k in closes:
                if inst.gaps[k].is_goal:
                    goals[inst.gaps[k].goal_id] = goals.get(inst.gaps[k].goal_id, 0) + 1
            hours = sum(c.hours for c in cands)
            vendors = sorted({inst.seat_vendor(c) for c in cands} & scarce)
            for mask in range(1 << len(vendors)):
                seats = frozenset(v for i, v in enumerate(vendors) if mask >> i & 1)
                cost = sum(0.0 if inst.seat_vendor(c) is not None and (inst.seat_vendor(c) not in scarce
                                                                       or inst.seat_vendor(c) in seats)
                           else c.cost for c in cands)
                mine.append(Bundle(employee, members, seats, round(cost, 2), hours, weight,
                                   tuple(sorted(goals.items())), closes))
        mine.sort(key=lambda b: (b.cost, b.hours, len(b.seats), -len(b.closes), b.members))
        kept: list[Bundle] = []
        for b in mine:
            if not any(k.closes >= b.closes and k.cost <= b.cost and k.hours <= b.hours and k.seats <= b.seats
                       for k in kept):
                kept.append(b)
        out.extend(kept)
        if len(out) > limit:
            raise TooLarge
    return out


@dataclass
class _Program:
    """The mixed-integer program over bundles, in SciPy's terms."""

    n: int
    upper: np.ndarray
    integrality: np.ndarray
    rows: list[int] = field(default_factory=list)
    cols: list[int] = field(default_factory=list)
    vals: list[float] = field(default_factory=list)
    row_lb: list[float] = field(default_factory=list)
    row_ub: list[float] = field(default_factory=list)
    goal_terms: list[tuple[int, float]] = field(default_factory=list)
    req_terms: list[tuple[int, float]] = field(default_factory=list)
    cost_terms: list[tuple[int, float]] = field(default_factory=list)
    hour_terms: list[tuple[int, float]] = field(default_factory=list)

    def add_row(self, terms: list[tuple[int, float]], lb: float, ub: float) -> None:
        """Append the constraint lb <= sum(value * x[column]) <= ub."""
        r = len(self.row_lb)
        for col, val in terms:
            self.rows.append(r)
            self.cols.append(col)
            self.vals.append(val)
        self.row_lb.append(lb)
        self.row_ub.append(ub)

    def constraints(self) -> LinearConstraint:
        """All rows as one sparse matrix, the shape milp takes."""
        a = coo_matrix((self.vals, (self.rows, self.cols)), shape=(len(self.row_lb), self.n)).tocsr()
        return LinearConstraint(a, np.array(self.row_lb), np.array(self.row_ub))

    def objective(self, terms: list[tuple[int, float]], sign: float = 1.0) -> np.ndarray:
        """A dense objective vector from (column, coefficient) terms (repeated columns add up)."""
        obj = np.zeros(self.n)
        for col, val in terms:
            obj[col] += sign * val
        return obj


def build_program(inst: Instance, bs: list[Bundle]) -> _Program:
    """Variables, constraints and the terms of each stage's objective (see the module docstring)."""
    scarce = scarce_seat_vendors(inst)
    closable: dict[str, set] = {}
    for b in bs:
        for k in b.closes:
            gap = inst.gaps[k]
            if gap.is_goal:
                closable.setdefault(gap.goal_id, set()).add(k)
    capped = sorted(g for g, keys in closable.items() if len(keys) > inst.goal_needed.get(g, 0))
    t_col = {g: len(bs) + i for i, g in enumerate(capped)}
    n = len(bs) + len(capped)
    upper = np.ones(n)
    for g, col in t_col.items():
        upper[col] = inst.goal_needed[g]
    integrality = np.zeros(n)
    integrality[: len(bs)] = 1
    p = _Program(n, upper, integrality)

    per_person: dict[str, list[int]] = {}
    per_seat: dict[str, list[int]] = {}
    per_goal: dict[str, list[tuple[int, float]]] = {}
    for k, b in enumerate(bs):
        per_person.setdefault(b.employee_id, []).append(k)
        for v in b.seats:
            per_seat.setdefault(v, []).append(k)
        for g, count in b.goal_counts:
            if g in t_col:
                per_goal.setdefault(g, []).append((k, float(count)))
            elif inst.goal_needed.get(g, 0) > 0:
                p.goal_terms.append((k, float(count)))
        if b.requirement_weight:
            p.req_terms.append((k, b.requirement_weight))
        if b.cost:
            p.cost_terms.append((k, b.cost))
        if b.hours:
            p.hour_terms.append((k, b.hours))
    for g, col in t_col.items():
        p.goal_terms.append((col, 1.0))
        p.add_row([(col, 1.0)] + [(k, -c) for k, c in per_goal.get(g, [])], -np.inf, 0.0)
    for ks in per_person.values():
        if len(ks) > 1:
            p.add_row([(k, 1.0) for k in ks], -np.inf, 1.0)
    p.add_row(p.cost_terms, -np.inf, inst.budget)
    for v, ks in per_seat.items():
        if v in scarce:
            p.add_row([(k, 1.0) for k in ks], -np.inf, inst.idle_seats.get(v, 0))
    return p


def _step(terms: list[tuple[int, float]]) -> float | None:
    """The grid of the objective's coefficients: 1/scale when all are multiples of it (scale 1..1000), else None."""
    coefs = [abs(v) for _, v in terms if v]
    for scale in (1, 10, 100, 1000):
        if all(abs(v * scale - round(v * scale)) < 1e-9 for v in coefs):
            return 1.0 / scale
    return None


def proof_gap(terms: list[tuple[int, float]], bound: float, sliver: float = 0.0) -> float:
    """The loosest relative MIP gap that still proves the exact optimum, or 0.

    When every objective coefficient is a multiple of 1/scale (scale 1, 10, 100 or
    1000), two plans' objectives differ by at least 1/scale (less the tie-breaking
    sliver); with the objective at most `bound` in size, a relative gap below that
    step over the bound proves optimality, so HiGHS stops as soon as it has proved it
    instead of chasing the last decimals. Other coefficients get gap 0.
    """
    step = _step(terms) if any(v for _, v in terms) else None
    if step is None or step - sliver <= 0:
        return 0.0
    return 0.9 * (step - sliver) / (abs(bound) + 1.0)


def _floor_for(terms: list[tuple[int, float]], best: float) -> float:
    """The lower bound that fixes a stage's optimum for the next stage.

    Half a grid step below the optimum: no plan lies between, and the solver's own
    feasibility tolerance can never make the fixed optimum look infeasible.
    """
    step = _step(terms)
    return best - (0.5 * step if step else 1e-6 * max(1.0, abs(best)))


def _run(p: _Program, objective: np.ndarray, time_left: float, gap: float = 0.0):
    """One milp call; returns (solution vector or None, proven optimal).

    Presolve is off: the bundle program needs none (its relaxation is nearly integral
    already), and the dense rows that fix an earlier stage's optimum make HiGHS's
    presolve take longer than the whole solve. Should HiGHS report a numerical solve
    error that way, the stage is run once more with presolve.
    """
    res = None
    for presolve in (False, True):
        if time_left <= 0:
            return None, False
        started = time.perf_counter()
        res = milp(objective, integrality=p.integrality, bounds=Bounds(np.zeros(p.n), p.upper),
                   constraints=p.constraints(),
                   options={"time_limit": time_left, "disp": False, "mip_rel_gap": gap, "presolve": presolve})
        if res.status != 4:
            break
        time_left -= time.perf_counter() - started
    if res is None or res.x is None:
        return None, False
    return res.x, res.status == 0


def exact(inst: Instance, time_limit: float = DEFAULT_TIME_LIMIT,
          bs: list[Bundle] | None = None) -> tuple[list[int] | None, bool]:
    """The lexicographic optimum in stages: (chosen candidates, proven optimal), or (None, False)."""
    start = time.perf_counter()
    bs = bundles(inst) if bs is None else bs
    if not bs:
        return [], True  # no course closes a gap worth anything: the empty plan is the optimum
    p = build_program(inst, bs)
    chosen: list[int] | None = None
    optimal = True

    def left() -> float:
        return time_limit - (time.perf_counter() - start)

    def picked(x: np.ndarray) -> list[int]:
        return sorted(j for k, b in enumerate(bs) if x[k] > 0.5 for j in b.members)

    if p.goal_terms:
        x, ok = _run(p, p.objective(p.goal_terms, -1.0), left(), proof_gap(p.goal_terms, sum(inst.goal_needed.values())))
        if x is None:
            return None, False
        optimal &= ok
        chosen = picked(x)
        p.add_row(p.goal_terms, _floor_for(p.goal_terms, evaluate(inst, chosen).value.goal_progress), np.inf)
    if p.req_terms:
        x, ok = _run(p, p.objective(p.req_terms, -1.0), left(), proof_gap(p.req_terms, sum(g.weight for g in inst.gaps.values() if not g.is_goal)))
        if x is None:
            return chosen, False
        optimal &= ok
        chosen = picked(x)
        best = evaluate(inst, chosen).value.requirement_weight
        p.add_row(p.req_terms, _floor_for(p.req_terms, best), np.inf)
    total_hours = sum(h for _, h in p.hour_terms)
    sliver = 0.001
    obj = p.objective(p.cost_terms) + p.objective([(k, h * sliver / (total_hours + 1.0)) for k, h in p.hour_terms])
    x, ok = _run(p, obj, left(), proof_gap(p.cost_terms, inst.budget + sliver, sliver))
    if x is None:
        return chosen, False
    return picked(x), optimal and ok


def solve(inst: Instance, time_limit: float = DEFAULT_TIME_LIMIT, max_bundles: int = MAX_BUNDLES) -> Solution:
    """The best plan we can prove, else the best we found, never worse than the greedy baseline."""
    start = time.perf_counter()
    base = greedy(inst)
    base_eval = evaluate(inst, base)
    stats = {"candidates": len(inst.candidates), "people": len({c.employee_id for c in inst.candidates}),
             "bundles": None}
    if not inst.candidates:
        return Solution([], base_eval, "exact", True, time.perf_counter() - start,
                        "Nothing to plan: no course in the catalog closes any of the selected gaps.",
                        base_eval.value, stats)
    try:
        bs = bundles(inst, max_bundles)
    except TooLarge:
        return Solution(base, base_eval, "greedy", False, time.perf_counter() - start,
                        f"The instance has more than {max_bundles:,} course combinations, too many to solve exactly "
                        "in a few seconds: this is the greedy plan, not proven optimal.", base_eval.value, stats)
    stats["bundles"] = len(bs)
    chosen, optimal = exact(inst, max(time_limit - (time.perf_counter() - start), 0.5), bs)
    seconds = time.perf_counter() - start
    if chosen is None:
        return Solution(base, base_eval, "greedy", False, seconds,
                        f"The solver found no plan within {time_limit:g} s: this is the greedy plan, "
                        "not proven optimal.", base_eval.value, stats)
    found = evaluate(inst, chosen)
    if base_eval.feasible and (not found.feasible or base_eval.value.key() > found.value.key()):
        return Solution(base, base_eval, "greedy", False, seconds,
                        f"The solver stopped at the {time_limit:g} s limit with a plan worse than the greedy one: "
                        "this is the greedy plan, not proven optimal.", base_eval.value, stats)
    if optimal:
        return Solution(chosen, found, "exact", True, seconds,
                        f"Optimal plan (integer program, HiGHS) in {seconds:.2f} s.", base_eval.value, stats)
    return Solution(chosen, found, "exact (time limit)", False, seconds,
                    f"The solver reached the {time_limit:g} s limit: this is the best plan it found, at least as "
                    "good as the greedy one but not proven optimal.", base_eval.value, stats)
