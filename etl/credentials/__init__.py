"""Checking a credential's proof: is it signed by its issuer, and unchanged since?

``check(credential, raw, trusted)`` gives one of four statuses with a sentence saying why:

- ``verified``: the signature (a compact JWS, or a Data Integrity proof) checks against the
  issuer's key, found offline: a did:key or did:jwk, or a key in the trusted-issuers file;
- ``failed``: it does not (the content or the signature was altered, or another key signed
  it), or it is malformed where the standard is strict (a DER-encoded ES256 signature);
- ``unsigned``: the credential has no proof of its own (2.0 hosted assertions, 3.0 JSON
  without ``proof``; proofs on embedded endorsements are not the credential's);
- ``unverifiable``: there is a proof, but its key could only be found over the network
  (did:web, an https key), or nothing ties the key to the issuer (a ``jwk`` in the header).

Nothing here reads the network or the warehouse.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from etl.credentials.integrity import check_proof
from etl.credentials.jose import check_token
from etl.credentials.keys import TrustedIssuers, TrustFileError, load_trusted
from etl.credentials.outcome import STATUSES, Check

__all__ = ["STATUSES", "Check", "TrustFileError", "TrustedIssuers", "check", "configured_trusted", "load_trusted"]

_JWS_RE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")


def check(credential, raw: str | None, trusted: TrustedIssuers | None = None) -> Check:
    """The verification status of one award: ``raw`` is the token when the issuer handed out a JWS."""
    trusted = trusted if trusted is not None else TrustedIssuers()
    if isinstance(raw, str) and _JWS_RE.match(raw.strip()):
        return check_token(raw.strip(), credential if isinstance(credential, dict) else None, trusted)
    return check_proof(credential if isinstance(credential, dict) else {}, trusted)


def trusted_issuers_path() -> Path:
    """Where the trusted-issuers file is configured: ``UPSKILL_TRUSTED_ISSUERS``, else ``config/trusted-issuers.json``."""
    from warehouse import CONFIG_DIR

    return Path(os.environ.get("UPSKILL_TRUSTED_ISSUERS") or CONFIG_DIR / "trusted-issuers.json")


def configured_trusted() -> TrustedIssuers:
    """The keys of the configured trusted-issuers file; none when no file is there (TrustFileError when it is
    unusable). The Data page's uploads and ``etl load`` without ``--trusted-issuers`` use it."""
    path = trusted_issuers_path()
    return load_trusted(path) if path.is_file() else TrustedIssuers()
