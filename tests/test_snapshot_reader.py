"""The app's connection to the published snapshot while loads publish newer ones: a query that is
running keeps its connection until it is done, and the old snapshot is let go right after."""

from __future__ import annotations

import duckdb
import pytest
import streamlit as st

import warehouse
from app import data


@pytest.fixture
def published(tiny_db, monkeypatch):
    monkeypatch.setenv("UPSKILL_DB", str(tiny_db))
    warehouse.publish(tiny_db)
    st.cache_resource.clear()
    yield tiny_db
    st.cache_resource.clear()


def test_a_query_on_the_old_snapshot_finishes_while_another_session_opens_the_new_one(published):
    with data.read_connection() as first:
        old_reader = data._snapshot_reader(str(warehouse.read_path(published)))
        warehouse.publish(published)  # a load published a newer snapshot
        with data.read_connection() as second:  # another session's run opens it, which retires the old one
            assert second.sql("select count(*) from employees").fetchall() == [(5,)]
        # the first session's query still runs on the old snapshot (it used to be closed under it)
        assert first.sql("select count(*) from employees").fetchall() == [(5,)]
    # once its last cursor is done, the old snapshot's connection is closed
    with pytest.raises(duckdb.ConnectionException):
        old_reader.con.sql("select 1").fetchall()


def test_the_retired_reader_is_closed_when_its_last_cursor_is_done(published):
    reader = data.SnapshotReader(str(warehouse.read_path(published)))
    with reader.cursor() as cursor:
        reader.retire()
        assert cursor.sql("select count(*) from employees").fetchall() == [(5,)]  # not closed under the query
        with pytest.raises(data.ReaderRetired), reader.cursor():  # nobody starts a new query on it
            pass
    with pytest.raises(duckdb.ConnectionException):  # closed with its last cursor
        reader.con.sql("select 1").fetchall()


def test_an_idle_reader_is_closed_at_once_when_retired(published):
    reader = data.SnapshotReader(str(warehouse.read_path(published)))
    reader.retire()
    with pytest.raises(duckdb.ConnectionException):
        reader.con.sql("select 1").fetchall()
