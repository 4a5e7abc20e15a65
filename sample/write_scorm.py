"""Writer of ``scorm/``: a SCORM Cloud registrations export (API v2 RegistrationSchema)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sample.design import UNKNOWN_SCORM_COURSE
from sample.helpers import _DAY, _add_months, _iso_ms, _rng, _secs, _uuid
from sample.model import Company


def _write_scorm(c: Company, out: Path, counts: dict[str, int]) -> None:
    """A SCORM Cloud registrations export (API v2 RegistrationSchema)."""
    rng = _rng(c.seed, "scorm")
    cat, emps = c.catalog, c.employees
    by_email_until = _secs(_add_months(c.start, 9))  # the first integration used e-mails as learner ids
    regs: list[tuple[int, dict]] = []
    exported = _secs(c.today - timedelta(days=1)) + 7 * 3600

    def registration(
        e_id: str,
        first: str,
        last: str,
        course_id: str,
        title: str,
        start: int,
        end: int,
        status: str,
        score: float | None,
        hours: float,
    ) -> dict:
        created = start - rng.randrange(0, 3 * _DAY)
        r = {"id": _uuid(rng), "instance": 0, "xapiRegistrationId": _uuid(rng), "updated": _iso_ms(end + 30)}
        launched = status != "enrolled"
        if status in ("completed", "passed") or (status == "failed" and rng.random() < 0.7):
            completion, amount = "COMPLETED", 1.0
        elif launched:
            completion, amount = "INCOMPLETE", round(rng.uniform(0.1, 0.9), 2)
        else:
            completion, amount = "UNKNOWN", 0.0
        success = {"passed": "PASSED", "failed": "FAILED"}.get(status, "UNKNOWN")
        r["registrationCompletion"] = completion
        r["registrationCompletionAmount"] = amount
        r["registrationSuccess"] = success
        if score is not None:
            r["score"] = {"scaled": float(score)}
        r["totalSecondsTracked"] = round(hours * 3600 * amount * rng.uniform(0.7, 1.3), 1) if launched else 0.0
        if launched:
            r["firstAccessDate"] = _iso_ms(start + rng.random())
            r["lastAccessDate"] = _iso_ms(end + rng.random())
        if completion == "COMPLETED":
            r["completedDate"] = _iso_ms(end + rng.random())
        r["createdDate"] = _iso_ms(created + rng.random())
        r["course"] = {"id": course_id, "title": title, "version": 0}
        r["learner"] = {"id": e_id, "firstName": first, "lastName": last}
        return r

    for emp, ci, start, end, status, score in c.events:
        course = cat[ci]
        if course.channel != "scorm":
            continue
        e = emps[emp]
        learner = e.email if start < by_email_until else e.employee_id
        regs.append(
            (
                start,
                registration(
                    learner, e.first, e.last, course.alias, course.title, start, end, status, score, course.hours
                ),
            )
        )
    e = next((x for x in emps if x.leave is None and x.hire < c.start), emps[0])
    t = _secs(c.today - timedelta(days=150)) + 9 * 3600
    regs.append(
        (
            t,
            registration(
                e.employee_id,
                e.first,
                e.last,
                UNKNOWN_SCORM_COURSE,
                "Legacy Onboarding (retired)",
                t,
                t + 2 * 3600,
                "completed",
                None,
                1.0,
            ),
        )
    )
    c.planted.append(
        f"Unknown course: SCORM Cloud course id {UNKNOWN_SCORM_COURSE} (registration of "
        f"{e.employee_id}) is not in the catalog."
    )
    regs = [(t, r) for t, r in regs if t <= exported]
    regs.sort(key=lambda x: (x[0], x[1]["id"]))
    d = out / "scorm"
    d.mkdir(parents=True, exist_ok=True)
    name = f"registrations_export_{(c.today - timedelta(days=1)).isoformat()}.json"
    body = ",".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for _, r in regs)
    (d / name).write_text('{"registrations":[' + body + "]}", encoding="utf-8")
    counts[f"scorm/{name}"] = len(regs)
    n_cf = sum(
        1 for _, r in regs if r["registrationCompletion"] == "COMPLETED" and r["registrationSuccess"] == "FAILED"
    )
    c.planted.append(f"SCORM registrations that are COMPLETED but FAILED: {n_cf} (their outcome is failed).")
