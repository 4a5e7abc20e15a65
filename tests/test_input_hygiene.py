"""Trust at every edge: bytes that are not text, repeated column titles, JSON too deep or broken,
and uploads that go wrong. Each rejected row keeps a reason a manager can act on; a file that
cannot be read changes nothing and says why in one sentence; no traceback, no server path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import warehouse
from common import jsonfile
from etl import company, moodle, provider, scorm
from etl.load import load_paths
from etl.records import UnreadableFile

from .conftest import TINY

ROSTER_HEADER = "employee_id,full_name,email,role,team,department,manager_id,location,cost_center,hire_date,leave_date"


def _roster(path: Path, last_line: bytes) -> Path:
    """122 people named Björn in UTF-8, then one more line as given."""
    lines = [ROSTER_HEADER.encode()] + [
        f"E{i},Björn {i},b{i}@x.test,Engineer,Platform,Engineering,,Malmö,CC1,2020-01-01,".encode()
        for i in range(1, 123)
    ]
    path.write_bytes(b"\n".join([*lines, last_line]) + b"\n")
    return path


# --------------------------------------------------------------------------- bytes that are not text


def test_company_file_one_bad_byte_rejects_that_row_only(tmp_path):
    path = _roster(tmp_path / "roster.csv", b"E123,Bj\xf6rn 123,b123@x.test,Engineer,Platform,Engineering,,,,,")
    parsed = company.read(path)
    assert parsed.rows_read == 123 and parsed.records.height == 122
    names = parsed.records["full_name"].to_list()
    assert names[0] == "Björn 1" and names[121] == "Björn 122"  # not 'BjÃ¶rn': the file stays UTF-8
    assert parsed.records["location"].to_list() == ["Malmö"] * 122
    [rej] = parsed.rejected
    assert (rej.row_number, rej.reason) == (123, "row 123 is not valid UTF-8 text (byte 0xF6 in column full_name)")
    assert rej.raw == "E123,Bj\\xF6rn 123,b123@x.test,Engineer,Platform,Engineering,,,,,"


def test_company_file_nul_byte_rejects_that_row(tmp_path):
    path = _roster(tmp_path / "roster.csv", b"E123,Nul Person,n\x00@x.test,Engineer,Platform,Engineering,,,,,")
    parsed = company.read(path)
    assert parsed.records.height == 122
    [rej] = parsed.rejected
    assert rej.reason == "row 123 holds a NUL byte (0x00) in column email, which text never holds"
    assert rej.raw == "E123,Nul Person,n\\x00@x.test,Engineer,Platform,Engineering,,,,,"


def test_a_windows_1252_roster_still_reads(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(
        f"{ROSTER_HEADER}\nE1,José Núñez,jose@x.test,Engineer,Platform,Eng,,,,2020-01-01,\n".encode("cp1252")
    )
    parsed = company.read(path)
    assert parsed.records["full_name"].to_list() == ["José Núñez"] and parsed.rejected == []


def test_moodle_report_one_bad_byte_rejects_that_row(tmp_path):
    path = tmp_path / "completion-dl101-20240305_1410-comma_separated.csv"
    path.write_bytes(
        "ID,Name,Email address,Course complete\n"
        '17,Ana Pérez,ana@example.com,"5/03/24, 14:10"\n'
        '18,Bj\xf6rn Li,bjorn@example.com,"6/03/24, 09:00"\n'.encode("latin-1").replace(b"P\xe9rez", "Pérez".encode())
        + '19,Zoë Ng,zoe@example.com,"7/03/24, 10:00"\n'.encode()
    )
    parsed = moodle.read(path)
    assert parsed.records["learner_value"].to_list() == ["ana@example.com", "zoe@example.com"]
    assert "Ana Pérez" in parsed.records["raw"][0]
    [rej] = parsed.rejected
    assert (rej.row_number, rej.reason) == (2, "row 2 is not valid UTF-8 text (byte 0xF6 in column Name)")
    assert rej.raw == '18,Bj\\xF6rn Li,bjorn@example.com,"6/03/24, 09:00"'


def test_moodle_report_may_repeat_an_activity_title(tmp_path):
    path = tmp_path / "completion-dl101-20240305_1410-comma_separated.csv"
    path.write_text(
        "ID,Name,Email address,Quiz,Quiz - Completion date,Quiz,Quiz - Completion date,Course complete\n"
        '17,Ana,ana@example.com,Completed,"4/03/24, 9:00",Completed,"5/03/24, 9:00","5/03/24, 14:10"\n',
        encoding="utf-8",
    )
    assert moodle.read(path).records.height == 1


CORNERSTONE = (
    "User ID,User Full Name,User Email,Training Title,Training Type,LO ID,Transcript Status,"
    "Registered Date,Completion Date,Score\n"
)


def test_provider_csv_one_bad_byte_rejects_that_row(tmp_path):
    path = tmp_path / "cornerstone.csv"
    good = "E1001,Ana Pérez,ana@example.com,Café hygiene,Online Class,LO-1,Completed,01/10/2024,03/05/2024,92\n"
    bad = b"E1002,Bj\xf6rn Li,bjorn@example.com,Safety,Online Class,LO-2,Completed,01/10/2024,03/06/2024,80\n"
    path.write_bytes((CORNERSTONE + good).encode() + bad + good.replace("E1001", "E1003").encode())
    parsed = provider.read(path, "cornerstone")
    assert parsed.rows_read == 3
    assert parsed.records["learner_value"].to_list() == ["E1001", "E1003"]
    assert "Ana Pérez" in parsed.raw_of([0])[0] and "Café hygiene" in parsed.raw_of([0])[0]
    [rej] = parsed.rejected
    assert (rej.row_number, rej.reason) == (2, "row 2 is not valid UTF-8 text (byte 0xF6 in column User Full Name)")
    assert rej.raw == "E1002,Bj\\xF6rn Li,bjorn@example.com,Safety,Online Class,LO-2,Completed,01/10/2024,03/06/2024,80"


def test_provider_csv_nul_byte_rejects_that_row(tmp_path):
    path = tmp_path / "cornerstone.csv"
    rows = [
        "E1001,Ana,ana@example.com,Safety,Online Class,LO-1,Completed,01/10/2024,03/05/2024,92",
        "E1002,Bo\x00,bo@example.com,Safety,Online Class,LO-1,Completed,01/10/2024,03/05/2024,90",
    ]
    path.write_text(CORNERSTONE + "\n".join(rows) + "\n", encoding="utf-8")
    parsed = provider.read(path, "cornerstone")
    assert parsed.records["learner_value"].to_list() == ["E1001"]
    [rej] = parsed.rejected
    assert rej.reason == "row 2 holds a NUL byte (0x00) in column User Full Name, which text never holds"


def test_provider_csv_in_utf16_or_a_profiles_encoding_nul_rejects_that_row(tmp_path):
    rows = [
        "E1001,Ana Pérez,ana@example.com,Safety,Online Class,LO-1,Completed,01/10/2024,03/05/2024,92",
        "E1002,Bo\x00,bo@example.com,Safety,Online Class,LO-1,Completed,01/10/2024,03/05/2024,90",
    ]
    content = CORNERSTONE + "\n".join(rows) + "\n"
    (tmp_path / "excel.csv").write_bytes(content.encode("utf-16"))
    (tmp_path / "latin.csv").write_bytes(content.encode("cp1252"))
    profile = tmp_path / "cornerstone-cp1252.toml"
    builtin = (provider.PROFILE_DIR / "cornerstone.toml").read_text(encoding="utf-8")
    profile.write_text(builtin.replace('time_zone = "UTC"', 'time_zone = "UTC"\nencoding = "cp1252"'), encoding="utf-8")
    for parsed in (
        provider.read(tmp_path / "excel.csv", "cornerstone"),
        provider.read(tmp_path / "latin.csv", profile),
    ):
        assert parsed.records["learner_value"].to_list() == ["E1001"]
        assert "Ana Pérez" in parsed.raw_of([0])[0]
        [rej] = parsed.rejected
        assert rej.reason == "row 2 holds a NUL byte (0x00) in column User Full Name, which text never holds"


def test_scorm_json_entry_with_a_bad_byte_or_nul_is_rejected(tmp_path):
    def reg(n: int, learner: str) -> str:
        return (
            f'{{"id":"reg-{n}","registrationCompletion":"COMPLETED","registrationSuccess":"PASSED",'
            f'"completedDate":"2024-03-05T14:10:02Z","course":{{"id":"dl101"}},"learner":{{"id":"{learner}"}}}}'
        )

    path = tmp_path / "registrations.json"
    path.write_bytes(
        ("[" + reg(1, "E1") + "," + reg(2, "E\udcf62") + "," + reg(3, "E\\u00003") + "]").encode(
            "utf-8", "surrogateescape"
        )
    )
    parsed = scorm.read(path)
    assert parsed.records["learner_value"].to_list() == ["E1"]
    assert [(r.row_number, r.reason) for r in parsed.rejected] == [
        (2, "entry 2 is not valid UTF-8 text (byte 0xF6 in learner.id)"),
        (3, "entry 3 holds a NUL byte (0x00) in learner.id, which text never holds"),
    ]
    assert '"learner":{"id":"E\\xF62"}' in parsed.rejected[0].raw


def test_scorm_csv_row_with_a_bad_byte_is_rejected(tmp_path):
    path = tmp_path / "registrations.csv"
    path.write_bytes(
        "Registration ID,Learner ID,Course ID,Completion,Success,Completed Date\n"
        "reg-1,Björn,dl101,COMPLETED,PASSED,2024-03-05T14:10:02Z\n".encode()
        + b"reg-2,Bj\xf6rn,dl101,COMPLETED,PASSED,2024-03-05T14:10:02Z\n"
    )
    parsed = scorm.read(path)
    assert parsed.records["learner_value"].to_list() == ["Björn"]
    [rej] = parsed.rejected
    assert (rej.row_number, rej.reason) == (2, "row 2 is not valid UTF-8 text (byte 0xF6 in column Learner ID)")
    assert rej.raw == "reg-2,Bj\\xF6rn,dl101,COMPLETED,PASSED,2024-03-05T14:10:02Z"


# --------------------------------------------------------------------------- repeated column titles


def test_company_file_with_two_email_columns_is_refused(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER_HEADER + ",Email\nE1,Ana,a@x.test,Engineer,P,Eng,,,,2020-01-01,,b@x.test\n")
    with pytest.raises(UnreadableFile) as info:
        company.read(path)
    assert str(info.value) == (
        "roster.csv has two columns named 'Email' (columns 3 and 12), so which one holds the values is unclear; "
        "rename or remove one."
    )


def test_provider_csv_with_a_repeated_column_is_refused(tmp_path):
    path = tmp_path / "cornerstone.csv"
    path.write_text(
        CORNERSTONE.replace(",Score", ",User ID")
        + "E1001,Ana,ana@example.com,Safety,Online Class,LO-1,Completed,01/10/2024,03/05/2024,E9\n"
    )
    with pytest.raises(UnreadableFile) as info:
        provider.read(path, "cornerstone")
    assert str(info.value) == (
        "cornerstone.csv has two columns named 'User ID' (columns 1 and 10), so which one holds the values is "
        "unclear; rename or remove one."
    )


def test_scorm_csv_with_a_repeated_column_is_refused(tmp_path):
    path = tmp_path / "registrations.csv"
    path.write_text("Registration ID,Learner ID,Course ID,Completion,Learner ID\nreg-1,E1,dl101,COMPLETED,E2\n")
    with pytest.raises(
        UnreadableFile, match=r"^registrations\.csv has two columns named 'Learner ID' \(columns 2 and 5\)"
    ):
        scorm.read(path)


def test_a_header_with_a_bad_byte_is_refused(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(b"employee_id,full_n\xe4me,email\nE1,Ana,a@x.test\n" + "E2,Åsa,å@x.test\n".encode())
    with pytest.raises(UnreadableFile) as info:
        company.read(path)
    assert str(info.value) == (
        "roster.csv cannot be read: the header row is not valid UTF-8 text (byte 0xE4 in column 2)."
    )


# --------------------------------------------------------------------------- JSON


def _deep(levels: int) -> str:
    return '{"registrations":' + "[" * (levels - 1) + "]" * (levels - 1) + "}"


def _deep_scorm() -> str:
    """A SCORM Cloud page (its sniffer knows it) whose one registration nests 100 levels deep."""
    return '{"registrations": [{"registrationCompletion": "COMPLETED", "x": ' + "[" * 97 + "]" * 97 + "}]}"


def test_json_nested_too_deep_is_refused_in_one_sentence(tmp_path):
    (tmp_path / "deep.json").write_text(_deep(100))
    with pytest.raises(UnreadableFile) as info:
        scorm.read(tmp_path / "deep.json")
    assert (
        str(info.value)
        == "deep.json is nested more than 64 levels deep, deeper than any real export, so it was not read."
    )
    (tmp_path / "deeper.json").write_text(_deep(200_000))  # past Python's own recursion limit
    with pytest.raises(UnreadableFile, match=r"^deeper\.json is nested more than 64 levels deep"):
        scorm.read(tmp_path / "deeper.json")


def test_json_helper_depth_and_words():
    assert jsonfile.loads("[" * 64 + "]" * 64) is not None  # 64 levels are allowed
    with pytest.raises(jsonfile.JsonProblem) as info:
        jsonfile.loads("[" * 65 + "]" * 65)
    assert info.value.too_deep
    assert jsonfile.loads('{"a": "[[[[[[", "b": [1]}') == {"a": "[[[[[[", "b": [1]}  # brackets in text are text
    cases = {
        '{"a": 1,\n "b" 2}': "x.json is not valid JSON: a colon is missing after a key at line 2, column 6.",
        "[1, 2,]": "x.json is not valid JSON: a value is missing or is not JSON (text must be in double quotes) "
        "at line 1, column 7.",
        '{"a": 1,}': "x.json is not valid JSON: a key in double quotes is missing (a comma too many?) at line 1, column 9.",
        '["abc': "x.json is not valid JSON: a text value is not closed by a double quote at line 1, column 2.",
        "[NaN]": "x.json is not valid JSON: NaN is not a JSON number.",
    }
    for text, sentence in cases.items():
        with pytest.raises(jsonfile.JsonProblem) as info:
            jsonfile.loads(text)
        assert info.value.sentence("x.json") == sentence
        assert " at at " not in sentence
    with pytest.raises(jsonfile.JsonProblem) as info:
        jsonfile.loads('{"a" 1}')
    assert info.value.reason("line 4") == "line 4 is not valid JSON: a colon is missing after a key at column 6"


def test_in_a_folder_the_other_files_still_load(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    for f in TINY.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    regs = [
        {
            "id": "reg-E2-py",
            "registrationCompletion": "COMPLETED",
            "registrationSuccess": "PASSED",
            "completedDate": "2025-05-01T10:00:00Z",
            "course": {"id": "C-PY"},
            "learner": {"id": "E2"},
        }
    ]
    (folder / "scorm-good.json").write_text(json.dumps({"registrations": regs}))
    (folder / "scorm-deep.json").write_text(_deep_scorm())
    con = warehouse.connect(tmp_path / "w.duckdb")
    try:
        summaries = {s.file: s for s in load_paths(con, [folder])}
        deep, good = summaries["scorm-deep.json"], summaries["scorm-good.json"]
        assert (deep.status, deep.message) == (
            "failed",
            "scorm-deep.json is nested more than 64 levels deep, deeper than any real export, so it was not read.",
        )
        assert (good.status, good.rows_loaded) == ("loaded", 1)
        assert summaries["roster.csv"].status == "loaded"
    finally:
        con.close()


# --------------------------------------------------------------------------- the upload page


@pytest.fixture
def upload_db(tmp_path, monkeypatch):
    """An empty warehouse the upload page writes to (the company files are uploaded with the records)."""
    monkeypatch.setenv("UPSKILL_DB", str(tmp_path / "up.duckdb"))
    return tmp_path / "up.duckdb"


def _company_files() -> list[tuple[str, bytes]]:
    return [(f.name, f.read_bytes()) for f in sorted(TINY.iterdir())]


def _good_scorm() -> bytes:
    reg = {
        "id": "reg-E2-py",
        "registrationCompletion": "COMPLETED",
        "registrationSuccess": "PASSED",
        "completedDate": "2025-05-01T10:00:00Z",
        "course": {"id": "C-PY"},
        "learner": {"id": "E2"},
    }
    return json.dumps({"registrations": [reg]}).encode()


def _no_path_no_traceback(message: str) -> None:
    assert "/tmp" not in message and "upskill-upload-" not in message and "Traceback" not in message, message
    assert message.count(". ") == 0 and message.endswith("."), message  # one sentence


def test_upload_of_a_broken_file_says_one_sentence(upload_db):
    from app import uploads

    summaries = uploads.load_uploads(
        [*_company_files(), ("deep.json", _deep_scorm().encode()), ("scorm.json", _good_scorm())]
    )
    by_file = {s.file: s for s in summaries}
    assert (by_file["deep.json"].status, by_file["deep.json"].message) == (
        "failed",
        "deep.json is nested more than 64 levels deep, deeper than any real export, so it was not read.",
    )
    assert (by_file["scorm.json"].status, by_file["scorm.json"].rows_loaded) == ("loaded", 1)
    for s in summaries:
        if s.message:
            _no_path_no_traceback(s.message)


def test_upload_an_unexpected_error_is_one_sentence_and_the_rest_loads(upload_db, monkeypatch):
    from app import uploads

    def explode(path, **options):
        raise RuntimeError(f"internal failure at {path}\nTraceback (most recent call last): ...")

    monkeypatch.setattr(scorm, "read", explode)
    summaries = uploads.load_uploads([*_company_files(), ("scorm.json", _good_scorm())])
    by_file = {s.file: s for s in summaries}
    assert (by_file["scorm.json"].status, by_file["scorm.json"].message) == (
        "failed",
        "scorm.json was not loaded: something unexpected went wrong while reading it, and nothing of it was saved.",
    )
    assert by_file["roster.csv"].status == "loaded"
    con = warehouse.connect(upload_db, read_only=True)
    try:
        assert con.execute("select count(*) from completion_records").fetchall() == [(0,)]
        assert con.execute("select count(*) from employees").fetchall() == [(5,)]
    finally:
        con.close()


def test_upload_an_error_naming_a_server_path_shows_the_file_name(upload_db, monkeypatch):
    from app import uploads

    def refuse(path, **options):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(scorm, "read", refuse)
    [s] = uploads.load_uploads([("scorm.json", _good_scorm())])
    assert (s.status, s.message) == (
        "failed",
        "scorm.json could not be read ([Errno 13] Permission denied: 'scorm.json').",
    )


def test_upload_when_the_warehouse_cannot_be_opened(upload_db, monkeypatch):
    from app import data, uploads

    def busy(*args, **kwargs):
        raise OSError(f"cannot lock {upload_db}")

    monkeypatch.setattr(data, "write_connection", busy)
    [s] = uploads.load_uploads([("scorm.json", _good_scorm())])
    assert (s.status, s.message) == (
        "failed",
        "scorm.json was not loaded because the warehouse is busy or could not be opened; "
        "try the upload again in a moment.",
    )
