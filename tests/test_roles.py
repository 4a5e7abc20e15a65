"""Sign-in, roles and privacy through AppTest: each role sees exactly what it should.

The tiny organisation: Alice (E1) leads everyone; Bob (E2) leads Dan (E4); Eve (E5) leads
nobody. ld@tiny.test is L&D and ceo@tiny.test an executive (tests/fixtures/tiny_access.toml).
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

import queries
import warehouse
from app import auth, ui
from etl.load import load_paths

from .conftest import FIXTURES, TINY, TINY_RECORDS

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
AUTH = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "dashboard",
        "client_secret": "secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
}
NAMES = ["Alice Archer", "Bob Baker", "Carol Chen", "Dan Diaz", "Eve Evans"]


@pytest.fixture
def signed_in(tiny_db, monkeypatch):
    monkeypatch.setenv("UPSKILL_DB", str(tiny_db))
    monkeypatch.setenv("UPSKILL_ACCESS", str(FIXTURES / "tiny_access.toml"))

    def make(email: str | None, page: str | None = None, **params) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        at.secrets = dict(AUTH)
        at.user = {"is_logged_in": email is not None, "email": email} if email else {"is_logged_in": False}
        for k, v in params.items():
            at.query_params[k] = v
        at.run()
        if page:
            at.switch_page(page).run()
        return at

    return make


def everything(at: AppTest) -> str:
    """All text the run shows: markdown, captions, metrics, titles, and every table cell."""
    parts = [
        e.value
        for kind in (at.markdown, at.caption, at.title, at.subheader, at.info, at.warning, at.success)
        for e in kind
    ]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [df.value.to_csv() for df in at.dataframe]
    parts += [str(s.options) for s in at.selectbox]
    return "\n".join(str(p) for p in parts)


def nav_titles(at: AppTest) -> list[str]:
    return [
        p["page_name"]
        for p in at._registered_pages.values()
        if p.get("url_pathname")
        in {"overview", "coverage", "people", "goals", "spend", "data", "get-started", "planner"}
    ]


def test_signed_out_sees_only_the_sign_in_page(signed_in):
    at = signed_in(None)
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert not any(n in everything(at) for n in NAMES)
    assert not at.metric


def test_someone_without_a_role_sees_a_polite_page_and_no_data(signed_in):
    at = signed_in("eve@tiny.test")  # in the roster, but manages nobody
    assert not at.exception
    assert at.title[0].value == "No access yet"
    assert not at.metric and not at.dataframe
    at = signed_in("stranger@elsewhere.test")
    assert at.title[0].value == "No access yet"


def test_lead_sees_their_tree_only(signed_in):
    at = signed_in("bob@tiny.test", as_of="2025-06-30")
    assert not at.exception
    # Bob's e-mail in the roster is Bob.Baker@tiny.test: sign-in e-mails match case-insensitively
    at = signed_in("bob.baker@tiny.test", "views/people_page.py", as_of="2025-06-30")
    assert not at.exception, [e.value for e in at.exception]
    text = everything(at)
    assert "Bob Baker" in text and "Dan Diaz" in text
    assert "Eve Evans" not in text and "Alice Archer" not in text
    assert at.selectbox(key="unit").options == ["Everyone I lead", "Engineering", "Platform"]


def test_lead_cannot_reach_other_teams_through_the_url(signed_in):
    at = signed_in(
        "bob.baker@tiny.test", "views/coverage_page.py", as_of="2025-06-30", unit="Insights", **{"as": "ld@tiny.test"}
    )
    assert not at.exception
    text = everything(at)
    # the link's own text comes back only in the notice, worded as for a unit that does not exist at all
    assert "Eve Evans" not in text and "Insights" not in text.replace("unit=Insights", "").replace("“Insights”", "")
    nowhere = signed_in("bob.baker@tiny.test", "views/coverage_page.py", as_of="2025-06-30", unit="Nowhere")
    notices = [[w.value for w in run.warning if "link" in w.value] for run in (at, nowhere)]
    assert notices[0] == [n.replace("Nowhere", "Insights") for n in notices[1]] and len(notices[0]) == 1
    at = signed_in("bob.baker@tiny.test", "views/coverage_page.py", as_of="2025-06-30")
    at.selectbox(key="drill_team").set_value("Platform").run()
    at.selectbox(key="drill_skill").set_value("Cloud").run()
    people = next(d.value for d in at.dataframe if "full_name" in d.value.columns)
    assert sorted(people["full_name"].to_list()) == ["Bob Baker", "Dan Diaz"]


def refused(at: AppTest, title: str, who: str, role: str) -> None:
    """The page a role may not see says so in one sentence and shows nothing else (no dialog, no data)."""
    assert not at.exception, [e.value for e in at.exception]
    assert [i.value for i in at.info] == [
        f"The {title} page is for {who}; you are signed in as {role}. Choose a page in the sidebar."
    ]
    assert not at.dataframe and not at.get("plotly_chart") and not at.title and not at.metric


def test_lead_has_no_data_or_spend_pages(signed_in):
    """A lead following a link to Data or Spend reads why it is closed, under no "Page not found" dialog."""
    for page, title, who in (
        ("views/data_page.py", "Data", "L&D staff"),
        ("views/spend_page.py", "Training spend", "L&D staff and executives"),
    ):
        at = signed_in("bob.baker@tiny.test", page)
        refused(at, title, who, "a team lead")


def test_a_lead_is_not_their_own_teams_concentration_risk(signed_in, tiny):
    """On 30 Jun 2025 Bob alone holds Python in his tree (Dan is below the level) and Dan alone holds Cloud
    (Bob's lapsed): Bob sees Cloud as a risk, not himself; L&D sees both."""
    from queries import coverage

    as_of = date(2025, 6, 30)
    assert coverage.concentration_risk(tiny, as_of=as_of, root="E2").select("team", "skill").rows() == [
        ("Platform", "Cloud")
    ]
    assert {r[1] for r in coverage.concentration_risk(tiny, as_of=as_of).select("team", "skill").rows()} >= {
        "Cloud",
        "Python",
    }
    at = signed_in("bob.baker@tiny.test", "views/coverage_page.py", as_of="2025-06-30")
    risk = next(d.value for d in at.dataframe if "people_needing_it" in d.value.columns)
    assert risk["skill"].to_list() == ["Cloud"]
    assert any("Skills that only you hold are not listed." in c.value for c in at.caption)


def test_alice_leads_everyone_below_her(signed_in):
    at = signed_in("alice@tiny.test", "views/people_page.py", as_of="2025-06-30")
    everything(at)
    assert at.selectbox(key="people_team").options == ["Insights", "Platform"]


def test_ld_sees_everyone_and_the_data_page(signed_in):
    at = signed_in("ld@tiny.test", "views/data_page.py")
    assert not at.exception
    assert "ghost@tiny.test" in everything(at)


def test_executive_sees_no_names_and_small_groups_suppressed(signed_in):
    for page, title, who in (
        ("views/people_page.py", "People", "L&D staff and team leads"),
        ("views/data_page.py", "Data", "L&D staff"),
    ):
        refused(signed_in("ceo@tiny.test", page), title, who, "an executive")
    for page in ["views/overview_page.py", "views/coverage_page.py", "views/goals_page.py", "views/spend_page.py"]:
        at = signed_in("ceo@tiny.test", page, as_of="2025-06-30")
        assert not at.exception, (page, [e.value for e in at.exception])
        text = everything(at)
        assert not any(n in text for n in NAMES), page
        assert "ghost@tiny.test" not in text
    at = signed_in("ceo@tiny.test", "views/overview_page.py", as_of="2025-06-30")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Readiness"] == "fewer than 5"  # 4 people active on that date
    assert metrics["Active learners"] in ("fewer than 5", "0")
    at = signed_in("ceo@tiny.test", "views/goals_page.py", as_of="2025-06-30")
    assert "fewer than 5" in everything(at)
    assert "50.0%" not in everything(at)


def test_an_executive_sees_the_company_by_department(signed_in):
    """At company scope the executive's heatmap rows are the departments, with no drill-down to names (the
    browser test clicks from a department to its teams on the demo company, whose teams are large enough)."""
    import json

    at = signed_in("ceo@tiny.test", "views/coverage_page.py", as_of="2025-06-30")
    assert not at.exception
    heat = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    assert sorted(heat["y"]) == ["Data", "Engineering"]
    assert not [s for s in at.main.subheader if s.value.startswith("People behind")]
    assert "Rows are departments: click a department's cell to see its teams." in [i.value for i in at.info]


def test_demo_mode_starts_as_ld_and_follows_as(tiny_db, monkeypatch):
    monkeypatch.setenv("UPSKILL_DB", str(tiny_db))
    monkeypatch.setenv("UPSKILL_ACCESS", str(FIXTURES / "tiny_access.toml"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "Demo mode" in at.warning[0].value
    assert at.selectbox(key="as").value == "ld@tiny.test"
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["as"] = "bob.baker@tiny.test"
    at.query_params["as_of"] = "2025-06-30"
    at.run()
    at.switch_page("views/people_page.py").run()
    text = everything(at)
    assert "Dan Diaz" in text and "Eve Evans" not in text


def test_demo_mode_refuses_a_non_local_address(tiny_db, monkeypatch):
    from streamlit import config

    monkeypatch.setenv("UPSKILL_DB", str(tiny_db))
    old = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    try:
        at = AppTest.from_file(APP, default_timeout=60).run()
    finally:
        config.set_option("server.address", old)
    assert not at.exception
    assert "Demo mode serves only on this computer" in at.error[0].value
    assert not at.metric


def test_complementary_suppression_protects_a_single_small_cell():
    frame = pl.DataFrame(
        {
            "team": ["A", "A", "B", "B"],
            "skill": ["x", "y", "x", "y"],
            "required_headcount": [3, 10, 12, 9],
            "covered_headcount": [1, 5, 6, 3],
            "coverage": [1 / 3, 0.5, 0.5, 1 / 3],
            "department": ["D"] * 4,
            "category": ["c"] * 4,
        }
    )
    out = queries.get("coverage_matrix").for_executive(frame)
    hidden = dict(zip(zip(out["team"], out["skill"], strict=False), out["suppressed"], strict=False))
    # A/x is small (3 people); A/y (same row) and B/x (same column) are suppressed with it, then B/y
    # would be the only cell left visible in its row and column, so the rows stay safe when totals are known
    assert hidden[("A", "x")] and hidden[("A", "y")] and hidden[("B", "x")]
    assert out.filter(pl.col("suppressed"))["coverage"].null_count() == out["suppressed"].sum()
    assert queries.get("active_learners").for_executive(pl.DataFrame({"as_of": [1, 2], "active_learners": [3, 12]}))[
        "active_learners"
    ].to_list() == [None, 12]


def test_lead_sees_no_budget_and_counts_hide_small_goals(signed_in):
    at = signed_in("bob.baker@tiny.test", as_of="2025-06-30")
    assert "Spend vs budget" not in [m.label for m in at.metric]
    at = signed_in("ceo@tiny.test", as_of="2025-06-30")
    assert {m.label: m.value for m in at.metric}["Goals on course"] == "0 of 0"  # both goals cover < 5 people


def test_page_headers_name_the_viewers_scope(signed_in):
    lead = signed_in("bob.baker@tiny.test", "views/coverage_page.py", as_of="2025-06-30")
    assert lead.caption[0].value.startswith("As of 30 Jun 2025 · everyone you lead · ")
    ld = signed_in("ld@tiny.test", "views/coverage_page.py", as_of="2025-06-30")
    assert ld.caption[0].value.startswith("As of 30 Jun 2025 · whole company · ")


def test_a_leads_own_link_to_everyone_they_lead_shows_no_notice(signed_in):
    at = signed_in("bob.baker@tiny.test", "views/coverage_page.py", as_of="2025-06-30", unit="Everyone I lead")
    assert not any("could not be shown as sent" in w.value for w in at.warning)
    at = signed_in("bob.baker@tiny.test", "views/coverage_page.py", as_of="2025-06-30", unit="Nowhere")
    assert [w.value for w in at.warning if "could not be shown" in w.value] == [
        ui.plain(
            "This link could not be shown as sent: the org unit “Nowhere” is not one you can see (it may have been "
            "renamed); showing everyone I lead."
        )
    ]


# --- Sign-in settings fail closed; demo mode only for this computer -------------------------------

SIGN_IN_KEYS = ["redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url"]


@pytest.fixture
def run_with(tiny_db, monkeypatch):
    """The dashboard through AppTest with these secrets (none: no secrets at all) and query parameters."""
    monkeypatch.setenv("UPSKILL_DB", str(tiny_db))
    monkeypatch.setenv("UPSKILL_ACCESS", str(FIXTURES / "tiny_access.toml"))

    def make(secrets: dict | None = None, **params) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        if secrets is not None:
            at.secrets = secrets
        at.user = {"is_logged_in": False}
        for k, v in params.items():
            at.query_params[k] = v
        return at.run()

    return make


def assert_closed(at: AppTest, sentence: str) -> None:
    """The run stopped with that one sentence: no demo, no sign-in button, no data."""
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == [ui.plain(sentence)]
    assert not any("Demo mode" in w.value for w in at.warning)
    assert not at.selectbox and not at.button and not at.metric and not at.dataframe
    assert not any(n in everything(at) for n in NAMES)


@pytest.mark.parametrize("key", SIGN_IN_KEYS)
def test_an_auth_section_missing_a_key_closes_the_dashboard(run_with, key):
    auth = {k: v for k, v in AUTH["auth"].items() if k != key}
    assert_closed(
        run_with({"auth": auth}),
        f"The dashboard is closed: sign-in is configured in the secrets file, but [auth] lacks {key}.",
    )
    # an empty value is as good as none
    assert_closed(
        run_with({"auth": {**AUTH["auth"], key: " "}}),
        f"The dashboard is closed: sign-in is configured in the secrets file, but [auth] lacks {key}.",
    )


def test_an_auth_section_without_any_provider_or_with_a_broken_one_closes_the_dashboard(run_with):
    general = {"redirect_uri": AUTH["auth"]["redirect_uri"], "cookie_secret": "x" * 32}
    lacks = "client_id, client_secret and server_metadata_url"
    assert_closed(
        run_with({"auth": general}),
        f"The dashboard is closed: sign-in is configured in the secrets file, but [auth] lacks {lacks}.",
    )
    assert_closed(
        run_with({"auth": {"cookie_secret": "x" * 32, "google": {"client_id": "dashboard"}}}),
        "The dashboard is closed: sign-in is configured in the secrets file, but [auth] lacks redirect_uri; "
        "[auth.google] lacks client_secret and server_metadata_url.",
    )
    assert_closed(
        run_with({"auth": "yes"}),
        "The dashboard is closed: auth in the secrets file is a value, not an [auth] section.",
    )
    # named providers, each complete: one sign-in button each
    provider = {k: AUTH["auth"][k] for k in ("client_id", "client_secret", "server_metadata_url")}
    at = run_with({"auth": {**general, "entra": provider, "google": provider, "client_kwargs": {"prompt": "login"}}})
    assert not at.exception and not at.error
    assert [b.label for b in at.button] == ["Sign in with Entra", "Sign in with Google"]


def test_secrets_without_an_auth_section_are_demo_mode(run_with):
    at = run_with({"database": {"url": "duckdb:///x"}})
    assert not at.exception and not at.error
    assert "Demo mode" in at.warning[0].value
    assert at.selectbox(key="as").value == "ld@tiny.test"


@pytest.mark.parametrize(
    "asked", ["stranger@elsewhere.test", "Eve@tiny.test", "[Sign in again](https://evil.example) www.evil.example"]
)
def test_demo_as_someone_without_a_role_shows_no_access(run_with, asked):
    # a stranger; Eve, in the roster but leading nobody; and a crafted link, whose words stay off the page
    at = run_with(**{"as": asked, "as_of": "2025-06-30"})
    assert not at.exception
    assert at.title[0].value == "No access yet"
    assert "`?as=` is not L&D staff, an executive or someone who leads a team" in at.markdown[0].value
    assert asked.lower() not in everything(at).lower() and "evil" not in everything(at)
    assert not at.metric and not at.dataframe and not at.selectbox
    assert not any(n in everything(at) for n in NAMES)
    for page in ("views/people_page.py", "views/overview_page.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)


def test_demo_persona_names_are_shown_as_text(tmp_path, monkeypatch):
    # Alice, a demo lead, under a name made of markdown: a link and a colour directive
    name = "[x](https://evil.example) :red[act now]"
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    roster = folder / "roster.csv"
    roster.write_text(roster.read_text(encoding="utf-8").replace("Alice Archer", name), encoding="utf-8")
    db = tmp_path / "tiny.duckdb"
    con = warehouse.connect(db)
    assert all(s.status == "loaded" for s in load_paths(con, [folder, TINY_RECORDS]))
    con.close()
    monkeypatch.setenv("UPSKILL_DB", str(db))
    monkeypatch.setenv("UPSKILL_ACCESS", str(FIXTURES / "tiny_access.toml"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["as"] = "alice@tiny.test"
    at.run()
    assert not at.exception
    assert at.selectbox(key="as").value == "alice@tiny.test"
    # st.text, never Markdown: escaped Markdown would still link the bare URL (GitHub-flavoured autolinks)
    assert [t.value for t in at.sidebar.text] == [f"Viewing as {name}, Team lead"]
    assert not any("evil" in e.value for kind in (at.sidebar.markdown, at.sidebar.caption) for e in kind)


@pytest.mark.parametrize(
    ("headers", "local"),
    [
        ([("Host", "localhost:8501")], True),
        ([("host", "127.0.0.1")], True),
        ([("Host", "[::1]:8501"), ("Origin", "http://[::1]:8501")], True),
        ([("Host", "LOCALHOST")], True),
        ([], False),  # no Host at all
        ([("Host", "evil.example:8501")], False),  # DNS rebinding: another name pointed at this computer
        ([("Host", "localhost.evil.example")], False),
        ([("Host", "127.0.0.1.nip.io:8501")], False),
        ([("Host", "10.0.0.5:8501")], False),
        ([("Host", "localhost:8501"), ("Host", "evil.example")], False),
        ([("Host", "localhost:8501"), ("X-Forwarded-For", "203.0.113.7")], False),  # a proxy on this computer
        ([("Host", "localhost:8501"), ("Forwarded", "for=203.0.113.7")], False),
        ([("Host", "localhost:8501"), ("x-real-ip", "203.0.113.7")], False),
        ([("Host", "localhost:8501"), ("X-Forwarded-For", "")], False),
    ],
)
def test_only_a_request_straight_from_this_computer_is_local(headers, local):
    assert auth.request_is_local(headers) is local


@pytest.mark.parametrize(
    ("content", "sentence"),
    [
        (
            b'[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\nclient_id = dashboard\n',
            "The dashboard is closed: the secrets file secrets.toml is not valid TOML "
            "(Invalid value (at line 3, column 13)).",
        ),
        (
            b"[auth\n",
            "The dashboard is closed: the secrets file secrets.toml is not valid TOML "
            "(Expected ']' at the end of a table declaration (at line 1, column 6)).",
        ),
        (b'[auth]\ncookie_secret = "\xff\xfe"\n', "The dashboard is closed: a secrets file is not UTF-8 text."),
    ],
    ids=["syntax error", "unclosed table", "not UTF-8"],
)
def test_a_secrets_file_that_cannot_be_read_closes_the_dashboard(run_with, tmp_path, content, sentence):
    from streamlit import config

    secrets_file = tmp_path / ".streamlit" / "secrets.toml"
    secrets_file.parent.mkdir()
    secrets_file.write_bytes(content)
    old = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(secrets_file)])
    try:
        at = run_with()  # Streamlit's own secrets, read from that file on each run until one parses
    finally:
        config.set_option("secrets.files", old)
    assert_closed(at, sentence)  # one sentence naming the file, not its folder; no demo and no data


def test_a_look_alike_address_signs_in_as_nobody(signed_in):
    """U+212A KELVIN SIGN lower-cases to 'k': 'bob.ba\u212aer@' must not pass for Bob (a lead) nor for L&D."""
    at = signed_in("bob.ba\u212aer@tiny.test")
    assert not at.exception
    assert at.title[0].value == "No access yet"
    assert not at.metric and not at.dataframe
    assert signed_in("bob.baker@tiny.test").title[0].value != "No access yet"  # the plain address still leads
