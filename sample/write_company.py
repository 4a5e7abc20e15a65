"""Writer of ``company/``: roster, skills, catalog, requirements, goals, spend, budgets,
licences, fx and assessments CSVs.
"""

from __future__ import annotations

from pathlib import Path

from sample.design import ROLE_REQUIREMENTS, SKILLS
from sample.helpers import _money, _write_csv
from sample.model import Company, Employee

COMPANY_HEADERS = {
    "roster.csv": [
        "employee_id",
        "full_name",
        "email",
        "role",
        "team",
        "department",
        "manager_id",
        "location",
        "cost_center",
        "hire_date",
        "leave_date",
    ],
    "skills.csv": ["skill", "category", "description"],
    "catalog.csv": [
        "course_id",
        "title",
        "provider",
        "hours",
        "price",
        "currency",
        "credential_type",
        "validity_months",
        "skills",
        "aliases",
    ],
    "requirements.csv": ["role", "skill", "required_level", "weight"],
    "goals.csv": ["goal_id", "name", "skill", "min_level", "scope", "roles", "target_share", "deadline", "owner"],
    "spend.csv": [
        "date",
        "amount",
        "currency",
        "vendor",
        "category",
        "team",
        "employee_id",
        "course_id",
        "description",
        "reference",
    ],
    "budgets.csv": ["unit", "period_start", "period_end", "amount", "currency"],
    "licences.csv": ["vendor", "seats", "start_date", "end_date", "cost", "currency"],
    "fx.csv": ["currency", "month", "rate"],
    "assessments.csv": ["employee_id", "skill", "level", "assessed_at", "source"],
}


def _cost_center(company: Company, e: Employee) -> str:
    return "CC-EXE-001" if e.team < 0 else company.teams[e.team].cost_center


def _write_company(c: Company, out: Path, counts: dict[str, int]) -> None:
    d = out / "company"
    emps = c.employees
    rows = {
        "roster.csv": [
            [
                e.employee_id,
                e.full_name,
                e.email,
                e.role,
                c.team_name(e),
                c.department(e),
                emps[e.manager].employee_id if e.manager >= 0 else "",
                e.location,
                _cost_center(c, e),
                e.hire.isoformat(),
                e.leave.isoformat() if e.leave else "",
            ]
            for e in emps
        ],
        "skills.csv": [list(s) for s in SKILLS],
        "catalog.csv": [
            [
                x.course_id,
                x.title,
                x.provider,
                f"{x.hours:g}",
                "" if x.price is None else _money(x.price),
                x.currency,
                x.credential_type,
                x.validity_months or "",
                "; ".join(f"{s}:{lvl}" for s, lvl in x.skills),
                ";".join([x.alias, *x.extra_aliases]),
            ]
            for x in c.catalog
        ],
        "requirements.csv": [[role, s, lvl, w] for role, reqs in ROLE_REQUIREMENTS.items() for s, lvl, w in reqs],
        "goals.csv": [[g[k] for k in COMPANY_HEADERS["goals.csv"]] for g in c.goals],
        "spend.csv": c.spend,
        "budgets.csv": c.budgets,
        "licences.csv": [[x[k] for k in COMPANY_HEADERS["licences.csv"]] for x in c.licences],
        "fx.csv": [[cur, m.isoformat(), f"{r:.4f}"] for cur, series in c.fx.items() for m, r in series.items()],
        "assessments.csv": [
            [emps[i].employee_id, s, lvl, day.isoformat(), src] for i, s, lvl, day, src in c.assessments
        ],
    }
    for name, header in COMPANY_HEADERS.items():
        counts[f"company/{name}"] = _write_csv(d / name, header, rows[name])
