"""Provider CSVs read through mapping profiles (etl/provider/, etl/profiles/*.toml).

Expected values are worked out by hand from the fixture files in
tests/fixtures/provider/.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from etl import provider
from etl.records import LEARNING_SCHEMA, UnreadableFile

FIX = Path(__file__).parent / "fixtures" / "provider"
DOCS = Path(__file__).parent.parent / "docs" / "mapping-profiles.md"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def by_row(parsed) -> dict[int, dict]:
    return {r["row_number"]: r for r in parsed.records.iter_rows(named=True)}


def reasons(parsed) -> dict[int, str]:
    return {r.row_number: r.reason for r in parsed.rejected}


def file_lines(name: str, encoding: str = "utf-8-sig") -> list[str]:
    """Data lines of a fixture (header dropped, blank lines dropped), as written in the file."""
    lines = (FIX / name).read_text(encoding=encoding).splitlines()
    return [line for line in lines[1:] if line.strip()]


# --------------------------------------------------------------------------- built-in profiles


def test_builtin_profiles_are_the_three_vendors():
    profiles = {p.path.name: p for p in provider.builtin_profiles()}
    assert sorted(profiles) == ["cornerstone.toml", "linkedin_learning.toml", "udemy_business.toml"]
    assert profiles["linkedin_learning.toml"].vendor == "LinkedIn Learning"
    assert profiles["udemy_business.toml"].vendor == "Udemy Business"
    assert profiles["cornerstone.toml"].vendor == "Cornerstone"
    assert profiles["cornerstone.toml"].status_map["completed equivalent"] == "completed"
    assert profiles["cornerstone.toml"].status_map["in progress / past due"] == "in_progress"
    assert "withdrawn" not in profiles["cornerstone.toml"].status_map


# --------------------------------------------------------------------------- LinkedIn Learning


def test_linkedin_records_status_rules_and_pacific_time():
    parsed = provider.read(FIX / "linkedin_learning.csv")
    assert parsed.kind == "provider"
    assert parsed.profile.vendor == "LinkedIn Learning"
    assert dict(parsed.records.schema) == LEARNING_SCHEMA
    # 8 data rows; the blank line between rows 6 and 7 is not a record
    assert parsed.rows_read == 8
    rows = by_row(parsed)
    assert sorted(rows) == [1, 2, 3, 4, 8]

    ana = rows[1]
    assert ana["learner_kind"] == "email"
    assert ana["learner_value"] == "Ana.Perez@Example.com"  # as written; resolution happens later
    assert ana["learner_salt"] is None
    assert ana["course_key"] == "urn:li:lyndaCourse:1234567"
    assert ana["status"] == "completed"
    assert ana["completed_at"] == utc(2024, 7, 1, 17, 0)  # 10:00 PDT (UTC-7)
    assert ana["score"] is None and ana["expires_at"] is None
    assert ana["source_record_id"] == "linkedin:ana.perez@example.com:urn:li:lyndaCourse:1234567"

    assert rows[2]["completed_at"] == utc(2024, 1, 15, 18, 0)  # 10:00 PST (UTC-8)

    chen = rows[3]  # 45 % and no completion date: in progress, dated by Last Viewed (PDT)
    assert chen["status"] == "in_progress"
    assert chen["completed_at"] == utc(2024, 3, 20, 16, 15)

    dana = rows[4]  # 0 % and no dates: enrolled, no date; the e-mail is trimmed
    assert dana["status"] == "enrolled"
    assert dana["completed_at"] is None
    assert dana["learner_value"] == "dana.ng@example.com"
    assert dana["source_record_id"] == "linkedin:dana.ng@example.com:urn:li:lyndaCourse:4567890"

    # 01:30 on 3 Nov 2024 happens twice in Los Angeles; the first one (PDT) is taken
    assert rows[8]["completed_at"] == utc(2024, 11, 3, 8, 30)


def test_linkedin_rejected_rows_say_why():
    parsed = provider.read(FIX / "linkedin_learning.csv")
    assert reasons(parsed) == {
        5: "Email is empty, so the learner is unknown",
        6: "Completion Date (PST/PDT) '2024-13-01 10:00:00' is not a date in any of the patterns "
        "%Y-%m-%d %H:%M:%S, %Y-%m-%d %H:%M or %Y-%m-%d",
        7: "Completion Date (PST/PDT) '2024-03-10 02:30:00' is not a time that exists in "
        "America/Los_Angeles (the clocks skip that hour)",
    }


def raw_texts(parsed) -> list[str]:
    """The verbatim text of every record, in order (what the loader keeps for a rejected row)."""
    return parsed.raw_of(list(range(parsed.records.height)))


def test_raw_is_the_row_as_written_for_loaded_and_rejected_rows():
    parsed = provider.read(FIX / "linkedin_learning.csv")
    lines = file_lines("linkedin_learning.csv")
    assert parsed.records["raw"].null_count() == parsed.records.height  # written back only when asked
    raw = dict(zip(parsed.records["row_number"].to_list(), raw_texts(parsed), strict=False))
    raw.update({r.row_number: r.raw for r in parsed.rejected})
    assert raw == dict(enumerate(lines, start=1))
    # quoted values survive: a comma in a title, doubled quotes
    assert raw[1].startswith('Ana,Pérez,Ana.Perez@Example.com,8f3a1c,Engineering,"Learning Python, 2nd Edition",')
    assert '"Excel: ""Power"" Tips"' in raw[3]


def test_utf16_export_is_read():
    parsed = provider.read(FIX / "linkedin_utf16.csv")
    assert parsed.profile.vendor == "LinkedIn Learning"
    assert parsed.rows_read == 1
    row = parsed.records.row(0, named=True)
    assert row["learner_value"] == "zoe.brandt@example.com"
    assert row["completed_at"] == utc(2024, 7, 1, 17, 0)
    assert raw_texts(parsed)[0].startswith("Zoë,Brandt,")
    assert not raw_texts(parsed)[0].endswith("\r")


def test_customer_profile_with_more_detect_columns_wins_and_default_record_id():
    custom = provider.load_profile(FIX / "linkedin_by_user_id.toml")
    parsed = provider.read(FIX / "linkedin_learning.csv", custom)
    row = by_row(parsed)[1]
    assert row["learner_kind"] == "account"
    assert row["learner_value"] == "8f3a1c"
    # no source_record_id in the profile: vendor slug, learner, course
    assert row["source_record_id"] == "linkedin-learning:8f3a1c:urn:li:lyndaCourse:1234567"
    # Eve's row has an empty e-mail but a user id, so it is usable with this profile
    assert by_row(parsed)[5]["learner_value"] == "8f3a20"


# --------------------------------------------------------------------------- Udemy Business


def test_udemy_records():
    parsed = provider.read(FIX / "udemy_business.csv")
    assert parsed.profile.vendor == "Udemy Business"
    assert parsed.rows_read == 7
    rows = by_row(parsed)
    assert sorted(rows) == [1, 2, 3, 7]
    assert rows[1]["learner_kind"] == "employee_id"
    assert (rows[1]["learner_value"], rows[1]["course_key"], rows[1]["status"], rows[1]["completed_at"]) == (
        "E1001",
        "4312876",
        "completed",
        utc(2024, 3, 5, 14, 7),
    )
    assert rows[1]["source_record_id"] == "udemy:E1001:4312876"
    # 37.5 % and no completion date: in progress at Course Last Accessed Date
    assert (rows[2]["status"], rows[2]["completed_at"]) == ("in_progress", utc(2024, 2, 12, 18, 30))
    assert (rows[3]["status"], rows[3]["completed_at"]) == ("enrolled", None)
    # fractions of a second are kept
    assert rows[7]["completed_at"] == utc(2024, 3, 6, 9, 0, 0, 250000)
    assert reasons(parsed) == {
        4: "Course ID is empty, so the course is unknown",
        5: "% Completed 'n/a' is not a number",
        6: "Completion Date '2024/03/05 14:07' is not a date in any of the patterns "
        "%Y-%m-%dT%H:%M:%SZ or %Y-%m-%dT%H:%M:%S.%fZ",
    }


def test_header_names_match_whatever_their_case_and_spaces():
    parsed = provider.read(FIX / "udemy_header_case.csv")
    assert parsed.profile.vendor == "Udemy Business"
    row = parsed.records.row(0, named=True)
    assert (row["learner_value"], row["course_key"], row["status"]) == ("E1001", "4312876", "completed")
    assert row["source_record_id"] == "udemy:E1001:4312876"
    assert raw_texts(parsed)[0] == file_lines("udemy_header_case.csv")[0]


def test_row_longer_than_header_is_rejected_not_the_file():
    parsed = provider.read(FIX / "udemy_ragged.csv")
    assert parsed.rows_read == 3
    assert sorted(by_row(parsed)) == [1, 3]
    assert by_row(parsed)[3]["status"] == "in_progress"
    assert reasons(parsed) == {
        2: "the row has 13 values but the header has 12 columns (a value probably contains an unquoted delimiter)"
    }
    assert parsed.rejected[0].raw == file_lines("udemy_ragged.csv")[1]


# --------------------------------------------------------------------------- Cornerstone


def test_cornerstone_status_words_and_scores():
    parsed = provider.read(FIX / "cornerstone.csv")
    assert parsed.profile.vendor == "Cornerstone"
    assert parsed.rows_read == 11
    rows = by_row(parsed)
    got = {n: (r["learner_value"], r["status"], r["completed_at"], r["score"]) for n, r in rows.items()}
    assert got == {
        1: ("E1001", "completed", utc(2024, 3, 5), 92.0),
        2: ("E1002", "failed", utc(2024, 2, 15), 55.0),
        3: ("E1003", "in_progress", None, None),
        4: ("E1004", "enrolled", None, None),
        7: ("E1007", "completed", utc(2024, 2, 21), None),  # "completed equivalent": case does not matter
    }
    assert rows[1]["course_key"] == "5f1c2a9e-3b7d-4e21-9c1a-1d2e3f4a5b6c"
    assert rows[1]["source_record_id"] == "cornerstone:E1001:5f1c2a9e-3b7d-4e21-9c1a-1d2e3f4a5b6c"


def test_cornerstone_rejected_rows():
    parsed = provider.read(FIX / "cornerstone.csv")
    no_outcome = "carries no learning outcome (the profile's [status] list does not name it)"
    assert reasons(parsed) == {
        5: f"Transcript Status 'Withdrawn' {no_outcome}",
        6: "Completion Date '2024-03-05' is not a date in any of the patterns "
        "%m/%d/%Y, %m/%d/%Y %H:%M or %m/%d/%Y %I:%M %p",
        8: "Score 105 is outside 0..100",
        9: "User ID is empty, so the learner is unknown",
        10: f"Transcript Status 'Exempt' {no_outcome}",
        11: "Score 'ninety' is not a number",
    }
    assert parsed.rejected[0].raw == file_lines("cornerstone.csv")[4]


def test_cornerstone_windows_1252_export():
    parsed = provider.read(FIX / "cornerstone_cp1252.csv", "cornerstone")
    row = parsed.records.row(0, named=True)
    assert (row["learner_value"], row["score"], row["completed_at"]) == ("E1001", 100.0, utc(2024, 3, 5))
    assert "Ana Pérez" in raw_texts(parsed)[0] and "Café hygiene" in raw_texts(parsed)[0]


def test_header_only_file_has_no_records():
    parsed = provider.read(FIX / "cornerstone_header_only.csv")
    assert parsed.rows_read == 0
    assert parsed.records.height == 0
    assert dict(parsed.records.schema) == LEARNING_SCHEMA
    assert parsed.rejected == []


# --------------------------------------------------------------------------- a profile written by a user


def test_docebo_like_custom_profile():
    parsed = provider.read(FIX / "docebo_users_courses.csv", FIX / "docebo.toml")
    assert parsed.profile.vendor == "Docebo"
    assert parsed.rows_read == 6
    rows = by_row(parsed)
    got = {
        n: (
            r["learner_kind"],
            r["learner_value"],
            r["course_key"],
            r["status"],
            r["completed_at"],
            r["score"],
            r["source_record_id"],
        )
        for n, r in rows.items()
    }
    assert got == {
        # 14:07 in Rome in March is CET (UTC+1); 8.5 out of 10 is 85
        1: ("account", "a.perez", "gdpr-101", "completed", utc(2024, 3, 5, 13, 7), 85.0, "docebo:a.perez:GDPR-101"),
        # 09:30 in July is CEST (UTC+2)
        2: ("account", "BO.LI", "gdpr-101", "passed", utc(2024, 7, 1, 7, 30), 100.0, "docebo:bo.li:GDPR-101"),
        # no completion date: the last access date (a bare date, midnight in Rome) is used
        3: ("account", "c.wu", "LEAD-2", "in_progress", utc(2024, 6, 19, 22, 0), None, "docebo:c.wu:LEAD-2"),
        4: ("account", "d.ng", "LEAD-2", "failed", utc(2024, 6, 21, 14, 0), 40.0, "docebo:d.ng:LEAD-2"),
    }
    assert reasons(parsed) == {
        5: "Enrollment Status 'Suspended' carries no learning outcome (the profile's [status] list does not name it)",
        6: "Final Score (0-10) 12 is outside 0..10",
    }
    # raw lines use commas, like every rejected row, whatever the file's delimiter
    assert parsed.rejected[0].raw == (
        "e.ro,Eve Ro,eve@example.com,LEAD-2,Leading hybrid teams,ILT,Suspended,15/05/2024,,,"
    )


def test_docebo_file_is_not_recognised_without_its_profile():
    with pytest.raises(UnreadableFile) as exc:
        provider.read(FIX / "docebo_users_courses.csv")
    assert str(exc.value) == (
        "no mapping profile recognises the columns of docebo_users_courses.csv; "
        "write one (see docs/mapping-profiles.md)."
    )


def test_profile_examples_in_the_user_documentation_load_and_work(tmp_path):
    text = DOCS.read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, flags=re.S)
    full = [b for b in blocks if re.search(r"^name\s*=", b, flags=re.M)]
    assert full, "the documentation shows at least one complete profile"
    loaded = []
    for i, block in enumerate(full):
        path = tmp_path / f"doc_profile_{i}.toml"
        path.write_text(block, encoding="utf-8")
        loaded.append(provider.load_profile(path))
    # the worked example is the Docebo profile of the fixtures, key for key
    fixture_profile = provider.load_profile(FIX / "docebo.toml")
    assert same_profile(loaded[0], fixture_profile)
    # the built-in profiles quoted for reference are the shipped ones
    shipped = {p.name: p for p in provider.builtin_profiles()}
    for quoted in loaded[1:]:
        assert same_profile(quoted, shipped[quoted.name])


def same_profile(a, b) -> bool:
    return {k: v for k, v in vars(a).items() if k != "path"} == {k: v for k, v in vars(b).items() if k != "path"}


def test_dates_with_an_offset_ignore_the_profile_time_zone():
    profile = replace(provider.load_profile(FIX / "docebo.toml"), date_formats=("%Y-%m-%dT%H:%M:%S%z", "%d/%m/%Y"))
    frame = pl.DataFrame({"d": ["2024-03-05T14:07:00+0100", "2024-03-05T14:07:00-0500", "05/03/2024"]})
    got = frame.select(**provider._date_exprs(pl.col("d"), "x", profile))["x"].to_list()
    assert got == [utc(2024, 3, 5, 13, 7), utc(2024, 3, 5, 19, 7), utc(2024, 3, 4, 23, 0)]


# --------------------------------------------------------------------------- files that cannot be read


def test_unrecognised_columns():
    with pytest.raises(UnreadableFile) as exc:
        provider.read(FIX / "unknown_lms.csv")
    assert str(exc.value) == (
        "no mapping profile recognises the columns of unknown_lms.csv; write one (see docs/mapping-profiles.md)."
    )


def test_forced_profile_names_the_missing_columns():
    with pytest.raises(UnreadableFile) as exc:
        provider.read(FIX / "unknown_lms.csv", "cornerstone")
    assert str(exc.value) == (
        "unknown_lms.csv lacks the columns 'User ID', 'LO ID', 'Completion Date', "
        "'Transcript Status' and 'Score' that profile 'Cornerstone transcript' reads."
    )


def test_empty_file():
    with pytest.raises(UnreadableFile) as exc:
        provider.read(FIX / "empty.csv", "cornerstone")
    assert str(exc.value) == "empty.csv is empty."


def test_unknown_profile_name():
    with pytest.raises(UnreadableFile) as exc:
        provider.read(FIX / "cornerstone.csv", "moodle")
    assert "there is no mapping profile called 'moodle'" in str(exc.value)


def test_broken_profile_toml():
    with pytest.raises(UnreadableFile) as exc:
        provider.load_profile(FIX / "broken.toml")
    assert str(exc.value).startswith("profile broken.toml is not valid TOML: ")
    assert "line 2" in str(exc.value)


def test_profile_without_learner_column():
    with pytest.raises(UnreadableFile) as exc:
        provider.read(FIX / "cornerstone.csv", FIX / "no_learner.toml")
    assert str(exc.value) == "profile no_learner.toml: [columns] learner is missing."


def test_missing_profile_file():
    with pytest.raises(UnreadableFile) as exc:
        provider.load_profile(FIX / "nowhere.toml")
    assert str(exc.value) == "profile nowhere.toml does not exist."


GOOD = """name = "Mini"
vendor = "Mini LMS"
learner_kind = "email"
date_formats = ["%Y-%m-%d"]
{top}
[detect]
columns = ["Mail", "Course"]

[columns]
learner = "Mail"
course = "Course"
completion_date = "Done"
{columns}
{rest}
"""


@pytest.mark.parametrize(
    ("top", "columns", "rest", "message"),
    [
        ("", "", "", None),
        (
            "",
            'lerner = "Mail"',
            "",
            "[columns] lerner is not a known key (known keys: learner, course, completion_date, status, score, "
            "progress, last_activity_date)",
        ),
        (
            "",
            'time_zone = "UTC"',
            "",
            "[columns] time_zone is not a known key (known keys: learner, course, "
            "completion_date, status, score, progress, last_activity_date); settings that are not column names go "
            "above the first [section]",
        ),
        (
            'time_zone = "Mars/Olympus"',
            "",
            "",
            "time_zone 'Mars/Olympus' is not a time zone name such as UTC, Europe/Berlin or America/Los_Angeles",
        ),
        (
            "",
            "",
            '[status]\ncompleted = ["Done"]',
            "[status] lists status words, but [columns] status does not say which column holds them",
        ),
        (
            "",
            'status = "State"',
            "",
            "[status] is missing, but [columns] status is set; list the status words under [status]",
        ),
        (
            "",
            'status = "State"',
            '[status]\ncompleted = ["Done"]\nfailed = ["done"]',
            "[status] 'done' is listed under both completed and failed",
        ),
        (
            "",
            'status = "State"',
            '[status]\nfinished = ["Done"]',
            "[status] finished is not a known key (known keys: enrolled, in_progress, completed, passed, failed)",
        ),
        (
            "",
            'status = "State"\nprogress = "Pct"',
            '[status]\ncompleted = ["Done"]',
            "[columns] progress is only used when there is no [columns] status; remove one of them",
        ),
        (
            "score_scale = 10",
            "",
            "",
            "score_scale is set, but [columns] score does not say which column holds the score",
        ),
        (
            "score_scale = 0",
            'score = "Points"',
            "",
            "score_scale must be a number above 0 (the best possible score), not 0",
        ),
        (
            'source_record_id = "mini:{Mail|lowercase}"',
            "",
            "",
            "source_record_id uses '|lowercase', but only |lower and |upper are known",
        ),
        (
            'source_record_id = "mini"',
            "",
            "",
            "source_record_id names no column; write column names in braces, such as mylms:{Email|lower}:{Course ID}",
        ),
        ('source_record_id = "mini:{Mail"', "", "", "source_record_id has a { or } without its partner"),
        (
            'delimiter = ";;"',
            "",
            "",
            'delimiter ";;" must be one character such as "," or ";" (or the word comma, semicolon, tab or pipe)',
        ),
        ("", "", '[dates]\nformat = "%Y"', "[dates] is not a known section (use [detect], [columns], [status])"),
    ],
)
def test_profile_mistakes_name_the_key(tmp_path, top, columns, rest, message):
    path = tmp_path / "my.toml"
    path.write_text(GOOD.format(top=top, columns=columns, rest=rest), encoding="utf-8")
    if message is None:
        assert provider.load_profile(path).vendor == "Mini LMS"
        return
    with pytest.raises(UnreadableFile) as exc:
        provider.load_profile(path)
    assert str(exc.value) == f"profile my.toml: {message}."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'name = "M"\nvendor = "V"\nlearner_kind = "badge"\ndate_formats = ["%Y"]\n'
            '[detect]\ncolumns = ["A"]\n[columns]\nlearner = "A"\ncourse = "B"\ncompletion_date = "C"\n',
            "learner_kind 'badge' must be one of employee_id, email, account",
        ),
        (
            'name = "M"\nvendor = "V"\nlearner_kind = "email"\ndate_formats = ["YYYY-MM-DD"]\n'
            '[detect]\ncolumns = ["A"]\n[columns]\nlearner = "A"\ncourse = "B"\ncompletion_date = "C"\n',
            "date_formats 'YYYY-MM-DD' is not a date pattern this tool can read (write it with codes such as "
            "%Y-%m-%d %H:%M:%S)",
        ),
        (
            'name = "M"\nvendor = "V"\nlearner_kind = "email"\ndate_formats = ["%Y"]\n'
            '[detect]\ncolumns = []\n[columns]\nlearner = "A"\ncourse = "B"\ncompletion_date = "C"\n',
            '[detect] columns must be a list of texts in quotes, such as ["A", "B"]',
        ),
        (
            'name = "M"\nvendor = "V"\nlearner_kind = "email"\ndate_formats = ["%Y"]\n'
            '[detect]\ncolumns = ["A"]\n[columns]\nlearner = 7\ncourse = "B"\ncompletion_date = "C"\n',
            "[columns] learner must be text in quotes, not 7",
        ),
        (
            'name = "M"\nlearner_kind = "email"\ndate_formats = ["%Y"]\n'
            '[detect]\ncolumns = ["A"]\n[columns]\nlearner = "A"\ncourse = "B"\ncompletion_date = "C"\n',
            "vendor is missing",
        ),
        (
            'name = "M"\nvendor = "V"\nlearner_kind = "email"\n'
            '[detect]\ncolumns = ["A"]\n[columns]\nlearner = "A"\ncourse = "B"\ncompletion_date = "C"\n',
            "date_formats is missing",
        ),
    ],
)
def test_more_profile_mistakes(tmp_path, text, message):
    path = tmp_path / "my.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UnreadableFile) as exc:
        provider.load_profile(path)
    assert str(exc.value) == f"profile my.toml: {message}."


def test_tab_delimiter_word():
    # a tab is hard to see in a text editor, so the word "tab" is accepted too
    reader = provider._ProfileReader("x.toml")
    assert reader.delimiter("tab") == "\t"
    assert reader.delimiter("\t") == "\t"
    assert reader.delimiter(";") == ";"


# --------------------------------------------------------------------------- matching and sniffing

LINKEDIN_HEADER = (
    "First Name,Last Name,Email,Unique User ID,Group,Content Title,Content ID,Content Type,"
    "Content Provider,Percent Completed,Completion Date (PST/PDT),Last Viewed (PST/PDT),Hours Viewed"
)


def test_match_profile_ignores_case_and_spaces():
    header = [" email", "CONTENT ID ", "percent completed", "Completion Date (pst/pdt)"]
    assert provider.match_profile(header).vendor == "LinkedIn Learning"
    assert provider.match_profile(["Email", "Content ID"]) is None
    assert provider.match_profile(LINKEDIN_HEADER.split(","), profiles=[]) is None


def test_most_specific_profile_wins():
    custom = provider.load_profile(FIX / "linkedin_by_user_id.toml")
    profiles = [*provider.builtin_profiles(), custom]
    assert provider.match_profile(LINKEDIN_HEADER.split(","), profiles) is custom
    without_user_id = [h for h in LINKEDIN_HEADER.split(",") if h != "Unique User ID"]
    assert provider.match_profile(without_user_id, profiles).name == "LinkedIn Learning learner detail"


def test_sniff():
    assert provider.sniff("report.csv", LINKEDIN_HEADER + "\nAna,Pérez,ana@example.com,...\n")
    assert provider.sniff("x.csv", (FIX / "udemy_business.csv").read_text(encoding="utf-8")[:300])
    assert provider.sniff("x.csv", (FIX / "cornerstone.csv").read_text(encoding="utf-8")[:300])
    # a Moodle course completion report, a Docebo export and a non-CSV are someone else's
    assert not provider.sniff(
        "completion-dl101-20240305_1410-comma_separated.csv",
        "ID,Name,Email address,Safety quiz,Safety quiz - Completion date,Course complete\n",
    )
    assert not provider.sniff("x.csv", (FIX / "docebo_users_courses.csv").read_text(encoding="utf-8")[:300])
    assert not provider.sniff("statements.json", '[{"actor": {"mbox": "mailto:ana@example.com"}}]')
    assert not provider.sniff("empty.csv", "")


# --------------------------------------------------------------------------- dry run on the command line


def test_command_line_dry_run(capsys):
    assert provider.main(["--profile", str(FIX / "docebo.toml"), str(FIX / "docebo_users_courses.csv")]) == 0
    out = capsys.readouterr().out
    assert "profile: Docebo users and courses (vendor Docebo)" in out
    assert "rows read: 6, usable: 4, rejected: 2" in out
    assert "row 6: Final Score (0-10) 12 is outside 0..10" in out
    assert provider.main([str(FIX / "unknown_lms.csv")]) == 1
    assert "no mapping profile recognises" in capsys.readouterr().err


def test_result_frame_types():
    parsed = provider.read(FIX / "cornerstone.csv")
    assert parsed.records["completed_at"].dtype == pl.Datetime("us", "UTC")
    assert parsed.records["row_number"].dtype == pl.Int64
