"""Several people at once, while a load runs: N protocol-level sessions on real ``streamlit run`` servers.

Each session is a ``benchmarks.st_client.Session`` (Streamlit's websocket protocol, no browser,
so the figures are the server's and not those of N browser tabs drawing on the same CPUs):
a persona (L&D, executive, team lead in turn, by ``?as=``) opens one of the pages its role
sees (Overview, Skill coverage, People, Strategic goals, Training spend in turn), then
changes the org-unit filter `changes` times to units of its own sidebar, with a think time
between actions (uniform in `think` seconds; every random choice comes from the seed). The
sessions arrive spread over the first `ramp` seconds.

Meanwhile a child process loads 100k-row LinkedIn Learning CSVs (the generator's
``write_provider_csv``, each chunk new rows) into a copy of the organisation's warehouse and
publishes after each load, in a loop, from before the first action until after the last.
``during_load`` is true only when loads covered the whole measured phase (the first load
started before the first action, the loop was still loading at the last action's end, and
no gap between two loads was longer than ``MAX_GAP`` seconds).

An action is one script run: from sending the rerun to the server's ``script_finished``
(finished successfully and no exception element shown: done; anything else, or no answer
within `timeout`: failed). Measured once per number of server processes in `servers`: the
clients connect through a small round-robin TCP proxy (``Balancer``), one backend per
websocket, so a session stays on one process (what sticky sessions at a load balancer do;
a Streamlit session lives in its websocket). The dashboard also logs each script run's own
time on the server (UPSKILL_RUN_LOG): p50/p95 of those as "server".
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import OUT, ROOT, child_env, human, log, median, percentile
from benchmarks.st_client import Session

#: The personas of the demo mode (config/access.toml and the roster), by role.
PERSONAS = (
    ("ld", "ada.costa@example.com"),
    ("exec", "xavier.herrera@example.com"),
    ("lead", "diego.greco@example.com"),
)
#: The pages each role sees, of those the sessions open (app.navigation.PAGES).
PAGES = {
    "ld": ("overview", "coverage", "people", "goals", "spend"),
    "exec": ("overview", "coverage", "goals", "spend"),
    "lead": ("overview", "coverage", "people", "goals"),
}
FILTER = "Org unit"
#: The longest pause between two loads that still counts as loading throughout (a publish ends one
#: load and the next starts at once; the loop's own bookkeeping takes milliseconds).
MAX_GAP = 2.0
#: Distinct files the load loop takes in turn: a file loaded before is recognised by its checksum and
#: left unchanged, so each must be new rows for as long as a phase lasts (a 100k load takes 10-45 s here, and a phase minutes).
LOAD_CHUNKS = 30
#: Server options: no file watcher (a production server does not watch its source).
SERVER_ARGS = ("--server.fileWatcherType", "none", "--server.runOnSave", "false")


# ---------------------------------------------------------------- the load that runs throughout


def load_files(rows: int, chunks: int, employees: int, seed: int) -> list[Path]:
    """`chunks` CSV files of `rows` new rows each: one generated file of rows x chunks rows, cut in pieces
    (the generator's rows are distinct (person, course) pairs while there are fewer than people x courses,
    so no chunk repeats another's rows; a different seed would be another company)."""
    from benchmarks.etl_bench import bench_file

    folder = OUT / "files" / f"concurrent-{human(rows)}x{chunks}-e{human(employees)}-s{seed}"
    parts = [folder / f"linkedin-{k}.csv" for k in range(chunks)]
    if all(p.exists() for p in parts):
        return parts
    whole = bench_file("provider", "write_provider_csv", "csv", rows * chunks, employees, seed)
    folder.mkdir(parents=True, exist_ok=True)
    with open(whole, encoding="utf-8", newline="") as src:
        header = src.readline()
        for part in parts:
            tmp = part.with_name(part.name + ".tmp")
            with open(tmp, "w", encoding="utf-8", newline="") as out:
                out.write(header)
                out.writelines(itertools.islice(src, rows))
            tmp.rename(part)
    return parts


class LoadLoop:
    """``python -m benchmarks._child load-loop``: loads the files in turn into `db` and publishes, until stopped."""

    def __init__(self, db: Path, files: list[Path], work: Path):
        self.status, self.stop_file = work / "loads.jsonl", work / "loads.stop"
        self.status.unlink(missing_ok=True)
        self.stop_file.unlink(missing_ok=True)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks._child", "load-loop", str(db), str(self.status), str(self.stop_file)]
            + [str(f) for f in files],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=child_env(),
        )

    def events(self) -> list[dict]:
        if not self.status.exists():
            return []
        return [json.loads(line) for line in self.status.read_text().splitlines() if line.strip()]

    def wait_started(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not any(e["event"] == "start" for e in self.events()):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the load loop did not start:\n{self.proc.stderr.read()[-3000:]}")
            time.sleep(0.1)

    def stop(self, timeout: float = 600) -> list[dict]:
        self.stop_file.touch()
        try:
            _, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        if self.proc.returncode != 0:
            raise RuntimeError(f"the load loop failed (exit {self.proc.returncode}):\n{err[-3000:]}")
        return self.events()


def loads_cover(events: list[dict], first: float, last: float, max_gap: float = MAX_GAP) -> bool:
    """Whether loads ran from `first` to `last` (Unix times): a load had started by `first`, one was
    running (or ended) after `last`, and between consecutive loads no pause was longer than `max_gap`."""
    spans, open_start = [], None
    for e in events:
        if e["event"] == "start":
            open_start = e["at"]
        elif e["event"] == "end" and open_start is not None:
            spans.append((open_start, e["at"]))
            open_start = None
    if open_start is not None:  # still loading when the loop was told to stop
        spans.append((open_start, float("inf")))
    if not spans or spans[0][0] > first or spans[-1][1] < last:
        return False
    return all(b[0] - a[1] <= max_gap for a, b in itertools.pairwise(spans) if b[0] >= first and a[1] <= last)


# ---------------------------------------------------------------- a round-robin TCP balancer


class Balancer:
    """A TCP proxy on 127.0.0.1: each connection goes to the next backend in turn, bytes copied both
    ways. A Streamlit session is one websocket, so round-robin per connection keeps each session on
    one server process (sticky), as a load balancer must. It passes the bytes unchanged (the Host
    header names the balancer, on the loopback, and no forwarding header is added)."""

    def __init__(self, ports: list[int]):
        self.ports, self._next = ports, itertools.cycle(ports)
        self.server: asyncio.base_events.Server | None = None
        self.port = 0

    async def start(self) -> Balancer:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        if self.server:
            self.server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.server.wait_closed(), 5)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        port = next(self._next)
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            writer.close()
            return

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(1 << 16):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                with contextlib.suppress(Exception):
                    dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


# ---------------------------------------------------------------- the sessions


def personas(db: Path) -> tuple[tuple[str, str], ...]:
    """The demo personas, with the team lead replaced by one of the roster's team leads (the last of the
    demo leads the sidebar offers) when the organisation's roster has no reports under diego.greco
    (a generated organisation's roster is not the demo company's)."""
    import queries
    import warehouse

    con = warehouse.connect(warehouse.read_path(db), read_only=True)
    try:
        leads = queries.get("demo_leads").function(con)["email"].to_list()
        leads_diego = con.execute(
            "select count(*) from employees r join employees m on r.manager_id = m.employee_id "
            "where lower(m.email) = ? and r.leave_date is null",
            [PERSONAS[2][1]],
        ).fetchall()[0][0]
    finally:
        con.close()
    if leads_diego or not leads:
        return PERSONAS
    return (*PERSONAS[:2], ("lead", leads[-1].lower()))


def plan(sessions: int, seed: int, who: tuple[tuple[str, str], ...] = PERSONAS) -> list[dict]:
    """Who each session is and what it opens: roles in turn, each role's pages in turn."""
    out = []
    for i in range(sessions):
        role, email = who[i % len(who)]
        pages = PAGES[role]
        out.append({"session": i, "role": role, "as": email, "page": pages[(i // len(PERSONAS)) % len(pages)]})
    return out


async def _session(
    url: str, who: dict, changes: int, think: tuple[float, float], ramp: float, seed: int, timeout: float
) -> list[dict]:
    rng = random.Random(seed * 100_003 + who["session"])
    await asyncio.sleep(rng.uniform(0, ramp))
    actions: list[dict] = []

    def note(action: str, run, started: float, error: str | None = None) -> None:
        actions.append(
            {
                "session": who["session"],
                "role": who["role"],
                "page": who["page"],
                "action": action,
                "seconds": run.seconds if run is not None and run.ok else None,
                "error": error if error else (run.error if run is not None else "no run"),
                "start": started,
                "end": time.time(),
            }
        )

    async with Session(url, who["page"], {"as": who["as"]}, timeout=timeout) as s:
        started = time.time()
        try:
            run = await s.open()
            note("open", run, started)
        except Exception as exc:  # refused, closed: a failed action, not a crashed benchmark
            note("open", None, started, f"{type(exc).__name__}: {exc}"[:200])
            run = None
        if run is None or not run.ok:  # the filter changes the viewer meant to make fail with the page
            for k in range(changes):
                note(f"change {k + 1}", None, time.time(), "not made: the page did not open")
            return actions
        try:
            options = list(s.widget(FILTER).options[1:])
        except KeyError:
            options = []
        rng.shuffle(options)
        for k, unit in enumerate(options[:changes]):
            await asyncio.sleep(rng.uniform(*think))
            started = time.time()
            try:
                run = await s.choose(FILTER, unit)
                note(f"unit={unit}", run, started)
            except Exception as exc:
                run = None
                note(f"unit={unit}", None, started, f"{type(exc).__name__}: {exc}"[:200])
            if run is None or run.status == "timeout":  # the page is still running that run: the viewer gives up
                for rest in range(k + 1, changes):
                    note(f"change {rest + 1}", None, time.time(), "not made: the previous change never finished")
                return actions
        for k in range(len(options), changes):
            note(f"change {k + 1}", None, time.time(), "not made: too few units in the filter")
    return actions


async def _drive(ports: list[int], sessions: int, changes: int, think, ramp, seed, timeout, who) -> list[dict]:
    balancer = await Balancer(ports).start()
    try:
        url = f"http://127.0.0.1:{balancer.port}"
        done = await asyncio.gather(
            *(_session(url, one, changes, think, ramp, seed, timeout) for one in plan(sessions, seed, who))
        )
    finally:
        await balancer.close()
    return [a for s in done for a in s]


async def _warm(ports: list[int], timeout: float) -> None:
    """One session per server first, alone: its imports and first connection are not what is measured."""
    for port in ports:
        async with Session(f"http://127.0.0.1:{port}", "overview", {"as": PERSONAS[0][1]}, timeout=timeout) as s:
            await s.open()


# ---------------------------------------------------------------- one phase, the section


def phase(
    db: Path,
    files: list[Path],
    work: Path,
    servers: int,
    sessions: int,
    changes: int,
    think: tuple[float, float],
    ramp: float,
    seed: int,
    timeout: float,
) -> dict:
    """`sessions` sessions on `servers` processes while the load loop runs: per-action figures."""
    from tests.browser_util import StreamlitServer

    procs = []
    try:
        for k in range(servers):
            procs.append(StreamlitServer(db, work / f"server-{k}.log", extra_args=SERVER_ARGS))
        asyncio.run(_warm([p.port for p in procs], timeout))
        for p in procs:
            p.run_log.unlink(missing_ok=True)
        loop = LoadLoop(db, files, work)
        try:
            loop.wait_started()
            load_before = os.getloadavg()[0]
            log(f"{servers} server process(es): {sessions} sessions, {changes} filter changes each, loads running")
            started = time.perf_counter()
            who = personas(db)
            actions = asyncio.run(_drive([p.port for p in procs], sessions, changes, think, ramp, seed, timeout, who))
            wall = time.perf_counter() - started
            load_after = os.getloadavg()[0]
        finally:
            events = loop.stop()
    finally:
        for p in procs:
            p.stop()
    runs = [
        json.loads(line)["seconds"] for p in procs if p.run_log.exists() for line in p.run_log.read_text().splitlines()
    ]
    timed = [a for a in actions if a["start"]]
    first, last = min(a["start"] for a in timed), max(a["end"] for a in timed)
    ok = [a["seconds"] for a in actions if a["seconds"] is not None]
    failed = [a for a in actions if a["seconds"] is None]
    opens = [a["seconds"] for a in actions if a["action"] == "open" and a["seconds"] is not None]
    changes_s = [a["seconds"] for a in actions if a["action"] != "open" and a["seconds"] is not None]
    loads_done = [e for e in events if e["event"] == "end"]
    ms = lambda v: None if v is None else round(v * 1000)  # noqa: E731
    return {
        "servers": servers,
        "sessions": sessions,
        "actions": len(actions),
        "failed_actions": len(failed),
        "errors": sorted({a["error"] for a in failed if a["error"]})[:3],
        "p50_ms": ms(median(ok)),
        "p95_ms": ms(percentile(ok, 95)),
        "max_ms": ms(max(ok) if ok else None),
        "open_p95_ms": ms(percentile(opens, 95)),
        "filter_change_p95_ms": ms(percentile(changes_s, 95)),
        "server_runs": len(runs),
        "server_p50_ms": ms(median(runs)),
        "server_p95_ms": ms(percentile(runs, 95)),
        "during_load": loads_cover(events, first, last),
        "loads_finished": len(loads_done),
        "load_seconds_p50": round(median([e["at"] - s["at"] for s, e in _pairs(events)]) or 0, 1),
        "wall_seconds": round(wall, 1),
        "load_average": [round(load_before, 2), round(load_after, 2)],
        "by_page_p95_ms": {
            page: ms(percentile([a["seconds"] for a in actions if a["page"] == page and a["seconds"]], 95))
            for page in sorted({a["page"] for a in actions})
        },
    }


def _pairs(events: list[dict]) -> list[tuple[dict, dict]]:
    out, start = [], None
    for e in events:
        if e["event"] == "start":
            start = e
        elif start is not None:
            out.append((start, e))
            start = None
    return out


def run(
    db: Path,
    employees: int,
    seed: int,
    sessions: int = 50,
    changes: int = 3,
    servers: tuple[int, ...] = (1, 2),
    load_rows: int = 100_000,
    think: tuple[float, float] = (2.0, 5.0),
    ramp: float = 5.0,
    timeout: float = 60.0,
) -> dict:
    """The concurrent section: one phase per number of server processes, each while loads run into a
    copy of the organisation's warehouse (never the shared file: others read it)."""
    work = OUT / "tmp" / f"concurrent-{os.getpid()}"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    files = load_files(load_rows, LOAD_CHUNKS, employees, seed)
    copy = work / "warehouse.duckdb"
    try:
        phases = {}
        for n in servers:
            log(f"copying the organisation's warehouse for {n} server process(es)")
            for p in work.glob("warehouse.duckdb*"):
                shutil.rmtree(p) if p.is_dir() else p.unlink()
            shutil.copyfile(db, copy)
            import warehouse

            warehouse.publish(copy)
            phases[str(n)] = phase(copy, files, work, n, sessions, changes, think, ramp, seed, timeout)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    first = phases[str(servers[0])]
    return {
        "sessions": sessions,
        "p95_ms": first["p95_ms"],
        "failed_actions": first["failed_actions"],
        "during_load": first["during_load"],
        "servers": servers[0],
        "filter_changes_per_session": changes,
        "think_seconds": list(think),
        "ramp_seconds": ramp,
        "load_rows": load_rows,
        "by_servers": phases,
    }


def rows_for_table(section: dict) -> tuple[list[str], list[list]]:
    headers = [
        "servers",
        "sessions",
        "actions",
        "failed",
        "p50 ms",
        "p95 ms",
        "open p95 ms",
        "change p95 ms",
        "server p95 ms",
        "during load",
        "loads",
        "load avg",
    ]
    rows = []
    for n, ph in sorted(section.get("by_servers", {}).items()):
        rows.append(
            [
                int(n),
                ph["sessions"],
                ph["actions"],
                ph["failed_actions"],
                ph["p50_ms"],
                ph["p95_ms"],
                ph["open_p95_ms"],
                ph["filter_change_p95_ms"],
                ph["server_p95_ms"],
                str(ph["during_load"]).lower(),
                ph["loads_finished"],
                ph["load_average"][1],
            ]
        )
    return headers, rows
