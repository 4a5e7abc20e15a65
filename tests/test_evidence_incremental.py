"""A load adds the evidence of the records it wrote and takes away that of the records it replaced
or voided (``warehouse.add_evidence``), and refreshes the skill-level spans of everyone concerned:
after any load, the tables hold exactly what their definitions (``evidence_source``,
``skill_level_spans_source``) say. Spans of skills whose evidence never ends are worked by hand."""

from __future__ import annotations

import json
from datetime import date

import pytest

import warehouse
from etl.load import load_paths

from .conftest import FIXTURES, TINY_RECORDS

MORE = FIXTURES / "tiny_more"


def rows(con, sql: str) -> list:
    return sorted(con.execute(sql).fetchall(), key=repr)


def assert_as_defined(con) -> None:
    assert rows(con, "select * from evidence") == rows(con, "select * from evidence_source")
    assert rows(con, "select * from skill_level_spans") == rows(con, "select * from skill_level_spans_source")


@pytest.fixture
def con(tiny_db):
    c = warehouse.connect(tiny_db)
    yield c
    c.close()


def test_every_load_leaves_evidence_and_spans_as_defined(con):
    assert_as_defined(con)
    for path in (
        MORE / "udemy.csv",
        MORE / "udemy-later.csv",  # moves a stored record forward: it is replaced
        MORE / "lrs-overlap.jsonl",
        MORE / "alice-badge.json",
        TINY_RECORDS / "lrs-voids.jsonl",  # voids again what is already voided: nothing changes
    ):
        [summary] = load_paths(con, [path])
        assert summary.status in ("loaded", "unchanged"), summary.line()
        assert_as_defined(con)


def test_a_statement_sent_again_for_another_learner_takes_its_evidence_along(con, tmp_path):
    """The LRS sends statement ...0001 again, now naming Dan, as passed (more advanced than Bob's
    stored 'completed'): the stored record is replaced, and Bob no longer holds Cloud through it."""
    statement = json.loads(json.dumps(_statement("00000000-0000-4000-8000-000000000001")))
    statement["actor"]["mbox"] = "mailto:dan@tiny.test"
    statement["verb"] = {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"en-US": "passed"}}
    statement["result"] = {"success": True, "completion": True}
    path = tmp_path / "resent.jsonl"
    path.write_text(json.dumps(statement) + "\n", encoding="utf-8")
    held = "select employee_id from evidence where source_record_id = '00000000-0000-4000-8000-000000000001'"
    assert rows(con, held) == [("E2",)]
    [summary] = load_paths(con, [path])
    assert (summary.rows_loaded, summary.rows_duplicate) == (1, 0), summary.line()
    assert rows(con, held) == [("E4",)]
    # Bob's Cloud level from that record (level 3 from 2024-06-15, for the catalog's 12 months) is gone
    bob_cloud = (
        "select level, valid_from, valid_until from skill_level_spans where employee_id = 'E2' and skill = 'Cloud'"
    )
    assert (3, date(2024, 6, 15), date(2025, 6, 15)) not in rows(con, bob_cloud)
    # Dan's own Cloud completion (2025-03-01, until 2026-03-01) now joins one from 2024-06-15 to 2025-06-15
    assert rows(
        con, "select level, valid_from, valid_until from skill_level_spans where employee_id = 'E4' and skill = 'Cloud'"
    ) == [(3, date(2024, 6, 15), date(2026, 3, 1))]
    assert_as_defined(con)


def _statement(statement_id: str) -> dict:
    data = json.loads((TINY_RECORDS / "lrs-export.json").read_text(encoding="utf-8"))
    statements = data["statements"] if isinstance(data, dict) else data
    return next(s for s in statements if s["id"] == statement_id)


OPEN_ENDED = [  # employee, skill, level, from (no piece ends)
    ("P4", "Cloud", 2, date(2024, 1, 1)),
    ("P4", "Cloud", 2, date(2024, 1, 1)),  # the same level the same day: one span
    ("P4", "Cloud", 4, date(2024, 3, 1)),  # raises it
    ("P4", "Cloud", 3, date(2024, 6, 1)),  # lower than what is held: changes nothing
    ("P4", "Cloud", 5, date(2024, 9, 1)),  # raises it again
    ("P5", "Go", 1, date(2024, 2, 1)),  # two levels starting the same day: the higher one
    ("P5", "Go", 3, date(2024, 2, 1)),
]


def test_spans_of_skills_whose_evidence_never_ends(tmp_path):
    con = warehouse.connect(tmp_path / "w.duckdb")
    for k, (employee, skill, level, start) in enumerate(OPEN_ENDED):
        con.execute(
            "insert into evidence (employee_id, skill, level, valid_from, valid_until, evidence_kind, course_id, "
            "source_kind, source_record_id) values (?, ?, ?, ?, null, 'course', 'C1', 'xapi', ?)",
            [employee, skill, level, start, f"r{k}"],
        )
    assert con.execute("select * from skill_level_spans_of(null) order by all").fetchall() == [
        ("P4", "Cloud", 2, date(2024, 1, 1), date(2024, 3, 1)),
        ("P4", "Cloud", 4, date(2024, 3, 1), date(2024, 9, 1)),
        ("P4", "Cloud", 5, date(2024, 9, 1), None),
        ("P5", "Go", 3, date(2024, 2, 1), None),
    ]
    con.close()
