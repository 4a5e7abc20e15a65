"""A file that cannot be read changes nothing and says why in one sentence, whatever went wrong
while reading it; in a folder the other files still load."""

from __future__ import annotations

import json
import shutil

import pytest

import warehouse
from common import jsonfile
from etl import badges
from etl.load import load_paths

from .conftest import FIXTURES, TINY

GOOD_BADGE = FIXTURES / "ob2-validator-core" / "2_0_basic_assertion.json"


@pytest.fixture
def con(tmp_path):
    c = warehouse.connect(tmp_path / "w.duckdb")
    load_paths(c, [TINY])
    yield c
    c.close()


def test_a_badge_file_nested_too_deep_is_refused_in_one_sentence(con, tmp_path):
    folder = tmp_path / "badges"
    folder.mkdir()
    head = '{"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": "urn:uuid:1", "x": '
    (folder / "deep.json").write_text(head + "[" * 100_000 + "]" * 100_000 + "}")
    (folder / "broken.json").write_text('{"@context": "https://w3id.org/openbadges/v2", "type": "Assertion",,}')
    shutil.copy(GOOD_BADGE, folder / "good.json")
    summaries = {s.file: s for s in load_paths(con, [folder])}
    deep, broken = summaries["deep.json"], summaries["broken.json"]
    assert (
        deep.status == "failed"
        and "nested more than 64 levels deep" in deep.message
        and "Traceback" not in deep.message
    )
    assert str(tmp_path) not in deep.message and deep.message.count(".") <= 3
    assert broken.status == "failed" and "at at" not in broken.message
    assert "line 1, column" in broken.message
    assert summaries["good.json"].status in ("loaded", "failed")  # read on its own (its learner is not in tiny)
    assert summaries["good.json"].kind == "badge"


def test_an_unexpected_error_in_a_reader_fails_that_file_only(con, tmp_path, monkeypatch):
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(GOOD_BADGE, folder / "a-badge.json")
    shutil.copy(TINY / "skills.csv", folder / "skills.csv")

    def broken_reader(path, **kwargs):
        raise RuntimeError(f"reader bug at {path}")

    monkeypatch.setattr(badges, "read", broken_reader)
    summaries = {s.file: s for s in load_paths(con, [folder])}
    failed = summaries["a-badge.json"]
    assert failed.status == "failed"
    assert (
        failed.message
        == "a-badge.json was not loaded: something unexpected went wrong while reading it, and nothing of it was saved."
    )
    assert summaries["skills.csv"].status in ("loaded", "unchanged")
    history = con.execute("select status, message from import_batches where file_name = 'a-badge.json'").fetchall()
    assert history == [("failed", failed.message)]


#: Malformed JSON texts, each with the words its error reads in.
JSON_CASES = [
        ("", "a value is missing or is not JSON"),
        ('{"a": 1 "b": 2}', "a comma or a closing bracket is missing"),
        ('{"a" 1}', "a colon is missing after a key"),
        ('{"a": 1,}', "a key in double quotes is missing (a comma too many?)"),
        ('{"a": "open', "a text value is not closed by a double quote"),
        ('{"a": "line\nbreak"}', "a text value holds a line break or control character"),
        ('{"a": "\\q"}', "a text value holds a backslash escape JSON does not have"),
        ('{"a": "\\u12x4"}', "a text value holds a broken \\u escape"),
        ('{"a": 1} {"b": 2}', "more follows the end of the JSON value"),
        ('{"a": NaN}', "NaN is not a JSON number"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "words"), JSON_CASES)
def test_every_json_syntax_error_reads_in_words(text, words):
    """Each of Python's parser messages that common.jsonfile translates is one a real file can produce."""
    with pytest.raises(jsonfile.JsonProblem) as caught:
        jsonfile.loads(text)
    sentence = caught.value.sentence("x.json")
    assert sentence.startswith("x.json is not valid JSON: " + words), sentence
    assert "Expecting" not in sentence and "Invalid" not in sentence and "at at" not in sentence


def test_every_translated_json_message_is_exercised():
    """Every parser message common.jsonfile translates is the message of one of JSON_CASES' texts."""
    raised = set()
    for text, _ in JSON_CASES:
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raised.add(exc.msg)
    translated = {message for message, _ in jsonfile._WORDS}
    untested = {m for m in translated if not any(r.startswith(m) for r in raised)}
    assert untested == set(), f"translated but no test text raises it: {untested}"


def test_a_file_missing_columns_names_them_and_the_kinds_it_could_have_been(con, tmp_path):
    """A budgets file without its amount column fits no kind: the sentence says what it lacks to be a
    budgets file, and to be the other files closest to it (fx and spend share its currency column)."""
    before = con.execute("select count(*) from import_batches where status = 'loaded'").fetchall()
    budgets = tmp_path / "budgets-2027.csv"
    budgets.write_text("unit,period_start,period_end,currency\ncompany,2027-01-01,2027-12-31,USD\n")
    [s] = load_paths(con, [budgets])
    assert (s.status, s.message) == (
        "failed",
        "budgets-2027.csv is missing columns: it lacks amount to be a budgets file, "
        "month and rate to be an fx file, or date, amount, vendor and category to be a spend file.",
    )
    assert s.line() == "budgets-2027.csv: not loaded. " + s.message
    roster = tmp_path / "staff.csv"  # a roster without e-mail addresses or managers
    roster.write_text("employee_id,full_name,role,team,department\nE9,Ida Ito,Engineer,Platform,Engineering\n")
    [s] = load_paths(con, [roster])
    assert s.message == (
        "staff.csv is missing columns: it lacks email and manager_id to be a roster file, "
        "skill and required_level to be a requirements file, or skill, level and assessed_at to be an assessments file."
    )
    assert con.execute("select count(*) from import_batches where status = 'loaded'").fetchall() == before


def test_a_file_of_no_kind_lists_every_kind_budgets_included(con, tmp_path):
    notes = tmp_path / "notes.csv"
    notes.write_text("hello,world\n1,2\n")
    [s] = load_paths(con, [notes])
    assert s.message == (
        "notes.csv is not an export this product recognises: a company file (roster, skills, catalog, "
        "requirements, goals, fx, budgets, licences, spend, assessments), a Moodle report, xAPI statements, "
        "Open Badges, SCORM Cloud, or a provider CSV with a mapping profile."
    )


def test_a_provider_export_missing_a_column_names_it_and_the_profile(con, tmp_path):
    """A Udemy Business export without its '% Completed' column: 3 of the profile's 4 detect columns,
    closer than the catalog (course_id, 1 of 4)."""
    udemy = tmp_path / "udemy.csv"
    udemy.write_text(
        "User Email,User External ID,Course ID,Course Title,Completion Date\n"
        "bob.baker@tiny.test,E2,C-PY,Python Basics,2024-01-10T11:00:00Z\n"
    )
    [s] = load_paths(con, [udemy])
    assert s.message == (
        "udemy.csv is missing columns: it lacks % Completed to be a Udemy Business course activity, "
        "or title, provider and skills to be a catalog file."
    )
