"""Readers for the company's own files: roster, skills, catalog, requirements, goals,
spend, budgets, licences, FX rates and assessments.

Each is a CSV with a header (column names case-insensitive). Every column is checked
against a small declared spec; a row with a bad value becomes a rejected row naming
the column, the value and what was expected.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple

import polars as pl

from common.identity import identity_problem
from common.text import BOM
from etl.records import Parsed, Rejected, UnreadableFile, csv_rows, raw_csv_line, row_problem

#: How the company files are read. Bump it when a change here would read a file differently (other
#: records, rejected rows or reasons): files loaded before are then loaded again. A change that reads
#: every file the same way (a move, a refactoring, faster code) leaves it as it is.
READER_VERSION = 3


@dataclass(frozen=True)
class Spec:
    kind: str
    table: str
    #: column -> type: str, email, int, float, money, date, month, level, share, list, skills, currency
    columns: dict[str, str]
    required: tuple[str, ...]
    key: tuple[str, ...]
    #: columns that must all be present in the header for the file to be this kind
    signature: tuple[str, ...] = field(default=())


SPECS: dict[str, Spec] = {
    s.kind: s
    for s in [
        Spec(
            "roster",
            "employees",
            {
                "employee_id": "str",
                "full_name": "str",
                "email": "email",
                "role": "str",
                "team": "str",
                "department": "str",
                "manager_id": "str",
                "location": "str",
                "cost_center": "str",
                "hire_date": "date",
                "leave_date": "date",
            },
            ("employee_id", "full_name", "email", "role", "team", "department"),
            ("employee_id",),
            ("employee_id", "full_name", "email", "role", "team", "department", "manager_id"),
        ),
        Spec(
            "skills",
            "skills",
            {"skill": "str", "category": "str", "description": "str"},
            ("skill",),
            ("skill",),
            ("skill", "category"),
        ),
        Spec(
            "catalog",
            "courses",
            {
                "course_id": "str",
                "title": "str",
                "provider": "str",
                "hours": "float",
                "price": "money",
                "currency": "currency",
                "credential_type": "str",
                "validity_months": "int",
                "skills": "skills",
                "aliases": "list",
                "description": "str",
            },
            ("course_id", "title"),
            ("course_id",),
            ("course_id", "title", "provider", "skills"),
        ),
        Spec(
            "requirements",
            "requirements",
            {"role": "str", "skill": "str", "required_level": "level", "weight": "float"},
            ("role", "skill", "required_level"),
            ("role", "skill"),
            ("role", "skill", "required_level"),
        ),
        Spec(
            "goals",
            "goals",
            {
                "goal_id": "str",
                "name": "str",
                "skill": "str",
                "min_level": "level",
                "scope": "str",
                "roles": "list",
                "target_share": "share",
                "deadline": "date",
                "owner": "str",
            },
            ("goal_id", "skill", "min_level", "scope", "target_share", "deadline"),
            ("goal_id",),
            ("goal_id", "skill", "min_level", "target_share", "deadline"),
        ),
        Spec(
            "spend",
            "spend",
            {
                "date": "date",
                "amount": "money",
                "currency": "currency",
                "vendor": "str",
                "category": "str",
                "team": "str",
                "employee_id": "str",
                "course_id": "str",
                "description": "str",
                "reference": "str",
            },
            ("date", "amount", "currency"),
            ("spend_id",),
            ("date", "amount", "currency", "vendor", "category"),
        ),
        Spec(
            "budgets",
            "budgets",
            {"unit": "str", "period_start": "date", "period_end": "date", "amount": "money", "currency": "currency"},
            ("unit", "period_start", "period_end", "amount", "currency"),
            ("unit", "period_start"),
            ("unit", "period_start", "period_end", "amount"),
        ),
        Spec(
            "licences",
            "licences",
            {
                "vendor": "str",
                "seats": "int",
                "start_date": "date",
                "end_date": "date",
                "cost": "money",
                "currency": "currency",
            },
            ("vendor", "seats", "start_date", "end_date"),
            ("vendor", "start_date"),
            ("vendor", "seats", "start_date", "end_date"),
        ),
        Spec(
            "fx",
            "fx",
            {"currency": "currency", "month": "month", "rate": "float"},
            ("currency", "month", "rate"),
            ("currency", "month"),
            ("currency", "month", "rate"),
        ),
        Spec(
            "assessments",
            "assessments",
            {"employee_id": "str", "skill": "str", "level": "level", "assessed_at": "date", "source": "str"},
            ("employee_id", "skill", "level", "assessed_at"),
            ("employee_id", "skill", "assessed_at"),
            ("employee_id", "skill", "level", "assessed_at"),
        ),
    ]
}

#: Load order: what later files are resolved against comes first.
ORDER = ("roster", "skills", "catalog", "requirements", "goals", "fx", "budgets", "licences", "spend", "assessments")

_SKILL_ITEM = re.compile(r"^\s*(?P<skill>[^:;]+?)\s*:\s*(?P<level>\d+)\s*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MONTH = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})$")


def _norm_header(h: str) -> str:
    return h.strip().lstrip(BOM).lower().replace(" ", "_")


def detect(header: list[str]) -> str | None:
    """The company kind whose signature columns the header has (most specific wins)."""
    cols = {_norm_header(h) for h in header}
    best = None
    for spec in SPECS.values():
        if set(spec.signature) <= cols and (best is None or len(spec.signature) > len(best.signature)):
            best = spec
    return best.kind if best else None


def closest_kinds(header: list[str], most: int = 3) -> list[tuple[float, str, list[str]]]:
    """The company kinds a header that fits none comes closest to: (share of the columns it needs
    that the header has, kind, the columns it lacks).

    A kind counts when the header has at least one of the columns it needs (its required and
    signature columns); closest first: the larger share of those present, then fewer missing.
    """
    cols = {_norm_header(h) for h in header}
    near = []
    for spec in SPECS.values():
        needed = list(dict.fromkeys(spec.required + spec.signature))
        missing = [c for c in needed if c not in cols]
        if missing and len(missing) < len(needed):
            share = (len(needed) - len(missing)) / len(needed)
            near.append((-share, len(missing), ORDER.index(spec.kind), spec.kind, missing))
    near.sort()
    return [(-share, kind, missing) for share, _, _, kind, missing in near[:most]]


def sniff(name: str, head: str) -> bool:
    first = head.splitlines()[0] if head.strip() else ""
    return detect([c.strip('"') for c in re.split(r"[,;\t]", first)]) is not None


def _parse_value(kind: str, value: str, column: str):
    """Convert one cell; raise ValueError with the reason a manager can act on."""
    v = value.strip()
    if v == "":
        return None
    if kind == "str":
        return v
    if kind == "email":
        if not _EMAIL.match(v):
            raise ValueError(f"{column} '{v}' is not an e-mail address")
        problem = identity_problem(v)
        if problem:
            raise ValueError(
                f"{column} '{v}' {problem}: look-alike characters could make it pass for another person's "
                "address, so write it in plain characters"
            )
        return v
    if kind == "month":  # finance writes a month as 2024-03; a date stands for its month
        m = _MONTH.match(v)
        try:
            return date(int(m["year"]), int(m["month"]), 1) if m else date.fromisoformat(v[:10]).replace(day=1)
        except ValueError:
            raise ValueError(f"{column} '{v}' is not a month (expected YYYY-MM, or a date YYYY-MM-DD)") from None
    if kind == "date":
        try:
            return date.fromisoformat(v[:10]) if len(v) >= 10 else date.fromisoformat(v)
        except ValueError:
            raise ValueError(f"{column} '{v}' is not a date (expected YYYY-MM-DD)") from None
    if kind == "int":
        try:
            f = float(v)
        except ValueError:
            raise ValueError(f"{column} '{v}' is not a whole number") from None
        if f != int(f) or f < 0:
            raise ValueError(f"{column} '{v}' is not a whole number")
        return int(f)
    if kind == "float":
        try:
            return float(v.replace(",", "")) if v.count(",") and v.count(".") else float(v.replace(",", "."))
        except ValueError:
            raise ValueError(f"{column} '{v}' is not a number") from None
    if kind == "money":
        try:
            return Decimal(v.replace(",", "").replace(" ", ""))
        except InvalidOperation:
            raise ValueError(f"{column} '{v}' is not an amount") from None
    if kind == "currency":
        if not re.fullmatch(r"[A-Za-z]{3}", v):
            raise ValueError(f"{column} '{v}' is not a three-letter currency code such as USD or EUR")
        return v.upper()
    if kind == "level":
        try:
            level = int(float(v))
        except ValueError:
            raise ValueError(f"{column} '{v}' is not a skill level 1-5") from None
        if not 1 <= level <= 5 or level != float(v):
            raise ValueError(f"{column} '{v}' is not a skill level 1-5")
        return level
    if kind == "share":
        pct = v.endswith("%")
        try:
            share = float(v.rstrip("%"))
        except ValueError:
            raise ValueError(f"{column} '{v}' is not a share such as 0.7 or 70%") from None
        if pct or share > 1:
            share /= 100
        if not 0 <= share <= 1:
            raise ValueError(f"{column} '{v}' is not a share between 0 and 1 (or 0% and 100%)")
        return share
    if kind == "list":
        return [p.strip() for p in v.split(";") if p.strip()]
    if kind == "skills":
        items = []
        for part in v.split(";"):
            if not part.strip():
                continue
            m = _SKILL_ITEM.match(part)
            if not m or not 1 <= int(m.group("level")) <= 5:
                raise ValueError(f"{column} '{v}' must list skills with levels 1-5 like 'Python:3; SQL:2'")
            items.append((m.group("skill"), int(m.group("level"))))
        return items
    raise AssertionError(kind)


_POLARS = {
    "str": pl.Utf8,
    "email": pl.Utf8,
    "date": pl.Date,
    "month": pl.Date,
    "int": pl.Int64,
    "float": pl.Float64,
    "money": pl.Decimal(18, 2),
    "currency": pl.Utf8,
    "level": pl.Int64,
    "share": pl.Float64,
    "list": pl.List(pl.Utf8),
    "skills": pl.List(pl.Struct({"skill": pl.Utf8, "level": pl.Int64})),
}


def read(path: Path, kind: str | None = None) -> Parsed:
    """Read one company file into a typed frame (columns as in its Spec) plus rejected rows.

    The frame also carries ``_row_number`` and ``_raw`` so that checks needing the
    warehouse (an assessment for an unknown employee) can still reject the row verbatim.
    """
    path = Path(path)
    header, body = csv_rows(path)
    kind = kind or detect(header)
    if kind is None or kind not in SPECS:
        raise UnreadableFile(
            f"{path.name} is not one of the company files (roster, catalog, requirements, goals, spend, budgets, licences, fx, assessments, skills)."
        )
    spec = SPECS[kind]
    index = {_norm_header(h): i for i, h in enumerate(header)}
    missing = [c for c in spec.required if c not in index]
    if missing:
        raise UnreadableFile(f"{path.name} has no column {', '.join(missing)}, which a {kind} file needs.")
    rows: list[dict] = []
    rejected: list[Rejected] = []
    seen: set[tuple] = set()
    for n, cells in enumerate(body, start=1):
        rec = {}
        try:
            if problem := row_problem(n, header, cells):  # a byte that is not text, a NUL
                raise ValueError(problem)
            for col, typ in spec.columns.items():
                i = index.get(col)
                value = cells[i] if i is not None and i < len(cells) else ""
                rec[col] = _parse_value(typ, value, col)
            for col in spec.required:
                if rec[col] is None or rec[col] == []:
                    raise ValueError(f"{col} is empty")
            _check_row(kind, rec)
        except ValueError as exc:
            rejected.append(Rejected(n, str(exc), raw_csv_line(header, cells), _written_key(spec, index, cells)))
            continue
        if kind == "spend":
            rec["spend_id"] = (
                rec["reference"] or "row:" + hashlib.sha256(raw_csv_line(header, cells).encode()).hexdigest()[:24]
            )
        key = tuple(rec[k] for k in spec.key)
        if key in seen:
            rejected.append(
                Rejected(
                    n,
                    f"{', '.join(spec.key)} {'/'.join(map(str, key))} appears twice in this file; the first row was kept",
                    raw_csv_line(header, cells),
                )
            )
            continue
        seen.add(key)
        rec["_row_number"] = n
        rec["_raw"] = raw_csv_line(header, cells)
        rows.append(rec)
    schema = {c: _POLARS[t] for c, t in spec.columns.items()}
    if kind == "spend":
        schema["spend_id"] = pl.Utf8
    schema["_row_number"] = pl.Int64
    schema["_raw"] = pl.Utf8
    if kind == "catalog":
        for r in rows:
            r["skills"] = [{"skill": s, "level": lv} for s, lv in (r["skills"] or [])]
    frame = pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)
    return Parsed(kind=kind, rows_read=len(body), records=frame, rejected=rejected)


def _written_key(spec: Spec, index: dict[str, int], cells: list[str]) -> str | None:
    """A rejected row's key as written (``etl.rejects.record_keys`` joins loaded rows' keys the same way)."""
    columns = ("reference",) if spec.kind == "spend" else spec.key
    values = [cells[index[c]].strip() if c in index and index[c] < len(cells) else "" for c in columns]
    return "/".join(values) if all(values) else None


def _check_row(kind: str, rec: dict) -> None:
    if kind in ("budgets", "licences"):
        start, end = ("period_start", "period_end") if kind == "budgets" else ("start_date", "end_date")
        if rec[end] < rec[start]:
            raise ValueError(f"{end} {rec[end]} is before {start} {rec[start]}")
    if kind == "roster" and rec["manager_id"] is not None and rec["manager_id"] == rec["employee_id"]:
        raise ValueError(
            f"manager_id {rec['manager_id']} is the employee themself ({rec['full_name']}): leave manager_id empty "
            "for the head of the organisation, otherwise give their manager's employee_id"
        )
    if kind == "roster" and rec["leave_date"] and rec["hire_date"] and rec["leave_date"] < rec["hire_date"]:
        raise ValueError(f"leave_date {rec['leave_date']} is before hire_date {rec['hire_date']}")
    if kind == "fx" and rec["rate"] <= 0:
        raise ValueError(f"rate {rec['rate']} must be above 0")


# --------------------------------------------------------------------------- identities
# identity_problem and identity_key live in common.identity (sign-in uses them too).


# --------------------------------------------------------------------------- reporting lines

#: One roster row for the reporting-line check: (row_number, employee_id, manager_id, full_name).
RosterLine = tuple[int, str, str | None, str | None]


class LeftOut(NamedTuple):
    """A roster row that would close a cycle of manager links."""

    row_number: int
    employee_id: str
    reason: str
    #: the person's stored row closes the same cycle and goes too (a cycle loaded before the check)
    remove_stored: bool


def _find_cycles(nodes: list[str], boss: dict[str, str]) -> list[list[str]]:
    """Every cycle of manager links, each once, in link order (each person has at most one manager)."""
    walk_of: dict[str, int] = {}
    cycles = []
    for walk, start in enumerate(nodes):
        path = []
        node: str | None = start
        while node is not None and node not in walk_of:
            walk_of[node] = walk
            path.append(node)
            node = boss.get(node)
        if node is not None and walk_of[node] == walk:
            cycles.append(path[path.index(node) :])
    return cycles


def _people_under(boss: dict[str, str], members: set[str]) -> dict[str, int]:
    """For each cycle member, how many people report to them at any depth outside the cycle."""
    staff: dict[str, list[str]] = {}
    for person, manager in boss.items():
        staff.setdefault(manager, []).append(person)
    under = {}
    for member in members:
        count, todo = 0, [s for s in staff.get(member, []) if s not in members]
        while todo:
            count += 1
            todo.extend(staff.get(todo.pop(), []))
        under[member] = count
    return under


def manager_cycles(rows: list[RosterLine], stored: dict[str, tuple[str | None, str | None]]) -> list[LeftOut]:
    """The roster rows to reject so that manager links hold no cycle, each with its reason.

    ``rows`` are a roster file's rows in file order; ``stored`` is who each person already in the
    warehouse reports to, and their name. After the load each person reports as their row says,
    or, when their row is rejected, as stored. A cycle would put a manager inside their own
    staff's reporting tree and take the whole cycle, with everyone under it, out of the tree of
    the people above. Of each cycle one row is left out, the one most likely wrong: a row that
    changes a stored reporting line (or adds a person) before one that repeats it; then the
    person with the most people under them (a senior manager set to report to one of their own
    staff is the usual mistake); then the later row in the file. Leaving a row out brings back
    the person's stored line, which can close another cycle, so this repeats until none is left.
    A cycle the warehouse already held (loaded before this check existed) whose rows come again
    unchanged is broken the same way, and the left-out person's stored row goes as well.
    """
    line = {emp: (n, manager) for n, emp, manager, _ in rows}
    position = {emp: i for i, (_, emp, _, _) in enumerate(rows)}
    names = {e: name for e, (_, name) in stored.items() if name} | {e: name for _, e, _, name in rows if name}
    nodes = [e for _, e, _, _ in rows] + sorted(set(stored) - set(line))
    known = set(nodes)
    accepted = set(line)
    #: who each person reports to after this load (people the roster does not know end a chain)
    boss = {e: m for e, (m, _) in stored.items() if e not in accepted and m in known}
    boss.update({e: m for e, (_, m) in line.items() if m in known})

    def label(person: str) -> str:
        return f"{person} ({names[person]})" if names.get(person) else person

    out = []
    while True:
        cycles = _find_cycles(nodes, boss)
        if not cycles:
            return out
        under = _people_under(boss, {e for cycle in cycles for e in cycle})
        progress = False
        for cycle in cycles:
            in_file = [e for e in cycle if e in accepted]
            changed = [e for e in in_file if e not in stored or stored[e][0] != line[e][1]]
            candidates = changed or in_file
            if not candidates:  # people this file does not list: no row of it to leave out
                continue
            chosen = max(candidates, key=lambda e: (under[e], position[e]))
            start = cycle.index(chosen)
            chain = " → ".join(label(e) for e in [*cycle[start:], *cycle[:start], chosen])
            reason = (
                f"manager_id {line[chosen][1]} closes a reporting cycle: {chain}, each reporting to the next; "
                "the row was left out so that nobody is counted under their own staff: correct whichever "
                "manager_id is wrong and load the roster again"
            )
            from_before = [e for e in cycle if e != chosen and e not in accepted]
            if from_before:
                who = (
                    ", ".join(from_before[:-1]) + " and " + from_before[-1] if len(from_before) > 1 else from_before[0]
                )
                reason += f" ({who} report{'s' if len(from_before) == 1 else ''} as an earlier roster said)"
            drop = not changed and chosen in stored
            if drop:
                reason += f"; {chosen}'s earlier roster row closed the same cycle and was removed too"
            elif chosen in stored:
                reason += f"; {chosen} keeps their earlier roster row"
            out.append(LeftOut(line[chosen][0], chosen, reason, drop))
            accepted.discard(chosen)
            before = None if drop else stored.get(chosen, (None, None))[0]
            if before in known:
                boss[chosen] = before
            else:
                boss.pop(chosen, None)
            progress = True
        if not progress:
            return out
