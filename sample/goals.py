"""Strategic goals: targets set from the simulated history so that each goal's intended
status (on track, off track, achieved) holds.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from sample.design import GOAL_SPECS
from sample.helpers import _add_months, _day, _secs
from sample.history import _in_scope
from sample.model import Company


def _goal_share(
    c: Company,
    skill: str,
    level: int,
    scope: str,
    roles: list[str],
    day: date,
    evidence: dict[int, list[tuple[int, int, int | None]]],
) -> tuple[float, int]:
    """Share of the population active on day whose valid evidence for skill reaches level."""
    ts = _secs(day)
    pop = met = 0
    for e in c.employees:
        if e.hire > day or (e.leave and e.leave <= day) or not _in_scope(c, e, scope, roles):
            continue
        pop += 1
        best = 0
        for lvl, frm, until in evidence.get(e.idx, ()):
            if frm <= ts and (until is None or ts < until):
                best = max(best, lvl)
        met += best >= level
    return (met / pop if pop else 0.0), pop


def _goal_evidence(c: Company, skill: str) -> dict[int, list[tuple[int, int, int | None]]]:
    ev: dict[int, list[tuple[int, int, int | None]]] = {}
    for emp, ci, _, end, status, _ in c.events:
        if status not in ("completed", "passed"):
            continue
        course = c.catalog[ci]
        for s, lvl in course.skills:
            if s == skill:
                until = _secs(_add_months(_day(end), course.validity_months)) if course.validity_months else None
                ev.setdefault(emp, []).append((lvl, end, until))
    for emp, s, lvl, day, _ in c.assessments:
        if s == skill:
            ev.setdefault(emp, []).append((lvl, _secs(day), None))
    return ev


def _build_goals(c: Company) -> None:
    """Targets chosen so that each goal's intended status holds with a wide margin."""
    year_ago = c.today - timedelta(days=365)
    owners = {}
    for e in c.employees:
        if e.role == "Chief Executive Officer":
            owners["company"] = e.employee_id
    for t in c.teams:  # a department's head is whoever its team leads report to
        owners.setdefault(t.department, c.employees[c.employees[t.lead].manager].employee_id)
    for n, (skill, level, scope, roles, (m, d), intent, _, _) in enumerate(GOAL_SPECS, 1):
        evidence = _goal_evidence(c, skill)
        now, pop = _goal_share(c, skill, level, scope, roles, c.today, evidence)
        before, _ = _goal_share(c, skill, level, scope, roles, year_ago, evidence)
        quarter, _ = _goal_share(c, skill, level, scope, roles, c.today - timedelta(days=90), evidence)
        deadline = date(c.today.year + 1, m, d)
        days = (deadline - c.today).days
        # Straight lines through the last year and the last 90 days; the target must hold for both.
        paths = [min(1.0, now + (now - before) / 365 * days), min(1.0, now + (now - quarter) / 90 * days)]
        if intent == "achieved":
            projected = max(paths)
            target = max(0.05, math.floor((now - 0.05) * 20) / 20)
        elif intent == "on track":  # halfway between today's share and the lower projection
            projected = min(paths)
            target = min(0.95, round((now + projected) / 2 * 20) / 20)
            if target < now + 0.03:
                target = min(0.95, math.ceil((now + 0.03) * 20) / 20)
        else:
            projected = max(paths)
            target = min(0.95, math.ceil((projected + 0.15) * 20 - 1e-9) / 20)
        pct = round(target * 100)
        who = " and ".join(f"{r}s" for r in roles) if roles else "the company" if scope == "company" else scope
        if roles and scope != "company":
            who += f" in {scope}"
        c.goals.append(
            {
                "goal_id": f"G{n}",
                "name": f"{pct}% of {who} at {skill} level {level} by {deadline.isoformat()}",
                "skill": skill,
                "min_level": level,
                "scope": scope,
                "roles": ";".join(roles),
                "target_share": f"{target:.2f}",
                "deadline": deadline.isoformat(),
                "owner": owners.get(scope, owners.get("company", "")),
                "intent": intent,
                "share_now": now,
                "share_year_ago": before,
                "projected": projected,
                "population": pop,
            }
        )
