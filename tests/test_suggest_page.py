"""The Data page's review of skill suggestions through AppTest: L&D accept and reject them one by
one, the warehouse file and the levels change, and nobody else may write."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from .conftest import data_page_opener
from .test_suggest import db, levels, rows  # noqa: F401  (the fixture: three untagged courses)

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")


@pytest.fixture
def page(db, monkeypatch):
    return data_page_opener(db, monkeypatch)


def reviewed(at: AppTest) -> list[str]:
    """The courses the page offers for review, in order (their skill boxes)."""
    return [s.key.removeprefix("suggest_skill_") for s in at.selectbox if (s.key or "").startswith("suggest_skill_")]


def test_ld_accepts_a_suggestion_at_a_level_of_their_choice(page, db):
    at = page()
    assert reviewed(at) == ["C-K8S", "C-MGR", "C-SQL2"]
    box = at.selectbox(key="suggest_skill_C-MGR")
    assert box.value == "Leadership" and box.options[0].startswith("Leadership (score 0.40")
    assert at.selectbox(key="suggest_level_C-MGR").value == 1
    assert at.selectbox(key="suggest_level_C-SQL2").value == 3  # "Advanced SQL …"
    at.selectbox(key="suggest_level_C-MGR").set_value(2)
    at.button(key="suggest_accept_C-MGR").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert [s.value.replace("\\", "") for s in at.success] == [  # Markdown escapes taken out
        "C-MGR now teaches Leadership at level 2; people who completed it hold the skill."
    ]
    assert rows(db, "select course_id, skill, level, source from course_skills where source = 'suggested'") == [
        ("C-MGR", "Leadership", 2, "suggested")
    ]
    assert ("E2", "Leadership", 2) in levels(db, "2025-06-30")  # Bob completed it on 15 March 2025
    assert reviewed(at) == ["C-K8S", "C-SQL2"]  # the page read the new snapshot
    accepted = next(d.value for d in at.dataframe if list(d.value.columns) == ["course_id", "title", "skill", "level"])
    assert accepted.values.tolist() == [
        ["C-MGR", "Manager's Toolkit: A Practical Guide to Managing People at Work", "Leadership", 2]
    ]


def test_ld_rejects_a_suggestion_and_the_next_one_is_offered(page, db):
    at = page()
    assert at.selectbox(key="suggest_skill_C-K8S").value == "Cloud"
    at.button(key="suggest_reject_C-K8S").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert rows(db, "select course_id, skill from course_skill_rejections") == [("C-K8S", "Cloud")]
    box = at.selectbox(key="suggest_skill_C-K8S")
    assert "Cloud" not in [o.split(" (score")[0] for o in box.options] and len(box.options) == 3
    assert rows(db, "select count(*) from course_skills where source = 'suggested'") == [(0,)]


def test_only_ld_may_write(page, db, monkeypatch):
    """A team lead does not see the page, and the write path refuses anyone but L&D."""
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["as"] = "alice@tiny.test"  # leads the Platform team
    at.run()
    at.switch_page("views/data_page.py").run()  # not in a lead's navigation: the link says why, shows nothing
    assert [i.value for i in at.info] == [
        "The Data page is for L&D staff; you are signed in as a team lead. Choose a page in the sidebar."
    ]
    assert not at.button

    from app import session, suggestions, writes

    monkeypatch.setattr(session, "current_viewer", lambda: session.Viewer("alice@tiny.test", "Alice", "lead", "E1"))
    monkeypatch.setattr(writes, "current_viewer", session.current_viewer)
    assert suggestions.accept("C-MGR", "Leadership", 2) == (
        False,
        "Only L&D staff may accept or reject skill suggestions.",
    )
    assert suggestions.reject("C-MGR", "Leadership") == (
        False,
        "Only L&D staff may accept or reject skill suggestions.",
    )
    assert rows(db, "select count(*) from course_skills where source = 'suggested'") == [(0,)]
    assert rows(db, "select count(*) from course_skill_rejections") == [(0,)]


def test_the_definitions_beside_the_metrics_say_suggested_skills_count(page):
    """Coverage's caption, and the overview's readiness and goal-share captions."""
    at = page()
    said = "A course's skills include those L&D accepted from suggestions for courses the catalog left untagged"
    at.switch_page("views/coverage_page.py").run()
    assert any(said in c.value for c in at.caption), [c.value for c in at.caption]
    at.switch_page("views/overview_page.py").run()
    assert sum(said in c.value for c in at.caption) == 2  # readiness trend, goal shares


def test_a_long_list_shows_the_first_courses_and_says_how_many_there_are(page, monkeypatch):
    from app import suggestions

    monkeypatch.setattr(suggestions, "SHOWN", 2)
    at = page()
    assert reviewed(at) == ["C-K8S", "C-MGR"]
    assert any(c.value.startswith("The first 2 of 3 untagged courses") for c in at.caption)
