"""Writes the signed credentials of tests/fixtures/credentials/generated/ from fixed seeds.

    python tests/make_credential_fixtures.py

Every key comes from a fixed seed and every signature is deterministic (Ed25519 by design,
ES256 with RFC 6979 nonces, RS256 by design), so running it again writes the same bytes. The
issuers: an Ed25519 did:key, a P-256 did:key, a P-256 did:jwk, a did:web and an Open Badges
2.0 issuer (RS256, its key at an https URL), the last two with keys listed only in
``trusted-issuers.json``. Each credential awards the tiny organisation's course ``cloud-101``
(C-CLOUD, Cloud level 3) to Bob Baker (E2); the altered copies change one payload value, one
signature character, or the recipient (to Dan Diaz, E4). tests/test_credentials.py states
what each file's status must be.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import sys
from pathlib import Path

import base58
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from etl.credentials import integrity

OUT = Path(__file__).parent / "fixtures" / "credentials" / "generated"
CONTEXTS = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
BOB, DAN = "bob.baker@tiny.test", "dan@tiny.test"


def seed(label: str) -> bytes:
    return hashlib.sha256(f"upskill credential fixtures: {label}".encode()).digest()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def ed25519_key(label: str) -> tuple[Ed25519PrivateKey, str]:
    """A private key and its did:key (multicodec 0xed01 + the 32-byte public key, base58btc)."""
    private = Ed25519PrivateKey.from_private_bytes(seed(label))
    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return private, "did:key:z" + base58.b58encode(b"\xed\x01" + raw).decode()


def p256_key(label: str) -> tuple[ec.EllipticCurvePrivateKey, str]:
    """A private key and its did:key (multicodec 0x8024 + the compressed point, base58btc)."""
    private = ec.derive_private_key(int.from_bytes(seed(label)) % (2**255), ec.SECP256R1())
    point = private.public_key().public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
    return private, "did:key:z" + base58.b58encode(b"\x80\x24" + point).decode()


def rsa_key(label: str, bits: int = 2048) -> rsa.RSAPrivateKey:
    """An RSA key whose primes come from a generator seeded with the label (Miller-Rabin, 40 rounds)."""
    rng = random.Random(seed(label))

    def probable_prime(n: int) -> bool:
        if n % 2 == 0 or any(n % p == 0 for p in (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)):
            return False
        d, r = n - 1, 0
        while d % 2 == 0:
            d, r = d // 2, r + 1
        for _ in range(40):
            x = pow(rng.randrange(2, n - 2), d, n)
            if x in (1, n - 1):
                continue
            for _ in range(r - 1):
                x = pow(x, 2, n)
                if x == n - 1:
                    break
            else:
                return False
        return True

    def prime() -> int:
        while True:
            candidate = rng.getrandbits(bits // 2) | (3 << (bits // 2 - 2)) | 1
            if (candidate - 1) % 65537 and probable_prime(candidate):
                return candidate

    p, q = prime(), prime()
    d = pow(65537, -1, (p - 1) * (q - 1))
    public = rsa.RSAPublicNumbers(65537, p * q)
    numbers = rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), public)
    return numbers.private_key()


def sign_jws(header: dict, payload: dict, private, der: bool = False) -> str:
    signing_input = (b64(json.dumps(header).encode()) + "." + b64(json.dumps(payload).encode())).encode()
    if isinstance(private, Ed25519PrivateKey):
        signature = private.sign(signing_input)
    elif isinstance(private, rsa.RSAPrivateKey):
        signature = private.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    else:
        signature = private.sign(signing_input, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
        if not der:
            r, s = utils.decode_dss_signature(signature)
            signature = r.to_bytes(32) + s.to_bytes(32)
    return signing_input.decode() + "." + b64(signature)


def credential(number: int, issuer: str, email: str, name: str = "Cloud Foundations") -> dict:
    return {
        "@context": CONTEXTS,
        "id": f"urn:uuid:7f1c0d2e-0000-4000-8000-00000000{number:04d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Tiny Cloud Academy"},
        "validFrom": "2025-01-10T09:00:00Z",
        "name": name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {"type": "IdentityObject", "identityType": "emailAddress", "hashed": False, "identityHash": email}
            ],
            "achievement": {
                "id": "cloud-101",
                "type": ["Achievement"],
                "name": name,
                "criteria": {"narrative": "Passed the Cloud Foundations exam."},
            },
        },
    }


def vc_jwt(cred: dict) -> dict:
    """VC-JWT (VCDM 1.1 style): the credential in ``vc``, issuer and id also as registered claims."""
    return {"iss": cred["issuer"]["id"], "jti": cred["id"], "nbf": 1736499600, "vc": cred}


def altered_character(token: str, at: int) -> str:
    """The token with the signature's character at ``at`` replaced by another (a whole byte changes)."""
    head, _, signature = token.rpartition(".")
    old = signature[at]
    return head + "." + signature[:at] + ("A" if old != "A" else "B") + signature[at + 1 :]


def main(out: Path = OUT) -> None:
    """Write every file into ``out`` (generated/), and the trusted-issuers file beside it."""
    out.mkdir(parents=True, exist_ok=True)

    def write(name: str, content: str | dict) -> None:
        text = content if isinstance(content, str) else json.dumps(content, indent=2) + "\n"
        (out / name).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")

    ed, ed_did = ed25519_key("ed25519 issuer")
    p256, p256_did = p256_key("p-256 issuer")
    web, _ = ed25519_key("did:web issuer")
    web_did = "did:web:academy.tiny.test"

    # Ed25519 did:key, VC-JWT; and its altered copies
    token = sign_jws(
        {"alg": "EdDSA", "typ": "JWT", "kid": f"{ed_did}#{ed_did[8:]}"}, vc_jwt(credential(1, ed_did, BOB)), ed
    )
    write("ed25519-did-key.jwt", token)
    head, payload, signature = token.split(".")
    changed = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    changed["vc"]["validFrom"] = "2024-01-10T09:00:00Z"  # one payload value: a year earlier
    write("ed25519-did-key-altered-payload.jwt", f"{head}.{b64(json.dumps(changed).encode())}.{signature}")
    write("ed25519-did-key-altered-signature.jwt", altered_character(token, 10))
    switched = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    switched["vc"]["credentialSubject"]["identifier"][0]["identityHash"] = DAN
    write("ed25519-did-key-recipient-switched.jwt", f"{head}.{b64(json.dumps(switched).encode())}.{signature}")

    # P-256 did:key, VC-JOSE (the credential is the payload); and the same signature DER-encoded
    header = {"alg": "ES256", "typ": "vc+jwt", "kid": f"{p256_did}#{p256_did[8:]}"}
    write("p256-did-key.jwt", sign_jws(header, credential(2, p256_did, BOB), p256))
    write("p256-did-key-der-signature.jwt", sign_jws(header, credential(3, p256_did, BOB), p256, der=True))

    # did:jwk issuer named only in iss (no kid): the key is in the DID
    point = p256.public_key().public_numbers()
    jwk = {"kty": "EC", "crv": "P-256", "x": b64(point.x.to_bytes(32)), "y": b64(point.y.to_bytes(32))}
    jwk_did = "did:jwk:" + b64(json.dumps(jwk, separators=(",", ":")).encode())
    write("did-jwk.jwt", sign_jws({"alg": "ES256", "typ": "JWT"}, vc_jwt(credential(10, jwk_did, BOB)), p256))

    # did:web: its key is needed from the network unless trusted-issuers.json lists it
    write(
        "did-web.jwt", sign_jws({"alg": "EdDSA", "kid": f"{web_did}#key-1"}, vc_jwt(credential(4, web_did, BOB)), web)
    )
    web_jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64(web.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))}
    # Open Badges 2.0 signed assertion (RS256), its key at an https URL that only the trusted-issuers file lists
    ob2 = rsa_key("open badges 2.0 issuer")
    creator = "https://academy.tiny.test/keys/1"
    assertion = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://academy.tiny.test/assertions/1",
        "recipient": {"type": "email", "hashed": False, "identity": BOB},
        "badge": "cloud-101",
        "issuedOn": "2025-01-10T09:00:00Z",
        "verification": {"type": "SignedBadge", "creator": creator},
    }
    write("ob2-signed-assertion.jws", sign_jws({"alg": "RS256"}, assertion, ob2))
    numbers = ob2.public_key().public_numbers()
    ob2_jwk = {"kty": "RSA", "n": b64(numbers.n.to_bytes(256)), "e": b64(numbers.e.to_bytes(3))}
    trusted = {web_did: [web_jwk], creator: ob2_jwk}
    (out.parent / "trusted-issuers.json").write_text(json.dumps(trusted, indent=2) + "\n")

    # a key in the JOSE header only: it ties the token to no issuer
    write(
        "jwk-in-header.jwt",
        sign_jws({"alg": "EdDSA", "jwk": web_jwk}, vc_jwt(credential(5, "https://academy.tiny.test/issuer", BOB)), web),
    )

    # OB 3.0 JSON with Data Integrity proofs: eddsa-rdfc-2022 and Ed25519Signature2020
    method = f"{ed_did}#{ed_did[8:]}"
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2025-01-10T09:00:00Z",
        "verificationMethod": method,
        "proofPurpose": "assertionMethod",
    }
    signed = integrity.sign(credential(6, ed_did, BOB), options, ed)
    write("eddsa-rdfc-2022.json", signed)
    switched = json.loads(json.dumps(signed))
    switched["credentialSubject"]["identifier"][0]["identityHash"] = DAN
    write("eddsa-rdfc-2022-recipient-switched.json", switched)
    legacy = credential(7, ed_did, BOB)
    legacy["@context"] = [*CONTEXTS, "https://w3id.org/security/suites/ed25519-2020/v1"]
    options2020 = {k: v for k, v in options.items() if k != "cryptosuite"} | {"type": "Ed25519Signature2020"}
    write("ed25519-signature-2020.json", integrity.sign(legacy, options2020, ed))
    https_method = integrity.sign(
        credential(8, "https://academy.tiny.test/issuer", BOB),
        options | {"verificationMethod": "https://academy.tiny.test/issuer#key-1"},
        web,
    )
    write("https-verification-method.json", https_method)

    # no proof at all
    write("unsigned.json", credential(9, "https://academy.tiny.test/issuer", BOB))


if __name__ == "__main__":
    main()
