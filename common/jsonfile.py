"""JSON text into Python values, with the refusals a manager can read.

One helper for every reader of JSON exports (SCORM Cloud today; xAPI and Open
Badges may adopt it): ``loads(text)`` returns the value, or raises ``JsonProblem``
whose ``sentence(subject)`` is one sentence naming what is wrong and where:

* a syntax error, in words, with its line and column ("x.json is not valid JSON:
  a comma or a closing bracket is missing at line 3, column 17.");
* nesting deeper than ``MAX_DEPTH`` arrays and objects. Real exports nest about ten
  levels (an xAPI statement with a sub-statement and extensions stays under thirty),
  so a deeper file is a mistake or an attack; it is refused before it is parsed, and
  nesting too deep for Python's parser (thousands of levels) is refused the same way;
* NaN and Infinity, which Python would accept but JSON does not have.

Usage::

    from common import jsonfile
    try:
        value = jsonfile.loads(text)                 # max_depth=jsonfile.MAX_DEPTH
    except jsonfile.JsonProblem as exc:
        raise UnreadableFile(exc.sentence(path.name)) from None   # "<name> is not valid JSON: ..."
    # for one line of JSON lines, a rejected row's reason: exc.reason(f"line {n}")

Only the standard library is used: every floor may import this module.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: The deepest nesting of arrays and objects a file may have.
MAX_DEPTH = 64

#: What Python's JSON parser says, in words a manager reads (matched at the start of its message).
_WORDS = (
    ("Expecting value", "a value is missing or is not JSON (text must be in double quotes)"),
    ("Expecting ',' delimiter", "a comma or a closing bracket is missing"),
    ("Expecting ':' delimiter", "a colon is missing after a key"),
    ("Expecting property name enclosed in double quotes", "a key in double quotes is missing (a comma too many?)"),
    ("Unterminated string starting at", "a text value is not closed by a double quote"),
    ("Invalid control character at", "a text value holds a line break or control character"),
    ("Invalid \\escape", "a text value holds a backslash escape JSON does not have"),
    ("Invalid \\uXXXX escape", "a text value holds a broken \\u escape"),
    ("Extra data", "more follows the end of the JSON value"),
)

#: Bytes other than brackets, deleted for the quick count; a JSON string, for the exact one.
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_OTHER = re.compile(r"[^\[\]{}]+")
_INNERMOST = re.compile(r"\[\]|\{\}")


class JsonProblem(ValueError):
    """JSON that cannot be read; ``sentence`` and ``reason`` say why in words."""

    def __init__(self, what: str, line: int | None = None, column: int | None = None, too_deep: bool = False):
        super().__init__(what)
        self.what, self.line, self.column, self.too_deep = what, line, column, too_deep

    def reason(self, subject: str) -> str:
        """A rejected row's reason, e.g. "line 4 is not valid JSON: a colon is missing after a key at column 9"."""
        if self.too_deep:
            return f"{subject} {self.what}"
        where = ""
        if self.line is not None and subject_has_lines(subject):
            where = f" at column {self.column}" if self.line == 1 else f" at line {self.line}, column {self.column}"
        elif self.line is not None:
            where = f" at line {self.line}, column {self.column}"
        return f"{subject} is not valid JSON: {self.what}{where}"

    def sentence(self, subject: str) -> str:
        """One sentence for a whole file, e.g. "x.json is not valid JSON: ... at line 3, column 17."."""
        return self.reason(subject) + "."


def subject_has_lines(subject: str) -> bool:
    """Whether the subject is one line of a file (then a position on its line 1 is a column)."""
    return subject.startswith("line ")


def loads(text: str, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON value of ``text``; JsonProblem when it is not JSON or nests deeper than ``max_depth``."""
    _check_depth(text, max_depth)
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise JsonProblem(_in_words(exc.msg), exc.lineno, exc.colno) from None
    except RecursionError:
        raise _too_deep(max_depth) from None


def _no_constant(name: str):
    raise JsonProblem(f"{name} is not a JSON number")


def _in_words(message: str) -> str:
    return next((words for start, words in _WORDS if message.startswith(start)), message[:1].lower() + message[1:])


def _too_deep(max_depth: int) -> JsonProblem:
    return JsonProblem(
        f"is nested more than {max_depth} levels deep, deeper than any real export, so it was not read",
        too_deep=True,
    )


def _check_depth(text: str, max_depth: int) -> None:
    """Refuse nesting deeper than ``max_depth`` before parsing (and without recursion).

    Only the brackets are kept; each pass removes the innermost empty pairs, so
    balanced brackets nested d deep vanish in d passes. The quick count keeps every
    bracket (a fraction of a second for a large file); when it does not vanish in
    ``max_depth`` passes, the exact count, which leaves out brackets inside strings,
    decides: brackets still there after ``max_depth`` passes are nested deeper when
    one more pass removes some, and do not pair up (a syntax error the parser will
    name) when it removes none. Brackets inside strings could only hide nesting from
    the quick count up to the depth Python's parser refuses by itself.
    """
    if "[" not in text and "{" not in text:
        return
    if _vanishes(text.encode("utf-8", "surrogatepass").translate(None, _NOT_BRACKET).decode("ascii"), max_depth):
        return
    brackets = _OTHER.sub("", _STRING.sub("", text))
    if not _vanishes(brackets, max_depth, strict=True):
        raise _too_deep(max_depth)


def _vanishes(brackets: str, max_depth: int, strict: bool = False) -> bool:
    """Whether the brackets are nested at most max_depth deep (strict: or do not pair up at all)."""
    for _ in range(max_depth):
        if not brackets:
            return True
        fewer = _INNERMOST.sub("", brackets)
        if fewer == brackets:  # nothing pairs up any more
            return strict
        brackets = fewer
    return not brackets or (strict and _INNERMOST.search(brackets) is None)
