"""Writer of ``badges/``: one Open Badges 2.0 assertion or 3.0 OpenBadgeCredential per award."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import timedelta
from pathlib import Path

from sample.catalog import ISSUERS
from sample.design import UNKNOWN_EMAILS
from sample.helpers import _DAY, _add_months, _day, _iso_z, _rng, _secs, _slug, _uuid
from sample.model import Company, Course

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _badge_json(c: Company, course: Course, email: str, issued: int, rng: random.Random) -> tuple[str, dict]:
    """One Open Badges 2.0 assertion or 3.0 OpenBadgeCredential, with a hashed, salted recipient."""
    domain, version = ISSUERS[course.issuer]
    salt = f"{rng.getrandbits(64):016x}"
    identity = "sha256$" + hashlib.sha256((email.lower() + salt).encode()).hexdigest()
    expires = (
        _secs(_add_months(_day(issued), course.validity_months)) + issued % _DAY if course.validity_months else None
    )
    uid = _uuid(rng)
    narrative = (
        f"Awarded to holders of the {course.title} credential after passing the proctored exam."
        if course.credential_type == "certificate"
        else f"Awarded by {course.issuer} for completing the {course.title} programme and its capstone."
    )
    if version == "2" or (version == "2to3" and issued < _secs(_add_months(c.start, 19))):
        badge_id = course.extra_aliases[0] if course.extra_aliases else course.alias
        doc = {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Assertion",
            "id": f"https://{domain}/assertions/{uid}",
            "recipient": {"type": "email", "hashed": True, "salt": salt, "identity": identity},
        }
        if rng.random() < 0.5:
            doc["badge"] = badge_id
        else:
            doc["badge"] = {
                "type": "BadgeClass",
                "id": badge_id,
                "name": course.title,
                "description": f"{course.title}, issued by {course.issuer}.",
                "image": f"https://{domain}/images/{_slug(course.title)}.png",
                "criteria": {"narrative": narrative},
                "issuer": {
                    "type": "Profile",
                    "id": f"https://{domain}/issuer",
                    "name": course.issuer,
                    "url": f"https://{domain}",
                },
            }
        doc["issuedOn"] = _iso_z(issued)
        if expires:
            doc["expires"] = _iso_z(expires)
        doc["verification"] = {"type": "hosted"}
        return uid, doc
    doc = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:{uid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": f"https://{domain}/issuers/1", "type": ["Profile"], "name": course.issuer},
        "validFrom": _iso_z(issued),
    }
    if expires:
        doc["validUntil"] = _iso_z(expires)
    doc["name"] = course.title
    doc["credentialSubject"] = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": identity,
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            }
        ],
        "achievement": {
            "id": course.alias,
            "type": ["Achievement"],
            "achievementType": "Certification" if course.credential_type == "certificate" else "Badge",
            "name": course.title,
            "description": f"{course.title}, issued by {course.issuer}.",
            "criteria": {"narrative": narrative},
        },
    }
    doc["proof"] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": _iso_z(issued + 2),
        "verificationMethod": f"https://{domain}/issuers/1#key-1",
        "proofPurpose": "assertionMethod",
        "proofValue": "z" + "".join(rng.choice(_B58) for _ in range(86)),
    }
    return uid, doc


def _write_badges(c: Company, out: Path, counts: dict[str, int]) -> None:
    rng = _rng(c.seed, "badges")
    d = out / "badges"
    d.mkdir(parents=True, exist_ok=True)
    items = [(ev[3], ev[0], ev[1]) for ev in c.events if c.catalog[ev[1]].channel == "badge" and ev[4] == "passed"]
    items.sort()
    docs: list[tuple[str, dict, int]] = []
    for issued, emp, ci in items:
        uid, doc = _badge_json(c, c.catalog[ci], c.employees[emp].email, issued, rng)
        docs.append((f"{_slug(c.catalog[ci].title)}-{uid[:8]}.json", doc, issued))
    badge_courses = [ci for ci, x in enumerate(c.catalog) if x.channel == "badge" and ISSUERS[x.issuer][1] == "3"]
    if badge_courses:
        course = c.catalog[badge_courses[0]]
        issued = _secs(c.today - timedelta(days=75)) + 11 * 3600
        uid, doc = _badge_json(c, course, UNKNOWN_EMAILS[2], issued, rng)
        name = f"{_slug(course.title)}-{uid[:8]}.json"
        docs.append((name, doc, issued))
        c.planted.append(
            f"Unknown learner in badges: {name} is issued to {UNKNOWN_EMAILS[2]} (hashed), who is not in the roster."
        )
    today_ts = _secs(c.today)
    expired = 0
    for name, doc, _ in docs:
        until = doc.get("validUntil") or doc.get("expires")
        if until and until < _iso_z(today_ts):
            expired += 1
        (d / name).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    counts["badges/*.json"] = len(docs)
    c.planted.append(
        f"Expired credentials: {expired} of the {len(docs)} badge files have expires/validUntil before "
        f"{c.today.isoformat()}."
    )
