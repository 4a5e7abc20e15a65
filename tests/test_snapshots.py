"""Trust at the edges of a load: `etl status` while a load holds the warehouse says so in a
sentence, and a load killed between its commit and its publication is reported by `etl status`
and published by the next start (the app's `upgrade_and_publish`, the next load, `etl publish`)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

import warehouse

from .conftest import FIXTURES, TINY, TINY_RECORDS

ROOT = Path(__file__).resolve().parent.parent
MORE = FIXTURES / "tiny_more"

#: A load in progress: the warehouse open for writing, a transaction under way, until stdin closes.
HOLD = """
import sys, warehouse
con = warehouse.connect(sys.argv[1])
con.execute("begin transaction")
con.execute("insert into settings values ('a load', 'in progress')")
print("holding", flush=True)
sys.stdin.read()
"""

#: A load killed (SIGKILL) right after its commit, before it could publish: its rows are in the WAL.
KILLED_AFTER_COMMIT = """
import os, signal, sys, warehouse
from etl.load import load_paths
con = warehouse.connect(sys.argv[1])
[s] = load_paths(con, [sys.argv[2]])
assert s.status == "loaded", s.line()
os.kill(os.getpid(), signal.SIGKILL)
"""


def cli(db: Path, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etl", "--db", str(db), *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def count(path: Path, sql: str = "select count(*) from completion_records") -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()[0][0]
    finally:
        con.close()


@pytest.fixture
def published(tmp_path) -> Path:
    db = tmp_path / "w.duckdb"
    done = cli(db, "load", TINY, TINY_RECORDS)
    assert done.returncode == 0, done.stdout + done.stderr
    return db


class Holder:
    """Another process holding the warehouse for writing, as a load does."""

    def __init__(self, db: Path):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLD, str(db)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.proc.stdout.readline().strip() == "holding"

    def release(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def test_status_during_a_load_says_so_and_shows_what_readers_see(published):
    holder = Holder(published)
    try:
        done = cli(published, "status")
    finally:
        holder.release()
    assert done.returncode == 0 and "Traceback" not in done.stderr and not done.stderr, done.stderr
    first, *rest = done.stdout.splitlines()
    assert first == "A load is writing the warehouse now; below is what readers see until it has finished."
    assert any(line.startswith("Freshness per source:") for line in rest)


def test_status_during_the_first_load_is_one_sentence(tmp_path):
    db = tmp_path / "new.duckdb"
    warehouse.connect(db).close()  # a warehouse never published
    holder = Holder(db)
    try:
        done = cli(db, "status")
    finally:
        holder.release()
    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        "",
        "A load is writing the warehouse now and nothing has been published yet; "
        "run 'python -m etl status' again when it has finished.\n",
    )


def kill_after_commit(db: Path, path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_COMMIT, str(db), str(path)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == -9, done.stderr


def test_a_load_killed_after_its_commit_is_reported_then_published_at_the_next_start(published):
    before = count(warehouse.read_path(published))
    kill_after_commit(published, MORE / "lrs-overlap.jsonl")
    assert Path(str(published) + ".wal").exists()  # the commit is in the WAL only
    assert count(warehouse.read_path(published)) == before  # readers: the previous snapshot
    status = cli(published, "status")
    assert status.returncode == 0, status.stderr
    assert status.stdout.splitlines()[-1] == (
        "Readers do not see the latest changes yet: a load or an erasure stopped after saving them and before "
        "publishing them; the next load, 'python -m etl publish' or the dashboard's next start publishes them."
    )
    assert warehouse.upgrade_and_publish(published) is True  # what the app runs at start
    assert count(warehouse.read_path(published)) == before + 1  # Bob's SQL, from the WAL
    assert warehouse.upgrade_and_publish(published) is False
    assert "Readers do not see" not in cli(published, "status").stdout


def test_the_next_load_publishes_what_a_killed_load_committed(published):
    before = count(warehouse.read_path(published))
    kill_after_commit(published, MORE / "lrs-overlap.jsonl")
    again = cli(published, "load", MORE / "does-not-exist.csv")  # records nothing of its own
    assert again.returncode == 1 and "Traceback" not in again.stderr
    assert count(warehouse.read_path(published)) == before + 1


def test_etl_publish_publishes_what_a_killed_load_committed(published):
    before = count(warehouse.read_path(published))
    kill_after_commit(published, MORE / "lrs-overlap.jsonl")
    done = cli(published, "publish")
    assert done.returncode == 0 and done.stdout.strip() == "Published the warehouse for readers.", done.stderr
    assert count(warehouse.read_path(published)) == before + 1


def test_no_writer_opens_the_file_while_it_is_being_swapped(published):
    """The rewrite after an erasure puts a new file in the old one's place; a load waits for it."""
    from warehouse.connection import file_swap, open_for_writing

    opened = []

    def load():
        con = open_for_writing(published)
        opened.append(time.monotonic())
        con.close()

    with file_swap(published, exclusive=True):
        worker = threading.Thread(target=load)
        worker.start()
        time.sleep(0.5)
        assert not opened  # waiting
        released = time.monotonic()
    worker.join(timeout=30)
    assert opened and opened[0] >= released
