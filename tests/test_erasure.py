"""Erasure that erases: `etl forget` removes a person from every table, from free text and
rejected rows in every form exports name them by, and from the bytes on disk (the warehouse
file, its WAL, every published snapshot); the Data page and `etl status` say that an erasure
happened, never whom."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import duckdb
import pytest

import warehouse

from .conftest import TINY, TINY_RECORDS

ROOT = Path(__file__).resolve().parent.parent

NAME = "Zoë Ibáñez"
EMAIL = "Zoe.Ibanez@tiny.test"
#: mbox_sha1sum as three exporters wrote it: the address in the roster's case, lower case, and a case of its own
SHA1S = [hashlib.sha1(f"mailto:{e}".encode()).hexdigest() for e in (EMAIL, EMAIL.lower(), "zOE.iBaNeZ@tInY.tEsT")]


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def name_forms() -> list[bytes]:
    forms = [NAME, "Ibáñez, Zoë", "Ibáñez"]
    return sorted({f.encode() for s in forms for f in (unicodedata.normalize("NFC", s), nfd(s))})


def occurrences(data: bytes) -> int:
    """How often the person's e-mail (any case), name (NFC or NFD, 'First Last' or 'Last, First',
    or the surname alone) or the SHA-1 sums of their e-mail occur in these bytes."""
    found = len(re.findall(re.escape(EMAIL.encode()), data, flags=re.IGNORECASE))
    found += sum(data.count(form) for form in name_forms())
    found += sum(len(re.findall(h.encode(), data, flags=re.IGNORECASE)) for h in SHA1S)
    return found


def files_on_disk(db: Path) -> list[Path]:
    """The warehouse, its WAL, and every other file beside it named after it (snapshots included)."""
    found = [p for p in db.parent.iterdir() if p.name.startswith(db.name) and p.is_file()]
    folder = warehouse.snapshot_dir(db)
    if folder.exists():
        found += [p for p in folder.iterdir() if p.is_file()]
    return sorted(found)


def bytes_on_disk(db: Path) -> dict[str, int]:
    return {str(p.relative_to(db.parent)): occurrences(p.read_bytes()) for p in files_on_disk(db)}


def cli(db: Path, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etl", "--db", str(db), *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def statement(n: int, actor: dict, course: str = "https://lrs.tiny.test/courses/cloud") -> str:
    return json.dumps(
        {
            "id": f"20000000-0000-4000-8000-{n:012d}",
            "actor": {"objectType": "Agent", **actor},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
            "object": {"objectType": "Activity", "id": course},
            "timestamp": "2025-03-01T10:00:00Z",
        },
        ensure_ascii=False,
    )


@pytest.fixture
def zoe_db(tmp_path) -> Path:
    """The tiny organisation plus Zoë Ibáñez, who appears in every form: the roster, learning records,
    a spend line and descriptions that name her, and rejected rows that identify her by her e-mail in
    another case, its SHA-1 in three cases, an xAPI openid and account, and her name as 'Last, First' in NFD."""
    db = tmp_path / "w.duckdb"
    files = tmp_path / "exports"
    files.mkdir()
    roster = (TINY / "roster.csv").read_text()
    (files / "roster.csv").write_text(
        roster + f"E6,{NAME},{EMAIL},Engineer,Platform,Engineering,E1,Berlin,CC1,2024-01-01,\n", encoding="utf-8"
    )
    for name in ("skills.csv", "catalog.csv", "requirements.csv", "goals.csv", "fx.csv", "budgets.csv"):
        (files / name).write_bytes((TINY / name).read_bytes())
    spend = (TINY / "spend.csv").read_text()
    (files / "spend.csv").write_text(
        spend
        + f"2025-04-01,300,EUR,Udemy Business,course,,E6,C-PY,Python seat for {NAME},INV-6\n"
        + f'2025-04-02,80,EUR,Travel,other,Platform,,,"Train to the summit ({nfd("Ibáñez, Zoë")})",INV-7\n',
        encoding="utf-8",
    )
    unknown = "https://lrs.tiny.test/courses/nowhere"
    lines = [
        statement(1, {"mbox": f"mailto:{EMAIL.lower()}"}),  # resolved: a learning record
        statement(2, {"mbox": f"mailto:{EMAIL.upper()}"}, unknown),  # her e-mail in another case
        *(statement(3 + i, {"mbox_sha1sum": h}, unknown) for i, h in enumerate(SHA1S)),
        statement(6, {"openid": "https://id.tiny.test/people/E6"}, unknown),
        statement(7, {"account": {"homePage": "https://lms.tiny.test", "name": "E6"}}, unknown),
        statement(8, {"name": nfd("Ibáñez, Zoë"), "mbox": "mailto:zi@old-domain.test"}),
        statement(9, {"name": NAME, "mbox": "mailto:someone@old-domain.test"}),
    ]
    (files / "lrs-zoe.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = cli(db, "load", files, TINY_RECORDS)
    assert done.returncode == 0, done.stdout + done.stderr
    return db


def rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse.read_path(db)), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_forget_leaves_no_byte_of_the_person_on_disk(zoe_db):
    before = bytes_on_disk(zoe_db)
    snapshot = warehouse.read_path(zoe_db)
    assert snapshot != zoe_db and before[str(snapshot.relative_to(zoe_db.parent))] > 0
    assert before[zoe_db.name] > 0
    assert rows(zoe_db, "select count(*) from completion_records where employee_id = 'E6'") == [(1,)]
    theirs = "select count(*) from rejected_rows where raw like '%20000000-0000-4000-8000-%'"
    assert rows(zoe_db, theirs) == [(8,)]  # e-mail in capitals, 3 SHA-1s, openid, account, 2 names
    others = rows(zoe_db, "select count(*) from completion_records where employee_id <> 'E6'")
    with open(snapshot, "rb") as held:  # a server still reading the old snapshot
        done = cli(zoe_db, "forget", EMAIL.upper())  # by e-mail, in another case
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Zo" not in done.stdout + done.stderr and "E6" not in done.stdout
        assert os.fstat(held.fileno()).st_size == 0  # the old snapshot's bytes are gone even for a reader of it
    after = bytes_on_disk(zoe_db)
    print(f"\nbytes of the erased person left on disk: before {sum(before.values())} {before}")
    print(f"bytes of the erased person left on disk: after {sum(after.values())} {after}")
    assert sum(after.values()) == 0, after
    assert rows(zoe_db, theirs) == [(0,)]  # the openid and account rows too, which name her by id only
    assert not snapshot.exists() and warehouse.read_path(zoe_db) != snapshot
    # everyone else is as they were, and the warehouse still works
    assert rows(zoe_db, "select count(*) from completion_records where employee_id <> 'E6'") == others
    assert rows(zoe_db, "select count(*) from employees") == [(5,)]
    assert rows(zoe_db, "select count(*) from rejected_rows where reason like '%ghost@tiny.test%'") == [(1,)]
    assert rows(zoe_db, "select employee_id, amount, description from spend where reference in ('INV-6', 'INV-7')") == [
        (None, 300, "Python seat for (erased)"),
        (None, 80, "Train to the summit ((erased))"),
    ]
    assert rows(zoe_db, "select count(*) from skill_coverage(DATE '2025-06-30')")[0][0] > 0
    [(n, removed)] = rows(zoe_db, "select count(*), sum(rows_removed) from erasures")
    assert n == 1 and removed >= 12
    con = warehouse.connect(zoe_db)  # the rewritten file is a warehouse like any other: it opens, loads, publishes
    assert (
        con.execute("select nextval('batch_seq')").fetchall()[0][0]
        > rows(zoe_db, "select max(batch_id) from import_batches")[0][0]
    )
    con.close()


def test_without_the_rewrite_the_bytes_stay(zoe_db):
    """Why the file is rewritten: deleting the rows and checkpointing leaves them in the file's free blocks."""
    from etl.forget import forget

    con = warehouse.connect(zoe_db)
    forget(con, "E6")
    con.close()
    assert occurrences(zoe_db.read_bytes()) > 0


def test_forget_by_id_and_the_erasure_shows_in_status_and_the_data_page(zoe_db, monkeypatch):
    done = cli(zoe_db, "forget", "--employee", "E6")
    assert done.returncode == 0, done.stderr
    status = cli(zoe_db, "status")
    assert status.returncode == 0, status.stderr
    [line] = [x for x in status.stdout.splitlines() if x.startswith("Erasures")]
    assert re.fullmatch(
        r"Erasures of personal data: 1, the latest on \d{4}-\d\d-\d\d \d\d:\d\d UTC \(\d+ rows removed or changed\)\. Whose is not recorded\.",
        line,
    ), line
    assert "E6" not in status.stdout and "Ib" not in status.stdout

    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("UPSKILL_DB", str(zoe_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    at.switch_page("views/data_page.py").run()
    assert not at.exception, [e.value for e in at.exception]
    said = [i.value for i in at.info]
    assert any(
        re.match(
            r"Personal data was erased once: on \d{4}-\d\d-\d\d \d\d:\d\d UTC, \d+ rows were removed or changed", s
        )
        for s in said
    ), said
    assert not any("E6" in s or "Ib" in s for s in said)


def test_forget_someone_nobody_names_says_so(zoe_db):
    done = cli(zoe_db, "forget", "nobody@nowhere.test")
    assert done.returncode == 1 and done.stderr.strip() == "Nothing in the warehouse names that e-mail address."
    done = cli(zoe_db, "forget", "E77")
    assert done.returncode == 1 and "Traceback" not in done.stderr


def open_snapshot_files(db: Path) -> dict[str, int]:
    """The snapshot files this process holds open (a running server's), and their sizes now."""
    held = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
            size = os.fstat(int(fd)).st_size
        except OSError:
            continue
        if target.startswith(str(warehouse.snapshot_dir(db))):
            held[target] = size
    return held


def test_a_running_server_keeps_no_byte_of_the_erased_snapshot(zoe_db, monkeypatch):
    """The app keeps a read-only connection per snapshot (app.data._snapshot_reader); after an erasure the
    snapshot it still holds open is empty, and its next run reads the new one and lets the old one go."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("UPSKILL_DB", str(zoe_db))
    AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    old = str(warehouse.read_path(zoe_db))
    assert open_snapshot_files(zoe_db).get(old, 0) > 0  # the server reads the snapshot
    assert cli(zoe_db, "forget", "--employee", "E6").returncode == 0
    held = open_snapshot_files(zoe_db)
    assert held.get(old + " (deleted)") == 0  # still open in the server, and empty
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    assert str(warehouse.read_path(zoe_db)) in open_snapshot_files(zoe_db)  # the next run reads the new snapshot
    # and the connection to the old snapshot is closed (app.data keeps one snapshot's connection only)
    assert [path for path in open_snapshot_files(zoe_db) if path.endswith("(deleted)")] == []


#: `etl forget` killed (SIGKILL) after the erasure's commit, before the file was rewritten and published.
KILLED_FORGET = """
import os, signal, sys, warehouse
from etl.forget import forget
con = warehouse.connect(sys.argv[1])
forget(con, sys.argv[2])
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize("next_start", ["publish", "load", "app"])
def test_an_erasure_stopped_before_its_rewrite_is_rewritten_at_the_next_start(zoe_db, next_start):
    done = subprocess.run([sys.executable, "-c", KILLED_FORGET, str(zoe_db), "E6"], cwd=ROOT, capture_output=True)
    assert done.returncode == -9, done.stderr
    assert sum(bytes_on_disk(zoe_db).values()) > 0  # in the file's free blocks, and in the snapshot
    status = cli(zoe_db, "status")
    assert status.stdout.splitlines()[-1].startswith("Readers do not see the latest changes yet"), status.stdout
    if next_start == "app":
        assert warehouse.upgrade_and_publish(zoe_db) is True
    else:
        args = (
            ["load", ROOT / "tests" / "fixtures" / "tiny_more" / "udemy.csv"] if next_start == "load" else ["publish"]
        )
        again = cli(zoe_db, *args)
        assert again.returncode == 0, again.stdout + again.stderr
    after = bytes_on_disk(zoe_db)
    assert sum(after.values()) == 0, after
    assert "Readers do not see" not in cli(zoe_db, "status").stdout


def test_a_namesake_keeps_their_name_and_their_records(tiny_db):
    """Another Zoë Ibáñez, with her own e-mail: her roster row and her learning records' ids (a Moodle
    record is named by its learner's e-mail) stay as they are; only the erased person's go."""
    from etl.forget import forget

    con = warehouse.connect(tiny_db)
    con.execute(
        "insert into employees (employee_id, full_name, email, team) values "
        f"('E6', '{NAME}', '{EMAIL}', 'Platform'), ('E7', '{nfd(NAME)}', 'zoe.ibanez@acme.test', 'Insights')"
    )
    record = "moodle:python basics:zoe.ibanez@acme.test"
    con.execute(
        "insert into completion_records (source_kind, source_record_id, employee_id, course_id, status, batch_id) "
        f"values ('moodle', '{record}', 'E7', 'C-PY', 'completed', 1), "
        "('moodle', 'moodle:python basics:zoe.ibanez@tiny.test', 'E6', 'C-PY', 'completed', 1)"
    )
    forget(con, "E6")
    assert con.execute("select employee_id, full_name from employees where full_name ilike 'zo%'").fetchall() == [
        ("E7", nfd(NAME))
    ]
    assert con.execute(
        "select source_record_id from completion_records where course_id = 'C-PY' and source_kind = 'moodle'"
    ).fetchall() == [(record,)]
    con.close()


def test_a_rewrite_stopped_half_way_leaves_nothing_behind_the_next_one(zoe_db):
    """A copy of the old file left beside the warehouse by a rewrite that was stopped (it holds what was
    erased) is emptied and removed by the next."""
    leftover = zoe_db.with_name(zoe_db.name + ".erased")
    leftover.write_bytes(zoe_db.read_bytes())
    assert cli(zoe_db, "forget", "--employee", "E6").returncode == 0
    assert sum(bytes_on_disk(zoe_db).values()) == 0 and not leftover.exists()
