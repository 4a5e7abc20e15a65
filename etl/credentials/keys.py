"""Where a credential's public key comes from, offline: the issuer's own DID or the trusted-issuers file.

A ``did:key`` holds the key itself (multibase base58btc of a multicodec-tagged key: Ed25519
``z6Mk…``, P-256 ``zDn…``) and a ``did:jwk`` holds it as base64url JSON, so both resolve
without the network. Anything else (``did:web``, an https key URL) would need the network,
and is usable only when the operator listed its key in the trusted-issuers file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import base58
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry

#: multicodec prefixes (unsigned varints) of the public keys a did:key may hold
_ED25519_PUB = b"\xed\x01"
_P256_PUB = b"\x80\x24"


class TrustFileError(Exception):
    """The trusted-issuers file cannot be used; the message is one sentence naming the file."""


class KeyProblem(Exception):
    """A DID or key that cannot be turned into a public key; the message is part of a sentence."""


@dataclass(frozen=True)
class Key:
    """A public key (as a JWK) and where it was found, for the reason a manager reads."""

    jwk: dict
    source: str


def without_fragment(identifier: str) -> str:
    return identifier.split("#", 1)[0].strip()


def short(identifier: str, keep: int = 40) -> str:
    """A long DID (a did:jwk is hundreds of characters) cut in the middle, for a sentence."""
    identifier = identifier.strip()
    return identifier if len(identifier) <= keep else identifier[: keep - 8] + "…" + identifier[-6:]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def did_key_jwk(did: str) -> dict:
    """The public JWK a ``did:key`` holds (Ed25519 or P-256); KeyProblem otherwise."""
    value = without_fragment(did)[len("did:key:") :]
    if not value.startswith("z"):
        raise KeyProblem(f"{short(did)} is not a base58btc did:key")
    try:
        raw = base58.b58decode(value[1:])
    except ValueError:
        raise KeyProblem(f"{short(did)} is not valid base58") from None
    if raw.startswith(_ED25519_PUB) and len(raw) == 34:
        return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw[2:])}
    if raw.startswith(_P256_PUB) and len(raw) == 35:
        try:
            point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw[2:]).public_numbers()
        except ValueError:
            raise KeyProblem(f"{short(did)} does not hold a point of the P-256 curve") from None
        return {"kty": "EC", "crv": "P-256", "x": _b64url(point.x.to_bytes(32)), "y": _b64url(point.y.to_bytes(32))}
    raise KeyProblem(f"{short(did)} holds a kind of key this product does not check (only Ed25519 and P-256)")


def did_jwk_jwk(did: str) -> dict:
    """The public JWK a ``did:jwk`` holds."""
    value = without_fragment(did)[len("did:jwk:") :]
    try:
        jwk = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (binascii.Error, ValueError):
        raise KeyProblem(f"{short(did)} does not hold a JSON key") from None
    if not isinstance(jwk, dict) or "kty" not in jwk:
        raise KeyProblem(f"{short(did)} does not hold a JSON Web Key")
    return {k: v for k, v in jwk.items() if k not in ("d", "p", "q", "dp", "dq", "qi")}


def is_offline_did(identifier: str | None) -> bool:
    return bool(identifier) and identifier.startswith(("did:key:", "did:jwk:"))


def did_jwk(identifier: str) -> dict:
    """The key of a did:key or did:jwk."""
    return did_key_jwk(identifier) if identifier.startswith("did:key:") else did_jwk_jwk(identifier)


def needs_network(identifier: str | None) -> bool:
    """A DID method or URL whose key only the network can tell (did:web, an https key, any other DID)."""
    return bool(identifier) and not is_offline_did(identifier) and identifier.startswith(("did:", "http:", "https:"))


def import_key(jwk: dict):
    """A joserfc key object for a public JWK."""
    return JWKRegistry.import_key(jwk)


# --------------------------------------------------------------------------- trusted issuers


class TrustedIssuers(dict):
    """Issuer ids and key ids (without their #fragment) mapped to the public JWKs the operator trusts."""

    digest: str = "none"

    def keys_for(self, *identifiers: str | None) -> list[Key]:
        for identifier in identifiers:
            if not identifier:
                continue
            base = without_fragment(identifier)
            if base in self:
                return [
                    Key(jwk, f"its key is listed for {short(base)} in the trusted-issuers file") for jwk in self[base]
                ]
        return []


def load_trusted(path: str | Path | None) -> TrustedIssuers:
    """Read a trusted-issuers file: a JSON object mapping an issuer id or key id to a public JWK or a list
    of them. None (no file) trusts nobody beyond the keys DIDs hold. TrustFileError says what is wrong."""
    trusted = TrustedIssuers()
    if path is None:
        return trusted
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError:
        raise TrustFileError(f"The trusted-issuers file {path.name} cannot be opened.") from None
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise TrustFileError(f"The trusted-issuers file {path.name} is not valid JSON.") from None
    if not isinstance(document, dict):
        raise TrustFileError(
            f"The trusted-issuers file {path.name} must be a JSON object mapping issuer or key ids to public keys."
        )
    for identifier, value in document.items():
        jwks = value if isinstance(value, list) else [value]
        for jwk in jwks:
            if not isinstance(jwk, dict):
                raise TrustFileError(f"In {path.name}, the entry for {short(identifier)} is not a JSON Web Key.")
            if "d" in jwk:
                raise TrustFileError(
                    f"In {path.name}, the entry for {short(identifier)} holds a private key; list public keys only."
                )
            try:
                import_key(jwk)
            except (JoseError, ValueError, KeyError, TypeError):
                raise TrustFileError(
                    f"In {path.name}, the entry for {short(identifier)} is not a usable public JSON Web Key."
                ) from None
        trusted[without_fragment(identifier)] = jwks
    trusted.digest = hashlib.sha256(data).hexdigest()[:16]
    return trusted
