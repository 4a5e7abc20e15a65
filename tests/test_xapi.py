"""Tests for the xAPI statement reader, on small real-shaped exports in tests/fixtures/xapi/."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from etl import records, xapi
from etl.records import UnreadableFile

FIXTURES = Path(__file__).parent / "fixtures" / "xapi"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def rows(parsed: records.Parsed) -> list[dict]:
    return parsed.records.to_dicts()


def reasons(parsed: records.Parsed) -> dict[int, str]:
    return {r.row_number: r.reason for r in parsed.rejected}


def head_of(name: str) -> str:
    return records.read_text(FIXTURES / name)[:65536]


# --------------------------------------------------------------------------- shapes and mapping


def test_array_maps_each_kind_of_actor():
    parsed = xapi.read(FIXTURES / "array_actors.json")
    assert parsed.kind == "xapi"
    assert parsed.rows_read == 5
    assert parsed.rejected == []
    assert parsed.voided_ids == []
    assert parsed.records.schema == pl.Schema(records.LEARNING_SCHEMA)
    got = [
        (
            r["row_number"],
            r["learner_kind"],
            r["learner_value"],
            r["course_key"],
            r["status"],
            r["completed_at"],
            r["score"],
            r["source_record_id"],
        )
        for r in rows(parsed)
    ]
    assert got == [
        # mbox: the address without mailto:; scaled 0.86 -> 86
        (
            1,
            "email",
            "ana.perez@example.com",
            "https://lms.example.com/courses/data-literacy-101",
            "completed",
            utc(2024, 3, 5, 14, 10, 2, 123000),
            86.0,
            "7ccd3322-e1a5-411a-a67d-6a735c76f119",
        ),
        # mbox_sha1sum lower-cased; 09:00+02:00 = 07:00 UTC; raw 45 of 0..50 -> 90; id lower-cased
        (
            2,
            "mbox_sha1",
            "4322955763cd50363f22b6a891c66caac1b17c55",
            "https://lms.example.com/courses/cloud-foundations",
            "passed",
            utc(2024, 3, 6, 7, 0),
            90.0,
            "2f1c6a0e-6a5b-4a43-9a0e-1a2b3c4d5e6f",
        ),
        # account name trimmed; raw 7 of 2..12 -> (7-2)/(12-2) = 50
        (
            3,
            "account",
            "E1234",
            "https://lms.example.com/courses/sql-basics",
            "failed",
            utc(2024, 3, 7, 10, 15),
            50.0,
            "e05aa883-acaf-40ad-bf54-02c8ce485fb0",
        ),
        # openid is an account; no timestamp -> stored; no id -> sha1 of the canonical JSON
        (
            4,
            "account",
            "https://openid.example.com/carla",
            "https://lms.example.com/courses/git-intro",
            "in_progress",
            utc(2024, 3, 8, 8, 30),
            None,
            "sha1:e59830abe77992ccad6e8610eceeb5ff871a98ff",
        ),
        # completed with success false -> failed; negative scaled -> 0; 23:30-05:00 -> 04:30 next day UTC
        (
            5,
            "email",
            "dee.khan@example.com",
            "https://lms.example.com/courses/data-literacy-101",
            "failed",
            utc(2024, 3, 10, 4, 30),
            0.0,
            "5b9a1c7e-2d4f-4e8a-9c3b-7f6e5d4c3b2a",
        ),
    ]
    assert parsed.records["learner_salt"].null_count() == 5
    assert parsed.records["expires_at"].null_count() == 5


def test_derived_id_is_sha1_of_canonical_json():
    canonical = (
        '{"actor":{"openid":"https://openid.example.com/carla"},'
        '"object":{"id":"https://lms.example.com/courses/git-intro"},'
        '"stored":"2024-03-08T08:30:00.000Z",'
        '"verb":{"id":"http://adlnet.gov/expapi/verbs/experienced"}}'
    )
    assert hashlib.sha1(canonical.encode()).hexdigest() == "e59830abe77992ccad6e8610eceeb5ff871a98ff"
    # the same statement with its keys in another order and other spacing gets the same id
    stmt = json.loads(canonical)
    shuffled = {k: stmt[k] for k in ("verb", "stored", "object", "actor")}
    assert xapi.statement_outcome(shuffled, 1, "")["source_record_id"] == (
        "sha1:e59830abe77992ccad6e8610eceeb5ff871a98ff"
    )


def test_array_raw_is_the_statement_json():
    parsed = xapi.read(FIXTURES / "array_actors.json")
    raw = json.loads(parsed.records["raw"][1])
    assert raw["id"] == "2F1C6A0E-6A5B-4A43-9A0E-1A2B3C4D5E6F"
    assert raw["result"]["score"] == {"raw": 45, "min": 0, "max": 50}


def test_json_lines_broken_line_and_rule_violations():
    parsed = xapi.read(FIXTURES / "statements.jsonl")
    # 9 physical lines, 2 blank: 7 statements
    assert parsed.rows_read == 7
    assert reasons(parsed) == {
        3: "line 4 is not valid JSON (Expecting value at column 162).",
        4: "result.score.scaled 1.5 is outside -1..1.",
        5: "result.duration 'P4W1D' is not an ISO 8601 duration (weeks cannot be combined with other units).",
    }
    broken = parsed.rejected[0]
    assert broken.raw.startswith('{"id":"33333333-3333-4333-8333-333333333333"')
    assert broken.raw.endswith('"object":{"id":')
    got = [
        (r["row_number"], r["learner_kind"], r["learner_value"], r["status"], r["completed_at"], r["score"])
        for r in rows(parsed)
    ]
    assert got == [
        (1, "email", "ana.perez@example.com", "completed", utc(2024, 4, 1, 9, 0), None),  # 10:00+01:00
        (2, "account", "E2001", "passed", utc(2024, 4, 1, 11, 0), 100.0),
        (6, "email", "bo.li@example.com", "in_progress", utc(2024, 4, 1, 14, 0), None),  # P4W is valid
        # nanoseconds cut to microseconds; raw 30 of max 40 (min 0) -> 75
        (
            7,
            "mbox_sha1",
            "1728a8cbc59455893044e759ef72f4e632d8074f",
            "in_progress",
            utc(2024, 4, 2, 8, 0, 0, 123456),
            75.0,
        ),
    ]


def test_json_lines_raw_is_the_line_verbatim():
    parsed = xapi.read(FIXTURES / "statements.jsonl")
    first_line = (FIXTURES / "statements.jsonl").read_text(encoding="utf-8").splitlines()[0]
    assert parsed.records["raw"][0] == first_line


def test_statement_result_ignores_more_and_rejects_unused_verbs():
    parsed = xapi.read(FIXTURES / "statement_result.json")
    assert parsed.rows_read == 2
    assert [
        (r["learner_value"], r["course_key"], r["status"], r["completed_at"], r["score"]) for r in rows(parsed)
    ] == [
        # scaled 0.95 wins over raw 19/20 (also 95, but scaled is the one used)
        ("ana.perez@example.com", "https://lms.example.com/au/42", "passed", utc(2024, 5, 2, 9, 30), 95.0),
    ]
    assert reasons(parsed) == {
        2: "verb http://id.tincanapi.com/verb/viewed is not a learning outcome or activity this dashboard uses.",
    }


def test_single_statement_object():
    parsed = xapi.read(FIXTURES / "single_statement.json")
    assert parsed.rows_read == 1
    (row,) = rows(parsed)
    assert (row["learner_kind"], row["learner_value"], row["status"], row["score"], row["completed_at"]) == (
        "account",
        "E1234",
        "passed",
        86.0,
        utc(2024, 3, 5, 14, 10, 2, 123000),
    )


def test_cmi5_sequence_statuses():
    parsed = xapi.read(FIXTURES / "cmi5_sequence.jsonl")
    assert parsed.rows_read == 9
    assert parsed.rejected == []
    got = [(r["learner_value"], r["course_key"].rsplit("/", 1)[1], r["status"], r["score"]) for r in rows(parsed)]
    assert got == [
        ("E1234", "42", "in_progress", None),  # launched
        ("E1234", "42", "in_progress", None),  # initialized
        ("E1234", "42", "failed", 40.0),  # failed, scaled 0.4
        ("E1234", "42", "passed", 90.0),  # passed, scaled 0.9
        ("E1234", "42", "completed", None),  # completed
        ("E1234", "42", "in_progress", None),  # terminated
        ("E1234", "cloud-path", "completed", None),  # satisfied (cmi5 namespace)
        ("E1234", "43", "completed", None),  # waived (cmi5 namespace)
        ("E5678", "42", "in_progress", None),  # abandoned (cmi5 namespace)
    ]


# --------------------------------------------------------------------------- voiding


def test_voiding_in_file_and_out_of_file():
    parsed = xapi.read(FIXTURES / "voiding.json")
    # every statement is counted, including the voiding ones and the one voided here
    assert parsed.rows_read == 6
    # statement 2 is voided by statement 1 (which comes first): dropped; only statement 3 stays
    assert [(r["row_number"], r["source_record_id"], r["status"], r["score"]) for r in rows(parsed)] == [
        (3, "d0000000-0000-4000-8000-000000000002", "passed", 70.0),
    ]
    # both targets in file order, lower-cased; the target of the rejected void-of-a-void is not there
    assert parsed.voided_ids == [
        "d0000000-0000-4000-8000-000000000001",
        "9f3e2d1c-0b0a-4999-8888-777766665555",
    ]
    assert reasons(parsed) == {
        5: "statement d0000000-0000-4000-8000-0000000000a3 voids statement d0000000-0000-4000-8000-0000000000a2, "
        "which is itself a voiding statement, and xAPI does not allow voiding a voiding statement.",
        6: "voiding statement has no object.objectType; it must be StatementRef naming the statement to void.",
    }


# --------------------------------------------------------------------------- the xAPI rules


RULE_REASONS = {
    1: "statement id 'not-a-uuid' is not a UUID.",
    2: "actor has 2 identifiers (mbox, account); xAPI allows exactly one.",
    3: "actor has no identifier (mbox, mbox_sha1sum, openid or account).",
    4: "anonymous group actor cannot be matched to an employee.",
    6: "actor.mbox 'ana.perez@example.com' is not a 'mailto:' IRI with an e-mail address.",
    7: "actor.mbox_sha1sum 'abc123' is not 40 hexadecimal characters.",
    8: "actor.account.homePage is missing; an account needs homePage and name.",
    9: "verb.id 'completed' is not an IRI.",
    10: "verb http://id.tincanapi.com/verb/viewed is not a learning outcome or activity this dashboard uses.",
    11: "object is missing; a statement must say what the actor acted on.",
    12: "object.objectType is StatementRef, not an Activity, so there is no course to record.",
    13: "timestamp '05/03/2024 14:10' is not an ISO 8601 date and time.",
    14: "no timestamp: the statement has neither timestamp nor stored.",
    15: "result.score.min 10 is not less than result.score.max 5.",
    16: "result.score.raw 60 is above result.score.max 50.",
    17: "result.score.scaled '0.9' is not a number.",
    18: "result.success 'true' is not true or false.",
    19: "context.registration 'reg-42' is not a UUID.",
    20: "statement id e0000005-0000-4000-8000-000000000000 already appeared in statement 5 of this file.",
    21: "voiding statement's object.id 'stmt-1' is not a statement UUID.",
    22: "result.duration 'PT' is not an ISO 8601 duration such as PT1H30M.",
    23: "result.duration 'P1.5DT2H' is not an ISO 8601 duration such as PT1H30M.",
    24: "actor.objectType 'Person' is neither Agent nor Group.",
    25: "result.score.min 5 is not less than result.score.max 5.",
    26: "stored 'yesterday' is not an ISO 8601 date and time.",
    27: "verb is missing; a statement must say what the actor did.",
    28: "object.id is missing.",
    29: "line 29 is not a JSON object but [1,2].",
    31: "actor.member lists something other than agents; a group cannot contain groups.",
}


def test_rule_violations_are_rejected_with_precise_reasons():
    parsed = xapi.read(FIXTURES / "rule_violations.jsonl")
    assert parsed.rows_read == 31
    got = reasons(parsed)
    # NaN is not JSON; the wording of the decoder's message differs between json and orjson
    assert got.pop(30).startswith("line 30 is not valid JSON (")
    assert got == RULE_REASONS
    # the identified group is matched by its own identifier
    (row,) = rows(parsed)
    assert (row["row_number"], row["learner_kind"], row["learner_value"]) == (5, "email", "data-team@example.com")
    # each rejected row keeps its line verbatim
    lines = (FIXTURES / "rule_violations.jsonl").read_text(encoding="utf-8").splitlines()
    assert all(r.raw == lines[r.row_number - 1] for r in parsed.rejected)


@pytest.mark.parametrize(
    "duration",
    [
        "PT4H35M59.14S",
        "PT16559.14S",
        "P3Y1M29DT4H35M59.14S",
        "P3Y",
        "P4W",
        "PT0.5S",
        "P0,5Y",
        "P1D",
        "PT1H",
    ],
)
def test_valid_durations(duration):
    xapi._duration(duration)


@pytest.mark.parametrize(
    "duration",
    [
        "P4W1D",
        "P",
        "PT",
        "P16559.14S",
        "4H",
        "PT1.5H30M",
        "P1DT",
        "pt1h",
        "PT1H ",
        90,
    ],
)
def test_invalid_durations(duration):
    with pytest.raises(xapi.InvalidStatement):
        xapi._duration(duration)


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        ({"scaled": 1}, 100.0),
        ({"scaled": 0}, 0.0),
        ({"scaled": -1}, 0.0),
        ({"scaled": 0.5, "raw": 1, "min": 0, "max": 10}, 50.0),
        ({"raw": 3, "max": 4}, 75.0),
        ({"raw": 15, "min": 10, "max": 30}, 25.0),
        ({"raw": 12}, None),
        ({"min": 0, "max": 10}, None),
    ],
)
def test_score_normalisation(score, expected):
    assert xapi._score({"score": score}) == expected


def test_passed_with_success_false_is_failed_but_answered_stays_in_progress():
    base = {
        "actor": {"mbox": "mailto:ana.perez@example.com"},
        "object": {"id": "https://lms.example.com/courses/python-1"},
        "timestamp": "2024-04-01T10:00:00Z",
        "result": {"success": False},
    }
    passed = {**base, "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"}}
    answered = {**base, "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"}}
    assert xapi.statement_outcome(passed, 1, "")["status"] == "failed"
    assert xapi.statement_outcome(answered, 1, "")["status"] == "in_progress"


# --------------------------------------------------------------------------- whole files


def test_not_json_is_unreadable():
    with pytest.raises(
        UnreadableFile, match=r"^not_json\.txt is not JSON, so it cannot be an export of xAPI statements\.$"
    ):
        xapi.read(FIXTURES / "not_json.txt")


def test_other_kind_of_json_is_unreadable():
    with pytest.raises(UnreadableFile, match=r"^badge_assertion\.json holds JSON but no xAPI statements "):
        xapi.read(FIXTURES / "badge_assertion.json")


def test_broken_json_document_names_the_position():
    with pytest.raises(UnreadableFile) as exc:
        xapi.read(FIXTURES / "broken_document.json")
    assert str(exc.value) == "broken_document.json is not valid JSON (Expecting ',' delimiter at line 6, column 7)."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "x.json is empty."),
        ("  \n\n", "x.json is empty."),
        ("[]", "x.json holds no statements."),
        ('{"statements": [], "more": ""}', "x.json holds no statements."),
        ('{"statements": {"id": 1}}', "x.json has a 'statements' field that is not a list of statements."),
        (
            '[{"name": "a"}, 3]',
            "x.json holds JSON but no xAPI statements (no object with 'actor' and 'verb', and no 'statements' list).",
        ),
        (
            '{"a": 1}\n{"b": 2}\n',
            "x.json holds JSON but no xAPI statements (no object with 'actor' and 'verb', and no 'statements' list).",
        ),
        ('[{"actor": {}, "verb": {}', "x.json is not valid JSON (Expecting ',' delimiter at line 1, column 26)."),
        (
            "{nope\n{nope either\n",
            "x.json is not valid JSON (Expecting property name enclosed in double quotes at line 1, column 2).",
        ),
    ],
)
def test_unreadable_files(tmp_path, content, message):
    path = tmp_path / "x.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UnreadableFile) as exc:
        xapi.read(path)
    assert str(exc.value) == message


STATEMENT = (
    '{"id":"11111111-1111-4111-8111-111111111111","actor":{"mbox":"mailto:zoë@example.com"},'
    '"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},'
    '"object":{"id":"https://lms.example.com/courses/python-1"},"timestamp":"2024-04-01T10:00:00Z"}'
)


def test_json_lines_with_bom_and_crlf(tmp_path):
    path = tmp_path / "lrs.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + (STATEMENT + "\r\n\r\n" + STATEMENT.replace("1111", "2222") + "\r\n").encode())
    parsed = xapi.read(path)
    assert parsed.rows_read == 2 and parsed.rejected == []
    assert parsed.records["learner_value"].to_list() == ["zoë@example.com", "zoë@example.com"]
    assert parsed.records["raw"][0] == STATEMENT


def test_json_lines_with_a_line_separator_inside_a_string(tmp_path):
    # U+2028 is legal inside a JSON string; only \n ends a JSON line
    path = tmp_path / "lrs.jsonl"
    odd = STATEMENT.replace('"timestamp"', '"result":{"response":"a\u2028b"},"timestamp"')
    path.write_text(odd + "\n" + STATEMENT.replace("1111", "2222") + "\n", encoding="utf-8")
    parsed = xapi.read(path)
    assert parsed.rows_read == 2
    assert parsed.rejected == []
    assert "\u2028" in parsed.records["raw"][0]


def test_long_leading_blank_space(tmp_path):
    path = tmp_path / "lrs.json"
    path.write_text(" " * 5000 + "\n[" + STATEMENT + "]", encoding="utf-8")
    assert xapi.read(path).rows_read == 1


def test_utf16_array(tmp_path):
    path = tmp_path / "lrs.json"
    path.write_bytes(("[" + STATEMENT + "]").encode("utf-16"))
    parsed = xapi.read(path)
    assert parsed.records["learner_value"].to_list() == ["zoë@example.com"]


def test_json_lines_whose_first_line_is_broken(tmp_path):
    path = tmp_path / "lrs.jsonl"
    path.write_text('{"id": "truncated\n' + STATEMENT + "\n", encoding="utf-8")
    parsed = xapi.read(path)
    assert parsed.rows_read == 2
    assert parsed.records["row_number"].to_list() == [2]
    assert reasons(parsed)[1].startswith("line 1 is not valid JSON (")


def test_json_lines_of_statement_result_pages(tmp_path):
    page1 = json.dumps({"statements": [json.loads(STATEMENT)], "more": "/xapi/statements?more=p2"})
    second = json.loads(STATEMENT.replace("1111", "2222"))
    page2 = json.dumps({"statements": [second, "oops"], "more": ""})
    path = tmp_path / "pages.jsonl"
    path.write_text(page1 + "\n" + page2 + "\n", encoding="utf-8")
    parsed = xapi.read(path)
    assert parsed.rows_read == 3
    assert parsed.records["source_record_id"].to_list() == [
        "11111111-1111-4111-8111-111111111111",
        "22222222-2222-4111-8111-222222222222",
    ]
    assert reasons(parsed) == {3: "line 2 holds a statement that is not a JSON object but 'oops'."}


def test_array_element_that_is_not_an_object(tmp_path):
    path = tmp_path / "lrs.json"
    path.write_text("[" + STATEMENT + ', "oops", null]', encoding="utf-8")
    parsed = xapi.read(path)
    assert parsed.rows_read == 3
    assert reasons(parsed) == {
        2: "statement 2 is not a JSON object but 'oops'.",
        3: "statement 3 is not a JSON object but null.",
    }


def test_read_accepts_a_string_path():
    assert xapi.read(str(FIXTURES / "single_statement.json")).rows_read == 1


# --------------------------------------------------------------------------- sniff


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("array_actors.json", True),
        ("statements.jsonl", True),
        ("statement_result.json", True),
        ("cmi5_sequence.jsonl", True),
        ("voiding.json", True),
        ("single_statement.json", True),
        ("rule_violations.jsonl", True),
        ("badge_assertion.json", False),
        ("not_json.txt", False),
    ],
)
def test_sniff_fixtures(name, expected):
    assert xapi.sniff(name, head_of(name)) is expected


def test_sniff_other_kinds_and_edge_cases():
    caliper = (
        '{"sensor":"https://example.edu/sensors/1","sendTime":"2016-11-15T11:05:01.000Z",'
        '"data":[{"id":"urn:uuid:x","type":"AssessmentEvent","actor":{"id":"u"},"action":"Submitted"}]}'
    )
    scorm = '[{"id":"reg-E1234-dl101","registrationCompletion":"COMPLETED","registrationSuccess":"PASSED"}]'
    assert xapi.sniff("events.json", caliper) is False
    assert xapi.sniff("regs.json", scorm) is False
    assert xapi.sniff("empty.json", "") is False
    assert xapi.sniff("x.csv", "ID,Name\n1,Ana\n") is False
    # a head cut in the middle of a long first statement still counts
    assert xapi.sniff(
        "big.json", '[\n {"actor": {"mbox": "mailto:a@example.com"}, "verb": {"id": "http://adlnet.gov/exp'
    )
    assert xapi.sniff("big.json", '{"statements": [{"actor": {"mbox": "mailto:a@example.com"}, "ve')
    # JSON lines whose first line is broken: the next line decides
    assert xapi.sniff("lrs.jsonl", '{"broken\n' + STATEMENT + "\n")
    assert xapi.sniff("lrs.jsonl", "\ufeff" + STATEMENT)


def test_large_files_read_in_parts_give_what_one_pass_gives(tmp_path, monkeypatch):
    """The parallel reader (parts in worker processes, texts read back by line) equals one pass:
    same records, rejections (with their text), voidings and duplicates across parts."""
    lines = []
    for name in ("statements.jsonl", "cmi5_sequence.jsonl", "rule_violations.jsonl"):
        lines += (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    page = json.dumps(json.loads((FIXTURES / "statement_result.json").read_text(encoding="utf-8")))
    lines = lines + ["", page, "{broken"] + lines[:3]  # the last three repeat ids from the first part
    path = tmp_path / "big.jsonl"
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")

    monkeypatch.setattr(xapi, "PARALLEL_MIN_BYTES", 1 << 40)
    one = xapi.read(path)
    monkeypatch.setattr(xapi, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(xapi, "_workers", lambda: 3)
    parts = xapi.read(path)

    assert parts.raw_source is not None and one.raw_source is None  # the parts did run
    assert parts.rows_read == one.rows_read
    assert parts.records.drop("raw").equals(one.records.drop("raw"))
    assert parts.records["raw"].null_count() > 0  # texts of whole-line statements are not held
    every = list(range(one.records.height))
    assert parts.raw_of(every) == one.raw_of(every) == one.records["raw"].to_list()
    assert [(r.row_number, r.reason, r.raw) for r in parts.rejected] == [
        (r.row_number, r.reason, r.raw) for r in one.rejected
    ]
    assert any("already appeared" in r.reason for r in one.rejected)
    assert parts.voided_ids == one.voided_ids


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-07-13T07:14:08.937Z", utc(2024, 7, 13, 7, 14, 8, 937000)),  # the common form
        ("2024-07-13T09:14:08+02:00", utc(2024, 7, 13, 7, 14, 8)),  # common, with an offset
        ("2024-07-13T07:14:08.123456789Z", utc(2024, 7, 13, 7, 14, 8, 123456)),  # nanoseconds: cut to micro
        ("2024-07-13t07:14:08z", utc(2024, 7, 13, 7, 14, 8)),  # lower-case letters
        ("2024-07-13T07:14:08", utc(2024, 7, 13, 7, 14, 8)),  # no zone: UTC
        ("20240713T071408Z", utc(2024, 7, 13, 7, 14, 8)),  # basic form
    ],
)
def test_timestamps_in_every_accepted_form(text, expected):
    got = xapi._timestamp(text, "timestamp")
    assert got == expected and got.utcoffset().total_seconds() == 0


def test_a_date_that_does_not_exist_is_rejected_in_the_common_form_too():
    with pytest.raises(xapi.InvalidStatement, match="not an ISO 8601 date and time"):
        xapi._timestamp("2024-04-31T10:00:00Z", "timestamp")
