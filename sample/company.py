"""The organisation (teams and roster, ``build_org``) and the whole company in memory
(``build_company``: roster, catalog, learning history, assessments, goals, money).
"""

from __future__ import annotations

from datetime import date, timedelta

from sample.catalog import build_catalog
from sample.design import BASE_EMPLOYEES, DEFAULT_TODAY, DEPARTMENTS, DOMAIN, KIND_ROLES, LOCATIONS
from sample.goals import _build_goals
from sample.helpers import _email_part, _history_start, _pick, _rng
from sample.history import _assessments, _Simulator
from sample.model import Company, Employee, Team
from sample.money import _build_fx, _build_money
from sample.names import FIRST_NAMES, LAST_NAMES


def build_org(seed: int, scale: float, today: date) -> tuple[list[Team], list[Employee]]:
    """Teams and the roster: a CEO, department heads, team leads and members; ids in hire order."""
    rng = _rng(seed, "org")
    start = _history_start(today)
    teams: list[Team] = []
    for dept, code, templates in DEPARTMENTS:
        n = max(1, round(len(templates) * scale))
        for k in range(n):
            name, loc, kind = templates[k % len(templates)]
            cycle = k // len(templates)
            teams.append(
                Team(name if cycle == 0 else f"{name} {cycle + 1}", dept, loc, kind, f"CC-{code}-{k + 1:03d}", 0.0)
            )
    spread = [0.05 + 0.82 * i / max(1, len(teams) - 1) for i in range(len(teams))]
    rng.shuffle(spread)
    for t, p in zip(teams, spread, strict=False):
        t.propensity = p

    total = max(len(teams) * 4 + 7, round(BASE_EMPLOYEES * scale))
    n_members = total - 7 - len(teams)
    weights = [rng.uniform(0.55, 1.45) for _ in teams]
    wsum = sum(weights)
    sizes = [max(2, int(w / wsum * n_members)) for w in weights]
    i = 0
    while sum(sizes) < n_members:
        sizes[i % len(sizes)] += 1
        i += 1

    people: list[dict] = []

    def hire_between(lo: date, hi: date) -> date:
        d = lo + timedelta(days=rng.randrange(max(1, (hi - lo).days)))
        return d + timedelta(days=(7 - d.weekday()) % 7)  # start on a Monday

    def person(role: str, team: int, manager: int, hire: date, location: str) -> int:
        people.append(
            {
                "role": role,
                "team": team,
                "manager": manager,
                "hire": hire,
                "leave": None,
                "location": location,
                "first": rng.choice(FIRST_NAMES),
                "last": rng.choice(LAST_NAMES),
            }
        )
        return len(people) - 1

    ceo = person("Chief Executive Officer", -1, -1, hire_between(date(2015, 1, 5), date(2015, 6, 1)), "Boston")
    heads = {}
    for dept, _, templates in DEPARTMENTS:
        heads[dept] = person(
            "Department Head", -1, ceo, hire_between(date(2015, 1, 5), date(2018, 12, 31)), templates[0][1]
        )
    early = start - timedelta(days=1)
    for ti, t in enumerate(teams):
        t.lead = person(
            "Team Lead", ti, heads[t.department], hire_between(date(2015, 1, 5), date(2021, 12, 31)), t.location
        )
        mix = KIND_ROLES[t.kind]
        for _ in range(sizes[ti]):
            joiner = rng.random() < 0.26
            hire = hire_between(start, today - timedelta(days=10)) if joiner else hire_between(date(2015, 1, 5), early)
            loc = t.location if rng.random() < 0.9 else rng.choice(sorted(LOCATIONS))
            person(_pick(rng, mix), ti, t.lead, min(hire, today - timedelta(days=3)), loc)

    # Leavers: about 8% of the roster left during the three years of history.
    leaders = {ceo, *heads.values(), *(t.lead for t in teams)}
    candidates = [i for i, p in enumerate(people) if i not in leaders and p["hire"] <= today - timedelta(days=120)]
    for i in rng.sample(candidates, min(len(candidates), round(len(people) * 0.08))):
        p = people[i]
        lo = max(p["hire"] + timedelta(days=90), start)
        hi = today - timedelta(days=5)
        d = lo + timedelta(days=rng.randrange(max(1, (hi - lo).days)))
        p["leave"] = d - timedelta(days=max(0, d.weekday() - 4))  # last day on a weekday

    # Platforms: who uses which licensed library (drives seats and provider exports).
    platform_mix = {
        "eng": [("linkedin", 0.30), ("udemy", 0.26), ("coursera", 0.07), ("", 0.37)],
        "data": [("linkedin", 0.30), ("udemy", 0.10), ("coursera", 0.30), ("", 0.30)],
        "sec": [("linkedin", 0.35), ("udemy", 0.20), ("coursera", 0.10), ("", 0.35)],
        "prod": [("linkedin", 0.45), ("udemy", 0.05), ("coursera", 0.15), ("", 0.35)],
        "biz": [("linkedin", 0.45), ("coursera", 0.05), ("", 0.50)],
        "lead": [("linkedin", 0.60), ("coursera", 0.10), ("", 0.30)],
    }
    dept_group = {
        "Engineering": "eng",
        "Data": "data",
        "Security": "sec",
        "Product": "prod",
        "Sales": "biz",
        "People and Finance": "biz",
    }

    order = sorted(range(len(people)), key=lambda i: (people[i]["hire"], rng.random()))
    new_index = {old: new for new, old in enumerate(order)}
    employees: list[Employee] = []
    emails: dict[str, int] = {}
    moodle_id = 100 + rng.randrange(20)
    for new, old in enumerate(order):
        p = people[old]
        base = f"{_email_part(p['first'])}.{_email_part(p['last'])}"
        n = emails.get(base, 0) + 1
        emails[base] = n
        email = f"{base}{n if n > 1 else ''}@{DOMAIN}"
        if p["role"] in ("Team Lead", "Department Head", "Chief Executive Officer"):
            group = "lead"
        else:
            group = dept_group[teams[p["team"]].department]
        moodle_id += rng.randint(1, 3)
        employees.append(
            Employee(
                new,
                f"E{new + 1:05d}",
                p["first"],
                p["last"],
                email,
                p["role"],
                p["team"],
                new_index[p["manager"]] if p["manager"] >= 0 else -1,
                p["location"],
                p["hire"],
                p["leave"],
                _pick(rng, platform_mix[group]),
                moodle_id,
            )
        )
    for t in teams:
        t.lead = new_index[t.lead]
    return teams, employees


def build_company(scale: float = 1.0, seed: int = 7, today: date = DEFAULT_TODAY) -> Company:
    """The whole simulated company in memory (roster, catalog, history, goals, money)."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    teams, employees = build_org(seed, scale, today)
    c = Company(seed, scale, today, _history_start(today), teams, employees, build_catalog(seed, today))
    _Simulator(c).run()
    _assessments(c)
    _build_goals(c)
    _build_fx(c)
    _build_money(c)
    return c
