"""Writers of xAPI statements: the LRS dump in ``lrs/`` (Coursera and the academy's cmi5
courses) and the streamed benchmark file ``write_xapi_jsonl``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path

from sample.bench import _CHUNK, _bench_world, _time_table
from sample.catalog import ACADEMY_HOME
from sample.design import UNKNOWN_EMAILS, UNKNOWN_XAPI_COURSE
from sample.helpers import _DAY, _add_months, _day, _duration, _iso_ms, _rng, _secs, _uuid
from sample.model import Company, Course, Employee

VERB_IRI = {
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "attempted": "http://adlnet.gov/expapi/verbs/attempted",
    "progressed": "http://adlnet.gov/expapi/verbs/progressed",
    "voided": "http://adlnet.gov/expapi/verbs/voided",
    "satisfied": "https://w3id.org/xapi/adl/verbs/satisfied",
}
CMI5_PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"
CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
LRS_HOME = "https://lrs.example.com"


def _verb(word: str) -> dict:
    return {"id": VERB_IRI[word], "display": {"en-US": word}}


def _write_lrs(c: Company, out: Path, counts: dict[str, int]) -> None:
    """An LRS dump in two overlapping pieces: a StatementResult JSON and a JSON-lines file."""
    rng = _rng(c.seed, "lrs")
    cat, emps = c.catalog, c.employees
    switch = _secs(_add_months(c.start, 15))  # the Coursera connector started hashing e-mails
    stmts: list[tuple[float, dict]] = []  # (stored, statement)

    def actor(e: Employee, course: Course, start: int) -> dict:
        if course.channel == "cmi5":
            return {"objectType": "Agent", "account": {"homePage": ACADEMY_HOME, "name": e.employee_id}}
        if start < switch:
            return {"objectType": "Agent", "name": e.full_name, "mbox": f"mailto:{e.email}"}
        return {"objectType": "Agent", "mbox_sha1sum": hashlib.sha1(f"mailto:{e.email}".encode()).hexdigest()}

    def obj(course_id: str, title: str) -> dict:
        return {
            "objectType": "Activity",
            "id": course_id,
            "definition": {"name": {"en-US": title}, "type": "http://adlnet.gov/expapi/activities/course"},
        }

    def emit(
        ts: float,
        act: dict,
        word: str,
        course: Course | None,
        result: dict | None,
        reg: str,
        *,
        object_id: str | None = None,
        title: str | None = None,
    ) -> dict:
        stored = ts + rng.uniform(0.2, 90)
        s = {
            "id": _uuid(rng),
            "actor": act,
            "verb": _verb(word),
            "object": obj(object_id or course.alias, title or course.title),
        }
        if result is not None:
            s["result"] = result
        ctx = {
            "registration": reg,
            "platform": "Alderbrook Academy" if course and course.channel == "cmi5" else "Coursera",
        }
        if course is not None and course.channel == "cmi5":
            ctx["contextActivities"] = {"category": [{"id": CMI5_CATEGORY}]}
        s["context"] = ctx
        s["timestamp"] = _iso_ms(ts)
        s["stored"] = _iso_ms(stored)
        s["version"] = "1.0.3"
        stmts.append((stored, s))
        return s

    def scored(score: float, success: bool, seconds: float) -> dict:
        return {
            "score": {"scaled": round(score / 100, 2), "raw": round(score), "min": 0, "max": 100},
            "success": success,
            "completion": True,
            "duration": _duration(seconds),
        }

    passed_list: list[dict] = []
    for ev in c.events:
        emp, ci, start, end, status, score = ev
        course = cat[ci]
        if course.channel not in ("coursera", "cmi5"):
            continue
        e = emps[emp]
        act = actor(e, course, start)
        reg = _uuid(rng)
        t0 = start + rng.random()
        emit(t0, act, "attempted", course, None, reg)
        spent = max(300.0, course.hours * 3600 * rng.uniform(0.6, 1.2))
        if status in ("in_progress", "enrolled"):
            if status == "in_progress" and end > start:
                pct = rng.randrange(10, 95, 5)
                emit(
                    end + rng.random(),
                    act,
                    "progressed",
                    course,
                    {"completion": False, "duration": _duration(spent * pct / 100), "extensions": {CMI5_PROGRESS: pct}},
                    reg,
                )
            continue
        if status == "completed":
            emit(end + rng.random(), act, "completed", course, {"completion": True, "duration": _duration(spent)}, reg)
            continue
        if status == "passed" or rng.random() < 0.3:
            emit(
                end - rng.randrange(60, 600) + rng.random(),
                act,
                "completed",
                course,
                {"completion": True, "duration": _duration(spent)},
                reg,
            )
        s = emit(end + rng.random(), act, status, course, scored(score, status == "passed", spent), reg)
        if status == "passed":
            passed_list.append(s)
            if course.channel == "cmi5":
                emit(end + 1 + rng.random(), act, "satisfied", course, None, reg)

    cut_a = _secs(_add_months(c.today.replace(day=1), -6))  # JSON-lines piece starts here
    cut_b = _secs(_add_months(c.today.replace(day=1), -4))  # StatementResult piece ends here
    last = _secs(c.today - timedelta(days=1)) + 18 * 3600

    # Planted: unknown learner, unknown course, a voided 'passed', a score of 1.5.
    coursera = [ci for ci, x in enumerate(cat) if x.channel == "coursera"]
    if coursera:
        course = cat[coursera[0]]
        t = cut_a - 40 * _DAY + 10 * 3600
        reg = _uuid(rng)
        who = {"objectType": "Agent", "name": "Guest Learner", "mbox": f"mailto:{UNKNOWN_EMAILS[1]}"}
        emit(t, who, "attempted", course, None, reg)
        emit(t + 5 * 3600, who, "completed", course, {"completion": True, "duration": "PT4H12M5S"}, reg)
        c.planted.append(
            f"Unknown learner in the LRS: mbox mailto:{UNKNOWN_EMAILS[1]} (attempted and completed '{course.title}')."
        )
        holder = next((e for e in emps if e.platform == "coursera" and e.leave is None), emps[0])
        t = cut_b + 20 * _DAY + 14 * 3600
        reg = _uuid(rng)
        who = {"objectType": "Agent", "mbox_sha1sum": hashlib.sha1(f"mailto:{holder.email}".encode()).hexdigest()}
        emit(t, who, "attempted", course, None, reg, object_id=UNKNOWN_XAPI_COURSE, title="Quantum Computing Primer")
        emit(
            t + 3 * 3600,
            who,
            "completed",
            course,
            {"completion": True, "duration": "PT2H51M0S"},
            reg,
            object_id=UNKNOWN_XAPI_COURSE,
            title="Quantum Computing Primer",
        )
        c.planted.append(
            f"Unknown course: xAPI object {UNKNOWN_XAPI_COURSE} (completed by {holder.employee_id}) "
            "is not in the catalog."
        )
    early = [s for s in passed_list if s["stored"] < _iso_ms(cut_a)]
    if early:
        target = early[len(early) // 2]
        t = cut_b + 35 * _DAY + 11 * 3600
        voider = {"objectType": "Agent", "account": {"homePage": LRS_HOME, "name": "lrs-admin"}}
        s = {
            "id": _uuid(rng),
            "actor": voider,
            "verb": _verb("voided"),
            "object": {"objectType": "StatementRef", "id": target["id"]},
            "timestamp": _iso_ms(t),
            "stored": _iso_ms(t + 1.5),
            "version": "1.0.3",
        }
        stmts.append((t + 1.5, s))
        c.planted.append(
            f"Voided statement: {s['id']} (in the JSON-lines file) voids the 'passed' statement "
            f"{target['id']} (in the StatementResult file)."
        )
    late = [s for s in passed_list if s["stored"] >= _iso_ms(cut_b)]
    if late:
        target = late[len(late) // 3]
        target["result"]["score"] = {"scaled": 1.5}
        c.planted.append(f"Out-of-range score: statement {target['id']} has result.score.scaled 1.5.")

    stmts = [(st, s) for st, s in stmts if st <= last]
    stmts.sort(key=lambda x: (x[0], x[1]["id"]))
    d = out / "lrs"
    d.mkdir(parents=True, exist_ok=True)
    dump = lambda s: json.dumps(s, ensure_ascii=False, separators=(",", ":"))  # noqa: E731
    first = [s for st, s in stmts if st < cut_b]
    second = [s for st, s in stmts if st >= cut_a]
    n1 = f"statements_{c.start.isoformat()}_to_{_day(cut_b - 1).isoformat()}.json"
    n2 = f"statements_{_day(cut_a).isoformat()}_to_{c.today.isoformat()}.jsonl"
    # An LRS answers newest first; the JSON-lines dump is in stored order.
    (d / n1).write_text(
        '{"statements":[' + ",".join(dump(s) for s in reversed(first)) + '],"more":""}', encoding="utf-8"
    )
    (d / n2).write_text("".join(dump(s) + "\n" for s in second), encoding="utf-8")
    counts[f"lrs/{n1}"] = len(first)
    counts[f"lrs/{n2}"] = len(second)
    overlap = len(first) + len(second) - len(stmts)
    c.planted.append(
        f"Overlapping LRS exports: {overlap} statements stored between {_day(cut_a).isoformat()} and "
        f"{_day(cut_b - 1).isoformat()} are in both {n1} and {n2}."
    )


# --------------------------------------------------------------------------------------
# Benchmark file: streamed, plain string formatting
# --------------------------------------------------------------------------------------


def write_xapi_jsonl(path: Path, n_rows: int, seed: int = 1, employees: int = 50_000) -> int:
    """Stream n_rows xAPI statements as JSON lines (constant memory in n_rows).

    Actors are the roster of ``generate(out, scale=employees / 1500, seed=seed)`` (statement i
    belongs to roster entry i mod len(roster); each person is named by mbox, mbox_sha1sum or
    account = employee id); objects are that catalog's Coursera and cmi5 course IRIs.  Verbs are
    attempted / progressed / completed / passed / failed; statement ids are unique UUIDs.
    Returns the number of statements written.
    """
    emps, courses, _ = _bench_world(seed, employees, ("coursera", "cmi5"))
    rng = _rng(seed, "bench-xapi")
    dump = lambda o: json.dumps(o, ensure_ascii=False, separators=(",", ":"))  # noqa: E731
    actors = []
    for e in emps:
        r = rng.random()
        if r < 0.4:
            a = {"objectType": "Agent", "name": e.full_name, "mbox": f"mailto:{e.email}"}
        elif r < 0.75:
            a = {"objectType": "Agent", "mbox_sha1sum": hashlib.sha1(f"mailto:{e.email}".encode()).hexdigest()}
        else:
            a = {"objectType": "Agent", "account": {"homePage": ACADEMY_HOME, "name": e.employee_id}}
        actors.append('"actor":' + dump(a) + ',"verb":')
    objects = [
        ',"object":'
        + dump(
            {
                "objectType": "Activity",
                "id": x.alias,
                "definition": {"name": {"en-US": x.title}, "type": "http://adlnet.gov/expapi/activities/course"},
            }
        )
        for x in courses
    ]
    verbs = {w: dump(_verb(w)) for w in ("attempted", "progressed", "completed", "passed", "failed")}
    # Verb + result and timestamp + stored fragments are drawn once into tables; a row picks
    # one entry of each, so the loop does three random draws and one string join.
    verb_part, result_part = [], []
    for _ in range(8192):
        r = rng.random()
        dur = _duration(60 + rng.randrange(6 * 3600))
        if r < 0.3:
            verb, result = "attempted", ""
        elif r < 0.45:
            verb = "progressed"
            result = (
                f',"result":{{"completion":false,"extensions":{{"{CMI5_PROGRESS}":{rng.randrange(5, 100, 5)}}},'
                f'"duration":"{dur}"}}'
            )
        elif r < 0.75:
            verb, result = "completed", f',"result":{{"completion":true,"duration":"{dur}"}}'
        else:
            ok = r < 0.93
            sc = rng.randrange(70, 101) if ok else rng.randrange(20, 70)
            verb = "passed" if ok else "failed"
            result = (
                f',"result":{{"score":{{"scaled":{sc / 100:.2f},"raw":{sc},"min":0,"max":100}},'
                f'"success":{"true" if ok else "false"},"completion":true,"duration":"{dur}"}}'
            )
        verb_part.append(verbs[verb])
        result_part.append(result)
    stamps = [_iso_ms(t + rng.random()) for t in _time_table(rng, 8192)]
    tails = [
        f',"timestamp":"{stamps[k]}","stored":"{stamps[min(len(stamps) - 1, k + 1)]}","version":"1.0.3"}}\n'
        for k in range(len(stamps))
    ]
    head = f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}-4{rng.getrandbits(12):03x}-{0x8000 | rng.getrandbits(14):04x}-"
    n_e, n_c, n_t, n_v = len(actors), len(objects), len(tails), len(verb_part)
    rnd = rng.random
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        buf: list[str] = []
        for i in range(n_rows):
            v = int(rnd() * n_v)
            buf.append(
                f'{{"id":"{head}{i:012x}",{actors[i % n_e]}{verb_part[v]}{objects[int(rnd() * n_c)]}'
                f"{result_part[v]}{tails[int(rnd() * n_t)]}"
            )
            if len(buf) >= _CHUNK:
                f.write("".join(buf))
                buf.clear()
        f.write("".join(buf))
    return n_rows
