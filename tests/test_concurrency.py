"""Loads while people look: readers open the published snapshot, a killed load leaves
the previous data, and a real server keeps answering while loads run in a loop."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

import warehouse

from .browser_util import CHROMIUM_ARGS, VIEWPORT, StreamlitServer, chromium_path, wait_for_app
from .conftest import FIXTURES, TINY, TINY_RECORDS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
MORE = FIXTURES / "tiny_more"


def cli(db: Path, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etl", "--db", str(db), *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def records(path: Path) -> tuple[int, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(
            "select (select count(*) from completion_records), (select count(*) from import_batches "
            "where status = 'loaded')"
        ).fetchall()[0]
    finally:
        con.close()


def big_xapi(path: Path, n: int) -> None:
    """n valid statements by Bob and Dan on the tiny organisation's courses."""
    verbs = ["completed", "passed", "progressed"]
    with open(path, "w") as f:
        for i in range(n):
            f.write(
                json.dumps(
                    {
                        "id": f"10000000-0000-4000-8000-{i:012d}",
                        "actor": {
                            "objectType": "Agent",
                            "mbox": "mailto:" + ("bob.baker@tiny.test" if i % 2 else "dan@tiny.test"),
                        },
                        "verb": {"id": "http://adlnet.gov/expapi/verbs/" + verbs[i % 3]},
                        "object": {
                            "objectType": "Activity",
                            "id": "https://lrs.tiny.test/courses/" + ("sql", "lead", "cloud")[i % 3],
                        },
                        "timestamp": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00Z",
                    }
                )
                + "\n"
            )


@pytest.fixture
def published(tmp_path) -> Path:
    db = tmp_path / "w.duckdb"
    done = cli(db, "load", TINY, TINY_RECORDS)
    assert done.returncode == 0, done.stdout + done.stderr
    return db


def test_load_publishes_a_snapshot_that_readers_open(published):
    snap = warehouse.read_path(published)
    assert snap != published and snap.parent == warehouse.snapshot_dir(published)
    assert records(snap) == records(published)
    assert cli(published, "load", MORE / "lrs-overlap.jsonl").returncode == 0
    newer = warehouse.read_path(published)
    assert newer != snap and not snap.exists()  # the old snapshot is gone at once
    assert records(newer)[0] == records(published)[0] == 8  # 7 + Bob's SQL


@pytest.mark.parametrize("delay", [0.3, 1.5, 3.0])
def test_a_killed_load_leaves_the_previous_data(published, tmp_path, delay):
    before = records(warehouse.read_path(published))
    big = tmp_path / "big.jsonl"
    big_xapi(big, 900_000)
    loader = subprocess.Popen(
        [sys.executable, "-m", "etl", "--db", str(published), "load", str(big)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    assert loader.poll() is None, "the load finished before it could be killed; make the file larger"
    loader.kill()  # SIGKILL: no clean-up of any kind
    loader.wait()
    assert records(warehouse.read_path(published)) == before  # readers: the previous snapshot
    con = warehouse.connect(published)  # the warehouse itself opens, with the previous data
    assert con.execute("select count(*) from completion_records").fetchall()[0][0] == before[0]
    con.close()
    again = cli(published, "load", MORE / "lrs-overlap.jsonl")
    assert again.returncode == 0 and "1 loaded" in again.stdout


def test_the_server_keeps_answering_while_loads_run(published, tmp_path):
    from playwright.sync_api import sync_playwright

    files = [
        MORE / "lrs-overlap.jsonl",
        MORE / "udemy.csv",
        MORE / "udemy-later.csv",
        MORE / "alice-badge.json",
        TINY_RECORDS / "lrs-export.json",
    ]
    script = (
        "import subprocess, sys\n"
        f"files = {[str(f) for f in files]!r}\n"
        "for i in range(12):\n"
        f"    subprocess.run([sys.executable, '-m', 'etl', '--db', {str(published)!r}, 'load', files[i % len(files)]],"
        " check=True, capture_output=True)\n"
    )
    server = StreamlitServer(published, tmp_path / "server.log")
    loads = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    seen_errors = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport=VIEWPORT)
            visits = 0
            while loads.poll() is None or visits < 4:
                for path in ("/overview?as_of=2025-06-30", "/data"):
                    page.goto(server.url + path)
                    wait_for_app(page, timeout=60, server=server)
                    visits += 1
                    for sel in ('[data-testid="stException"]', '[data-testid="stAlertContentError"]'):
                        seen_errors += [e.inner_text() for e in page.query_selector_all(sel)]
            assert loads.wait(timeout=120) == 0
            # a load that adds a team: the very next interaction offers it
            assert cli(published, "load", MORE / "roster-research.csv").returncode == 0
            page.goto(server.url + "/overview?as_of=2025-06-30&unit=Research")
            wait_for_app(page, timeout=60, server=server)
            caption = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first.inner_text()
            browser.close()
    finally:
        if loads.poll() is None:
            loads.kill()
        server.stop()
    assert not seen_errors, seen_errors
    assert visits >= 4
    # company, records, the loop's 4 new files, udemy.csv once more (it skipped a completion recorded elsewhere
    # that day, and udemy-later then moved records forward), its 7 other loads find their content already
    # loaded; the roster
    assert records(warehouse.read_path(published))[1] == 9 + 2 + 4 + 1 + 1
    assert "Research" in caption
