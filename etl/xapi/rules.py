"""xAPI's rules for one statement: whether it may be used, and what it records.

The rules are those of xAPI-Data 1.0.3 (and cmi5 for its verbs). A statement that
breaks one raises InvalidStatement with the reason a manager reads; a usable one
becomes a learning record row, or a Voiding for the reserved ``voided`` verb.

The statement's shape (which properties, types, formats and combinations the spec
allows anywhere in it) is the JSON Schema of ``schema.py``; the rules here are the
fields the dashboard reads (with their long-standing reasons) and what a schema
cannot state: real calendar dates, ISO 8601 durations, a score's raw within min..max,
and voiding.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from etl.xapi import schema
from etl.xapi.schema import _show

#: The reserved verb whose statements cancel other statements.
VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"

#: The two namespaces of ADL verbs: the classic one, and the w3id one that cmi5 uses.
_VERB_NAMESPACES = ("http://adlnet.gov/expapi/verbs/", "https://w3id.org/xapi/adl/verbs/")

#: Verb word -> status.  Outcome verbs give the outcome; activity verbs show use of the platform.
_VERB_WORD_STATUS = {
    "completed": "completed",
    "passed": "passed",
    "failed": "failed",
    "satisfied": "completed",
    "waived": "completed",
    **dict.fromkeys(
        (
            "attempted",
            "launched",
            "initialized",
            "progressed",
            "experienced",
            "resumed",
            "suspended",
            "terminated",
            "answered",
            "scored",
            "abandoned",
        ),
        "in_progress",
    ),
}

#: Full verb IRI -> status, for both namespaces (``voided`` is reserved and handled apart).
VERB_STATUS: dict[str, str] = {
    ns + word: status for ns in _VERB_NAMESPACES for word, status in _VERB_WORD_STATUS.items()
}

#: Verbs whose result.success false means the learner failed (cmi5 "waived" carries no success).
_SUCCESS_VERBS = frozenset(ns + w for ns in _VERB_NAMESPACES for w in ("completed", "passed", "satisfied"))

_IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")
_OBJECT_TYPES = ("Activity", "Agent", "Group", "SubStatement", "StatementRef")

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")
_SHA1_HEX = re.compile(r"^[0-9a-fA-F]{40}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
# Date and time (extended or basic form) with optional zone; fromisoformat does the real parsing.
_TIMESTAMP = re.compile(
    r"^\d{4}-?\d{2}-?\d{2}[Tt]\d{2}(?::?\d{2}(?::?\d{2}(?:[.,](\d+))?)?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?$"
)
_FRACTION = re.compile(r"[.,](\d{7,})")
#: The form nearly every LRS writes (extended, upper-case T and Z, at most microseconds), which
#: datetime.fromisoformat reads as it is; anything else goes through the general path.
_COMMON_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})")
_NO_OFFSET = timedelta(0)
_NUM = r"(\d+(?:[.,]\d+)?)"
_DURATION = re.compile(rf"^P(?!$)(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}D)?(?:T(?=\d)(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?$")
_DURATION_WEEKS = re.compile(rf"^P{_NUM}W$")


class InvalidStatement(Exception):
    """A statement that cannot be used; the message is the reason shown to the manager."""


@dataclass
class Voiding:
    """A valid voiding statement: ``statement_id`` cancels ``target_id``."""

    row_number: int
    statement_id: str
    target_id: str
    raw: str


def _is_statement_like(obj: Any) -> bool:
    """An object that claims to be a statement (it may still break the rules)."""
    return isinstance(obj, dict) and "actor" in obj and "verb" in obj


def statement_outcome(stmt: dict, row_number: int, raw: str, conforms: bool | None = None) -> dict | Voiding:
    """Validate one statement and turn it into a learning record row or a voiding.

    Raises InvalidStatement with the reason when the statement breaks an xAPI rule or
    carries a verb the dashboard does not use. ``conforms`` is the schema's verdict when
    the caller checked a whole batch at once (schema.nonconforming); None checks it here.
    Every xAPI rule is checked before the dashboard's own needs (its verbs, an Activity, a
    time), so a statement the dashboard does not use is still rejected for the rule it breaks.
    """
    stmt_id = _statement_id(stmt)
    learner = _actor(stmt.get("actor"))
    verb_id = _verb(stmt.get("verb"))
    obj = stmt.get("object")
    if obj is None:
        raise InvalidStatement("object is missing; a statement must say what the actor acted on.")
    if not isinstance(obj, dict):
        raise InvalidStatement(f"object {_show(obj)} is not a JSON object.")
    object_type = obj.get("objectType", "Activity")
    if object_type not in _OBJECT_TYPES:
        raise InvalidStatement(f"object.objectType {_show(object_type)} is not one of {', '.join(_OBJECT_TYPES)}.")
    when = _when(stmt)
    score = _score(stmt.get("result"))
    _context(stmt.get("context"))
    voiding = _voiding(stmt_id, obj, object_type, row_number, raw) if verb_id == VOIDED_VERB else None
    course_key = _iri(obj.get("id"), "object.id") if object_type == "Activity" else None
    if conforms is None:
        conforms = schema.conforms(stmt)
    if not conforms:
        raise InvalidStatement(schema.problem(stmt) or "the statement breaks an xAPI 1.0.3 rule.")
    if object_type == "SubStatement":
        _substatement(obj)

    if voiding is not None:
        return voiding
    status = VERB_STATUS.get(verb_id)
    if status is None:
        raise InvalidStatement(f"verb {verb_id} is not a learning outcome or activity this dashboard uses.")
    if learner is None:
        raise InvalidStatement("anonymous group actor cannot be matched to an employee.")
    if object_type != "Activity":
        raise InvalidStatement(f"object.objectType is {object_type}, not an Activity, so there is no course to record.")
    if when is None:
        raise InvalidStatement("no timestamp: the statement has neither timestamp nor stored.")
    result = stmt.get("result") or {}
    if verb_id in _SUCCESS_VERBS and result.get("success") is False:
        status = "failed"
    kind, value = learner
    return {
        "row_number": row_number,
        "learner_kind": kind,
        "learner_value": value,
        "learner_salt": None,
        "course_key": course_key,
        "status": status,
        "completed_at": when,
        "score": score,
        "expires_at": None,
        "source_record_id": stmt_id,
        "raw": raw,
    }


def _statement_id(stmt: dict) -> str:
    """The statement's UUID in lower case, or a stable content hash when the file has no id.

    The hash (sha1 of the canonical JSON: sorted keys, no spaces, UTF-8) makes the
    same id-less statement in two exports the same record for the loader.
    """
    if "id" not in stmt:
        canonical = json.dumps(stmt, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return "sha1:" + hashlib.sha1(canonical.encode("utf-8")).hexdigest()
    value = stmt["id"]
    if not isinstance(value, str) or not _UUID.match(value):
        raise InvalidStatement(f"statement id {_show(value)} is not a UUID.")
    return value.lower()


def _actor(actor: Any) -> tuple[str, str] | None:
    """(learner_kind, learner_value) of the actor, or None for a valid anonymous group.

    The anonymous group is returned as None rather than rejected here because a
    voiding statement may legitimately come from one.
    """
    if actor is None:
        raise InvalidStatement("actor is missing; a statement must say who did it.")
    if not isinstance(actor, dict):
        raise InvalidStatement(f"actor {_show(actor)} is not a JSON object.")
    object_type = actor.get("objectType", "Agent")
    if object_type not in ("Agent", "Group"):
        raise InvalidStatement(f"actor.objectType {_show(object_type)} is neither Agent nor Group.")
    if object_type == "Group" and "member" in actor:
        members = actor["member"]
        if not isinstance(members, list):
            raise InvalidStatement(f"actor.member {_show(members)} is not a list of agents.")
        if any(not isinstance(m, dict) or m.get("objectType") == "Group" for m in members):
            raise InvalidStatement("actor.member lists something other than agents; a group cannot contain groups.")
    present = [k for k in _IFI_KEYS if k in actor]
    if len(present) > 1:
        raise InvalidStatement(f"actor has {len(present)} identifiers ({', '.join(present)}); xAPI allows exactly one.")
    if not present:
        if object_type == "Group":
            if not actor.get("member"):
                raise InvalidStatement("actor is a group with neither an identifier nor members.")
            return None
        raise InvalidStatement("actor has no identifier (mbox, mbox_sha1sum, openid or account).")
    key = present[0]
    value = actor[key]
    if key == "mbox":
        mbox = value.strip() if isinstance(value, str) else ""
        if not mbox.startswith("mailto:") or not _EMAIL.match(mbox[7:]):
            raise InvalidStatement(f"actor.mbox {_show(value)} is not a 'mailto:' IRI with an e-mail address.")
        return "email", mbox[7:]
    if key == "mbox_sha1sum":
        if not isinstance(value, str) or not _SHA1_HEX.match(value.strip()):
            raise InvalidStatement(f"actor.mbox_sha1sum {_show(value)} is not 40 hexadecimal characters.")
        return "mbox_sha1", value.strip().lower()
    if key == "openid":
        if not isinstance(value, str) or not _IRI.match(value.strip()):
            raise InvalidStatement(f"actor.openid {_show(value)} is not a URI.")
        return "account", value.strip()
    if not isinstance(value, dict):
        raise InvalidStatement(f"actor.account {_show(value)} is not an object with homePage and name.")
    for part in ("homePage", "name"):
        if part not in value:
            raise InvalidStatement(f"actor.account.{part} is missing; an account needs homePage and name.")
    home, name = value["homePage"], value["name"]
    if not isinstance(home, str) or not _IRI.match(home):
        raise InvalidStatement(f"actor.account.homePage {_show(home)} is not a URL.")
    if not isinstance(name, str) or not name.strip():
        raise InvalidStatement(f"actor.account.name {_show(name)} is not a non-empty text.")
    return "account", name.strip()


def _verb(verb: Any) -> str:
    """The verb IRI; the display text is never used to infer meaning (xAPI 2.4.3)."""
    if verb is None:
        raise InvalidStatement("verb is missing; a statement must say what the actor did.")
    if not isinstance(verb, dict):
        raise InvalidStatement(f"verb {_show(verb)} is not an object with an id.")
    if "id" not in verb:
        raise InvalidStatement("verb.id is missing.")
    return _iri(verb["id"], "verb.id")


def _iri(value: Any, field_name: str) -> str:
    """An absolute IRI (a scheme and no spaces), else the field is invalid."""
    if value is None:
        raise InvalidStatement(f"{field_name} is missing.")
    if not isinstance(value, str) or not _IRI.match(value):
        raise InvalidStatement(f"{field_name} {_show(value)} is not an IRI.")
    return value


def _when(stmt: dict) -> datetime | None:
    """When it happened: timestamp, else the time the LRS stored it; None when neither is there."""
    if "timestamp" in stmt:
        when = _timestamp(stmt["timestamp"], "timestamp")
        if "stored" in stmt:
            _timestamp(stmt["stored"], "stored")
        return when
    if "stored" in stmt:
        return _timestamp(stmt["stored"], "stored")
    return None


def _timestamp(value: Any, field_name: str) -> datetime:
    """An ISO 8601 date and time as UTC; a time without zone is taken as UTC (as most LRSs do)."""
    if type(value) is str and _COMMON_TIMESTAMP.fullmatch(value):  # what LRSs write: parsed as it is
        with contextlib.suppress(ValueError):  # e.g. a 31st of April: the general path below words why
            dt = datetime.fromisoformat(value)
            return dt if dt.utcoffset() == _NO_OFFSET else dt.astimezone(UTC)
    if not isinstance(value, str) or not _TIMESTAMP.match(value.strip()):
        raise InvalidStatement(f"{field_name} {_show(value)} is not an ISO 8601 date and time.")
    text = _FRACTION.sub(lambda m: "." + m.group(1)[:6], value.strip().upper())  # ns -> us
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidStatement(f"{field_name} {_show(value)} is not an ISO 8601 date and time.") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def _number(value: Any, field_name: str) -> float:
    """A JSON number; xAPI forbids strings where numbers are required."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidStatement(f"{field_name} {_show(value)} is not a number.")
    return float(value)


def _score(result: Any, where: str = "result") -> float | None:
    """Validate the result and return the score on 0..100, or None when no score can be derived.

    scaled wins (negative scaled -> 0); else raw against min..max (min defaults to 0
    when only max is given). ``where`` names the result in reasons (a SubStatement's is
    object.result).
    """
    if result is None:
        return None
    if not isinstance(result, dict):
        raise InvalidStatement(f"{where} {_show(result)} is not a JSON object.")
    for flag in ("success", "completion"):
        if flag in result and not isinstance(result[flag], bool):
            raise InvalidStatement(f"{where}.{flag} {_show(result[flag])} is not true or false.")
    if "duration" in result:
        _duration(result["duration"], f"{where}.duration")
    if "score" not in result:
        return None
    score = result["score"]
    s = f"{where}.score"
    if not isinstance(score, dict):
        raise InvalidStatement(f"{s} {_show(score)} is not a JSON object.")
    parts = {k: _number(score[k], f"{s}.{k}") for k in ("scaled", "raw", "min", "max") if k in score}
    scaled, raw, lo, hi = (parts.get(k) for k in ("scaled", "raw", "min", "max"))
    if scaled is not None and not -1.0 <= scaled <= 1.0:
        raise InvalidStatement(f"{s}.scaled {_show(score['scaled'])} is outside -1..1.")
    if lo is not None and hi is not None and not lo < hi:
        raise InvalidStatement(f"{s}.min {_show(score['min'])} is not less than {s}.max {_show(score['max'])}.")
    if raw is not None and lo is not None and raw < lo:
        raise InvalidStatement(f"{s}.raw {_show(score['raw'])} is below {s}.min {_show(score['min'])}.")
    if raw is not None and hi is not None and raw > hi:
        raise InvalidStatement(f"{s}.raw {_show(score['raw'])} is above {s}.max {_show(score['max'])}.")
    if scaled is not None:
        return round(max(scaled, 0.0) * 100.0, 6)
    if raw is None or hi is None:
        return None
    low = lo if lo is not None else 0.0
    if hi <= low:
        return None  # only max given and not above 0: no percentage can be read from it
    return round(min(max((raw - low) / (hi - low) * 100.0, 0.0), 100.0), 6)


def _duration(value: Any, field_name: str = "result.duration") -> None:
    """A result's duration must be an ISO 8601 duration; weeks cannot be combined with other units."""
    if isinstance(value, str):
        if _DURATION_WEEKS.match(value):
            return
        m = _DURATION.match(value)
        if m:
            parts = [g for g in m.groups() if g is not None]
            # only the smallest unit given may carry a fraction
            if not any(("." in p or "," in p) for p in parts[:-1]):
                return
        if "W" in value and re.fullmatch(r"P[\d.,YMWDTHS]+", value):
            raise InvalidStatement(
                f"{field_name} {_show(value)} is not an ISO 8601 duration (weeks cannot be combined with other units)."
            )
    raise InvalidStatement(f"{field_name} {_show(value)} is not an ISO 8601 duration such as PT1H30M.")


def _context(context: Any) -> None:
    """context.registration, when present, must be a UUID."""
    if context is None:
        return
    if not isinstance(context, dict):
        raise InvalidStatement(f"context {_show(context)} is not a JSON object.")
    if "registration" in context:
        reg = context["registration"]
        if not isinstance(reg, str) or not _UUID.match(reg):
            raise InvalidStatement(f"context.registration {_show(reg)} is not a UUID.")


def _substatement(sub: dict) -> None:
    """A SubStatement keeps the rules of a statement (xAPI 1.0.3 Data 2.4.4.3): here, those the schema cannot state."""
    if "timestamp" in sub:
        _timestamp(sub["timestamp"], "object.timestamp")
    _score(sub.get("result"), "object.result")


def _voiding(stmt_id: str, obj: dict, object_type: str, row_number: int, raw: str) -> Voiding:
    """A voiding statement: its object must be a StatementRef naming a statement UUID."""
    if object_type != "StatementRef":
        given = f"object.objectType {_show(obj['objectType'])}" if "objectType" in obj else "no object.objectType"
        raise InvalidStatement(f"voiding statement has {given}; it must be StatementRef naming the statement to void.")
    target = obj.get("id")
    if not isinstance(target, str) or not _UUID.match(target):
        raise InvalidStatement(f"voiding statement's object.id {_show(target)} is not a statement UUID.")
    return Voiding(row_number, stmt_id, target.lower(), raw)
