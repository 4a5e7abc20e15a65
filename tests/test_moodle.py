"""Moodle reader: legacy course completion report and report-builder participants report."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from etl import moodle, records
from etl.records import UnreadableFile

FIX = Path(__file__).parent / "fixtures" / "moodle"
EN = FIX / "completion-dl101-20240305_1410-comma_separated.csv"
EN_US = FIX / "completion-sec-aware_2-20240402_0900-comma_separated.csv"
FR_UTF16 = FIX / "completion-s__curit___incendie-20240315_0815-comma_separated.csv"
JA = FIX / "completion-ja_course-20240310_0815-comma_separated.csv"
BROKEN = FIX / "completion-broken-20240305_1410-comma_separated.csv"
EMPTY = FIX / "completion-empty-20240305_1410-comma_separated.csv"
NO_EMAIL = FIX / "completion-noemail-20240305_1410-comma_separated.csv"
NO_ID = FIX / "completion-noid-20240305_1410-comma_separated.csv"
PARTICIPANTS = FIX / "course_participants.csv"
PARTICIPANTS_DE = FIX / "kursteilnehmer.csv"
PARTICIPANTS_NO_USER = FIX / "participants_no_user.csv"
ROSTER = FIX / "roster.csv"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def rows(parsed: records.Parsed, *cols: str) -> list[tuple]:
    return parsed.records.select(cols).rows()


def head_of(path: Path) -> str:
    """What the sniffing caller hands over: the decoded start of the file, BOM stripped."""
    return records.read_text(path)[:65536]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- legacy report


def test_en_legacy_report_ambiguous_dates_read_day_first():
    parsed = moodle.read(EN)
    assert parsed.kind == "moodle"
    assert parsed.rows_read == 4
    assert parsed.rejected == []
    assert parsed.records.schema == pl.Schema(records.LEARNING_SCHEMA)
    assert rows(
        parsed,
        "row_number",
        "learner_kind",
        "learner_value",
        "course_key",
        "status",
        "completed_at",
        "score",
        "source_record_id",
    ) == [
        # course complete date decides: completed even though the quiz only says "achieved pass grade"
        (1, "email", "ana@example.com", "dl101", "completed", utc(2024, 3, 5, 14, 10), None, "moodle:dl101:17"),
        (2, "email", "bo@example.com", "dl101", "enrolled", None, None, "moodle:dl101:18"),
        # latest activity completion date (7 March beats 6 March)
        (3, "email", "Cy.Dunn@Example.com", "dl101", "in_progress", utc(2024, 3, 7, 16, 45), None, "moodle:dl101:21"),
        # a "Completed" word without a date is progress, with no date to report
        (4, "email", "di@example.com", "dl101", "in_progress", None, None, "moodle:dl101:22"),
    ]
    assert parsed.records["learner_salt"].to_list() == [None] * 4
    assert parsed.records["expires_at"].to_list() == [None] * 4
    assert parsed.records["raw"][1] == "18,Bo Li,bo@example.com,Not completed,,Not completed,,,"


def test_time_zone_converts_exporter_wall_clock_to_utc():
    parsed = moodle.read(EN, tz="Europe/Paris")  # CET, UTC+1 in early March
    assert parsed.records["completed_at"].to_list() == [utc(2024, 3, 5, 13, 10), None, utc(2024, 3, 7, 15, 45), None]


def test_forced_date_order_reads_month_first():
    parsed = moodle.read(EN, date_order="mdy")
    assert parsed.records["completed_at"].to_list() == [utc(2024, 5, 3, 14, 10), None, utc(2024, 7, 3, 16, 45), None]


def test_en_us_file_proves_month_first_and_skips_identity_columns():
    parsed = moodle.read(EN_US, tz="America/New_York")
    assert parsed.rejected == []
    assert rows(parsed, "learner_value", "course_key", "status", "completed_at", "source_record_id") == [
        # 3/15/24 can only be 15 March; 16:25 EDT (DST began 10 March) is 20:25 UTC
        ("eve@example.com", "sec-aware_2", "completed", utc(2024, 3, 15, 20, 25), "moodle:sec-aware_2:31"),
        # 3/05/24 is therefore 5 March; 9:00 EST is 14:00 UTC
        ("finn@example.com", "sec-aware_2", "in_progress", utc(2024, 3, 5, 14, 0), "moodle:sec-aware_2:32"),
        ("gus@example.com", "sec-aware_2", "enrolled", None, "moodle:sec-aware_2:33"),
    ]


def test_french_utf16le_report_with_translated_words():
    assert FR_UTF16.read_bytes()[:2] == b"\xff\xfe"
    parsed = moodle.read(FR_UTF16, tz="Europe/Paris")
    assert parsed.rows_read == 3
    assert parsed.rejected == []
    assert rows(parsed, "learner_value", "course_key", "status", "completed_at", "source_record_id") == [
        (
            "helene.roux@example.fr",
            "s__curit___incendie",
            "completed",
            utc(2024, 3, 14, 9, 7),
            "moodle:s__curit___incendie:41",
        ),
        ("ivan.petit@example.fr", "s__curit___incendie", "enrolled", None, "moodle:s__curit___incendie:42"),
        (
            "jules.blanc@example.fr",
            "s__curit___incendie",
            "in_progress",
            utc(2024, 3, 13, 16, 30),
            "moodle:s__curit___incendie:43",
        ),
    ]


def test_japanese_report_year_first_dates():
    parsed = moodle.read(JA)
    assert rows(parsed, "learner_value", "status", "completed_at") == [
        ("hanako@example.jp", "completed", utc(2024, 3, 5, 14, 8)),
        ("taro@example.jp", "enrolled", None),
        ("ichiro@example.jp", "in_progress", utc(2024, 3, 6, 9, 15)),
    ]


@pytest.mark.parametrize(
    "word",
    [
        "Completed",
        "Completed (achieved pass grade)",
        "Completed (did not achieve pass grade)",
        "Terminé",
        "Terminé (note de passage atteinte)",
        "Abgeschlossen",
        "Abgeschlossen (bestanden)",
        "Abgeschlossen (nicht bestanden)",
        "Finalizado",
        "Finalizado (obtuvo calificación de aprobado)",
        "Completado",
        "完了",
        "完了 (合格点到達)",
        "完了 (合格点未到達)",
    ],
)
def test_translated_done_words_without_dates_are_progress(tmp_path, word):
    path = write(
        tmp_path,
        "completion-c1-20240305_1410-comma_separated.csv",
        f"ID,Name,Email address,Quiz,Quiz - Completion date,Course complete\n7,A B,a@example.com,{word},,\n",
    )
    assert moodle.read(path).records["status"].to_list() == ["in_progress"]


@pytest.mark.parametrize(
    "word", ["Not completed", "Non terminé", "Nicht abgeschlossen", "No finalizado", "未完了", "Unbekanntes Wort"]
)
def test_not_done_and_unknown_words_leave_learner_enrolled(tmp_path, word):
    path = write(
        tmp_path,
        "completion-c1-20240305_1410-comma_separated.csv",
        f"ID,Name,Email address,Quiz,Quiz - Completion date,Course complete\n7,A B,a@example.com,{word},,\n",
    )
    assert moodle.read(path).records["status"].to_list() == ["enrolled"]


def test_unknown_word_with_dates_still_decided_by_dates(tmp_path):
    path = write(
        tmp_path,
        "completion-c1-20240305_1410-comma_separated.csv",
        "ID,Name,Email address,Quiz,Quiz - Completion date,Course complete\n"
        '7,A B,a@example.com,Zakończone,"14/03/24, 10:00","14/03/24, 10:05"\n',
    )
    assert rows(moodle.read(path), "status", "completed_at") == [("completed", utc(2024, 3, 14, 10, 5))]


def test_no_email_column_uses_moodle_id_as_account():
    parsed = moodle.read(NO_EMAIL)
    assert rows(
        parsed, "learner_kind", "learner_value", "course_key", "status", "completed_at", "source_record_id"
    ) == [("account", "17", "noemail", "completed", utc(2024, 3, 5, 14, 10), "moodle:noemail:17")]


def test_overlapping_exports_of_one_course_give_the_same_ids(tmp_path):
    later = tmp_path / "completion-dl101-20240401_0900-comma_separated.csv"
    shutil.copy(EN, later)
    assert (
        moodle.read(later).records["source_record_id"].to_list()
        == moodle.read(EN).records["source_record_id"].to_list()
        == ["moodle:dl101:17", "moodle:dl101:18", "moodle:dl101:21", "moodle:dl101:22"]
    )


def test_broken_rows_are_rejected_with_reasons():
    parsed = moodle.read(BROKEN)
    assert parsed.rows_read == 4
    assert rows(parsed, "row_number", "learner_value", "status", "completed_at") == [
        (1, "ana@example.com", "completed", utc(2024, 3, 25, 10, 5))
    ]
    assert [(r.row_number, r.reason, r.raw) for r in parsed.rejected] == [
        (
            2,
            "Course complete '31/31/24, 10:00' is not a date in the file's pattern d/m/yy",
            '18,Bo Li,bo@example.com,Completed,"26/03/24, 11:00","31/31/24, 10:00"',
        ),
        (3, "no e-mail address for Moodle user 19", "19,Cy Dunn,,Not completed,,"),
        (
            4,
            "Quiz - Completion date 'yesterday' is not a date in the file's pattern d/m/yy",
            "20,Di Evans,di@example.com,Completed,yesterday,",
        ),
    ]


def test_dates_contradicting_the_files_order_are_rejected(tmp_path):
    # two cells prove day-first, one cell could only be month-first: the minority is rejected, not re-read
    path = write(
        tmp_path,
        "completion-c1-20240305_1410-comma_separated.csv",
        "ID,Name,Email address,Course complete\n"
        '1,A,a@example.com,"13/03/24, 10:00"\n'
        '2,B,b@example.com,"14/03/24, 10:00"\n'
        '3,C,c@example.com,"03/15/24, 10:00"\n',
    )
    parsed = moodle.read(path)
    assert parsed.records["completed_at"].to_list() == [utc(2024, 3, 13, 10), utc(2024, 3, 14, 10)]
    assert [(r.row_number, r.reason) for r in parsed.rejected] == [
        (3, "Course complete '03/15/24, 10:00' is not a date in the file's pattern d/m/yy")
    ]


def test_twelve_hour_times_and_four_digit_years(tmp_path):
    path = write(
        tmp_path,
        "completion-c1-20240305_1410-comma_separated.csv",
        "ID,Name,Email address,Course complete\n"
        "1,A,a@example.com,3/15/2024 4:20 PM\n"
        "2,B,b@example.com,3/16/2024 12:05 AM\n",
    )
    parsed = moodle.read(path)
    assert parsed.records["completed_at"].to_list() == [utc(2024, 3, 15, 16, 20), utc(2024, 3, 16, 0, 5)]


def test_time_in_a_daylight_saving_gap_is_rejected(tmp_path):
    path = write(
        tmp_path,
        "completion-c1-20240305_1410-comma_separated.csv",
        'ID,Name,Email address,Course complete\n1,A,a@example.com,"31/03/24, 02:30"\n',
    )
    parsed = moodle.read(path, tz="Europe/Paris")
    assert parsed.records.height == 0
    assert parsed.rejected[0].reason == "Course complete '31/03/24, 02:30' is not a date in the file's pattern d/m/yy"


def test_misaligned_row_is_rejected(tmp_path):
    path = write(
        tmp_path,
        "completion-c1-20240305_1410-comma_separated.csv",
        "ID,Name,Email address,Course complete\n1,A,a@example.com,,oops\n2,B,b@example.com,\n",
    )
    parsed = moodle.read(path)
    assert parsed.records["learner_value"].to_list() == ["b@example.com"]
    assert [(r.row_number, r.reason) for r in parsed.rejected] == [
        (1, "the row has 5 values but the header has 4 columns")
    ]


def test_header_only_legacy_file(tmp_path):
    path = write(tmp_path, "completion-c1-20240305_1410-comma_separated.csv", "ID,Name,Email address,Course complete\n")
    parsed = moodle.read(path)
    assert parsed.rows_read == 0 and parsed.rejected == []
    assert parsed.records.height == 0
    assert parsed.records.schema == pl.Schema(records.LEARNING_SCHEMA)


@pytest.mark.parametrize(
    ("path", "words"),
    [
        (EMPTY, "is empty"),
        (NO_ID, "has no 'ID' column"),
        (ROSTER, "is not a Moodle export"),
        (PARTICIPANTS_NO_USER, "e-mail or username column"),
    ],
)
def test_unreadable_files(path, words):
    with pytest.raises(UnreadableFile, match=words):
        moodle.read(path)


def test_legacy_report_renamed_without_course_is_unreadable(tmp_path):
    renamed = tmp_path / "safety training.csv"
    shutil.copy(EN, renamed)
    with pytest.raises(UnreadableFile, match="no longer names the course"):
        moodle.read(renamed)


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"tz": "Mars/Olympus"}, "not a time zone name"),
        ({"date_order": "ydm"}, "not one of dmy, mdy or ymd"),
    ],
)
def test_bad_options_are_one_sentence(options, words):
    with pytest.raises(UnreadableFile, match=words):
        moodle.read(EN, **options)


# ----------------------------------------------------------------------------- report builder


def test_report_builder_participants_with_bom():
    assert PARTICIPANTS.read_bytes()[:3] == b"\xef\xbb\xbf"
    parsed = moodle.read(PARTICIPANTS)
    assert parsed.rows_read == 5
    assert parsed.records.schema == pl.Schema(records.LEARNING_SCHEMA)
    assert rows(
        parsed,
        "row_number",
        "learner_kind",
        "learner_value",
        "course_key",
        "status",
        "completed_at",
        "score",
        "source_record_id",
    ) == [
        (
            1,
            "email",
            "ana@example.com",
            "DL101",
            "completed",
            utc(2024, 3, 5, 14, 10),
            86.5,
            "moodle:dl101:ana@example.com",
        ),
        (2, "email", "bo@example.com", "DL101", "in_progress", None, None, "moodle:dl101:bo@example.com"),
        (3, "email", "cy@example.com", "DL101", "enrolled", None, None, "moodle:dl101:cy@example.com"),
        # no short name: the full name is the key; a grade of 120 is not on a 0..100 scale
        (
            4,
            "email",
            "Di@Example.com",
            "Cloud Basics",
            "completed",
            utc(2024, 3, 14, 9, 5),
            None,
            "moodle:cloud basics:di@example.com",
        ),
    ]
    assert [(r.row_number, r.reason, r.raw) for r in parsed.rejected] == [
        (
            5,
            "Time completed '14 March 2024' is not a date like 'Thursday, 14 March 2024, 9:05 AM'",
            "Cloud Basics,,Eve Stone,eve@example.com,Yes,14 March 2024,100%,",
        )
    ]


def test_report_builder_in_german_with_username_accounts():
    parsed = moodle.read(PARTICIPANTS_DE, tz="Europe/Berlin")
    assert parsed.rejected == []
    assert rows(
        parsed, "learner_kind", "learner_value", "course_key", "status", "completed_at", "source_record_id"
    ) == [
        ("account", "kberg", "Datenkompetenz", "completed", utc(2024, 3, 14, 8, 5), "moodle:datenkompetenz:kberg"),
        ("account", "lwolf", "Datenkompetenz", "in_progress", None, "moodle:datenkompetenz:lwolf"),
    ]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("jeudi 14 mars 2024, 09:05", utc(2024, 3, 14, 9, 5)),
        ("jueves, 14 de marzo de 2024, 21:05", utc(2024, 3, 14, 21, 5)),
        ("2024年 03月 14日(木曜日) 09:05", utc(2024, 3, 14, 9, 5)),
        ("Thursday, March 14, 2024, 12:30 PM", utc(2024, 3, 14, 12, 30)),
        ("Sunday, 1 December 2024, 12:15 AM", utc(2024, 12, 1, 0, 15)),
    ],
)
def test_report_builder_translated_day_dates(tmp_path, cell, expected):
    path = write(
        tmp_path,
        "participants.csv",
        f'Course short name,Email address,Completed,Time completed\nDL101,a@example.com,Oui,"{cell}"\n',
    )
    assert rows(moodle.read(path), "status", "completed_at") == [("completed", expected)]


def test_report_builder_email_found_by_values_under_a_renamed_header(tmp_path):
    path = write(
        tmp_path,
        "participants.csv",
        "Course short name,Who,Contact,Completed,Time completed\nDL101,Ana,ana@example.com,No,\n",
    )
    assert rows(moodle.read(path), "learner_kind", "learner_value", "status") == [
        ("email", "ana@example.com", "enrolled")
    ]


def test_report_builder_empty_email_is_rejected(tmp_path):
    path = write(
        tmp_path, "participants.csv", "Course short name,Full name,Email address,Completed\nDL101,Ana Pérez,,Yes\n"
    )
    parsed = moodle.read(path)
    assert parsed.records.height == 0
    assert parsed.rejected[0].reason == "no e-mail address for participant Ana Pérez"


# ----------------------------------------------------------------------------- sniff


@pytest.mark.parametrize("path", [EN, EN_US, FR_UTF16, JA, BROKEN, NO_EMAIL, PARTICIPANTS, PARTICIPANTS_DE])
def test_sniff_claims_moodle_exports(path):
    assert moodle.sniff(path.name, head_of(path))


def test_sniff_by_header_alone_and_by_name_alone():
    assert moodle.sniff("export.csv", head_of(EN))  # renamed, still a completion report header
    assert moodle.sniff("export.csv", head_of(FR_UTF16))  # translated header
    assert moodle.sniff(EMPTY.name, "")  # the file name is Moodle's own
    assert moodle.sniff("completion-dl101-20240305_1410-comma_separated (1).csv", "")


@pytest.mark.parametrize(
    ("name", "head"),
    [
        ("roster.csv", "employee_id,full_name,email,role,team,department,manager_id\nE1,Ana,a@example.com,x,y,z,E9\n"),
        ("catalog.csv", "course_id,title,provider,hours,price,currency,skills,aliases\n"),
        (
            "learner_summary.csv",
            "Name,Email,Unique User ID,Days Logged In,Hours Viewed,Course Views,Course Completions\n",
        ),
        (
            "udemy_course_activity.csv",
            "Name,Surname,Email,Course Title,Course Category,% Marked Completed,Completion Date\n",
        ),
        ("transcript.csv", "User ID,User Full Name,Training Title,Training Type,Transcript Status,Completed Date\n"),
        ("docebo.csv", "Username,Course Name,Course Code,Status,Completion Date,Score\n"),
        ("completion-notes.txt", "just text"),
        ("empty.csv", ""),
    ],
)
def test_sniff_leaves_other_files_alone(name, head):
    assert not moodle.sniff(name, head)
