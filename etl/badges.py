"""Open Badges 2.0 assertions and 3.0 credentials (and 1.0 assertions) -> learning records.

A badge is evidence that a learner earned something, so every usable assertion
or credential becomes one ``passed`` record whose course is the achievement (3.0)
or BadgeClass (2.0) it awards and whose validity window is the badge's own.
Each award's proof is checked (``etl.credentials``): the record carries its status
(verified, failed, unsigned, unverifiable) and the reason, and the evidence policy says
whether it counts. A revoked 2.0 assertion (the only revocation a file can state by
itself) is rejected.

Open Badges 1.0 assertions (no ``@context``, a recipient IdentityObject, the BadgeClass by
URL, ``issuedOn``) carry what a record needs and are read like 2.0 ones. Open Badges 0.5
assertions (a bare recipient string, the badge embedded without any id) are refused with
a reason naming the version.

Accepted files: one assertion/credential as JSON, a JSON array of them (entries
may also be VC-JWT strings), or a VC-JWT compact JWS (``.jwt`` / ``.jws``) whose
payload carries the credential in its ``vc`` claim or is the credential itself.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from common import jsonfile
from etl import credentials, records
from etl.records import Parsed, Rejected, UnreadableFile

KIND = "badge"

#: How this reader reads files. Bump it when a change here would read a file differently (other
#: records, rejected rows or reasons): files loaded before are then loaded again. A change that reads
#: every file the same way (a move, a refactoring, faster code) leaves it as it is.
READER_VERSION = 3

#: ``type`` values that make a JSON object an award (2.0 Assertion, 3.0 credential).
OB3_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})
OB2_TYPES = frozenset({"Assertion"})
#: Open Badges documents that are not awards; a file holding one of these is the wrong kind of file.
NON_AWARD_TYPES = ("BadgeClass", "Issuer", "Profile", "Achievement", "ClrCredential", "EndorsementCredential")

_JWS_RE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
_JWS_HEAD_RE = re.compile(r"^\s*[A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)")
_HASH_RE = re.compile(r"^(sha256|md5)\$([0-9a-f]+)$")
_HASH_HEX_LENGTH = {"sha256": 64, "md5": 32}
_SNIFF_CONTEXT_RE = re.compile(r"w3id\.org/openbadges|/ob/v3p0|openbadges", re.IGNORECASE)
_SNIFF_TYPE_RE = re.compile(
    r'"type"\s*:\s*(?:"(?:Assertion|OpenBadgeCredential|AchievementCredential)"'
    r'|\[[^\]]*"(?:OpenBadgeCredential|AchievementCredential|Assertion)")'
)
#: An assertion of before 1.1 has no ``@context`` or ``type``: a recipient and a badge, plus a
#: field of its own version (1.0: issuedOn, uid, verify; 0.5: issued_on, or the badge's version).
_SNIFF_LEGACY_RE = re.compile(r'"recipient"\s*:[\s\S]*"badge"\s*:|"badge"\s*:[\s\S]*"recipient"\s*:')
_SNIFF_LEGACY_MARK_RE = re.compile(r'"(?:issuedOn|issued_on|uid|verify)"\s*:|"version"\s*:\s*"0\.')
#: Why an Open Badges 0.5 assertion is not read.
OB05_REASON = (
    "Open Badges 0.5 assertion: this version (replaced by 1.0 in 2013) is not supported; "
    "ask the issuer for an Open Badges 2.0 or 3.0 export"
)
_SNIFF_JWT_PAYLOAD_RE = re.compile(
    r'"vc"\s*:|OpenBadgeCredential|AchievementCredential|/ob/v3p0|openbadges', re.IGNORECASE
)


class _RecordError(Exception):
    """One record cannot be used; the message is the reason a manager reads."""


# --------------------------------------------------------------------------- sniff


def sniff(name: str, head: str) -> bool:
    """Claim JSON that names Open Badges in ``@context`` or ``type``, and VC-JWT files carrying a credential.

    Works on text patterns only because ``head`` may end mid-document; CLR
    transcripts embed OB credentials but are a different kind of file.
    """
    text = head.lstrip()
    if name.lower().endswith((".jwt", ".jws")):
        return _jwt_head_is_credential(text)
    if not text.startswith(("{", "[")) or "ClrCredential" in text:
        return False
    if '"@context"' in text and _SNIFF_CONTEXT_RE.search(text):
        return True
    if _SNIFF_TYPE_RE.search(text):
        return True
    return '"verb"' not in text and bool(_SNIFF_LEGACY_RE.search(text) and _SNIFF_LEGACY_MARK_RE.search(text))


def _jwt_head_is_credential(text: str) -> bool:
    """Decode as much of the JWS payload as ``head`` holds and look for credential markers.

    A token with an embedded badge image can exceed the sniffed head, so a
    truncated payload is decoded up to its last whole base64 quantum.
    """
    match = _JWS_HEAD_RE.match(text)
    if not match:
        return False
    part = match.group(1)
    part = part[: len(part) - len(part) % 4]
    try:
        decoded = base64.urlsafe_b64decode(part).decode("utf-8", errors="ignore")
    except (binascii.Error, ValueError):
        return False
    return decoded.lstrip().startswith("{") and bool(_SNIFF_JWT_PAYLOAD_RE.search(decoded))


# --------------------------------------------------------------------------- read


def read(path: Path, trusted: credentials.TrustedIssuers | None = None, **options: Any) -> Parsed:
    """Read one badge file into ``passed`` learning records plus rejected awards, with each record's
    proof checked against the issuers' keys (``trusted``: the operator's trusted-issuers file).

    Other options are not used; the keyword arguments exist so every reader has the
    same call shape.
    """
    path = Path(path)
    entries = _load_entries(path)
    rows: list[dict] = []
    checks: list[tuple[int, str, str]] = []
    rejected: list[Rejected] = []
    kinds_seen = set()
    for row_number, (credential, raw) in enumerate(entries, start=1):
        shape = _award_shape(credential)
        kinds_seen.add(shape)
        try:
            if shape == "ob3":
                row = _ob3_row(credential)
            elif shape == "ob2":
                row = _ob2_row(credential)
            elif shape == "ob1":
                row = _ob1_row(credential)
            elif shape == "ob0.5":
                raise _RecordError(OB05_REASON)
            else:
                raise _RecordError(_not_an_award_reason(credential))
        except _RecordError as exc:
            rejected.append(Rejected(row_number, str(exc), raw))
            continue
        row.update(row_number=row_number, status="passed", raw=raw)
        rows.append(row)
        check = credentials.check(credential, raw, trusted)
        checks.append((row_number, check.status, check.reason))
    if entries and kinds_seen == {None}:
        raise UnreadableFile(_wrong_kind_message(path.name, entries[0][0]))
    if entries and "ob0.5" in kinds_seen and kinds_seen <= {None, "ob0.5"}:
        raise UnreadableFile(f"{path.name} holds an {OB05_REASON}.")
    return Parsed(
        kind=KIND,
        rows_read=len(entries),
        records=records.learning_frame(rows),
        rejected=rejected,
        checks=pl.DataFrame(
            checks,
            schema={"row_number": pl.Int64, "verification": pl.Utf8, "verification_reason": pl.Utf8},
            orient="row",
        ),
    )


def check_file(path: Path, trusted: credentials.TrustedIssuers | None = None) -> list[credentials.Check]:
    """The proof check of every entry of a badge file, whether or not its record would load
    (UnreadableFile for a file the reader refuses)."""
    return [credentials.check(credential, raw, trusted) for credential, raw in _load_entries(Path(path))]


def _load_entries(path: Path) -> list[tuple[Any, str]]:
    """The file's awards as (decoded credential, raw text) pairs.

    JSON entries keep their compact JSON as raw; JWT entries keep the token,
    since the token is what the issuer handed out.
    """
    text = records.read_text(path).strip()
    if not text:
        raise UnreadableFile(f"{path.name} is empty.")
    if _JWS_RE.match(text):
        credential = _decode_jwt(text)
        if credential is None:
            raise UnreadableFile(
                f"{path.name} looks like a signed token (JWT) but its payload is not a JSON credential."
            )
        return [(credential, text)]
    if path.suffix.lower() in (".jwt", ".jws") and not text.startswith(("{", "[")):
        raise UnreadableFile(f"{path.name} is not a compact signed token (three base64url parts separated by dots).")
    try:
        document = jsonfile.loads(text)
    except jsonfile.JsonProblem as exc:
        raise UnreadableFile(exc.sentence(path.name)) from None
    if isinstance(document, dict):
        return [(document, records.raw_json(document))]
    if isinstance(document, list):
        return [_array_entry(item) for item in document]
    raise UnreadableFile(f"{path.name} holds a single JSON value, not a badge assertion or credential.")


def _array_entry(item: Any) -> tuple[Any, str]:
    """An array element: a JSON award, or a VC-JWT string (wallet exports list tokens)."""
    if isinstance(item, str) and _JWS_RE.match(item.strip()):
        token = item.strip()
        return _decode_jwt(token), token
    return item, records.raw_json(item)


def _decode_jwt(token: str) -> dict | None:
    """The credential inside a compact JWS, without verifying the signature.

    VC-JWT (VCDM 1.1) puts the credential in the ``vc`` claim and may move its
    id, dates and subject id into the registered claims, so those are copied
    back; VC-JOSE (VCDM 2.0) signs the credential itself as the payload.
    """
    payload_part = token.split(".")[1]
    try:
        payload = jsonfile.loads(base64.urlsafe_b64decode(payload_part + "=" * (-len(payload_part) % 4)).decode())
    except (binascii.Error, ValueError):  # JsonProblem and UnicodeDecodeError are ValueErrors
        return None
    if not isinstance(payload, dict):
        return None
    vc = payload.get("vc")
    if not isinstance(vc, dict):
        return payload
    credential = dict(vc)
    claim_for_field = {"id": "jti", "issuanceDate": "nbf", "expirationDate": "exp"}
    for field_name, claim in claim_for_field.items():
        if field_name not in credential and claim in payload:
            credential[field_name] = payload[claim]
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict) and "id" not in subject and isinstance(payload.get("sub"), str):
        credential["credentialSubject"] = {**subject, "id": payload["sub"]}
    return credential


def _types(obj: dict) -> list[str]:
    """``type`` as a list: 2.0 writes a string, 3.0 an array."""
    value = obj.get("type")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _contexts(obj: dict) -> list[str]:
    value = obj.get("@context")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _award_shape(obj: Any) -> str | None:
    """'ob3', 'ob2', 'ob1', 'ob0.5' or None: which rules read this object, judged by type first,
    then context.

    1.1 assertions already name their context and type and read as 2.0; 1.0 and 0.5 had neither
    and are recognised by ``recipient`` plus ``badge``: 0.5 embedded the badge with its
    ``version`` and named the recipient by a bare string (e-mail, or hash with a top-level
    salt), 1.0 an IdentityObject.
    """
    if not isinstance(obj, dict):
        return None
    types = _types(obj)
    if any(t in NON_AWARD_TYPES for t in types):
        return None
    if OB3_TYPES.intersection(types):
        return "ob3"
    if OB2_TYPES.intersection(types):
        return "ob2"
    contexts = " ".join(_contexts(obj)).lower()
    if "/ob/v3p0" in contexts or ("VerifiableCredential" in types and "credentialSubject" in obj):
        return "ob3"
    if "openbadges" in contexts and not types:
        return "ob2"
    if "recipient" in obj and "badge" in obj:
        badge = obj["badge"]
        version = str(badge.get("version") or "") if isinstance(badge, dict) else ""
        if version.startswith("0.") or isinstance(obj["recipient"], str) or "issued_on" in obj:
            return "ob0.5"
        return "ob1"
    return None


def _not_an_award_reason(obj: Any) -> str:
    if obj is None:
        return "the entry looks like a signed token (JWT) but its payload is not a JSON credential"
    if not isinstance(obj, dict):
        return "the entry is not a JSON object, so it cannot be a badge assertion or credential"
    types = ", ".join(_types(obj)) or "none"
    return f"the entry is not an Open Badges assertion or credential (type: {types})"


def _wrong_kind_message(file_name: str, first: Any) -> str:
    types = [t for t in _types(first) if t in NON_AWARD_TYPES] if isinstance(first, dict) else []
    if types:
        return f"{file_name} describes an Open Badges {types[0]}, not an awarded badge, so it has no learner to record."
    return f"{file_name} holds no Open Badges assertion or credential."


# --------------------------------------------------------------------------- 2.0


def _ob2_row(assertion: dict) -> dict:
    """One 2.0 (or 1.x) Assertion -> record fields; raises _RecordError with the reason."""
    if _is_true(assertion.get("revoked")):
        reason = str(assertion.get("revocationReason") or "").strip() or "no reason given"
        raise _RecordError(f"assertion {assertion.get('id') or '(no id)'} was revoked: {reason}")
    kind, value, salt = _ob2_recipient(assertion)
    course_key = _ob2_badge_id(assertion.get("badge"))
    issued_field = "issuedOn" if "issuedOn" in assertion or "issued_on" not in assertion else "issued_on"
    completed_at = _required_date(assertion, [issued_field])
    expires_at = _optional_date(assertion, ["expires"])
    _check_window(completed_at, expires_at, issued_field, "expires", assertion)
    return {
        "learner_kind": kind,
        "learner_value": value,
        "learner_salt": salt,
        "course_key": course_key,
        "completed_at": completed_at,
        "score": None,
        "expires_at": expires_at,
        "source_record_id": _source_id(assertion),
    }


def _ob1_row(assertion: dict) -> dict:
    """One 1.0 assertion -> record fields: read as 2.0 (the same recipient, badge URL and dates),
    its reasons naming the version, its id the URL it is hosted at (1.0 had no ``id``)."""
    try:
        row = _ob2_row(assertion)
    except _RecordError as exc:
        raise _RecordError(f"Open Badges 1.0 assertion: {exc}") from None
    verify = assertion.get("verify")
    if isinstance(verify, dict) and str(verify.get("type") or "").strip().lower() == "hosted":
        url = verify.get("url")
        if isinstance(url, str) and url.strip():
            row["source_record_id"] = url.strip()
    return row


def _ob2_recipient(assertion: dict) -> tuple[str, str, str | None]:
    """(learner_kind, learner_value, salt) from a 2.0 IdentityObject or a 1.0 recipient string."""
    recipient = assertion.get("recipient")
    if isinstance(recipient, str):  # a 1.1 assertion written the 0.5 way: hash with top-level salt, or e-mail
        identity = recipient.strip()
        if not identity:
            raise _RecordError("recipient is empty, so the badge cannot be matched to an employee")
        if "$" in identity:
            return "hashed", _hashed_value(identity, "recipient"), _salt(assertion.get("salt"))
        return ("email" if "@" in identity else "account"), identity, None
    if not isinstance(recipient, dict):
        raise _RecordError("the assertion has no recipient, so it cannot be matched to an employee")
    identity = recipient.get("identity")
    if not isinstance(identity, str) or not identity.strip():
        raise _RecordError("recipient.identity is missing, so the badge cannot be matched to an employee")
    identity = identity.strip()
    if _is_true(recipient.get("hashed")):
        return "hashed", _hashed_value(identity, "recipient.identity"), _salt(recipient.get("salt"))
    if str(recipient.get("type") or "").strip().lower() == "email":
        return "email", _strip_mailto(identity), None
    return "account", identity, None


def _ob2_badge_id(badge: Any) -> str:
    """The BadgeClass id: ``badge`` itself when it is a URI, else the embedded BadgeClass's ``id``."""
    if isinstance(badge, str) and badge.strip():
        return badge.strip()
    if isinstance(badge, dict):
        badge_id = badge.get("id")
        if isinstance(badge_id, str) and badge_id.strip():
            return badge_id.strip()
        name = badge.get("name") or "(unnamed)"
        raise _RecordError(f"the embedded badge '{name}' has no id, so it cannot be matched to a catalog course")
    raise _RecordError("the assertion names no badge (BadgeClass), so it cannot be matched to a catalog course")


# --------------------------------------------------------------------------- 3.0


def _ob3_row(credential: dict) -> dict:
    """One 3.0 OpenBadgeCredential/AchievementCredential -> record fields; raises _RecordError."""
    subject = _subject(credential)
    achievement = subject.get("achievement")
    course_key = _achievement_id(achievement)
    kind, value, salt = _ob3_recipient(subject)
    start_fields = ["validFrom", "issuanceDate", "awardedDate"]
    end_fields = ["validUntil", "expirationDate"]
    completed_at = _required_date(credential, start_fields)
    expires_at = _optional_date(credential, end_fields)
    _check_window(
        completed_at,
        expires_at,
        _first_present(credential, start_fields),
        _first_present(credential, end_fields),
        credential,
    )
    return {
        "learner_kind": kind,
        "learner_value": value,
        "learner_salt": salt,
        "course_key": course_key,
        "completed_at": completed_at,
        "score": _result_score(subject, achievement if isinstance(achievement, dict) else {}),
        "expires_at": expires_at,
        "source_record_id": _source_id(credential),
    }


def _subject(credential: dict) -> dict:
    """credentialSubject; VCDM allows an array, and OB 3.0 awards to its single AchievementSubject."""
    subject = credential.get("credentialSubject")
    if isinstance(subject, list):
        subject = next((s for s in subject if isinstance(s, dict)), None)
    if not isinstance(subject, dict):
        raise _RecordError("the credential has no credentialSubject, so it names no learner or achievement")
    return subject


def _achievement_id(achievement: Any) -> str:
    if isinstance(achievement, str) and achievement.strip():
        return achievement.strip()
    if not isinstance(achievement, dict):
        raise _RecordError(
            "credentialSubject.achievement is missing, so the credential cannot be matched to a catalog course"
        )
    achievement_id = achievement.get("id")
    if isinstance(achievement_id, str) and achievement_id.strip():
        return achievement_id.strip()
    name = achievement.get("name") or "(unnamed)"
    raise _RecordError(f"credentialSubject.achievement '{name}' has no id, so it cannot be matched to a catalog course")


def _identifier_rank(kind: str, identity_type: str) -> int:
    """Which identifier wins when a subject lists several (lowest first).

    A plain e-mail resolves directly, a hashed e-mail by hashing the roster's
    e-mails, an account name by employee id or e-mail; a hashed non-e-mail
    value is the least likely to resolve.
    """
    email = identity_type.lower() == "emailaddress"
    if kind == "email":
        return 0
    if kind == "hashed":
        return 1 if email else 3
    return 2


def _ob3_recipient(subject: dict) -> tuple[str, str, str | None]:
    """(learner_kind, learner_value, salt) from identifier[] IdentityObjects, else credentialSubject.id."""
    identifiers = subject.get("identifier")
    if isinstance(identifiers, dict):
        identifiers = [identifiers]
    candidates: list[tuple[int, int, tuple[str, str, str | None]]] = []
    first_error: _RecordError | None = None
    for position, ident in enumerate(identifiers or []):
        if not isinstance(ident, dict):
            continue
        try:
            learner = _identity_object(ident, f"credentialSubject.identifier[{position}]")
        except _RecordError as exc:
            first_error = first_error or exc
            continue
        if learner is not None:
            identity_type = str(ident.get("identityType") or "")
            candidates.append((_identifier_rank(learner[0], identity_type), position, learner))
    if candidates:
        return min(candidates)[2]
    if first_error is not None:
        raise first_error
    subject_id = subject.get("id")
    if isinstance(subject_id, str) and subject_id.strip():
        subject_id = subject_id.strip()
        if subject_id.lower().startswith("mailto:"):
            return "email", _strip_mailto(subject_id), None
        return "account", subject_id, None
    raise _RecordError(
        "credentialSubject has neither identifier nor id, so the credential cannot be matched to an employee"
    )


def _identity_object(ident: dict, label: str) -> tuple[str, str, str | None] | None:
    """One IdentityObject -> learner triple, or None when it carries no value."""
    value = ident.get("identityHash")
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if _is_true(ident.get("hashed")):
        return "hashed", _hashed_value(value, f"{label}.identityHash"), _salt(ident.get("salt"))
    if str(ident.get("identityType") or "").lower() == "emailaddress":
        return "email", _strip_mailto(value), None
    return "account", value, None


def _result_score(subject: dict, achievement: dict) -> float | None:
    """A 0..100 score only when a result is plainly a percentage; anything else stays unknown.

    OB 3.0 results are free-form (letter grades, levels, GPAs), so a number
    counts only if its ResultDescription says Percent, or gives a numeric
    valueMin..valueMax range to rescale from.
    """
    results = subject.get("result")
    if not isinstance(results, list):
        return None
    descriptions = {d.get("id"): d for d in achievement.get("resultDescription") or [] if isinstance(d, dict)}
    for result in results:
        if not isinstance(result, dict):
            continue
        value = _number(result.get("value"))
        description = descriptions.get(result.get("resultDescription")) or {}
        if value is None or not description:
            continue
        if str(description.get("resultType") or "").lower() == "percent":
            score = value
        else:
            low, high = _number(description.get("valueMin")), _number(description.get("valueMax"))
            if low is None or high is None or high <= low:
                continue
            score = (value - low) / (high - low) * 100
        if 0 <= score <= 100:
            return score
    return None


def _number(value: Any) -> float | None:
    """A finite number from a JSON number or a numeric string ('92', '92%')."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().removesuffix("%"))
        except ValueError:
            return None
    else:
        return None
    return number if number == number and abs(number) != float("inf") else None


# --------------------------------------------------------------------------- shared


def _is_true(value: Any) -> bool:
    """Issuers write booleans, and sometimes the strings 'true'/'false'."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _salt(value: Any) -> str | None:
    """The salt exactly as written (whitespace is part of the hash input); absent -> None."""
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _strip_mailto(value: str) -> str:
    return value[len("mailto:") :].strip() if value.lower().startswith("mailto:") else value


def _hashed_value(identity: str, label: str) -> str:
    """``sha256$<hex>`` / ``md5$<hex>`` in lower case, so the loader can compare it with its own digest."""
    value = identity.strip().lower()
    match = _HASH_RE.match(value)
    if not match or len(match.group(2)) != _HASH_HEX_LENGTH[match.group(1)]:
        raise _RecordError(
            f"{label} '{identity}' is marked hashed but is not sha256$ plus 64 hex digits or md5$ plus 32 hex digits"
        )
    return value


def _first_present(obj: dict, fields: list[str]) -> str | None:
    """The first field that holds a value (null and '' count as absent)."""
    for name in fields:
        value = obj.get(name)
        if value is not None and value != "":
            return name
    return None


def _parse_date(value: Any, field_name: str) -> datetime:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _RecordError(f"{field_name} {records.raw_json(value)} is not an ISO 8601 timestamp")
    unix_seconds = isinstance(value, (int, float)) or value.strip().isdigit()
    try:
        return records.parse_iso_datetime(value)
    except (ValueError, OverflowError, OSError):
        if unix_seconds:
            raise _RecordError(f"{field_name} {value} is not a Unix timestamp in a usable range") from None
        raise _RecordError(f"{field_name} '{value}' is not an ISO 8601 timestamp") from None


def _required_date(obj: dict, fields: list[str]) -> datetime:
    name = _first_present(obj, fields)
    if name is None:
        raise _RecordError(f"the award date is missing (expected {' or '.join(fields)})")
    return _parse_date(obj[name], name)


def _optional_date(obj: dict, fields: list[str]) -> datetime | None:
    name = _first_present(obj, fields)
    return None if name is None else _parse_date(obj[name], name)


def _check_window(
    start: datetime, end: datetime | None, start_field: str | None, end_field: str | None, obj: dict
) -> None:
    """A badge that expires before it was issued was never valid: reject rather than guess which date is wrong."""
    if end is not None and end < start:
        raise _RecordError(
            f"{end_field} '{obj[end_field]}' is before {start_field} '{obj[start_field]}', so the badge was never valid"
        )


def _source_id(obj: dict) -> str:
    """The award's own id, else a digest of its canonical JSON, so re-imports are recognised."""
    value = obj.get("id")
    if isinstance(value, str) and value.strip():
        return value.strip()
    canonical = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha1:" + hashlib.sha1(canonical.encode("utf-8")).hexdigest()
