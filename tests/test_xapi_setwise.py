"""The SQL reading of large JSON lines files (etl/xapi/setwise.py) gives what the Python reader gives.

Row by row: every statement gets the same decision (record, voiding, rejection), the same reason
and the same record columns, and the rejected rows keep the same text. The statements are the
ADL conformance suite, the spec's examples, Open edX's statements, the reader's own fixtures,
statements of the benchmark's generator, and lines made to sit where SQL's and Python's
readings of JSON could part (relaxed JSON, duplicate keys, calendar and number edges).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from etl import xapi
from etl.records import Parsed
from etl.xapi import reading, setwise

FIXTURES = Path(__file__).parent / "fixtures"
CONFORMANCE = FIXTURES / "xapi-conformance"

GOOD = {
    "id": "00000000-0000-4000-8000-000000000001",
    "actor": {"objectType": "Agent", "name": "Ana Perez", "mbox": "mailto:ana.perez@example.com"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"en-US": "passed"}},
    "object": {
        "objectType": "Activity",
        "id": "https://lms.example.com/courses/python-1",
        "definition": {"name": {"en-US": "Python 1"}, "type": "http://adlnet.gov/expapi/activities/course"},
    },
    "result": {"score": {"scaled": 0.85, "raw": 85, "min": 0, "max": 100}, "success": True, "duration": "PT1H2M"},
    "context": {"registration": "00000000-0000-4000-8000-0000000000aa", "language": "en-US"},
    "timestamp": "2024-04-01T10:00:00.123Z",
    "stored": "2024-04-01T10:00:01Z",
    "version": "1.0.3",
}


def one_pass(path: Path) -> Parsed:
    """The Python reader, statement by statement (no parts, no SQL)."""
    return reading.read(path)


def by_sql(path: Path, monkeypatch) -> Parsed:
    monkeypatch.setattr(setwise, "MAX_SLOW_SHARE", 1.0)  # every file here, however rare its shapes
    parsed = setwise.read_lines(path.name, path)
    assert parsed is not None
    return parsed


def assert_same(python: Parsed, sql: Parsed) -> None:
    assert sql.rows_read == python.rows_read
    assert sql.records.drop("raw").equals(python.records.drop("raw"))
    every = list(range(python.records.height))
    assert sql.raw_of(every) == python.raw_of(every)
    assert [(r.row_number, r.reason, r.raw) for r in sql.rejected] == [
        (r.row_number, r.reason, r.raw) for r in python.rejected
    ]
    assert sql.voided_ids == python.voided_ids


def decided_in_sql(path: Path) -> int:
    frame = setwise._decided(path)
    assert frame is not None
    return int(frame["fast"].sum())


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def statements_of(document: Path) -> list[dict]:
    value = json.loads(document.read_text(encoding="utf-8"))
    if isinstance(value, dict) and "statements" in value:
        return value["statements"]
    return value if isinstance(value, list) else [value]


def test_the_conformance_suite_row_by_row(tmp_path, monkeypatch):
    cases = [json.loads(line) for line in (CONFORMANCE / "statements-v1_0_3.jsonl").read_text().splitlines()]
    path = write_lines(tmp_path / "suite.jsonl", [json.dumps(c["statement"]) for c in cases])
    python = one_pass(path)
    assert python.rows_read == 950 and len(python.rejected) == 949  # what an LRS may not store, or no time
    assert_same(python, by_sql(path, monkeypatch))


def test_the_spec_examples_and_open_edx_row_by_row(tmp_path, monkeypatch):
    documents = [
        CONFORMANCE / "xapi-spec" / "xapi-data-examples.json",
        *sorted((CONFORMANCE / "openedx-erb").glob("*.json")),
    ]
    statements = [s for d in documents for s in statements_of(d)]
    path = write_lines(tmp_path / "examples.jsonl", [json.dumps(s, ensure_ascii=False) for s in statements])
    python = one_pass(path)
    assert python.rows_read == 97
    assert_same(python, by_sql(path, monkeypatch))


@pytest.mark.parametrize("name", ["statements.jsonl", "cmi5_sequence.jsonl", "rule_violations.jsonl"])
def test_the_readers_fixtures_row_by_row(name, monkeypatch):
    path = FIXTURES / "xapi" / name
    assert_same(one_pass(path), by_sql(path, monkeypatch))


def test_the_benchmark_statements_are_all_decided_in_sql(tmp_path, monkeypatch):
    from sample.write_xapi import write_xapi_jsonl

    path = tmp_path / "bench.jsonl"
    write_xapi_jsonl(path, 3_000, seed=7, employees=1_500)
    python = one_pass(path)
    assert python.records.height == 3_000 and not python.rejected
    assert decided_in_sql(path) == 3_000
    assert_same(python, by_sql(path, monkeypatch))


def variant(**changes) -> dict:
    """GOOD with some fields replaced (a value None removes the field); dotted names reach inside."""
    stmt = json.loads(json.dumps(GOOD))
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        node = stmt
        for part in parents:
            node = node.setdefault(part, {})
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return stmt


#: Lines (texts, not values: some are not what json.dumps writes) where the readings could part.
EDGES = [
    json.dumps(GOOD),
    # relaxed JSON that DuckDB's parser reads and Python's refuses
    json.dumps(GOOD)[:-1] + ',"version":"1.0.3",}',
    json.dumps(GOOD).replace('"raw": 85', '"raw": NaN'),
    json.dumps(GOOD).replace('"raw": 85', '"raw": Infinity'),
    json.dumps(GOOD).replace('"raw": 85', '"raw": -Infinity'),
    json.dumps(variant(result__extensions={"https://x.example.com/e": 1})).replace(": 1}", ": NaN}"),
    json.dumps(GOOD).replace('"min": 0,', '"min": 0, "max": 100,'),
    json.dumps(GOOD).replace('"raw": 85', '"raw": 85,'),
    # duplicate keys: Python keeps the last, DuckDB reads the first
    json.dumps(GOOD).replace('{"id": "00000000', '{"id": "00000000-0000-4000-8000-0000000000ff", "id": "00000000'),
    json.dumps(GOOD).replace('"name": "Ana Perez",', '"mbox": "mailto:x@example.com", "name": "Ana Perez",'),
    json.dumps(GOOD).replace('"success": true', '"success": true, "success": false'),
    json.dumps(GOOD).replace('{"en-US": "passed"}', '{"en-US": "passed", "en-US": "done"}'),
    json.dumps(GOOD).replace('"verb": {', '"verb": {"id": "http://adlnet.gov/expapi/verbs/failed", '),
    # escapes and blank space
    json.dumps(variant(actor__name='Ana \u00e9 "AP"')),
    json.dumps(variant(actor__name="Ana \u00e9"), ensure_ascii=False),
    json.dumps(GOOD).replace('"id": "http', '"id" : "http'),
    "  " + json.dumps(GOOD, indent=None, separators=(",", ":")) + " \t",
    json.dumps(variant(actor={"account": {"homePage": "https://a.example.com", "name": " E1 "}})),
    json.dumps(
        variant(actor={"account": {"homePage": "https://a.example.com", "name": "E\u00a01\u00a0"}}), ensure_ascii=False
    ),
    json.dumps(
        variant(actor={"account": {"homePage": "https://a.example.com", "name": "Ana P\u00e9rez"}}), ensure_ascii=False
    ),
    json.dumps(variant(actor={"account": {"homePage": "https://a.example.com", "name": ""}})),
    json.dumps(variant(actor={"account": {"homePage": "https://a.example.com"}})),
    json.dumps(variant(actor={"account": {"homePage": "a example", "name": "E1"}})),
    # identifiers
    json.dumps(variant(actor={"mbox": "mailto:ANA@Example.COM"})),
    json.dumps(variant(actor={"mbox": "mailto:ana@example"})),
    json.dumps(variant(actor={"mbox": " mailto:ana@example.com"})),
    json.dumps(variant(actor={"mbox": "mailto:an\u00e1@example.com"}), ensure_ascii=False),
    json.dumps(variant(actor={"mbox_sha1sum": "ABCDEF0123456789ABCDEF0123456789ABCDEF01"})),
    json.dumps(variant(actor={"mbox_sha1sum": "ABCDEF0123456789ABCDEF0123456789ABCDEF0"})),
    json.dumps(variant(actor={"mbox_sha1sum": "abcdef0123456789abcdef0123456789abcdef01", "mbox": "mailto:a@b.co"})),
    json.dumps(variant(actor={"objectType": "Group", "member": [{"mbox": "mailto:a@b.co"}]})),
    json.dumps(variant(actor={"objectType": "Agent"})),
    json.dumps(variant(actor={"openid": "https://id.example.com/ana"})),
    json.dumps(variant(actor="ana")),
    json.dumps(variant(actor={})),
    # ids
    json.dumps(variant(id="00000000-0000-4000-8000-00000000000G")),
    json.dumps(variant(id="ABCDEF00-0000-4000-8000-000000000002")),
    json.dumps(variant(id=None)),
    json.dumps(variant(id=12)),
    # verbs and objects
    json.dumps(variant(verb={"id": "http://adlnet.gov/expapi/verbs/completed"}, result={"success": False})),
    json.dumps(variant(verb={"id": "https://w3id.org/xapi/adl/verbs/satisfied"}, result={"success": False})),
    json.dumps(variant(verb={"id": "http://adlnet.gov/expapi/verbs/attempted"}, result={"success": False})),
    json.dumps(variant(verb={"id": "http://example.com/verbs/liked"})),
    json.dumps(variant(verb={"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"en-US": 3}})),
    json.dumps(variant(verb={"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"english": "passed"}})),
    json.dumps(variant(verb={"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"en-GB-oed": "passed"}})),
    json.dumps(variant(verb={"id": "http://adlnet.gov/expapi/verbs/passed", "display": {}})),
    json.dumps(variant(verb={"id": "http://adlnet.gov/expapi/verbs/passed", "display": "passed"})),
    json.dumps(variant(object__objectType="StatementRef")),
    json.dumps(variant(object={"id": "https://lms.example.com/courses/python-1"})),
    json.dumps(variant(object={"id": "lms example"})),
    json.dumps(variant(object={"id": "https://lms.example.com/c", "definition": {}})),
    json.dumps(variant(object={"id": "https://lms.example.com/c", "definition": {"interactionType": "choice"}})),
    json.dumps(
        variant(
            object={
                "id": "https://lms.example.com/c",
                "definition": {"extensions": {"https://e.example.com/x": [1, {"a": None}]}},
            }
        )
    ),
    json.dumps(
        variant(
            object={"id": "https://lms.example.com/c", "definition": {"extensions": {"https://e.example.com/x": 0.5}}}
        )
    ),
    json.dumps(variant(object={"id": "https://lms.example.com/c", "definition": {"extensions": {"not an iri": 1}}})),
    json.dumps(
        variant(object={"id": "https://lms.example.com/c", "definition": {"moreInfo": "https://m.example.com"}})
    ),
    # results and scores
    json.dumps(variant(result={"score": {"scaled": 1.5}})),
    json.dumps(variant(result={"score": {"scaled": -0.5}})),
    json.dumps(variant(result={"score": {"raw": 7, "min": 10, "max": 5}})),
    json.dumps(variant(result={"score": {"raw": 7, "min": 5, "max": 5}})),
    json.dumps(variant(result={"score": {"raw": 12, "max": 10}})),
    json.dumps(variant(result={"score": {"raw": 0.575, "max": 1}})),
    json.dumps(variant(result={"score": {"raw": 3, "max": 0}})),
    json.dumps(variant(result={"score": {"raw": 2, "min": -4, "max": 0}})),
    json.dumps(variant(result={"score": {"scaled": 0.123456789}})),
    json.dumps(variant(result={"score": {}})),
    json.dumps(variant(result={})),
    json.dumps(GOOD).replace('"raw": 85', '"raw": 8.5e1'),
    json.dumps(GOOD).replace('"raw": 85', '"raw": 1e400'),
    json.dumps(GOOD).replace('"raw": 85', '"raw": 123456789012345678901234567890'),
    json.dumps(variant(result={"score": {"raw": "85", "max": 100}})),
    json.dumps(variant(result={"score": {"raw": True, "max": 100}})),
    json.dumps(variant(result={"success": "true"})),
    json.dumps(variant(result={"completion": None})),
    json.dumps(variant(result={"response": 3})),
    json.dumps(variant(result={"extensions": {"https://e.example.com/p": 12345678901234567890123}})),
    json.dumps(variant(result={"extensions": {"https://e.example.com/p": "x", "https://e.example.com/q": None}})),
    *(
        json.dumps(variant(result={"duration": d}))
        for d in ("P", "PT", "P1D", "P1DT", "PT1.5H", "PT1H30.25S", "P1W", "P1Y2M3DT4H5M6S", "PT0,5S", "P1.5D", "pt1h")
    ),
    # contexts
    json.dumps(variant(context={"registration": "not-a-uuid"})),
    json.dumps(variant(context={"platform": "Moodle", "revision": "r2"})),
    json.dumps(variant(context={"platform": "Moodle"}, object={"objectType": "Agent", "mbox": "mailto:x@y.co"})),
    json.dumps(variant(context={"language": "zz-Latn-419"})),
    json.dumps(variant(context={"language": "e"})),
    json.dumps(variant(context={"contextActivities": {"parent": [{"id": "https://lms.example.com/p"}]}})),
    json.dumps(
        variant(
            context={"contextActivities": {"grouping": {"id": "https://lms.example.com/g", "objectType": "Activity"}}}
        )
    ),
    json.dumps(
        variant(
            context={
                "contextActivities": {
                    "category": [
                        {"objectType": "Activity", "id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}
                    ],
                    "parent": [],
                }
            }
        )
    ),
    json.dumps(variant(context={"contextActivities": {"grouping": [{"id": "9c2c6e5c-1b9e-4d6b-8f5e-000000000001"}]}})),
    json.dumps(variant(context={"contextActivities": {"parent": [{"objectType": "Activity"}]}})),
    json.dumps(variant(context={"contextActivities": {"parent": [{"id": "not an iri"}]}})),
    json.dumps(
        variant(
            context={"contextActivities": {"parent": [{"id": "https://p.example.com", "objectType": "GroupActivity"}]}}
        )
    ),
    json.dumps(
        variant(
            context={
                "contextActivities": {
                    "parent": [
                        {
                            "id": "https://p.example.com",
                            "definition": {
                                "name": {"en-US": "P"},
                                "type": "http://adlnet.gov/expapi/activities/course",
                            },
                        }
                    ]
                }
            }
        )
    ),
    json.dumps(
        variant(
            context={
                "contextActivities": {
                    "parent": [{"id": "https://p.example.com", "definition": {"interactionType": "choice"}}]
                }
            }
        )
    ),
    json.dumps(variant(context={"contextActivities": {"sibling": [{"id": "https://p.example.com"}]}})),
    json.dumps(
        variant(
            context={
                "contextActivities": {"parent": [{"id": "https://p.example.com"}, {"id": "https://q.example.com"}]}
            }
        )
    ),
    json.dumps(variant(context={"contextActivities": {"parent": [{"id": "https://p.example.com"}, "x"]}})),
    json.dumps(variant(context={"contextActivities": {}})),
    json.dumps(variant(context={"contextActivities": []})),
    json.dumps(GOOD).replace(
        '"language": "en-US"', '"contextActivities": {"parent": [{"id": "https://p.example.com", "id": "not an iri"}]}'
    ),
    json.dumps(GOOD).replace(
        '"language": "en-US"',
        '"contextActivities": {"parent": [{"id": "https://p.example.com"}], "parent": {"id": "x y"}}',
    ),
    json.dumps(
        variant(
            object={"objectType": "Agent", "mbox": "mailto:x@y.co"},
            context={"contextActivities": {"parent": [{"id": "https://p.example.com"}]}},
        )
    ),
    json.dumps(variant(context={"instructor": {"mbox": "mailto:t@example.com"}})),
    json.dumps(variant(context={})),
    json.dumps(variant(context={"extensions": {}})),
    # times
    *(
        json.dumps(variant(timestamp=t))
        for t in (
            "2024-02-29T10:00:00Z",
            "2023-02-29T10:00:00Z",
            "2000-02-29T10:00:00Z",
            "1900-02-29T10:00:00Z",
            "2024-04-31T10:00:00Z",
            "2024-04-30T24:00:00Z",
            "2024-04-30T23:59:60Z",
            "2024-04-30T10:00:00-00:00",
            "2024-04-30T10:00:00-00:30",
            "2024-04-30T10:00:00+14:00",
            "2024-04-30T10:00:00+24:00",
            "2024-04-30T10:00:00.1234567Z",
            "2024-04-30T10:00:00",
            "2024-04-30t10:00:00z",
            "0000-01-01T10:00:00Z",
            "0999-01-01T10:00:00Z",
            "2024-04-30 10:00:00Z",
            "20240430T100000Z",
        )
    ),
    json.dumps(variant(timestamp=None)),
    json.dumps(variant(timestamp=None, stored="2024-04-01T10:00:01Z")),
    json.dumps(variant(stored="2024-13-01T10:00:01Z")),
    json.dumps(variant(version="1.0")),
    json.dumps(variant(version="2.0.0")),
    json.dumps(variant(version="1.0.3\n")),
    # unknown keys, and keys in another case
    json.dumps(variant(Actor={"mbox": "mailto:a@b.co"})),
    json.dumps(variant(authority={"mbox": "mailto:lrs@example.com"})),
    json.dumps(variant(result={"score": {"scaled": 0.5, "Raw": 1}})),
    json.dumps(variant(object={"id": "https://lms.example.com/c", "ID": "x"})),
    # not statements
    "[1, 2]",
    '"text"',
    "{}",
    '{"actor": {"mbox": "mailto:a@b.co"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"}}',
    "{broken",
    '{"a": 1} {"b": 2}',
    json.dumps(GOOD) + "\u00a0",
    # voiding, and ids given again
    json.dumps(
        variant(
            id="00000000-0000-4000-8000-0000000000d1",
            verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
            object={"objectType": "StatementRef", "id": "00000000-0000-4000-8000-000000000001"},
        )
    ),
    json.dumps(variant(timestamp="2024-05-01T10:00:00Z")),
    json.dumps(variant(id="00000000-0000-4000-8000-0000000000ee", object={"id": "https://lms.example.com/again"})),
    json.dumps(variant(id="00000000-0000-4000-8000-0000000000ee", actor="x")),
    json.dumps(variant(id="00000000-0000-4000-8000-0000000000ee", timestamp="2025-01-01T00:00:00Z")),
    json.dumps(variant(id="00000000-0000-4000-8000-0000000000ee", result={"score": {"scaled": 0.5}}) | {"x": 1}),
]


def test_lines_where_the_readings_could_part(tmp_path, monkeypatch):
    path = write_lines(tmp_path / "edges.jsonl", EDGES)
    python = one_pass(path)
    assert_same(python, by_sql(path, monkeypatch))
    assert decided_in_sql(path) >= 30  # the plain ones; everything else went to Python


def test_an_id_first_read_by_python_and_repeated_in_a_plain_statement(tmp_path, monkeypatch):
    """Ids given again across the two readings: the first statement of an id is one SQL leaves to
    Python and its repeats are plain ones, or the reverse (a record, then a voiding statement)."""
    ids = "00000000-0000-4000-8000-0000000000ee"
    parent = {"instructor": {"mbox": "mailto:teacher@example.com"}}  # a context SQL leaves to Python
    lines = [
        json.dumps(variant(id=ids, context=parent)),
        json.dumps(variant(id=ids)),
        json.dumps(variant(id=ids.upper())),
        json.dumps(variant(id="00000000-0000-4000-8000-0000000000ef")),
        json.dumps(variant(id="00000000-0000-4000-8000-0000000000ef", context=parent)),
        json.dumps(
            variant(
                id="00000000-0000-4000-8000-0000000000ef",
                verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
                object={"objectType": "StatementRef", "id": "00000000-0000-4000-8000-0000000000ee"},
            )
        ),
    ]
    path = write_lines(tmp_path / "ids.jsonl", lines)
    python = one_pass(path)
    assert [(r.row_number, r.reason) for r in python.rejected] == [
        (2, f"statement id {ids} already appeared in statement 1 of this file."),
        (3, f"statement id {ids} already appeared in statement 1 of this file."),
        (5, "statement id 00000000-0000-4000-8000-0000000000ef already appeared in statement 4 of this file."),
        (6, "statement id 00000000-0000-4000-8000-0000000000ef already appeared in statement 4 of this file."),
    ]
    assert decided_in_sql(path) == 3  # lines 2, 3 and 4
    assert_same(python, by_sql(path, monkeypatch))


def test_a_voiding_statement_voids_a_plain_one_read_in_sql(tmp_path, monkeypatch):
    target = "00000000-0000-4000-8000-000000000001"
    voiding = variant(
        id="00000000-0000-4000-8000-0000000000d1",
        verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
        object={"objectType": "StatementRef", "id": target},
    )
    path = write_lines(tmp_path / "void.jsonl", [json.dumps(voiding), json.dumps(GOOD)])
    sql = by_sql(path, monkeypatch)
    assert sql.voided_ids == [target] and sql.records.height == 0
    assert_same(one_pass(path), sql)


def test_records_of_plain_statements_worked_out_by_hand(tmp_path, monkeypatch):
    lines = [
        json.dumps(GOOD),
        json.dumps(
            variant(
                id="00000000-0000-4000-8000-00000000000A",
                actor={"account": {"homePage": "https://academy.example.com", "name": "E00042"}},
                verb={"id": "https://w3id.org/xapi/adl/verbs/completed"},
                result={"success": False, "score": {"raw": 3, "min": 1, "max": 5}},
                timestamp="2024-02-29T23:30:00.5+02:00",
            )
        ),
        json.dumps(
            variant(
                id="00000000-0000-4000-8000-00000000000B",
                actor={"mbox_sha1sum": "ABCDEF0123456789ABCDEF0123456789ABCDEF01"},
                verb={"id": "http://adlnet.gov/expapi/verbs/progressed"},
                result=None,
                context=None,
                stored=None,
                version=None,
            )
        ),
    ]
    path = write_lines(tmp_path / "plain.jsonl", lines)
    assert decided_in_sql(path) == 3
    sql = by_sql(path, monkeypatch)
    rows = sql.records.select(
        "row_number",
        "learner_kind",
        "learner_value",
        "course_key",
        "status",
        "completed_at",
        "score",
        "source_record_id",
    ).rows()
    from datetime import UTC, datetime

    assert rows == [
        (1, "email", "ana.perez@example.com", "https://lms.example.com/courses/python-1", "passed",
         datetime(2024, 4, 1, 10, 0, 0, 123000, tzinfo=UTC), 85.0, "00000000-0000-4000-8000-000000000001"),
        (2, "account", "E00042", "https://lms.example.com/courses/python-1", "failed",
         datetime(2024, 2, 29, 21, 30, 0, 500000, tzinfo=UTC), 50.0, "00000000-0000-4000-8000-00000000000a"),
        (3, "mbox_sha1", "abcdef0123456789abcdef0123456789abcdef01", "https://lms.example.com/courses/python-1",
         "in_progress", datetime(2024, 4, 1, 10, 0, 0, 123000, tzinfo=UTC), None, "00000000-0000-4000-8000-00000000000b"),
    ]  # fmt: skip
    assert sql.raw_of([0, 1, 2]) == lines
    assert_same(one_pass(path), sql)


@pytest.mark.parametrize(
    "text",
    [
        "\ufeff" + json.dumps(GOOD) + "\n" + json.dumps(GOOD) + "\n",  # a byte order mark
        json.dumps(GOOD) + "\n" + json.dumps({"statements": [GOOD], "more": ""}) + "\n",  # a page on a line
        json.dumps(GOOD) + "\n\x0c\n",  # blank for Python, not for DuckDB
    ],
)
def test_files_whose_lines_are_not_their_statements_are_read_as_before(tmp_path, text):
    path = tmp_path / "other.jsonl"
    path.write_text(text, encoding="utf-8")
    assert setwise.read_lines(path.name, path) is None


def test_blank_lines_keep_their_numbers(tmp_path, monkeypatch):
    other = json.dumps(variant(id="00000000-0000-4000-8000-000000000002", actor="x"))
    text = "\n \t\n" + json.dumps(GOOD) + "\r\n\n" + other + "\n" + json.dumps(GOOD) + "\n   \n\n"
    path = tmp_path / "blank.jsonl"
    path.write_text(text, encoding="utf-8")
    python = one_pass(path)
    assert [(r.row_number, r.raw) for r in python.rejected] == [(2, other), (3, json.dumps(GOOD))]
    sql = by_sql(path, monkeypatch)
    assert sql.records["row_number"].to_list() == [1] and sql.raw_of([0]) == [json.dumps(GOOD)]  # read from line 3
    assert_same(python, sql)


def test_a_line_in_windows_1252_is_read_by_python(tmp_path, monkeypatch):
    path = tmp_path / "cp1252.jsonl"
    path.write_bytes(
        (json.dumps(GOOD) + "\n").encode()
        + json.dumps(
            variant(id="00000000-0000-4000-8000-000000000002", actor__name="Jos\u00e9"), ensure_ascii=False
        ).encode("cp1252")
        + b"\n"
    )
    python = one_pass(path)
    assert python.records.height == 2
    assert_same(python, by_sql(path, monkeypatch))


def test_large_files_go_through_sql_and_give_the_same(tmp_path, monkeypatch):
    path = write_lines(tmp_path / "big.jsonl", EDGES * 3)
    monkeypatch.setattr(xapi, "PARALLEL_MIN_BYTES", 1 << 40)
    python = xapi.read(path)
    monkeypatch.setattr(xapi, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(setwise, "MAX_SLOW_SHARE", 1.0)
    calls = []
    real = setwise.read_lines
    monkeypatch.setattr(setwise, "read_lines", lambda name, p: calls.append(p) or real(name, p))
    sql = xapi.read(path)
    assert calls == [path] and sql.raw_source is not None
    assert_same(python, sql)


def test_the_query_keeps_the_file_order():
    """Statement numbers are positions in DuckDB's answer: the query has no join nor aggregate, which
    are free to reorder rows (DuckDB keeps the order of a scan through projections)."""
    import duckdb

    con = duckdb.connect()
    plan = con.sql("explain " + setwise._fast_sql(), params={"path": str(FIXTURES / "xapi" / "statements.jsonl")})
    text = plan.fetchall()[0][1].upper()
    con.close()
    assert "READ_NDJSON_OBJECTS" in text
    assert not any(word in text for word in ("JOIN", "AGGREGATE", "ORDER", "WINDOW"))


def test_a_file_of_rarer_shapes_is_left_to_python_after_a_look_at_its_start(tmp_path, monkeypatch):
    """More than a quarter of the first statements need Python: the file is not read with SQL at all."""
    parent = {"instructor": {"mbox": "mailto:teacher@example.com"}}  # a context SQL leaves to Python
    lines = [json.dumps(variant(id=f"00000000-0000-4000-8000-{n:012d}", context=parent)) for n in range(30)]
    lines += [json.dumps(variant(id=f"00000000-0000-4000-8000-{n:012d}")) for n in range(30, 100)]
    path = write_lines(tmp_path / "cmi5.jsonl", lines)
    monkeypatch.setattr(setwise, "_decided", lambda p: pytest.fail("the whole file was read with SQL"))
    assert setwise.read_lines(path.name, path) is None  # 30 of the 100 need Python
    monkeypatch.setattr(setwise, "SAMPLE_BYTES", len("\n".join(lines[:20])) + 1)
    assert not setwise._mostly_plain(path)  # the first 20 all need Python
    path = write_lines(tmp_path / "plain.jsonl", lines[::-1])
    assert setwise._mostly_plain(path)  # the first 20 are plain
