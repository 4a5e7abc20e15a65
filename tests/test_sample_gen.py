"""The sample generator: deterministic, real-shaped, internally consistent, imperfect on purpose."""

from __future__ import annotations

import csv
import filecmp
import hashlib
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sample import generator as sample_gen

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_data"
SMALL_SCALE, SMALL_SEED = 0.15, 3

COMPANY_HEADERS = {
    "roster.csv": "employee_id,full_name,email,role,team,department,manager_id,location,cost_center,hire_date,"
    "leave_date",
    "skills.csv": "skill,category,description",
    "catalog.csv": "course_id,title,provider,hours,price,currency,credential_type,validity_months,skills,aliases",
    "requirements.csv": "role,skill,required_level,weight",
    "goals.csv": "goal_id,name,skill,min_level,scope,roles,target_share,deadline,owner",
    "spend.csv": "date,amount,currency,vendor,category,team,employee_id,course_id,description,reference",
    "budgets.csv": "unit,period_start,period_end,amount,currency",
    "licences.csv": "vendor,seats,start_date,end_date,cost,currency",
    "fx.csv": "currency,month,rate",
    "assessments.csv": "employee_id,skill,level,assessed_at,source",
}
LEGACY_NAME = re.compile(r"^completion-([a-z0-9-]+)-(\d{8}_\d{4})-comma_separated\.csv$")


def rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def all_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("small")
    return out, sample_gen.generate(out, scale=SMALL_SCALE, seed=SMALL_SEED)


@pytest.fixture(scope="module", params=["small", "committed"])
def folder(request, small) -> Path:
    if request.param == "committed":
        if not (SAMPLE / "company" / "roster.csv").exists():
            pytest.fail(
                "sample_data/ is missing: it is committed; regenerate it with python -m sample.generator sample_data"
            )
        return SAMPLE
    return small[0]


@pytest.fixture(scope="module")
def aliases(folder) -> dict[str, str]:
    out = {}
    for r in rows(folder / "company" / "catalog.csv"):
        for a in r["aliases"].split(";"):
            out[a.strip()] = r["course_id"]
    return out


@pytest.fixture(scope="module")
def roster(folder) -> dict[str, dict]:
    return {r["employee_id"]: r for r in rows(folder / "company" / "roster.csv")}


# ----------------------------------------------------------------------------- determinism, size


def test_same_seed_gives_byte_identical_files(small, tmp_path):
    first, counts = small
    again = sample_gen.generate(tmp_path, scale=SMALL_SCALE, seed=SMALL_SEED)
    assert again == counts
    names = [p.relative_to(first) for p in all_files(first)]
    assert names == [p.relative_to(tmp_path) for p in all_files(tmp_path)]
    mismatch = [str(n) for n in names if not filecmp.cmp(first / n, tmp_path / n, shallow=False)]
    assert mismatch == []


def test_another_seed_gives_another_company(small, tmp_path):
    sample_gen.generate(tmp_path, scale=SMALL_SCALE, seed=SMALL_SEED + 1)
    assert (tmp_path / "company" / "roster.csv").read_bytes() != (small[0] / "company" / "roster.csv").read_bytes()


def test_committed_sample_is_what_the_generator_writes(tmp_path):
    if not (SAMPLE / "company" / "roster.csv").exists():
        pytest.fail(
            "sample_data/ is missing: it is committed; regenerate it with python -m sample.generator sample_data"
        )
    sample_gen.generate(tmp_path, scale=1.0, seed=7)
    names = [p.relative_to(tmp_path) for p in all_files(tmp_path)]
    assert names == [p.relative_to(SAMPLE) for p in all_files(SAMPLE)]
    assert [str(n) for n in names if not filecmp.cmp(tmp_path / n, SAMPLE / n, shallow=False)] == []


def test_committed_sample_size_and_volume():
    if not (SAMPLE / "company" / "roster.csv").exists():
        pytest.fail(
            "sample_data/ is missing: it is committed; regenerate it with python -m sample.generator sample_data"
        )
    total = sum(p.stat().st_size for p in all_files(SAMPLE))
    assert 3 << 20 < total < 15 << 20
    assert 1400 <= len(rows(SAMPLE / "company" / "roster.csv")) <= 1600


def test_scale_sets_the_company_size(small):
    _, counts = small
    assert counts["company/roster.csv"] == round(1500 * SMALL_SCALE)
    assert counts["company/skills.csv"] == 60 and counts["company/catalog.csv"] == 150
    assert counts["learning_records"] > 8 * counts["company/roster.csv"]


# ----------------------------------------------------------------------------- layout and headers


def test_folder_layout(folder):
    assert sorted(p.name for p in folder.iterdir()) == [
        "README.md",
        "badges",
        "company",
        "lrs",
        "moodle",
        "providers",
        "scorm",
    ]
    assert sorted(p.name for p in (folder / "company").iterdir()) == sorted(COMPANY_HEADERS)
    moodle = sorted(p.name for p in (folder / "moodle").iterdir())
    legacy = [n for n in moodle if LEGACY_NAME.match(n)]
    assert len(legacy) == 9 and moodle == sorted(legacy + ["course_completion_status.csv"])
    lrs = sorted(p.suffix for p in (folder / "lrs").iterdir())
    assert lrs == [".json", ".jsonl"]
    assert len(list((folder / "badges").glob("*.json"))) > 10
    assert len(list((folder / "scorm").glob("*.json"))) == 1
    providers = sorted(p.name.split("_20")[0] for p in (folder / "providers").iterdir())
    assert providers == ["cornerstone_transcript", "linkedin_learning_learner_detail", "udemy_business_course_activity"]


def test_company_files_have_exactly_the_documented_header(folder):
    for name, header in COMPANY_HEADERS.items():
        first = (folder / "company" / name).read_bytes().split(b"\n")[0].decode("utf-8")
        assert first == header, name


def test_provider_headers_match_the_profiles(folder):
    expected = {
        "linkedin": "First Name,Last Name,Email,Unique User ID,Group,Content Title,Content ID,Content Type,"
        "Content Provider,Percent Completed,Completion Date (PST/PDT),Last Viewed (PST/PDT),Hours Viewed",
        "udemy": "User Email,User Name,User Surname,User External ID,Course ID,Course Title,Course Category,"
        "% Completed,Course First Accessed Date,Course Last Accessed Date,Completion Date,Assigned",
        "cornerstone": "User ID,User Full Name,User Email,Training Title,Training Type,LO ID,Transcript Status,"
        "Registered Date,Completion Date,Score",
    }
    for key, header in expected.items():
        (path,) = (folder / "providers").glob(f"{key}*.csv")
        assert path.read_text(encoding="utf-8").splitlines()[0] == header


def test_moodle_files_are_shaped_like_moodle(folder, aliases):
    for path in (folder / "moodle").glob("completion-*.csv"):
        data = path.read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        shortname = LEGACY_NAME.match(path.name).group(1)
        assert shortname in aliases
        header = next(csv.reader([data.decode("utf-8").splitlines()[0]]))
        assert header[:3] == ["ID", "Name", "Email address"] and header[-1] == "Course complete"
        assert header[4] == f"{header[3]} - Completion date"
    builder = (folder / "moodle" / "course_completion_status.csv").read_bytes()
    assert builder.startswith(b"\xef\xbb\xbf")
    first = rows(folder / "moodle" / "course_completion_status.csv")
    assert list(first[0]) == [
        "Course full name with link",
        "Full name with link",
        "Email address",
        "Completed",
        "Time completed",
        "Progress",
    ]
    titles = {r["title"] for r in rows(folder / "company" / "catalog.csv")}
    assert {r["Course full name with link"] for r in first} <= titles
    done = [r["Time completed"] for r in first if r["Completed"] == "Yes"]
    assert done and all(re.fullmatch(r"[A-Z][a-z]+day, \d{1,2} [A-Z][a-z]+ \d{4}, \d{1,2}:\d\d [AP]M", d) for d in done)


# ----------------------------------------------------------------------------- company invariants


def test_manager_chains_form_one_tree(roster):
    roots = [e for e in roster.values() if not e["manager_id"]]
    assert [e["role"] for e in roots] == ["Chief Executive Officer"]
    for e in roster.values():
        seen = set()
        cur = e
        while cur["manager_id"]:
            assert cur["manager_id"] in roster, cur
            assert cur["employee_id"] not in seen
            seen.add(cur["employee_id"])
            cur = roster[cur["manager_id"]]
        assert cur is roots[0]
    leads = {e["team"]: e["employee_id"] for e in roster.values() if e["role"] == "Team Lead"}
    for e in roster.values():
        if e["role"] not in ("Team Lead", "Department Head", "Chief Executive Officer"):
            assert e["manager_id"] == leads[e["team"]]
        if e["role"] == "Team Lead":
            assert roster[e["manager_id"]]["role"] == "Department Head"
        if e["manager_id"] and roster[e["manager_id"]]["leave_date"]:
            pytest.fail(f"{e['employee_id']} reports to a leaver")


def test_roster_dates_and_emails(roster):
    emails = [e["email"] for e in roster.values()]
    assert len(set(emails)) == len(emails) and all(m.endswith("@example.com") for m in emails)
    hires = [date.fromisoformat(e["hire_date"]) for e in roster.values()]
    assert min(hires) >= date(2015, 1, 1) and max(hires) <= date(2026, 11, 28)
    leavers = [e for e in roster.values() if e["leave_date"]]
    assert 0.06 <= len(leavers) / len(roster) <= 0.10
    for e in leavers:
        assert date(2023, 12, 1) <= date.fromisoformat(e["leave_date"]) < date(2026, 11, 28)
        assert e["leave_date"] > e["hire_date"]


def test_catalog_skills_exist_and_are_well_formed(folder):
    skills = {r["skill"]: r["category"] for r in rows(folder / "company" / "skills.csv")}
    assert len(skills) == 60 and len(set(skills.values())) == 6
    catalog = rows(folder / "company" / "catalog.csv")
    all_aliases = [a for r in catalog for a in r["aliases"].split(";")]
    assert len(set(all_aliases)) == len(all_aliases)
    assert {r["credential_type"] for r in catalog} == {"course", "certificate", "badge", "assessment"}
    assert {r["validity_months"] for r in catalog} == {"", "12", "24", "36"}
    assert len({r["provider"] for r in catalog}) >= 8
    for r in catalog:
        items = [p.split(":") for p in r["skills"].split("; ")]
        assert 1 <= len(items) <= 3
        for skill, level in items:
            assert skill in skills and 1 <= int(level) <= 5


def test_requirements_and_goals_refer_to_known_things(folder, roster):
    skills = {r["skill"] for r in rows(folder / "company" / "skills.csv")}
    reqs: dict[str, list[dict]] = {}
    for r in rows(folder / "company" / "requirements.csv"):
        assert r["skill"] in skills and 2 <= int(r["required_level"]) <= 4 and 1 <= int(r["weight"]) <= 3
        reqs.setdefault(r["role"], []).append(r)
    assert all(4 <= len(v) <= 8 for v in reqs.values())
    assert {e["role"] for e in roster.values()} <= set(reqs)
    units = {e["team"] for e in roster.values()} | {e["department"] for e in roster.values()} | {"company"}
    goals = rows(folder / "company" / "goals.csv")
    assert 6 <= len(goals) <= 8
    for g in goals:
        assert g["skill"] in skills and g["scope"] in units and g["owner"] in roster
        assert g["deadline"].startswith("2027-") and 0 < float(g["target_share"]) <= 1
        assert all(role in reqs for role in filter(None, g["roles"].split(";")))
        owner = roster[g["owner"]]
        if g["scope"] == "company":
            assert owner["role"] == "Chief Executive Officer"
        else:  # the head of the department the scope belongs to
            leads = [
                e for e in roster.values() if e["role"] == "Team Lead" and g["scope"] in (e["team"], e["department"])
            ]
            assert owner["role"] == "Department Head" and {e["manager_id"] for e in leads} == {g["owner"]}


def test_money_files_are_consistent(folder, roster, aliases):
    fx = rows(folder / "company" / "fx.csv")
    months = sorted({r["month"] for r in fx if r["currency"] == "EUR"})
    assert months[0] == "2023-12-01" and months[-1] == "2026-11-01" and len(months) == 36
    budgets = {(r["unit"], r["period_start"]) for r in rows(folder / "company" / "budgets.csv")}
    assert ("company", "2025-01-01") in budgets and ("company", "2026-01-01") in budgets
    assert ("Engineering", "2026-01-01") in budgets
    assert {r["vendor"] for r in rows(folder / "company" / "licences.csv")} >= {"LinkedIn Learning", "Udemy Business"}
    spend = rows(folder / "company" / "spend.csv")
    assert {"USD", "EUR"} <= {r["currency"] for r in spend} <= {"USD", "EUR", "GBP"}
    assert {"licence", "certification", "course", "conference"} <= {r["category"] for r in spend}
    course_ids = set(aliases.values())
    teams = {e["team"] for e in roster.values()}
    for r in spend:
        assert "2023-12-01" <= r["date"] <= "2026-11-28" and float(r["amount"]) > 0
        assert not r["employee_id"] or r["employee_id"] in roster
        assert not r["course_id"] or r["course_id"] in course_ids
        assert not r["team"] or r["team"] in teams
    per_learner = [r for r in spend if r["category"] == "certification"]
    assert per_learner and all(r["employee_id"] and r["course_id"] for r in per_learner)


def test_goal_targets_fit_their_intended_status():
    c = sample_gen.build_company(SMALL_SCALE * 2, SMALL_SEED)
    for g in c.goals:
        target = float(g["target_share"])
        if g["population"] == 0:
            continue
        if g["intent"] == "achieved":
            assert g["share_now"] >= target
        elif g["intent"] == "on track":
            assert g["share_now"] < target <= g["projected"] or target == 0.95
        else:
            assert g["projected"] < target - 0.1 or target == 0.95


# ----------------------------------------------------------------------------- learning exports refer to the company


def _statements(folder: Path) -> tuple[list[dict], list[dict]]:
    (js,) = (folder / "lrs").glob("*.json")
    (jl,) = (folder / "lrs").glob("*.jsonl")
    doc = json.loads(js.read_text(encoding="utf-8"))
    assert set(doc) == {"statements", "more"} and doc["more"] == ""
    return doc["statements"], [json.loads(line) for line in jl.read_text(encoding="utf-8").splitlines()]


def test_learners_and_courses_resolve_apart_from_the_planted_ones(folder, roster, aliases):
    emails = {e["email"] for e in roster.values()}
    unknown = set(sample_gen.UNKNOWN_EMAILS)
    sha1 = {hashlib.sha1(f"mailto:{m}".encode()).hexdigest() for m in emails}
    first, second = _statements(folder)
    bad_courses = set()
    for s in first + second:
        a = s["actor"]
        if "mbox" in a:
            assert a["mbox"][7:] in emails or a["mbox"][7:] in unknown
        elif "mbox_sha1sum" in a:
            assert a["mbox_sha1sum"] in sha1
        else:
            assert a["account"]["name"] in roster or a["account"]["name"] == "lrs-admin"
        if s["object"].get("objectType") == "Activity" and s["object"]["id"] not in aliases:
            bad_courses.add(s["object"]["id"])
    assert bad_courses == {sample_gen.UNKNOWN_XAPI_COURSE}
    (scorm,) = (folder / "scorm").glob("*.json")
    regs = json.loads(scorm.read_text(encoding="utf-8"))["registrations"]
    assert {r["course"]["id"] for r in regs} - set(aliases) == {sample_gen.UNKNOWN_SCORM_COURSE}
    assert all(r["learner"]["id"] in roster or r["learner"]["id"] in emails for r in regs)
    assert {r["registrationCompletion"] for r in regs} <= {"COMPLETED", "INCOMPLETE", "UNKNOWN"}
    assert all(0 <= r["score"]["scaled"] <= 100 for r in regs if "score" in r)
    (li,) = (folder / "providers").glob("linkedin*.csv")
    assert {r["Email"] for r in rows(li)} - emails == {sample_gen.UNKNOWN_EMAILS[2]}
    assert {r["Content ID"] for r in rows(li)} <= set(aliases)
    (ud,) = (folder / "providers").glob("udemy*.csv")
    assert {r["User External ID"] for r in rows(ud)} - set(roster) == {sample_gen.UNKNOWN_EXTERNAL_ID}
    assert {r["Course ID"] for r in rows(ud)} <= set(aliases)
    (cs,) = (folder / "providers").glob("cornerstone*.csv")
    assert {r["User ID"] for r in rows(cs)} <= set(roster)
    assert {r["LO ID"] for r in rows(cs)} <= set(aliases)


def test_badges_hash_roster_emails_and_name_catalog_achievements(folder, roster, aliases):
    emails = [e["email"] for e in roster.values()] + list(sample_gen.UNKNOWN_EMAILS)
    versions = set()
    unknown = 0
    for path in (folder / "badges").glob("*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("type") == "Assertion":
            versions.add(2)
            rec = doc["recipient"]
            identity, salt = rec["identity"], rec["salt"]
            badge = doc["badge"]
            key = badge if isinstance(badge, str) else badge["id"]
        else:
            versions.add(3)
            assert "OpenBadgeCredential" in doc["type"] and doc["validFrom"]
            ident = doc["credentialSubject"]["identifier"][0]
            identity, salt = ident["identityHash"], ident["salt"]
            key = doc["credentialSubject"]["achievement"]["id"]
        assert key in aliases and identity.startswith("sha256$")
        match = [m for m in emails if hashlib.sha256((m + salt).encode()).hexdigest() == identity[7:]]
        assert len(match) == 1
        unknown += match[0] in sample_gen.UNKNOWN_EMAILS
    assert versions == {2, 3} and unknown == 1


# ----------------------------------------------------------------------------- planted imperfections


def test_planted_imperfections_are_present(folder, roster):
    first, second = _statements(folder)
    ids_first = {s["id"] for s in first}
    ids_second = {s["id"] for s in second}
    assert ids_first & ids_second, "the two LRS exports overlap"
    voiding = [s for s in second if s["verb"]["id"].endswith("/voided")]
    assert len(voiding) == 1
    voided = next(s for s in first if s["id"] == voiding[0]["object"]["id"])
    assert voided["verb"]["id"].endswith("/passed")
    assert [
        s["result"]["score"]["scaled"]
        for s in first + second
        if s.get("result", {}).get("score", {}).get("scaled", 0) > 1
    ] == [1.5]
    verbs = {s["verb"]["id"].rsplit("/", 1)[1] for s in first + second}
    assert verbs == {"attempted", "progressed", "completed", "passed", "failed", "satisfied", "voided"}

    (cs,) = (folder / "providers").glob("cornerstone*.csv")
    assert sum(r["Transcript Status"] == "Withdrawn" for r in rows(cs)) == 2
    (li,) = (folder / "providers").glob("linkedin*.csv")
    li_rows = rows(li)
    assert sum("-02-30 " in r["Completion Date (PST/PDT)"] for r in li_rows) == 1
    moodle_text = {p.name: p.read_text(encoding="utf-8") for p in (folder / "moodle").glob("completion-*.csv")}
    assert sum(t.count('"30/02/') for t in moodle_text.values()) == 1

    # Two exports of one course: the later has every learner of the earlier, and more completions.
    by_course: dict[str, list[str]] = {}
    for name in sorted(moodle_text):
        by_course.setdefault(LEGACY_NAME.match(name).group(1), []).append(name)
    (pair,) = [v for v in by_course.values() if len(v) == 2]
    early, late = (rows(folder / "moodle" / n) for n in pair)
    assert {r["ID"] for r in early} < {r["ID"] for r in late}
    done = lambda rs: {r["ID"] for r in rs if r["Course complete"]}  # noqa: E731
    assert done(early) < done(late)
    common = {r["ID"]: r for r in late}
    assert all(common[r["ID"]] == r for r in early if r["Course complete"])

    # One file uses the en_us pattern m/d/yy (some month field > 12 can only be a day).
    us = [n for n, t in moodle_text.items() if re.search(r'"\d\d/(1[3-9]|2\d|3[01])/\d\d, ', t)]
    assert len(us) == 1

    # A leaver keeps learning after the leave date.
    emails = {e["email"]: e for e in roster.values()}
    after = [
        r
        for r in li_rows
        if r["Email"] in emails
        and emails[r["Email"]]["leave_date"]
        and (r["Last Viewed (PST/PDT)"] or "9999")[:10] > emails[r["Email"]]["leave_date"]
    ]
    assert after
    assert "Planted imperfections" in (folder / "README.md").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- time zones


@pytest.mark.parametrize(
    ("zone", "fn"), [("America/Los_Angeles", sample_gen._pacific), ("Europe/Dublin", sample_gen._dublin)]
)
def test_hand_rolled_time_zones_agree_with_the_tz_database(zone, fn):
    tz = ZoneInfo(zone)
    start = datetime(2023, 11, 1, tzinfo=UTC)
    moments = [start + timedelta(hours=h, minutes=13) for h in range(0, 24 * 365 * 3 + 24 * 60, 7)]
    rules = sample_gen._us_dst if zone.startswith("America") else sample_gen._eu_dst
    for year in (2024, 2025, 2026):  # the second before, at and after each switch
        for switch in rules(year):
            moments += [datetime.fromtimestamp(switch + d, UTC) for d in (-1, 0, 1)]
    for moment in moments:
        expected = moment.astimezone(tz).replace(tzinfo=None)
        assert fn(int(moment.timestamp())) == expected, moment


# ----------------------------------------------------------------------------- benchmark writers


def test_provider_benchmark_rows_exist_in_the_matching_company(small, tmp_path):
    folder, counts = small
    employees = counts["company/roster.csv"]
    path = tmp_path / "li.csv"
    assert sample_gen.write_provider_csv(path, 2500, seed=SMALL_SEED, employees=employees) == 2500
    data = rows(path)
    assert len(data) == 2500 and list(data[0]) == next(csv.reader([path.read_text().splitlines()[0]]))
    emails = {r["email"] for r in rows(folder / "company" / "roster.csv")}
    li = {
        a
        for r in rows(folder / "company" / "catalog.csv")
        if r["provider"] == "LinkedIn Learning"
        for a in r["aliases"].split(";")
    }
    assert {r["Email"] for r in data} == emails
    assert {r["Content ID"] for r in data} <= li
    assert len({(r["Email"], r["Content ID"]) for r in data}) == 2500
    for r in data:
        if r["Completion Date (PST/PDT)"]:
            datetime.strptime(r["Completion Date (PST/PDT)"], "%Y-%m-%d %H:%M:%S")
            assert r["Percent Completed"] == "100"
    again = tmp_path / "li2.csv"
    sample_gen.write_provider_csv(again, 2500, seed=SMALL_SEED, employees=employees)
    assert path.read_bytes() == again.read_bytes()


def test_xapi_benchmark_statements_exist_in_the_matching_company(small, tmp_path):
    folder, counts = small
    path = tmp_path / "x.jsonl"
    assert sample_gen.write_xapi_jsonl(path, 3000, seed=SMALL_SEED, employees=counts["company/roster.csv"]) == 3000
    stmts = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    roster = rows(folder / "company" / "roster.csv")
    known = {f"mailto:{e['email']}" for e in roster}
    known |= {hashlib.sha1(m.encode()).hexdigest() for m in list(known)} | {e["employee_id"] for e in roster}
    xapi = {
        a
        for r in rows(folder / "company" / "catalog.csv")
        for a in r["aliases"].split(";")
        if (a.startswith("https://") and "/xapi/" in a) or "coursera.org" in a
    }
    assert len({s["id"] for s in stmts}) == 3000
    for s in stmts:
        a = s["actor"]
        assert (a.get("mbox") or a.get("mbox_sha1sum") or a["account"]["name"]) in known
        assert s["object"]["id"] in xapi
        score = s.get("result", {}).get("score")
        if score:
            assert 0 <= score["scaled"] <= 1 and s["verb"]["id"].rsplit("/", 1)[1] in ("passed", "failed")
        datetime.fromisoformat(s["timestamp"].replace("Z", "+00:00"))
