"""Solving the planning problem: exactly as an integer program, or greedily, and knowing which.

The exact solver writes the objective of ``planner.model`` as a mixed-integer program
and hands it to SciPy's ``milp`` (the HiGHS solver). It chooses, for each employee, at
most one *bundle*: a set of their candidate courses that fits their hours cap and in
which every course closes a gap the others do not (a course that adds nothing is never
worth its cost or hours, nor given only as a back-up for a gap another member closes).
Each bundle knows exactly which gaps it closes and the chance of each (its members'
success rates), its hours, and its cost; a bundle with courses of a vendor whose idle
seats could run out comes in two versions, with and without one of that vendor's seats
(its courses then cost 0). Bundles that another bundle of the same person beats in
every respect (closes at least as much, each gap with at least the same chance, costs and
takes no more, uses no more seats) are dropped. Variables:

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

import time
from dataclasses import dataclass, field
from operator import itemgetter

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from planner import compact
from planner.model import Evaluation, Instance, PlanValue, evaluate

#: Above this many bundles the exact program is not even built: the greedy plan with its proven
#: bound, and the result says so. (The demo company, 1,200 people, has about 46,000.)
MAX_BUNDLES = 10_000
#: How close to each stage's optimum an expected-value plan is solved (relative): 0.01%.
EXPECTED_TOLERANCE = 1e-4
#: Branch-and-bound nodes each stage of the exact program may explore: a limit in work, not in
#: seconds, so an instance gives the same plan on any machine, busy or not.
STAGE_NODES = 5_000
#: Nodes the last stage (the lowest cost among the best plans, a tie-break) may explore.
COST_STAGE_NODES = 500
#: Seconds the exact solve may take: none by default (the node limits bound it); a number only
#: when asked (``--time-limit``), and then the plan may depend on the machine's speed.
DEFAULT_TIME_LIMIT: float | None = None
#: Seconds the cost stage may take at most when a time limit is asked for.
COST_STAGE_SECONDS = 3.0


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
    bundle_list: list | None = None  # the bundles the exact program was built on (None: not built)
    bound: Bound | None = None  # what no plan can exceed, when the plan is not proven optimal

    @property
    def value(self) -> PlanValue:
        return self.evaluation.value


# ------------------------------------------------------------------ greedy baseline


def greedy(inst: Instance) -> list[int]:
    """The greedy plan's candidates, in index order (see ``greedy_order``)."""
    order, taken = greedy_order(inst)
    return sorted(order[:taken])


def greedy_order(inst: Instance, then: float | None = None) -> tuple[list[int], int]:
    """The baseline: repeatedly take the affordable assignment with the most gain per unit of cost.

    Returns the candidates in the order taken and how many of them the instance's budget
    takes. With `then` (a larger budget), the same run goes on as if the budget had been
    `then` from where it stopped: the candidates skipped as unaffordable go back in the
    queue. ``along`` cuts that order at any budget up to `then`, the instance's budget
    giving the greedy plan itself: one run for the plan and every point of the budget curve.

    Gain is compared like the objective (goal progress first, then requirement weight);
    a free assignment (price 0, or an idle seat left) beats any paid one. Keys only fall
    as gaps close and seats run out, except when someone takes an idle seat (their other
    courses of that vendor become free), so a lazy priority queue with re-pushes is exact.

    A candidate's key is (-goal gain / cost, -requirement gain / cost, hours, index),
    smallest first, a cost under 1e-9 counting as 1e-9; the goal gain counts its open
    goal gaps whose goal is still short, the requirement gain adds up the weights of
    its open requirement gaps in the order of ``closes``. The queue is the first keys,
    sorted once, plus a heap of the re-pushed ones: the smaller of the two heads is the
    heap minimum, because with finite costs, hours and weights no key holds a NaN and
    keys are totally ordered. (With a NaN the plan would depend on the heap's layout, so
    then every key goes through one heap, built and used as the keys come.) Gaps, goals,
    people and (person, seat vendor) pairs are numbered once, and the state lives in
    lists indexed by those numbers.
    """
    return compact.greedy_order(compact.from_instance(inst), then)


def along(inst: Instance, order: list[int], budget: float) -> tuple[list[int], float]:
    """The candidates of a greedy order a smaller budget affords, taken in that order: (chosen, cost).

    Each is taken when it fits what is left of `budget`, at no cost when its person holds,
    or can still get, one of its vendor's idle seats (as ``greedy`` does). Leaving one out
    only leaves gaps open, hours and seats unused, so every later one still adds something
    and fits its person's hours: the budget curve's points are this order cut at each budget,
    one greedy run for all of them.
    """
    return along_each(inst, order, [budget])[0]


def along_each(inst: Instance, order: list[int], budgets: list[float]) -> list[tuple[list[int], float]]:
    """``along`` for several budgets in one pass over the order.

    Who gets an idle seat does not depend on the money (a free assignment is taken at any
    budget), so the seats are followed once and only the paid assignments are weighed
    against each budget.
    """
    return compact.along_each(compact.from_instance(inst), order, budgets)


# ------------------------------------------------------------------ a proven bound on any plan


@dataclass(frozen=True)
class Bound:
    """What no plan within the budget, the hours cap and the idle seats can exceed (expected values)."""

    goal_progress: float
    requirement_weight: float

    def shortfall(self, value: PlanValue) -> tuple[float, float]:
        """How far a plan's goal progress and requirement weight may lie below the best possible, as shares."""

        def share(reached: float, most: float) -> float:
            return max(most - reached, 0.0) / most if most > 1e-9 else 0.0

        return share(value.goal_progress, self.goal_progress), share(value.requirement_weight, self.requirement_weight)


def upper_bound(inst: Instance, chosen: list[int]) -> Bound:
    """A bound, proven for this instance, on the goal progress and the requirement weight of any plan.

    Both objectives are monotone submodular in the set of assignments (a gap's chance of
    being closed, 1 - prod(1 - p), and a goal's credit, capped at what it needs, grow by
    less the more is already planned). So for the plan A given and any feasible plan O,
    f(O) <= f(A) + sum over the assignments o of O not in A of gain(o | A), the gain o
    would add to A alone. O's extra assignments fall in three kinds, each bounded apart
    (each per objective): free ones (price 0, or an idle seat that cannot run out) fit
    each person's hours cap, so per person at most the most gain that fills the cap with
    fractions of courses; courses of a vendor whose idle seats can run out are free for
    at most that many people, so at most the largest such per-person gains, one per
    seat; and every paid one costs its price, so all together at most the most gain per
    unit of cost filling the budget with fractions of courses. The goal bound is also at
    most what the goals need in all.
    """
    ci = compact.from_instance(inst)
    goals, weight = compact.upper_bound(ci, compact.evaluate(ci, chosen))
    return Bound(goals, weight)


# ------------------------------------------------------------------ exact program


@dataclass(frozen=True)
class Bundle:
    """What one employee could take together: candidate indices and the exact effect."""

    employee_id: str
    members: tuple[int, ...]
    seats: frozenset[str]
    cost: float
    hours: float
    requirement_weight: float  # expected, to a thousandth
    goal_counts: tuple[tuple[str, float], ...]  # expected people per goal, to a thousandth
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


#: Hours on this grid (and at most _HOURS_MAX) add up exactly in floating point.
_HOURS_GRID = 1024.0
_HOURS_MAX = 2.0**20


class _Person:
    """One employee's candidates that close a gap worth something, in instance order, as plain lists.

    Each one's gaps are also bits of an int (bit i: the person's i-th gap), and its
    scarce seat vendor a bit of ``seat_bits`` (0 for none), so the set arithmetic of the
    enumeration is on ints. ``terms`` is what each costs when its employee holds no seat.
    """

    def __init__(
        self, inst: Instance, employee_id: str, idx: list[int], vendor_of: list[str | None], seat_bits: dict[str, int]
    ):
        self.employee_id = employee_id
        useful = {j: frozenset(k for k in inst.candidates[j].closes if _valuable(inst, k)) for j in idx}
        self.idx = [j for j in idx if useful[j]]
        self.useful = [useful[j] for j in self.idx]
        self.hours = [inst.candidates[j].hours for j in self.idx]
        self.seat = [seat_bits.get(vendor_of[j], 0) for j in self.idx]
        self.terms = [
            0.0 if vendor_of[j] is not None and vendor_of[j] not in seat_bits else inst.candidates[j].cost
            for j in self.idx
        ]
        bit: dict = {}
        self.masks = []
        for u in self.useful:
            m = 0
            for k in u:
                m |= 1 << bit.setdefault(k, len(bit))
            self.masks.append(m)
        self.gaps = (1 << len(bit)) - 1

    def cost(self, members: tuple[int, ...] | list[int], seats: int) -> float:
        """What the members (positions) cost together with these seats: a held seat's vendor's courses are free."""
        terms, seat = self.terms, self.seat
        return round(sum([0.0 if seat[p] & seats else terms[p] for p in members]), 2)

    def subsets(self, cap: float, limit: int) -> list[tuple[tuple[int, ...], frozenset, int, int]]:
        """Irredundant sets of the candidates within the hours cap (each course adds a gap).

        Each as its positions, its gaps, their bits and the bits of its scarce seat vendors.

        The walk adds candidates in order, each one closing a gap the ones before it do
        not; a set is irredundant when each member closes a gap no other member closes.
        Raises TooLarge after `limit` steps: a person with very many candidates would make
        the enumeration (and the program) too large to solve in a few seconds.
        """
        useful, masks, hours, seat = self.useful, self.masks, self.hours, self.seat
        top = cap + 1e-9
        found: list[tuple[tuple[int, ...], frozenset, int, int]] = []
        steps = 0

        def walk(
            start: int,
            chosen: list[int],
            closed: frozenset,
            once: int,
            twice: int,
            seats: int,
            spent: float,
            irredundant: bool,
        ) -> None:
            # once: gaps some member closes; twice: gaps two or more members close. The new
            # member closes a gap no other does; an earlier one may have lost its last one,
            # but only if the new one closes a gap closed before.
            nonlocal steps
            for k in range(start, len(masks)):
                m = masks[k]
                if spent + hours[k] > top or not m & ~once:
                    continue
                steps += 1
                if steps > limit:
                    raise TooLarge
                union = closed | useful[k]
                more = twice | (once & m)
                ok = irredundant and (not once & m or all(masks[p] & ~more for p in chosen))
                members = chosen + [k]
                if ok:
                    found.append((tuple(members), union, once | m, seats | seat[k]))
                walk(k + 1, members, union, once | m, more, seats | seat[k], spent + hours[k], ok)

        walk(0, [], frozenset(), 0, 0, 0, 0.0, True)
        return found

    def kept_at_least(self, cap: float, enough: int) -> int:
        """A lower bound on how many of this person's bundles survive the dominance filter of ``bundles``.

        Counting stops at `enough`. At least one survives when any candidate fits the cap.
        Beyond that, when every candidate that fits takes a positive number of hours on a
        grid that adds up exactly: call a candidate *fastest* for a gap when every other
        candidate closing the gap takes strictly more hours. Give each candidate that is
        fastest for some gap one such gap (of those, the one the fewest candidates close),
        and take a set T of such candidates whose chosen gaps have pairwise disjoint sets
        of closers and whose hours fit the cap. T is a bundle (each member alone closes its
        chosen gap), and no other set of courses dominates it: closing T's chosen gaps
        takes a distinct closer of each, each as long as T's member or longer, so any other
        set takes strictly more hours. A seat version of T then survives unless a version
        with fewer seats costs no more, which is checked on the costs themselves.
        """
        hours, top = self.hours, cap + 1e-9
        fits = [p for p in range(len(hours)) if not hours[p] > top]  # as the walk tests a single course
        if not fits:
            return 0
        if not all(0.0 < hours[p] <= _HOURS_MAX and (hours[p] * _HOURS_GRID).is_integer() for p in fits):
            return 1
        closers: dict = {}
        for p in fits:
            for k in self.useful[p]:
                closers[k] = closers.get(k, 0) | 1 << p
        chosen: dict[int, int] = {}  # fastest candidate -> the closers of its chosen gap, as bits
        for p in fits:
            for k in self.useful[p]:
                them = closers[k]
                if all(hours[q] > hours[p] for q in fits if them >> q & 1 and q != p) and (
                    p not in chosen or (them.bit_count(), them) < (chosen[p].bit_count(), chosen[p])
                ):
                    chosen[p] = them
        order = sorted(chosen)
        seat = self.seat
        count = 0

        def versions(members: list[int], seats: int) -> int:
            if not seats:
                return 1
            if not seats & (seats - 1):  # one vendor: with its seat and without
                return 1 + (self.cost(members, 0) > self.cost(members, seats))
            costs = {s: self.cost(members, s) for s in _submasks(seats)}
            return sum(all(c > cost for f, c in costs.items() if f & s == f and f != s) for s, cost in costs.items())

        def walk(start: int, members: list[int], used: int, seats: int, spent: float) -> None:
            nonlocal count
            for i in range(start, len(order)):
                p = order[i]
                if count >= enough:
                    return
                if chosen[p] & used or spent + hours[p] > top:
                    continue
                count += versions(members + [p], seats | seat[p])
                walk(i + 1, members + [p], used | chosen[p], seats | seat[p], spent + hours[p])

        walk(0, [], 0, 0, 0.0)
        return max(count, 1)


def _chances(inst: Instance, members: tuple[int, ...]) -> dict:
    """Each gap the candidates close, with the chance at least one of them ends in its skill."""
    missed: dict = {}
    for j in members:
        c = inst.candidates[j]
        for k in c.closes:
            missed[k] = missed.get(k, 1.0) * (1.0 - c.p)
    return {k: 1.0 - m for k, m in missed.items()}


def _at_least_as_likely(kept: dict, other: dict) -> bool:
    """Whether every gap `other` closes is closed by `kept` with at least the same chance."""
    return all(kept.get(k, 0.0) >= v - 1e-12 for k, v in other.items())


def _undominated(ranked: list[tuple], gaps: int) -> list[tuple]:
    """The bundles of one person (ranked as in ``bundles``) that no bundle kept before them dominates.

    Dominating: closing at least the same gaps, costing and taking no more, using no more
    seats. Ranked by cost first, every bundle kept before costs no more, so what decides
    is the fewest hours of a kept bundle per (gaps, seats) among supersets of the gaps
    and subsets of the seats: whichever are fewer, those are looked up or the kept ones
    scanned. `gaps` has a bit for each gap of the person. A cost or hours that is not a
    number (never from the warehouse) orders nothing; then each kept bundle is compared
    in full.

    When some course may not succeed, closing the same gaps is not enough: the dominating
    bundle must also close each of them with at least the same chance (r[8]), so each
    kept bundle is compared in full then too.
    """
    kept = []
    certain = all(v == 1.0 for r in ranked for v in r[8].values())
    if not certain or not all(r[0] == r[0] and r[1] == r[1] for r in ranked):
        for r in ranked:
            if not any(
                k[7] & r[7] == r[7]
                and k[0] <= r[0]
                and k[1] <= r[1]
                and not k[5] & ~r[5]
                and (certain or _at_least_as_likely(k[8], r[8]))
                for k in kept
            ):
                kept.append(r)
        return kept
    fewest: dict[tuple[int, int], float] = {}  # (gap bits, seat bits) -> fewest hours of a kept bundle
    for r in ranked:
        hours, seats, bits = r[1], r[5], r[7]
        free = gaps & ~bits
        if len(fewest) <= 1 << (free.bit_count() + seats.bit_count()):
            dominated = any(b & bits == bits and not s & ~seats and h <= hours for (b, s), h in fewest.items())
        else:
            dominated, more = False, free
            while not dominated:
                wider, fewer = bits | more, seats
                while True:
                    h = fewest.get((wider, fewer))
                    if h is not None and h <= hours:
                        dominated = True
                        break
                    if not fewer:
                        break
                    fewer = (fewer - 1) & seats
                if not more:
                    break
                more = (more - 1) & free
        if not dominated:
            kept.append(r)
            fewest[(bits, seats)] = hours
    return kept


def _submasks(mask: int) -> list[int]:
    """Every subset of the bits of `mask`, in increasing order (2^bits of them, not 2^highest bit)."""
    out, s = [], mask
    while True:
        out.append(s)
        if not s:
            return out[::-1]
        s = (s - 1) & mask


def bundles(inst: Instance, limit: int = MAX_BUNDLES) -> list[Bundle]:
    """Every employee's undominated bundles (see the module docstring); TooLarge past `limit`.

    First the lower bounds of ``_Person.kept_at_least`` are added up over the employees:
    past `limit`, enumerating would end in TooLarge too, so it is raised at once.
    """
    scarce = sorted(scarce_seat_vendors(inst))
    seat_bits = {v: 1 << i for i, v in enumerate(scarce)}
    cap = inst.hours_cap if inst.hours_cap is not None else float("inf")
    vendor_of = [inst.seat_vendor(c) for c in inst.candidates]
    per_person: dict[str, list[int]] = {}
    for j, c in enumerate(inst.candidates):
        per_person.setdefault(c.employee_id, []).append(j)
    # Each person with a course that fits the cap and closes a gap worth something keeps a bundle:
    # more such people than the limit need no closer look.
    top = cap + 1e-9
    keeping = {
        c.employee_id for c in inst.candidates if not c.hours > top and any(_valuable(inst, k) for k in c.closes)
    }
    if len(keeping) > limit:
        raise TooLarge
    people: dict[str, _Person] = {}
    at_least = 0
    # Most candidates first: their bounds are the largest, so the sum passes the limit soonest.
    for employee in sorted(per_person, key=lambda e: (-len(per_person[e]), e)):
        person = people[employee] = _Person(inst, employee, per_person[employee], vendor_of, seat_bits)
        at_least += person.kept_at_least(cap, limit + 1 - at_least)
        if at_least > limit:
            raise TooLarge
    seat_sets: dict[int, frozenset[str]] = {}
    out: list[Bundle] = []
    for employee in sorted(people):
        person = people[employee]
        found = person.subsets(cap, limit - len(out))
        # (cost, hours, number of seats, -number of gaps, members, seat bits, found, gap bits, chances)
        ranked = []
        for i, (members, closes, bits, vendors) in enumerate(found):
            js = tuple([person.idx[p] for p in members])
            hours = sum([person.hours[p] for p in members])
            chances = _chances(inst, js)
            for seats in _submasks(vendors):
                ranked.append(
                    (person.cost(members, seats), hours, seats.bit_count(), -len(closes), js, seats, i, bits, chances)
                )
        ranked.sort(key=itemgetter(0, 1, 2, 3, 4))
        described: dict[int, tuple[float, tuple[tuple[str, float], ...]]] = {}
        for cost, hours, _, _, js, seats, i, _, chances in _undominated(ranked, person.gaps):
            closes = found[i][1]
            if i not in described:
                weight = sum(inst.gaps[k].weight * chances[k] for k in closes if not inst.gaps[k].is_goal)
                goals: dict[str, float] = {}
                for k in sorted(closes):
                    if inst.gaps[k].is_goal:
                        goals[inst.gaps[k].goal_id] = goals.get(inst.gaps[k].goal_id, 0.0) + chances[k]
                described[i] = (round(weight, 3), tuple(sorted((g, round(n, 3)) for g, n in goals.items())))
            if seats not in seat_sets:
                seat_sets[seats] = frozenset(v for v in scarce if seat_bits[v] & seats)
            out.append(Bundle(person.employee_id, js, seat_sets[seats], cost, hours, *described[i], closes))
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


def _run(p: _Program, objective: np.ndarray, time_left: float | None, gap: float = 0.0, nodes: int = STAGE_NODES):
    """One milp call within `nodes` branch-and-bound nodes (and `time_left` seconds, unless None);
    returns (solution vector or None, proven optimal).

    Presolve is off: the bundle program needs none (its relaxation is nearly integral
    already), and the dense rows that fix an earlier stage's optimum make HiGHS's
    presolve take longer than the whole solve. Should HiGHS report a numerical solve
    error that way, the stage is run once more with presolve.
    """
    res = None
    for presolve in (False, True):
        if time_left is not None and time_left <= 0:
            return None, False
        started = time.perf_counter()
        options = {"disp": False, "mip_rel_gap": gap, "presolve": presolve, "node_limit": nodes}
        if time_left is not None:
            options["time_limit"] = time_left
        res = milp(
            objective,
            integrality=p.integrality,
            bounds=Bounds(np.zeros(p.n), p.upper),
            constraints=p.constraints(),
            options=options,
        )
        if res.status != 4:
            break
        if time_left is not None:
            time_left -= time.perf_counter() - started
    if res is None or res.x is None:
        return None, False
    return res.x, res.status == 0


def exact(
    inst: Instance, time_limit: float | None = DEFAULT_TIME_LIMIT, bs: list[Bundle] | None = None
) -> tuple[list[int] | None, bool, bool]:
    """The lexicographic optimum in stages: (chosen candidates, goals and requirements proven optimal,
    lowest cost proven), or (None, False, False)."""
    start = time.perf_counter()
    bs = bundles(inst) if bs is None else bs
    if not bs:
        return [], True, True  # no course closes a gap worth anything: the empty plan is the optimum
    p = build_program(inst, bs)
    chosen: list[int] | None = None
    optimal = True
    # Expected values (some course may not succeed) lie on no grid: each stage is solved to
    # within EXPECTED_TOLERANCE of its optimum, and the next keeps it within that much.
    tolerance = 0.0 if all(c.p == 1.0 for c in inst.candidates) else EXPECTED_TOLERANCE

    def fix(terms: list[tuple[int, float]], best: float) -> float:
        """The floor that keeps a stage's optimum for the stages after it."""
        if tolerance:
            return best - tolerance * abs(best) - 1e-6
        return _floor_for(terms, best)

    def left() -> float | None:
        return None if time_limit is None else time_limit - (time.perf_counter() - start)

    def picked(x: np.ndarray) -> list[int]:
        return sorted(j for k, b in enumerate(bs) if x[k] > 0.5 for j in b.members)

    def reached(terms: list[tuple[int, float]], x: np.ndarray) -> float:
        """The stage's optimum as the program counts it (bundle choices rounded to 0 or 1)."""
        xr = np.where(p.integrality > 0, np.round(x), x)
        return float(p.objective(terms) @ xr)

    if p.goal_terms:
        x, ok = _run(
            p,
            p.objective(p.goal_terms, -1.0),
            left(),
            max(proof_gap(p.goal_terms, sum(inst.goal_needed.values())), tolerance),
        )
        if x is None:
            return None, False, False
        optimal &= ok
        chosen = picked(x)
        p.add_row(p.goal_terms, fix(p.goal_terms, reached(p.goal_terms, x)), np.inf)
    if p.req_terms:
        x, ok = _run(
            p,
            p.objective(p.req_terms, -1.0),
            left(),
            max(proof_gap(p.req_terms, sum(g.weight for g in inst.gaps.values() if not g.is_goal)), tolerance),
        )
        if x is None:
            return chosen, False, False
        optimal &= ok
        chosen = picked(x)
        p.add_row(p.req_terms, fix(p.req_terms, reached(p.req_terms, x)), np.inf)
    total_hours = sum(h for _, h in p.hour_terms)
    sliver = 0.001
    obj = p.objective(p.cost_terms) + p.objective([(k, h * sliver / (total_hours + 1.0)) for k, h in p.hour_terms])
    # The lowest cost among the best plans is a tie-break: it gets at most COST_STAGE_NODES (and
    # COST_STAGE_SECONDS under a time limit); when that does not prove it, the cheaper of the plans
    # found so far stands.
    x, ok = _run(
        p,
        obj,
        None if time_limit is None else min(left(), COST_STAGE_SECONDS),
        max(proof_gap(p.cost_terms, inst.budget + sliver, sliver), tolerance),
        COST_STAGE_NODES,
    )
    if x is None:
        return chosen, optimal, False
    found = picked(x)
    if chosen is not None and not ok and evaluate(inst, chosen).value.key() > evaluate(inst, found).value.key():
        found = chosen
    return found, optimal, ok


def bound_text(value: PlanValue, bound: Bound) -> str:
    """The proven bound in one sentence: what no plan can exceed, and how close this plan is."""
    goal_short, weight_short = bound.shortfall(value)
    parts = []
    if bound.goal_progress > 1e-9:
        parts.append(
            f"{bound.goal_progress:,.1f} expected goal progress (this plan: {value.goal_progress:,.1f}, "
            f"within {goal_short:.1%})"
        )
    if bound.requirement_weight > 1e-9:
        parts.append(
            f"{bound.requirement_weight:,.1f} expected requirement weight (this plan: "
            f"{value.requirement_weight:,.1f}, within {weight_short:.1%})"
        )
    if not parts:
        return "No plan can close any gap worth something."
    return "No plan within this budget and these caps reaches more than " + " or ".join(parts) + "."


def greedy_text(why: str, value: PlanValue, bound: Bound) -> str:
    """Why the greedy plan is the one shown, and how far from the best it can be."""
    return (
        f"{why}: this is the greedy plan, not proven optimal (most expected gain per unit of cost first). "
        + bound_text(value, bound)
    )


def too_large_text(max_bundles: int) -> str:
    return f"The instance has more than {max_bundles:,} course combinations, too many to solve exactly in a few seconds"


def _limit_text(time_limit: float | None) -> str:
    return "its work limit" if time_limit is None else f"the {time_limit:g} s limit"


def solve(
    inst: Instance,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    max_bundles: int = MAX_BUNDLES,
    bs: list[Bundle] | None = None,
    base: list[int] | None = None,
) -> Solution:
    """The best plan we can prove, else the best we found, never worse than the greedy baseline.

    Deterministic unless `time_limit` is given: the exact program is built only for instances
    of at most `max_bundles` course combinations and each of its stages stops after a number
    of nodes, not seconds. A plan not proven optimal comes with ``upper_bound``'s proven bound.

    `bs`: the instance's bundles, when they are known already (they do not depend on the
    budget, so solving one instance for several budgets enumerates them once; the
    solution's ``bundle_list`` hands them on). `base`: the greedy plan, when known already.
    """
    start = time.perf_counter()
    base = greedy(inst) if base is None else base
    base_eval = evaluate(inst, base)
    stats = {
        "candidates": len(inst.candidates),
        "people": len({c.employee_id for c in inst.candidates}),
        "bundles": None,
        "greedy_seconds": time.perf_counter() - start,
    }
    if not inst.candidates:
        return Solution(
            [],
            base_eval,
            "exact",
            True,
            time.perf_counter() - start,
            "Nothing to plan: no course in the catalog closes any of the selected gaps.",
            base_eval.value,
            stats,
        )

    def greedy_plan(why: str, found_bundles: list | None = None) -> Solution:
        """The greedy plan, saying why it is the one shown and how far from the best it can be."""
        started = time.perf_counter()
        bound = upper_bound(inst, base)
        stats["bound_seconds"] = time.perf_counter() - started
        return Solution(
            base,
            base_eval,
            "greedy",
            False,
            time.perf_counter() - start,
            greedy_text(why, base_eval.value, bound),
            base_eval.value,
            stats,
            found_bundles,
            bound,
        )

    try:
        bs = bundles(inst, max_bundles) if bs is None else bs
    except TooLarge:
        return greedy_plan(too_large_text(max_bundles))
    stats["bundles"] = len(bs)
    found_bundles = bs
    chosen, optimal, cheapest = exact(
        inst, None if time_limit is None else max(time_limit - (time.perf_counter() - start), 0.5), bs
    )
    seconds = time.perf_counter() - start
    if chosen is None:
        return greedy_plan(f"The solver found no plan within {_limit_text(time_limit)}", found_bundles)
    found = evaluate(inst, chosen)
    expected = any(c.p != 1.0 for c in inst.candidates)
    within = f" within {EXPECTED_TOLERANCE:.2%} of the optimum" if expected else ""
    if base_eval.feasible and found.feasible and optimal and expected and base_eval.value.key() > found.value.key():
        # Each stage is proved to within the tolerance, and the greedy plan is better still: it is within it too.
        return Solution(
            base,
            base_eval,
            "greedy",
            True,
            seconds,
            f"The greedy plan, proven{within} by the integer program (HiGHS, {seconds:.2f} s), "
            "which found none better.",
            base_eval.value,
            stats,
            found_bundles,
        )
    if base_eval.feasible and (not found.feasible or base_eval.value.key() > found.value.key()):
        return greedy_plan(
            f"The solver stopped at {_limit_text(time_limit)} with a plan worse than the greedy one", found_bundles
        )
    if optimal:
        return Solution(
            chosen,
            found,
            "exact",
            True,
            seconds,
            f"Optimal plan{within} (integer program, HiGHS) in {seconds:.2f} s."
            if cheapest
            else f"Optimal plan{within} for the goals and role requirements (integer program, HiGHS) in "
            f"{seconds:.2f} s; its cost is the lowest found within {_limit_text(time_limit)}, not proven the lowest.",
            base_eval.value,
            stats,
            found_bundles,
        )
    started = time.perf_counter()
    bound = upper_bound(inst, chosen)
    stats["bound_seconds"] = time.perf_counter() - started
    return Solution(
        chosen,
        found,
        "exact (time limit)" if time_limit is not None else "exact (work limit)",
        False,
        seconds,
        f"The solver reached {_limit_text(time_limit)}: this is the best plan it found, at least as "
        "good as the greedy one but not proven optimal. " + bound_text(found.value, bound),
        base_eval.value,
        stats,
        found_bundles,
        bound,
    )


def solve_compact(
    built: compact.Built,
    goal_needed: dict[str, int],
    idle_seats: dict[str, int],
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    max_bundles: int = MAX_BUNDLES,
    base: list[int] | None = None,
) -> Solution:
    """``solve`` for an instance built on columns (``compact.from_frame``), with the same result.

    When more people keep a course combination than `max_bundles` (``bundles`` would raise
    TooLarge before looking at anyone), the greedy plan and its proven bound are worked out on
    the columns, and no Gap or Candidate object is made; otherwise the instance is turned into
    objects (a small one) and ``solve`` runs on it. The solution's evaluation is then a
    ``compact.ArrayEvaluation`` (its costs per chosen candidate in ``costs``, in order).
    """
    start = time.perf_counter()
    ci = built.ci
    if base is None:
        order, taken = compact.greedy_run(ci)
        base = sorted(order[:taken])
    if not ci.n or compact.keeping(ci) <= max_bundles:
        return solve(compact.to_instance(built, goal_needed, idle_seats), time_limit, max_bundles, base=base)
    base_eval = compact.evaluate(ci, base)
    stats = {
        "candidates": ci.n,
        "people": len(np.unique(ci.cand_person)),
        "bundles": None,
        "greedy_seconds": time.perf_counter() - start,
    }
    started = time.perf_counter()
    bound = Bound(*compact.upper_bound(ci, base_eval))
    stats["bound_seconds"] = time.perf_counter() - started
    return Solution(
        base,
        base_eval,
        "greedy",
        False,
        time.perf_counter() - start,
        greedy_text(too_large_text(max_bundles), base_eval.value, bound),
        base_eval.value,
        stats,
        None,
        bound,
    )
