"""Many Open Badges files loaded in one pass (``etl.load.load_badge_files``): one write for all of
them, and the same outcome, file by file, as loading them one after another."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

import warehouse
from etl import load as loader
from etl.load import load_file, load_paths


def one(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


def assertion(award: str, course: str, day: str, recipient: dict) -> str:
    return json.dumps(
        {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Assertion",
            "id": f"https://badges.tiny.test/assertions/{award}",
            "recipient": recipient,
            "issuedOn": f"{day}T09:00:00Z",
            "badge": f"https://lrs.tiny.test/courses/{course}",
            "verification": {"type": "hosted"},
        }
    )


def hashed(email: str, salt: str, algorithm: str = "sha256") -> dict:
    digest = hashlib.new(algorithm, (email + salt).encode()).hexdigest()
    return {"type": "email", "hashed": True, "salt": salt, "identity": f"{algorithm}${digest}"}


#: Seven files: five awards (two sharing a salt), one to nobody in the roster, one revoked, one broken.
FILES = {
    "a-alice.json": assertion("a1", "python", "2025-06-02", hashed("alice@tiny.test", "s1")),
    "b-bob.json": assertion("b1", "sql", "2025-06-03", hashed("Bob.Baker@tiny.test", "s2", "md5")),
    "c-carol.json": assertion("c1", "lead", "2025-06-04", {"type": "email", "identity": "carol@tiny.test"}),
    "d-ghost.json": assertion("d1", "sql", "2025-06-05", hashed("ghost@tiny.test", "s4")),
    "e-broken.json": '{"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", ',
    "f-revoked.json": json.dumps(
        json.loads(assertion("f1", "sql", "2025-06-06", hashed("dan@tiny.test", "s1")))
        | {"revoked": True, "revocationReason": "issued by mistake"}
    ),
    "g-dan.json": assertion("g1", "python", "2025-06-07", hashed("dan@tiny.test", "s1")),
}


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def state(con) -> dict:
    """What a load leaves in the warehouse, without the clock's times."""
    return {
        "records": one(con, "select * exclude (loaded_at) from completion_records order by all")
        if "loaded_at" in [r[0] for r in one(con, "describe completion_records")]
        else one(con, "select * from completion_records order by all"),
        "rejected": one(
            con,
            "select batch_id, row_number, reason, raw, record_key, resolved_by_batch from rejected_rows order by all",
        ),
        "batches": one(
            con,
            "select batch_id, file_name, file_sha256, kind, read_options, status, rows_read, rows_loaded, "
            "rows_duplicate, rows_rejected, message, basis_sha256, same_as_batch from import_batches order by all",
        ),
        "evidence": one(con, "select * from evidence order by all"),
        "spans": one(con, "select * from skill_level_spans order by all"),
        "settings": one(con, "select * from settings where key = 'records_revision'"),
    }


@pytest.fixture
def two_dbs(tiny_db, tmp_path):
    other = tmp_path / "one-by-one.duckdb"
    shutil.copyfile(tiny_db, other)
    a, b = warehouse.connect(tiny_db), warehouse.connect(other)
    yield a, b
    a.close()
    b.close()


def one_by_one(con, folder: Path) -> list:
    return [load_file(con, f) for f in sorted(folder.iterdir())]


def test_a_folder_of_badges_is_written_once_with_each_files_own_outcome(two_dbs, tmp_path, monkeypatch):
    con, _ = two_dbs
    writes = []
    real = loader._write_batches
    monkeypatch.setattr(loader, "_write_batches", lambda *a, **k: writes.append(a[2]) or real(*a, **k))
    folder = write(tmp_path / "badges", FILES)
    summaries = {s.file: s for s in load_paths(con, [folder])}
    assert len(writes) == 1 and len(writes[0]) == 6  # one write for the six readable files
    outcome = {n: (s.status, s.rows_read, s.rows_loaded, s.rows_rejected) for n, s in summaries.items()}
    assert outcome == {
        "a-alice.json": ("loaded", 1, 1, 0),
        "b-bob.json": ("loaded", 1, 1, 0),
        "c-carol.json": ("loaded", 1, 1, 0),
        "d-ghost.json": ("loaded", 1, 0, 1),
        "e-broken.json": ("failed", 0, 0, 0),
        "f-revoked.json": ("loaded", 1, 0, 1),
        "g-dan.json": ("loaded", 1, 1, 0),
    }
    # batches numbered in file order, one each, failure included
    ids = [summaries[n].batch_id for n in sorted(FILES)]
    assert ids == list(range(ids[0], ids[0] + 7))
    assert one(
        con,
        "select employee_id, course_id, cast(completed_at as date)::varchar from completion_records "
        "where source_kind = 'badge' order by 1",
    ) == [
        ("E1", "C-PY", "2025-06-02"),
        ("E2", "C-SQL", "2025-06-03"),
        ("E3", "C-LEAD", "2025-06-04"),
        ("E4", "C-PY", "2025-06-07"),
    ]
    ghost = hashed("ghost@tiny.test", "s4")["identity"]
    assert one(con, "select reason from rejected_rows where batch_id = ?", [summaries["d-ghost.json"].batch_id]) == [
        (f"no employee whose e-mail matches the hashed recipient {ghost} (salt 's4')",)
    ]
    assert one(con, "select reason from rejected_rows where batch_id = ?", [summaries["f-revoked.json"].batch_id]) == [
        ("assertion https://badges.tiny.test/assertions/f1 was revoked: issued by mistake",)
    ]


def test_one_pass_leaves_what_loading_the_files_one_by_one_leaves(two_dbs, tmp_path):
    together, apart = two_dbs
    folder = write(tmp_path / "badges", FILES)
    pass_lines = [s.line() for s in load_paths(together, [folder])]
    apart_lines = [s.line() for s in one_by_one(apart, folder)]
    assert pass_lines == apart_lines
    assert state(together) == state(apart)
    # and again: every file already loaded (the broken one fails again), in the same words
    again = [s.line() for s in load_paths(together, [folder])]
    assert again == [s.line() for s in one_by_one(apart, folder)]
    assert sum("Already loaded" in line for line in again) == 6
    assert state(together) == state(apart)


def test_files_that_touch_the_same_award_are_loaded_one_after_another(two_dbs, tmp_path):
    """The same award in two files, the later one dated later: the second moves it forward, as it
    would loaded after the first; and a file's copy is 'already loaded' by the first copy."""
    together, apart = two_dbs
    files = {
        "a.json": assertion("x1", "python", "2025-06-02", hashed("alice@tiny.test", "s1")),
        "b.json": assertion("x1", "python", "2025-06-09", hashed("alice@tiny.test", "s1")),
        "c.json": assertion("y1", "sql", "2025-06-02", {"type": "email", "identity": "carol@tiny.test"}),
        "d.json": assertion("y1", "sql", "2025-06-02", {"type": "email", "identity": "carol@tiny.test"}),
    }
    folder = write(tmp_path / "badges", files)
    lines = [s.line() for s in load_paths(together, [folder])]
    assert lines == [s.line() for s in one_by_one(apart, folder)]
    assert lines[1] == "b.json (badge): 1 read, 1 loaded, 0 duplicate, 0 rejected (proofs: 1 unsigned)"
    assert lines[3].startswith("d.json: Already loaded on ") and lines[3].endswith(
        "(same content as c.json): nothing changed."
    )
    assert one(
        together,
        "select cast(completed_at as date)::varchar from completion_records where source_record_id "
        "= 'https://badges.tiny.test/assertions/x1'",
    ) == [("2025-06-09",)]
    assert state(together) == state(apart)


def test_the_data_pages_upload_loads_its_badge_files_in_one_pass(tiny_db, monkeypatch):
    from app import uploads

    monkeypatch.setenv("UPSKILL_DB", str(tiny_db))
    warehouse.publish(tiny_db)
    writes = []
    real = loader._write_batches
    monkeypatch.setattr(loader, "_write_batches", lambda *a, **k: writes.append(a[2]) or real(*a, **k))
    names = ["a-alice.json", "c-carol.json", "e-broken.json", "g-dan.json"]
    summaries = uploads.load_uploads([(name, FILES[name].encode()) for name in names])
    assert len(writes) == 1 and len(writes[0]) == 3
    assert [(s.file, s.status, s.rows_loaded) for s in summaries] == [
        ("a-alice.json", "loaded", 1),
        ("c-carol.json", "loaded", 1),
        ("e-broken.json", "failed", 0),
        ("g-dan.json", "loaded", 1),
    ]
