"""Skill-level spans (``skill_level_spans_of``, refreshed by every load): a skill with one piece of
evidence is that piece's range as it is; skills with several are cut and merged. Worked by hand."""

from __future__ import annotations

from datetime import date

import warehouse

EVIDENCE = [  # employee, skill, level, from, until
    ("P1", "SQL", 3, date(2024, 1, 1), date(2025, 1, 1)),  # one piece, ends
    ("P1", "Python", 2, date(2024, 3, 1), None),  # one piece, open-ended
    ("P2", "SQL", 2, date(2024, 1, 1), None),  # three pieces: 2, then 4 over it for a summer,
    ("P2", "SQL", 4, date(2024, 6, 1), date(2024, 9, 1)),
    ("P2", "SQL", 2, date(2024, 9, 1), date(2025, 1, 1)),  # and a 2 that changes nothing
    ("P3", "SQL", 5, date(2024, 5, 1), date(2024, 5, 1)),  # a range of no day: no span
]


def test_spans_of_single_and_several_pieces(tmp_path):
    con = warehouse.connect(tmp_path / "w.duckdb")
    for employee, skill, level, start, until in EVIDENCE:
        con.execute(
            "insert into evidence (employee_id, skill, level, valid_from, valid_until, evidence_kind, course_id, "
            "source_kind, source_record_id) values (?, ?, ?, ?, ?, 'course', 'C1', 'xapi', ?)",
            [employee, skill, level, start, until, f"{employee}-{skill}-{start}"],
        )
    spans = con.execute("select * from skill_level_spans_of(null) order by all").fetchall()
    assert spans == [
        ("P1", "Python", 2, date(2024, 3, 1), None),
        ("P1", "SQL", 3, date(2024, 1, 1), date(2025, 1, 1)),
        ("P2", "SQL", 2, date(2024, 1, 1), date(2024, 6, 1)),
        ("P2", "SQL", 2, date(2024, 9, 1), None),
        ("P2", "SQL", 4, date(2024, 6, 1), date(2024, 9, 1)),
    ]
    assert con.execute("select count(*) from skill_level_spans_of(['P1'])").fetchall() == [(2,)]
    con.close()
