"""Writers of ``providers/``: LinkedIn Learning learner detail, Udemy Business course
activity and a Cornerstone transcript; and the streamed benchmark file ``write_provider_csv``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sample.bench import _CHUNK, _bench_world, _time_table
from sample.design import EXEC_TEAM, UNKNOWN_EMAILS, UNKNOWN_EXTERNAL_ID
from sample.helpers import _DAY, _csv_field, _dt, _hms, _iso_z, _pacific, _pick, _rng, _secs, _write_csv
from sample.model import Company

#: Catalog category -> the Udemy Business category its courses are listed under.
UDEMY_CATEGORIES = {
    "Cloud": "IT & Software",
    "Data": "Development",
    "Software": "Development",
    "Security": "IT & Software",
    "Leadership": "Business",
    "Business": "Business",
}

LINKEDIN_HEADER = [
    "First Name",
    "Last Name",
    "Email",
    "Unique User ID",
    "Group",
    "Content Title",
    "Content ID",
    "Content Type",
    "Content Provider",
    "Percent Completed",
    "Completion Date (PST/PDT)",
    "Last Viewed (PST/PDT)",
    "Hours Viewed",
]
UDEMY_HEADER = [
    "User Email",
    "User Name",
    "User Surname",
    "User External ID",
    "Course ID",
    "Course Title",
    "Course Category",
    "% Completed",
    "Course First Accessed Date",
    "Course Last Accessed Date",
    "Completion Date",
    "Assigned",
]
CORNERSTONE_HEADER = [
    "User ID",
    "User Full Name",
    "User Email",
    "Training Title",
    "Training Type",
    "LO ID",
    "Transcript Status",
    "Registered Date",
    "Completion Date",
    "Score",
]


def _pt(ts: int) -> str:
    return _pacific(ts).strftime("%Y-%m-%d %H:%M:%S")


def _write_providers(c: Company, out: Path, counts: dict[str, int]) -> None:
    rng = _rng(c.seed, "providers")
    cat, emps = c.catalog, c.employees
    d = out / "providers"
    stamp = c.today - timedelta(days=1)
    cutoff = _secs(stamp) + 6 * 3600

    # LinkedIn Learning learner detail
    li_rows: list[list[str]] = []
    for emp, ci, start, end, status, _ in c.events:
        course = cat[ci]
        if course.channel != "linkedin" or start > cutoff:
            continue
        e = emps[emp]
        if status == "completed" and end <= cutoff:
            pct, done = 100, _pt(end)
            viewed = min(cutoff, end + rng.randrange(0, 20) * _DAY * (rng.random() < 0.3))
            last, hours = _pt(viewed), course.hours * 3600 * rng.uniform(0.8, 1.1)
        elif status == "enrolled":
            pct, done, last, hours = 0, "", "", 0.0
        else:
            pct = rng.randrange(3, 97)
            done, last, hours = "", _pt(min(end, cutoff)), course.hours * 3600 * pct / 100 * rng.uniform(0.8, 1.2)
        li_rows.append(
            [
                e.first,
                e.last,
                e.email,
                e.employee_id,
                c.team_name(e),
                course.title,
                course.alias,
                "Course",
                "LinkedIn",
                str(pct),
                done,
                last,
                _hms(hours),
            ]
        )
    li_courses = [x for x in cat if x.channel == "linkedin"]
    if li_courses:
        x = li_courses[3 % len(li_courses)]
        t = cutoff - 41 * _DAY + 3 * 3600
        li_rows.append(
            [
                "Jamie",
                "Whitfield",
                UNKNOWN_EMAILS[2],
                "",
                "",
                x.title,
                x.alias,
                "Course",
                "LinkedIn",
                "100",
                _pt(t),
                _pt(t),
                _hms(x.hours * 3600),
            ]
        )
        c.planted.append(f"Unknown learner in LinkedIn Learning: {UNKNOWN_EMAILS[2]} is not in the roster.")
    done_rows = [r for r in li_rows if r[10] and r[2] not in UNKNOWN_EMAILS]
    if done_rows:
        bad = done_rows[len(done_rows) // 2]
        bad[10] = f"{bad[10][:4]}-02-30 {bad[10][11:]}"
        c.planted.append(
            f"Malformed row: 'Completion Date (PST/PDT)' is '{bad[10]}' for {bad[2]} / {bad[6]} in the "
            "LinkedIn Learning CSV."
        )
    li_rows.sort(key=lambda r: (r[2], r[6]))
    name = f"linkedin_learning_learner_detail_{stamp:%Y%m%d}.csv"
    counts[f"providers/{name}"] = _write_csv(d / name, LINKEDIN_HEADER, li_rows)

    # Udemy Business course activity
    ud_rows: list[list[str]] = []
    for emp, ci, start, end, status, _ in c.events:
        course = cat[ci]
        if course.channel != "udemy" or start > cutoff:
            continue
        e = emps[emp]
        assigned = "true" if rng.random() < 0.25 else "false"
        if status == "enrolled":
            row = ["0", "", "", ""]
        elif status == "completed" and end <= cutoff:
            row = ["100", _iso_z(start), _iso_z(min(cutoff, end + rng.randrange(0, 3) * 3600)), _iso_z(end)]
        else:
            row = [str(rng.randrange(2, 98)), _iso_z(start), _iso_z(min(end, cutoff)), ""]
        ud_rows.append(
            [
                e.email,
                e.first,
                e.last,
                e.employee_id,
                course.alias,
                course.title,
                UDEMY_CATEGORIES[course.category],
                *row,
                assigned,
            ]
        )
    ud_courses = [x for x in cat if x.channel == "udemy"]
    if ud_courses:
        x = ud_courses[0]
        t = cutoff - 33 * _DAY
        ud_rows.append(
            [
                "temp.contractor07@example.com",
                "Casey",
                "Morgan",
                UNKNOWN_EXTERNAL_ID,
                x.alias,
                x.title,
                UDEMY_CATEGORIES[x.category],
                "64",
                _iso_z(t),
                _iso_z(t + 5 * _DAY),
                "",
                "false",
            ]
        )
        c.planted.append(
            f"Unknown learner in Udemy Business: User External ID {UNKNOWN_EXTERNAL_ID} is not in the roster."
        )
    ud_rows.sort(key=lambda r: (r[3], r[4]))
    name = f"udemy_business_course_activity_{stamp:%Y%m%d}.csv"
    counts[f"providers/{name}"] = _write_csv(d / name, UDEMY_HEADER, ud_rows)

    # Cornerstone transcript
    us = lambda ts: _dt(ts).strftime("%m/%d/%Y")  # noqa: E731
    cs_rows: list[list[str]] = []
    taken = set()
    for emp, ci, start, end, status, score in c.events:
        course = cat[ci]
        if course.channel != "cornerstone" or start > cutoff:
            continue
        e = emps[emp]
        taken.add((emp, ci))
        compliance = course.special.startswith("compliance")
        done = ""
        if status in ("completed", "passed"):
            word = "Completed Equivalent" if rng.random() < 0.01 else "Completed"
            done = us(end)
        elif status == "failed":
            word, done = "Failed", us(end)
        elif status == "in_progress":
            word = (
                ("In Progress / Past Due" if compliance else "In Progress")
                if rng.random() < 0.7
                else ("Past Due" if compliance else "Incomplete")
            )
        else:
            word = (
                "Registered / Past Due"
                if compliance
                else _pick(rng, [("Registered", 0.6), ("Approved", 0.25), ("Pending", 0.15)])
            )
        cs_rows.append(
            [
                e.employee_id,
                e.full_name,
                e.email,
                course.title,
                course.training_type,
                course.alias,
                word,
                us(start),
                done,
                "" if score is None or course.training_type != "Test" else f"{score:.0f}",
            ]
        )
    events_ilt = [ci for ci, x in enumerate(cat) if x.channel == "cornerstone" and x.training_type == "Event"]
    if events_ilt:
        withdrawn = 0
        for e in emps[len(emps) // 3 :]:
            if e.leave is None and (e.idx, events_ilt[0]) not in taken:
                x = cat[events_ilt[0]]
                t = cutoff - (60 + 30 * withdrawn) * _DAY
                cs_rows.append(
                    [e.employee_id, e.full_name, e.email, x.title, x.training_type, x.alias, "Withdrawn", us(t), "", ""]
                )
                c.planted.append(f"Cornerstone row with status 'Withdrawn': {e.employee_id} / '{x.title}'.")
                withdrawn += 1
                if withdrawn == 2:
                    break
    cs_rows.sort(key=lambda r: (r[0], r[5]))
    name = f"cornerstone_transcript_{stamp:%Y%m%d}.csv"
    counts[f"providers/{name}"] = _write_csv(d / name, CORNERSTONE_HEADER, cs_rows, newline="\r\n")


# --------------------------------------------------------------------------------------
# Benchmark file: streamed, plain string formatting
# --------------------------------------------------------------------------------------


def write_provider_csv(path: Path, n_rows: int, seed: int = 1, employees: int = 50_000) -> int:
    """Stream a LinkedIn Learning learner-detail CSV of n_rows rows (constant memory in n_rows).

    Learners are the roster of ``generate(out, scale=employees / 1500, seed=seed)`` (row i belongs
    to roster entry i mod len(roster)); courses are that catalog's LinkedIn Learning courses, and
    an (e-mail, Content ID) pair repeats only when n_rows exceeds roster size x course count.
    Returns the number of rows written.
    """
    emps, courses, teams = _bench_world(seed, employees, ("linkedin",))
    rng = _rng(seed, "bench-linkedin")
    people = [
        ",".join(
            _csv_field(v)
            for v in (e.first, e.last, e.email, e.employee_id, EXEC_TEAM if e.team < 0 else teams[e.team].name)
        )
        + ","
        for e in emps
    ]
    items = [",".join(_csv_field(v) for v in (x.title, x.alias, "Course", "LinkedIn")) + "," for x in courses]
    hours = [x.hours for x in courses]
    stamps = [_pt(t) for t in _time_table(rng, 8192)]
    viewed = [_hms(s) for s in range(0, 40 * 3600, 97)]
    n_e, n_c, n_t, n_v = len(people), len(items), len(stamps), len(viewed)
    offset = [rng.randrange(n_c) for _ in range(n_e)]
    rnd = rng.random
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(LINKEDIN_HEADER) + "\n")
        buf: list[str] = []
        for i in range(n_rows):
            j = i % n_e
            k = (offset[j] + i // n_e) % n_c
            r = rnd()
            t = int(rnd() * n_t)
            if r < 0.62:
                last = stamps[min(n_t - 1, t + int(rnd() * 40))]
                buf.append(
                    f"{people[j]}{items[k]}100,{stamps[t]},{last},"
                    f"{viewed[min(n_v - 1, int(hours[k] * 37.1 * (0.8 + 0.3 * rnd())))]}\n"
                )
            elif r < 0.92:
                pct = 1 + int(rnd() * 98)
                buf.append(
                    f"{people[j]}{items[k]}{pct},,{stamps[t]},{viewed[min(n_v - 1, int(hours[k] * 0.371 * pct))]}\n"
                )
            else:
                buf.append(f"{people[j]}{items[k]}0,,,0:00:00\n")
            if len(buf) >= _CHUNK:
                f.write("".join(buf))
                buf.clear()
        f.write("".join(buf))
    return n_rows
