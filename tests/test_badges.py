"""Open Badges reader: each fixture's records worked out by hand from the file."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from etl import badges, records
from etl.records import UnreadableFile

FIX = Path(__file__).parent / "fixtures" / "badges"
SCORM_FIX = Path(__file__).parent / "fixtures" / "scorm"
UTC = UTC


def one(name: str) -> dict:
    """The single record a one-award fixture yields."""
    parsed = badges.read(FIX / name)
    assert parsed.kind == "badge"
    assert parsed.rows_read == 1
    assert parsed.rejected == []
    assert parsed.records.height == 1
    return parsed.records.row(0, named=True)


def token(header: dict, payload: dict) -> str:
    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return part(header) + "." + part(payload) + ".c2lnbmF0dXJl"


def test_schema_is_the_contract():
    parsed = badges.read(FIX / "ob2_array.json")
    assert parsed.records.schema == records.LEARNING_SCHEMA


def test_ob2_hashed_recipient_keeps_hash_lowercased_and_salt():
    row = one("ob2_hashed.json")
    expected = "sha256$" + hashlib.sha256(("ana.perez@example.com" + "deadsea").encode()).hexdigest()
    assert row["learner_kind"] == "hashed"
    assert row["learner_value"] == expected  # the file writes the hex in upper case
    assert row["learner_salt"] == "deadsea"
    assert row["course_key"] == "https://badges.example.org/badgeclasses/data-literacy"
    assert row["status"] == "passed"
    assert row["completed_at"] == datetime(2024, 3, 5, 14, 10, tzinfo=UTC)
    assert row["expires_at"] is None
    assert row["score"] is None
    assert row["source_record_id"] == "https://badges.example.org/assertions/1001"
    assert row["row_number"] == 1
    assert json.loads(row["raw"]) == json.loads((FIX / "ob2_hashed.json").read_text())


def test_ob2_plain_email_embedded_badgeclass_and_expiry_in_utc():
    row = one("ob2_email_expires.json")
    assert (row["learner_kind"], row["learner_value"], row["learner_salt"]) == ("email", "bo.li@example.com", None)
    assert row["course_key"] == "https://certs.example.com/badgeclass/cloud-practitioner"
    assert row["completed_at"] == datetime(2024, 1, 15, 7, 30, tzinfo=UTC)  # 09:30+02:00
    assert row["expires_at"] == datetime(2026, 1, 15, 7, 30, tzinfo=UTC)
    assert row["source_record_id"] == "urn:uuid:0b1d8f6e-3c55-4d0a-9a43-6f2b7c0e9d21"


def test_ob2_revoked_assertion_is_rejected_with_its_reason():
    parsed = badges.read(FIX / "ob2_revoked.json")
    assert parsed.rows_read == 1
    assert parsed.records.height == 0
    [rej] = parsed.rejected
    assert rej.row_number == 1
    assert rej.reason == "assertion https://badges.example.org/assertions/1002 was revoked: Issued to the wrong person"
    assert json.loads(rej.raw)["revocationReason"] == "Issued to the wrong person"


def test_ob3_vcdm2_hashed_email_identifier_wins_and_percent_result_is_the_score():
    row = one("ob3_vcdm2_hashed.json")
    expected = "sha256$" + hashlib.sha256(("ana.perez@example.com" + "pepper").encode()).hexdigest()
    assert (row["learner_kind"], row["learner_value"], row["learner_salt"]) == ("hashed", expected, "pepper")
    assert row["course_key"] == "https://skills.example.com/achievements/k8s-operator"
    assert row["completed_at"] == datetime(2024, 6, 1, 8, 0, tzinfo=UTC)  # 10:00+02:00
    assert row["expires_at"] == datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    assert row["score"] == 92.0
    assert row["source_record_id"] == "https://skills.example.com/credentials/3527"


def test_ob3_vcdm11_mailto_subject_and_issuance_dates():
    row = one("ob3_vcdm11_mailto.json")
    assert (row["learner_kind"], row["learner_value"], row["learner_salt"]) == ("email", "cy.ng@example.com", None)
    assert row["course_key"] == "urn:uuid:7c1e2f3a-0000-4b8b-9d3e-5a9c0b1d2e3f"
    assert row["completed_at"] == datetime(2023, 11, 20, 10, 0, tzinfo=UTC)
    assert row["expires_at"] == datetime(2025, 11, 20, 10, 0, tzinfo=UTC)
    assert row["score"] is None
    assert row["status"] == "passed"


def test_json_array_of_two_assertions():
    parsed = badges.read(FIX / "ob2_array.json")
    assert parsed.rows_read == 2
    assert parsed.rejected == []
    first, second = parsed.records.rows(named=True)
    assert first["row_number"] == 1
    assert first["learner_kind"] == "hashed"
    assert first["learner_value"] == "md5$" + hashlib.md5(b"eve.kim@example.com").hexdigest()
    assert first["learner_salt"] is None
    assert first["completed_at"] == datetime(2024, 3, 5, 14, 10, tzinfo=UTC)  # Unix 1709647800
    assert first["course_key"] == "https://badges.example.org/badgeclasses/python-basics"
    assert second["row_number"] == 2
    assert (second["learner_kind"], second["learner_value"]) == ("account", "E5678")
    assert second["course_key"] == "https://badges.example.org/badgeclasses/git-essentials"
    assert second["completed_at"] == datetime(2024, 4, 10, 16, 45, tzinfo=UTC)
    source = json.loads((FIX / "ob2_array.json").read_text())[1]
    canonical = json.dumps(source, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert second["source_record_id"] == "sha1:" + hashlib.sha1(canonical.encode()).hexdigest()


def test_id_less_assertion_gets_the_same_id_in_another_export(tmp_path):
    source = json.loads((FIX / "ob2_array.json").read_text())[1]
    reordered = dict(reversed(list(source.items())))
    (tmp_path / "single.json").write_text(json.dumps(reordered, indent=4))
    again = badges.read(tmp_path / "single.json").records.row(0, named=True)
    original = badges.read(FIX / "ob2_array.json").records.row(1, named=True)
    assert again["source_record_id"] == original["source_record_id"]


def test_vc_jwt_reads_the_vc_claim_and_registered_claims():
    text = (FIX / "incident_response.jwt").read_text()
    assert badges.sniff("incident_response.jwt", text)
    row = one("incident_response.jwt")
    assert (row["learner_kind"], row["learner_value"]) == ("account", "did:example:ebfeb1f712ebc6f1c276e12ec21")
    assert row["course_key"] == "https://issuer.example.com/achievements/incident-response"
    assert row["completed_at"] == datetime(2024, 6, 1, 8, 0, tzinfo=UTC)  # nbf 1717228800
    assert row["expires_at"] == datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # exp 1780300800
    assert row["source_record_id"] == "urn:uuid:4f0e9a1c-2b7d-4c3e-8f6a-1d2c3b4a5e6f"  # jti
    assert row["raw"] == text.strip()


def test_jose_payload_that_is_the_credential_matches_the_json_file(tmp_path):
    credential = json.loads((FIX / "ob3_vcdm11_mailto.json").read_text())
    jws = token({"alg": "ES256", "typ": "vc+jwt"}, credential)
    (tmp_path / "sql.jws").write_text(jws)
    assert badges.sniff("sql.jws", jws)
    from_token = badges.read(tmp_path / "sql.jws").records.drop("raw")
    from_json = badges.read(FIX / "ob3_vcdm11_mailto.json").records.drop("raw")
    assert from_token.equals(from_json)


def test_broken_awards_are_rejected_with_reasons():
    parsed = badges.read(FIX / "rejects.json")
    assert parsed.rows_read == 6
    assert parsed.records.height == 0
    assert [(r.row_number, r.reason) for r in parsed.rejected] == [
        (1, "expires '2024-04-01T00:00:00Z' is before issuedOn '2024-05-01T00:00:00Z', so the badge was never valid"),
        (2, "validFrom '1 June 2024' is not an ISO 8601 timestamp"),
        (3, "the assertion has no recipient, so it cannot be matched to an employee"),
        (4, "credentialSubject.achievement is missing, so the credential cannot be matched to a catalog course"),
        (
            5,
            "recipient.identity 'sha256$abc123' is marked hashed but is not sha256$ plus 64 hex digits "
            "or md5$ plus 32 hex digits",
        ),
        (6, "the entry is not an Open Badges assertion or credential (type: none)"),
    ]
    assert json.loads(parsed.rejected[2].raw)["id"] == "https://badges.example.org/assertions/3003"


def test_result_scaled_from_value_range(tmp_path):
    credential = json.loads((FIX / "ob3_vcdm2_hashed.json").read_text())
    description = credential["credentialSubject"]["achievement"]["resultDescription"][0]
    description.update(resultType="ScaledScore", valueMin="0", valueMax="4")
    credential["credentialSubject"]["result"][0]["value"] = "3"
    (tmp_path / "scaled.json").write_text(json.dumps(credential))
    assert badges.read(tmp_path / "scaled.json").records["score"].to_list() == [75.0]


def test_free_form_result_gives_no_score(tmp_path):
    credential = json.loads((FIX / "ob3_vcdm2_hashed.json").read_text())
    credential["credentialSubject"]["achievement"]["resultDescription"][0]["resultType"] = "LetterGrade"
    (tmp_path / "letter.json").write_text(json.dumps(credential))
    assert badges.read(tmp_path / "letter.json").records["score"].to_list() == [None]


def test_broken_json_is_unreadable():
    with pytest.raises(UnreadableFile, match=r"^broken\.json is not valid JSON: .* at line 5, column"):
        badges.read(FIX / "broken.json")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.json", "  \n", "empty.json is empty."),
        (
            "badgeclass.json",
            '{"@context":"https://w3id.org/openbadges/v2","type":"BadgeClass","id":"https://x.example/b","name":"B"}',
            "badgeclass.json describes an Open Badges BadgeClass, not an awarded badge, so it has no learner to record.",
        ),
        (
            "statements.json",
            '[{"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"}}]',
            "statements.json holds no Open Badges assertion or credential.",
        ),
        (
            "bad.jwt",
            "this is not a token",
            "bad.jwt is not a compact signed token (three base64url parts separated by dots).",
        ),
        ("number.json", "42", "number.json holds a single JSON value, not a badge assertion or credential."),
    ],
)
def test_unreadable_files(tmp_path, name, content, message):
    (tmp_path / name).write_text(content)
    with pytest.raises(UnreadableFile) as info:
        badges.read(tmp_path / name)
    assert str(info.value) == message


@pytest.mark.parametrize(
    "name",
    [
        "ob2_hashed.json",
        "ob2_email_expires.json",
        "ob2_revoked.json",
        "ob3_vcdm2_hashed.json",
        "ob3_vcdm11_mailto.json",
        "ob2_array.json",
        "rejects.json",
        "incident_response.jwt",
    ],
)
def test_sniff_claims_badge_files(name):
    assert badges.sniff(name, (FIX / name).read_text()[:65536])


def test_sniff_leaves_other_kinds_alone():
    for path in SCORM_FIX.iterdir():
        assert not badges.sniff(path.name, path.read_text()[:65536]), path.name
    xapi = '[{"id":"1","actor":{"mbox":"mailto:a@b.c"},"verb":{"id":"http://adlnet.gov/expapi/verbs/passed"}}]'
    assert not badges.sniff("statements.json", xapi)
    assert not badges.sniff("export.csv", "ID,Name,Email address,Course complete\n17,Ana,a@b.c,\n")
    assert not badges.sniff("login.jwt", token({"alg": "HS256"}, {"sub": "E1234", "exp": 1}))
    clr = (
        '{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/clr/v2p0/'
        'context-2.0.1.json","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],'
        '"type":["VerifiableCredential","ClrCredential"]}'
    )
    assert not badges.sniff("transcript.json", clr)


def test_sniff_reads_a_jwt_cut_off_by_the_head_limit():
    credential = json.loads((FIX / "ob3_vcdm11_mailto.json").read_text())
    credential["credentialSubject"]["achievement"]["image"] = {
        "id": "data:image/png;base64," + "iVBORw0KGgo" * 20000,
        "type": "Image",
    }
    text = token({"alg": "ES256"}, credential)
    assert len(text) > 65536
    assert badges.sniff("big.jwt", text[:65536])


# --------------------------------------------------------------------------- Open Badges 1.0 and 0.5

VALIDATOR = Path(__file__).parent / "fixtures" / "ob2-validator-core"
OB05 = (
    "Open Badges 0.5 assertion: this version (replaced by 1.0 in 2013) is not supported; "
    "ask the issuer for an Open Badges 2.0 or 3.0 export"
)


@pytest.mark.parametrize(
    ("name", "hosted_at"),
    [
        ("1_0_basic_assertion.json", "http://a.com/instance"),
        ("1_0_basic_assertion_with_extra_properties.json", "http://a.com/instance3"),
    ],
)
def test_ob1_assertions_of_the_validator_are_read(name, hosted_at):
    """1.0: recipient {identity test@example.com, not hashed, type email}, badge http://a.com/badgeclass,
    issuedOn 2015-04-30 (a date: midnight UTC); no id, so the record is the URL it is hosted at."""
    parsed = badges.read(VALIDATOR / name)
    assert (parsed.rows_read, parsed.rejected) == (1, [])
    row = parsed.records.row(0, named=True)
    assert (row["learner_kind"], row["learner_value"], row["learner_salt"]) == ("email", "test@example.com", None)
    assert row["course_key"] == "http://a.com/badgeclass"
    assert (row["status"], row["completed_at"], row["expires_at"]) == (
        "passed",
        datetime(2015, 4, 30, tzinfo=UTC),
        None,
    )
    assert row["source_record_id"] == hosted_at


@pytest.mark.parametrize("name", ["0_5_assertion.json", "0_5_1_assertion.json"])
def test_ob05_assertions_of_the_validator_are_refused_naming_the_version(name):
    with pytest.raises(UnreadableFile) as info:
        badges.read(VALIDATOR / name)
    assert str(info.value) == f"{name} holds an {OB05}."


def test_an_ob05_assertion_among_others_is_a_rejected_row(tmp_path):
    award = json.loads((VALIDATOR / "2_0_basic_assertion.json").read_text())
    old = json.loads((VALIDATOR / "0_5_1_assertion.json").read_text())
    (tmp_path / "mixed.json").write_text(json.dumps([award, old]))
    parsed = badges.read(tmp_path / "mixed.json")
    assert parsed.records["source_record_id"].to_list() == ["https://example.org/beths-robotics-badge.json"]
    assert [(r.row_number, r.reason) for r in parsed.rejected] == [(2, OB05)]
    assert json.loads(parsed.rejected[0].raw)["salt"] == "sel gris"


def test_an_ob1_assertion_without_what_a_record_needs_names_the_version(tmp_path):
    assertion = json.loads((VALIDATOR / "1_0_basic_assertion.json").read_text())
    no_date = {k: v for k, v in assertion.items() if k != "issuedOn"}
    (tmp_path / "old.json").write_text(json.dumps([no_date, assertion | {"recipient": {"type": "email"}}]))
    parsed = badges.read(tmp_path / "old.json")
    assert parsed.records.height == 0
    assert [r.reason for r in parsed.rejected] == [
        "Open Badges 1.0 assertion: the award date is missing (expected issuedOn)",
        "Open Badges 1.0 assertion: recipient.identity is missing, so the badge cannot be matched to an employee",
    ]


@pytest.mark.parametrize("name", sorted(p.name for p in VALIDATOR.glob("*.json")))
def test_the_validator_assertions_are_detected_as_badges(name):
    from etl.load import detect_kind

    assert badges.sniff(name, (VALIDATOR / name).read_text())
    assert detect_kind(VALIDATOR / name) == "badge"
