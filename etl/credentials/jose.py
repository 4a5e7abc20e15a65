"""Compact JWS: VC-JWT (VCDM 1.1), VC-JOSE (VCDM 2.0) and Open Badges 2.0 signed assertions.

The signature is checked by joserfc against the issuer's key found offline (``keys``);
which key, in order: one the trusted-issuers file lists for the key id, the issuer or the
2.0 ``verify.creator``; the DID in ``kid`` (did:key, did:jwk) when it is the issuer's own;
the issuer's DID itself. A ``jwk`` in the header alone proves nothing about who signed.
"""

from __future__ import annotations

import base64
import binascii
import json
import warnings

from cryptography.hazmat.primitives.asymmetric import utils
from joserfc import jws
from joserfc.errors import JoseError

from etl.credentials.keys import (
    Key,
    KeyProblem,
    TrustedIssuers,
    did_jwk,
    import_key,
    is_offline_did,
    needs_network,
    short,
    without_fragment,
)
from etl.credentials.outcome import Check, failed, unsigned, unverifiable, verified

#: Signature length of the JWS form (R || S) of each ECDSA algorithm
_ECDSA_BYTES = {"ES256": 64, "ES384": 96, "ES512": 132, "ES256K": 64}
_ALGORITHMS = {"EdDSA", "Ed25519", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", *_ECDSA_BYTES}


def _part(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _is_der(signature: bytes) -> bool:
    """An ASN.1 DER ECDSA-Sig-Value: SEQUENCE { INTEGER r, INTEGER s } exactly filling the bytes."""
    if len(signature) < 8 or signature[0] != 0x30 or signature[1] != len(signature) - 2:
        return False
    at = 2
    for _ in range(2):
        if at + 2 > len(signature) or signature[at] != 0x02:
            return False
        at += 2 + signature[at + 1]
    return at == len(signature)


def issuer_id(payload: dict, credential: dict | None) -> str | None:
    """``iss``, else the credential's ``issuer`` (a string or an object's ``id``), else a 2.0 embedded badge's issuer."""
    for candidate in (payload.get("iss"), (credential or {}).get("issuer"), payload.get("issuer")):
        if isinstance(candidate, dict):
            candidate = candidate.get("id")
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    badge = payload.get("badge")
    if isinstance(badge, dict):
        issuer = badge.get("issuer")
        issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
        if isinstance(issuer, str) and issuer.strip():
            return issuer.strip()
    return None


def _creator(payload: dict) -> str | None:
    verify = payload.get("verify") or payload.get("verification")
    creator = verify.get("creator") if isinstance(verify, dict) else None
    return creator.strip() if isinstance(creator, str) and creator.strip() else None


class _Unverifiable(Exception):
    """Nothing ties a key to the issuer offline: the token is unverifiable, with the exception's sentence."""


def _candidate_keys(header: dict, issuer: str | None, creator: str | None, trusted: TrustedIssuers) -> list[Key]:
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    listed = trusted.keys_for(kid, issuer, creator)
    if listed:
        return listed
    if is_offline_did(kid):
        if issuer and without_fragment(kid) != issuer:
            raise _Unverifiable(
                f"it is signed with the key {short(kid)}, which is not the issuer {short(issuer)}'s own DID; "
                "list the issuer's key in the trusted-issuers file to verify it"
            )
        return [Key(did_jwk(kid), f"the key is the one the issuer's {kid[:7]} holds")]
    if is_offline_did(issuer):
        return [Key(did_jwk(issuer), f"the key is the one the issuer's {issuer[:7]} holds")]
    for label, identifier in (("key", kid), ("key", creator), ("issuer", None if "jwk" in header else issuer)):
        if needs_network(identifier):
            raise _Unverifiable(
                f"the {label} {short(identifier)} could only be looked up over the network; "
                "list its public key in the trusted-issuers file to verify it offline"
            )
    if "jwk" in header:
        raise _Unverifiable(
            f"the token carries its own key (jwk in its header), which does not show that the key belongs to "
            f"the issuer {short(issuer or '(none named)')}; list the issuer's key in the trusted-issuers file"
        )
    raise _Unverifiable("the token names no key (no kid) and its issuer is not a DID that holds one")


def _matching_key(token: str, alg: str, keys: list[Key]) -> Key | None:
    """The first key the token's signature checks against, else None."""
    for key in keys:
        try:
            with warnings.catch_warnings():  # joserfc warns that the name EdDSA is deprecated (RFC 9864)
                warnings.simplefilter("ignore")
                jws.deserialize_compact(token, import_key(key.jwk), algorithms=[alg])
        except (JoseError, ValueError, TypeError):  # BadSignatureError, or a key of another type or curve
            continue
        return key
    return None


def check_token(token: str, credential: dict | None, trusted: TrustedIssuers) -> Check:
    """The status of one compact JWS (the credential is its decoded payload, as the reader read it)."""
    header_part, payload_part, signature_part = token.split(".")
    try:
        header = json.loads(_part(header_part))
        payload = json.loads(_part(payload_part))
        signature = _part(signature_part)
    except (binascii.Error, ValueError):
        return failed("its header, payload or signature is not valid base64url JSON")
    if not isinstance(header, dict) or not isinstance(payload, dict):
        return failed("its header or payload is not a JSON object")
    alg = header.get("alg")
    if alg in (None, "none") or not signature:
        return unsigned("the token is not signed (no algorithm or an empty signature)")
    if alg not in _ALGORITHMS:
        return unverifiable(f"it is signed with {alg}, an algorithm this product does not check")
    try:
        keys = _candidate_keys(header, issuer_id(payload, credential), _creator(payload), trusted)
    except _Unverifiable as exc:
        return unverifiable(str(exc))
    except KeyProblem as exc:
        return failed(f"its key cannot be used: {exc}")
    if alg in _ECDSA_BYTES and len(signature) != _ECDSA_BYTES[alg]:
        if _is_der(signature):
            size = _ECDSA_BYTES[alg]
            r, s = utils.decode_dss_signature(signature)
            as_jws = (
                f"{header_part}.{payload_part}."
                + base64.urlsafe_b64encode(r.to_bytes(size // 2) + s.to_bytes(size // 2)).rstrip(b"=").decode()
            )
            would = " (converted, it would match the issuer's key: ask the issuer to re-issue it)"
            return failed(
                f"its {alg} signature is DER-encoded ({len(signature)} bytes) instead of the "
                f"{size}-byte R||S form JWS requires{would if _matching_key(as_jws, alg, keys) else ''}"
            )
        return failed(f"its {alg} signature is {len(signature)} bytes long instead of {_ECDSA_BYTES[alg]}")
    key = _matching_key(token, alg, keys)
    if key is not None:
        return verified(f"the {alg} signature matches the issuer's key ({key.source})")
    return failed(
        "the signature does not match the token's content and the issuer's key: it was altered after signing, "
        "or signed with another key"
    )
