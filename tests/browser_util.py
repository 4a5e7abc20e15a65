"""What the browser tests need around Playwright: a warehouse, a Streamlit server, Chromium, and a wait.

The wait follows Streamlit's own e2e suite: the app is done when the websocket is
connected, the script is not running, the running indicator is gone and no element
is stale any more. A rerun can start a moment after a click, so the state has to
hold for a few polls in a row before it counts.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_ROSTER = ROOT / "sample_data" / "company" / "roster.csv"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1400, "height": 1000}

#: True once the app is done and shows its result (evaluated in the page): connected, script not running,
#: no running indicator, no skeleton, nothing stale, content shown; with `afterChange` also only once a
#: script run has started since WATCH_JS was evaluated (window.__benchRan), so that the state the page
#: was in before a click does not count. The benchmarks and the browser tests share it.
SETTLED_JS = """(afterChange) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  if (afterChange && !window.__benchRan) return false;
  return app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-testid="stMain"] [data-testid="stSkeleton"]')
    && !document.querySelector('[data-testid="stMain"] [data-stale="true"]')
    && !!document.querySelector('[data-testid="stMain"] [data-testid="stMainBlockContainer"] [data-testid="stElementContainer"]');
}"""

#: Notes in window.__benchRan that a script run started (an attribute change seen as it happens,
#: so that a run shorter than a poll is not missed).
WATCH_JS = """() => {
  window.__benchRan = false;
  const app = document.querySelector('[data-testid="stApp"]');
  if (!window.__benchWatch) {
    window.__benchWatch = new MutationObserver(() => {
      if (app.getAttribute('data-test-script-state') === 'running') window.__benchRan = true;
    });
    window.__benchWatch.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  }
}"""

#: True once every Plotly chart shown in the main area has drawn its svg (Plotly draws after the run ends).
CHARTS_DRAWN_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stPlotlyChart"]')]
  .filter(c => c.offsetParent !== null).every(c => c.querySelector('.js-plotly-plot svg.main-svg'))"""


class Settling:
    """The wait for a settled app, polled by a loop (sync or async): the first of two checks in a row that
    hold counts, and the wait gives up `timeout` seconds after `started` (a time.perf_counter())."""

    POLL_MS = 50

    def __init__(self, started: float, timeout: float) -> None:
        self.started, self.timeout, self.streak, self.first = started, timeout, 0, None

    def waiting(self) -> bool:
        return time.perf_counter() < self.started + self.timeout

    def check(self, done: bool) -> float | None:
        """The seconds until settled once two checks in a row held, else None."""
        if not done:
            self.streak, self.first = 0, None
            return None
        self.first = self.first or time.perf_counter()
        self.streak += 1
        return self.first - self.started if self.streak >= 2 else None

    def timed_out(self) -> TimeoutError:
        return TimeoutError(f"the app did not finish within {self.timeout:.0f} s")


def settle(page, started: float, *, after_change: bool = True, drawn: bool = True, timeout: float = 120.0) -> float:
    """Seconds from `started` until the app is done (SETTLED_JS) and, with `drawn`, every chart shown has
    drawn (Settling: every 50 ms, two checks in a row)."""
    wait = Settling(started, timeout)
    while wait.waiting():
        done = page.evaluate(SETTLED_JS, after_change) and (not drawn or page.evaluate(CHARTS_DRAWN_JS))
        if (seconds := wait.check(done)) is not None:
            return seconds
        page.wait_for_timeout(Settling.POLL_MS)
    raise wait.timed_out()


def navigate(page, label: str, timeout: float = 120.0) -> float:
    """Click the sidebar link `label` (in-app navigation, no page load) and return the seconds until the
    page is drawn and settled (settle)."""
    page.evaluate(WATCH_JS)
    link = page.locator('[data-testid="stSidebarNavLink"]', has_text=label).first
    started = time.perf_counter()
    link.click()
    return settle(page, started, timeout=timeout)


def chromium_path() -> str:
    """Debian's chromium; the test fails (never skips) without it, since `make test` installs it."""
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail(
            "Chromium is not installed, so the browser tests cannot run: install Debian's chromium "
            "(`make browser`, or `apt-get install chromium`) and run them again.",
            pytrace=False,
        )
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_warehouse(path: Path) -> str:
    """The demo company when sample_data/ holds it, else the tiny fixtures. Returns which one it used."""
    if SAMPLE_ROSTER.exists():
        source, args = "sample", ["sample"]
    else:
        source, args = "tiny", ["load", str(FIXTURES / "tiny"), str(FIXTURES / "tiny_records")]
    done = subprocess.run(
        [sys.executable, "-m", "etl", "--db", str(path), *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0 and path.exists(), (
        f"building the {source} warehouse failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
    )
    return source


class StreamlitServer:
    """`streamlit run dashboard.py` on a free port, reading the warehouse at `db`.

    Optional: `address` to bind (the tests always connect through 127.0.0.1), `port` chosen
    beforehand (e.g. when a secrets file must name it), `extra_args` for more command-line
    options (e.g. `--secrets.files`), and `env` for more environment variables. Every script run
    the server finishes is logged next to `log` (`runs()` counts them).
    """

    def __init__(
        self,
        db: Path,
        log: Path,
        startup_timeout: float = 60.0,
        *,
        address: str = "127.0.0.1",
        port: int | None = None,
        extra_args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
    ):
        self.db, self.log_path, self.port = Path(db), Path(log), port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.run_log = self.log_path.with_suffix(".runs.jsonl")
        environ = dict(os.environ, UPSKILL_DB=str(self.db), PYTHONUNBUFFERED="1", UPSKILL_RUN_LOG=str(self.run_log))
        environ.update(env or {})
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (the server writes it until stop())
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "dashboard.py",
                "--server.headless",
                "true",
                "--server.port",
                str(self.port),
                "--server.address",
                address,
                "--browser.gatherUsageStats",
                "false",
                *extra_args,
            ],
            cwd=ROOT,
            env=environ,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_healthy(startup_timeout)
        except BaseException:
            self.stop()
            raise

    def output(self, last: int = 4000) -> str:
        """The tail of the server's output, for failure messages (also after stop())."""
        if not self._log.closed:
            self._log.flush()
        text = self.log_path.read_text(errors="replace")
        return text[-last:]

    def runs(self) -> int:
        """How many script runs (page views, reruns) the server has finished so far."""
        return len(self.run_log.read_text().splitlines()) if self.run_log.exists() else 0

    def _wait_healthy(self, timeout: float) -> None:
        deadline, last = time.monotonic() + timeout, "no answer"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(
                    f"streamlit exited with {self.process.returncode} before it was healthy:\n{self.output()}",
                    pytrace=False,
                )
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    body = r.read().decode(errors="replace").strip()
                    if r.status == 200 and body == "ok":
                        return
                    last = f"{r.status} {body!r}"
            except (urllib.error.URLError, OSError) as exc:
                last = repr(exc)
            time.sleep(0.25)
        pytest.fail(
            f"{self.url}/_stcore/health did not answer ok within {timeout:.0f} s (last: {last}). "
            f"Server output:\n{self.output()}",
            pytrace=False,
        )

    def stop(self) -> None:
        stop_process(self.process, self._log)


def stop_process(process: subprocess.Popen, log) -> None:
    """Terminate a server started for a test (kill it after 10 s) and close its log."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    log.close()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, once per test module (fails, never skips, when it is missing)."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser profile per test (no cookie of an earlier sign-in)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(20_000)
    pg = context.new_page()
    yield pg
    context.close()


def wait_for_app(page, timeout: float = 30.0, settle_polls: int = 3, server: StreamlitServer | None = None) -> None:
    """Block until the app has finished running and shows its result, or fail after `timeout` seconds."""
    page.wait_for_timeout(200)  # a click's rerun, and widget debounces, start a moment later
    deadline, streak = time.monotonic() + timeout, 0
    while time.monotonic() < deadline:
        streak = streak + 1 if page.evaluate(SETTLED_JS, False) else 0
        if streak >= settle_polls:
            return
        page.wait_for_timeout(150)
    state = page.evaluate("""() => {
      const app = document.querySelector('[data-testid="stApp"]');
      return {connection: app && app.getAttribute('data-test-connection-state'),
              script: app && app.getAttribute('data-test-script-state'),
              running: !!document.querySelector('[data-testid="stStatusWidget"]'),
              stale: document.querySelectorAll('[data-stale="true"]').length};
    }""")
    detail = f"\nServer output:\n{server.output()}" if server else ""
    pytest.fail(f"{page.url}: the app did not finish running within {timeout:.0f} s ({state}).{detail}", pytrace=False)


def wait_for_charts(page, timeout: float = 15.0, at_least: int = 0) -> None:
    """Plotly draws after the run ends (its component loads lazily, so a chart's element may appear a
    moment after the run): wait until there are `at_least` charts and every one holds its svg."""
    page.wait_for_function(
        """(least) => {
          const found = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
          return found.length >= least && found.every(c => c.querySelector('.js-plotly-plot svg.main-svg'));
        }""",
        arg=at_least,
        timeout=timeout * 1000,
    )


def charts(page) -> list[dict]:
    """Each Plotly chart on the page: its title, whether it drew an svg, its size and how many traces it drew."""
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map(c => {
      const svg = c.querySelector('.js-plotly-plot svg.main-svg');
      const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
      const title = c.querySelector('.gtitle');
      return {title: title ? title.textContent : '', svg: !!svg, width: box.width, height: box.height,
              traces: c.querySelectorAll('.trace, .hm').length};
    })""")


def problems(page) -> list[str]:
    """Exceptions, error alerts, Streamlit's "Page not found" dialog and chart titles cut off, as text."""
    found = [f"exception: {t}" for t in page.locator('[data-testid="stException"]').all_inner_texts()]
    found += [f"dialog: {t}" for t in page.get_by_role("dialog").filter(has_text="Page not found").all_inner_texts()]
    found += [
        f"error: {t}"
        for t in page.locator(
            '[data-testid="stAlertContainer"]:has([data-testid="stAlertContentError"])'
        ).all_inner_texts()
    ]
    found += [
        f"chart title cut at the chart's edge: {t}"
        for t in page.evaluate("""() =>
      [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')].flatMap(c => {
        const svg = c.querySelector('svg.main-svg');
        if (!svg) return [];
        const edge = svg.getBoundingClientRect().right + 1;
        return [...c.querySelectorAll('.gtitle, .gtitle-subtitle')]
          .filter(t => t.getBoundingClientRect().right > edge).map(t => t.textContent);
      })""")
    ]
    found += [
        f"chart tick labels overlap: {t}"
        for t in page.evaluate(r"""() =>
      [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')].flatMap(c => {
        // upright or level labels only: the boxes of slanted ones overlap though their letters do not
        const out = [];
        for (const [axis, sel] of [['x', '.xtick text'], ['y', '.ytick text']]) {
          const labels = [...c.querySelectorAll(sel)].filter(t => {
            const r = (t.getAttribute('transform') || '').match(/rotate\(([-\d.]+)/);
            return !r || Math.abs(Math.abs(parseFloat(r[1])) - 90) < 1;
          }).map(t => ({text: t.textContent, box: t.getBoundingClientRect()}))
            .filter(l => l.text && l.box.width > 0);
          const key = axis === 'x' ? 'left' : 'top', end = axis === 'x' ? 'right' : 'bottom';
          labels.sort((a, b) => a.box[key] - b.box[key]);
          for (let i = 1; i < labels.length; i++) {
            if (labels[i].box[key] < labels[i - 1].box[end] - 1) {
              out.push(`${labels[i - 1].text} / ${labels[i].text}`);
              break;
            }
          }
        }
        return out;
      })""")
    ]
    return found


def full_page_screenshot(page, path: Path, max_height: int = 12000) -> None:
    """Streamlit scrolls inside its main section, so grow the viewport to the content before the shot."""
    path.parent.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate("""() => {
      const els = [document.scrollingElement, ...document.querySelectorAll(
        '[data-testid="stMain"], [data-testid="stAppViewContainer"], [data-testid="stSidebarContent"]')];
      return Math.max(...els.filter(Boolean).map(e => e.scrollHeight));
    }""")
    try:
        if height > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, max_height)})
            page.wait_for_timeout(400)  # charts re-measure on resize
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
