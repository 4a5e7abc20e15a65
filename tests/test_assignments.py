"""From a gap to action: a lead assigns a course to the people behind a gap, the warehouse records it, the
LMS gets Moodle's enrolment file, and the People and Coverage pages follow it up as records arrive.

The tiny organisation (tests/fixtures/tiny): Alice (E1) leads Bob (E2), Carol (E3, left 2025-03-31) and
Eve (E5); Bob leads Dan (E4, hired 2025-02-01). Engineers need Cloud 3 and Python 2. Dan failed Python
Basics (C-PY) on 2025-03-02; Bob completed it on 2024-01-10.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

import warehouse
from etl import assignments
from etl.forget import forget
from etl.load import load_paths
from queries import coverage as coverage_queries
from queries import people as people_queries
from tests.conftest import data_page_opener

ASSIGNED = datetime(2025, 3, 1, 9, 30)  # the day Dan's failed attempt (2025-03-02) follows
DUE = date(2025, 4, 1)


def assign(
    con, ids, course="C-PY", *, root="E1", by="alice@tiny.test", now=ASSIGNED, due=DUE, skill="Python"
) -> pl.DataFrame:
    return assignments.record(
        con,
        employee_ids=ids,
        course_id=course,
        due_on=due,
        assigned_by=by,
        now=now,
        root=root,
        skill=skill,
        target_level=2,
    )


def status(con, as_of: date) -> dict[str, tuple]:
    frame = con.sql("select employee_id, status, done_on from assignment_status($d)", params={"d": as_of}).pl()
    return {r[0]: (r[1], r[2]) for r in frame.iter_rows()}


def completion_file(tmp_path: Path, email: str, activity: str, when: str, name: str = "done.json") -> Path:
    """An xAPI statement: `email` completed the activity at `when` (what the LRS export would bring)."""
    statement = {
        "id": "00000000-0000-4000-8000-0000000000a1",
        "actor": {"objectType": "Agent", "mbox": f"mailto:{email}"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
        "object": {"objectType": "Activity", "id": activity},
        "timestamp": when,
    }
    path = tmp_path / name
    path.write_text(json.dumps([statement]))
    return path


def test_an_assignment_records_who_assigned_it_when_and_the_due_date(tiny_db):
    con = warehouse.connect(tiny_db)
    try:
        made = assign(con, ["E4", "E2"])
        assert made.select("employee_id", "full_name", "email", "course_id", "due_on").rows() == [
            ("E2", "Bob Baker", "Bob.Baker@tiny.test", "C-PY", DUE),
            ("E4", "Dan Diaz", "dan@tiny.test", "C-PY", DUE),
        ]
        rows = con.execute(
            "select employee_id, course_id, skill, target_level, assigned_by, assigned_at, due_on "
            "from assignments order by employee_id"
        ).fetchall()
        assert rows == [
            ("E2", "C-PY", "Python", 2, "alice@tiny.test", ASSIGNED, DUE),
            ("E4", "C-PY", "Python", 2, "alice@tiny.test", ASSIGNED, DUE),
        ]
        # assigning the same course again adds nobody; a due date before the day is refused
        with pytest.raises(assignments.AssignmentError, match="already has this course assigned"):
            assign(con, ["E2", "E4"])
        with pytest.raises(assignments.AssignmentError, match="The due date 28 Feb 2025 has passed"):
            assign(con, ["E5"], due=date(2025, 2, 28))
    finally:
        con.close()


def test_a_lead_cannot_assign_anyone_outside_their_tree(tiny_db):
    """Bob (E2) leads Dan only: Eve is Alice's. The write refuses the whole request, whatever a page offered;
    someone who left (Carol) cannot be assigned either, not even by L&D."""
    con = warehouse.connect(tiny_db)
    try:
        with pytest.raises(assignments.AssignmentError) as refused:
            assign(con, ["E4", "E5"], root="E2", by="bob.baker@tiny.test")
        assert str(refused.value) == "1 of the chosen people is not among the people you lead: nothing was assigned."
        with pytest.raises(assignments.AssignmentError, match="not among the people at work today"):
            assign(con, ["E3"], root=None, by="ld@tiny.test", now=datetime(2025, 4, 2, 9), due=date(2025, 5, 1))
        assert con.execute("select count(*) from assignments").fetchall() == [(0,)]
        assert assign(con, ["E4"], root="E2", by="bob.baker@tiny.test")["employee_id"].to_list() == ["E4"]
        # L&D assign anyone at work: Eve, whom Bob does not lead
        assert assign(con, ["E5"], "C-SQL", root=None, by="ld@tiny.test", skill="SQL")["employee_id"].to_list() == [
            "E5"
        ]
        # Bob sees the assignments of his tree (Dan's), L&D everyone's
        seen = {
            who: coverage_queries.assignment_counts(con, date(2025, 3, 5), root=root)["full_name"].to_list()
            for who, root in (("Bob", "E2"), ("L&D", None))
        }
        assert seen == {"Bob": ["Dan Diaz"], "L&D": ["Dan Diaz", "Eve Evans"]}
    finally:
        con.close()


def test_the_app_decides_the_tree_from_the_signed_in_viewer(tiny_db, monkeypatch):
    """Through the app: the lead's root comes from who is signed in (not the page); executives cannot assign."""
    from app import assignments as app_assignments
    from app import session, writes

    monkeypatch.setenv("UPSKILL_DB", str(tiny_db))
    bob = session.Viewer("bob.baker@tiny.test", "Bob Baker", "lead", "E2")
    monkeypatch.setattr(writes, "current_viewer", lambda: bob)
    monkeypatch.setattr(app_assignments, "current_viewer", lambda: bob)
    due = date.today() + timedelta(days=10)
    assert app_assignments.assign(["E5"], "C-SQL", due) == (
        False,
        "1 of the chosen people is not among the people you lead: nothing was assigned.",
        None,
    )
    boss = session.Viewer("xavier@tiny.test", "Xavier", "exec")
    monkeypatch.setattr(writes, "current_viewer", lambda: boss)
    monkeypatch.setattr(app_assignments, "current_viewer", lambda: boss)
    assert app_assignments.assign(["E4"], "C-PY", due) == (False, app_assignments.ONLY_NAMED, None)
    con = warehouse.connect(tiny_db, read_only=True)
    try:
        assert con.execute("select count(*) from assignments").fetchall() == [(0,)]
    finally:
        con.close()


def test_the_status_follows_the_learning_records_as_they_arrive(tiny_db, tmp_path):
    """Dan and Bob get Python Basics on 2025-03-01, due 2025-04-01.
    - 2025-03-01: both assigned (Dan's failed attempt is the next day; Bob's completion of 2024 was before).
    - 2025-03-10: Dan in progress (his failed attempt of 2025-03-02), Bob assigned.
    - 2025-04-10: both overdue (due 2025-04-01, not done).
    - a completion of Dan's dated 2025-04-15 is loaded: as of 2025-04-20 Dan is done (on 2025-04-15), Bob
      still overdue; as of 2025-04-10 Dan is still overdue (the record came later)."""
    con = warehouse.connect(tiny_db)
    try:
        assign(con, ["E4", "E2"])
        assert status(con, date(2025, 2, 28)) == {}  # not assigned yet on that day
        assert status(con, date(2025, 3, 1)) == {"E2": ("assigned", None), "E4": ("assigned", None)}
        assert status(con, date(2025, 3, 10)) == {"E2": ("assigned", None), "E4": ("in_progress", None)}
        assert status(con, date(2025, 4, 10)) == {"E2": ("overdue", None), "E4": ("overdue", None)}
        done = completion_file(
            tmp_path, "dan@tiny.test", "https://lrs.tiny.test/courses/python", "2025-04-15T10:00:00Z"
        )
        assert [s.status for s in load_paths(con, [done])] == ["loaded"]
        assert status(con, date(2025, 4, 20)) == {"E2": ("overdue", None), "E4": ("done", date(2025, 4, 15))}
        assert status(con, date(2025, 4, 10)) == {"E2": ("overdue", None), "E4": ("overdue", None)}
        # the counts both pages show, per person; a lead's scope and a team filter hold
        counts = coverage_queries.assignment_counts(con, date(2025, 4, 20), root="E1", team="Platform")
        assert counts.drop("employee_id").rows() == [
            ("Bob Baker", "Platform", 0, 0, 0, 1),
            ("Dan Diaz", "Platform", 0, 0, 1, 0),
        ]
        # Eve gets SQL for Analysts: Alice's tree holds her, Bob's (himself and Dan) does not
        assign(con, ["E5"], "C-SQL", now=datetime(2025, 4, 16, 9), due=date(2025, 5, 1), skill="SQL")
        assert coverage_queries.assignment_counts(con, date(2025, 4, 20), root="E1")["full_name"].to_list() == [
            "Bob Baker",
            "Dan Diaz",
            "Eve Evans",
        ]
        assert coverage_queries.assignment_counts(con, date(2025, 4, 20), root="E2")["full_name"].to_list() == [
            "Bob Baker",
            "Dan Diaz",
        ]
        assert coverage_queries.assignment_counts(con, date(2025, 4, 20), root="E1", skill="SQL").drop(
            "employee_id"
        ).rows() == [("Eve Evans", "Insights", 1, 0, 0, 0)]
        listed = people_queries.person_assignments(con, date(2025, 4, 20), root="E1", team="Platform")
        assert listed.select("full_name", "course", "due_on", "status", "done_on").rows() == [
            ("Bob Baker", "Python Basics", DUE, "overdue", None),
            ("Dan Diaz", "Python Basics", DUE, "done", date(2025, 4, 15)),
        ]
    finally:
        con.close()


def test_moodle_upload_users_csv_bytes():
    """username (the work e-mail, lower-cased), email (as the roster writes it), course1 (the course's short
    name); someone without an e-mail is left out; a cell that would run as a formula is made inert."""
    made = pl.DataFrame(
        {
            "employee_id": ["E2", "E4", "E9", "E7"],
            "email": [" Bob.Baker@tiny.test", "dan@tiny.test", None, "=cmd@tiny.test"],
            "course_id": ["C-PY", "C-PY", "C-PY", "C-PY"],
        }
    )
    assert assignments.moodle_enrolment_csv(made) == (
        b"username,email,course1\n"
        b"bob.baker@tiny.test,Bob.Baker@tiny.test,C-PY\n"
        b"dan@tiny.test,dan@tiny.test,C-PY\n"
        b"'=cmd@tiny.test,'=cmd@tiny.test,C-PY\n"
    )


def test_assignments_stay_across_loads_and_go_with_an_erasure(tiny_db, tmp_path):
    con = warehouse.connect(tiny_db)
    try:
        assign(con, ["E4", "E2"])
        again = completion_file(
            tmp_path, "bob.baker@tiny.test", "https://lrs.tiny.test/courses/sql", "2025-03-05T10:00:00Z"
        )
        load_paths(con, [again])
        assert con.execute("select employee_id from assignments order by 1").fetchall() == [("E2",), ("E4",)]
        forget(con, "E4")
        assert con.execute("select employee_id, assigned_by from assignments").fetchall() == [("E2", "alice@tiny.test")]
        warehouse.rewrite_and_publish(con, tiny_db)  # what the command line does after an erasure
        con = warehouse.connect(tiny_db)
        # the file is rewritten: numbering goes on, and only the new assignment is returned (for the CSV),
        # though it has the same course, author and time as an earlier one
        made = assign(con, ["E5"])
        assert made.select("assignment_id", "employee_id").rows() == [(3, "E5")]
        assert con.execute("select assignment_id, employee_id from assignments order by 1").fetchall() == [
            (1, "E2"),
            (3, "E5"),
        ]
    finally:
        con.close()


# ---------------------------------------------------------------- the pages, as Alice (a team lead)


@pytest.fixture
def open_as_alice(tiny_db, monkeypatch):
    """The dashboard as Alice on today's date (assignments are made today), through AppTest."""
    data_page_opener(tiny_db, monkeypatch)  # publishes the snapshot the pages read
    from streamlit.testing.v1 import AppTest

    def run(page: str, as_of: date | None = None) -> AppTest:
        at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "dashboard.py"), default_timeout=180)
        at.query_params["as"] = "alice@tiny.test"
        at.query_params["as_of"] = (as_of or date.today()).isoformat()
        at.run()
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


def test_a_lead_assigns_from_the_gap_on_the_coverage_page(open_as_alice, tiny_db):
    """Today, Platform's engineers Bob and Dan lack Cloud 3 (Bob's certificate lapsed in 2025, Dan's in March
    2026): the drill-down opens on that gap, both are chosen, the one course that teaches Cloud 3 is offered
    with its price and hours, due in 30 days. Assign records both, by Alice, and offers Moodle's file."""
    at = open_as_alice("views/coverage_page.py")
    assert at.selectbox(key="drill_team").value == "Platform"
    assert at.selectbox(key="drill_skill").value == "Cloud"
    cell = "team_Platform_Cloud"
    people = at.multiselect(key=f"assign_people_{cell}")
    assert people.value == ["E2", "E4"]  # the two below Cloud 3; Alice herself does not need it
    assert at.selectbox(key=f"assign_course_{cell}").options == ["Cloud Foundations · Moodle · $500 · 10 hours"]
    due = date.today() + timedelta(days=30)
    assert at.date_input(key=f"assign_due_{cell}").value == due
    at.button(key=f"assign_go_{cell}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value.replace("\\", "") for s in at.success] == [f"Assigned to 2 people, due {due:%-d %b %Y}."]
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download the enrolments as Moodle “Upload users” CSV" in labels
    con = warehouse.connect(tiny_db, read_only=True)
    try:
        assert con.execute(
            "select employee_id, course_id, skill, target_level, assigned_by, due_on, "
            "cast(assigned_at as date) = current_date from assignments order by employee_id"
        ).fetchall() == [
            ("E2", "C-CLOUD", "Cloud", 3, "alice@tiny.test", due, True),
            ("E4", "C-CLOUD", "Cloud", 3, "alice@tiny.test", due, True),
        ]
    finally:
        con.close()
    # the counts of the people behind the gap, on the same page at its next run
    [counts] = [d.value for d in at.dataframe if "overdue" in d.value.columns]
    assert counts[["full_name", "assigned", "in_progress", "done", "overdue"]].values.tolist() == [
        ["Bob Baker", 1, 0, 0, 0],
        ["Dan Diaz", 1, 0, 0, 0],
    ]
    # People: Platform's counts and each assignment with its course, due date and status in words
    at.switch_page("views/people_page.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="people_team").select("Platform").run()
    frames = [d.value for d in at.dataframe]
    [counts] = [f for f in frames if "overdue" in f.columns]
    assert counts.columns.tolist() == ["full_name", "assigned", "in_progress", "done", "overdue"]
    assert counts.values.tolist() == [["Bob Baker", 1, 0, 0, 0], ["Dan Diaz", 1, 0, 0, 0]]
    [listed] = [f for f in frames if "due_on" in f.columns]
    assert listed[["full_name", "course", "skill", "status", "assigned_by"]].values.tolist() == [
        ["Bob Baker", "Cloud Foundations", "Cloud", "Assigned", "alice@tiny.test"],
        ["Dan Diaz", "Cloud Foundations", "Cloud", "Assigned", "alice@tiny.test"],
    ]
    assert [d.date() for d in listed["due_on"]] == [due, due]


def test_a_large_gap_is_offered_as_one_box_instead_of_every_name(open_as_alice, tiny_db, monkeypatch):
    """With more people behind a gap than the picker lists as chosen (here: more than 1, Bob and Dan), a box
    chooses all of them (its label counts them) and the picker starts empty: Assign records both."""
    from app import assignments as page_assignments

    monkeypatch.setattr(page_assignments, "MAX_PRESELECTED", 1)
    at = open_as_alice("views/coverage_page.py")
    cell = "team_Platform_Cloud"
    box = at.checkbox(key=f"assign_everyone_{cell}")
    assert box.value is True
    assert box.label.endswith("(2 people)")
    assert at.multiselect(key=f"assign_people_{cell}").value == []
    at.button(key=f"assign_go_{cell}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    due = date.today() + timedelta(days=30)
    assert [s.value.replace("\\", "") for s in at.success] == [f"Assigned to 2 people, due {due:%-d %b %Y}."]
    con = warehouse.connect(tiny_db, read_only=True)
    try:
        assert con.execute("select employee_id, course_id from assignments order by 1").fetchall() == [
            ("E2", "C-CLOUD"),
            ("E4", "C-CLOUD"),
        ]
    finally:
        con.close()


def test_a_large_gap_with_the_box_cleared_assigns_only_the_people_picked(open_as_alice, tiny_db, monkeypatch):
    """The box cleared, Assign records only the people picked (Dan), not everyone behind the gap."""
    from app import assignments as page_assignments

    monkeypatch.setattr(page_assignments, "MAX_PRESELECTED", 1)
    at = open_as_alice("views/coverage_page.py")
    cell = "team_Platform_Cloud"
    at.checkbox(key=f"assign_everyone_{cell}").uncheck()
    at.multiselect(key=f"assign_people_{cell}").select("E4")
    at.button(key=f"assign_go_{cell}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    due = date.today() + timedelta(days=30)
    assert [s.value.replace("\\", "") for s in at.success] == [f"Assigned to 1 person, due {due:%-d %b %Y}."]
    con = warehouse.connect(tiny_db, read_only=True)
    try:
        assert con.execute("select employee_id from assignments").fetchall() == [("E4",)]
    finally:
        con.close()


def test_people_page_on_an_earlier_day_says_what_was_assigned_since(open_as_alice, tiny_db):
    """Replaying 2025-06-30, an assignment made today did not exist yet: the page says so and offers today."""
    con = warehouse.connect(tiny_db)
    try:
        assign(con, ["E4"], now=datetime.now(), due=date.today() + timedelta(days=5))
    finally:
        con.close()
    warehouse.publish(tiny_db)
    at = open_as_alice("views/people_page.py", date(2025, 6, 30))
    at.selectbox(key="people_team").select("Platform").run()
    assert not at.exception, [e.value for e in at.exception]
    notes = [i.value.replace("\\", "") for i in at.info]
    assert (
        "1 course was assigned after 30 Jun 2025, the day this page replays: not shown here until As of "
        "reaches the day of the assignment." in notes
    )
    at.button(key="today_later").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.date_input(key="as_of").value == date.today()
    at.selectbox(key="people_team").select("Platform").run()
    [listed] = [d.value for d in at.dataframe if "due_on" in d.value.columns]
    assert listed[["full_name", "course", "status"]].values.tolist() == [["Dan Diaz", "Python Basics", "Assigned"]]
