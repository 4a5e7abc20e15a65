"""The Data page through AppTest: an upload with rejected rows is a warning, rejected rows are open
until resolved or ignored, the counts follow the open ones, and the history keeps the rest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import warehouse
from app import ui

from .conftest import TINY, TINY_RECORDS, data_page_opener

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
GHOST = "no employee with e-mail ghost@tiny.test in the roster"


@pytest.fixture
def page(tiny_db, monkeypatch):
    return data_page_opener(tiny_db, monkeypatch)


def rejected_table(at: AppTest):
    return next(d.value for d in at.dataframe if "reason" in d.value.columns and "raw" in d.value.columns)


def freshness(at: AppTest) -> dict:
    table = next(d.value for d in at.dataframe if "source" in d.value.columns and "latest_record" in d.value.columns)
    return dict(zip(table["source"], table["rejected"], strict=True))


def test_an_upload_with_rejected_rows_is_a_warning_not_a_success(page, tmp_path):
    from app import uploads

    export = (TINY_RECORDS / "lrs-export.json").read_bytes().replace(b'"mailto:ghost', b'"mailto:spook')
    [s] = uploads.load_uploads([("lrs-export (2).json", export)])
    assert (s.status, s.rows_read, s.rows_rejected) == ("loaded", 8, 1)
    assert uploads.tone(s) == "warning"
    at = page()
    at.session_state["upload_results"] = [(uploads.tone(s), uploads.result_line(s))]
    at.run()
    assert not at.success  # nothing green
    [warning] = [w.value for w in at.warning if "lrs\\-export" in w.value]
    assert warning == ui.plain(
        "lrs-export (2).json (xapi): 8 read, 0 loaded, 7 duplicate, 1 rejected · its rejected row is listed below"
    )
    assert freshness(at)["xapi"] == 2  # ghost (the first load) and spook: both open


def test_ld_mark_rejected_rows_ignored_with_a_reason_and_the_history_keeps_them(page):
    at = page()
    assert rejected_table(at)["reason"].to_list() == [GHOST]
    assert freshness(at)["xapi"] == 1
    at.button(key="FormSubmitter:ignore_rejects-Mark the open rows shown ignored").click().run()
    assert [e.value for e in at.error] == [
        ui.plain("Say why these rows are ignored: the reason stays with them in the history.")
    ]
    at.text_input(key="ignore_reason").input("a test mailbox of the LRS vendor")
    at.button(key="FormSubmitter:ignore_rejects-Mark the open rows shown ignored").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [
        ui.plain("1 rejected row marked ignored, with the reason “a test mailbox of the LRS vendor”.")
    ]
    assert rejected_table(at).empty  # no open row left
    assert freshness(at)["xapi"] == 0
    at.selectbox(key="rejected_state").select("Ignored").run()
    ignored = rejected_table(at)
    assert ignored[["reason", "state", "ignored_reason"]].values.tolist() == [
        [GHOST, "Ignored", "a test mailbox of the LRS vendor"]
    ]


def test_a_reject_resolved_by_a_later_load_leaves_the_open_rows(page, tiny_db, tmp_path):
    from app import uploads

    roster = (
        TINY / "roster.csv"
    ).read_text() + "E6,Gus Host,ghost@tiny.test,Engineer,Platform,Engineering,E1,Berlin,CC1,2024-01-01,\n"
    results = uploads.load_uploads(
        [("roster-gus.csv", roster.encode()), ("lrs-export.json", (TINY_RECORDS / "lrs-export.json").read_bytes())]
    )
    assert [(s.file, s.status, s.rows_loaded, s.rows_rejected) for s in results] == [
        ("roster-gus.csv", "loaded", 1, 0),
        ("lrs-export.json", "loaded", 1, 0),  # the people changed: loaded again, ghost now resolves
    ]
    at = page()
    assert rejected_table(at).empty
    assert freshness(at)["xapi"] == 0
    at.selectbox(key="rejected_state").select("All (history)").run()
    history = rejected_table(at)
    assert history[["reason", "state", "resolved_by", "ignored_reason"]].values.tolist() == [
        [GHOST, "Resolved", f"batch #{results[1].batch_id}", ""]
    ]


def test_only_ld_may_ignore_rejected_rows(tiny_db, monkeypatch):
    from app import rejects, session, writes

    monkeypatch.setenv("UPSKILL_DB", str(tiny_db))
    monkeypatch.setattr(writes, "current_viewer", lambda: session.Viewer("alice@tiny.test", "Alice", "lead", "E1"))
    assert rejects.ignore("not ours") == (False, "Only L&D staff may mark rejected rows ignored.")
    con = warehouse.connect(tiny_db, read_only=True)
    try:
        assert con.execute("select count(*) from rejected_rows where ignored_at is null").fetchall() == [(1,)]
    finally:
        con.close()
