"""The planning problem on arrays: no Python object per gap or per candidate.

``planner.model.Instance`` holds one ``Gap`` per gap and one ``Candidate`` per (employee,
course) pair; for the whole of a large company that is hundreds of thousands of objects,
and making them cost more than solving. ``Compact`` is the same instance as columns:

- people (employee ids, sorted) are numbered, and so are goals, vendors and courses;
- each gap is a row: its person, its goal (-1 for a role requirement) and its weight;
- each candidate is a row: its person, course, cost, hours, success rate and the vendor
  whose idle seat could make it free (``Instance.seat_vendor``), and the gaps it closes
  are a run of ``close_gap`` (``close_ptr[j]:close_ptr[j + 1]``), in the order of
  ``Candidate.closes``.

``from_frame`` builds it from the warehouse's gap rows without ever making those objects:
people alike in the (skill, needed level, goal) of their gaps form a class, the class's
candidates are worked out once on its first member (``model._person_candidates`` and
``model.prune_dominated``, the rules of ``model.build_instance``) and repeated for every
member with numpy, in ``build_instance``'s order, so candidate j here is candidate j there.
``from_instance`` turns an ``Instance`` into one (the object API of ``planner.solve`` runs
on it), and ``to_instance`` goes back for the exact program, which only small instances get.

The greedy run (``greedy_order``), the cut of its order at other budgets (``along_each``),
the exact evaluation of a plan (``evaluate``) and the proven bound (``upper_bound``) are
written once, here, on arrays; ``planner.solve`` and ``planner.model`` give their object
forms.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from planner.model import (
    Candidate,
    Gap,
    Instance,
    Offer,
    PlanValue,
    _offers_by_skill,
    _person_candidates,
    prune_dominated,
)


@dataclass
class Classes:
    """People alike: the same gaps (skill, needed level, goal, weight) in the same order, so the same candidates.

    Person e's candidates are ``start[e]`` onwards, one per template of their class, in the
    template order; template t of class k is row ``first[k] + t`` of the template columns
    (cost, hours, p, seat, and the places, in the person's list of gaps, of the gaps it closes).
    """

    of_person: list[int]
    start: list[int]
    size: list[int]
    first: list[int]
    cost: list[float]
    hours: list[float]
    p: list[float]
    seat: list[int]
    places: list[tuple[int, ...]]
    place_goal: list[list[int]]
    place_weight: list[list[float]]


@dataclass
class Compact:
    """An instance as columns (see the module docstring)."""

    people: list[str]  # employee ids; person p is people[p]
    person_rank: np.ndarray  # each person's place among the employee ids sorted (ties in evaluate go to the first)
    goals: list[str]  # goal ids; goal i is goals[i]
    goal_need: np.ndarray  # people each goal still needs (0 for a goal not served)
    vendors: list[str]  # vendors with idle seats; vendor v is vendors[v]
    idle: np.ndarray  # idle seats per vendor
    gap_person: np.ndarray
    gap_goal: np.ndarray  # -1: a role requirement
    gap_weight: np.ndarray  # 0 for a goal's gap
    courses: list[str]
    cand_person: np.ndarray
    cand_course: np.ndarray
    cost: np.ndarray
    hours: np.ndarray
    p: np.ndarray
    seat: np.ndarray  # the vendor whose idle seat could make it free, -1 when none can
    close_ptr: np.ndarray
    close_gap: np.ndarray
    budget: float
    hours_cap: float | None
    need_total: float = 0.0  # what every goal asked of the plan needs in all (goals without a gap here too)
    course_vendor: list[str | None] = field(default_factory=list)
    classes: Classes | None = None  # people alike, when built from gap rows (from_frame)

    @property
    def n(self) -> int:
        return len(self.cost)

    def close_owner(self) -> np.ndarray:
        """For each entry of close_gap, the candidate it belongs to."""
        return np.repeat(np.arange(self.n), np.diff(self.close_ptr))


# ------------------------------------------------------------------ from and to objects


def from_instance(inst: Instance) -> Compact:
    """The same instance as columns (candidates and gaps in the instance's order)."""
    gap_index = {key: g for g, key in enumerate(inst.gaps)}
    people = sorted({c.employee_id for c in inst.candidates} | {g.employee_id for g in inst.gaps.values()})
    person = {e: i for i, e in enumerate(people)}
    goals: list[str] = []
    goal_index: dict[str, int] = {}
    for gap in inst.gaps.values():
        if gap.is_goal and gap.goal_id not in goal_index:
            goal_index[gap.goal_id] = len(goals)
            goals.append(gap.goal_id)
    vendors = sorted(v for v, n in inst.idle_seats.items() if n > 0)
    vendor_index = {v: i for i, v in enumerate(vendors)}
    courses: list[str] = []
    course_index: dict[str, int] = {}
    course_vendor: list[str | None] = []
    for c in inst.candidates:
        if c.course_id not in course_index:
            course_index[c.course_id] = len(courses)
            courses.append(c.course_id)
            course_vendor.append(c.vendor)
    ptr = [0]
    close_gap: list[int] = []
    for c in inst.candidates:
        close_gap.extend(gap_index[k] for k in c.closes)
        ptr.append(len(close_gap))
    gaps = list(inst.gaps.values())
    return Compact(
        people=people,
        person_rank=np.arange(len(people)),
        goals=goals,
        goal_need=np.array([float(inst.goal_needed.get(g, 0)) for g in goals], dtype=float),
        vendors=vendors,
        idle=np.array([inst.idle_seats[v] for v in vendors], dtype=np.int64),
        gap_person=np.array([person[g.employee_id] for g in gaps], dtype=np.int64),
        gap_goal=np.array([goal_index[g.goal_id] if g.is_goal else -1 for g in gaps], dtype=np.int64),
        gap_weight=np.array([0.0 if g.is_goal else g.weight for g in gaps], dtype=float),
        courses=courses,
        cand_person=np.array([person[c.employee_id] for c in inst.candidates], dtype=np.int64),
        cand_course=np.array([course_index[c.course_id] for c in inst.candidates], dtype=np.int64),
        cost=np.array([c.cost for c in inst.candidates], dtype=float),
        hours=np.array([c.hours for c in inst.candidates], dtype=float),
        p=np.array([c.p for c in inst.candidates], dtype=float),
        seat=np.array(
            [vendor_index[v] if (v := inst.seat_vendor(c)) is not None else -1 for c in inst.candidates],
            dtype=np.int64,
        ),
        close_ptr=np.array(ptr, dtype=np.int64),
        close_gap=np.array(close_gap, dtype=np.int64),
        budget=float(inst.budget),
        hours_cap=inst.hours_cap,
        need_total=float(sum(inst.goal_needed.values())),
        course_vendor=course_vendor,
    )


# ------------------------------------------------------------------ from the warehouse's gap rows


@dataclass
class Built:
    """A compact instance built from gap rows, with what the report needs to name things."""

    ci: Compact
    frame: pl.DataFrame  # the served gap rows, in instance order, with person and gap numbers
    classes: int  # how many classes of people alike


def from_frame(
    gaps: pl.DataFrame,
    offers: list[Offer],
    goal_needed: dict[str, int],
    idle_seats: dict[str, int],
    budget: float,
    hours_cap: float | None = None,
) -> Built:
    """``model.build_instance`` on the rows of ``load_gaps`` (the served ones), without a Gap or Candidate per row.

    Rows are taken per employee (employees sorted, each one's rows in the frame's order), as
    ``build_instance`` takes the Gap list made from them; the same candidates come out, in the
    same order.
    """
    frame = (
        gaps.select("employee_id", "skill", "needed", "weight", "goal_id")
        .with_columns(pl.col("needed").cast(pl.Int64), pl.col("weight").cast(pl.Float64))
        .with_row_index("row")
        .sort("employee_id", "row")
        .drop("row")
    )
    people_frame = frame.select("employee_id").unique(maintain_order=True)
    people = people_frame["employee_id"].to_list()
    frame = frame.with_columns(
        pl.col("employee_id").rle_id().cast(pl.Int64).alias("person"),
        pl.int_range(pl.len(), dtype=pl.Int64).alias("gap"),
    )
    # Requirement gaps keep their weight; a goal's gap weighs 0 (model.goal_gap).
    frame = frame.with_columns(
        pl.when(pl.col("goal_id").is_null()).then(pl.col("weight")).otherwise(0.0).alias("weight")
    )
    goals = frame.filter(pl.col("goal_id").is_not_null())["goal_id"].unique(maintain_order=True).to_list()
    goal_index = {g: i for i, g in enumerate(goals)}
    vendors = sorted(v for v, n in idle_seats.items() if n > 0)
    vendor_index = {v: i for i, v in enumerate(vendors)}

    # The shape of each person: the (skill, needed, goal, weight) of each gap, in order, as a list of codes.
    codes = frame.select(pl.struct("skill", "needed", "goal_id", "weight").rank("dense").alias("code"))
    shape_of = (
        frame.select("person", "gap")
        .with_columns(codes)
        .group_by("person", maintain_order=True)
        .agg(pl.col("code").alias("shape"), pl.col("gap").first().alias("first_gap"), pl.len().alias("count"))
    )
    # Classes numbered in the order of their first member; each person's class.
    classes = shape_of.group_by("shape", maintain_order=True).agg(pl.col("person")).with_row_index("cls")
    person_class = classes.select("cls", "person").explode("person").sort("person")
    shape_of = shape_of.with_columns(person_class["cls"].alias("cls"))
    firsts = classes.select("cls", pl.col("person").list.first().alias("person")).with_columns(
        pl.col("person").replace_strict(shape_of["person"], shape_of["first_gap"]).alias("first_gap")
    )
    by_skill = _offers_by_skill(offers, hours_cap)
    skill = frame["skill"].to_list()
    needed = frame["needed"].to_list()
    goal_col = frame["goal_id"].to_list()
    weight_col = frame["weight"].to_list()
    count_of_person = shape_of["count"].to_list()
    courses: list[str] = []
    course_index: dict[str, int] = {}
    course_vendor: list[str | None] = []
    # per class: its template candidates (course, cost, hours, p, seat vendor) and the places each closes
    t_cls, t_course, t_cost, t_hours, t_p, t_seat, t_nplaces = [], [], [], [], [], [], []
    place_goal: list[list[int]] = []  # per class: the goal of each of its gaps (-1: a requirement)
    place_weight: list[list[float]] = []  # per class: the weight of each of its gaps
    t_place_lists: list[tuple[int, ...]] = []
    t_places: list[int] = []
    n_templates = np.zeros(classes.height, dtype=np.int64)
    for cls, person, first_gap in firsts.iter_rows():
        k = count_of_person[person]
        employee = people[person]
        mine = [
            Gap(
                ("goal", goal_col[i], employee) if goal_col[i] is not None else ("req", employee, skill[i]),
                employee,
                skill[i],
                0,
                needed[i],
                weight_col[i] if goal_col[i] is None else 0.0,
                goal_col[i],
            )
            for i in range(first_gap, first_gap + k)
        ]
        own = prune_dominated(_person_candidates(employee, mine, by_skill), idle_seats)
        place_goal.append([goal_index[g.goal_id] if g.goal_id is not None else -1 for g in mine])
        place_weight.append([g.weight for g in mine])
        place = {g.key: i for i, g in enumerate(mine)}
        n_templates[cls] = len(own)
        for c in own:
            if c.course_id not in course_index:
                course_index[c.course_id] = len(courses)
                courses.append(c.course_id)
                course_vendor.append(c.vendor)
            places = sorted(place[key] for key in c.closes)
            t_cls.append(cls)
            t_course.append(course_index[c.course_id])
            t_cost.append(c.cost)
            t_hours.append(c.hours)
            t_p.append(c.p)
            seat = c.vendor if (c.cost > 0 and c.vendor is not None and idle_seats.get(c.vendor, 0) > 0) else None
            t_seat.append(vendor_index[seat] if seat is not None else -1)
            t_nplaces.append(len(places))
            t_places.extend(places)
            t_place_lists.append(tuple(places))

    # Repeat each class's templates for each of its members, people in order.
    person_cls = shape_of["cls"].to_numpy().astype(np.int64)
    person_first = shape_of["first_gap"].to_numpy().astype(np.int64)
    t_start = np.concatenate([[0], np.cumsum(n_templates)])
    per_person = n_templates[person_cls]
    n = int(per_person.sum())
    cand_person = np.repeat(np.arange(len(people), dtype=np.int64), per_person)
    within = np.arange(n, dtype=np.int64) - np.repeat(np.cumsum(per_person) - per_person, per_person)
    template = t_start[person_cls][cand_person] + within  # each candidate's template row
    t_nplaces_a = np.array(t_nplaces, dtype=np.int64)
    t_pstart = np.concatenate([[0], np.cumsum(t_nplaces_a)])
    n_closes = t_nplaces_a[template] if n else np.zeros(0, dtype=np.int64)
    close_ptr = np.concatenate([[0], np.cumsum(n_closes)]).astype(np.int64)
    owner = np.repeat(np.arange(n, dtype=np.int64), n_closes)
    offset = np.arange(int(close_ptr[-1]), dtype=np.int64) - np.repeat(close_ptr[:-1], n_closes)
    places_a = np.array(t_places, dtype=np.int64)
    close_gap = person_first[cand_person[owner]] + places_a[t_pstart[template[owner]] + offset]
    # The order of Candidate.closes (a frozenset) is arbitrary; the places' order is kept here.

    gap_goal = (
        frame.select(pl.col("goal_id").replace_strict(goal_index, default=None, return_dtype=pl.Int64).fill_null(-1))
        .to_series()
        .to_numpy()
    )
    ci = Compact(
        people=people,
        person_rank=np.arange(len(people)),
        goals=goals,
        goal_need=np.array([float(goal_needed.get(g, 0)) for g in goals], dtype=float),
        vendors=vendors,
        idle=np.array([idle_seats[v] for v in vendors], dtype=np.int64),
        gap_person=frame["person"].to_numpy().astype(np.int64),
        gap_goal=gap_goal.astype(np.int64),
        gap_weight=frame["weight"].to_numpy().astype(float),
        courses=courses,
        cand_person=cand_person,
        cand_course=np.array(t_course, dtype=np.int64)[template] if n else np.zeros(0, dtype=np.int64),
        cost=np.array(t_cost, dtype=float)[template] if n else np.zeros(0),
        hours=np.array(t_hours, dtype=float)[template] if n else np.zeros(0),
        p=np.array(t_p, dtype=float)[template] if n else np.zeros(0),
        seat=np.array(t_seat, dtype=np.int64)[template] if n else np.zeros(0, dtype=np.int64),
        close_ptr=close_ptr,
        close_gap=close_gap.astype(np.int64),
        budget=float(budget),
        hours_cap=hours_cap,
        need_total=float(sum(goal_needed.values())),
        course_vendor=course_vendor,
    )
    ci.classes = Classes(
        of_person=person_cls.tolist(),
        start=(np.cumsum(per_person) - per_person).tolist(),
        size=n_templates.tolist(),
        first=t_start[:-1].tolist(),
        cost=t_cost,
        hours=t_hours,
        p=t_p,
        seat=t_seat,
        places=t_place_lists,
        place_goal=place_goal,
        place_weight=place_weight,
    )
    return Built(ci, frame, classes.height)


def gap_key_list(frame: pl.DataFrame) -> list:
    """The GapKey of each row of a from_frame frame (in its order)."""
    return [
        ("req", e, s) if g is None else ("goal", g, e)
        for e, s, g in zip(frame["employee_id"], frame["skill"], frame["goal_id"], strict=True)
    ]


def to_instance(built: Built, goal_needed: dict[str, int], idle_seats: dict[str, int]) -> Instance:
    """The same instance as objects (for the exact program, which only small instances get)."""
    ci, frame = built.ci, built.frame
    keys = gap_key_list(frame)
    gaps = {}
    for key, e, s, nd, w, g in zip(
        keys, frame["employee_id"], frame["skill"], frame["needed"], frame["weight"], frame["goal_id"], strict=True
    ):
        gaps[key] = Gap(key, e, s, 0, int(nd), float(w) if g is None else 0.0, g)
    ptr, cg = ci.close_ptr.tolist(), ci.close_gap.tolist()
    cands = [
        Candidate(
            ci.people[pp],
            ci.courses[cc],
            ci.course_vendor[cc],
            cost,
            hours,
            frozenset(keys[g] for g in cg[ptr[j] : ptr[j + 1]]),
            p,
        )
        for j, (pp, cc, cost, hours, p) in enumerate(
            zip(
                ci.cand_person.tolist(),
                ci.cand_course.tolist(),
                ci.cost.tolist(),
                ci.hours.tolist(),
                ci.p.tolist(),
                strict=True,
            )
        )
    ]
    return Instance(cands, gaps, dict(goal_needed), dict(idle_seats), ci.budget, ci.hours_cap)


# ------------------------------------------------------------------ greedy


def _segment_sums(values: np.ndarray, ptr: np.ndarray) -> np.ndarray:
    """Each run's sum, added left to right (as a loop over the run would)."""
    out = np.zeros(len(ptr) - 1)
    lengths = np.diff(ptr)
    if not len(values):
        return out
    # Left to right, one position of every run at a time: the same additions as a loop per run.
    for k in range(int(lengths.max()) if len(lengths) else 0):
        has = lengths > k
        out[has] = out[has] + values[ptr[:-1][has] + k]
    return out


def greedy_order(ci: Compact, then: float | None = None) -> tuple[list[int], int]:
    """``planner.solve.greedy_order`` on columns (its docstring says what it does)."""
    tiny = 1e-9
    n = ci.n
    goal_of = ci.gap_goal.tolist()
    weight = ci.gap_weight.tolist()
    need = ci.goal_need.tolist()
    ptr = ci.close_ptr.tolist()
    cg = ci.close_gap.tolist()
    gaps_of = [cg[ptr[j] : ptr[j + 1]] for j in range(n)]
    price = ci.cost.tolist()
    hours = ci.hours.tolist()
    chance = ci.p.tolist()
    person_of = ci.cand_person.tolist()
    closed = [False] * len(goal_of)
    goal_done = [0.0] * len(need)

    def gains(j: int) -> tuple[float, float]:
        gg, rg, pj = 0.0, 0.0, chance[j]
        for g in gaps_of[j]:
            if not closed[g]:
                gi = goal_of[g]
                if gi < 0:
                    rg += weight[g] * pj
                elif goal_done[gi] < need[gi]:
                    gg += pj
        return gg, rg

    # The first keys, for every candidate at once: nothing is closed yet, no goal is full.
    owner = ci.close_owner()
    gap_goal = ci.gap_goal[ci.close_gap] if len(ci.close_gap) else np.zeros(0, dtype=np.int64)
    p_of = ci.p[owner] if len(owner) else np.zeros(0)
    # (goal -1, a requirement, reads the 0 appended after the last goal)
    goal_part = np.where((gap_goal >= 0) & (np.append(ci.goal_need, 0.0)[gap_goal] > 0), p_of, 0.0)
    req_part = np.where(gap_goal < 0, ci.gap_weight[ci.close_gap] * p_of, 0.0) if len(owner) else np.zeros(0)
    gg0 = _segment_sums(goal_part, ci.close_ptr)
    rg0 = _segment_sums(req_part, ci.close_ptr)
    seat_of = ci.seat.tolist()
    slot_index: dict[tuple[int, int], int] = {}
    slot_vendor: list[int] = []
    slot_members: list[list[int]] = []
    slot_of = [-1] * n
    for j in np.flatnonzero(ci.seat >= 0).tolist():
        key = (person_of[j], seat_of[j])
        s = slot_index.get(key)
        if s is None:
            s = slot_index[key] = len(slot_vendor)
            slot_vendor.append(seat_of[j])
            slot_members.append([])
        slot_of[j] = s
        slot_members[s].append(j)
    first_cost = np.where(ci.seat >= 0, 0.0, ci.cost)
    div = np.maximum(first_cost, tiny)
    useful = ~((gg0 == 0) & (rg0 <= 0))
    idx = np.flatnonzero(useful)
    k0 = (-gg0 / div)[idx]
    k1 = (-rg0 / div)[idx]
    hh = ci.hours[idx]
    finite = bool(np.isfinite(ci.cost).all() and np.isfinite(ci.hours).all() and np.isfinite(ci.gap_weight).all())
    if finite:
        order = np.lexsort((idx, hh, k1, k0))
        first = list(zip(k0[order].tolist(), k1[order].tolist(), hh[order].tolist(), idx[order].tolist(), strict=True))
        heap: list = []
    else:
        heap = list(zip(k0.tolist(), k1.tolist(), hh.tolist(), idx.tolist(), strict=True))
        first = []
        heapq.heapify(heap)
    paid_div = [max(c, tiny) for c in price]
    idle_left = ci.idle.tolist()
    held = [False] * len(slot_vendor)
    hours_used = [0.0] * len(ci.people)
    budget_left = ci.budget
    hours_cap = ci.hours_cap
    chosen: list[int] = []
    taken = [False] * n
    heappush, heappop = heapq.heappush, heapq.heappop
    pos, n_first = 0, len(first)
    skipped: list = []
    taken_at_budget = 0
    for round_budget in (ci.budget,) if then is None or then <= ci.budget else (ci.budget, then):
        if round_budget != ci.budget:
            budget_left += round_budget - ci.budget
            for entry in skipped:
                heappush(heap, entry)
        while True:
            if pos < n_first:
                if heap and heap[0] < first[pos]:
                    popped = heappop(heap)
                else:
                    popped = first[pos]
                    pos += 1
            elif heap:
                popped = heappop(heap)
            else:
                break
            j = popped[3]
            if taken[j]:
                continue
            gg, rg = gains(j)
            if gg == 0 and rg <= 0:
                continue
            s = slot_of[j]
            if s >= 0 and (held[s] or idle_left[slot_vendor[s]] > 0):
                cost, d = 0.0, tiny
            else:
                cost, d = price[j], paid_div[j]
            a0, a1 = -gg / d, -rg / d
            if a0 != popped[0] or a1 != popped[1]:
                current = (a0, a1, hours[j], j)
                if (heap and current > heap[0]) or (pos < n_first and current > first[pos]):
                    heappush(heap, current)
                    continue
            pp = person_of[j]
            used = hours_used[pp]
            if hours_cap is not None and used + hours[j] > hours_cap + 1e-9:
                continue
            if cost > budget_left + 1e-9:
                skipped.append((a0, a1, hours[j], j))
                continue
            taken[j] = True
            chosen.append(j)
            budget_left -= cost
            hours_used[pp] = used + hours[j]
            for g in gaps_of[j]:
                if not closed[g]:
                    closed[g] = True
                    gi = goal_of[g]
                    if gi >= 0:
                        goal_done[gi] += chance[j]
            if s >= 0 and not held[s] and idle_left[slot_vendor[s]] > 0:
                held[s] = True
                idle_left[slot_vendor[s]] -= 1
                for o in slot_members[s]:
                    if taken[o]:
                        continue
                    g0, r0 = gains(o)
                    if not (g0 == 0 and r0 <= 0):
                        heappush(heap, (-g0 / tiny, -r0 / tiny, hours[o], o))
        if round_budget == ci.budget:
            taken_at_budget = len(chosen)
    return chosen, taken_at_budget


def greedy_run(ci: Compact, then: float | None = None) -> tuple[list[int], int]:
    """The greedy run (``greedy_order``): on classes when the instance was built from gap rows (and its
    costs, hours and weights are numbers, which orders every key), else candidate by candidate."""
    finite = bool(np.isfinite(ci.cost).all() and np.isfinite(ci.hours).all() and np.isfinite(ci.gap_weight).all())
    if ci.classes is not None and finite:
        return greedy_order_classes(ci, then)
    return greedy_order(ci, then)


class _Cohort:
    """Members of one class in the same state: the same candidates taken, set aside for the budget, and idle
    seats held; hence the same gaps closed, hours used and keys. Members are person numbers, ascending,
    from ``head`` on."""

    __slots__ = ("aside", "closed", "cls", "head", "held", "hours", "members", "taken")

    def __init__(self, cls: int, taken: int, aside: int, held: int, closed: int, hours: float):
        self.cls, self.taken, self.aside, self.held, self.closed, self.hours = cls, taken, aside, held, closed, hours
        self.members: list[int] = []
        self.head = 0


def greedy_order_classes(ci: Compact, then: float | None = None) -> tuple[list[int], int]:
    """``greedy_order`` on people alike as classes: the same order, in far fewer steps.

    The greedy run takes, at each step, the candidate with the smallest key (``greedy_order``:
    gain per unit of cost, hours, index), and a candidate's key depends only on its person's
    state (what they took, were refused for the budget, and which idle seats they hold) and on
    a few things shared by all (which goals are full, which vendors' idle seats ran out). So
    members of one class in one state (a cohort) have the same key for each of their
    candidates, and their candidates for one template come in the order of the people. Each
    step here pops a (cohort, template) with the index of the cohort's first member, and takes
    (or sets aside) the members that come before anything else in the queue, one after another
    as the candidate-by-candidate run does, until something shared would change the next one's
    key: a goal filled, a vendor's last idle seat taken, a seat holder's other courses of the
    vendor made free ahead of the next member, or the budget. Members move to the cohort of
    their new state. Keys only worsen except when someone takes an idle seat (then their
    other courses of that vendor become free and are queued again), so a lazy queue is exact.
    """
    k = ci.classes
    tiny = 1e-9
    need = ci.goal_need.tolist()
    goal_done = [0.0] * len(need)
    idle_left = ci.idle.tolist()
    cap = ci.hours_cap
    top = math.inf if cap is None else cap + 1e-9
    start, first, size = k.start, k.first, k.size
    t_cost, t_hours, t_p, t_seat, t_places = k.cost, k.hours, k.p, k.seat, k.places
    place_goal, place_weight = k.place_goal, k.place_weight
    # per class: the templates of each seat vendor, as bits
    vendor_bits: list[dict[int, int]] = []
    for c in range(len(size)):
        bits: dict[int, int] = {}
        for t in range(size[c]):
            v = t_seat[first[c] + t]
            if v >= 0:
                bits[v] = bits.get(v, 0) | 1 << t
        vendor_bits.append(bits)
    cohorts: list[_Cohort] = []
    cohort_of: dict[tuple[int, int, int, int], int] = {}
    heap: list = []
    heappush, heappop = heapq.heappush, heapq.heappop

    def key(co: _Cohort, t: int):
        """(k0, k1, hours, cost, free) of template t for the cohort's members now; None when it cannot be taken."""
        bit = 1 << t
        if (co.taken | co.aside) & bit:
            return None
        row = first[co.cls] + t
        h = t_hours[row]
        if co.hours + h > top:
            return None
        gg, rg, pj = 0.0, 0.0, t_p[row]
        goals, weights, closed = place_goal[co.cls], place_weight[co.cls], co.closed
        for pl_ in t_places[row]:
            if not closed >> pl_ & 1:
                gi = goals[pl_]
                if gi < 0:
                    rg += weights[pl_] * pj
                elif goal_done[gi] < need[gi]:
                    gg += pj
        if gg == 0 and rg <= 0:
            return None
        v = t_seat[row]
        if v >= 0 and (co.held >> v & 1 or idle_left[v] > 0):
            return -gg / tiny, -rg / tiny, h, 0.0, True
        cost = t_cost[row]
        d = max(cost, tiny)
        return -gg / d, -rg / d, h, cost, False

    def push_all(cid: int) -> None:
        co = cohorts[cid]
        if co.head >= len(co.members):
            return
        s = start[co.members[co.head]]
        for t in range(size[co.cls]):
            kk = key(co, t)
            if kk is not None:
                heappush(heap, (kk[0], kk[1], kk[2], s + t, cid, t))

    def join(cls: int, taken: int, aside: int, held: int, closed: int, hours: float, members: list[int]) -> None:
        """Members (ascending) into the cohort of this state; its queue entries are pushed when its first member changes."""
        state = (cls, taken, aside, held)
        cid = cohort_of.get(state)
        if cid is None:
            cid = cohort_of[state] = len(cohorts)
            cohorts.append(_Cohort(cls, taken, aside, held, closed, hours))
        co = cohorts[cid]
        rest = co.members[co.head :]
        was = rest[0] if rest else None
        co.members = members if not rest else (rest + members if rest[-1] < members[0] else sorted(rest + members))
        co.head = 0
        if co.members[0] != was:
            push_all(cid)

    def repush(cid: int, t: int) -> None:
        """The cohort's entry for template t again, for its first member now (if any is left)."""
        co = cohorts[cid]
        if co.head < len(co.members):
            kk = key(co, t)
            if kk is not None:
                heappush(heap, (kk[0], kk[1], kk[2], start[co.members[co.head]] + t, cid, t))

    def _move(co: _Cohort, t: int, free: bool):
        """What taking template t does to a member of the cohort: (p, the goals it adds to in order, the goals
        whose count it is in the key for, seat vendor, whether it takes an idle seat, the new closed gaps,
        seats held and set-aside templates, and whether the seat makes other courses come before the next)."""
        row = first[co.cls] + t
        bit = 1 << t
        goals_of = place_goal[co.cls]
        newly = [pl_ for pl_ in t_places[row] if not co.closed >> pl_ & 1]
        goal_adds = [goals_of[pl_] for pl_ in newly if goals_of[pl_] >= 0]
        counted = {gi for gi in goal_adds if goal_done[gi] < need[gi]}
        v = t_seat[row]
        acquire = free and v >= 0 and not co.held >> v & 1
        closed = co.closed
        for pl_ in newly:
            closed |= 1 << pl_
        held = co.held | (1 << v if acquire else 0)
        aside = co.aside & ~vendor_bits[co.cls].get(v, 0) if acquire else co.aside
        first_again = False
        if acquire:  # the seat makes the member's other courses of the vendor free: do they come first?
            after = _Cohort(co.cls, co.taken | bit, aside, held, closed, co.hours + t_hours[row])
            mine = key(co, t)
            for o in range(size[co.cls]):
                if o != t and vendor_bits[co.cls].get(v, 0) >> o & 1:
                    ko = key(after, o)
                    if ko is not None and mine is not None and ko[:3] <= mine[:3]:
                        first_again = True
                        break
        return t_p[row], goal_adds, counted, v, acquire, closed, held, aside, first_again

    def _take_together(group: list[tuple[int, int]], moves: list) -> None:
        """Free takes of one key from several cohorts, their members merged by candidate index, up to the
        first that fills a goal or takes a vendor's last idle seat (the next ones' keys change)."""
        js, gs = [], []
        for g, (cid, t) in enumerate(group):
            co = cohorts[cid]
            mine = start_np[np.asarray(co.members[co.head :], dtype=np.int64)] + t
            js.append(mine)
            gs.append(np.full(len(mine), g, dtype=np.int64))
        j_all, g_all = np.concatenate(js), np.concatenate(gs)
        order = np.argsort(j_all, kind="stable")
        j_all, g_all = j_all[order], g_all[order]
        cut = len(j_all)
        # Goals filled and vendors' last seats, in this order: the first such member is the last taken.
        # goal_done adds each p one at a time (a cumulative sum from its value, as the run adds them).
        runs: list[tuple[int, np.ndarray, np.ndarray]] = []  # (goal, items adding to it, its value after each)
        goals_hit = {gi for mv in moves for gi in mv[1]}
        for gi in goals_hit:
            times = np.array([moves[g][1].count(gi) for g in range(len(group))], dtype=np.int64)[g_all]
            items = np.flatnonzero(times)
            adds = np.repeat(np.array([moves[g][0] for g in range(len(group))])[g_all[items]], times[items])
            after = np.cumsum(np.concatenate(([goal_done[gi]], adds)))[1:][np.cumsum(times[items]) - 1]
            runs.append((gi, items, after))
            if goal_done[gi] < need[gi]:  # counted in these keys: the member that fills it is the last one
                full = np.flatnonzero(after >= need[gi])
                if len(full):
                    cut = min(cut, int(items[full[0]]) + 1)
        seats_hit = {mv[3] for mv in moves if mv[4]}
        for v in seats_hit:
            items = np.flatnonzero(np.array([mv[4] and mv[3] == v for mv in moves])[g_all])
            if len(items) >= idle_left[v]:
                cut = min(cut, int(items[idle_left[v] - 1]) + 1)
        for gi, items, after in runs:
            done = int(np.searchsorted(items, cut))  # of its items, those taken
            if done:
                goal_done[gi] = float(after[done - 1])
        for v in seats_hit:
            items = np.flatnonzero(np.array([mv[4] and mv[3] == v for mv in moves])[g_all])
            idle_left[v] -= int(np.searchsorted(items, cut))
        counts = np.bincount(g_all[:cut], minlength=len(group)).tolist()
        chosen.extend(j_all[:cut].tolist())
        for g, (cid, t) in enumerate(group):
            co = cohorts[cid]
            if counts[g]:
                _, _, _, _, _, closed, held, aside, _ = moves[g]
                took = co.members[co.head : co.head + counts[g]]
                co.head += counts[g]
                join(co.cls, co.taken | 1 << t, aside, held, closed, co.hours + t_hours[first[co.cls] + t], took)
            repush(cid, t)

    start_np = np.asarray(start, dtype=np.int64)
    person_cls = k.of_person
    by_class: list[list[int]] = [[] for _ in size]
    for e, c in enumerate(person_cls):
        if size[c]:
            by_class[c].append(e)
    for c, members in enumerate(by_class):
        if members:
            join(c, 0, 0, 0, 0, 0.0, members)

    budget_left = ci.budget
    chosen: list[int] = []
    taken_at_budget = 0
    for round_budget in (ci.budget,) if then is None or then <= ci.budget else (ci.budget, then):
        if round_budget != ci.budget:  # the larger budget: what was set aside may fit now
            budget_left += round_budget - ci.budget
            for co in list(cohorts):
                if co.aside and co.head < len(co.members):
                    members = co.members[co.head :]
                    co.members, co.head = [], 0
                    join(co.cls, co.taken, 0, co.held, co.closed, co.hours, members)
        while heap:
            k0, k1, h, j, cid, t = heappop(heap)
            co = cohorts[cid]
            if co.head >= len(co.members):
                continue
            kk = key(co, t)
            if kk is None:
                continue
            a0, a1, _, cost, free = kk
            jt = start[co.members[co.head]] + t
            if (a0, a1, jt) != (k0, k1, j) and heap and (a0, a1, h, jt) > heap[0][:4]:  # not its turn yet
                heappush(heap, (a0, a1, h, jt, cid, t))
                continue
            if cost == 0 and heap and heap[0][:3] == (a0, a1, h):
                # Others in the queue have the same key: their members come in turn with these, by index.
                group = [(cid, t)]
                while heap and heap[0][:3] == (a0, a1, h):
                    _, _, _, _, cid2, t2 = heappop(heap)
                    co2 = cohorts[cid2]
                    if co2.head >= len(co2.members) or (cid2, t2) in group:
                        continue
                    k2 = key(co2, t2)
                    if k2 is None:
                        continue
                    if k2[:3] != (a0, a1, h) or k2[3] != 0:
                        heappush(heap, (k2[0], k2[1], k2[2], start[co2.members[co2.head]] + t2, cid2, t2))
                        continue
                    group.append((cid2, t2))
                if len(group) > 1:
                    moves = [_move(co_, t_, True) for co_, t_ in ((cohorts[c_], t_) for c_, t_ in group)]
                    if len({c_ for c_, _ in group}) == len(group) and not any(mv[-1] for mv in moves):
                        _take_together(group, moves)
                        continue
                    for c_, t_ in group[1:]:  # one cohort twice, or a seat that frees more: one at a time
                        co_ = cohorts[c_]
                        heappush(heap, (a0, a1, h, start[co_.members[co_.head]] + t_, c_, t_))
            while heap and heap[0][:4] == (a0, a1, h, jt):  # this very candidate, queued twice
                heappop(heap)
            # The members of the cohort that come before anything else in the queue.
            members = co.members
            end = len(members)
            if heap:
                nxt = heap[0]
                if (nxt[0], nxt[1], nxt[2]) == (a0, a1, h):
                    end = bisect.bisect_left(members, nxt[3] - t, co.head, end, key=start.__getitem__)
            bit = 1 << t
            if not free and cost > budget_left + 1e-9:  # each is set aside in turn: the budget only falls
                batch = members[co.head : end]
                co.head = end
                join(co.cls, co.taken, co.aside | bit, co.held, co.closed, co.hours, batch)
                repush(cid, t)
                continue
            pj, goal_adds, counted, v, acquire, closed, held, aside, one_at_a_time = _move(co, t, free)
            took: list[int] = []
            i = co.head
            while i < end:
                if not free:
                    if cost > budget_left + 1e-9:
                        break
                    budget_left -= cost
                m = members[i]
                i += 1
                took.append(m)
                chosen.append(start[m] + t)
                stop = one_at_a_time
                for gi in goal_adds:
                    goal_done[gi] += pj
                if counted and any(goal_done[gi] >= need[gi] for gi in counted):
                    stop = True
                if acquire:
                    idle_left[v] -= 1
                    if idle_left[v] <= 0:
                        stop = True
                if stop:
                    break
            aside_now: list[int] = []
            if not free and i < end and cost > budget_left + 1e-9:  # the rest of the run: refused in turn
                aside_now = members[i:end]
                i = end
            co.head = i
            if took:
                join(co.cls, co.taken | bit, aside, held, closed, co.hours + h, took)
            if aside_now:
                join(co.cls, co.taken, co.aside | bit, co.held, co.closed, co.hours, aside_now)
            repush(cid, t)
        if round_budget == ci.budget:
            taken_at_budget = len(chosen)
    return chosen, taken_at_budget


def along_each(ci: Compact, order: list[int], budgets: list[float]) -> list[tuple[list[int], float]]:
    """``planner.solve.along_each`` on columns: a greedy order cut at each budget, in one pass.

    Who gets an idle seat follows the order alone: the first candidate of each (person, vendor)
    takes one while the vendor has any left, and that person's later ones of the vendor are
    free when it did. What costs nothing is taken at every budget; only the paid ones are
    weighed against each budget, in order.
    """
    o = np.asarray(order, dtype=np.int64)
    seat = ci.seat[o]
    has = seat >= 0
    free = ci.cost[o] <= 0
    if has.any():
        pos = np.flatnonzero(has)
        pair = ci.cand_person[o][pos] * (len(ci.vendors) + 1) + seat[pos]
        _, first, inverse = np.unique(pair, return_index=True, return_inverse=True)
        # Each pair's first candidate, in order: the k-th of its vendor's gets a seat when k < idle seats.
        firsts = np.sort(first)
        vendor_of = seat[pos][firsts]
        rank = np.zeros(len(firsts), dtype=np.int64)
        for v in np.unique(vendor_of).tolist():
            mine = vendor_of == v
            rank[mine] = np.arange(int(mine.sum()))
        got = np.zeros(len(pos), dtype=bool)
        got[firsts] = rank < ci.idle[vendor_of]
        free[pos] |= got[first][inverse]
    paid = np.flatnonzero(~free)
    paid_cost = ci.cost[o][paid].tolist()
    out = []
    for budget in budgets:
        keep = free.copy()
        room = budget
        for i, c in zip(paid.tolist(), paid_cost, strict=True):
            if c <= room + 1e-9:
                keep[i] = True
                room -= c
        out.append((o[keep].tolist(), budget - room))
    return out


# ------------------------------------------------------------------ evaluation


@dataclass
class ArrayEvaluation:
    """A plan evaluated exactly, on columns (``model.Evaluation``'s figures)."""

    chosen: np.ndarray  # sorted candidate indices
    costs: np.ndarray  # what each chosen candidate costs (0 with an idle seat)
    missed: np.ndarray  # per gap: the chance no chosen assignment closing it succeeds (1.0: none closes it)
    closed: np.ndarray  # per gap: some chosen assignment closes it
    goal_progress: float
    requirement_weight: float
    cost: float
    hours: float
    feasible: bool
    problems: list[str]
    seat_holders: dict[int, np.ndarray]  # vendor -> persons holding one of its idle seats

    @property
    def chance(self) -> np.ndarray:
        return np.where(self.closed, 1.0 - self.missed, 0.0)

    @property
    def value(self) -> PlanValue:
        return PlanValue(self.goal_progress, self.requirement_weight, self.cost, self.hours)


def misses(ci: Compact, picked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per gap: the chance that none of the picked candidates closing it succeeds (multiplied in their
    order), and whether any closes it."""
    lengths = np.diff(ci.close_ptr)[picked]
    starts = ci.close_ptr[picked]
    entries = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))
    gap = ci.close_gap[entries.astype(np.int64)]
    missed = np.ones(len(ci.gap_goal))
    closed = np.zeros(len(ci.gap_goal), dtype=bool)
    if len(gap):
        products(missed, gap, 1.0 - np.repeat(ci.p[picked], lengths))
        closed[gap] = True
    return missed, closed


def products(out: np.ndarray, at: np.ndarray, factors: np.ndarray) -> None:
    """``out[at[i]] *= factors[i]`` for every i in order (``np.multiply.at``), by one sort and a reduceat."""
    order = np.argsort(at, kind="stable")
    where = at[order]
    starts = np.flatnonzero(np.concatenate(([True], where[1:] != where[:-1])))
    out[where[starts]] *= np.multiply.reduceat(factors[order], starts)


def keeping(ci: Compact) -> int:
    """People with a candidate that fits the hours cap and closes a gap worth something (a weighted
    requirement, or a goal that still needs people): each keeps a course combination in the exact program."""
    top = (ci.hours_cap if ci.hours_cap is not None else math.inf) + 1e-9
    valuable = np.where(ci.gap_goal >= 0, np.append(ci.goal_need, 0.0)[ci.gap_goal] > 0, ci.gap_weight > 0)
    owner = ci.close_owner()
    worth = np.zeros(ci.n, dtype=bool)
    worth[owner[valuable[ci.close_gap]]] = True
    fits = ~(ci.hours > top)
    return len(np.unique(ci.cand_person[worth & fits]))


def evaluate(ci: Compact, chosen: Iterable[int]) -> ArrayEvaluation:
    """``model.evaluate`` on columns: idle seats to those who would otherwise pay the most."""
    picked = np.asarray(list(chosen) if not isinstance(chosen, np.ndarray) else chosen, dtype=np.int64)
    if len(picked) > 1 and not (picked[1:] > picked[:-1]).all():
        picked = np.unique(picked)
    problems: list[str] = []
    person = ci.cand_person[picked]
    # (Built from gap rows, each person's candidates name distinct courses: no pair can come twice.)
    if ci.classes is None:
        pairs = person * (len(ci.courses) + 1) + ci.cand_course[picked]
        if len(np.unique(pairs)) != len(pairs):
            problems.append("an employee takes the same course twice")
    costs = ci.cost[picked].copy()
    seat = ci.seat[picked]
    seat_holders: dict[int, np.ndarray] = {}
    people = len(ci.people)
    for v in np.unique(seat[seat >= 0]).tolist():
        mine = seat == v
        per = np.bincount(person[mine], weights=costs[mine], minlength=people)
        persons = np.flatnonzero(np.bincount(person[mine], minlength=people))
        ranked = np.lexsort((ci.person_rank[persons], -per[persons]))
        holders = persons[ranked[: int(ci.idle[v])]]
        seat_holders[v] = holders
        holds = np.zeros(people, dtype=bool)
        holds[holders] = True
        costs[mine & holds[person]] = 0.0
    missed, closed = misses(ci, picked)
    chance = np.where(closed, 1.0 - missed, 0.0)
    is_goal = ci.gap_goal >= 0
    per_goal = np.bincount(ci.gap_goal[closed & is_goal], weights=chance[closed & is_goal], minlength=len(ci.goals))
    progress = float(np.minimum(per_goal, ci.goal_need).sum())
    req_weight = float((ci.gap_weight * chance)[closed & ~is_goal].sum())
    hours_per = np.bincount(ci.cand_person[picked], weights=ci.hours[picked], minlength=len(ci.people))
    total_cost = float(costs.sum())
    if total_cost > ci.budget + 1e-6:
        problems.append(f"cost {total_cost:.2f} exceeds the budget {ci.budget:.2f}")
    if ci.hours_cap is not None:
        over = int((hours_per > ci.hours_cap + 1e-9).sum())
        if over:
            problems.append(f"{over} employee(s) over the hours cap")
    return ArrayEvaluation(
        picked,
        costs,
        missed,
        closed,
        progress,
        req_weight,
        total_cost,
        float(ci.hours[picked].sum()),
        not problems,
        problems,
        seat_holders,
    )


# ------------------------------------------------------------------ the proven bound


def scarce_vendors(ci: Compact) -> np.ndarray:
    """Per vendor: whether its idle seats could run out (more people could use them than there are seats)."""
    scarce = np.zeros(len(ci.vendors), dtype=bool)
    has = ci.seat >= 0
    for v in np.unique(ci.seat[has]).tolist():
        users = len(np.unique(ci.cand_person[has & (ci.seat == v)]))
        scarce[v] = users > ci.idle[v]
    return scarce


def _fractional(group: np.ndarray, value: np.ndarray, size: np.ndarray, capacity: float | None, groups: int):
    """Per group: the most value its (value, size) items fill `capacity` with when any item may be taken in part.

    As ``planner.solve._fractional`` for every group at once: items of no size count whole, the
    others in order of value per size, each as far as the room left allows.
    """
    if capacity is None:
        return np.bincount(group, weights=value, minlength=groups)
    positive = size > 0
    ratio = np.where(positive, -value / np.where(positive, size, 1.0), -np.inf)
    order = np.lexsort((np.arange(len(group)), ratio, group))
    g, v, s, pos = group[order], value[order], size[order], positive[order]
    sized = np.where(pos, s, 0.0)
    before = np.cumsum(sized) - sized
    starts = np.searchsorted(g, g, side="left")
    before = before - (np.cumsum(sized) - sized)[starts]
    room = capacity - before
    part = np.where(pos, np.where(room > 0, np.minimum(1.0, room / np.where(pos, s, 1.0)), 0.0), 1.0)
    return np.bincount(g, weights=v * part, minlength=groups)


def upper_bound(ci: Compact, ev: ArrayEvaluation) -> tuple[float, float]:
    """``planner.solve.upper_bound`` on columns: (goal progress, requirement weight) no plan can exceed."""
    scarce = scarce_vendors(ci)
    missed = np.where(ev.closed, 1.0 - ev.chance, 1.0)
    reached = np.bincount(
        ci.gap_goal[ev.closed & (ci.gap_goal >= 0)],
        weights=ev.chance[ev.closed & (ci.gap_goal >= 0)],
        minlength=len(ci.goals),
    )
    room = np.maximum(ci.goal_need - reached, 0.0)
    n = ci.n
    owner = ci.close_owner()
    gap = ci.close_gap
    gain = missed[gap] * ci.p[owner]
    gg = ci.gap_goal[gap]
    weight = np.bincount(owner, weights=np.where(gg < 0, ci.gap_weight[gap] * gain, 0.0), minlength=n)
    # Goal gain per (candidate, goal), capped by what the goal still needs.
    is_goal = gg >= 0
    pair = owner[is_goal] * (len(ci.goals) + 1) + gg[is_goal]
    pairs, inverse = np.unique(pair, return_inverse=True)
    per_pair = np.bincount(inverse, weights=gain[is_goal], minlength=len(pairs))
    capped = np.minimum(per_pair, room[pairs % (len(ci.goals) + 1)])
    progress = np.bincount(pairs // (len(ci.goals) + 1), weights=capped, minlength=n)
    taken = np.zeros(n, dtype=bool)
    taken[ev.chosen] = True
    live = ~taken & ~((progress <= 0) & (weight <= 0))
    seat = ci.seat
    scarce_seat = (seat >= 0) & scarce[np.maximum(seat, 0)] if len(scarce) else np.zeros(n, dtype=bool)
    free = live & ((ci.cost <= 0) | ((seat >= 0) & ~scarce_seat))
    seated = live & ~free & (seat >= 0)
    paid = live & ~free
    cap = ci.hours_cap
    people = len(ci.people)

    def extra(values: np.ndarray) -> float:
        total = float(_fractional(ci.cand_person[free], values[free], ci.hours[free], cap, people).sum())
        if seated.any():
            vendors = len(ci.vendors)
            key = seat[seated] * people + ci.cand_person[seated]
            keys, inv = np.unique(key, return_inverse=True)
            per = _fractional(inv, values[seated], ci.hours[seated], cap, len(keys))
            vendor_of = keys // people
            for v in range(vendors):
                mine = np.sort(per[vendor_of == v])[::-1]
                total += float(mine[: int(ci.idle[v])].sum())
        worth = paid & (values > 0)
        total += float(
            _fractional(np.zeros(int(worth.sum()), dtype=np.int64), values[worth], ci.cost[worth], ci.budget, 1).sum()
        )
        return total

    goal_most = min(ev.goal_progress + extra(progress), ci.need_total)
    return max(goal_most, ev.goal_progress), ev.requirement_weight + extra(weight)
