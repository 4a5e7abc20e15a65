"""Pages in a real browser: in-app navigation until the page is drawn and settled.

A real ``streamlit run`` server (file watcher off) on the organisation's warehouse, in demo
mode (no sign-in configured: the L&D persona, who sees every page), and Debian's Chromium
through Playwright. One session opens the dashboard, then goes round the navigation
`rounds` times, clicking each page's sidebar link (no page load: what a person does). Per
click: the wall time from the click until the app is done and drawn (``tests.browser_util
.settle``: connected, script not running, no running indicator, no skeleton, nothing stale,
a run seen since the click, every chart shown holding its svg). The first round meets the
server's caches cold (``first_ms``); the median is over every round (``settled_p50_ms``).
Also per page: the server's own time of the page's script runs (UPSKILL_RUN_LOG; the rest is
the round trip and the browser's drawing), the elements and charts drawn and the bytes of the
charts' figures.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from benchmarks.common import OUT, log, median
from tests.browser_util import CHROMIUM_ARGS, VIEWPORT, StreamlitServer, navigate, settle

#: What a page drew: its elements, its charts and the size of their figures (the JSON Plotly was given).
_DRAWN_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const charts = [...main.querySelectorAll('.js-plotly-plot')];
  const bytes = charts.reduce((n, c) => {
    try { return n + JSON.stringify({data: c.data, layout: c.layout}).length; } catch (e) { return n; }
  }, 0);
  return {elements: main.querySelectorAll('[data-testid="stElementContainer"]').length,
          charts: charts.length, figure_bytes: bytes};
}"""


def nav_pages() -> list[tuple[str, str]]:
    """(short name, sidebar label) of every page of the L&D navigation, in menu order."""
    from app.navigation import LD, PAGES

    return [(p.url_path, p.title) for p in PAGES if LD in p.roles]


def measure(url: str, rounds: int, timeout: float = 300.0) -> dict:
    """Open the dashboard at `url`, then go round the navigation `rounds` times; seconds per click, per page."""
    from playwright.sync_api import sync_playwright

    pages = nav_pages()
    times: dict[str, list[float]] = {name: [] for name, _ in pages}
    drawn: dict[str, dict] = {}
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_context(viewport=VIEWPORT).new_page()
            page.set_default_timeout(timeout * 1000)
            started = time.perf_counter()
            page.goto(url, wait_until="domcontentloaded")
            opened = settle(page, started, after_change=False, timeout=timeout)
            # from the home page, the first click goes elsewhere: start each round on the last page
            order = pages[1:] + pages[:1]
            for _ in range(rounds):
                for name, label in order:
                    times[name].append(navigate(page, label, timeout))
                    drawn[name] = page.evaluate(_DRAWN_JS)
        finally:
            browser.close()
    return {"open_s": opened, "times": times, "drawn": drawn}


def run(db: Path, rounds: int = 5) -> dict:
    """The browser section: each page reached `rounds` times by its sidebar link on the organisation's warehouse."""
    server = StreamlitServer(
        db,
        OUT / "browser-streamlit.log",
        extra_args=["--server.fileWatcherType", "none", "--server.runOnSave", "false"],
    )
    server.run_log.unlink(missing_ok=True)
    try:
        log(f"browser: {rounds} rounds of the navigation on {server.url}")
        found = measure(server.url + "/", rounds)
    finally:
        server.stop()
    runs = server_runs(server.run_log)
    section: dict = {"rounds": rounds, "open_ms": round(found["open_s"] * 1000)}
    for name, seconds in found["times"].items():
        mine = runs.get(name, [])
        section[name] = {
            "settled_p50_ms": round(median(seconds) * 1000),
            "server_p50_ms": round(median(mine) * 1000) if mine else None,
            "first_ms": round(seconds[0] * 1000),
            "runs_ms": [round(s * 1000) for s in seconds],
            **found["drawn"].get(name, {}),
        }
    return section


def server_runs(run_log: Path) -> dict[str, list[float]]:
    """The server's time of each script run (UPSKILL_RUN_LOG), by page; the home page's runs (its URL path
    is empty) are the Overview's."""
    runs: dict[str, list[float]] = {}
    if run_log.exists():
        for line in run_log.read_text().splitlines():
            r = json.loads(line)
            runs.setdefault(r["page"] or "overview", []).append(r["seconds"])
    return runs


def page_names(section: dict) -> list[str]:
    return [k for k, v in section.items() if isinstance(v, dict) and "settled_p50_ms" in v]


def rows_for_table(section: dict) -> tuple[list[str], list[list]]:
    headers = ["page", "settled p50 ms", "first ms", "slowest ms", "server p50 ms", "elements", "charts", "figure KB"]
    rows = []
    for name in page_names(section):
        r = section[name]
        kb = round(r["figure_bytes"] / 1024) if r.get("figure_bytes") is not None else None
        rows.append(
            [
                name,
                r["settled_p50_ms"],
                r["first_ms"],
                max(r["runs_ms"]),
                r.get("server_p50_ms"),
                r.get("elements"),
                r.get("charts"),
                kb,
            ]
        )
    return headers, rows
