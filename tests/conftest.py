"""Shared fixtures: a tiny organisation loaded from real-shaped files into a real DuckDB file."""

from __future__ import annotations

from pathlib import Path

import pytest

import warehouse
from etl.load import load_paths

FIXTURES = Path(__file__).parent / "fixtures"
TINY = FIXTURES / "tiny"
TINY_RECORDS = FIXTURES / "tiny_records"


@pytest.fixture
def tiny_db(tmp_path) -> Path:
    """A warehouse holding the tiny organisation: 5 people, 4 courses, 8 xAPI statements, 1 void."""
    path = tmp_path / "tiny.duckdb"
    con = warehouse.connect(path)
    summaries = load_paths(con, [TINY, TINY_RECORDS])
    con.close()
    assert all(s.status == "loaded" for s in summaries), [s.line() for s in summaries]
    return path


@pytest.fixture
def tiny(tiny_db):
    con = warehouse.connect(tiny_db, read_only=True)
    yield con
    con.close()


@pytest.fixture
def app(tiny_db, monkeypatch):
    """The dashboard on the tiny organisation through AppTest: app(as_of=..., unit=...) runs it with those
    query parameters (the demo L&D persona)."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("UPSKILL_DB", str(tiny_db))

    def make(**params) -> AppTest:
        at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "dashboard.py"), default_timeout=120)
        for k, v in params.items():
            at.query_params[k] = v
        return at.run()

    return make


def data_page_opener(db: Path, monkeypatch):
    """A function that opens the Data page on `db` through AppTest (the demo L&D persona) from its published
    snapshot, and checks it ran without an exception."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("UPSKILL_DB", str(db))
    warehouse.publish(db)  # the page reads the published snapshot

    def run() -> AppTest:
        at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "dashboard.py"), default_timeout=180).run()
        at.switch_page("views/data_page.py").run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run
