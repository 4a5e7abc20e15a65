"""Money: monthly FX rates, licences sized from actual use, spend (invoices, vouchers,
workshops, packages, conferences, coaching) and budgets.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from sample.catalog import LICENSED
from sample.design import DEPARTMENTS, EXEC_DEPARTMENT, EXEC_TEAM, LOCATIONS
from sample.helpers import _DAY, _add_months, _day, _money, _poisson, _rng, _secs
from sample.model import Company, Employee

LICENCE_TERMS = {  # channel -> (vendor, price per seat and year, currency, invoices per year, seat headroom)
    "linkedin": ("LinkedIn Learning", 379.0, "USD", 4, 1.1),
    "udemy": ("Udemy Business", 330.0, "EUR", 1, 1.5),
    "coursera": ("Coursera", 399.0, "USD", 1, 1.25),
}
CONFERENCES = {
    "Engineering": ["CloudNorth Summit", "DevCraft Europe", "API Days Midwest"],
    "Data": ["DataWorks Europe", "Modern Analytics Forum"],
    "Security": ["SecureOps Con", "Threat Intel Summit"],
    "Product": ["Product Compass Conference", "UX Harbour"],
    "Sales": ["SaaS Revenue Forum", "Enterprise Selling Live"],
    "People and Finance": ["People Analytics Days", "CFO Horizons"],
    EXEC_DEPARTMENT: ["Leaders Retreat Europe"],
}
TRAINING_VENDORS = [
    "Northgate Training",
    "Meridian Leadership Institute",
    "Brightpath Coaching",
    "Keystone Professional Education",
]
CONTENT_VENDORS = ["Quantive Content", "Brightlane eLearning", "Harbor Compliance Media"]


def _months(first: date, last: date) -> list[date]:
    out, m = [], first.replace(day=1)
    while m <= last:
        out.append(m)
        m = _add_months(m, 1)
    return out


def _build_fx(c: Company) -> None:
    """Monthly USD rates for EUR and GBP: a gentle random walk."""
    rng = _rng(c.seed, "fx")
    for cur, start, lo, hi in (("EUR", 1.085, 1.02, 1.20), ("GBP", 1.265, 1.18, 1.38)):
        rate, series = start, {}
        for m in _months(c.start, c.today):
            series[m] = round(rate, 4)
            rate = min(hi, max(lo, rate + rng.gauss(0.0015, 0.011)))
        c.fx[cur] = series


def _to_usd(c: Company, amount: float, currency: str, day: date) -> float:
    if currency == "USD":
        return amount
    return amount * c.fx[currency][day.replace(day=1)]


def _from_usd(c: Company, amount: float, currency: str, day: date) -> float:
    if currency == "USD":
        return amount
    return amount / c.fx[currency][day.replace(day=1)]


def _build_money(c: Company) -> None:
    """Licences sized from actual use, invoices, exam vouchers, paid workshops, packages,
    conferences and coaching; budgets set so utilisation differs by department."""
    rng = _rng(c.seed, "money")
    cat, emps = c.catalog, c.employees
    spend: list[tuple] = []  # (date, amount, currency, vendor, category, team, employee_id, course_id, desc, ref)
    counters: dict[str, int] = {}

    def ref(prefix: str, day: date) -> str:
        key = f"{prefix}-{day.year % 100:02d}"
        counters[key] = counters.get(key, 0) + 1
        return f"{key}{counters[key]:04d}"

    # Licences: one row per vendor and contract year; the year after today is the renewal.
    periods = [(_add_months(c.start, 12 * k), _add_months(c.start, 12 * (k + 1)) - timedelta(days=1)) for k in range(4)]
    users: dict[tuple[str, int], set[int]] = {}
    for emp, ci, _start, end, _status, _ in c.events:
        ch = cat[ci].channel
        if ch in LICENSED:
            for k, (ps, pe) in enumerate(periods):
                if _secs(ps) <= end < _secs(pe) + _DAY:
                    users.setdefault((ch, k), set()).add(emp)
    for ch, (vendor, price, currency, invoices, headroom) in LICENCE_TERMS.items():
        seats = 0
        for k, (ps, pe) in enumerate(periods):
            if k < 3 or seats == 0:
                n = len(users.get((ch, min(k, 2)), ()))
                seats = max(25, math.ceil(n * headroom / 25) * 25)
            cost = seats * price
            c.licences.append(
                {
                    "vendor": vendor,
                    "seats": seats,
                    "start_date": ps.isoformat(),
                    "end_date": pe.isoformat(),
                    "cost": _money(cost),
                    "currency": currency,
                }
            )
            for q in range(invoices):
                day = _add_months(ps, 12 // invoices * q)
                if k == 3:
                    day = min(ps - timedelta(days=16), c.today - timedelta(days=1))
                if day > c.today or (k == 3 and q > 0):
                    continue
                what = f"{seats} seats {ps.isoformat()} to {pe.isoformat()}"
                if invoices > 1:
                    what += f", instalment {q + 1} of {invoices}"
                spend.append(
                    (
                        day,
                        cost / invoices,
                        currency,
                        vendor,
                        "licence",
                        "",
                        "",
                        "",
                        f"{vendor} licence: {what}",
                        ref("INV", day),
                    )
                )

    # Platforms: Moodle hosting (monthly), LRS (monthly), SCORM Cloud and Cornerstone (yearly).
    size = max(c.scale, 0.2) ** 0.6
    for m in _months(c.start, c.today):
        spend.append(
            (
                m + timedelta(days=4),
                round(1450 * size, 2),
                "EUR",
                "Kestrel Moodle Hosting",
                "platform",
                "",
                "",
                "",
                f"Moodle hosting {m:%B %Y}",
                ref("KMH", m),
            )
        )
        spend.append(
            (
                m + timedelta(days=9),
                round(620 * size, 2),
                "USD",
                "Lumen LRS",
                "platform",
                "",
                "",
                "",
                f"Learning record store subscription {m:%B %Y}",
                ref("LRS", m),
            )
        )
    for ps, _ in periods[:3]:
        spend.append(
            (
                ps + timedelta(days=14),
                round(42000 * size, 2),
                "USD",
                "Cornerstone",
                "platform",
                "",
                "",
                "",
                f"Cornerstone learning suite, year from {ps.isoformat()}",
                ref("CSOD", ps),
            )
        )
        spend.append(
            (
                ps + timedelta(days=20),
                round(7800 * size, 2),
                "USD",
                "SCORM Cloud",
                "platform",
                "",
                "",
                "",
                f"SCORM Cloud subscription, year from {ps.isoformat()}",
                ref("SCC", ps),
            )
        )

    # Per-learner purchases: exam vouchers and paid workshops, in the team's currency.
    first_use: dict[int, int] = {}
    vendor_of = {ci: TRAINING_VENDORS[rng.randrange(len(TRAINING_VENDORS))] for ci in range(len(cat))}
    content_vendor = {ci: CONTENT_VENDORS[rng.randrange(len(CONTENT_VENDORS))] for ci in range(len(cat))}
    for emp, ci, start, end, _status, _ in c.events:
        course = cat[ci]
        e = emps[emp]
        if course.channel == "scorm":
            first_use[ci] = min(first_use.get(ci, start), start)
        if not course.price:
            continue
        cur = c.currency(e)
        if course.channel == "badge":
            day = max(c.start, _day(end) - timedelta(days=rng.randrange(5, 30)))
            amount = _from_usd(c, _to_usd(c, course.price, course.currency, day), cur, day)
            spend.append(
                (
                    day,
                    amount,
                    cur,
                    course.issuer,
                    "certification",
                    c.team_name(e),
                    e.employee_id,
                    course.course_id,
                    f"Exam voucher: {course.title}",
                    ref("PO", day),
                )
            )
        elif course.channel == "cornerstone":
            day = max(c.start, _day(start) - timedelta(days=rng.randrange(3, 21)))
            amount = _from_usd(c, _to_usd(c, course.price, course.currency, day), cur, day)
            spend.append(
                (
                    day,
                    amount,
                    cur,
                    vendor_of[ci],
                    "course",
                    c.team_name(e),
                    e.employee_id,
                    course.course_id,
                    f"Registration: {course.title}",
                    ref("PO", day),
                )
            )
    for ci in sorted(first_use):
        course = cat[ci]
        day = max(c.start, _day(first_use[ci]) - timedelta(days=20))
        spend.append(
            (
                day,
                course.price,
                course.currency,
                content_vendor[ci],
                "course",
                "",
                "",
                course.course_id,
                f"SCORM package licence: {course.title}",
                ref("PO", day),
            )
        )

    # Conferences and coaching, per team and department.
    active_by_team: dict[int, list[Employee]] = {}
    for e in emps:
        active_by_team.setdefault(e.team, []).append(e)
    units = [(ti, t.department, t.location) for ti, t in enumerate(c.teams)] + [(-1, EXEC_DEPARTMENT, "Boston")]
    days_total = (c.today - c.start).days
    for ti, dept, loc in units:
        members = active_by_team.get(ti, [])
        if not members:
            continue
        cur = LOCATIONS[loc]
        team_name = EXEC_TEAM if ti < 0 else c.teams[ti].name
        for _ in range(_poisson(rng, 3.6 * len(members) / 37)):
            day = c.start + timedelta(days=rng.randrange(days_total))
            who = [e for e in members if e.hire <= day and (e.leave is None or e.leave > day)]
            if not who:
                continue
            e = who[rng.randrange(len(who))]
            conf = rng.choice(CONFERENCES[dept])
            amount = _from_usd(c, rng.uniform(600, 2400), cur, day)
            spend.append(
                (
                    day,
                    amount,
                    cur,
                    conf,
                    "conference",
                    team_name,
                    e.employee_id,
                    "",
                    f"{conf} {day.year} ticket",
                    ref("EXP", day),
                )
            )
        for _ in range(_poisson(rng, 1.5)):
            day = c.start + timedelta(days=rng.randrange(days_total))
            if rng.random() < 0.6:
                vendor, amount, what = "Brightpath Coaching", rng.uniform(1500, 6000), "Leadership coaching sessions"
            else:
                vendor, amount, what = "Pagewise Books", rng.uniform(80, 450), "Technical books"
            spend.append(
                (day, _from_usd(c, amount, cur, day), cur, vendor, "other", team_name, "", "", what, ref("EXP", day))
            )

    spend.sort(key=lambda r: (r[0], r[9]))
    c.spend = [
        [d.isoformat(), _money(a), cur, v, cat_, t, e, co, desc, r] for d, a, cur, v, cat_, t, e, co, desc, r in spend
    ]

    # Budgets (USD, calendar years): departments and the company.
    dept_of_team = {t.name: t.department for t in c.teams}
    dept_of_team[EXEC_TEAM] = EXEC_DEPARTMENT
    factors = {
        "Engineering": 0.93,
        "Data": 1.12,
        "Security": 1.3,
        "Product": 1.05,
        "Sales": 0.86,
        "People and Finance": 1.2,
        EXEC_DEPARTMENT: 1.1,
    }
    for year in (c.today.year - 1, c.today.year):
        first, last = date(year, 1, 1), date(year, 12, 31)
        elapsed = (min(last, c.today) - first).days + 1
        annualise = 365 / elapsed
        by_unit: dict[str, float] = {}
        central = 0.0
        for d, a, cur, *_rest in spend:
            if first <= d <= last:
                team = _rest[2]
                usd = _to_usd(c, a, cur, d)
                if team:
                    dept = dept_of_team[team]
                    by_unit[dept] = by_unit.get(dept, 0.0) + usd
                else:
                    central += usd
        total = 0.0
        for dept in [d for d, _, _ in DEPARTMENTS] + [EXEC_DEPARTMENT]:
            amount = (
                round(
                    by_unit.get(dept, 0.0) * annualise * (factors[dept] + (0.05 if year < c.today.year else 0)) / 1000
                )
                * 1000
            )
            amount = max(amount, 1000)
            total += amount
            c.budgets.append([dept, first.isoformat(), last.isoformat(), _money(amount), "USD"])
        company = round((total + central * annualise * 1.04) / 1000) * 1000
        c.budgets.append(["company", first.isoformat(), last.isoformat(), _money(company), "USD"])
