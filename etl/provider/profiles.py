"""Mapping profiles: the TOML files that say which columns of a vendor's CSV mean what.

A profile is validated when it loads, key by key, so that a typo is reported in
words before any file is read, instead of as an odd result afterwards. The format
is described in docs/mapping-profiles.md; profiles for the common vendors ship in
``etl/profiles/``.
"""

from __future__ import annotations

import codecs
import re
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from common.text import BOM
from etl import records
from etl.records import UnreadableFile

#: Where the built-in profiles live.
PROFILE_DIR = Path(__file__).resolve().parents[1] / "profiles"

#: How a provider file may name a learner (hashed identities never occur in these exports).
PROFILE_LEARNER_KINDS = ("employee_id", "email", "account")

#: Keys a profile may use, per section ("" = the top of the file).
_TOP_KEYS = (
    "name",
    "vendor",
    "learner_kind",
    "date_formats",
    "time_zone",
    "score_scale",
    "source_record_id",
    "delimiter",
    "encoding",
)
_SECTIONS = ("detect", "columns", "status")
_DETECT_KEYS = ("columns",)
_COLUMN_KEYS = ("learner", "course", "completion_date", "status", "score", "progress", "last_activity_date")
_STATUS_KEYS = records.STATUSES
_TEMPLATE_FILTERS = ("lower", "upper")
_DELIMITER_WORDS = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}

#: A date that every usable pattern can print and read back (checks patterns when a profile loads).
_PATTERN_PROBE = datetime(2024, 3, 5, 14, 7, 9, tzinfo=UTC)


@dataclass(frozen=True)
class Profile:
    """A validated mapping profile: which columns of one vendor's CSV mean what.

    Column names are kept as the profile writes them; they are matched against a
    file's header case-insensitively and with surrounding spaces ignored.
    """

    name: str
    vendor: str
    detect_columns: tuple[str, ...]
    learner_column: str
    learner_kind: str
    course_column: str
    completion_date_column: str
    date_formats: tuple[str, ...]
    time_zone: str = "UTC"
    status_column: str | None = None
    #: (lower-cased status word, normalised status) pairs, from the [status] section.
    status_words: tuple[tuple[str, str], ...] = ()
    score_column: str | None = None
    score_scale: float = 100.0
    progress_column: str | None = None
    last_activity_date_column: str | None = None
    #: The source_record_id template as written (or the default one) ...
    source_record_id: str = ""
    #: ... and parsed: ("text", literal) or ("column", column name, filters) pieces.
    id_pieces: tuple[tuple, ...] = ()
    delimiter: str | None = None
    encoding: str | None = None
    path: Path | None = None

    @property
    def status_map(self) -> dict[str, str]:
        """Lower-cased status word -> normalised status."""
        return dict(self.status_words)

    def columns_used(self) -> list[str]:
        """Every column the profile reads (detect columns excepted), without repeats."""
        names = [
            self.learner_column,
            self.course_column,
            self.completion_date_column,
            self.status_column,
            self.score_column,
            self.progress_column,
            self.last_activity_date_column,
        ]
        names += [piece[1] for piece in self.id_pieces if piece[0] == "column"]
        seen: dict[str, str] = {}
        for n in names:
            if n is not None:
                seen.setdefault(_norm(n), n)
        return list(seen.values())


def load_profile(path: str | Path) -> Profile:
    """Read and validate a profile; any mistake raises UnreadableFile naming the bad key.

    Validation happens here, once, so that a typo in a profile is reported in
    words before any file is read, instead of as an odd result afterwards.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UnreadableFile(f"profile {p.name} does not exist.") from None
    except UnicodeDecodeError:
        raise UnreadableFile(f"profile {p.name} is not UTF-8 text.") from None
    except OSError as exc:
        raise UnreadableFile(f"profile {p.name} cannot be opened ({exc.strerror}).") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UnreadableFile(f"profile {p.name} is not valid TOML: {exc}.") from None
    return _ProfileReader(p.name).build(data, p)


@lru_cache(maxsize=1)
def _builtin_profiles() -> tuple[Profile, ...]:
    return tuple(load_profile(p) for p in sorted(PROFILE_DIR.glob("*.toml")))


def builtin_profiles() -> list[Profile]:
    """All profiles shipped in etl/profiles/, in file-name order."""
    return list(_builtin_profiles())


def match_profile(header: list[str], profiles: list[Profile] | None = None) -> Profile | None:
    """The profile whose detect columns all appear in `header`; the most specific one wins.

    Most specific = most detect columns, then most of its other columns present,
    so a customer profile that adds one column to a vendor's beats the vendor's.
    """
    names = {_norm(h) for h in header}
    best, best_key = None, None
    for profile in builtin_profiles() if profiles is None else profiles:
        key = _specificity(profile, names)
        if key is not None and (best_key is None or key > best_key):
            best, best_key = profile, key
    return best


def closest_profiles(header: list[str], most: int = 2) -> list[tuple[float, str, list[str]]]:
    """The built-in profiles a header that fits none comes closest to (at least half of their
    detect columns present): (share of those present, profile name, the ones it lacks), closest first."""
    names = {_norm(h) for h in header}
    near = []
    for profile in builtin_profiles():
        missing = [c for c in profile.detect_columns if _norm(c) not in names]
        if missing and len(missing) * 2 <= len(profile.detect_columns):
            near.append((1 - len(missing) / len(profile.detect_columns), profile.name, missing))
    near.sort(key=lambda t: (-t[0], len(t[2])))
    return near[:most]


def _norm(name: str) -> str:
    """How column names are compared: BOM and surrounding spaces ignored, case-insensitive."""
    return name.replace(BOM, "").strip().casefold()


def _specificity(profile: Profile, names: set[str]) -> tuple[int, int] | None:
    """None when the profile's detect columns are not all in `names`, else how specific the match is."""
    detect = {_norm(c) for c in profile.detect_columns}
    if not detect <= names:
        return None
    return len(detect), sum(_norm(c) in names for c in profile.columns_used())


def _polars_pattern(fmt: str) -> str:
    """A strptime pattern as Polars reads it: Python's ".%f" (fraction of a second) is "%.f" there."""
    return fmt.replace(".%f", "%.f")


class _ProfileReader:
    """Checks a parsed TOML profile key by key; each mistake is one sentence naming the key."""

    def __init__(self, label: str):
        self.label = label

    def fail(self, message: str) -> UnreadableFile:
        return UnreadableFile(f"profile {self.label}: {message}.")

    @staticmethod
    def key(section: str, key: str) -> str:
        return f"[{section}] {key}" if section else key

    def known_keys(self, table: dict, section: str, allowed: tuple[str, ...]) -> None:
        for k, v in table.items():
            if section == "" and k in _SECTIONS:
                continue
            if k in allowed:
                continue
            if section == "" and isinstance(v, dict):
                raise self.fail(f"[{k}] is not a known section (use {', '.join(f'[{s}]' for s in _SECTIONS)})")
            hint = ""
            if section and k in _TOP_KEYS:
                hint = "; settings that are not column names go above the first [section]"
            raise self.fail(f"{self.key(section, k)} is not a known key (known keys: {', '.join(allowed)}){hint}")

    def text(self, table: dict, section: str, key: str, *, required: bool) -> str | None:
        if key not in table:
            if required:
                raise self.fail(f"{self.key(section, key)} is missing")
            return None
        value = table[key]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{self.key(section, key)} must be text in quotes, not {_show(value)}")
        return value.strip()

    def text_list(self, table: dict, section: str, key: str, *, required: bool) -> list[str]:
        if key not in table:
            if required:
                raise self.fail(f"{self.key(section, key)} is missing")
            return []
        value = table[key]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(f'{self.key(section, key)} must be a list of texts in quotes, such as ["A", "B"]')
        return [v.strip() for v in value]

    def section(self, data: dict, name: str, *, required: bool) -> dict | None:
        if name not in data:
            if required:
                raise self.fail(f"[{name}] is missing")
            return None
        if not isinstance(data[name], dict):
            raise self.fail(f"{name} must be a section written as [{name}] on its own line")
        return data[name]

    def build(self, data: dict, path: Path | None) -> Profile:
        self.known_keys(data, "", _TOP_KEYS)
        name = self.text(data, "", "name", required=True)
        vendor = self.text(data, "", "vendor", required=True)

        learner_kind = self.text(data, "", "learner_kind", required=True)
        if learner_kind not in PROFILE_LEARNER_KINDS:
            raise self.fail(f"learner_kind '{learner_kind}' must be one of {', '.join(PROFILE_LEARNER_KINDS)}")

        detect = self.section(data, "detect", required=True)
        self.known_keys(detect, "detect", _DETECT_KEYS)
        detect_columns = self.text_list(detect, "detect", "columns", required=True)

        columns = self.section(data, "columns", required=True)
        self.known_keys(columns, "columns", _COLUMN_KEYS)
        col = {
            k: self.text(columns, "columns", k, required=k in ("learner", "course", "completion_date"))
            for k in _COLUMN_KEYS
        }

        status_words: dict[str, str] = {}
        status = self.section(data, "status", required=False)
        if col["status"] and status is None:
            raise self.fail("[status] is missing, but [columns] status is set; list the status words under [status]")
        if status is not None:
            if not col["status"]:
                raise self.fail(
                    "[status] lists status words, but [columns] status does not say which column holds them"
                )
            self.known_keys(status, "status", _STATUS_KEYS)
            for outcome in _STATUS_KEYS:
                for word in self.text_list(status, "status", outcome, required=False):
                    w = word.lower()
                    if w in status_words and status_words[w] != outcome:
                        raise self.fail(f"[status] '{word}' is listed under both {status_words[w]} and {outcome}")
                    status_words[w] = outcome
            if not status_words:
                raise self.fail("[status] lists no status words")
        if col["status"] and col["progress"]:
            raise self.fail("[columns] progress is only used when there is no [columns] status; remove one of them")

        date_formats = self.text_list(data, "", "date_formats", required=True)
        for fmt in date_formats:
            self.check_pattern(fmt)
        time_zone = self.text(data, "", "time_zone", required=False) or "UTC"
        self.check_time_zone(time_zone)

        score_scale = 100.0
        if "score_scale" in data:
            value = data["score_scale"]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise self.fail(f"score_scale must be a number above 0 (the best possible score), not {_show(value)}")
            if not col["score"]:
                raise self.fail("score_scale is set, but [columns] score does not say which column holds the score")
            score_scale = float(value)

        template = self.text(data, "", "source_record_id", required=False)
        if template is None:
            slug = re.sub(r"[^a-z0-9]+", "-", vendor.lower()).strip("-") or "provider"
            learner_filters = ("lower",) if learner_kind == "email" else ()
            pieces = (
                ("text", f"{slug}:"),
                ("column", col["learner"], learner_filters),
                ("text", ":"),
                ("column", col["course"], ()),
            )
            template = f"{slug}:{{{col['learner']}{'|lower' if learner_filters else ''}}}:{{{col['course']}}}"
        else:
            pieces = self.parse_template(template)

        delimiter = self.delimiter(data.get("delimiter"))

        encoding = self.text(data, "", "encoding", required=False)
        if encoding is not None:
            try:
                encoding = codecs.lookup(encoding).name
            except LookupError:
                raise self.fail(
                    f"encoding '{encoding}' is not an encoding name such as utf-8, utf-16 or cp1252"
                ) from None
            if encoding == "utf-8-sig":
                encoding = "utf-8"

        return Profile(
            name=name,
            vendor=vendor,
            detect_columns=tuple(detect_columns),
            learner_column=col["learner"],
            learner_kind=learner_kind,
            course_column=col["course"],
            completion_date_column=col["completion_date"],
            date_formats=tuple(date_formats),
            time_zone=time_zone,
            status_column=col["status"],
            status_words=tuple(status_words.items()),
            score_column=col["score"],
            score_scale=score_scale,
            progress_column=col["progress"],
            last_activity_date_column=col["last_activity_date"],
            source_record_id=template,
            id_pieces=pieces,
            delimiter=delimiter,
            encoding=encoding,
            path=path,
        )

    def delimiter(self, value) -> str | None:
        """One character, or a word for it (a tab is hard to see in a text file)."""
        if value is None:
            return None
        d = _DELIMITER_WORDS.get(value.strip().lower(), value) if isinstance(value, str) else None
        if d is None or len(d) != 1 or d in '"\r\n':
            raise self.fail(
                f'delimiter {_show(value)} must be one character such as "," or ";" '
                "(or the word comma, semicolon, tab or pipe)"
            )
        return d

    def check_pattern(self, fmt: str) -> None:
        """A pattern must print a date and read it back, in Python and in Polars alike."""
        try:
            sample = _PATTERN_PROBE.strftime(fmt.replace("%.f", ".%f"))
            ok = (
                "%" in fmt
                and pl.Series([sample]).str.strptime(pl.Datetime("us"), _polars_pattern(fmt), strict=False).null_count()
                == 0
            )
        except Exception:
            ok = False
        if not ok:
            raise self.fail(
                f"date_formats '{fmt}' is not a date pattern this tool can read "
                "(write it with codes such as %Y-%m-%d %H:%M:%S)"
            )

    def check_time_zone(self, name: str) -> None:
        try:
            ZoneInfo(name)
            pl.Series([datetime(2024, 1, 1)]).dt.replace_time_zone(name)
        except (ZoneInfoNotFoundError, ValueError, pl.exceptions.PolarsError):
            raise self.fail(
                f"time_zone '{name}' is not a time zone name such as UTC, Europe/Berlin or America/Los_Angeles"
            ) from None

    def parse_template(self, template: str) -> tuple[tuple, ...]:
        """Split "linkedin:{Email|lower}:{Content ID}" into literal and column pieces."""
        pieces: list[tuple] = []
        pos = 0
        for m in re.finditer(r"\{([^{}]*)\}", template):
            pieces.append(("text", template[pos : m.start()]))
            parts = [p.strip() for p in m.group(1).split("|")]
            if not parts[0]:
                raise self.fail("source_record_id has an empty {}; put a column name inside the braces")
            for f in parts[1:]:
                if f not in _TEMPLATE_FILTERS:
                    raise self.fail(f"source_record_id uses '|{f}', but only |lower and |upper are known")
            pieces.append(("column", parts[0], tuple(parts[1:])))
            pos = m.end()
        pieces.append(("text", template[pos:]))
        if any(p[0] == "text" and ("{" in p[1] or "}" in p[1]) for p in pieces):
            raise self.fail("source_record_id has a { or } without its partner")
        if not any(p[0] == "column" for p in pieces):
            raise self.fail(
                "source_record_id names no column; write column names in braces, "
                "such as mylms:{Email|lower}:{Course ID}"
            )
        return tuple(p for p in pieces if p[0] == "column" or p[1])


def _show(value) -> str:
    """A TOML value as the user wrote it, for error messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "a section"
    return repr(value)
