"""HR roster rules: nobody is their own manager, manager links never form a cycle (the
reporting tree a lead sees stays theirs), and e-mail addresses are matched after NFKC and case
folding without letting look-alike characters pass for plain ones."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

import warehouse
from common import identity
from etl import company
from etl.load import load_paths

from .conftest import TINY

HEADER = "employee_id,full_name,email,role,team,department,manager_id,location,cost_center,hire_date,leave_date\n"


def person(employee_id: str, name: str, manager: str = "", email: str | None = None) -> str:
    email = email or f"{employee_id.lower()}@org.test"
    return f"{employee_id},{name},{email},Engineer,Core,Engineering,{manager},Berlin,CC1,2020-01-01,\n"


def write(path, *rows: str):
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def one(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


def tree(con, root: str) -> int:
    return one(con, "select count(*) from reporting_tree(?)", [root])[0][0]


def load(con, path):
    [s] = load_paths(con, [path])
    assert s.status == "loaded", s.line()
    return s


def rejected(con, batch_id) -> list[tuple[int, str]]:
    return one(con, "select row_number, reason from rejected_rows where batch_id = ? order by row_number", [batch_id])


# --------------------------------------------------------------------------- the organisation below

#: C0 (the CEO) has two VPs: V1, with the leads L1 (T1, T2) and L2 (U1, U2, U3), and V2 with X1:
#: 11 people. L1's team is 3 people (L1, T1, T2); V1's tree is 8; the CEO's is everyone.
ORG = [
    ("C0", "Cleo Chief", ""),
    ("V1", "Vera Vance", "C0"),
    ("L1", "Lea Long", "V1"),
    ("T1", "Tom Tate", "L1"),
    ("T2", "Tia Toms", "L1"),
    ("L2", "Lou Lane", "V1"),
    ("U1", "Uma Ure", "L2"),
    ("U2", "Udo Ulm", "L2"),
    ("U3", "Ute Ury", "L2"),
    ("V2", "Vic Voss", "C0"),
    ("X1", "Xia Xu", "V2"),
]
#: V1 set to report to T1, one of the people of her own lead L1: V1 -> T1 -> L1 -> V1.
CYCLE = (
    "manager_id T1 closes a reporting cycle: V1 (Vera Vance) → T1 (Tom Tate) → L1 (Lea Long) → V1 (Vera Vance), "
    "each reporting to the next; the row was left out so that nobody is counted under their own staff: correct "
    "whichever manager_id is wrong and load the roster again"
)


def org(path, **changed_manager):
    return write(path, *(person(e, n, changed_manager.get(e, m)) for e, n, m in ORG))


@pytest.fixture
def con(tmp_path):
    c = warehouse.connect(tmp_path / "w.duckdb")
    yield c
    c.close()


def test_the_organisation_as_it_should_be(con, tmp_path):
    load(con, org(tmp_path / "roster.csv"))
    assert (tree(con, "C0"), tree(con, "V1"), tree(con, "L1")) == (11, 8, 3)


def test_a_manager_cycle_in_a_new_roster_leaves_out_the_row_of_the_most_senior_member(con, tmp_path):
    """Without the check, L1 (a 3-person team) would see V1's 8 people, and the CEO only 3.
    Of V1 (4 people under her outside the cycle: L2, U1-U3), L1 (T2) and T1 (nobody), V1's row goes."""
    s = load(con, org(tmp_path / "roster.csv", V1="T1"))
    assert (s.rows_read, s.rows_loaded, s.rows_rejected) == (11, 10, 1)
    assert rejected(con, s.batch_id) == [(2, CYCLE)]
    assert one(con, "select count(*) from employees where employee_id = 'V1'") == [(0,)]
    # L1 sees their own 3 people; L2 theirs (4); the CEO keeps V2's branch (3), V1's stays out until fixed
    assert (tree(con, "L1"), tree(con, "L2"), tree(con, "C0")) == (3, 4, 3)


def test_a_roster_that_changes_a_reporting_line_into_a_cycle_keeps_the_earlier_line(con, tmp_path):
    """The case of the issue: the warehouse is right, a new roster sets V1 under T1. V1's row is the only
    one that changed, so it is the one left out, and V1 keeps reporting to C0: nobody's tree moves."""
    load(con, org(tmp_path / "roster.csv"))
    s = load(con, org(tmp_path / "roster-new.csv", V1="T1"))
    assert (s.rows_read, s.rows_loaded, s.rows_duplicate, s.rows_rejected) == (11, 0, 10, 1)
    assert rejected(con, s.batch_id) == [(2, CYCLE + "; V1 keeps their earlier roster row")]
    assert one(con, "select manager_id from employees where employee_id = 'V1'") == [("C0",)]
    assert (tree(con, "C0"), tree(con, "V1"), tree(con, "L1")) == (11, 8, 3)


def test_a_partial_roster_closing_a_cycle_through_stored_people(con, tmp_path):
    """Tiny: E1 Alice (top) manages E2 Bob, E3 Carol and E5 Eve; Bob manages E4 Dan. A file holding only
    Alice, now under Dan, closes E1 -> E4 -> E2 -> E1 with the lines stored for Dan and Bob."""
    load_paths(con, [TINY / "roster.csv"])
    s = load(
        con,
        write(tmp_path / "alice.csv", person("E1", "Alice Archer", "E4", "alice@tiny.test")),
    )
    assert (s.rows_read, s.rows_loaded, s.rows_rejected) == (1, 0, 1)
    assert rejected(con, s.batch_id) == [
        (
            1,
            "manager_id E4 closes a reporting cycle: E1 (Alice Archer) → E4 (Dan Diaz) → E2 (Bob Baker) → "
            "E1 (Alice Archer), each reporting to the next; the row was left out so that nobody is counted under "
            "their own staff: correct whichever manager_id is wrong and load the roster again (E4 and E2 report "
            "as an earlier roster said); E1 keeps their earlier roster row",
        )
    ]
    assert one(con, "select manager_id, email from employees where employee_id = 'E1'") == [(None, "alice@tiny.test")]
    assert tree(con, "E1") == 5 and tree(con, "E2") == 2


def test_two_people_swapping_managers_both_stay_as_they_were(con, tmp_path):
    """Stored: Alice on top, Bob under her. The file has Alice under Bob and Bob under Alice (as
    before): Alice's row is the one that changed; Bob's line repeats the stored one and stays."""
    load_paths(con, [TINY / "roster.csv"])
    s = load(
        con,
        write(
            tmp_path / "swap.csv",
            person("E1", "Alice Archer", "E2", "alice@tiny.test"),
            person("E2", "Bob Baker", "E1", "Bob.Baker@tiny.test"),
        ),
    )
    assert [n for n, _ in rejected(con, s.batch_id)] == [1]
    assert one(con, "select employee_id, manager_id from employees where employee_id in ('E1', 'E2') order by 1") == [
        ("E1", None),
        ("E2", "E1"),
    ]


def test_a_cycle_loaded_before_the_check_is_broken_when_its_rows_come_again(con, tmp_path):
    """A warehouse that already holds E1 -> E2 -> E1 (loaded before this check) and the same rows again:
    nothing changed, so the member with the most people under them (E1: Carol and Eve; E2: Dan) is left
    out, and the row stored for them, which closed the same cycle, goes too."""
    load_paths(con, [TINY / "roster.csv"])
    con.execute("update employees set manager_id = 'E2' where employee_id = 'E1'")
    s = load(
        con,
        write(
            tmp_path / "same.csv",
            person("E1", "Alice Archer", "E2", "alice@tiny.test"),
            person("E2", "Bob Baker", "E1", "Bob.Baker@tiny.test"),
        ),
    )
    [(row, reason)] = rejected(con, s.batch_id)
    assert row == 1 and reason.startswith("manager_id E2 closes a reporting cycle: E1 (Alice Archer) → E2 (Bob Baker)")
    assert reason.endswith("; E1's earlier roster row closed the same cycle and was removed too")
    assert one(con, "select count(*) from employees where employee_id = 'E1'") == [(0,)]
    assert tree(con, "E2") == 2  # Bob and Dan


def test_manager_cycles_on_plain_data():
    rows = [(n, e, m, name) for n, (e, name, m) in enumerate(ORG, start=1)]
    assert company.manager_cycles(rows, {}) == []
    rows[1] = (2, "V1", "T1", "Vera Vance")
    [left_out] = company.manager_cycles(rows, {})
    assert left_out == company.LeftOut(2, "V1", CYCLE, False)
    # two cycles at once, one row of each: A <-> B (A, the later... both have nobody under them: the later row)
    two = [(1, "A", "B", None), (2, "B", "A", None), (3, "C", "D", None), (4, "D", "C", None), (5, "E", "C", None)]
    assert [(x.row_number, x.employee_id) for x in company.manager_cycles(two, {})] == [(2, "B"), (3, "C")]


# --------------------------------------------------------------------------- rows the reader rejects


def test_nobody_is_their_own_manager(tmp_path):
    parsed = company.read(write(tmp_path / "roster.csv", person("A1", "Ann Ash"), person("B2", "Ben Bay", "B2")))
    assert parsed.records["employee_id"].to_list() == ["A1"]
    assert [(r.row_number, r.reason) for r in parsed.rejected] == [
        (
            2,
            "manager_id B2 is the employee themself (Ben Bay): leave manager_id empty for the head of the "
            "organisation, otherwise give their manager's employee_id",
        )
    ]


def test_addresses_with_look_alike_characters_are_rejected(tmp_path):
    parsed = company.read(
        write(
            tmp_path / "roster.csv",
            person("K1", "Kate Kay", email="\u212aate@org.test"),  # KELVIN SIGN, not K
            person("K2", "Kim Koh", email="\uff4bim@org.test"),  # FULLWIDTH k
            person("G1", "Gus Groß", email="gus.groß@org.test"),  # case folding reads ß as ss
            person("A1", "Anne Ahl", email="A\u0308nne@org.test"),  # A + COMBINING DIAERESIS
            person("A2", "Änne Öz", email="Änne.Öz@org.test"),  # precomposed: plain
            person("B1", "Bob Bay", email="Bob.Bay@org.test"),
        )
    )
    assert parsed.records["employee_id"].to_list() == ["A2", "B1"]
    tail = ": look-alike characters could make it pass for another person's address, so write it in plain characters"
    assert [(r.row_number, r.reason) for r in parsed.rejected] == [
        (1, "email '\u212aate@org.test' contains U+212A KELVIN SIGN (read as 'K')" + tail),
        (2, "email '\uff4bim@org.test' contains U+FF4B FULLWIDTH LATIN SMALL LETTER K (read as 'k')" + tail),
        (3, "email 'gus.groß@org.test' contains U+00DF LATIN SMALL LETTER SHARP S (read as 'ss')" + tail),
        (
            4,
            "email 'A\u0308nne@org.test' contains U+0308 COMBINING DIAERESIS (merged into the letter before it)" + tail,
        ),
    ]


def test_identity_keys():
    assert identity.identity_key("  Bob.Baker@Tiny.Test ") == "bob.baker@tiny.test"
    assert identity.identity_key("ÄNNE@org.test") == "änne@org.test"
    assert identity.identity_key("\u212aate@org.test") is None
    assert identity.identity_key("kate@org.test") == "kate@org.test"


# --------------------------------------------------------------------------- records matched to people


def test_record_addresses_match_after_normalisation_but_never_through_look_alikes(tmp_path):
    """The roster holds kate@org.test and Änne.Öz@org.test. Badges name them KATE@ORG.TEST (a match),
    ÄNNE.ÖZ@ORG.TEST (a match: NFKC and case folding), and with U+212A KELVIN SIGN or a combining
    diaeresis (no match: the look-alike is named)."""
    con = warehouse.connect(tmp_path / "w.duckdb")
    load_paths(con, [TINY / "catalog.csv", TINY / "skills.csv"])
    load(
        con,
        write(
            tmp_path / "roster.csv",
            person("K1", "Kate Kay", email="kate@org.test"),
            person("A2", "Änne Öz", email="Änne.Öz@org.test"),
        ),
    )

    def award(n: int, email: str) -> dict:
        return {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Assertion",
            "id": f"https://badges.org.test/assertions/{n}",
            "recipient": {"type": "email", "hashed": False, "identity": email},
            "badge": "https://lrs.tiny.test/courses/lead",
            "issuedOn": f"2025-07-0{n}T00:00:00Z",
        }

    emails = ["KATE@ORG.TEST", "ÄNNE.ÖZ@ORG.TEST", "\u212aate@org.test", "A\u0308nne.Öz@org.test"]
    (tmp_path / "badges.json").write_text(json.dumps([award(n, e) for n, e in enumerate(emails, start=1)]))
    s = load(con, tmp_path / "badges.json")
    assert (s.kind, s.rows_read, s.rows_loaded, s.rows_rejected) == ("badge", 4, 2, 2)
    assert one(con, "select employee_id, completed_at from completion_records order by completed_at") == [
        ("K1", datetime(2025, 7, 1)),
        ("A2", datetime(2025, 7, 2)),
    ]
    never = ", and look-alike characters are never matched to plain ones"
    assert rejected(con, s.batch_id) == [
        (
            3,
            "no employee with e-mail \u212aate@org.test in the roster; the value contains U+212A KELVIN SIGN "
            "(read as 'K')" + never,
        ),
        (
            4,
            "no employee with e-mail A\u0308nne.Öz@org.test in the roster; the value contains U+0308 COMBINING "
            "DIAERESIS (merged into the letter before it)" + never,
        ),
    ]
    con.close()
