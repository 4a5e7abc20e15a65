"""Writer of ``moodle/``: per-course legacy completion reports and one report-builder
export, as PHP's fputcsv writes them, with Moodle's date formats in the site's zone.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sample.design import UNKNOWN_EMAILS
from sample.helpers import _DAY, _add_months, _dt, _dublin, _rng, _secs
from sample.model import Company

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _php_csv(rows: list[list[str]]) -> str:
    """CSV as PHP's fputcsv writes it (Moodle's csv_export_writer and Spout): a field is
    quoted when it holds a comma, quote, space, tab or line break; lines end with \\n."""
    out = []
    for row in rows:
        cells = []
        for v in row:
            v = str(v)
            if any(ch in v for ch in ',"\n\r\t '):
                v = '"' + v.replace('"', '""') + '"'
            cells.append(v)
        out.append(",".join(cells) + "\n")
    return "".join(out)


def _short_date(ts: int, us: bool = False) -> str:
    """Moodle strftimedatetimeshort with the day's leading zero removed (en: d/mm/yy, en_us: mm/d/yy)."""
    t = _dublin(ts)
    if us:
        return f"{t.month:02d}/{t.day}/{t.year % 100:02d}, {t.hour:02d}:{t.minute:02d}"
    return f"{t.day}/{t.month:02d}/{t.year % 100:02d}, {t.hour:02d}:{t.minute:02d}"


def _day_date(ts: int) -> str:
    """Moodle strftimedaydatetime (en): 'Thursday, 14 March 2024, 9:05 AM'."""
    t = _dublin(ts)
    return (
        f"{WEEKDAYS[t.weekday()]}, {t.day} {MONTHS[t.month - 1]} {t.year}, {t.hour % 12 or 12}:{t.minute:02d} "
        f"{'AM' if t.hour < 12 else 'PM'}"
    )


def _stable_offset(emp: int, ci: int, span: int) -> int:
    """A per-record offset that is the same in every export of the record (overlapping exports agree)."""
    return (emp * 7919 + ci * 104729) % span


def _events_by_course(c: Company) -> dict[int, list[list]]:
    out: dict[int, list[list]] = {}
    for ev in c.events:
        out.setdefault(ev[1], []).append(ev)
    return out


def _write_moodle(c: Company, out: Path, counts: dict[str, int]) -> None:
    """Per-course legacy completion reports (one exported twice, one in en_us, one with a broken
    date, one with two activities) plus one report-builder file for the other Moodle courses."""
    rng = _rng(c.seed, "moodle")
    cat, emps = c.catalog, c.employees
    d = out / "moodle"
    d.mkdir(parents=True, exist_ok=True)
    by_course = _events_by_course(c)
    moodle = [ci for ci, x in enumerate(cat) if x.channel == "moodle"]
    ranked = sorted(moodle, key=lambda ci: (-len(by_course.get(ci, [])), cat[ci].course_id))
    legacy, builder = ranked[:8], sorted(ranked[8:], key=lambda ci: cat[ci].title)
    last_export = _secs(c.today - timedelta(days=1)) + 8 * 3600 + 30 * 60

    def export_at(days_back: int) -> int:
        return _secs(c.today - timedelta(days=days_back)) + rng.randrange(8 * 3600, 17 * 3600) // 60 * 60

    def state(ev: list, at: int) -> str:
        _, _, _start, end, status, _ = ev
        if end > at:
            return "open"
        return {"completed": "done", "passed": "done", "failed": "failed"}.get(status, "open")

    def legacy_file(
        ci: int, at: int, *, us: bool = False, two: bool = False, unknown: bool = False, broken: bool = False
    ) -> str:
        course = cat[ci]
        act = course.activity
        header = ["ID", "Name", "Email address"]
        if two:
            header += ["Module 1 video", "Module 1 video - Completion date"]
        header += [act, f"{act} - Completion date", "Course complete"]
        rows = []
        for ev in sorted(by_course.get(ci, []), key=lambda v: (emps[v[0]].last, emps[v[0]].first, v[0])):
            emp, _, start, end, status, _ = ev
            if start > at:
                continue
            e = emps[emp]
            st = state(ev, at)
            act_ts = end - 60 - _stable_offset(emp, ci, 2400)
            row = [str(e.moodle_id), e.full_name, e.email]
            if two:
                video_ts = min(end - 300, start + 900 + _stable_offset(emp, ci, 5400))
                seen = st != "open" or (status in ("in_progress", "failed") and video_ts <= at)
                row += ["Completed", _short_date(video_ts, us)] if seen else ["Not completed", ""]
            if st == "done":
                word = "Completed (achieved pass grade)" if course.graded else "Completed"
                row += [word, _short_date(act_ts, us), _short_date(end, us)]
            elif st == "failed":
                row += ["Completed (did not achieve pass grade)", _short_date(act_ts, us), ""]
            else:
                row += ["Not completed", "", ""]
            rows.append(row)
        if unknown:
            ts = at - 20 * _DAY
            rows.append(
                [
                    "9001",
                    "Robin Achterberg",
                    UNKNOWN_EMAILS[0],
                    "Completed (achieved pass grade)" if course.graded else "Completed",
                    _short_date(ts - 900, us),
                    _short_date(ts, us),
                ]
            )
            c.planted.append(
                f"Unknown learner in Moodle: {UNKNOWN_EMAILS[0]} (Moodle ID 9001) in "
                f"completion-{course.alias}-*.csv is not in the roster."
            )
        if broken:
            done = [r for r in rows if r[-1]]
            if done:
                bad = done[len(done) // 2]
                yy = bad[-1].split(",")[0].split("/")[-1]
                bad[-1] = f"30/02/{yy}, {bad[-1].split(', ')[1]}"
                c.planted.append(
                    f"Malformed row: 'Course complete' is '{bad[-1]}' (30 February) for Moodle ID "
                    f"{bad[0]} ({bad[2]}) in completion-{course.alias}-*.csv."
                )
        name = f"completion-{course.alias}-{_dt(at):%Y%m%d_%H%M}-comma_separated.csv"
        (d / name).write_text(_php_csv([header] + rows), encoding="utf-8")
        counts[f"moodle/{name}"] = len(rows)
        return name

    for n, ci in enumerate(legacy):
        if n == 0:
            early = _secs(_add_months(c.start, 15) + timedelta(days=13)) + 9 * 3600 + 12 * 60
            first = legacy_file(ci, early)
            second = legacy_file(ci, export_at(6))
            c.planted.append(
                f"Overlapping Moodle exports of the same course: {first} and {second} (the later one "
                "is a superset; some rows were completed in between)."
            )
        elif n == 1:
            name = legacy_file(ci, export_at(3), us=True)
            c.planted.append(f"{name} was exported by a user with the en_us language pack: dates are m/d/yy.")
        else:
            legacy_file(ci, export_at(1 + n % 5), two=(n == 3), broken=(n == 2), unknown=(n == 4))

    header = [
        "Course full name with link",
        "Full name with link",
        "Email address",
        "Completed",
        "Time completed",
        "Progress",
    ]
    rows = []
    for ci in builder:
        course = cat[ci]
        for ev in sorted(by_course.get(ci, []), key=lambda v: (emps[v[0]].full_name, v[0])):
            emp, _, start, end, status, _ = ev
            if start > last_export:
                continue
            e = emps[emp]
            st = state(ev, last_export)
            if st == "done":
                rows.append([course.title, e.full_name, e.email, "Yes", _day_date(end), "100.0%"])
            else:
                pct = 0 if status == "enrolled" else (25, 50, 75)[_stable_offset(emp, ci, 3)]
                rows.append([course.title, e.full_name, e.email, "No", "", f"{pct:.1f}%"])
    name = "course_completion_status.csv"
    (d / name).write_text("\ufeff" + _php_csv([header] + rows), encoding="utf-8")
    counts[f"moodle/{name}"] = len(rows)
