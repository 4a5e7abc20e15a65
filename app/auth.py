"""Who is looking, and what they may see.

- Real sign-in: Streamlit's OpenID Connect support (`st.login`, `st.user`, `st.logout`)
  when `[auth]` is configured in `.streamlit/secrets.toml`.
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

from app import data
from app.context import Viewer
from etl.warehouse import ROOT

LOCAL_ADDRESSES = {"localhost", "127.0.0.1", "::1", "[::1]"}
DEMO_LD = Viewer(email="ld-demo@localhost", name="L&D (demo persona)", role="ld")


@dataclass(frozen=True)
class Access:
    ld: frozenset[str]
    executives: frozenset[str]


def access_file() -> Path:
    return Path(os.environ.get("UPSKILL_ACCESS") or ROOT / "config" / "access.toml")


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
    out = [viewer_for(e, access) for e in sorted(access.ld)] + [viewer_for(e, access) for e in sorted(access.executives)]
    out = [v for v in out if v] or [DEMO_LD]
    if data.exists():
        for row in data.q("demo_leads").iter_rows(named=True):
            if row["email"] and row["email"].lower() not in {v.email for v in out}:
                out.append(Viewer(email=row["email"].lower(), name=row["full_name"], role="lead",
                                  employee_id=row["employee_id"]))
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
        email = st.selectbox("Demo persona", list(by_email), key="as", bind="query-params",
                             help="Demo mode: pick whose view to see (also ?as=<e-mail> in the URL). "
                                  "With sign-in configured, this picker does not exist.")
        viewer = by_email.get(email) or people[0]
        st.caption(f"Viewing as {viewer.name}, {ROLE_LABELS[viewer.role]}")
    return viewer


def current_viewer() -> Viewer | None:
    """Resolve who is looking; stops the run with the right page when nobody may see data."""
    try:
        access = load_access()
    except ValueError as exc:
        st.error(str(exc))
        st.stop()
    if not auth_configured():
        if not server_is_local():
            st.error("Demo mode serves only on this computer (server address localhost or 127.0.0.1). "
                     "Configure sign-in under [auth] in .streamlit/secrets.toml to serve others.")
            st.stop()
        st.warning("Demo mode: no sign-in is configured. For local evaluation only; pick a persona in the sidebar.",
                   icon=":material/science:")
        return demo_viewer(access)
    if not st.user.is_logged_in:
        st.title("Upskilling dashboard")
        st.write("Sign in with your company account to see your teams' skills, training spend and goals.")
        if st.button("Sign in", icon=":material/login:", type="primary"):
            st.login(_provider())
        st.stop()
    viewer = viewer_for(st.user.get("email"), access)
    with st.sidebar:
        st.caption(f"Signed in as {st.user.get('email')}")
        if st.button("Sign out", icon=":material/logout:"):
            st.logout()
    if viewer is None:
        st.title("No access yet")
        st.write(f"You are signed in as **{st.user.get('email')}**, but this dashboard shows data only to "
                 "L&D staff, executives and people who lead a team. If you should have access, ask your "
                 "L&D team to add you.")
        st.stop()
    return viewer


def _provider() -> str | None:
    """The named provider when [auth] has exactly one sub-section (e.g. [auth.okta]), else the default."""
    named = [k for k, v in st.secrets["auth"].items() if isinstance(v, dict) or hasattr(v, "keys")]
    return named[0] if len(named) == 1 and "client_id" not in st.secrets["auth"] else None
