"""Rejected rows have a life: a later load of the same record resolves them, L&D ignore the rest
with a reason, counts show the open ones, and every row stays for the history."""

from __future__ import annotations

import shutil

import pytest

import warehouse
from etl import rejects, status
from etl.load import load_paths

from .conftest import FIXTURES, TINY

MORE = FIXTURES / "tiny_more"
E99 = "E99,No Body,nobody@tiny.test,Engineer,Platform,Engineering,E1,Berlin,CC1,2025-01-01,\n"


@pytest.fixture
def con(tmp_path):
    c = warehouse.connect(tmp_path / "w.duckdb")
    assert {s.status for s in load_paths(c, [TINY])} == {"loaded"}
    yield c
    c.close()


def states(con) -> list[tuple]:
    return con.execute(
        "select batch_id, row_number, kind, record_key, state, resolved_by_batch, ignored_reason "
        "from rejected_row_states order by batch_id, row_number"
    ).fetchall()


def open_count(con, kind: str) -> int:
    return con.execute("select rejected from source_freshness where source = ?", [kind]).fetchall()[0][0]


def test_a_reject_fixed_by_a_later_load_is_resolved_and_kept(con, tmp_path):
    udemy = tmp_path / "udemy.csv"
    shutil.copyfile(MORE / "udemy.csv", udemy)
    [first] = load_paths(con, [udemy])  # E99 (nobody@tiny.test) is not in the roster: row 3 rejected
    record_key = "udemy:E99:C-PY"  # the profile's source_record_id: the learner's external id and the course
    assert states(con) == [(first.batch_id, 3, "provider", record_key, "open", None, None)]
    assert open_count(con, "provider") == 1
    roster = tmp_path / "roster.csv"
    roster.write_text((TINY / "roster.csv").read_text() + E99)
    load_paths(con, [roster])
    assert states(con)[0][4] == "open"  # a roster load is not the record
    [again] = load_paths(con, [udemy])  # the same file: its learner is known now
    assert (again.rows_loaded, again.rows_rejected) == (1, 0)
    assert states(con) == [(first.batch_id, 3, "provider", record_key, "resolved", again.batch_id, None)]
    assert open_count(con, "provider") == 0
    assert con.execute("select count(*) from rejected_rows").fetchall() == [(1,)]  # history kept


def test_a_reject_stays_open_when_the_later_file_rejects_it_again(con, tmp_path):
    udemy = tmp_path / "udemy.csv"
    shutil.copyfile(MORE / "udemy.csv", udemy)
    [first] = load_paths(con, [udemy])
    udemy.write_text(udemy.read_text().replace("No,Body", "No,Bodz"))  # another file, E99 still unknown
    [second] = load_paths(con, [udemy])
    assert [(b, s) for b, _, _, _, s, _, _ in states(con)] == [(first.batch_id, "open"), (second.batch_id, "open")]
    assert open_count(con, "provider") == 2


def test_a_roster_row_fixed_in_a_later_roster_is_resolved(con, tmp_path):
    bad = tmp_path / "roster-bad.csv"
    bad.write_text((TINY / "roster.csv").read_text().replace("eve@tiny.test", "eve-at-tiny.test"))
    [s] = load_paths(con, [bad])
    assert s.rows_rejected == 1
    assert [(k, st) for _, _, _, k, st, _, _ in states(con)] == [("E5", "open")]
    fixed_roster = tmp_path / "roster-fixed.csv"
    fixed_roster.write_text((TINY / "roster.csv").read_text() + E99)  # Eve's address as it should be
    [fixed] = load_paths(con, [fixed_roster])
    assert states(con) == [(s.batch_id, 5, "roster", "E5", "resolved", fixed.batch_id, None)]


def test_ld_ignore_rejects_with_a_reason_and_counts_show_open_ones(con, tmp_path):
    udemy = tmp_path / "udemy.csv"
    shutil.copyfile(MORE / "udemy.csv", udemy)
    [first] = load_paths(con, [udemy])
    with pytest.raises(rejects.RejectsError, match="Say why"):
        rejects.ignore(con, "  ", batch_id=first.batch_id)
    assert rejects.ignore(con, "a test account of the provider", batch_id=first.batch_id, text="nothing like") == 0
    assert rejects.ignore(con, "a test account of the provider", batch_id=first.batch_id, text="NOBODY") == 1
    [row] = states(con)
    assert row[4:] == ("ignored", None, "a test account of the provider")
    assert open_count(con, "provider") == 0
    [line] = [x for x in status.report(con).splitlines() if x.strip().startswith("provider")]
    assert line.endswith("  0 rejected (open)")  # etl status counts open rows
    assert rejects.ignore(con, "again", batch_id=first.batch_id) == 0  # only open rows are marked


def test_a_warehouse_from_before_migration_020_gets_its_rejected_rows_open(tmp_path):
    """An existing warehouse file (its rejected rows without the columns of migration 020) upgrades in
    place: every row it holds is open (which record it was is not known, so L&D settle it by ignoring it)."""
    from .conftest import TINY_RECORDS

    db = tmp_path / "old.duckdb"
    c = warehouse.connect(db)
    load_paths(c, [TINY, TINY_RECORDS])  # ghost@tiny.test is nobody: one rejected row
    for column in ("record_key", "resolved_by_batch", "ignored_reason", "ignored_at"):
        c.execute(f"alter table rejected_rows drop column {column}")
    # A file from before 020 has none of the later migrations either (021's assignments).
    c.execute("drop table assignments")
    c.execute("drop sequence assignment_seq")
    c.execute("delete from schema_migrations where version >= 20")
    c.close()
    c = warehouse.connect(db)
    try:
        assert c.execute("select reason, record_key, state from rejected_row_states").fetchall() == [
            ("no employee with e-mail ghost@tiny.test in the roster", None, "open")
        ]
        assert open_count(c, "xapi") == 1
    finally:
        c.close()
