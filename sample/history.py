"""The learning history: month by month, every employee learns towards the role's
requirements, the strategic goals and personal interest (``_Simulator``); plus the skill
assessments (baseline survey, hiring, manager review).
"""

from __future__ import annotations

import bisect
import math
from datetime import date, timedelta

from sample.catalog import LICENSED, SINGLE_ROW
from sample.design import DAMPED_SKILLS, GOAL_SPECS, ROLE_REQUIREMENTS, SKILL_CATEGORY
from sample.helpers import _DAY, _add_months, _day, _pick, _poisson, _rng, _secs
from sample.model import Company, Course, Employee


def _in_scope(company: Company, e: Employee, scope: str, roles: list[str]) -> bool:
    """Is the employee in a goal's population (org unit and optional roles)?"""
    if roles and e.role not in roles:
        return False
    if scope == "company":
        return True
    return company.department(e) == scope or company.team_name(e) == scope


class _Simulator:
    """Month-by-month learning of every employee, driven by role requirements, team
    culture (propensity), strategic-goal pushes and personal interest."""

    def __init__(self, company: Company):
        self.c = company
        self.rng = _rng(company.seed, "learning")
        self.h0 = _secs(company.start)
        self.span = _secs(company.today) - self.h0
        self.seen: dict[tuple[int, int], int] = {}
        cat = company.catalog
        self.by_skill: dict[tuple[str, int], list[tuple[int, float]]] = {}
        self.exact: dict[tuple[str, int], list[int]] = {}
        for ci, c in enumerate(cat):
            if c.special:
                continue
            factor = (
                0.08
                if c.credential_type in ("certificate", "badge")
                else 0.8
                if c.credential_type == "assessment"
                else 1.0
            )
            for s, lvl in c.skills:
                self.exact.setdefault((s, lvl), []).append(ci)
                for L in range(1, lvl + 1):
                    w = (3 if lvl == L else 1 if lvl == L + 1 else 0.3) * math.sqrt(c.popularity) * factor
                    self.by_skill.setdefault((s, L), []).append((ci, w))
        self.extras_cache: dict[tuple[str, str], tuple[list[int], list[float]]] = {}

    # -- choosing -------------------------------------------------------------------

    @staticmethod
    def avail(e: Employee, c: Course) -> float:
        if c.channel in LICENSED:
            return 1.0 if e.platform == c.channel else 0.04
        return 1.0

    def choose(self, e: Employee, options: list[tuple[int, float]]) -> int | None:
        weighted = [(ci, w * self.avail(e, self.c.catalog[ci])) for ci, w in options]
        if not weighted:
            return None
        return _pick(self.rng, weighted)

    def extras_table(self, e: Employee) -> tuple[list[int], list[float]]:
        key = (e.role, e.platform)
        if key not in self.extras_cache:
            req = {s for s, _, _ in ROLE_REQUIREMENTS[e.role]}
            cats = {SKILL_CATEGORY[s] for s in req}
            ids, cum, total = [], [], 0.0
            for ci, c in enumerate(self.c.catalog):
                if c.special:
                    continue
                skills = {s for s, _ in c.skills}
                rel = 3.0 if skills & req else 1.5 if c.category in cats else 0.35
                kind = 0.12 if c.channel == "badge" else 0.5 if c.credential_type == "assessment" else 1.0
                total += c.popularity * rel * kind * self.avail(e, c)
                ids.append(ci)
                cum.append(total)
            self.extras_cache[key] = (ids, cum)
        return self.extras_cache[key]

    # -- timing ---------------------------------------------------------------------

    def when(self, a: int, b: int, growth: float) -> int:
        """A moment in [a, b] whose density rises (growth > 0) or falls over the history."""
        rng = self.rng
        top = 1 + max(growth, 0)
        while True:
            t = a + rng.random() * (b - a)
            x = (t - self.h0) / self.span
            if rng.random() * top < 1 + growth * x:
                break
        day = int(t) // _DAY
        if (day + 3) % 7 >= 5 and rng.random() < 0.8:  # weekend -> the Friday before
            day -= (day + 3) % 7 - 4
        ts = day * _DAY + rng.randrange(7 * 3600, 19 * 3600)
        return min(max(ts, a), b)

    def elapsed(self, c: Course) -> int:
        """Calendar time from enrolment to the outcome, in seconds."""
        days = max(0.02, c.hours * self.rng.uniform(0.25, 1.6))
        return int(days * _DAY * self.rng.uniform(0.3, 1.0))

    # -- recording ------------------------------------------------------------------

    def score(self, passed: bool) -> float:
        return round(self.rng.triangular(70, 100, 87) if passed else self.rng.triangular(25, 69, 58), 1)

    def add(self, e: Employee, ci: int, end: int, status: str, a: int, *, start: int | None = None) -> bool:
        c = self.c.catalog[ci]
        key = (e.idx, ci)
        if c.channel in SINGLE_ROW and key in self.seen:
            return False
        if start is None:
            start = end if status == "enrolled" else end - self.elapsed(c)
            if start < a:  # enrolled before the history or the hire: spread, don't pile up at the edge
                start = a + int(self.rng.random() * (end - a))
        score = None
        if c.graded and status in ("passed", "failed"):
            score = self.score(status == "passed")
        self.c.events.append([e.idx, ci, start, end, status, score])
        self.seen[key] = len(self.c.events) - 1
        return True

    def success(self, c: Course) -> str:
        return "passed" if c.graded else "completed"

    def acquire(self, e: Employee, skill: str, level: int, a: int, b: int, growth: float) -> None:
        """The employee reaches skill at level through a course (maybe after a lower one or a failed try)."""
        rng = self.rng
        ci = self.choose(e, self.by_skill.get((skill, level), []))
        if ci is None:
            return
        c = self.c.catalog[ci]
        if (e.idx, ci) in self.seen and c.channel in SINGLE_ROW:
            return
        t = self.when(a, b, growth)
        lower = self.exact.get((skill, level - 1), [])
        if lower and rng.random() < 0.35 and t - a > 30 * _DAY:
            li = self.choose(e, [(x, 1.0) for x in lower])
            if li is not None:
                self.add(e, li, self.when(a, t - 14 * _DAY, 0.5), self.success(self.c.catalog[li]), a)
        if c.graded and c.channel not in SINGLE_ROW and rng.random() < 0.15 and t - a > 60 * _DAY:
            self.add(e, ci, t - rng.randrange(14, 60) * _DAY, "failed", a)
        self.add(e, ci, t, self.success(c), a)
        if c.validity_months:
            self.renew(e, ci, t, b)

    def renew(self, e: Employee, ci: int, t: int, b: int) -> None:
        """Certificates are renewed (or not) around their expiry."""
        c = self.c.catalog[ci]
        while True:
            due = _secs(_add_months(_day(t), c.validity_months)) + t % _DAY
            if due - 45 * _DAY > b or self.rng.random() > 0.45:
                return
            t = min(b, due - self.rng.randrange(0, 45) * _DAY)
            self.add(e, ci, t, "passed" if c.graded else "completed", t - 7 * _DAY)

    def partial(self, e: Employee, skill: str, level: int, a: int, b: int) -> None:
        """A gap that is being worked on: a course started, a lower level done, or a failed try."""
        rng = self.rng
        r = rng.random()
        if r < 0.35 and self.exact.get((skill, level - 1)):
            li = self.choose(e, [(x, 1.0) for x in self.exact[(skill, level - 1)]])
            if li is not None:
                self.add(e, li, self.when(a, b, 1.0), self.success(self.c.catalog[li]), a)
            return
        ci = self.choose(e, self.by_skill.get((skill, level), []))
        if ci is None:
            return
        c = self.c.catalog[ci]
        r = rng.random()
        status = "failed" if c.graded and r < 0.3 else "enrolled" if r < 0.5 else "in_progress"
        self.add(e, ci, self.when(a, b, 2.0), status, a)

    # -- the whole history ----------------------------------------------------------

    def run(self) -> None:
        c, rng = self.c, self.rng
        today = c.today
        last = _secs(today - timedelta(days=1)) + 18 * 3600
        goals = [(skill, lvl, scope, roles, p, g) for skill, lvl, scope, roles, _, _, p, g in GOAL_SPECS]
        onboarding = next(ci for ci, course in enumerate(c.catalog) if course.special == "onboarding")
        for e in c.employees:
            a = max(_secs(max(e.hire, c.start)) + 8 * 3600, self.h0)
            b = min(last, _secs(e.leave) + 17 * 3600) if e.leave else last
            if a >= b:
                continue
            team = c.teams[e.team] if e.team >= 0 else None
            p = team.propensity if team else 0.7
            tenure = min(1.0, 0.35 + 0.65 * (b - a) / (540 * _DAY))
            for skill, level, _ in ROLE_REQUIREMENTS[e.role]:
                pe = p * tenure * DAMPED_SKILLS.get(skill, 1.0)
                r = rng.random()
                if r < pe:
                    self.acquire(e, skill, level, a, b, 1.2)
                elif r < pe + (1 - pe) * 0.45:
                    self.partial(e, skill, level, a, b)
            for skill, level, scope, roles, push, growth in goals:
                if push and _in_scope(c, e, scope, roles) and rng.random() < push * tenure:
                    self.acquire(e, skill, level, a, b, growth)
            ids, cum = self.extras_table(e)
            for _ in range(_poisson(rng, 7.0 * (b - a) / self.span)):
                ci = ids[bisect.bisect_right(cum, rng.random() * cum[-1])]
                course = c.catalog[ci]
                r = rng.random()
                if course.graded:
                    status = "passed" if r < 0.6 else "failed" if r < 0.68 else "in_progress" if r < 0.9 else "enrolled"
                else:
                    status = "completed" if r < 0.66 else "in_progress" if r < 0.9 else "enrolled"
                t = self.when(a, b, 1.2)
                if self.add(e, ci, t, status, a) and status == "passed" and course.validity_months:
                    self.renew(e, ci, t, b)
            if e.hire >= c.start:
                done = _secs(e.hire) + rng.randrange(2, 20) * _DAY + rng.randrange(8 * 3600, 17 * 3600)
                if done < b:
                    self.add(
                        e,
                        onboarding,
                        done,
                        "completed" if rng.random() < 0.88 else "in_progress",
                        a,
                        start=_secs(e.hire) + 9 * 3600,
                    )
        self.compliance(last)
        self.plant_leaver(last)

    def compliance(self, last: int) -> None:
        """Yearly security-awareness campaigns (January to April), rising participation."""
        c, rng = self.c, self.rng
        for ci, course in enumerate(c.catalog):
            if not course.special.startswith("compliance"):
                continue
            k = int(course.special[-1])
            year = c.today.year - 2 + k
            opened = _secs(date(year, 1, 6)) + 9 * 3600
            close = _secs(date(year, 4, 30)) + 17 * 3600
            share = (0.55, 0.7, 0.8)[k]
            for e in c.employees:
                on = date(year, 2, 1)
                if e.hire > on or (e.leave and e.leave <= on):
                    continue
                a = max(opened, _secs(e.hire) + 9 * 3600)
                b = min(close, last, _secs(e.leave) + 17 * 3600 if e.leave else close)
                if a >= b:
                    continue
                r = rng.random()
                if r < share:
                    self.add(e, ci, self.when(a, b, -0.5), "completed", a, start=a)
                elif r < share + (1 - share) * 0.45:
                    self.add(
                        e, ci, self.when(a, b, 0.0), "in_progress" if rng.random() < 0.5 else "enrolled", a, start=a
                    )

    def plant_leaver(self, last: int) -> None:
        """A leaver whose LinkedIn Learning seat was not revoked keeps learning after leaving."""
        c = self.c
        leavers = [
            e
            for e in c.employees
            if e.leave and e.leave <= c.today - timedelta(days=60) and e.leave >= c.start + timedelta(days=60)
        ]
        if not leavers:
            return
        e = next((x for x in leavers if x.platform == "linkedin"), leavers[0])
        linked = [
            ci for ci, course in enumerate(c.catalog) if course.channel == "linkedin" and (e.idx, ci) not in self.seen
        ]
        t1 = _secs(e.leave) + 23 * _DAY + 10 * 3600 + 1260
        t2 = t1 + 9 * _DAY + 3 * 3600
        self.add(e, linked[0], t1, "completed", t1 - 3 * _DAY, start=t1 - 3 * _DAY)
        self.add(e, linked[1], t2, "in_progress", t2 - _DAY, start=t2 - _DAY)
        c.planted.append(
            f"Leaver with records after the leave date: {e.employee_id} ({e.email}) left on "
            f"{e.leave.isoformat()} but has LinkedIn Learning activity on {_day(t1).isoformat()} and "
            f"{_day(t2).isoformat()} (providers/ LinkedIn CSV)."
        )
        c.leaver_after = e.idx


def _assessments(company: Company) -> None:
    """Baseline survey at the start of the history, hiring assessments, one mid-history manager review."""
    c = company
    rng = _rng(c.seed, "assessments")
    out = c.assessments
    review_year = c.today.year - 1
    for e in c.employees:
        team = c.teams[e.team] if e.team >= 0 else None
        p = team.propensity if team else 0.7
        reqs = ROLE_REQUIREMENTS[e.role]
        if e.hire < c.start and (e.leave is None or e.leave > c.start):
            q = 0.1 + 0.3 * p
            day = c.start + timedelta(days=rng.randrange(3, 20))
            for skill, level, _ in reqs:
                if rng.random() < q * DAMPED_SKILLS.get(skill, 1.0):
                    r = rng.random()
                    lvl = level if r < 0.65 else level - 1 if r < 0.9 else level + 1
                    out.append((e.idx, skill, min(5, max(1, lvl)), day, f"Skills baseline survey {c.start.year}"))
        elif e.hire >= c.start:
            for skill, level, _ in reqs[:3]:
                if rng.random() < 0.4:
                    out.append((e.idx, skill, max(1, level - (rng.random() < 0.5)), e.hire, "Hiring assessment"))
        review = date(review_year, 6, 1) + timedelta(days=rng.randrange(0, 25))
        if e.hire < review and (e.leave is None or e.leave > review) and rng.random() < 0.15:
            for skill, level, _ in rng.sample(reqs, 1 + (rng.random() < 0.4)):
                lvl = level if rng.random() < p * DAMPED_SKILLS.get(skill, 1.0) else level - 1
                out.append((e.idx, skill, max(1, lvl), review, f"Manager review {review_year}"))
    out.sort(key=lambda a: (a[3], a[0], a[1]))
