"""Who is looking, and what they may see.

- Real sign-in: Streamlit's OpenID Connect support (`st.login`, `st.user`, `st.logout`)
  when `[auth]` is configured in `.streamlit/secrets.toml`. The provider's `email` claim
  says who is looking (an address the provider marks unverified counts as none).
- Roles: L&D staff and executives are listed by e-mail in an access file (path from
  `UPSKILL_ACCESS`, default `config/access.toml`); anyone who manages people in the
  roster leads their whole reporting tree. Anyone else sees no data.
- Demo mode, when no `[auth]` is configured: local evaluation only. It refuses any
  server address but the loopback, shows a banner, and lets the evaluator pick a
  persona (sidebar, or `?as=<email>` in the URL). It starts as an L&D persona.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from app import data, ui
from app.session import Viewer
from warehouse import CONFIG_DIR

LOCAL_ADDRESSES = {"localhost", "127.0.0.1", "::1", "[::1]"}
DEMO_LD = Viewer(email="ld-demo@localhost", name="L&D (demo persona)", role="ld")


@dataclass(frozen=True)
class Access:
    ld: frozenset[str]
    executives: frozenset[str]


def access_file() -> Path:
    return Path(os.environ.get("UPSKILL_ACCESS") or CONFIG_DIR / "access.toml")


def load_access(path: Path | None = None) -> Access:
    """The L&D and executive lists (e-mails compared trimmed and lower-cased)."""
    path = path or access_file()
    if not path.exists():
        return Access(frozenset(), frozenset())
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"The access file {path.name} is not valid TOML ({exc}).") from exc

    def emails(key: str) -> frozenset[str]:
        values = doc.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ValueError(f"In the access file {path.name}, '{key}' must be a list of e-mail addresses.")
        return frozenset(v.strip().lower() for v in values if v.strip())

    return Access(emails("ld"), emails("executives"))


def auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False
    except Exception:  # a secrets file that cannot be parsed is not a configuration
        return False


def viewer_for(email: str | None, access: Access) -> Viewer | None:
    """The role of a signed-in e-mail: L&D, executive, team lead (manages people), or none."""
    if not email:
        return None
    key = email.strip().lower()
    person = data.q("person_by_email", email=key) if data.exists() else None
    name = person["full_name"][0] if person is not None and person.height else email
    employee_id = person["employee_id"][0] if person is not None and person.height else None
    if key in access.ld:
        return Viewer(email=key, name=name, role="ld", employee_id=employee_id)
    if key in access.executives:
        return Viewer(email=key, name=name, role="exec", employee_id=employee_id)
    if person is not None and person.height and person["reports"][0] > 0:
        return Viewer(email=key, name=name, role="lead", employee_id=employee_id)
    return None


def server_is_local() -> bool:
    address = st.get_option("server.address")
    return (address or "").strip() in LOCAL_ADDRESSES


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
        if found:
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
        st.caption(f"Viewing as {viewer.name}, {ROLE_LABELS[viewer.role]}")
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
    if not auth_configured():
        if not server_is_local():
            _stop_page()
            st.error(
                "Demo mode serves only on this computer (server address localhost or 127.0.0.1). "
                "Configure sign-in under [auth] in .streamlit/secrets.toml to serve others."
            )
            st.stop()
        st.warning(
            "Demo mode: no sign-in is configured. For local evaluation only; pick a persona in the sidebar.",
            icon=":material/science:",
        )
        return demo_viewer(access)
    if not st.user.is_logged_in:
        _stop_page()
        st.title("Upskilling dashboard")
        st.write("Sign in with your company account to see your teams' skills, training spend and goals.")
        providers = _providers()
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
        _stop_page()
        st.title("No access yet")
        if email:
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
    return viewer


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


def _providers() -> list[str | None]:
    """The providers to offer: the default one ([auth] holds client_id), else each [auth.<name>] section."""
    section = st.secrets["auth"]
    if "client_id" in section:
        return [None]
    named = [
        k
        for k, v in section.items()
        if (isinstance(v, dict) or hasattr(v, "keys"))
        and k != "client_kwargs"
        and any(key in v for key in ("client_id", "server_metadata_url"))
    ]
    return named or [None]


def _provider() -> str | None:
    """The provider of the first sign-in button (the default one, or the first named section)."""
    return _providers()[0]
