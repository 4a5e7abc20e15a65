"""The loader: identity resolution, duplicates across loads and sources, voiding, updates,
one transaction per file, unreadable files, the command line and migrations."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

import warehouse
from etl import company as company_files
from etl import load as loader
from etl import provider, xapi
from etl.load import load_paths

from .conftest import FIXTURES, TINY, TINY_RECORDS

MORE = FIXTURES / "tiny_more"
ROOT = Path(__file__).resolve().parent.parent


def one(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


def counts(con) -> dict:
    tables = ["employees", "courses", "completion_records", "rejected_rows", "voided_statements", "spend"]
    return {t: one(con, f"select count(*) from {t}")[0][0] for t in tables}


@pytest.fixture
def con(tiny_db):
    c = warehouse.connect(tiny_db)
    yield c
    c.close()


def summary(con, path, **kw):
    [s] = load_paths(con, [path], **kw)
    return s


def test_tiny_load_summary(tmp_path):
    c = warehouse.connect(tmp_path / "w.duckdb")
    s = {x.file: x for x in load_paths(c, [TINY, TINY_RECORDS])}
    assert (s["lrs-export.json"].rows_read, s["lrs-export.json"].rows_loaded, s["lrs-export.json"].rows_rejected) == (
        8,
        7,
        1,
    )
    assert s["lrs-voids.jsonl"].message == "1 voiding statement(s) applied"
    # company files first, whatever the order on disk
    assert [x.kind for x in load_paths(c, [TINY_RECORDS / "lrs-export.json", TINY / "roster.csv"])] == [
        "roster",
        "xapi",
    ]
    c.close()


def test_loading_the_same_files_twice_adds_nothing(con):
    before = counts(con)
    again = load_paths(con, [TINY, TINY_RECORDS])
    assert [s.status for s in again] == ["unchanged"] * 11 and sum(s.rows_loaded for s in again) == 0
    assert counts(con) == before  # not even the rejected row again


def test_an_overlapping_export_with_other_content_is_loaded(con):
    s = summary(con, MORE / "udemy.csv")
    assert (s.status, s.rows_read, s.rows_loaded, s.rows_duplicate, s.rows_rejected) == ("loaded", 3, 1, 1, 1)


def test_overlapping_export_adds_only_what_is_new(con):
    s = summary(con, MORE / "lrs-overlap.jsonl")
    assert (s.rows_read, s.rows_loaded, s.rows_duplicate, s.rows_rejected) == (2, 1, 1, 0)


def test_same_achievement_from_another_source_counts_once_and_updates_move_forward(con):
    s = summary(con, MORE / "udemy.csv")
    # Bob's Python completion was already reported by the LRS the same day; Dan is in progress; E99 is unknown
    assert (s.rows_read, s.rows_loaded, s.rows_duplicate, s.rows_rejected) == (3, 1, 1, 1)
    assert one(con, "select reason from rejected_rows where batch_id = ?", [s.batch_id]) == [
        ("no employee with id 'E99' in the roster",)
    ]
    assert one(con, "select status, vendor from completion_records where source_record_id = 'udemy:E4:C-PY'") == [
        ("in_progress", "Udemy Business")
    ]
    later = summary(con, MORE / "udemy-later.csv")
    assert (later.rows_loaded, later.rows_duplicate) == (1, 0)  # the same record, now completed
    assert one(con, "select status from completion_records where source_record_id = 'udemy:E4:C-PY'") == [
        ("completed",)
    ]
    cov = {(t, s): c for t, s, c in one(con, "select team, skill, coverage from skill_coverage(DATE '2025-06-30')")}
    assert cov[("Platform", "Python")] == 1.0  # Bob and now Dan
    # re-loading the older export does not move Dan back to in progress
    summary(con, MORE / "udemy.csv")
    assert one(con, "select status from completion_records where source_record_id = 'udemy:E4:C-PY'") == [
        ("completed",)
    ]


def test_hashed_badge_recipient_resolves_and_badge_expiry_wins(con):
    s = summary(con, MORE / "alice-badge.json")
    assert (s.kind, s.rows_loaded) == ("badge", 1)
    lead = lambda d: one(  # noqa: E731
        con,
        f"select covered_headcount from skill_coverage(DATE '{d}') where team = 'Platform' and skill = 'Leadership'",
    )[0][0]
    assert (lead("2025-06-30"), lead("2025-08-01"), lead("2025-12-30"), lead("2025-12-31")) == (0, 1, 1, 0)


def test_voiding_before_the_statement_arrives_still_cancels_it(tmp_path):
    c = warehouse.connect(tmp_path / "w.duckdb")
    load_paths(c, [TINY])
    load_paths(c, [TINY_RECORDS / "lrs-voids.jsonl"])
    load_paths(c, [TINY_RECORDS / "lrs-export.json"])
    assert one(c, "select count(*) from completions where employee_id = 'E1'") == [(0,)]
    assert one(c, "select count(*) from completion_records where employee_id = 'E1'") == [(1,)]  # kept, cancelled
    c.close()


def test_a_file_failing_half_way_changes_nothing(con, monkeypatch):
    before = counts(con)
    real = loader._write_learning

    def fail_after_writing(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "_write_learning", fail_after_writing)
    s = summary(con, MORE / "lrs-overlap.jsonl")
    assert s.status == "failed"
    assert s.message == "lrs-overlap.jsonl could not be loaded (disk full)."
    assert counts(con) == before
    assert one(con, "select status, message from import_batches where batch_id = ?", [s.batch_id]) == [
        ("failed", s.message)
    ]


def test_an_unreadable_file_changes_nothing_and_says_why(con, tmp_path):
    before = counts(con)
    junk = tmp_path / "notes.csv"
    junk.write_text("hello,world\n1,2\n")
    s = summary(con, junk)
    assert s.status == "failed"
    assert s.message.startswith("notes.csv is not an export this product recognises")
    assert ". " not in s.message and s.message.endswith(".")  # one sentence
    broken = tmp_path / "broken.json"
    broken.write_text('{"statements": [')
    s = summary(con, broken)
    assert s.status == "failed" and "\n" not in s.message
    assert counts(con) == before


def test_forced_kind_that_does_not_fit_is_a_one_sentence_failure(con):
    s = summary(con, TINY / "roster.csv", kind="xapi")
    assert s.status == "failed" and "Traceback" not in s.message


def run_cli(*args, db):
    return subprocess.run(
        [sys.executable, "-m", "etl", "--db", str(db), *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_exit_codes_and_summary(tmp_path):
    db = tmp_path / "cli.duckdb"
    ok = run_cli("load", TINY, TINY_RECORDS, db=db)
    assert ok.returncode == 0, ok.stderr
    assert "lrs-export.json (xapi): 8 read, 7 loaded, 0 duplicate, 1 rejected" in ok.stdout
    bad = tmp_path / "bad.json"
    bad.write_text("not json at all")
    failed = run_cli("load", bad, db=db)
    assert failed.returncode == 1
    assert "bad.json: not loaded." in failed.stdout and "Traceback" not in failed.stdout + failed.stderr
    reader = duckdb.connect(str(warehouse.read_path(db)), read_only=True)  # published: the Data page shows it
    assert reader.execute("select file_name, status from import_batches order by batch_id desc limit 1").fetchall() == [
        ("bad.json", "failed")
    ]
    reader.close()
    status = run_cli("status", db=db)
    assert status.returncode == 0 and "xapi" in status.stdout and "not loaded" in status.stdout


def test_migrations_upgrade_in_place(tmp_path, monkeypatch):
    db = tmp_path / "old.duckdb"
    c = warehouse.connect(db)
    load_paths(c, [TINY])
    c.close()
    sql = tmp_path / "sql"
    shutil.copytree(warehouse.SQL_DIR, sql)
    (sql / "migrations" / "999_test_column.sql").write_text("alter table employees add column nickname varchar;")
    monkeypatch.setattr(warehouse.paths, "SQL_DIR", sql)
    c = warehouse.connect(db)
    assert warehouse.schema_version(c) == 999
    assert one(c, "select count(*), count(nickname) from employees") == [(5, 0)]  # data kept, column added
    c.close()


def test_a_newer_warehouse_is_refused_not_rebuilt(tmp_path):
    db = tmp_path / "new.duckdb"
    c = warehouse.connect(db)
    c.execute("insert into schema_migrations values (5000, 'future', now())")
    c.close()
    with pytest.raises(warehouse.WarehouseError, match="newer than this version"):
        warehouse.connect(db)


def test_forget_erases_a_person_everywhere(con, tmp_path):
    from etl.forget import forget

    summary(con, MORE / "udemy.csv")
    con.execute(
        "insert into rejected_rows (batch_id, row_number, reason, raw) values (99, 1, 'no course in the catalog with id ''X''', "
        '\'{"actor":{"mbox":"mailto:Dan@tiny.test"}}\')'
    )
    con.execute("update spend set employee_id = 'E4' where reference = 'INV-2'")
    before = one(con, "select count(*) from completion_records")[0][0]
    removed = forget(con, "E4")
    assert one(con, "select count(*) from employees where employee_id = 'E4'") == [(0,)]
    assert one(con, "select count(*) from completion_records where employee_id = 'E4'") == [(0,)]
    assert one(con, "select count(*) from completion_records")[0][0] == before - 3  # cloud, failed python, udemy
    assert one(con, "select count(*) from rejected_rows where lower(raw) like '%dan@tiny.test%'") == [(0,)]
    assert one(con, "select employee_id, amount from spend where reference = 'INV-2'") == [(None, 500)]
    assert one(con, "select rows_removed from erasures") == [(removed,)]
    assert "E4" not in str(one(con, "select * from erasures"))
    assert one(con, "select count(*) from rejected_rows where reason like '%ghost%'") == [(1,)]  # others stay


def test_forget_cli(tiny_db):
    out = run_cli("forget", "--employee", "E3", db=tiny_db)
    assert out.returncode == 0 and "E3" not in out.stdout
    assert run_cli("forget", "--employee", "NOPE", db=tiny_db).returncode == 1


def test_readers_get_the_new_definitions_after_an_upgrade(tmp_path):
    db = tmp_path / "old.duckdb"
    c = warehouse.connect(db)
    load_paths(c, [TINY])
    c.execute(
        "create or replace macro active_learners(as_of) as table select 42 as active_learners"
    )  # an old definition
    c.execute("update settings set value = 'old' where key = 'models_fingerprint'")
    c.close()
    warehouse.publish(db)
    assert warehouse.upgrade_and_publish(db) is True
    r = duckdb.connect(str(warehouse.read_path(db)), read_only=True)
    assert r.execute("select * from active_learners(DATE '2025-01-01')").fetchall() == [(0,)]
    r.close()
    assert warehouse.upgrade_and_publish(db) is False


def test_a_rejected_learner_keeps_its_row_as_written(tiny_db, tmp_path):
    """Readers of large files hold no text per record; the loader writes it back for the rows it rejects."""
    lines = (FIXTURES / "tiny_more" / "udemy.csv").read_text(encoding="utf-8").splitlines()
    stranger = "nobody@tiny.test,No,Body,E99,C-PY,Python Basics,Development,100,2024-01-02T09:00:00Z,2024-01-10T09:30:00Z,2024-01-10T11:00:00Z,true"
    path = tmp_path / "udemy-stranger.csv"
    path.write_text("\n".join([lines[0], lines[1], stranger]) + "\n", encoding="utf-8")
    con = warehouse.connect(tiny_db)
    summary = loader.load_file(con, path)
    assert (summary.rows_read, summary.rows_rejected) == (2, 1)
    got = con.execute(
        "select row_number, reason, raw from rejected_rows where batch_id = ?", [summary.batch_id]
    ).fetchall()
    con.close()
    assert got == [(2, "no employee with id 'E99' in the roster", stranger)]


# ---------------------------------------------------------------- the same content again


@pytest.fixture
def company(tmp_path):
    """A warehouse with the tiny organisation's company files only, and a copy of a provider CSV
    with one row that cannot be used (E99 is nobody in the roster)."""
    c = warehouse.connect(tmp_path / "w.duckdb")
    assert {s.status for s in load_paths(c, [TINY])} == {"loaded"}
    copy = tmp_path / "udemy.csv"
    shutil.copyfile(MORE / "udemy.csv", copy)
    yield c, copy
    c.close()


def batches(con) -> list[tuple]:
    return one(
        con,
        "select batch_id, file_name, status, rows_rejected, same_as_batch from import_batches "
        "where kind = 'provider' order by batch_id",
    )


def test_the_same_content_again_changes_nothing_and_says_so(company):
    con, udemy = company
    first = summary(con, udemy)
    # Bob completed, Dan in progress; E99 rejected
    assert (first.status, first.rows_read, first.rows_loaded, first.rows_duplicate, first.rows_rejected) == (
        "loaded",
        3,
        2,
        0,
        1,
    )
    before = counts(con)
    assert (before["completion_records"], before["rejected_rows"]) == (2, 1)
    again = summary(con, udemy)
    day = one(con, "select cast(finished_at as date) from import_batches where batch_id = ?", [first.batch_id])[0][0]
    assert again.status == "unchanged"
    assert (
        again.message == f"Already loaded on {day:%Y-%m-%d} as batch {first.batch_id} (same content): nothing changed."
    )
    assert again.line() == "udemy.csv: " + again.message
    assert (again.rows_read, again.rows_loaded, again.rows_rejected) == (0, 0, 0)
    assert counts(con) == before  # one rejected row, not two
    assert batches(con) == [
        (first.batch_id, "udemy.csv", "loaded", 1, None),
        (again.batch_id, "udemy.csv", "unchanged", 0, first.batch_id),
    ]  # the attempt is in the history
    # the same bytes under another name are the same content
    renamed = udemy.with_name("udemy (1).csv")
    shutil.copyfile(udemy, renamed)
    third = summary(con, renamed)
    assert third.status == "unchanged" and f"as batch {first.batch_id} (same content as udemy.csv)" in third.message
    assert counts(con) == before


def test_one_changed_byte_loads_the_file_again(company):
    con, udemy = company
    summary(con, udemy)
    udemy.write_bytes(udemy.read_bytes().replace(b"No,Body", b"No,Bodz"))  # in the rejected row
    s = summary(con, udemy)
    assert (s.status, s.rows_read, s.rows_loaded, s.rows_duplicate, s.rows_rejected) == ("loaded", 3, 0, 2, 1)
    assert (counts(con)["completion_records"], counts(con)["rejected_rows"]) == (2, 2)


def test_a_file_whose_earlier_load_failed_loads_again(company, monkeypatch):
    con, udemy = company

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    with monkeypatch.context() as m:
        m.setattr(loader, "_write_learning", fail)
        assert summary(con, udemy).status == "failed"
    assert (counts(con)["completion_records"], counts(con)["rejected_rows"]) == (0, 0)
    s = summary(con, udemy)
    assert (s.status, s.rows_read, s.rows_loaded, s.rows_duplicate, s.rows_rejected) == ("loaded", 3, 2, 0, 1)
    assert (counts(con)["completion_records"], counts(con)["rejected_rows"]) == (2, 1)
    assert summary(con, udemy).status == "unchanged"


def test_the_same_file_loads_again_once_the_roster_knows_its_learner(company, tmp_path):
    con, udemy = company
    summary(con, udemy)
    roster = tmp_path / "roster-e99.csv"
    roster.write_text(
        (TINY / "roster.csv").read_text() + "E99,No Body,nobody@tiny.test,Engineer,Platform,Engineering,E1,"
        "Berlin,CC1,2025-01-01,\n"
    )
    assert summary(con, roster).rows_loaded == 1
    s = summary(con, udemy)
    # E99's completion now resolves; Bob and Dan are stored already
    assert (s.status, s.rows_read, s.rows_loaded, s.rows_duplicate, s.rows_rejected) == ("loaded", 3, 1, 2, 0)
    assert (counts(con)["completion_records"], counts(con)["rejected_rows"]) == (3, 1)
    assert summary(con, udemy).status == "unchanged"


def test_the_same_file_loads_again_after_an_erasure(company):
    from etl.forget import forget

    con, udemy = company
    summary(con, udemy)
    forget(con, "E4")  # Dan's in-progress record goes
    assert counts(con)["completion_records"] == 1
    s = summary(con, udemy)
    # Bob stored already; Dan (E4) and E99 are nobody now
    assert (s.status, s.rows_read, s.rows_loaded, s.rows_duplicate, s.rows_rejected) == ("loaded", 3, 0, 1, 2)


def test_an_older_roster_loads_again_after_a_newer_one_changed_it(tmp_path):
    c = warehouse.connect(tmp_path / "w.duckdb")
    older = TINY / "roster.csv"
    newer = tmp_path / "roster-new.csv"
    newer.write_text(
        older.read_text().replace(
            "E4,Dan Diaz,dan@tiny.test,Engineer,Platform", "E4,Dan Diaz,dan@tiny.test,Engineer,Insights"
        )
    )
    assert summary(c, older).rows_loaded == 5
    assert summary(c, newer).rows_loaded == 1  # Dan moves to Insights
    s = summary(c, older)  # moves Dan back to Platform: not "nothing changed"
    assert (s.status, s.rows_loaded, s.rows_duplicate) == ("loaded", 1, 4)
    assert one(c, "select team from employees where employee_id = 'E4'") == [("Platform",)]
    assert summary(c, older).status == "unchanged"
    c.close()


#: The load's clock in the tests below: 1 Nov 2026, 09:00 UTC ("today" for future-dated records).
NOW = datetime(2026, 11, 1, 9, 0)

#: A Moodle report of course cloud-101 (C-CLOUD) without time zones: Bob on 31 Oct 00:30 and Dan on
#: 15 Jun 14:00, which in Berlin (CET after 25 Oct, CEST in June) are 30 Oct 23:30 and 15 Jun 12:00 UTC.
BERLIN_REPORT = (
    'ID,Name,Email address,Course complete\n7,Bob Baker,Bob.Baker@tiny.test,"31/10/26, 00:30"\n'
    '9,Dan Diaz,dan@tiny.test,"15/06/26, 14:00"\n'
)


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(loader, "now_utc", lambda: NOW)
    return NOW


def stored_times(con) -> list[tuple]:
    return one(con, "select employee_id, completed_at::varchar from completion_records order by employee_id")


def test_the_same_moodle_report_with_another_time_zone_is_already_loaded(company, tmp_path, clock):
    """Its times carry no offset: read in another zone they would all shift. The zone it was first
    loaded in stays its zone, also when it loads again because the roster changed."""
    con, _ = company
    report = tmp_path / "completion-cloud-101-20261101_0900-comma_separated.csv"
    report.write_text(BERLIN_REPORT)
    first = summary(con, report, tz="Europe/Berlin")
    assert (first.status, first.rows_loaded, first.rows_rejected) == ("loaded", 2, 0)
    berlin = [("E2", "2026-10-30 23:30:00"), ("E4", "2026-06-15 12:00:00")]
    assert stored_times(con) == berlin
    again = summary(con, report, tz="UTC")
    assert again.status == "unchanged"
    assert again.message == (
        f"Already loaded on 2026-11-01 as batch {first.batch_id} (same content; read in Europe/Berlin time as "
        "when it was first loaded, not in UTC): nothing changed."
    )
    assert stored_times(con) == berlin  # not 31 Oct 00:30 and 15 Jun 14:00
    roster = tmp_path / "roster-e99.csv"
    roster.write_text(
        (TINY / "roster.csv").read_text() + "E99,No Body,nobody@tiny.test,Engineer,Platform,Engineering,E1,"
        "Berlin,CC1,2025-01-01,\n"
    )
    assert summary(con, roster).rows_loaded == 1  # the people changed: the report loads again ...
    third = summary(con, report, tz="America/New_York")
    assert (third.status, third.rows_loaded, third.rows_duplicate) == ("loaded", 0, 2)  # ... in Berlin time
    assert third.message == "read in Europe/Berlin time as when it was first loaded, not in America/New_York"
    assert third.line().endswith(
        "0 loaded, 2 duplicate, 0 rejected (read in Europe/Berlin time as when it was "
        "first loaded, not in America/New_York)"
    )
    assert stored_times(con) == berlin
    # another report (other bytes) is read in the zone chosen for it
    other = tmp_path / "completion-cloud-101-20261101_1000-comma_separated.csv"
    other.write_text(BERLIN_REPORT.replace("15/06/26, 14:00", "16/06/26, 14:00"))
    assert summary(con, other, tz="UTC").rows_loaded == 2  # both later in UTC: both move forward
    assert stored_times(con) == [("E2", "2026-10-31 00:30:00"), ("E4", "2026-06-16 14:00:00")]


def test_learning_records_dated_after_today_are_rejected_with_a_reason(company, tmp_path, clock):
    con, _ = company
    report = tmp_path / "completion-cloud-101-20261101_0900-comma_separated.csv"
    report.write_text(
        'ID,Name,Email address,Course complete\n7,Bob Baker,Bob.Baker@tiny.test,"1/11/26, 23:30"\n'
        '9,Dan Diaz,dan@tiny.test,"2/11/26, 10:00"\n10,Eve Evans,eve@tiny.test,"1/01/99, 08:00"\n'
    )
    s = summary(con, report, tz="Europe/Berlin")
    # Bob: 1 Nov 22:30 UTC, later today but not after it; Dan: 2 Nov 09:00 UTC; Eve: 1 Jan 2099
    assert (s.status, s.rows_read, s.rows_loaded, s.rows_rejected) == ("loaded", 3, 1, 2)
    assert stored_times(con) == [("E2", "2026-11-01 22:30:00")]
    rejected = one(con, "select row_number, reason, raw, record_key from rejected_rows order by row_number")
    assert rejected == [
        (
            2,
            "dated 2026-11-02 09:00 UTC, after the day this file was loaded (2026-11-01): a learning record cannot "
            "come from the future; check the date in the export (or the time zone it was read in)",
            '9,Dan Diaz,dan@tiny.test,"2/11/26, 10:00"',
            "moodle:cloud-101:9",
        ),
        (
            3,
            "dated 2099-01-01 07:00 UTC, after the day this file was loaded (2026-11-01): a learning record cannot "
            "come from the future; check the date in the export (or the time zone it was read in)",
            '10,Eve Evans,eve@tiny.test,"1/01/99, 08:00"',
            "moodle:cloud-101:10",
        ),
    ]
    assert one(con, "select count(*) from evidence where employee_id in ('E4', 'E5')") == [(0,)]


def test_xapi_statements_dated_after_today_are_rejected(con, tmp_path, clock):
    import json

    statements = json.loads((TINY_RECORDS / "lrs-export.json").read_text())["statements"]
    late = dict(statements[0], id="00000000-0000-4000-8000-0000000000b1", timestamp="2026-11-02T00:00:01Z")
    (tmp_path / "late.jsonl").write_text(json.dumps(late) + "\n")
    s = summary(con, tmp_path / "late.jsonl")
    assert (s.rows_read, s.rows_loaded, s.rows_rejected) == (1, 0, 1)
    [(reason, raw)] = one(con, f"select reason, raw from rejected_rows where batch_id = {s.batch_id}")
    assert reason.startswith("dated 2026-11-02 00:00 UTC, after the day this file was loaded (2026-11-01)")
    assert json.loads(raw)["id"] == late["id"]  # the statement as sent


def test_an_assessment_dated_after_today_is_rejected(company, tmp_path, clock):
    con, _ = company
    (tmp_path / "assessments.csv").write_text(
        "employee_id,skill,level,assessed_at,source\nE2,Python,3,2026-11-01,panel\nE4,Python,2,2026-11-02,panel\n"
    )
    s = summary(con, tmp_path / "assessments.csv")
    assert (s.kind, s.rows_read, s.rows_loaded, s.rows_rejected) == ("assessments", 2, 1, 1)
    assert one(con, "select row_number, reason, record_key from rejected_rows") == [
        (
            2,
            "assessed_at 2026-11-02 is after the day this file was loaded (2026-11-01): an assessment cannot come "
            "from the future; check its date",
            "E4/Python/2026-11-02",
        )
    ]


def test_cli_says_a_file_was_already_loaded(tmp_path):
    db = tmp_path / "cli.duckdb"
    assert run_cli("load", TINY, db=db).returncode == 0
    first = run_cli("load", MORE / "udemy.csv", db=db)
    assert first.returncode == 0 and "udemy.csv (provider): 3 read, 2 loaded, 0 duplicate, 1 rejected" in first.stdout
    again = run_cli("load", MORE / "udemy.csv", db=db)
    assert again.returncode == 0, again.stderr
    lines = again.stdout.splitlines()
    assert lines[0].startswith("udemy.csv: Already loaded on ") and lines[0].endswith(
        " as batch 10 (same content): nothing changed."
    )
    assert lines[1] == "1 file(s): 0 read, 0 loaded, 0 duplicate, 0 rejected, 1 already loaded, 0 not loaded"
    reader = duckdb.connect(str(warehouse.read_path(db)), read_only=True)  # published: readers see the attempt
    assert reader.execute("select status, same_as_batch from import_batches where batch_id = 11").fetchall() == [
        ("unchanged", 10)
    ]
    assert reader.execute("select count(*) from rejected_rows").fetchall() == [(1,)]
    reader.close()
    status = run_cli("status", db=db)
    assert "#11" in status.stdout and "udemy.csv: Already loaded on" in status.stdout


def test_a_repeat_loads_again_once_what_it_repeated_is_voided(company, tmp_path):
    """Bob's Moodle completion repeats an xAPI statement of the same day, so it is skipped; once the
    statement is voided, the same Moodle report must load again and bring the completion back."""
    import json

    con, _ = company
    statement = json.loads((TINY_RECORDS / "lrs-export.json").read_text())["statements"][0]
    assert statement["actor"]["mbox"].lower() == "mailto:bob.baker@tiny.test"  # Bob, Cloud, 15 Jun 2024
    (tmp_path / "x.jsonl").write_text(json.dumps(statement) + "\n")
    void = {
        "id": "00000000-0000-4000-8000-0000000000aa",
        "actor": {"objectType": "Agent", "mbox": "mailto:admin@lrs.tiny.test"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": statement["id"]},
        "timestamp": "2024-07-01T12:00:00Z",
    }
    (tmp_path / "v.jsonl").write_text(json.dumps(void) + "\n")
    report = tmp_path / "completion-cloud-101-20240701_0900-comma_separated.csv"
    report.write_text('ID,Name,Email address,Course complete\n7,Bob Baker,Bob.Baker@tiny.test,"15/06/24, 12:00"\n')

    def evidence():
        return one(con, "select count(*) from evidence where employee_id = 'E2' and skill = 'Cloud'")[0][0]

    assert summary(con, tmp_path / "x.jsonl").rows_loaded == 1
    s = summary(con, report)
    assert (s.status, s.rows_loaded, s.rows_duplicate) == ("loaded", 0, 1)  # the same completion, same day
    assert evidence() == 1
    assert summary(con, tmp_path / "v.jsonl").status == "loaded"
    assert evidence() == 0
    s = summary(con, report)
    assert (s.status, s.rows_loaded) == ("loaded", 1)  # not "already loaded": what it repeated is gone
    assert evidence() == 1
    assert summary(con, report).status == "unchanged"


def test_a_file_loads_again_when_its_reader_says_it_reads_differently(company, monkeypatch):
    """Each reader's READER_VERSION (and the loader's LOADER_VERSION) is what says a file is read the
    same way: a bump loads the file again, another reader's bump does not."""
    con, udemy = company
    assert summary(con, udemy).status == "loaded"
    assert summary(con, udemy).status == "unchanged"
    monkeypatch.setattr(xapi, "READER_VERSION", xapi.READER_VERSION + 1)
    monkeypatch.setattr(company_files, "READER_VERSION", company_files.READER_VERSION + 1)
    assert summary(con, udemy).status == "unchanged"  # not the provider reader
    monkeypatch.setattr(provider, "READER_VERSION", provider.READER_VERSION + 1)
    s = summary(con, udemy)
    assert (s.status, s.rows_read, s.rows_loaded, s.rows_duplicate, s.rows_rejected) == ("loaded", 3, 0, 2, 1)
    assert summary(con, udemy).status == "unchanged"
    monkeypatch.setattr(loader, "LOADER_VERSION", loader.LOADER_VERSION + 1)
    assert summary(con, udemy).status == "loaded"
    assert summary(con, udemy).status == "unchanged"


def test_moving_or_tidying_a_reader_loads_no_file_again(tmp_path):
    """How a file was read is told by the versions, not by the readers' source files: the same
    code elsewhere, with other bytes, reads every kind of file 'the same way'."""
    script = "from etl import load; print([load.read_options(k, name='f.csv') for k in load.ALL_KINDS])"

    def options(root: Path) -> str:
        run = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        return run.stdout

    moved = tmp_path / "moved"
    for package in ("etl", "common", "warehouse"):
        shutil.copytree(ROOT / package, moved / package, ignore=shutil.ignore_patterns("__pycache__"))
    for source in (moved / "etl").rglob("*.py"):
        source.write_text(source.read_text() + "\n# tidied: every file is read as before\n")
    assert options(moved) == options(ROOT)


# ---------------------------------------------------------------- trust at every edge


def test_an_fx_month_written_the_way_finance_exports_it(con, tmp_path):
    """`2024-03` is March 2024; a date stands for its month; anything else is a rejected row."""
    fx = tmp_path / "fx-2024.csv"
    fx.write_text("currency,month,rate\nEUR,2024-03,1.08\nGBP,2024-03-15,1.25\nCHF,March 2024,1.02\nEUR,2024-13,1.1\n")
    s = summary(con, fx)
    assert (s.kind, s.rows_read, s.rows_loaded, s.rows_rejected) == ("fx", 4, 2, 2)
    assert one(con, "select reason from rejected_rows where batch_id = ? order by row_number", [s.batch_id]) == [
        ("month 'March 2024' is not a month (expected YYYY-MM, or a date YYYY-MM-DD)",),
        ("month '2024-13' is not a month (expected YYYY-MM, or a date YYYY-MM-DD)",),
    ]
    # 100 EUR on 20 March 2024 at 1.08 = 108 USD; 100 GBP on 2 April at March's 1.25 = 125 USD
    assert one(
        con,
        "select round(in_reporting_currency(100, 'EUR', DATE '2024-03-20'), 2), "
        "round(in_reporting_currency(100, 'GBP', DATE '2024-04-02'), 2)",
    ) == [(108.0, 125.0)]


VALIDATOR = FIXTURES / "ob2-validator-core"


def test_old_open_badges_are_read_or_refused_by_their_version(con, tmp_path):
    old = summary(con, VALIDATOR / "0_5_assertion.json")
    assert (old.status, old.kind) == ("failed", "badge")
    assert old.message == (
        "0_5_assertion.json holds an Open Badges 0.5 assertion: this version (replaced by 1.0 in 2013) is not "
        "supported; ask the issuer for an Open Badges 2.0 or 3.0 export."
    )
    import json

    assertion = json.loads((VALIDATOR / "1_0_basic_assertion.json").read_text())
    assertion["recipient"]["identity"] = "alice@tiny.test"
    assertion["badge"] = "https://lrs.tiny.test/courses/lead"
    (tmp_path / "alice-1.0.json").write_text(json.dumps(assertion))
    s = summary(con, tmp_path / "alice-1.0.json")
    assert (s.status, s.kind, s.rows_read, s.rows_loaded) == ("loaded", "badge", 1, 1)
    assert one(
        con,
        "select employee_id, course_id, status, source_record_id from completion_records where source_kind = 'badge'",
    ) == [("E1", "C-LEAD", "passed", "http://a.com/instance")]
