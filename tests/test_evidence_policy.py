"""L&D's evidence policy: failed credentials never count by default, unverified ones count flagged,
and coverage, readiness and goals follow whatever the policy file says. Numbers worked out by hand
on the tiny organisation: on 2025-06-30 Platform's engineers are Bob (E2) and Dan (E4) (Carol left
on 2025-03-31); both need Cloud 3, and goal G1 counts them (Engineering engineers at Cloud 3)."""

from __future__ import annotations

from pathlib import Path

import warehouse
from etl.load import load_paths

FIX = Path(__file__).parent / "fixtures"
TINY = FIX / "tiny"
GEN = FIX / "credentials" / "generated"
AS_OF = "2025-06-30"


def _figures(con) -> dict:
    """Cloud levels of Bob and Dan, Platform's Cloud coverage, and goal G1's share, on AS_OF."""
    levels = dict(
        con.execute(
            "select employee_id, level from employee_skill_levels(cast(? as date)) where skill = 'Cloud'", [AS_OF]
        ).fetchall()
    )
    coverage = con.execute(
        "select covered_headcount, required_headcount, coverage from skill_coverage(cast(? as date)) "
        "where team = 'Platform' and skill = 'Cloud'",
        [AS_OF],
    ).fetchall()[0]
    goal = con.execute(
        "select meeting, population from goal_share(cast(? as date)) where goal_id = 'G1'", [AS_OF]
    ).fetchall()[0]
    readiness = con.execute(
        "select met_pairs from org_readiness(cast(? as date)) where unit_type = 'team' and unit = 'Platform'", [AS_OF]
    ).fetchall()[0]
    return {"levels": levels, "coverage": coverage, "goal": goal, "met_pairs": readiness[0]}


def _policy(tmp_path: Path, monkeypatch, text: str) -> None:
    path = tmp_path / "evidence.toml"
    path.write_text(text)
    monkeypatch.setenv("UPSKILL_EVIDENCE_POLICY", str(path))


def test_a_failed_credential_no_longer_lifts_a_level(tmp_path, monkeypatch):
    """The copy of Bob's credential whose recipient was switched to Dan fails its check: Dan gains nothing."""
    con = warehouse.connect(tmp_path / "w.duckdb")
    try:
        load_paths(con, [TINY, GEN / "ed25519-did-key-recipient-switched.jwt"])
        assert con.sql("select employee_id, status from credential_verification").fetchall() == [("E4", "failed")]
        assert _figures(con) == {"levels": {}, "coverage": (0, 2, 0.0), "goal": (0, 2), "met_pairs": 0}
        # a policy that lets failed credentials count: at the next load every level is worked out again
        _policy(tmp_path, monkeypatch, 'failed_credentials = "count"\n')
        load_paths(con, [TINY / "skills.csv"])
        assert _figures(con) == {"levels": {"E4": 3}, "coverage": (1, 2, 0.5), "goal": (1, 2), "met_pairs": 1}
        assert con.sql("select strength_kind, strength, flagged from evidence where employee_id = 'E4'").fetchall() == [
            ("failed_credential", 0, True)
        ]
    finally:
        con.close()


def test_unverified_credentials_count_flagged_unless_the_policy_ignores_them(tmp_path, monkeypatch):
    con = warehouse.connect(tmp_path / "w.duckdb")
    try:
        load_paths(con, [TINY, GEN / "did-web.jwt"])  # Bob's, from a did:web issuer nobody listed: unverifiable
        assert _figures(con)["levels"] == {"E2": 3}
        assert con.sql("select strength_kind, strength, flagged from evidence").fetchall() == [
            ("unverified_credential", 3, True)
        ]
        _policy(tmp_path, monkeypatch, 'unverified_credentials = "ignore"\n')
        load_paths(con, [TINY / "skills.csv"])
        assert _figures(con) == {"levels": {}, "coverage": (0, 2, 0.0), "goal": (0, 2), "met_pairs": 0}
    finally:
        con.close()


def test_a_verified_credential_counts_at_full_strength_and_beats_its_altered_copy(tmp_path):
    con = warehouse.connect(tmp_path / "w.duckdb")
    try:
        # the altered copy first: stored as failed; then the genuine token replaces it
        load_paths(con, [TINY, GEN / "ed25519-did-key-altered-payload.jwt"])
        assert _figures(con)["levels"] == {}
        load_paths(con, [GEN / "ed25519-did-key.jwt"])
        assert con.sql("select employee_id, status from credential_verification").fetchall() == [("E2", "verified")]
        assert _figures(con) == {"levels": {"E2": 3}, "coverage": (1, 2, 0.5), "goal": (1, 2), "met_pairs": 1}
        assert con.sql("select strength_kind, strength, flagged from evidence").fetchall() == [
            ("verified_credential", 4, False)
        ]
        # and an altered copy arriving after the genuine one never replaces it
        load_paths(con, [GEN / "ed25519-did-key-altered-signature.jwt"])
        assert con.sql("select status from credential_verification").fetchall() == [("verified",)]
    finally:
        con.close()


def test_an_unusable_policy_fails_the_file_in_one_sentence(tmp_path, monkeypatch):
    _policy(tmp_path, monkeypatch, 'failed_credentials = "maybe"\n')
    con = warehouse.connect(tmp_path / "w.duckdb")
    try:
        [summary] = load_paths(con, [TINY / "roster.csv"])
    finally:
        con.close()
    assert summary.status == "failed"
    assert summary.message == 'In the evidence policy evidence.toml, failed_credentials must be "ignore" or "count".'


def test_a_failed_credential_does_not_hide_a_verified_one_of_the_same_completion(tmp_path):
    """Two credentials (other ids) award Bob the same course the same day: the failed one loaded first does not
    make the verified one a repeat, and the unsigned one loaded after the verified one adds nothing."""
    con = warehouse.connect(tmp_path / "w.duckdb")
    try:
        load_paths(con, [TINY, GEN / "p256-did-key-der-signature.jwt"])
        assert _figures(con)["levels"] == {}
        load_paths(con, [GEN / "p256-did-key.jwt", GEN / "unsigned.json"])
        assert sorted(con.sql("select employee_id, status from credential_verification").fetchall()) == [
            ("E2", "failed"),
            ("E2", "verified"),
        ]
        assert _figures(con)["levels"] == {"E2": 3}
    finally:
        con.close()
