"""How the bytes of an export become text, written once for every reader.

Exports come in three encodings: UTF-8 (often with a byte order mark), UTF-16
(Excel's "Unicode text" and some LMS exports, with or without a BOM) and
Windows-1252 (Excel on Windows, older LMSs).

**Which encoding a file is in** (``decode_marked``), the first rule that applies:

1. the encoding a mapping profile names;
2. UTF-16, by its byte order mark, or by a NUL as its second byte (ASCII in UTF-16LE);
3. UTF-8, when the file starts with the UTF-8 byte order mark or all its bytes are UTF-8;
4. otherwise, unless the format is UTF-8 by its standard (JSON, RFC 8259: then the file is
   UTF-8 and rule 4 is skipped, ``windows_1252=False``), its lines vote: a line holding a character written in several bytes of
   valid UTF-8 votes UTF-8, a line holding a byte that is not UTF-8 votes
   Windows-1252, and UTF-8 wins a tie. A Windows-1252 export ("José" with a lone
   byte 0xE9) is Windows-1252; a UTF-8 export with a few broken rows stays UTF-8.

**A file is never read twice in two encodings because of a few rows.** A byte that
is not text in the file's encoding is *marked*: in a UTF-8 file, each byte that is
not UTF-8; in a Windows-1252 file, the bytes of a line written in UTF-8 (read as
Windows-1252 they would turn "Björn" into "BjÃ¶rn"); in any file, a NUL byte
(text never holds one). Readers reject the rows that hold a mark, with the
reason ``text_problem`` writes ("row 7 is not valid UTF-8 text (byte 0xF6 in
column full_name)"), so a mark never reaches the warehouse; ``unmark`` writes a
rejected row's marks as ``\\xF6`` for its ``raw`` text. A mark is one character of
Unicode's private use plane 16, which no export holds: U+10FE00 + the byte for a
byte that is not text (0x00 for NUL), U+10FD00 + the byte for a byte of UTF-8 in a
Windows-1252 file.

A file decided Windows-1252 that holds one of the five bytes Windows-1252 leaves
undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D), and UTF-16 that breaks off, are not text
at all: ``UnknownEncoding`` / ``UnicodeDecodeError``, and the file is unreadable.

The head of a file (for sniffing) and single lines (for readers that stream) are
decoded leniently, because a head may end inside a character.

Only the standard library is used: every floor may import this module.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from dataclasses import dataclass

#: The UTF-8 byte order mark, as bytes ...
UTF8_BOM = codecs.BOM_UTF8
#: ... and the byte order mark as decoded text (any encoding).
BOM = "\ufeff"
#: The UTF-16 byte order marks (little-endian, big-endian).
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

#: Names of the encodings decode_marked decides on (a profile's encoding keeps its codec name).
UTF8, UTF16, CP1252 = "UTF-8", "UTF-16", "Windows-1252"

#: A byte that is not text in its file's encoding (or a NUL) is marked as chr(_NOT_TEXT + byte) ...
_NOT_TEXT = 0x10FE00
#: ... and a byte of UTF-8 text in a file otherwise Windows-1252 as chr(_UTF8_IN_CP1252 + byte).
_UTF8_IN_CP1252 = 0x10FD00
#: Any mark, or a NUL that JSON wrote as \\u0000 (a Polars or re pattern).
MARK_PATTERN = "[\x00\U0010fd00-\U0010feff]"
_MARK = re.compile(MARK_PATTERN)
#: Bytes that were not UTF-8, as Python's "surrogateescape" keeps them (U+DC80..U+DCFF).
_ESCAPED = re.compile("[\udc80-\udcff]")
_NON_ASCII = re.compile("[^\x00-\x7f]+")
_ESCAPED_TO_MARK = {0xDC00 + b: _NOT_TEXT + b for b in range(0x80, 0x100)} | {0: _NOT_TEXT}


class UnknownEncoding(ValueError):
    """Bytes that are neither UTF-16, UTF-8 nor Windows-1252 (which leaves five byte values undefined)."""


def unknown_encoding(name: str) -> str:
    """The sentence a manager reads when a file is in none of the encodings exports come in."""
    return f"{name} is not text in a known encoding (UTF-8, UTF-16 or Windows-1252)."


@dataclass(frozen=True)
class Decoded:
    """A file as text, with the bytes that are not text in it marked (see the module's docstring)."""

    text: str
    encoding: str

    @property
    def marked(self) -> bool:
        return has_mark(self.text)


def looks_utf16(data: bytes) -> bool:
    """A UTF-16 BOM, or a NUL as the second byte after a non-NUL one (ASCII in UTF-16LE without BOM).

    UTF-16 cannot be decoded line by line (its line ends are two bytes), so a reader
    that streams must decode such a file whole instead.
    """
    return data.startswith(UTF16_BOMS) or (len(data) > 1 and data[1:2] == b"\x00" and data[:1] != b"\x00")


def strip_utf8_bom(data: bytes) -> bytes:
    """The bytes without one leading UTF-8 byte order mark."""
    return data[len(UTF8_BOM) :] if data.startswith(UTF8_BOM) else data


def utf8_or_cp1252(data: bytes, errors: str = "strict") -> str:
    """UTF-8 when the bytes are UTF-8, else Windows-1252: for one line read on its own (``decode_line``).

    A whole file is never decoded this way: one broken row would turn every other
    row's letters into Windows-1252 look-alikes ("BjÃ¶rn"); see ``decode_marked``.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors=errors)


def decode_marked(data: bytes, encoding: str | None = None, *, windows_1252: bool = True) -> Decoded:
    """A whole file as text in the encoding the module's docstring's rules decide, bytes that are not text marked.

    ``encoding`` is the one a mapping profile names (a codec name); the file is then
    decoded strictly in it (UnicodeDecodeError when it is not). ``windows_1252=False``
    for formats that are UTF-8 by their standard (JSON): the lines do not vote. Raises UnknownEncoding
    for a Windows-1252 file holding a byte Windows-1252 leaves undefined, and
    UnicodeDecodeError for UTF-16 that breaks off. The BOM is removed.
    """
    if encoding:
        return Decoded(_mark_nul(data.decode(encoding).lstrip(BOM)), codecs.lookup(encoding).name)
    if data.startswith(UTF16_BOMS):
        return Decoded(_mark_nul(data.decode("utf-16")), UTF16)
    if looks_utf16(data):
        return Decoded(_mark_nul(data.decode("utf-16-le").lstrip(BOM)), UTF16)
    declared = data.startswith(UTF8_BOM)
    data = strip_utf8_bom(data)
    try:
        return Decoded(_mark_nul(data.decode("utf-8")), UTF8)
    except UnicodeDecodeError:  # not UTF-8 throughout: keep the bad bytes as surrogates, and let the lines vote
        text = data.decode("utf-8", errors="surrogateescape")
    lines = text.split("\n")
    votes_utf8 = votes_cp1252 = 0
    for line in lines:
        if _ESCAPED.search(line):
            votes_cp1252 += 1
        elif _NON_ASCII.search(line):
            votes_utf8 += 1
    if declared or not windows_1252 or votes_utf8 >= votes_cp1252:
        return Decoded(text.translate(_ESCAPED_TO_MARK), UTF8)
    out = []
    for line in lines:
        if _ESCAPED.search(line):
            try:
                out.append(line.encode("utf-8", errors="surrogateescape").decode("cp1252"))
            except UnicodeDecodeError as exc:
                raise UnknownEncoding(str(exc)) from None
        else:
            out.append(_NON_ASCII.sub(_mark_utf8, line))
    return Decoded(_mark_nul("\n".join(out)), CP1252)


def _mark_utf8(match: re.Match) -> str:
    """Characters of valid UTF-8 in a Windows-1252 file, each byte marked."""
    return "".join(chr(_UTF8_IN_CP1252 + b) for b in match.group().encode("utf-8"))


def _mark_nul(text: str) -> str:
    return text.replace("\x00", chr(_NOT_TEXT)) if "\x00" in text else text


def decode(data: bytes) -> str:
    """A whole file as plain text, by ``decode_marked``'s rules, for readers of whole documents.

    Marked bytes become U+FFFD (the replacement character, which shows where a byte
    was not text) and NULs stay NULs. Readers that reject rows use ``decode_marked``.
    Raises UnknownEncoding when the bytes are in no known encoding; UTF-16 that
    breaks off raises UnicodeDecodeError.
    """
    return plain(decode_marked(data).text)


def has_mark(text: str | None) -> bool:
    """Whether a text holds a marked byte."""
    return bool(text) and _MARK.search(text) is not None


def _byte_of(mark: str) -> tuple[int, bool]:
    """(the byte a mark stands for, whether it is UTF-8 in a Windows-1252 file)."""
    code = ord(mark)
    if code == 0:
        return 0, False
    return (code - _NOT_TEXT, False) if code >= _NOT_TEXT else (code - _UTF8_IN_CP1252, True)


def unmark(text: str) -> str:
    """The text with each mark written as ``\\xNN`` (its byte), for a rejected row's verbatim ``raw``."""
    if not has_mark(text):
        return text
    return _MARK.sub(lambda m: f"\\x{_byte_of(m.group())[0]:02X}", text)


def plain(text: str) -> str:
    """The text with marks undone as well as plain text can: NUL stays NUL, other bytes become U+FFFD."""
    if not has_mark(text):
        return text

    def undo(m: re.Match) -> str:
        byte, _ = _byte_of(m.group())
        return "\x00" if byte == 0 else "\ufffd"

    return _MARK.sub(undo, text)


def mark_reason(subject: str, value: str, where: str = "") -> str | None:
    """Why a value holding a mark is not text (``subject`` e.g. "row 7", ``where`` e.g. " in column email"), else None."""
    found = _MARK.search(value) if value else None
    if found is None:
        return None
    byte, utf8_in_cp1252 = _byte_of(found.group())
    if byte == 0:
        return f"{subject} holds a NUL byte (0x00){where}, which text never holds"
    if utf8_in_cp1252:
        return (
            f"{subject} is UTF-8 text in a file otherwise in Windows-1252 (byte 0x{byte:02X}{where}), "
            "so its letters cannot be read for sure; save the file in one encoding"
        )
    return f"{subject} is not valid UTF-8 text (byte 0x{byte:02X}{where})"


def text_problem(subject: str, cells: Sequence[str | None], names: Sequence[str]) -> str | None:
    """Why a row cannot be read as text (its first marked cell, named by its column), or None.

    ``cells`` are the row's values and ``names`` its columns' titles, in order.
    """
    try:
        joined = "".join(cells)  # type: ignore[arg-type]
    except TypeError:  # a None among the cells
        joined = "".join(c for c in cells if c)
    if _MARK.search(joined) is None:  # one search for the usual row
        return None
    for i, cell in enumerate(cells):
        if cell and has_mark(cell):
            name = names[i].strip() if i < len(names) and names[i].strip() else str(i + 1)
            return mark_reason(subject, cell, f" in column {name}")
    return None


def decode_head(data: bytes) -> str:
    """The first bytes of a file as text, for telling kinds of file apart (BOM removed).

    Lenient: the bytes may end inside a character, and what cannot be decoded is
    left out rather than failing the guess.
    """
    if data.startswith(UTF16_BOMS):
        text = data.decode("utf-16", errors="ignore")
    elif looks_utf16(data):
        text = data.decode("utf-16-le", errors="ignore")
    else:
        text = data.decode("utf-8", errors="ignore")
    return text.lstrip(BOM)


def decode_line(line: bytes, at_start: bool = False) -> str:
    """One line of a UTF-8 file read line by line (``at_start``: the file's first line, BOM removed).

    A line that is not UTF-8 is read as Windows-1252 with undecodable bytes replaced:
    one odd line is a rejected row at worst, never a failed file. (The xAPI reader
    streams JSON lines with it; rejecting such a line instead is its choice.)
    """
    if at_start:
        line = strip_utf8_bom(line)
    return utf8_or_cp1252(line, errors="replace")
