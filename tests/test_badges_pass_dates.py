"""Open Badges files of one pass dated after the day they are loaded: each such award is rejected with
its reason, as when its file is loaded alone, and the pass's other files load as usual."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import warehouse
from etl import load as loader
from etl.load import load_paths

from .conftest import TINY

#: The load's clock: 1 Nov 2026, 09:00 UTC.
NOW = datetime(2026, 11, 1, 9, 0)


def award(award_id: str, course: str, issued: str, email: str, salt: str) -> str:
    digest = hashlib.sha256((email + salt).encode()).hexdigest()
    return json.dumps(
        {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Assertion",
            "id": f"https://badges.tiny.test/assertions/{award_id}",
            "recipient": {"type": "email", "hashed": True, "salt": salt, "identity": f"sha256${digest}"},
            "issuedOn": issued,
            "badge": f"https://lrs.tiny.test/courses/{course}",
            "verification": {"type": "hosted"},
        }
    )


def test_an_award_dated_after_today_is_rejected_in_a_pass(tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "now_utc", lambda: NOW)
    con = warehouse.connect(tmp_path / "w.duckdb")
    assert {s.status for s in load_paths(con, [TINY])} == {"loaded"}
    folder = tmp_path / "badges"
    folder.mkdir()
    (folder / "a-today.json").write_text(award("a1", "python", "2026-11-01T23:30:00Z", "alice@tiny.test", "s1"))
    (folder / "b-tomorrow.json").write_text(award("b1", "sql", "2026-11-02T09:00:00Z", "dan@tiny.test", "s2"))
    (folder / "c-past.json").write_text(award("c1", "lead", "2025-06-04T09:00:00Z", "eve@tiny.test", "s3"))
    summaries = load_paths(con, [folder])
    assert [(s.status, s.rows_read, s.rows_loaded, s.rows_rejected) for s in summaries] == [
        ("loaded", 1, 1, 0),
        ("loaded", 1, 0, 1),
        ("loaded", 1, 1, 0),
    ]
    assert con.execute(
        "select r.reason from rejected_rows r join import_batches b using (batch_id) where b.file_name = ?",
        ["b-tomorrow.json"],
    ).fetchall() == [
        (
            "dated 2026-11-02 09:00 UTC, after the day this file was loaded (2026-11-01): a learning record cannot "
            "come from the future; check the date in the export (or the time zone it was read in)",
        )
    ]
    assert sorted(r[0] for r in con.execute("select employee_id from completion_records").fetchall()) == ["E1", "E5"]
    con.close()
