"""A credential's verification status and the one sentence that says why."""

from __future__ import annotations

from dataclasses import dataclass

#: The statuses, strongest first (a record whose proof checks replaces a copy whose proof does not).
STATUSES = ("verified", "unverifiable", "unsigned", "failed")


@dataclass(frozen=True)
class Check:
    status: str
    reason: str


def _sentence(label: str, detail: str) -> str:
    return f"{label}: {detail.rstrip('.')}."


def verified(detail: str) -> Check:
    return Check("verified", _sentence("Verified", detail))


def failed(detail: str) -> Check:
    return Check("failed", _sentence("Failed", detail))


def unsigned(detail: str) -> Check:
    return Check("unsigned", _sentence("Unsigned", detail))


def unverifiable(detail: str) -> Check:
    return Check("unverifiable", _sentence("Unverifiable", detail))
