"""SCORM Cloud reader: each fixture's records worked out by hand from the file."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from etl import records, scorm
from etl.records import UnreadableFile

FIX = Path(__file__).parent / "fixtures" / "scorm"
BADGE_FIX = Path(__file__).parent / "fixtures" / "badges"
UTC = UTC
COLUMNS = [
    "row_number",
    "learner_kind",
    "learner_value",
    "course_key",
    "status",
    "completed_at",
    "score",
    "source_record_id",
]


def rows(parsed) -> list[tuple]:
    return parsed.records.select(COLUMNS).rows()


def test_json_array_status_score_and_date_rules():
    parsed = scorm.read(FIX / "registrations.json")
    assert parsed.kind == "scorm"
    assert parsed.rows_read == 10
    assert parsed.records.schema == records.LEARNING_SCHEMA
    assert rows(parsed) == [
        (
            1,
            "account",
            "E1234",
            "dl101",
            "passed",
            datetime(2024, 3, 5, 14, 10, 2, tzinfo=UTC),
            86.0,
            "scorm:reg-E1234-dl101",
        ),
        # COMPLETED + FAILED is a failure, not a completion
        (
            2,
            "account",
            "E2001",
            "sec200",
            "failed",
            datetime(2024, 3, 6, 9, 0, tzinfo=UTC),
            42.0,
            "scorm:reg-E2001-sec200",
        ),
        # no completedDate: lastAccessDate 10:15+01:00; learner id trimmed
        (
            3,
            "account",
            "E2002",
            "dl101",
            "in_progress",
            datetime(2024, 3, 7, 9, 15, tzinfo=UTC),
            None,
            "scorm:reg-E2002-dl101",
        ),
        # only createdDate
        (
            4,
            "account",
            "E2003",
            "dl101",
            "enrolled",
            datetime(2024, 3, 1, 8, 0, tzinfo=UTC),
            None,
            "scorm:reg-E2003-dl101",
        ),
        # lower-case enum values
        (
            6,
            "account",
            "E2005",
            "py300",
            "passed",
            datetime(2024, 3, 9, 16, 20, 0, 250000, tzinfo=UTC),
            75.5,
            "scorm:reg-E2005-py300",
        ),
        # in progress without any date is still a fact worth keeping
        (10, "account", "E2009", "py300", "in_progress", None, None, "scorm:reg-E2009-py300"),
    ]
    assert parsed.records["learner_salt"].to_list() == [None] * 6
    assert parsed.records["expires_at"].to_list() == [None] * 6
    assert [(r.row_number, r.reason) for r in parsed.rejected] == [
        (5, "score.scaled 120 is outside 0..100"),
        (
            7,
            "the registration is COMPLETED but has no completedDate, lastAccessDate or createdDate, "
            "so its date is unknown",
        ),
        (8, "registrationCompletion 'DONE' is not one of COMPLETED, INCOMPLETE, UNKNOWN"),
        (9, "completedDate '05/03/2024 14:10' is not an ISO 8601 timestamp"),
    ]
    assert json.loads(parsed.rejected[0].raw)["id"] == "reg-E2004-dl101"
    first = json.loads(parsed.records["raw"][0])
    assert first["learner"]["lastName"] == "Pérez"


def test_api_page_wrapper_and_stable_ids_across_exports():
    parsed = scorm.read(FIX / "page.json")
    assert parsed.rows_read == 2
    assert parsed.rejected == []
    assert rows(parsed) == [
        (
            1,
            "account",
            "E1234",
            "dl101",
            "passed",
            datetime(2024, 3, 5, 14, 10, 2, tzinfo=UTC),
            86.0,
            "scorm:reg-E1234-dl101",
        ),
        # completedDate wins over the later lastAccessDate; score null stays unknown
        (
            2,
            "account",
            "E3001",
            "dl101",
            "completed",
            datetime(2024, 4, 2, 7, 0, tzinfo=UTC),
            None,
            "scorm:reg-E3001-dl101",
        ),
    ]
    other = scorm.read(FIX / "registrations.json")
    assert parsed.records["source_record_id"][0] == other.records["source_record_id"][0]


def test_json_lines_with_a_broken_line():
    parsed = scorm.read(FIX / "registrations.jsonl")
    assert parsed.rows_read == 3
    assert rows(parsed) == [
        (
            1,
            "account",
            "E4001",
            "dl101",
            "passed",
            datetime(2024, 5, 2, 10, 0, tzinfo=UTC),
            91.0,
            "scorm:reg-E4001-dl101",
        ),
        # a naive timestamp is taken as UTC
        (
            3,
            "account",
            "E4003",
            "dl101",
            "failed",
            datetime(2024, 5, 4, 10, 0, tzinfo=UTC),
            55.5,
            "scorm:reg-E4003-dl101",
        ),
    ]
    [rej] = parsed.rejected
    assert (rej.row_number, rej.reason) == (
        2,
        "line 2 is not valid JSON: a comma or a closing bracket is missing at column 183",
    )
    assert rej.raw.startswith('{"id":"reg-E4002-dl101"')
    assert parsed.records["raw"][0] == (FIX / "registrations.jsonl").read_text().splitlines()[0]


def test_csv_export_same_rules_and_column_names_in_reasons():
    parsed = scorm.read(FIX / "registrations.csv")
    assert parsed.rows_read == 8
    assert parsed.records.schema == records.LEARNING_SCHEMA
    assert rows(parsed) == [
        (
            1,
            "account",
            "E1234",
            "dl101",
            "passed",
            datetime(2024, 3, 5, 14, 10, 2, tzinfo=UTC),
            86.0,
            "scorm:reg-E1234-dl101",
        ),
        (
            2,
            "account",
            "E2001",
            "sec200",
            "failed",
            datetime(2024, 3, 6, 9, 0, tzinfo=UTC),
            42.5,
            "scorm:reg-E2001-sec200",
        ),
        (
            3,
            "account",
            "E2002",
            "dl101",
            "in_progress",
            datetime(2024, 3, 7, 9, 15, tzinfo=UTC),
            None,
            "scorm:reg-E2002-dl101",
        ),
        (4, "account", "E2003", "dl101", "enrolled", None, None, "scorm:reg-E2003-dl101"),
        (6, "account", "E2005", "py300", "passed", datetime(2024, 3, 9, tzinfo=UTC), 75.5, "scorm:reg-E2005-py300"),
    ]
    assert [(r.row_number, r.reason) for r in parsed.rejected] == [
        (5, "Score 120 is outside 0..100"),
        (7, "Learner ID is missing, so the registration cannot be matched to an employee"),
        (8, "Score 'n/a' is not a number"),
    ]
    assert parsed.rejected[1].raw == (
        'reg-E2010-py300,,Gus,py300,"Python, the basics",COMPLETED,PASSED,80,700,2024-03-10T08:00:00Z,'
    )
    assert parsed.records["raw"][4] == (
        'reg-E2005-py300,E2005,Fay,py300,"Python, the basics",completed,passed,75.5,800,2024-03-09,2024-03-09'
    )
    # the JSON and CSV exports of the same registration are recognised as one
    from_json = scorm.read(FIX / "registrations.json").records["source_record_id"].to_list()
    assert set(parsed.records["source_record_id"]) <= set(from_json)


def test_csv_headers_in_any_case_semicolons_bom_and_utf16(tmp_path):
    text = (
        "\ufeffregistration id;LEARNER_ID;Course Id;Registration Completion;Registration Success;"
        "Score;Completed Date\r\n"
        "r1;E1;c1;COMPLETED;UNKNOWN;;2024-06-30T23:30:00-02:00\r\n"
        "\r\n"
        "r2;E2;c1;COMPLETED;;;\r\n"
    )
    for name, encoding in (("utf8.csv", "utf-8"), ("excel.csv", "utf-16")):
        (tmp_path / name).write_bytes(text.encode(encoding))
        parsed = scorm.read(tmp_path / name)
        assert parsed.rows_read == 2
        assert rows(parsed) == [
            (1, "account", "E1", "c1", "completed", datetime(2024, 7, 1, 1, 30, tzinfo=UTC), None, "scorm:r1"),
        ]
        assert [(r.row_number, r.reason) for r in parsed.rejected] == [
            (2, "the registration is COMPLETED but has no Completed Date, so its date is unknown"),
        ]
        assert parsed.rejected[0].raw == "r2;E2;c1;COMPLETED;;;"


def test_header_only_csv_has_no_records(tmp_path):
    (tmp_path / "none.csv").write_text("Registration ID,Learner ID,Course ID,Completion,Success,Score\n")
    parsed = scorm.read(tmp_path / "none.csv")
    assert parsed.rows_read == 0
    assert parsed.records.height == 0
    assert parsed.records.schema == records.LEARNING_SCHEMA


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.json", "\n\n", "empty.json is empty."),
        (
            "wrong.csv",
            "Registration ID,Learner,Course ID,Status\nr1,E1,c1,passed\n",
            "wrong.csv is not a SCORM Cloud registration export: it lacks the column(s) Learner ID, "
            "Completion or Success.",
        ),
        (
            "object.json",
            '{"items": []}',
            "object.json is JSON but holds no SCORM Cloud registrations (no 'registrations' list).",
        ),
    ],
)
def test_unreadable_files(tmp_path, name, content, message):
    (tmp_path / name).write_text(content)
    with pytest.raises(UnreadableFile) as info:
        scorm.read(tmp_path / name)
    assert str(info.value) == message


def test_broken_json_is_unreadable():
    with pytest.raises(
        UnreadableFile,
        match=r"^broken\.json is not valid JSON: a comma or a closing bracket is missing at line 3, column 26\.$",
    ):
        scorm.read(FIX / "broken.json")


def test_other_json_is_the_wrong_kind():
    with pytest.raises(UnreadableFile) as info:
        scorm.read(FIX / "xapi_not_scorm.json")
    assert str(info.value) == "xapi_not_scorm.json holds JSON records that are not SCORM Cloud registrations."


@pytest.mark.parametrize(
    "name", ["registrations.json", "page.json", "registrations.jsonl", "registrations.csv", "broken.json"]
)
def test_sniff_claims_scorm_exports(name):
    assert scorm.sniff(name, (FIX / name).read_text()[:65536])


def test_sniff_leaves_other_kinds_alone():
    assert not scorm.sniff("xapi_not_scorm.json", (FIX / "xapi_not_scorm.json").read_text())
    for path in BADGE_FIX.iterdir():
        assert not scorm.sniff(path.name, path.read_text()[:65536]), path.name
    moodle = 'ID,Name,Email address,Safety quiz,Course complete\n17,Ana,ana@example.com,Completed,"5/03/24, 14:10"\n'
    assert not scorm.sniff("completion-safety-20240305_1410-comma_separated.csv", moodle)
    assert not scorm.sniff("roster.csv", "Registration ID,Learner ID,Course ID\nr1,E1,c1\n")
