"""Data Integrity proofs on JSON credentials: ``DataIntegrityProof`` with ``eddsa-rdfc-2022``, and
``Ed25519Signature2020``.

Both sign the same thing (W3C VC Data Integrity EdDSA Cryptosuites, section 3.3): SHA-256 of
the RDF canonical form (RDFC-1.0, pyld's URDNA2015) of the proof options (the proof without
``proofValue``, under the credential's ``@context``), followed by SHA-256 of the canonical form
of the credential without its proof; the signature is Ed25519 over those 64 bytes, written
as multibase base58btc (``z…``). The JSON-LD contexts come from ``contexts/`` beside this
file, never from the network.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache
from pathlib import Path

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld

from etl.credentials.keys import (
    Key,
    KeyProblem,
    TrustedIssuers,
    did_key_jwk,
    is_offline_did,
    needs_network,
    short,
    without_fragment,
)
from etl.credentials.outcome import Check, failed, unsigned, unverifiable, verified

CONTEXT_DIR = Path(__file__).parent / "contexts"
#: Context URL -> the file in contexts/ that holds it (see its README for where each comes from).
CONTEXT_FILES = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://www.w3.org/2018/credentials/v1": "credentials-v1.jsonld",
    "https://www.w3.org/ns/credentials/examples/v2": "credentials-examples-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json": "ob-v3p0-context.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": "ob-v3p0-context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": "ob-v3p0-context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
    "https://w3id.org/security/suites/ed25519-2020/v1": "ed25519-signature-2020-v1.jsonld",
}
SUITES = {("DataIntegrityProof", "eddsa-rdfc-2022"), ("Ed25519Signature2020", None)}


class MissingContext(Exception):
    """A context the credential names is not shipped; the message is its URL."""


@cache
def _context(url: str) -> dict:
    return json.loads((CONTEXT_DIR / CONTEXT_FILES[url]).read_text(encoding="utf-8"))


def _offline_loader(url: str, options=None) -> dict:
    if url not in CONTEXT_FILES:
        raise MissingContext(url)
    return {"contextUrl": None, "documentUrl": url, "document": _context(url)}


def canonical(document: dict) -> bytes:
    """The RDFC-1.0 canonical N-Quads of a JSON-LD document, with the shipped contexts only."""
    try:
        nquads = jsonld.normalize(
            document,
            {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": _offline_loader},
        )
    except jsonld.JsonLdError as exc:
        cause = exc
        while cause is not None and not isinstance(cause, MissingContext):
            cause = getattr(cause, "cause", None) or cause.__cause__ or cause.__context__
        if isinstance(cause, MissingContext):
            raise cause from None
        raise
    return nquads.encode("utf-8")


def hash_data(credential: dict, proof: dict) -> bytes:
    """What the Ed25519 signature signs: SHA-256 of the proof options, then SHA-256 of the credential."""
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    options["@context"] = credential.get("@context")
    document = {k: v for k, v in credential.items() if k != "proof"}
    return hashlib.sha256(canonical(options)).digest() + hashlib.sha256(canonical(document)).digest()


def sign(credential: dict, proof_options: dict, private_key: Ed25519PrivateKey) -> dict:
    """The credential with a proof made from these options (used to build test credentials)."""
    signature = private_key.sign(hash_data(credential, proof_options))
    return {**credential, "proof": {**proof_options, "proofValue": "z" + base58.b58encode(signature).decode()}}


def own_proofs(credential: dict) -> list[dict]:
    proof = credential.get("proof")
    proofs = proof if isinstance(proof, list) else [proof] if proof is not None else []
    return [p for p in proofs if isinstance(p, dict)]


def nested_proofs(value, top: bool = True) -> bool:
    """Whether anything inside the credential (endorsements, embedded credentials) carries a proof."""
    if isinstance(value, dict):
        return (not top and "proof" in value) or any(nested_proofs(v, False) for k, v in value.items() if k != "proof")
    if isinstance(value, list):
        return any(nested_proofs(v, False) for v in value)
    return False


def _issuer(credential: dict) -> str | None:
    issuer = credential.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
    return issuer.strip() if isinstance(issuer, str) and issuer.strip() else None


def _key(method: str, issuer: str | None, trusted: TrustedIssuers) -> Key | Check:
    listed = [k for k in trusted.keys_for(method, issuer) if k.jwk.get("crv") == "Ed25519"]
    if listed:
        return listed[0]
    if method.startswith("did:key:"):
        if issuer and is_offline_did(issuer) and without_fragment(method) != issuer:
            return unverifiable(
                f"its proof is made with the key {short(method)}, which is not the issuer {short(issuer)}'s own DID"
            )
        jwk = did_key_jwk(method)
        if jwk.get("crv") != "Ed25519":
            return failed(f"its proof needs an Ed25519 key but {short(method)} holds a {jwk.get('crv')} key")
        return Key(jwk, "the key is the issuer's own did:key")
    if not method:
        return unverifiable("its proof names no verificationMethod, so no key can be found for it")
    if needs_network(method):
        return unverifiable(
            f"the proof's key {short(method)} could only be looked up over the network; "
            "list its public key in the trusted-issuers file to verify it offline"
        )
    return unverifiable(f"the proof's key {short(method)} is not a DID or URL this product can resolve")


def check_proof(credential: dict, trusted: TrustedIssuers) -> Check:
    """The status of a JSON credential from its own proof (none of its own: unsigned)."""
    proofs = own_proofs(credential)
    if not proofs:
        inside = (
            "; the proofs inside it belong to its endorsements or embedded credentials"
            if nested_proofs(credential)
            else ""
        )
        hosted = " (a hosted assertion is vouched for only at its URL)" if _hosted(credential) else ""
        return unsigned(f"the credential carries no proof of its own{hosted}{inside}")
    proof = next(
        (
            p
            for p in proofs
            if (p.get("type"), p.get("cryptosuite") if p.get("type") == "DataIntegrityProof" else None) in SUITES
        ),
        None,
    )
    if proof is None:
        kinds = ", ".join(str(p.get("cryptosuite") or p.get("type")) for p in proofs)
        return unverifiable(f"its proof ({kinds}) is of a kind this product does not check")
    method = proof.get("verificationMethod")
    method = method.get("id") if isinstance(method, dict) else method
    method = method.strip() if isinstance(method, str) else ""
    try:
        key = _key(method, _issuer(credential), trusted)
    except KeyProblem as exc:
        return failed(f"its key cannot be used: {exc}")
    if isinstance(key, Check):
        return key
    value = proof.get("proofValue")
    try:
        signature = base58.b58decode(value[1:]) if isinstance(value, str) and value.startswith("z") else b""
    except ValueError:
        signature = b""
    if len(signature) != 64:
        return failed("its proofValue is not a base58btc (z…) Ed25519 signature of 64 bytes")
    try:
        data = hash_data(credential, proof)
    except MissingContext as exc:
        return unverifiable(
            f"it names the JSON-LD context {exc}, which is not shipped with this product, so its proof "
            "cannot be checked offline"
        )
    except jsonld.JsonLdError:
        return failed("it is not valid JSON-LD, so its proof cannot match")
    public = Ed25519PublicKey.from_public_bytes(_okp_bytes(key.jwk))
    kind = proof.get("cryptosuite") or proof.get("type")
    try:
        public.verify(signature, data)
    except InvalidSignature:
        return failed(
            f"its {kind} proof does not match the credential's content and the issuer's key: it was altered after "
            "signing, or signed with another key"
        )
    return verified(f"its {kind} proof matches the issuer's key ({key.source})")


def _okp_bytes(jwk: dict) -> bytes:
    """The raw Ed25519 public key of an OKP JWK."""
    x = jwk["x"]
    return base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))


def _hosted(credential: dict) -> bool:
    """An Open Badges 1.0/2.0 assertion verified by fetching it from its URL (``verify``/``verification`` hosted)."""
    verify = credential.get("verification") or credential.get("verify")
    return isinstance(verify, dict) and str(verify.get("type") or "").lower() == "hosted"
