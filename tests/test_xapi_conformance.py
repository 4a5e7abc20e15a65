"""xAPI 1.0.3, every rule: the ADL LRS conformance suite, the spec's own examples and Open edX's statements.

The files are in tests/fixtures/xapi-conformance/ (origins in its SOURCES.md). The suite says of
each of its 950 statements whether an LRS must accept it (200) or reject it (400). The reader must
reject exactly the 607 an LRS rejects, each with a reason naming the rule it breaks. A statement
that keeps every rule may still be left out because the dashboard has no use for it (a verb it
does not record, an object that is not a course, no time): that is not an xAPI rejection, and its
reason says so.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema_rs
import pytest

from etl import xapi
from etl.records import Parsed, UnreadableFile
from etl.xapi import collect, schema

FIXTURES = Path(__file__).parent / "fixtures" / "xapi-conformance"
SUITE = FIXTURES / "statements-v1_0_3.jsonl"

#: The reasons of statements that keep xAPI's rules but that the dashboard does not use (and, in
#: the whole suite read as one file, the same valid statement given twice).
NOT_USED = re.compile(
    r"^(?:verb \S+ is not a learning outcome or activity this dashboard uses\."
    r"|anonymous group actor cannot be matched to an employee\."
    r"|object\.objectType is \w+, not an Activity, so there is no course to record\."
    r"|no timestamp: the statement has neither timestamp nor stored\."
    r"|statement id \S+ already appeared in statement \d+ of this file\.)$"
)

#: How a rejection names its rule: the spec's section, or one of the reader's long-standing reasons,
#: each of which names the field and what it must be.
CITES_RULE = re.compile(r"\(xAPI 1\.0\.3 Data [\d.]+\)\.$")
LONG_STANDING = re.compile(
    r"^(?:statement id .* is not a UUID\."
    r"|actor has \d identifiers \(.*\); xAPI allows exactly one\."
    r"|actor has no identifier \(mbox, mbox_sha1sum, openid or account\)\."
    r"|actor is a group with neither an identifier nor members\."
    r"|actor is missing; a statement must say who did it\."
    r"|actor\.objectType .* is neither Agent nor Group\."
    r"|actor\.member .* is not a list of agents\."
    r"|actor\.mbox .* is not a 'mailto:' IRI with an e-mail address\."
    r"|actor\.mbox_sha1sum .* is not 40 hexadecimal characters\."
    r"|actor\.openid .* is not a URI\."
    r"|actor\.account\.(?:homePage|name) is missing; an account needs homePage and name\."
    r"|actor\.account\.homePage .* is not a URL\."
    r"|actor\.account\.name .* is not a non-empty text\."
    r"|verb is missing; a statement must say what the actor did\."
    r"|verb\.id is missing\.|verb\.id .* is not an IRI\."
    r"|object is missing; a statement must say what the actor acted on\."
    r"|object\.id is missing\.|object\.id .* is not an IRI\."
    r"|object\.objectType .* is not one of Activity, Agent, Group, SubStatement, StatementRef\."
    r"|timestamp .* is not an ISO 8601 date and time\."
    r"|(?:object\.)?result\.(?:success|completion) .* is not true or false\."
    r"|(?:object\.)?result\.duration .* is not an ISO 8601 duration.*\."
    r"|(?:object\.)?result\.score .* is not a JSON object\."
    r"|(?:object\.)?result\.score\.\w+ .* is (?:not a number|outside -1\.\.1|not less than .*|below .*|above .*)\."
    r"|context\.registration .* is not a UUID\."
    r"|voiding statement has .*; it must be StatementRef naming the statement to void\.)$"
)


def suite_cases() -> list[dict]:
    return [json.loads(line) for line in SUITE.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def suite(tmp_path_factory) -> tuple[list[dict], Parsed, dict[int, str]]:
    """The whole suite as one JSON lines file, read by the reader as any export is read."""
    cases = suite_cases()
    path = tmp_path_factory.mktemp("suite") / "statements.jsonl"
    path.write_text("".join(json.dumps(c["statement"]) + "\n" for c in cases), encoding="utf-8")
    parsed = xapi.read(path)
    return cases, parsed, {r.row_number: r.reason for r in parsed.rejected}


def broke_a_rule(reason: str | None) -> bool:
    return reason is not None and not NOT_USED.match(reason)


def test_the_whole_suite_is_read_as_an_lrs_must(suite):
    cases, parsed, reasons = suite
    assert parsed.rows_read == len(cases) == 950
    must_accept = [n for n, c in enumerate(cases, start=1) if c["expect"] == 200]
    must_reject = [n for n, c in enumerate(cases, start=1) if c["expect"] == 400]
    assert (len(must_accept), len(must_reject)) == (343, 607)

    wrongly_rejected = {n: reasons[n] for n in must_accept if broke_a_rule(reasons.get(n))}
    let_through = {n: (cases[n - 1]["name"], reasons.get(n)) for n in must_reject if not broke_a_rule(reasons.get(n))}
    assert wrongly_rejected == {}
    assert let_through == {}


def test_every_rejection_names_its_rule(suite):
    cases, _, reasons = suite
    unnamed = {
        n: reasons[n]
        for n, c in enumerate(cases, start=1)
        if c["expect"] == 400 and not (CITES_RULE.search(reasons[n]) or LONG_STANDING.match(reasons[n]))
    }
    assert unnamed == {}
    # one sentence each
    assert all(reasons[n].count(". ") == 0 for n, c in enumerate(cases, start=1) if c["expect"] == 400)


#: Suite case -> the reason, checked by hand against the case's statement: one case for each kind
#: of gap the reader had (authority, context beyond registration, agents outside actor, activity
#: definitions, attachments, the case of keys and values, null, language tags, types, -00:00,
#: version, SubStatements).
BY_HAND = {
    255: "authority has 1 identifier (mbox): a statement's 'authority' must be an Agent, or an anonymous Group "
    "of exactly two Agents (xAPI 1.0.3 Data 2.4.9).",
    260: "authority.member has 3 entries: a statement's 'authority' must be an Agent, or an anonymous Group of "
    "exactly two Agents (xAPI 1.0.3 Data 2.4.9).",
    658: "context.instructor.mbox is 'http://should.fail.com': 'mbox' must be a mailto: IRI with one e-mail "
    "address (xAPI 1.0.3 Data 2.4.2.3).",
    303: "context.revision is 12345: context 'revision' must be a text (xAPI 1.0.3 Data 2.4.6).",
    307: "object.objectType is 'Agent': context 'revision' and 'platform' may only be given when the object is "
    "an Activity (xAPI 1.0.3 Data 2.4.6).",
    270: "context.contextActivities has 'consequences', which xAPI does not define there; property names are "
    "case-sensitive (xAPI 1.0.3 Data 2.2).",
    8: "object.account has no 'homePage': an account must be an object with a 'homePage' URL and a 'name' text "
    "(xAPI 1.0.3 Data 2.4.2.4).",
    456: "object.definition.interactionType is 'choiCe': 'interactionType' must be one of true-false, choice, "
    "fill-in, long-fill-in, matching, performance, sequencing, likert, numeric, other, written exactly so "
    "(xAPI 1.0.3 Data 2.4.4.1).",
    403: "object.definition.extensions has the key 'should fail': extensions are an object whose keys are IRIs "
    "(their values may be anything) (xAPI 1.0.3 Data 4.1).",
    246: "attachments[0].length is 'should fail': an attachment's 'length' must be a whole number of bytes "
    "(xAPI 1.0.3 Data 2.4.11).",
    448: "the statement has 'RESULT', which xAPI does not define there; property names are case-sensitive "
    "(xAPI 1.0.3 Data 2.2).",
    412: "actor.name is null, and xAPI allows null only inside extensions (xAPI 1.0.3 Data 2.2).",
    724: "verb.display has the key 'a12345678': a language must be an RFC 5646 language tag such as en-US "
    "(xAPI 1.0.3 Data 4.2).",
    119: "actor.name is 123: an agent's or group's 'name' must be a text (xAPI 1.0.3 Data 2.4.2.1).",
    749: "result.response is 12345: result 'response' must be a text (xAPI 1.0.3 Data 2.4.5).",
    820: "timestamp is '2008-09-15T15:53:00.601-00:00': a timestamp must be an ISO 8601 date and time, and its "
    "offset may not be -00:00 (xAPI 1.0.3 Data 4.5).",
    947: "version is '1.1.0': 'version' must be 1.0 or 1.0.x (xAPI 1.0.3 Data 2.4.10).",
    806: "object has 'id', which xAPI does not define there; property names are case-sensitive (xAPI 1.0.3 Data 2.2).",
    805: "object.object.objectType is 'SubStatement': a SubStatement's object must be an Activity, Agent, Group "
    "or StatementRef, never another SubStatement (xAPI 1.0.3 Data 2.4.4.3).",
}


@pytest.mark.parametrize("case", sorted(BY_HAND))
def test_reasons_checked_by_hand(suite, case):
    cases, _, reasons = suite
    assert cases[case - 1]["expect"] == 400
    assert reasons[case] == BY_HAND[case]


def test_a_sub_statement_keeps_the_rules_a_schema_cannot_state():
    # case 781 of the suite: a SubStatement whose score has raw 0.6767676 below min 7.6767676
    (case,) = [c for c in suite_cases() if c["case"] == 781]
    with pytest.raises(xapi.InvalidStatement) as exc:
        xapi.statement_outcome(case["statement"], 1, "")
    assert str(exc.value) == "object.result.score.raw 0.6767676 is below object.result.score.min 7.6767676."


def test_one_statement_alone_is_checked_as_in_a_batch(suite):
    """statement_outcome called alone checks the schema itself; in a file, the batch's verdict is used."""
    cases, _, reasons = suite
    for n in (255, 412, 724, 947):
        with pytest.raises(xapi.InvalidStatement) as exc:
            xapi.statement_outcome(cases[n - 1]["statement"], n, "")
        assert str(exc.value) == reasons[n]


def test_a_broken_statement_among_good_ones_is_the_only_one_rejected(tmp_path):
    """The batch check says which statement of a batch broke a rule: here the 100th of 200."""
    good = {
        "actor": {"mbox": "mailto:ana.perez@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": "https://lms.example.com/courses/python-1"},
        "timestamp": "2024-04-01T10:00:00Z",
    }
    statements = [{**good, "id": f"00000000-0000-4000-8000-{n:012d}"} for n in range(1, 201)]
    statements[99]["authority"] = {"objectType": "Group", "member": [{"mbox": "mailto:lrs@example.com"}]}
    path = tmp_path / "lrs.jsonl"
    path.write_text("".join(json.dumps(s) + "\n" for s in statements), encoding="utf-8")
    parsed = xapi.read(path)
    assert parsed.records.height == 199
    assert [(r.row_number, r.reason) for r in parsed.rejected] == [
        (
            100,
            "authority.member has 1 entry: a statement's 'authority' must be an Agent, or an anonymous Group of "
            "exactly two Agents (xAPI 1.0.3 Data 2.4.9).",
        )
    ]


def test_the_spec_examples_keep_loading():
    parsed = xapi.read(FIXTURES / "xapi-spec" / "xapi-data-examples.json")
    assert parsed.rows_read == 7
    # two records, one voiding; the other four keep every rule but carry verbs the dashboard does not use
    assert parsed.records.height == 2
    assert parsed.voided_ids == ["e05aa883-acaf-40ad-bf54-02c8ce485fb0"]
    assert [r.reason for r in parsed.rejected] == [
        f"verb {verb} is not a learning outcome or activity this dashboard uses."
        for verb in (
            "http://adlnet.gov/expapi/verbs/created",
            "http://example.com/commented",
            "http://example.com/planned",
            "http://adlnet.gov/expapi/verbs/attended",
        )
    ]


def test_open_edx_statements_keep_loading():
    """All 77 files are read; the 19 learning records they gave before the schema are all still there.

    Open edX breaks xAPI in three ways: a "GroupActivity" objectType (as object or context parent),
    one statement without object.id, and a score with min equal to max; those statements are
    rejected for that rule (the 14 among them that carry a verb the dashboard does not use were
    rejected before for their verb). Its course run UUID as a context grouping id is tolerated.
    """
    files = sorted((FIXTURES / "openedx-erb").glob("*.json"))
    assert len(files) == 77
    parsed = [xapi.read(f) for f in files]
    assert sum(p.rows_read for p in parsed) == 90
    assert sum(p.records.height for p in parsed) == 19
    reasons = [r.reason for p in parsed for r in p.rejected]
    assert sum(bool(NOT_USED.match(r)) for r in reasons) == 50
    broken = [re.sub(r"'[^']*'", "X", r) for r in reasons if not NOT_USED.match(r)]
    assert sorted(set(broken)) == [
        "context.contextActivities.parent[0].objectType is X: an Activity is an object with an X IRI and an "
        "optional X (xAPI 1.0.3 Data 2.4.4.1).",
        "object.id is missing.",
        "object.objectType X is not one of Activity, Agent, Group, SubStatement, StatementRef.",
        "result.score.min 0 is not less than result.score.max 0.",
        "result.score.min 0.0 is not less than result.score.max 0.0.",
    ]
    assert len(broken) == 13 + 1 + 4 + 1 + 2


def test_the_schema_is_a_valid_json_schema():
    document = json.loads(schema.SCHEMA_FILE.read_text(encoding="utf-8"))
    assert jsonschema_rs.meta.is_valid(document)
    assert "xAPI-Data 1.0.3" in document["$comment"]


@pytest.mark.parametrize(
    ("tag", "valid"),
    [
        ("en-US", True),
        ("zh-Hant", True),
        ("sr-Latn-RS", True),
        ("cmn", True),
        ("es-419", True),
        ("de-CH-1996", True),
        ("x-private", True),
        ("i-klingon", True),
        ("en_US", False),  # underscore: a POSIX locale, not a language tag
        ("something", False),  # 9 letters: longer than any language subtag
        ("zh-z-aaa-z-bbb", False),  # the singleton z twice (RFC 5646 2.2.6)
        ("", False),
    ],
)
def test_language_tags(tag, valid):
    stmt = {
        "actor": {"mbox": "mailto:ana.perez@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {tag: "completed"}},
        "object": {"id": "https://lms.example.com/courses/python-1"},
    }
    assert schema.conforms(stmt) is valid


# --------------------------------------------------------------------------- deep and broken JSON

_STATEMENT = (
    '{"actor":{"mbox":"mailto:ana.perez@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},'
    '"object":{"id":"https://lms.example.com/courses/python-1"},"timestamp":"2024-04-01T10:00:00Z",'
    '"result":{"extensions":{"https://example.com/x":%s}}}'
)


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_json_nested_100_levels_deep_is_a_rejected_line(tmp_path):
    path = tmp_path / "lrs.jsonl"
    path.write_text(_STATEMENT % nested(100) + "\n" + _STATEMENT % "1" + "\n", encoding="utf-8")
    parsed = xapi.read(path)
    assert parsed.records.height == 1
    assert [(r.row_number, r.reason) for r in parsed.rejected] == [
        (
            1,
            "statement 1 nests JSON more than 32 levels deep, deeper than any real xAPI statement, so it was not read.",
        )
    ]


def test_json_nested_deeper_than_the_parser_goes_is_a_rejected_line(tmp_path):
    path = tmp_path / "lrs.jsonl"
    path.write_text(_STATEMENT % "1" + "\n" + _STATEMENT % nested(100_000) + "\n", encoding="utf-8")
    parsed = xapi.read(path)
    assert parsed.records.height == 1
    assert [(r.row_number, r.reason) for r in parsed.rejected] == [
        (2, "line 2 nests JSON more than 32 levels deep, deeper than any real xAPI statement, so it was not read.")
    ]


@pytest.mark.parametrize("levels", [100, 2_000, 100_000])
def test_a_deep_json_document_is_refused_in_one_sentence(tmp_path, levels):
    path = tmp_path / "lrs.json"
    path.write_text("[" + _STATEMENT % nested(levels) + "]", encoding="utf-8")
    if levels == 100:  # parsed: the statement is refused
        (rejected,) = xapi.read(path).rejected
        assert rejected.reason == (
            "statement 1 nests JSON more than 32 levels deep, deeper than any real xAPI statement, so it was not read."
        )
    else:  # beyond what the parsers read: the file is refused
        with pytest.raises(UnreadableFile) as exc:
            xapi.read(path)
        assert str(exc.value) == (
            "lrs.json nests JSON more than 32 levels deep, deeper than any real xAPI export, so it was not read."
        )
    assert xapi.sniff("lrs.json", path.read_text(encoding="utf-8")[:65536]) in (True, False)  # no crash


def test_depth_is_counted_level_by_level():
    assert collect._too_deep(json.loads(_STATEMENT % "1")) is False
    assert collect._too_deep(json.loads(_STATEMENT % nested(30))) is True  # 30 + statement, result, extensions
    assert collect._too_deep(json.loads(_STATEMENT % nested(29))) is False  # 32 levels: the limit is allowed


def test_json_syntax_errors_read_well(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('[{"a": "\x01"}]', encoding="utf-8")
    with pytest.raises(UnreadableFile) as exc:
        xapi.read(path)
    assert str(exc.value) == "x.json is not valid JSON (Invalid control character at line 1, column 9)."
    lines = tmp_path / "x.jsonl"
    lines.write_text(_STATEMENT % "1" + "\n" + '{"a": "\x01"}\n', encoding="utf-8")
    assert [r.reason for r in xapi.read(lines).rejected] == [
        "line 2 is not valid JSON (Invalid control character at column 8)."
    ]


@pytest.mark.parametrize(
    ("timestamp", "valid"),
    [
        ("2024-04-01T10:00:00Z", True),
        ("2024-04-01T10:00:00+00:00", True),  # +00:00 is UTC
        ("2024-04-01T10:00:00-05:00", True),
        ("2024-04-01T10:00:00-00:30", True),  # half an hour west: not a negative zero
        ("20240401T100000-0100", True),  # basic form
        ("2024-04-01T10:00:00", True),  # no offset: read as UTC, as before
        ("2024-04-01T10:00:00-00:00", False),  # RFC 3339's "offset unknown", which xAPI forbids
        ("2024-04-01T10:00:00-0000", False),
        ("2024-04-01T10:00:00-00", False),
    ],
)
def test_timestamp_offsets(timestamp, valid):
    stmt = {
        "actor": {"mbox": "mailto:ana.perez@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": "https://lms.example.com/courses/python-1"},
        "timestamp": timestamp,
    }
    assert schema.conforms(stmt) is valid
