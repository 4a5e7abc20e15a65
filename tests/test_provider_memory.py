"""A provider CSV's records hold no copy of their rows: a row the loader rejects is written from
the file read again the same way, and a file that changed meanwhile is refused rather than misread.
Blank rows (empty or spaces in every cell, delimiters or not) are no records, wherever they are."""

from __future__ import annotations

import pytest

from etl import provider
from etl.records import UnreadableFile

HEADER = "First Name,Last Name,Email,Content ID,Percent Completed,Completion Date (PST/PDT),Last Viewed (PST/PDT)\n"
ROWS = [
    "Ana,Perez,ana@example.com,urn:li:1,100,2024-07-01 10:00:00,",
    " ,  ,,, ,,",  # blank in every cell: no record
    '"Bo, Jr",Li,bo@example.com,urn:li:2,40,,2024-07-02',  # a quoted comma, written back quoted
    ",,,,,,",  # blank: no record
    ",Kim,kim@example.com,urn:li:3,0,,",  # first cell blank, the row is not
]


def write(path, rows=ROWS):
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_blank_rows_are_no_records_and_rows_are_numbered_without_them(tmp_path):
    parsed = provider.read(write(tmp_path / "ll.csv"), "linkedin_learning")
    assert parsed.rows_read == 3
    assert parsed.records["row_number"].to_list() == [1, 2, 3]
    assert parsed.records["learner_value"].to_list() == ["ana@example.com", "bo@example.com", "kim@example.com"]


def test_a_record_s_row_is_written_from_the_file_read_again(tmp_path):
    parsed = provider.read(write(tmp_path / "ll.csv"), "linkedin_learning")
    assert parsed.raw_of([2, 1]) == [
        ",Kim,kim@example.com,urn:li:3,0,,",
        '"Bo, Jr",Li,bo@example.com,urn:li:2,40,,2024-07-02',
    ]


def test_rows_of_records_after_a_rejected_row_are_the_right_ones(tmp_path):
    rows = [*ROWS[:2], "Cy,Xu,cy@example.com,urn:li:9,abc,,", *ROWS[2:]]  # 'abc' is not a number: rejected
    parsed = provider.read(write(tmp_path / "ll.csv", rows), "linkedin_learning")
    assert [r.row_number for r in parsed.rejected] == [2]
    assert parsed.records["row_number"].to_list() == [1, 3, 4]
    assert parsed.raw_of([1]) == ['"Bo, Jr",Li,bo@example.com,urn:li:2,40,,2024-07-02']


def test_a_file_changed_while_it_loads_is_refused(tmp_path):
    path = write(tmp_path / "ll.csv")
    parsed = provider.read(path, "linkedin_learning")
    write(path, [*ROWS, "Di,Ma,di@example.com,urn:li:4,100,2024-07-03 09:00:00,"])
    with pytest.raises(UnreadableFile, match=r"ll\.csv changed while it was being loaded"):
        parsed.raw_of([0])
