"""Credential verification: each file's status and reason, worked out from how it was made.

The generated files come from tests/make_credential_fixtures.py (fixed seeds); the real ones
are public tokens and examples (tests/fixtures/credentials/README.md says where from).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

import warehouse
from etl import badges, credentials
from etl.__main__ import main as etl_main
from etl.credentials import TrustFileError, load_trusted
from etl.load import load_file, load_paths
from etl.records import UnreadableFile
from tests import make_credential_fixtures

FIX = Path(__file__).parent / "fixtures" / "credentials"
GEN = FIX / "generated"
REAL = FIX / "real"
TINY = Path(__file__).parent / "fixtures" / "tiny"
TRUST = FIX / "trusted-issuers.json"

MISMATCH = (
    "Failed: the signature does not match the token's content and the issuer's key: it was altered after signing, "
    "or signed with another key."
)
NETWORK = (
    "could only be looked up over the network; list its public key in the trusted-issuers file to verify it offline."
)

#: file -> (status, reason) with no trusted-issuers file
GENERATED = {
    "ed25519-did-key.jwt": (
        "verified",
        "Verified: the EdDSA signature matches the issuer's key (the key is the one the issuer's did:key holds).",
    ),
    "ed25519-did-key-altered-payload.jwt": ("failed", MISMATCH),
    "ed25519-did-key-altered-signature.jwt": ("failed", MISMATCH),
    "ed25519-did-key-recipient-switched.jwt": ("failed", MISMATCH),
    "p256-did-key.jwt": (
        "verified",
        "Verified: the ES256 signature matches the issuer's key (the key is the one the issuer's did:key holds).",
    ),
    "p256-did-key-der-signature.jwt": (
        "failed",
        "Failed: its ES256 signature is DER-encoded (71 bytes) instead of the 64-byte R||S form JWS requires "
        "(converted, it would match the issuer's key: ask the issuer to re-issue it).",
    ),
    "did-jwk.jwt": (
        "verified",
        "Verified: the ES256 signature matches the issuer's key (the key is the one the issuer's did:jwk holds).",
    ),
    "did-web.jwt": ("unverifiable", f"Unverifiable: the key did:web:academy.tiny.test#key-1 {NETWORK}"),
    "ob2-signed-assertion.jws": ("unverifiable", f"Unverifiable: the key https://academy.tiny.test/keys/1 {NETWORK}"),
    "jwk-in-header.jwt": (
        "unverifiable",
        "Unverifiable: the token carries its own key (jwk in its header), which does not show that the key belongs "
        "to the issuer https://academy.tiny.test/issuer; list the issuer's key in the trusted-issuers file.",
    ),
    "eddsa-rdfc-2022.json": (
        "verified",
        "Verified: its eddsa-rdfc-2022 proof matches the issuer's key (the key is the issuer's own did:key).",
    ),
    "eddsa-rdfc-2022-recipient-switched.json": (
        "failed",
        "Failed: its eddsa-rdfc-2022 proof does not match the credential's content and the issuer's key: it was "
        "altered after signing, or signed with another key.",
    ),
    "ed25519-signature-2020.json": (
        "verified",
        "Verified: its Ed25519Signature2020 proof matches the issuer's key (the key is the issuer's own did:key).",
    ),
    "https-verification-method.json": (
        "unverifiable",
        f"Unverifiable: the proof's key https://academy.tiny.test/issuer#key-1 {NETWORK}",
    ),
    "unsigned.json": ("unsigned", "Unsigned: the credential carries no proof of its own."),
}


def status_of(path: Path, trusted=None) -> tuple[str, str]:
    [check] = badges.check_file(path, trusted)
    return check.status, check.reason


def test_every_generated_file_is_listed():
    assert sorted(p.name for p in GEN.iterdir()) == sorted(GENERATED)


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_file_status_and_reason(name):
    assert status_of(GEN / name) == GENERATED[name]


def test_the_generator_writes_the_committed_bytes_again(tmp_path):
    make_credential_fixtures.main(tmp_path / "generated")
    for name in GENERATED:
        assert (tmp_path / "generated" / name).read_bytes() == (GEN / name).read_bytes(), name
    assert (tmp_path / "trusted-issuers.json").read_bytes() == TRUST.read_bytes()


def test_altered_copies_differ_from_the_original_by_what_their_names_say():
    original = (GEN / "ed25519-did-key.jwt").read_text().strip().split(".")
    signature = (GEN / "ed25519-did-key-altered-signature.jwt").read_text().strip().split(".")
    assert signature[:2] == original[:2]
    assert sum(a != b for a, b in zip(signature[2], original[2], strict=True)) == 1
    for name in ("ed25519-did-key-altered-payload.jwt", "ed25519-did-key-recipient-switched.jwt"):
        altered = (GEN / name).read_text().strip().split(".")
        assert altered[0] == original[0] and altered[2] == original[2] and altered[1] != original[1]
    genuine = json.loads((GEN / "eddsa-rdfc-2022.json").read_text())
    switched = json.loads((GEN / "eddsa-rdfc-2022-recipient-switched.json").read_text())
    genuine["credentialSubject"]["identifier"][0]["identityHash"] = "dan@tiny.test"
    assert switched == genuine


def test_the_trusted_issuers_file_verifies_the_did_web_and_open_badges_2_issuers_and_nothing_else_changes():
    trusted = load_trusted(TRUST)
    assert status_of(GEN / "did-web.jwt", trusted) == (
        "verified",
        "Verified: the EdDSA signature matches the issuer's key (its key is listed for did:web:academy.tiny.test "
        "in the trusted-issuers file).",
    )
    # the same key, but the token's issuer is not the one listed: the header's key alone still proves nothing
    assert status_of(GEN / "jwk-in-header.jwt", trusted)[0] == "unverifiable"
    assert status_of(GEN / "ob2-signed-assertion.jws", trusted) == (
        "verified",
        "Verified: the RS256 signature matches the issuer's key (its key is listed for "
        "https://academy.tiny.test/keys/1 in the trusted-issuers file).",
    )
    for name in set(GENERATED) - {"did-web.jwt", "ob2-signed-assertion.jws"}:
        assert status_of(GEN / name, trusted) == GENERATED[name], name


def test_the_w3c_eddsa_rdfc_2022_test_vector_verifies_with_its_key_trusted():
    """The specification's own signed example: canonicalisation and hashing agree with other implementations."""
    vector = FIX / "w3c" / "eddsa-rdfc-2022-signed.json"
    trusted = load_trusted(FIX / "w3c" / "trusted-issuers.json")
    assert status_of(vector, trusted) == (
        "verified",
        "Verified: its eddsa-rdfc-2022 proof matches the issuer's key (its key is listed for "
        "https://vc.example/issuers/5678 in the trusted-issuers file).",
    )
    assert status_of(vector)[0] == "unverifiable"
    altered = json.loads(vector.read_text())
    altered["credentialSubject"]["alumniOf"] = "The School of Forgeries"
    assert credentials.check(altered, None, trusted).status == "failed"


def test_a_context_that_is_not_shipped_makes_the_proof_unverifiable():
    credential = json.loads((GEN / "eddsa-rdfc-2022.json").read_text())
    credential["@context"] = [*credential["@context"], "https://contexts.example.com/unknown.jsonld"]
    check = credentials.check(credential, None)
    assert check == credentials.Check(
        "unverifiable",
        "Unverifiable: it names the JSON-LD context https://contexts.example.com/unknown.jsonld, which is not "
        "shipped with this product, so its proof cannot be checked offline.",
    )


# --------------------------------------------------------------------------- real files

REAL_STATUS = {
    # EdDSA token whose kid and iss are the same did:jwk: the key is in the DID, and the signature matches
    "walt-jff-plugfest2.jwt": (
        "verified",
        "Verified: the EdDSA signature matches the issuer's key (the key is the one the issuer's did:jwk holds).",
    ),
    # ES256 from a did:key P-256 issuer, but the signature is ASN.1 DER (70 bytes), not JWS's 64-byte R||S
    "uniissuer-jff-plugfest2.jwt": (
        "failed",
        "Failed: its ES256 signature is DER-encoded (70 bytes) instead of the 64-byte R||S form JWS requires "
        "(converted, it would match the issuer's key: ask the issuer to re-issue it).",
    ),
    # OB 2.0 signed assertion whose key is an https URL
    "signed-assertion.jws": ("unverifiable", f"Unverifiable: the key https://example.org/publicKey {NETWORK}"),
    "assertion-hosted.json": (
        "unsigned",
        "Unsigned: the credential carries no proof of its own (a hosted assertion is vouched for only at its URL).",
    ),
    "ob3-spec-basicOpenBadgeCredential.json": ("unsigned", "Unsigned: the credential carries no proof of its own."),
    "ob3-spec-achievementAlignmentCase.json": ("unsigned", "Unsigned: the credential carries no proof of its own."),
    "ob3-spec-migrating-4.json": ("unsigned", "Unsigned: the credential carries no proof of its own."),
    "ob3-spec-readme.json": ("unsigned", "Unsigned: the credential carries no proof of its own."),
    # its proofs are on its endorsements, not on the credential
    "ob3-spec-fullOpenBadge.json": (
        "unsigned",
        "Unsigned: the credential carries no proof of its own; the proofs inside it belong to its endorsements or "
        "embedded credentials.",
    ),
}


@pytest.mark.parametrize("name", sorted(REAL_STATUS))
def test_real_file_status_and_reason(name):
    assert status_of(REAL / name) == REAL_STATUS[name]


def test_the_spruce_token_as_published_is_not_a_compact_jws_and_is_not_loaded():
    with pytest.raises(UnreadableFile, match="is not a compact signed token"):
        badges.check_file(REAL / "spruce-jff-plugfest2.jwt")


def test_a_revoked_assertion_stays_a_rejected_row():
    parsed = badges.read(REAL / "revoked-hosted-assertion.json")
    assert parsed.records.height == 0
    assert parsed.rejected[0].reason.startswith("assertion https://example.org/beths-robotics-badge.json was revoked")


def test_the_real_did_jwk_token_loads_as_a_verified_credential(tmp_path):
    """walt.id's token resolves once the roster names its subject's DID and the catalog its achievement ("0")."""
    payload = (REAL / "walt-jff-plugfest2.jwt").read_text().split(".")[1]
    subject = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]
    company = tmp_path / "company"
    company.mkdir()
    (company / "roster.csv").write_text(
        "employee_id,full_name,email,role,team,department,manager_id,location,cost_center,hire_date,leave_date\n"
        f"{subject},Wanda Wallet,wanda@tiny.test,Engineer,Platform,Engineering,,Berlin,CC1,2020-01-01,\n"
    )
    (company / "skills.csv").write_text("skill,category,description\nWallets,Software,Holding credentials\n")
    (company / "catalog.csv").write_text(
        "course_id,title,provider,hours,price,currency,credential_type,validity_months,skills,aliases\n"
        "C-JFF,JFF Plugfest 2,JFF,1,0,USD,badge,,Wallets:2,0\n"
    )
    con = warehouse.connect(tmp_path / "w.duckdb")
    try:
        load_paths(con, [company, REAL / "walt-jff-plugfest2.jwt", REAL / "uniissuer-jff-plugfest2.jwt"])
        rows = con.sql("select employee_id, course_id, status, reason from credential_verification").fetchall()
        assert rows == [(subject, "C-JFF", *REAL_STATUS["walt-jff-plugfest2.jwt"])]
        rejected = con.sql("select reason from rejected_rows").fetchall()
        assert rejected == [
            ("credentialSubject.achievement 'Universal Issuer issued Open Badge v3 credential' has no id, so it "
             "cannot be matched to a catalog course",)
        ]  # fmt: skip
    finally:
        con.close()


def test_a_clr_transcript_is_not_a_badge_file(tmp_path):
    con = warehouse.connect(tmp_path / "w.duckdb")
    try:
        summary = load_file(con, REAL / "ob3-spec-linked-data-proof-clr-1.json")
    finally:
        con.close()
    assert summary.status == "failed"
    assert "is not an export this product recognises" in summary.message


# --------------------------------------------------------------------------- the trusted-issuers file


@pytest.mark.parametrize(
    ("content", "sentence"),
    [
        ("not json", "The trusted-issuers file trust.json is not valid JSON."),
        ("[]", "The trusted-issuers file trust.json must be a JSON object mapping issuer or key ids to public keys."),
        ('{"did:web:a.test": "key"}', "In trust.json, the entry for did:web:a.test is not a JSON Web Key."),
        (
            '{"did:web:a.test": {"kty": "OKP", "crv": "Ed25519", "x": "AA", "d": "AA"}}',
            "In trust.json, the entry for did:web:a.test holds a private key; list public keys only.",
        ),
        (
            '{"did:web:a.test": {"kty": "RSA"}}',
            "In trust.json, the entry for did:web:a.test is not a usable public JSON Web Key.",
        ),
    ],
)
def test_an_unusable_trusted_issuers_file_is_refused_in_one_sentence(tmp_path, content, sentence):
    path = tmp_path / "trust.json"
    path.write_text(content)
    with pytest.raises(TrustFileError) as info:
        load_trusted(path)
    assert str(info.value) == sentence


def test_the_command_line_checks_with_the_trusted_issuers_file(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    assert etl_main(["load", "--db", str(db), str(TINY), str(GEN / "did-web.jwt")]) == 0
    assert etl_main(["load", "--db", str(db), "--trusted-issuers", str(TRUST), str(GEN / "did-web.jwt")]) == 0
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    assert etl_main(["load", "--db", str(db), "--trusted-issuers", str(bad), str(GEN / "unsigned.json")]) == 2
    assert "must be a JSON object" in capsys.readouterr().err
    con = warehouse.connect(db, read_only=True)
    try:
        rows = con.sql("select source_record_id, employee_id, status from credential_verification").fetchall()
    finally:
        con.close()
    # the second load read the file again (other keys trusted) and its verified copy replaced the unverifiable one
    assert rows == [("urn:uuid:7f1c0d2e-0000-4000-8000-000000000004", "E2", "verified")]


def test_the_configured_trusted_issuers_file_is_used_without_the_option(tmp_path, monkeypatch):
    monkeypatch.setenv("UPSKILL_TRUSTED_ISSUERS", str(TRUST))
    con = warehouse.connect(tmp_path / "w.duckdb")
    try:
        load_paths(con, [TINY, GEN / "did-web.jwt"])
        assert con.sql("select status from credential_verification").fetchall() == [("verified",)]
    finally:
        con.close()


# --------------------------------------------------------------------------- key rules, one by one

fixtures = make_credential_fixtures


def test_a_kid_that_is_not_the_issuers_own_did_ties_nothing_to_the_issuer():
    key, did = fixtures.ed25519_key("ed25519 issuer")
    _, issuer = fixtures.ed25519_key("another issuer")
    token = fixtures.sign_jws({"alg": "EdDSA", "kid": did}, fixtures.vc_jwt(fixtures.credential(11, issuer, "x")), key)
    check = credentials.check(None, token)
    assert check.status == "unverifiable"
    assert check.reason.startswith(f"Unverifiable: it is signed with the key {did[:32]}…")
    assert "which is not the issuer" in check.reason


def test_a_token_signed_with_a_key_other_than_its_did_key_fails():
    key, _ = fixtures.ed25519_key("ed25519 issuer")
    _, issuer = fixtures.ed25519_key("another issuer")
    header = {"alg": "EdDSA", "kid": f"{issuer}#{issuer[8:]}"}
    token = fixtures.sign_jws(header, fixtures.vc_jwt(fixtures.credential(12, issuer, "x")), key)
    assert credentials.check(None, token) == credentials.Check("failed", MISMATCH)


def test_an_unsecured_token_is_unsigned():
    token = fixtures.b64(b'{"alg":"none"}') + "." + fixtures.b64(json.dumps({"vc": {}}).encode()) + "."
    assert credentials.check(None, token) == credentials.Check(
        "unsigned", "Unsigned: the token is not signed (no algorithm or an empty signature)."
    )


def test_a_proof_without_a_verification_method_is_unverifiable():
    credential = json.loads((GEN / "eddsa-rdfc-2022.json").read_text())
    del credential["proof"]["verificationMethod"]
    assert credentials.check(credential, None) == credentials.Check(
        "unverifiable", "Unverifiable: its proof names no verificationMethod, so no key can be found for it."
    )


def test_a_der_signature_that_would_not_match_either_says_only_the_encoding():
    head, payload, signature = (GEN / "p256-did-key-der-signature.jwt").read_text().strip().split(".")
    changed = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    changed["name"] = "Cloud Expert"
    token = f"{head}.{fixtures.b64(json.dumps(changed).encode())}.{signature}"
    assert credentials.check(None, token) == credentials.Check(
        "failed", "Failed: its ES256 signature is DER-encoded (71 bytes) instead of the 64-byte R||S form JWS requires."
    )


def test_a_header_jwk_counts_when_it_is_the_key_of_the_issuers_own_did():
    key, _ = fixtures.p256_key("p-256 issuer")
    numbers = key.public_key().public_numbers()
    jwk = {
        "kty": "EC",
        "crv": "P-256",
        "x": fixtures.b64(numbers.x.to_bytes(32)),
        "y": fixtures.b64(numbers.y.to_bytes(32)),
    }
    issuer = "did:jwk:" + fixtures.b64(json.dumps(jwk).encode())
    token = fixtures.sign_jws({"alg": "ES256", "jwk": jwk}, fixtures.vc_jwt(fixtures.credential(13, issuer, "x")), key)
    assert credentials.check(None, token) == credentials.Check(
        "verified",
        "Verified: the ES256 signature matches the issuer's key (the key is the one the issuer's did:jwk holds).",
    )
