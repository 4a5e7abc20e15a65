"""The benchmarks' protocol-level client (benchmarks.st_client) against a real server on the demo
warehouse: it opens a page as a persona and sees what the page says, and a filter change is a run
whose numbers are the new unit's. Not timed: the benchmark measures, these tests check what it reads."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

import queries
import warehouse
from app import ui
from benchmarks.st_client import Run, Session

from .browser_util import StreamlitServer, build_warehouse

LD, EXEC = "ada.costa@example.com", "xavier.herrera@example.com"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("st-client") / "warehouse.duckdb"
    assert build_warehouse(path) == "sample", "the demo company (sample_data/) is needed"
    return path


@pytest.fixture(scope="module")
def server(demo, tmp_path_factory):
    srv = StreamlitServer(demo, tmp_path_factory.mktemp("server") / "streamlit.log")
    yield srv
    srv.stop()


def run(coro):
    return asyncio.run(coro)


def after(texts: list[str], label: str) -> str:
    """The value a metric shows: the text that follows its label."""
    return texts[texts.index(label) + 1]


def readiness(db, unit: str | None, as_of: date) -> str:
    """The Overview's readiness of a unit as the L&D persona sees it, from the page query itself."""
    con = warehouse.connect(warehouse.read_path(db), read_only=True)
    try:
        frame = queries.get("readiness_at").function(con, as_of=as_of, root=None, unit=unit)
    finally:
        con.close()
    return ui.pct(frame["readiness"].to_list()[-1], 1)


@pytest.mark.slow
def test_a_session_opens_a_page_as_a_persona_and_reads_its_title(server):
    async def go():
        async with Session(server.url, "coverage", {"as": LD}) as s:
            return await s.open()

    opened = run(go())
    assert opened.ok, opened.error
    assert "Skill coverage" in opened.texts  # the page's title
    assert "Viewing as Ada Costa, L&D" in opened.texts
    assert opened.widgets["Org unit"].options[0] == "Whole company"


@pytest.mark.slow
def test_a_filter_change_is_a_run_showing_the_units_numbers(server, demo):
    async def go():
        async with Session(server.url, "overview", {"as": LD}) as s:
            first = await s.open()
            changed = await s.choose("Org unit", "Data")
            return first, changed

    first, changed = run(go())
    assert first.ok and changed.ok, (first.error, changed.error)
    as_of = date(2026, 11, 27)  # the demo's latest record, the as-of date a page opens on
    assert "As of 27 Nov 2026 · Data · changes against 90 days earlier" in changed.texts
    assert after(first.texts, "Readiness") == readiness(demo, None, as_of)
    assert after(changed.texts, "Readiness") == readiness(demo, "Data", as_of)
    assert after(changed.texts, "Readiness") != after(first.texts, "Readiness")


@pytest.mark.slow
def test_the_persona_of_the_link_stays_through_filter_changes(server):
    async def go():
        async with Session(server.url, "overview", {"as": EXEC}) as s:
            await s.open()
            return await s.choose("Org unit", "Data"), s.query

    changed, query = run(go())
    assert changed.ok, changed.error
    assert "Viewing as Xavier Herrera, Executive" in changed.texts
    assert query == {"as": EXEC, "unit": "Data"}  # the address bar, as the browser writes it


def finished(status: str) -> ForwardMsg:
    msg = ForwardMsg()
    msg.script_finished = ForwardMsg.ScriptFinishedStatus.Value(status)
    return msg


def test_an_exception_on_the_page_fails_the_run():
    s, r = Session("http://127.0.0.1:1"), Run(seconds=0.0, status="timeout")
    shown = ForwardMsg()
    shown.delta.new_element.exception.type = "ValueError"
    shown.delta.new_element.exception.message = "bad"
    assert s._take(shown, r, {}) is False
    assert s._take(finished("FINISHED_EARLY_FOR_RERUN"), r, {}) is False  # superseded: the run goes on
    assert s._take(finished("FINISHED_SUCCESSFULLY"), r, {}) is True
    assert (r.status, r.ok, r.error) == ("FINISHED_SUCCESSFULLY", False, "ValueError: bad")


def test_a_run_without_script_finished_is_a_timeout():
    r = Run(seconds=60.0, status="timeout")
    assert (r.ok, r.error) == (False, "timeout")
