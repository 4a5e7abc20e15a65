"""Who is looking, and what they may see.

- Real sign-in: Streamlit's OpenID Connect support (`st.login`, `st.user`, `st.logout`)
  when `[auth]` is configured in `.streamlit/secrets.toml`. The provider's `email` claim
  says who is looking (an address the provider marks unverified counts as none).
- Roles: L&D staff and executives are listed by e-mail in an access file (path from
  `UPSKILL_ACCESS`, default `config/access.toml`); anyone who manages people in the
  roster leads their whole reporting tree. Anyone else sees no data.
- Demo mode, when no secrets file or no `[auth]` section exists: local evaluation only.
  It refuses any server address but the loopback, and any request whose Host is not
  localhost, 127.0.0.1 or [::1] or that carries a forwarding header (a proxy on the same
  computer, or DNS rebinding, must not reach it); it shows a banner and lets the
  evaluator pick a persona (sidebar, or `?as=<email>` in the URL). It starts as an L&D
  persona; `?as=` for someone without a role shows the no-access page.
- Fail closed: a secrets file that cannot be read or parsed, or an `[auth]` section
  that lacks what sign-in needs, stops the app for everyone with one sentence naming
  the problem; it never falls back to demo mode.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NoReturn

import streamlit as st
from streamlit import config

from app import data, ui
from app.session import Viewer
from common.identity import identity_key
from queries.access import Access, load_access, role_of

LOCAL_ADDRESSES = {"localhost", "127.0.0.1", "::1", "[::1]"}
#: A Host header naming this computer: localhost, 127.0.0.1 or [::1], with any port.
LOCAL_HOST = re.compile(r"(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?", re.IGNORECASE)
#: Headers a proxy adds: a request carrying any of them did not come straight from this computer's browser.
FORWARDING_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")
#: What sign-in needs: in [auth] itself, and for each provider (in [auth], or in each [auth.<name>]).
AUTH_KEYS = ("redirect_uri", "cookie_secret")
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
DEMO_LD = Viewer(email="ld-demo@localhost", name="L&D (demo persona)", role="ld")


class SecretsError(ValueError):
    """The secrets cannot be used: one sentence for everyone, naming no path on the server."""


def sign_in_settings() -> dict | None:
    """The `[auth]` section of the secrets, or None when there is none (demo mode).

    No secrets file at all, or one without `[auth]`, is demo mode. Anything else that is
    wrong raises `SecretsError` instead of falling back to demo mode: a secrets file that
    cannot be read or parsed (it may hold the `[auth]` its author meant), an `[auth]`
    that is not a table, or one that lacks a key sign-in needs (`redirect_uri`,
    `cookie_secret`, and `client_id`, `client_secret`, `server_metadata_url` for each
    provider).
    """
    try:
        secrets = st.secrets.to_dict()
    except FileNotFoundError as exc:  # Streamlit's StreamlitSecretNotFoundError: no file at all, or one unloadable
        if getattr(exc, "error_id", None) == "no-secrets-found":  # no file at all (any other id: a broken one)
            return None
        raise SecretsError(_unreadable(exc)) from exc
    except Exception as exc:  # e.g. a file that is not UTF-8, or that the server may not read
        raise SecretsError(_unreadable(exc)) from exc
    if "auth" not in secrets:
        return None
    auth = secrets["auth"]
    if not isinstance(auth, Mapping):
        raise SecretsError("The dashboard is closed: auth in the secrets file is a value, not an [auth] section.")
    missing = [("[auth]", key) for key in AUTH_KEYS if not _filled(auth.get(key))]
    for name, section in _provider_sections(auth):
        missing += [(name, key) for key in PROVIDER_KEYS if not _filled(section.get(key))]
    if missing:
        where = {}
        for name, key in missing:
            where.setdefault(name, []).append(key)
        lacks = "; ".join(f"{name} lacks {_and(keys)}" for name, keys in where.items())
        raise SecretsError(f"The dashboard is closed: sign-in is configured in the secrets file, but {lacks}.")
    return auth


def _provider_sections(auth: Mapping) -> list[tuple[str, Mapping]]:
    """Each provider sign-in offers: the default one when `[auth]` holds any provider key, else
    each `[auth.<name>]` table (`client_kwargs` is not a provider); none at all counts as the default."""
    if any(key in auth for key in PROVIDER_KEYS):
        return [("[auth]", auth)]
    named = [(f"[auth.{k}]", v) for k, v in auth.items() if isinstance(v, Mapping) and k != "client_kwargs"]
    return named or [("[auth]", auth)]


def _filled(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _unreadable(exc: BaseException) -> str:
    """What is wrong with the secrets, in one sentence: a file's name, never its folder."""
    if isinstance(exc.__cause__, tomllib.TOMLDecodeError):
        path = getattr(exc, "exec_kwargs", {}).get("path")
        name = f" {Path(str(path)).name}" if path else ""
        return f"The dashboard is closed: the secrets file{name} is not valid TOML ({exc.__cause__})."
    if isinstance(exc, UnicodeDecodeError):
        return "The dashboard is closed: a secrets file is not UTF-8 text."
    return "The dashboard is closed: the secrets could not be read (a secrets file or folder is not as expected)."


def viewer_for(email: str | None, access: Access) -> Viewer | None:
    """The role of a signed-in e-mail: L&D, executive, team lead (manages people), or none."""
    key = identity_key(email) if email else None
    if not key:  # nobody, or an address written with look-alike characters (U+212A for 'K'): it matches no one
        return None
    person = data.q("person_by_email", email=key) if data.exists() else None
    name = person["full_name"][0] if person is not None and person.height else email
    employee_id = person["employee_id"][0] if person is not None and person.height else None
    role = role_of(key, person, access)
    return Viewer(email=key, name=name, role=role, employee_id=employee_id) if role else None


def server_is_local() -> bool:
    address = st.get_option("server.address")
    return (address or "").strip() in LOCAL_ADDRESSES


def request_is_local(headers: Iterable[tuple[str, str]]) -> bool:
    """Whether a request came straight from a browser on this computer: exactly one Host header,
    naming localhost, 127.0.0.1 or [::1] (any port), and none of the headers a proxy adds.

    A proxy on the same computer forwards from the loopback too, and DNS rebinding sends a
    page of another site's name to it: the Host and the forwarding headers tell them apart.
    """
    pairs = [(name.strip().lower(), value) for name, value in headers]
    hosts = [value.strip() for name, value in pairs if name == "host"]
    if len(hosts) != 1 or not LOCAL_HOST.fullmatch(hosts[0]):
        return False
    return not any(name in FORWARDING_HEADERS for name, _ in pairs)


def _request_headers() -> list[tuple[str, str]] | None:
    """The headers of the request this run answers (the websocket's), or None under AppTest,
    which runs the script in the test's own process without any request (it sets
    `global.appTest` for its runs, through `streamlit.config`, as Streamlit's own code reads it)."""
    if config.get_option("global.appTest"):
        return None
    headers = st.context.headers
    return [(name, value) for name in headers for value in headers.get_all(name)]


def personas(access: Access) -> list[Viewer]:
    """Demo personas: the access file's people, then the roster's top managers as leads."""
    out = [viewer_for(e, access) for e in sorted(access.ld)] + [
        viewer_for(e, access) for e in sorted(access.executives)
    ]
    out = [v for v in out if v] or [DEMO_LD]
    if data.exists():
        for row in data.q("demo_leads").iter_rows(named=True):
            if row["email"] and row["email"].lower() not in {v.email for v in out}:
                out.append(
                    Viewer(
                        email=row["email"].lower(), name=row["full_name"], role="lead", employee_id=row["employee_id"]
                    )
                )
    return out


ROLE_LABELS = {"ld": "L&D", "exec": "Executive", "lead": "Team lead"}


def demo_viewer(access: Access) -> Viewer:
    """The persona picked in the sidebar (or by ?as=); starts as the first L&D persona."""
    people = personas(access)
    by_email = {v.email: v for v in people}
    asked = (st.query_params.get("as") or "").strip().lower()
    if asked and asked not in by_email:
        found = viewer_for(asked, access)
        if found is None:  # not the default persona: what signing in as them would show
            _no_access(asked, demo=True)
        by_email[asked] = found
        people.append(found)
    with st.sidebar:
        email = st.selectbox(
            "Demo persona",
            list(by_email),
            key="as",
            bind="query-params",
            help="Demo mode: pick whose view to see (also ?as=<e-mail> in the URL). "
            "With sign-in configured, this picker does not exist.",
        )
        viewer = by_email.get(email) or people[0]
        # st.text, not markdown: escaping alone would still let a URL or an address in a roster
        # name become a link (GitHub-flavoured markdown links bare URLs and e-mails)
        st.text(f"Viewing as {viewer.name}, {ROLE_LABELS[viewer.role]}")
    return viewer


def signed_in_email() -> str | None:
    """The e-mail address the identity provider vouches for, or None.

    Only the `email` claim counts (never the subject or a display name), and not when the
    provider says outright that it did not verify it (`email_verified` false): anyone could
    otherwise register an unverified account under someone else's address.
    """
    email = st.user.get("email")
    if not isinstance(email, str) or not email.strip():
        return None
    if st.user.get("email_verified") in (False, "false", "False"):
        return None
    return email.strip()


def current_viewer() -> Viewer | None:
    """Resolve who is looking; stops the run with the right page when nobody may see data."""
    try:
        access = load_access()
    except ValueError as exc:
        _stop_page()
        st.error(str(exc))
        st.stop()
    try:
        auth = sign_in_settings()
    except SecretsError as exc:
        _stop_page()
        st.error(ui.plain(exc))
        st.stop()
    if auth is None:
        return _demo(access)
    if not st.user.is_logged_in:
        _stop_page()
        st.title("Upskilling dashboard")
        st.write("Sign in with your company account to see your teams' skills, training spend and goals.")
        providers = _providers(auth)
        for provider in providers:
            label = "Sign in" if len(providers) == 1 else f"Sign in with {provider[:1].upper()}{provider[1:]}"
            # A callback, not `if st.button(...)`: it acts on the click even when the
            # button's identity changed between runs (see _stop_page).
            st.button(
                label,
                icon=":material/login:",
                type="primary",
                key=f"sign_in_{provider or 'default'}",
                on_click=st.login,
                args=(provider,),
            )
        st.stop()
    email = signed_in_email()
    viewer = viewer_for(email, access)
    with st.sidebar:
        st.caption(f"Signed in as {ui.plain(email)}" if email else "Signed in")
        st.button("Sign out", icon=":material/logout:", key="sign_out", on_click=st.logout)
    if viewer is None:
        _no_access(email)
    return viewer


def _demo(access: Access) -> Viewer:
    """Demo mode: only for a browser on this computer, straight to a loopback server address."""
    if not server_is_local():
        _stop_page()
        st.error(
            "Demo mode serves only on this computer (server address localhost or 127.0.0.1); "
            "configure sign-in under [auth] in .streamlit/secrets.toml to serve others."
        )
        st.stop()
    headers = _request_headers()
    if headers is not None and not request_is_local(headers):
        _stop_page()
        st.error(
            "Demo mode serves only on this computer: open it at localhost, 127.0.0.1 or [::1] directly, "
            "not through a proxy or under another name, or configure sign-in under [auth] in "
            ".streamlit/secrets.toml to serve others."
        )
        st.stop()
    st.warning(
        "Demo mode: no sign-in is configured. For local evaluation only; pick a persona in the sidebar.",
        icon=":material/science:",
    )
    return demo_viewer(access)


def _no_access(email: str | None, demo: bool = False) -> NoReturn:
    """The page for someone without a role (signed in, or a demo `?as=`): no data; stops the run."""
    _stop_page()
    st.title("No access yet")
    if demo:  # the link's own ?as= is not echoed: a crafted link must not put its words on this page
        st.write(
            "In this demo, the person in the link's `?as=` is not L&D staff, an executive or someone who leads "
            "a team, so they would see no data. Remove `?as=` from the address to pick a persona."
        )
    elif email:
        st.write(
            f"You are signed in as **{ui.plain(email)}**, but this dashboard shows data only to "
            "L&D staff, executives and people who lead a team. If you should have access, ask your "
            "L&D team to add you."
        )
    else:
        st.write(
            "You are signed in, but your sign-in provider did not send a verified e-mail address, and "
            "this dashboard finds people by their work e-mail. Ask your IT team to release the `email` "
            "claim to this application."
        )
    st.stop()


def _stop_page() -> None:
    """Declare a navigation for a run that stops before the dashboard's own (hidden: nothing to navigate).

    Every run then declares a navigation, so widgets drawn before the dashboard's own
    (the sign-out button) keep their identity from one run to the next.
    """
    st.navigation(
        [st.Page(_nothing, title="Upskilling dashboard", url_path="welcome", default=True)], position="hidden"
    )


def _nothing() -> None:
    """The body of the stop pages' navigation entry: their content is drawn around it."""


def _providers(auth: Mapping) -> list[str | None]:
    """The providers to offer: the default one ([auth] holds the provider keys), else each [auth.<name>]."""
    named = [name[len("[auth.") : -1] for name, _ in _provider_sections(auth) if name != "[auth]"]
    return named or [None]
