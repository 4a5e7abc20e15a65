"""How the bytes of an export become text, written once for every reader.

Exports come in three encodings: UTF-8 (often with a byte order mark), UTF-16
(Excel's "Unicode text" and some LMS exports, with or without a BOM) and
Windows-1252 (Excel on Windows, older LMSs). A whole file is decoded strictly;
the head of a file (for sniffing) and single lines (for readers that stream) are
decoded leniently, because a head may end inside a character and one odd line
must not fail a file of a million.

Only the standard library is used: every floor may import this module.
"""

from __future__ import annotations

import codecs

#: The UTF-8 byte order mark, as bytes ...
UTF8_BOM = codecs.BOM_UTF8
#: ... and the byte order mark as decoded text (any encoding).
BOM = "\ufeff"
#: The UTF-16 byte order marks (little-endian, big-endian).
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class UnknownEncoding(ValueError):
    """Bytes that are neither UTF-16, UTF-8 nor Windows-1252 (which leaves five byte values undefined)."""


def unknown_encoding(name: str) -> str:
    """The sentence a manager reads when a file is in none of the encodings exports come in."""
    return f"{name} is not text in a known encoding (UTF-8, UTF-16 or Windows-1252)."


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
    """UTF-8 when the bytes are UTF-8, else Windows-1252.

    Bytes that are not UTF-8 are almost always Windows-1252; ``errors`` applies to
    that second step ("strict": UnicodeDecodeError for its five undefined bytes).
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors=errors)


def decode(data: bytes) -> str:
    """A whole file as text: UTF-16 (by BOM or NULs), else UTF-8 (BOM removed), else Windows-1252.

    Raises UnknownEncoding when the bytes are none of these; UTF-16 that breaks off
    raises UnicodeDecodeError.
    """
    if data.startswith(UTF16_BOMS):
        return data.decode("utf-16")
    if looks_utf16(data):
        return data.decode("utf-16-le")
    try:
        text = utf8_or_cp1252(data)
    except UnicodeDecodeError as exc:
        raise UnknownEncoding(str(exc)) from exc
    return text.lstrip(BOM)


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
    one odd line is a rejected row at worst, never a failed file.
    """
    if at_start:
        line = strip_utf8_bom(line)
    return utf8_or_cp1252(line, errors="replace")
