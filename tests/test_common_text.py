"""Decoding export bytes (common/text.py): the one implementation every reader uses."""

from __future__ import annotations

import pytest

from common import text


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Name,Kurs\nAnaïs,Übung\n".encode(), "Name,Kurs\nAnaïs,Übung\n"),
        (b"\xef\xbb\xbfName\n", "Name\n"),  # UTF-8 BOM removed
        ("Name\n".encode("utf-16"), "Name\n"),  # UTF-16 with BOM (Excel "Unicode text")
        ("Name\n".encode("utf-16-le"), "Name\n"),  # UTF-16LE without BOM: NUL every second byte
        ("Café €5\n".encode("cp1252"), "Café €5\n"),  # not UTF-8: Windows-1252
    ],
)
def test_a_whole_file_decodes_from_each_encoding(data, expected):
    assert text.decode(data) == expected


def test_bytes_in_no_known_encoding():
    with pytest.raises(text.UnknownEncoding):
        text.decode(b"caf\xe9 \x81")  # not UTF-8, and 0x81 is undefined in Windows-1252
    assert text.unknown_encoding("x.csv") == "x.csv is not text in a known encoding (UTF-8, UTF-16 or Windows-1252)."


def test_utf16_is_told_by_bom_or_nuls():
    assert text.looks_utf16(b"\xff\xfeA\x00") and text.looks_utf16(b"\xfe\xff\x00A") and text.looks_utf16(b"A\x00B\x00")
    assert not text.looks_utf16(b"AB") and not text.looks_utf16(b"\x00\x00") and not text.looks_utf16(b"A")


def test_a_head_may_end_inside_a_character():
    assert text.decode_head("\ufeffAnaï".encode()[:-1]) == "Ana"
    assert text.decode_head("[{}]".encode("utf-16")[:-1]) == "[{}"


def test_a_line_is_never_an_error():
    assert text.decode_line(b"\xef\xbb\xbf{}\n", at_start=True) == "{}\n"
    assert text.decode_line(b"\xef\xbb\xbf{}\n") == "\ufeff{}\n"  # a BOM is only one at the start of the file
    assert text.decode_line(b"caf\xe9 \x81") == "café \ufffd"
