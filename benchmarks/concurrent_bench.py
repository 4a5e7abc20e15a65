"""Several people at once: N browser sessions on one page of a real ``streamlit run`` server.

One Chromium (Debian's) holds N browser contexts, each a separate Streamlit session. All
open the page at the same moment, then each changes the org-unit filter a few times (each
session its own sequence of departments and teams, so their queries are not answered from
each other's cache), all at the same moments. Measured per action: the wall time from the
navigation or the filter change until the app is done (connected, script not running, no
running indicator, nothing stale, and a run has started since the change): the server's
run time, a websocket round trip on 127.0.0.1, and the time the N tabs take to draw on
this machine's CPUs; p50/p95 over every action of every session ("browser"). Apart from
that, the dashboard writes each script run's own time on the server (UPSKILL_RUN_LOG, from
the frame's start to the page's end, waits for the other sessions' threads included):
p50/p95 over every run of the measured phase ("server").
"""

from __future__ import annotations

import asyncio
import json
import shutil
import time
from pathlib import Path

from benchmarks.common import OUT, log, median, percentile
from tests.browser_util import CHROMIUM_ARGS, Settling, StreamlitServer
from tests.browser_util import SETTLED_JS as _SETTLED_JS
from tests.browser_util import WATCH_JS as _WATCH_JS


def units(db: Path, count: int) -> list[str]:
    """Departments and teams to pick in the org-unit filter (largest first)."""
    import warehouse

    con = warehouse.connect(warehouse.read_path(db), read_only=True)
    try:
        rows = con.execute(
            """
            select unit from (
                select department as unit, count(*) as n from employees where leave_date is null and department is not null
                group by 1
                union all
                select team, count(*) from employees where leave_date is null and team is not null group by 1
            ) order by n desc, unit limit ?""",
            [count],
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


async def _settle(page, after_change: bool, started: float, timeout: float) -> float:
    """Seconds from `started` until the app is done (checked every 50 ms, twice in a row)."""
    wait = Settling(started, timeout)
    while wait.waiting():
        if (seconds := wait.check(await page.evaluate(_SETTLED_JS, after_change))) is not None:
            return seconds
        await page.wait_for_timeout(Settling.POLL_MS)
    raise wait.timed_out()


async def _pick_unit(page, unit: str) -> None:
    """Open the org-unit filter, type the unit and click its option (exactly that name)."""
    box = page.get_by_role("combobox", name="Org unit")
    await box.click()
    await box.fill(unit)
    await page.get_by_role("option", name=unit, exact=True).first.click()


async def _session(browser, url: str, my_units: list[str], barrier: asyncio.Barrier, timeout: float) -> list[dict]:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(timeout * 1000)
    actions = []
    try:
        await barrier.wait()
        started = time.perf_counter()
        await page.goto(url, wait_until="domcontentloaded")
        actions.append({"action": "open", "seconds": await _settle(page, False, started, timeout)})
        for unit in my_units:
            await page.evaluate(_WATCH_JS)
            await barrier.wait()
            started = time.perf_counter()
            try:
                await _pick_unit(page, unit)
                actions.append({"action": f"unit={unit}", "seconds": await _settle(page, True, started, timeout)})
            except Exception as exc:
                actions.append({"action": f"unit={unit}", "seconds": None, "error": str(exc).splitlines()[0][:200]})
    finally:
        await context.close()
    return actions


async def _drive(url: str, sessions: int, unit_list: list[str], changes: int, timeout: float) -> list[list[dict]]:
    from playwright.async_api import async_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        try:
            barrier = asyncio.Barrier(sessions)
            plans = [[unit_list[(i + k * sessions) % len(unit_list)] for k in range(changes)] for i in range(sessions)]
            return await asyncio.gather(*(_session(browser, url, plans[i], barrier, timeout) for i in range(sessions)))
        finally:
            await browser.close()


def run(db: Path, page_path: str, sessions: int, changes: int, timeout: float = 600) -> dict:
    """The concurrent section: `sessions` browsers on `page_path`, each changing the filter `changes` times."""
    unit_list = units(db, sessions * changes)
    # the tests' server: a free port, /_stcore/health polled until it answers, each run's time logged
    server = StreamlitServer(
        db,
        OUT / "concurrent-streamlit.log",
        extra_args=["--server.fileWatcherType", "none", "--server.runOnSave", "false"],
    )
    run_log = server.run_log
    url = f"{server.url}/{page_path}"
    try:
        # one session first, alone: the server's imports and the snapshot connection are not what is measured
        asyncio.run(_drive(url, 1, unit_list, 0, timeout))
        run_log.unlink(missing_ok=True)
        log(f"{sessions} sessions on /{page_path}, {changes} filter changes each")
        started = time.perf_counter()
        results = asyncio.run(_drive(url, sessions, unit_list, changes, timeout))
        wall = time.perf_counter() - started
    finally:
        server.stop()
    opens = [a["seconds"] for s in results for a in s if a["action"] == "open"]
    changes_s = [a["seconds"] for s in results for a in s if a["action"] != "open" and a["seconds"] is not None]
    failed = [a for s in results for a in s if a["seconds"] is None]
    every = opens + changes_s
    runs = [json.loads(line)["seconds"] for line in run_log.read_text().splitlines()] if run_log.exists() else []
    return {
        "server_runs": len(runs),
        "server_p50": median(runs),
        "server_p95": percentile(runs, 95),
        "page": page_path,
        "sessions": sessions,
        "filter_changes_per_session": changes,
        "actions": len(every),
        "failed_actions": len(failed),
        "errors": sorted({a["error"] for a in failed})[:3],
        "wall_seconds": round(wall, 1),
        "p50": median(every),
        "p95": percentile(every, 95),
        "open_p50": median(opens),
        "open_p95": percentile(opens, 95),
        "filter_change_p50": median(changes_s),
        "filter_change_p95": percentile(changes_s, 95),
    }


def rows_for_table(section: dict) -> tuple[list[str], list[list]]:
    headers = [
        "page",
        "sessions",
        "actions",
        "failed",
        "browser p50 s",
        "browser p95 s",
        "filter change p95 s",
        "server runs",
        "server p50 s",
        "server p95 s",
    ]
    return headers, [
        [
            section["page"],
            section["sessions"],
            section["actions"],
            section.get("failed_actions", 0),
            section["p50"],
            section["p95"],
            section["filter_change_p95"],
            section.get("server_runs"),
            section.get("server_p50"),
            section.get("server_p95"),
        ]
    ]
