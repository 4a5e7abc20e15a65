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


# --------------------------------------------------------------------------- one encoding per file, bad rows marked


def _names_file(bad_line: bytes) -> bytes:
    """A UTF-8 export of 122 Swedish names plus one line in another encoding."""
    lines = [b"name,n"] + [f"Björn {i},{i}".encode() for i in range(1, 123)] + [bad_line]
    return b"\n".join(lines) + b"\n"


def test_one_bad_byte_does_not_turn_a_utf8_file_into_windows_1252():
    decoded = text.decode_marked(_names_file(b"Bj\xf6rn 123,123"))  # 0xF6 is 'ö' in Windows-1252
    assert decoded.encoding == "UTF-8"
    lines = decoded.text.splitlines()
    assert lines[1:123] == [f"Björn {i},{i}" for i in range(1, 123)]  # not 'BjÃ¶rn'
    assert text.text_problem("row 123", lines[123].split(","), ["name", "n"]) == (
        "row 123 is not valid UTF-8 text (byte 0xF6 in column name)"
    )
    assert text.unmark(lines[123]) == "Bj\\xF6rn 123,123"  # the rejected row's raw text shows the byte
    assert text.plain(lines[123]) == "Bj\ufffdrn 123,123"
    assert text.decode(_names_file(b"Bj\xf6rn 123,123")).splitlines()[1] == "Björn 1,1"


def test_a_windows_1252_file_is_windows_1252_and_its_utf8_line_is_marked():
    data = "name\nJosé\nRenée\nZoë\n".encode("cp1252") + "Björn\n".encode()
    decoded = text.decode_marked(data)
    assert decoded.encoding == "Windows-1252"
    lines = decoded.text.splitlines()
    assert lines[1:4] == ["José", "Renée", "Zoë"]  # three lines vote Windows-1252, one votes UTF-8
    assert text.text_problem("row 4", [lines[4]], ["name"]) == (
        "row 4 is UTF-8 text in a file otherwise in Windows-1252 (byte 0xC3 in column name), "
        "so its letters cannot be read for sure; save the file in one encoding"
    )
    assert text.unmark(lines[4]) == "Bj\\xC3\\xB6rn"


def test_a_tie_and_a_byte_order_mark_say_utf8():
    assert text.decode_marked("a\nBjörn\n".encode() + b"Bj\xf6rn\n").encoding == "UTF-8"  # 1 vote each
    assert text.decode_marked(b"\xef\xbb\xbfa\nJos\xe9\n").text == "a\nJos\U0010fee9\n"  # the BOM declares UTF-8


def test_nul_bytes_are_marked_in_every_encoding():
    assert text.text_problem("row 1", ["ok", text.decode_marked(b"x,ab\x00c\n").text], ["a", "b"]) == (
        "row 1 holds a NUL byte (0x00) in column b, which text never holds"
    )
    assert text.has_mark(text.decode_marked("a\x00b".encode("utf-16")).text)
    assert text.has_mark("\x00")  # a NUL that JSON wrote as \u0000 counts too
    assert text.decode(b"x,ab\x00c\n") == "x,ab\x00c\n"  # plain text keeps it


def test_an_encoding_a_profile_names_is_used_strictly():
    decoded = text.decode_marked("Anaïs\n".encode("cp1252"), "cp1252")
    assert (decoded.text, decoded.encoding) == ("Anaïs\n", "cp1252")
    with pytest.raises(UnicodeDecodeError):
        text.decode_marked(b"\x81", "cp1252")


def test_json_is_utf8_by_its_standard_so_its_lines_do_not_vote():
    data = b'[{"name": "Bj\xf6rn"}]'  # no valid UTF-8 beyond ASCII: a CSV like it would be Windows-1252
    assert text.decode_marked(data).text == '[{"name": "Björn"}]'
    assert text.decode_marked(data, windows_1252=False).text == '[{"name": "Bj\U0010fef6rn"}]'
