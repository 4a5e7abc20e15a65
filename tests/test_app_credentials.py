"""Credentials on the pages (AppTest, tiny organisation): proof statuses in the Data page's import summary
and beside each person's credentials, the strongest evidence beside each level, the trusted-issuers file
the upload uses."""

from __future__ import annotations

from pathlib import Path

import warehouse
from app import uploads

from .test_app import no_errors

GEN = Path(__file__).parent / "fixtures" / "credentials" / "generated"
TRUST = Path(__file__).parent / "fixtures" / "credentials" / "trusted-issuers.json"
FILES = ("did-web.jwt", "ed25519-did-key-recipient-switched.jwt")


def _upload(tiny_db, monkeypatch):
    """Bob's credential from the did:web issuer (verified: the configured file lists its key), and the copy of
    another credential whose recipient was switched to Dan (failed), uploaded through the Data page's loader."""
    monkeypatch.setenv("UPSKILL_TRUSTED_ISSUERS", str(TRUST))
    warehouse.publish(tiny_db)
    summaries = uploads.load_uploads([(name, (GEN / name).read_bytes()) for name in FILES])
    return {s.file: s.line() for s in summaries}


def test_uploads_check_proofs_with_the_configured_trusted_issuers_file(app, tiny_db, monkeypatch):
    lines = _upload(tiny_db, monkeypatch)
    assert lines == {
        "did-web.jwt": "did-web.jwt (badge): 1 read, 1 loaded, 0 duplicate, 0 rejected (proofs: 1 verified)",
        "ed25519-did-key-recipient-switched.jwt": "ed25519-did-key-recipient-switched.jwt (badge): 1 read, 1 loaded, "
        "0 duplicate, 0 rejected (proofs: 1 failed)",
    }
    at = app()
    at.switch_page("views/data_page.py").run()
    no_errors(at)
    captions = " ".join(c.value for c in at.caption)
    assert "listed in the trusted-issuers file trusted-issuers.json" in captions
    frames = [d.value for d in at.dataframe]
    counts = next(f for f in frames if "unverifiable" in f.columns)
    assert {
        r["file_name"]: (r["verified"], r["failed"], r["unsigned"], r["unverifiable"]) for _, r in counts.iterrows()
    } == {"did-web.jwt": (1, 0, 0, 0), "ed25519-did-key-recipient-switched.jwt": (0, 1, 0, 0)}
    checks = next(f for f in frames if "status" in f.columns and "reason" in f.columns and "title" in f.columns)
    assert sorted(zip(checks["full_name"], checks["status"], strict=True)) == [
        ("Bob Baker", "Verified"),
        ("Dan Diaz", "Failed"),
    ]


def test_people_page_shows_proof_status_and_the_evidence_behind_each_level(app, tiny_db, monkeypatch):
    _upload(tiny_db, monkeypatch)
    at = app(as_of="2025-06-30")
    at.switch_page("views/people_page.py").run()
    at.selectbox(key="people_team").set_value("Platform").run()
    no_errors(at)
    matrix = next(
        d.value for d in at.dataframe if "evidence" in d.value.columns and "required_level" in d.value.columns
    )
    cloud = matrix[matrix["skill"] == "Cloud"].set_index("full_name")
    # Bob: the verified credential (Cloud 3 from 2025-01-10); Dan: his xAPI completion of 2025-03-01, the failed
    # credential naming him does not count
    assert cloud.loc["Bob Baker", "evidence"] == "verified credential"
    assert cloud.loc["Dan Diaz", "evidence"] == "course completion"
    assert cloud.loc["Dan Diaz", "level"] == 3
    at.selectbox(key="person").set_value("E4").run()
    no_errors(at)
    checks = next(d.value for d in at.dataframe if list(d.value.columns) == ["date", "title", "status", "reason"])
    assert checks["status"].to_list() == ["Failed"]
    assert checks["reason"].to_list()[0].startswith("Failed: the signature does not match")
