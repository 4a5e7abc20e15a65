"""Signing in for real: the dashboard behind an OpenID Connect provider, in a real browser.

The provider is `oidc-provider-mock`, run as a subprocess on a free port: it accepts any
client id and secret, and its authorization form asks for a subject (the e-mail claim is
the subject, unless the user was predefined with claims of its own). Streamlit reads an
[auth] section from a secrets file in a temporary folder (`--secrets.files`), never from
the repository's .streamlit folder. Plain http on 127.0.0.1 is enough for both sides.

Also the edges where the dashboard must fail closed, on real servers: a secrets file that is
not valid TOML, and demo mode reached under another host name or through a proxy.

The tiny organisation: Alice (E1) leads everyone; Bob (E2, Bob.Baker@tiny.test) leads Dan
(E4); Eve (E5) leads nobody. ld@tiny.test is L&D and ceo@tiny.test an executive.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser_util import (  # noqa: F401  (browser, page: fixtures)
    CHROMIUM_ARGS,
    FIXTURES,
    ROOT,
    SCREENSHOTS,
    VIEWPORT,
    StreamlitServer,
    browser,
    chromium_path,
    free_port,
    full_page_screenshot,
    page,
    problems,
    stop_process,
    wait_for_app,
    wait_for_charts,
)

pytestmark = pytest.mark.browser

ACCESS = FIXTURES / "tiny_access.toml"
NAMES = ["Alice Archer", "Bob Baker", "Carol Chen", "Dan Diaz", "Eve Evans"]
AS_OF = "as_of=2025-06-30"
#: Bob signs in under a subject that is not his e-mail: the app must go by the e-mail claim.
BOB = {"sub": "bob-0002", "email": "Bob.Baker@tiny.test", "name": "Bob Baker"}
#: The CEO's address, but the provider says it never verified it.
UNVERIFIED_CEO = {"sub": "ceo-unverified", "email": "ceo@tiny.test", "email_verified": False}


class OidcProvider:
    """`python -m oidc_provider_mock` on a free port of 127.0.0.1, with some predefined users."""

    def __init__(self, log: Path, users: list[dict], startup_timeout: float = 30.0):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.metadata_url = f"{self.url}/.well-known/openid-configuration"
        self.log_path = log
        self._log = open(log, "wb")  # noqa: SIM115 (the provider writes it until stop())
        args = [a for user in users for a in ("--user-claims", json.dumps(user))]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "oidc_provider_mock", "--port", str(self.port), *args],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline, last = time.monotonic() + startup_timeout, "no answer"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                pytest.fail(
                    f"oidc-provider-mock exited with {self.process.returncode}:\n{self.output()}", pytrace=False
                )
            try:
                with urllib.request.urlopen(self.metadata_url, timeout=2) as r:
                    if r.status == 200 and "authorization_endpoint" in json.loads(r.read()):
                        return
            except (urllib.error.URLError, OSError, ValueError) as exc:
                last = repr(exc)
            time.sleep(0.2)
        self.stop()
        pytest.fail(
            f"{self.metadata_url} did not answer within {startup_timeout:.0f} s (last: {last}):\n{self.output()}",
            pytrace=False,
        )

    def output(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        stop_process(self.process, self._log)


@pytest.fixture(scope="module")
def tiny_warehouse(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("signin") / "tiny.duckdb"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "etl",
            "--db",
            str(path),
            "load",
            str(FIXTURES / "tiny"),
            str(FIXTURES / "tiny_records"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and path.exists(), f"building the tiny warehouse failed:\n{done.stdout}\n{done.stderr}"
    return path


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    idp = OidcProvider(tmp_path_factory.mktemp("oidc") / "provider.log", users=[BOB, UNVERIFIED_CEO])
    yield idp
    idp.stop()


@pytest.fixture(scope="module")
def server(tiny_warehouse, provider, tmp_path_factory):
    """The dashboard with sign-in configured: [auth] in a secrets file outside the repository."""
    folder = tmp_path_factory.mktemp("auth-server")
    port = free_port()
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "dashboard"\n'
        'client_secret = "secret"\n'
        f'server_metadata_url = "{provider.metadata_url}"\n',
        encoding="utf-8",
    )
    srv = StreamlitServer(
        tiny_warehouse,
        folder / "streamlit.log",
        port=port,
        extra_args=["--secrets.files", str(secrets_file)],
        env={"UPSKILL_ACCESS": str(ACCESS)},
    )
    yield srv
    srv.stop()


def open_app(page, server, path: str = "/") -> None:
    page.goto(server.url + path, wait_until="domcontentloaded")
    wait_for_app(page, server=server)


def sign_in(page, server, provider, subject: str, screenshot: str | None = None) -> None:
    """Through the sign-in page and the provider's authorization form, back to the dashboard."""
    open_app(page, server, "/")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{provider.url}/oauth2/authorize?**")
    page.locator("input[name=sub]").fill(subject)
    if screenshot:
        full_page_screenshot(page, SCREENSHOTS / screenshot)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(re.escape(server.url) + r"/(\?.*)?$"))
    wait_for_app(page, server=server)
    assert problems(page) == [], f"signing in as {subject} shows errors:\n{server.output()}"


def app_text(page) -> str:
    """Everything the app holds as text, hidden parts included (expanders, chart labels, the sidebar)."""
    return page.locator('[data-testid="stApp"]').text_content() or ""


def nav_labels(page) -> list[str]:
    return [
        t.strip()
        for t in page.locator('[data-testid="stSidebarNavLink"] [data-testid="stMarkdownContainer"]').all_inner_texts()
    ]


def assert_no_data(page, where: str) -> None:
    """No numbers, charts, tables, names or page list: nothing of the warehouse reached the page."""
    for testid in ("stMetric", "stPlotlyChart", "stDataFrame", "stTable", "stSidebarNavLink"):
        assert page.locator(f'[data-testid="{testid}"]').count() == 0, f"{where}: the page shows a {testid}"
    text = app_text(page)
    leaked = [n for n in NAMES + ["Platform", "Engineering", "Insights"] if n in text]
    assert not leaked, f"{where}: the page shows {leaked}"


def assert_sign_in_page(page, where: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Upskilling dashboard")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert_no_data(page, where)


def test_signed_out_sees_only_the_sign_in_page(page, server):
    # /people_page: the file name under which Streamlit would serve views/people_page.py on its own
    for path in ["/", f"/coverage?{AS_OF}&unit=Platform", "/people_page"]:
        open_app(page, server, path)
        assert_sign_in_page(page, f"signed out, {path}")
        assert page.locator('[data-testid="stException"]').count() == 0, path
        if path == "/":
            full_page_screenshot(page, SCREENSHOTS / "signin_signed_out.png")
    assert "_streamlit_user" not in {c["name"] for c in page.context.cookies()}


def test_sign_out_takes_one_click_and_ends_the_session(page, server, provider):
    # Right after the sign-in page, as the first signed-in visit of this server: the button's
    # first click must count (it is drawn before the dashboard's navigation).
    sign_in(page, server, provider, "bob.baker@tiny.test")  # lower case: the roster has Bob.Baker@
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text("Signed in as bob.baker@tiny.test")
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
    assert "_streamlit_user" in {c["name"] for c in page.context.cookies()}

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{provider.url}/oauth2/end_session?**", timeout=10_000)
    full_page_screenshot(page, SCREENSHOTS / "signin_provider_end_session.png")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(re.compile(re.escape(server.url) + r"/(\?.*)?$"))
    wait_for_app(page, server=server)
    assert_sign_in_page(page, "after signing out")
    full_page_screenshot(page, SCREENSHOTS / "signin_signed_out_again.png")
    assert "_streamlit_user" not in {c["name"] for c in page.context.cookies()}
    open_app(page, server, f"/people?{AS_OF}")
    assert_sign_in_page(page, "after signing out, /people")


def test_lead_sees_only_their_tree(page, server, provider):
    # The subject is not an e-mail address: the dashboard goes by the e-mail claim (mixed case here).
    sign_in(page, server, provider, BOB["sub"], screenshot="signin_provider_form.png")
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text("Signed in as Bob.Baker@tiny.test")
    assert nav_labels(page) == ["Overview", "Skill coverage", "People", "Strategic goals"]

    open_app(page, server, f"/people?{AS_OF}")
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    wait_for_charts(page)
    assert problems(page) == []
    text = app_text(page)
    assert "Bob Baker" in text and "Dan Diaz" in text
    for other in ("Eve Evans", "Alice Archer", "Carol Chen"):
        assert other not in text, f"the lead Bob sees {other}"
    main = page.locator('[data-testid="stMain"]').text_content()
    assert "Insights" not in main, "the lead Bob sees Eve's team"  # (the navigation has a section "Insights")
    full_page_screenshot(page, SCREENSHOTS / "signin_lead_people.png")

    page.get_by_role("combobox", name="Org unit").click()
    options = page.locator('[role="listbox"] [role="option"]')
    expect(options.first).to_be_visible()
    assert [o.strip() for o in options.all_inner_texts()] == ["Everyone I lead", "Engineering", "Platform"]
    page.keyboard.press("Escape")

    # A link to someone else's team falls back to Bob's own tree.
    open_app(page, server, f"/coverage?{AS_OF}&unit=Insights")
    expect(page.get_by_role("heading", level=1)).to_have_text("Skill coverage")
    wait_for_charts(page)
    assert problems(page) == []
    main = page.locator('[data-testid="stMain"]').text_content()
    # the page says the link's unit was not shown, in the link's own words (as for a unit that does not exist)
    assert "the org unit “Insights” is not one you can see" in main
    main = main.replace("the org unit “Insights”", "")
    assert "Eve Evans" not in main and "Alice Archer" not in main and "Insights" not in main
    full_page_screenshot(page, SCREENSHOTS / "signin_lead_coverage_other_team.png")


def test_executive_sees_aggregates_only(page, server, provider):
    sign_in(page, server, provider, "ceo@tiny.test")
    assert nav_labels(page) == ["Overview", "Skill coverage", "Strategic goals", "Training spend"]
    for path, heading, name in [
        ("/", "Overview", "overview"),
        ("/coverage", "Skill coverage", "coverage"),
        ("/goals", "Strategic goals", "goals"),
    ]:
        open_app(page, server, f"{path}?{AS_OF}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        wait_for_charts(page)
        assert problems(page) == [], heading
        text = app_text(page)
        named = [n for n in NAMES if n in text] + re.findall(r"[\w.]+@tiny\.test", text.replace("ceo@tiny.test", ""))
        assert not named, f"the executive sees {named} on {heading}"
        full_page_screenshot(page, SCREENSHOTS / f"signin_exec_{name}.png")
        if name == "overview":
            readiness = page.locator('[data-testid="stMetric"]', has_text="Readiness")
            expect(readiness.locator('[data-testid="stMetricValue"]')).to_have_text("fewer than 5")
        if name == "goals":
            assert "fewer than 5" in text and "50.0%" not in text
    open_app(page, server, f"/people?{AS_OF}")  # not in the executive's navigation: it says why, shows no one
    expect(page.locator('[data-testid="stAlert"]').filter(has_text="The People page is for")).to_have_text(
        re.compile(r"The People page is for L&D staff and team leads; you are signed in as an executive\.")
    )
    assert problems(page) == []
    assert not any(n in app_text(page) for n in NAMES)


def test_signed_in_without_a_role_sees_no_access_yet(page, server, provider):
    sign_in(page, server, provider, "eve@tiny.test")
    expect(page.get_by_role("heading", level=1)).to_have_text("No access yet")
    expect(page.locator('[data-testid="stMain"]')).to_contain_text("You are signed in as eve@tiny.test")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert_no_data(page, "no access yet")
    full_page_screenshot(page, SCREENSHOTS / "signin_no_access.png")
    open_app(page, server, f"/people?{AS_OF}")
    expect(page.get_by_role("heading", level=1)).to_have_text("No access yet")
    assert_no_data(page, "no access yet, /people")


def test_an_unverified_email_gets_no_access(page, server, provider):
    sign_in(page, server, provider, UNVERIFIED_CEO["sub"])  # ceo@tiny.test, but email_verified is false
    expect(page.get_by_role("heading", level=1)).to_have_text("No access yet")
    expect(page.locator('[data-testid="stMain"]')).to_contain_text("did not send a verified e-mail address")
    assert_no_data(page, "unverified e-mail")
    full_page_screenshot(page, SCREENSHOTS / "signin_unverified_email.png")


def test_demo_mode_refuses_a_non_local_server_address(page, tiny_warehouse, tmp_path):
    no_auth = tmp_path / "secrets.toml"
    no_auth.write_text("# no [auth]: demo mode\n", encoding="utf-8")
    srv = StreamlitServer(
        tiny_warehouse,
        tmp_path / "streamlit.log",
        address="0.0.0.0",
        extra_args=["--secrets.files", str(no_auth)],
        env={"UPSKILL_ACCESS": str(ACCESS)},
    )
    try:
        for path in ["/", f"/people?{AS_OF}&as=ld@tiny.test"]:
            open_app(page, srv, path)
            refusal = page.locator('[data-testid="stAlertContentError"]')
            expect(refusal).to_contain_text("Demo mode serves only on this computer")
            expect(page.get_by_role("combobox", name="Demo persona")).to_have_count(0)
            assert_no_data(page, f"demo mode on 0.0.0.0, {path}")
            if path == "/":
                full_page_screenshot(page, SCREENSHOTS / "signin_demo_refused.png")
    finally:
        srv.stop()


def assert_demo(page, where: str) -> None:
    expect(page.get_by_role("combobox", name="Demo persona")).to_be_visible()
    expect(page.locator('[data-testid="stAlertContentWarning"]').first).to_contain_text("Demo mode")
    assert problems(page) == [], where


def assert_closed(page, where: str, sentence: str) -> None:
    """One sentence on an error page, no persona picker, no sign-in button and no data."""
    alert = page.locator('[data-testid="stAlertContentError"]')
    expect(alert).to_have_count(1)
    expect(alert).to_have_text(sentence)
    expect(page.get_by_role("combobox", name="Demo persona")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0)
    assert page.locator('[data-testid="stException"]').count() == 0, where
    assert_no_data(page, where)


def test_a_broken_secrets_file_closes_the_dashboard_for_everyone(page, tiny_warehouse, tmp_path):
    # The server's own .streamlit/secrets.toml (in a folder of its own, named with --secrets.files),
    # first with a TOML syntax error: the [auth] its author meant might be anything, so no demo mode.
    secrets_file = tmp_path / "site" / ".streamlit" / "secrets.toml"
    secrets_file.parent.mkdir(parents=True)
    secrets_file.write_text(
        '[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\nclient_id = dashboard\n', encoding="utf-8"
    )
    srv = StreamlitServer(
        tiny_warehouse,
        tmp_path / "streamlit.log",
        extra_args=["--secrets.files", str(secrets_file)],
        env={"UPSKILL_ACCESS": str(ACCESS)},
    )
    try:
        for path in ["/", f"/people?{AS_OF}&as=ld@tiny.test"]:
            open_app(page, srv, path)
            assert_closed(
                page,
                f"broken TOML, {path}",
                "The dashboard is closed: the secrets file secrets.toml is not valid TOML "
                "(Invalid value (at line 3, column 13)).",
            )
            assert str(tmp_path) not in app_text(page) and "Traceback" not in app_text(page)
            if path == "/":
                full_page_screenshot(page, SCREENSHOTS / "signin_secrets_broken.png")
        # Fixed, and without [auth]: demo mode on the next visit (Streamlit reads a file that failed again)
        secrets_file.write_text("# no [auth]: demo mode\n", encoding="utf-8")
        open_app(page, srv, "/")
        assert_demo(page, "secrets fixed, no [auth]")
    finally:
        srv.stop()


@pytest.fixture
def demo_server(tiny_warehouse, tmp_path):
    """The dashboard in demo mode (a secrets file without [auth]) on 127.0.0.1."""
    no_auth = tmp_path / "secrets.toml"
    no_auth.write_text("# no [auth]: demo mode\n", encoding="utf-8")
    srv = StreamlitServer(
        tiny_warehouse,
        tmp_path / "streamlit.log",
        extra_args=["--secrets.files", str(no_auth)],
        env={"UPSKILL_ACCESS": str(ACCESS)},
    )
    yield srv
    srv.stop()


REFUSED_REQUEST = (
    "Demo mode serves only on this computer: open it at localhost, 127.0.0.1 or [::1] directly, not through a "
    "proxy or under another name, or configure sign-in under [auth] in .streamlit/secrets.toml to serve others."
)


def test_demo_mode_serves_only_requests_straight_from_this_computer(browser, demo_server):
    # A second Chromium whose resolver sends evil.example to 127.0.0.1, as DNS rebinding would:
    # the page then reaches the demo server under another site's name (its Host header).
    rebinding = browser.browser_type.launch(
        executable_path=chromium_path(), args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP evil.example 127.0.0.1"]
    )
    port = demo_server.port
    try:
        for url, headers, local in [
            (f"http://127.0.0.1:{port}/", {}, True),
            (f"http://localhost:{port}/?{AS_OF}&as=bob.baker@tiny.test", {}, True),
            (f"http://evil.example:{port}/", {}, False),
            (f"http://127.0.0.1:{port}/people?{AS_OF}", {"X-Forwarded-For": "203.0.113.7"}, False),
            (f"http://localhost:{port}/", {"Forwarded": "for=203.0.113.7;proto=https"}, False),
            (f"http://127.0.0.1:{port}/", {"X-Real-IP": "203.0.113.7"}, False),
        ]:
            context = rebinding.new_context(viewport=VIEWPORT, extra_http_headers=headers)
            context.set_default_timeout(20_000)
            pg = context.new_page()
            try:
                pg.goto(url, wait_until="domcontentloaded")
                wait_for_app(pg, server=demo_server)
                where = f"{url} with {headers}"
                if local:
                    assert_demo(pg, where)
                    if "bob.baker" in url:
                        expect(pg.locator('[data-testid="stSidebar"]')).to_contain_text(
                            "Viewing as Bob Baker, Team lead"
                        )
                else:
                    assert_closed(pg, where, REFUSED_REQUEST)
                    if "evil.example" in url:
                        full_page_screenshot(pg, SCREENSHOTS / "signin_demo_refused_rebinding.png")
            finally:
                context.close()
    finally:
        rebinding.close()


def test_demo_persona_names_are_shown_as_text(page, tmp_path):
    # Alice, a demo lead, under a name made of markdown: a link and a colour directive
    name = "[x](https://evil.example) :red[act now]"
    company = tmp_path / "tiny"
    shutil.copytree(FIXTURES / "tiny", company)
    roster = company / "roster.csv"
    roster.write_text(roster.read_text(encoding="utf-8").replace("Alice Archer", name), encoding="utf-8")
    db = tmp_path / "tiny.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "etl", "--db", str(db), "load", str(company), str(FIXTURES / "tiny_records")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    no_auth = tmp_path / "secrets.toml"
    no_auth.write_text("# no [auth]: demo mode\n", encoding="utf-8")
    srv = StreamlitServer(
        db,
        tmp_path / "streamlit.log",
        extra_args=["--secrets.files", str(no_auth)],
        env={"UPSKILL_ACCESS": str(ACCESS)},
    )
    try:
        open_app(page, srv, "/?as=alice@tiny.test")
        sidebar = page.locator('[data-testid="stSidebar"]')
        expect(sidebar).to_contain_text(f"Viewing as {name}, Team lead")
        assert page.locator('a[href*="evil.example"]').count() == 0
    finally:
        srv.stop()
