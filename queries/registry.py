"""Who may run each page query, and how its small groups are hidden: declared next to the query.

Every page query is a plain function of a read connection, registered here with the
``@query`` decorator. The declaration is the whole privacy rule of that query:

- ``audience``: who may call it (``Audience``). The data door (``app.data``) refuses a
  name that is not registered, and a viewer outside the audience, with one sentence.
- ``small_groups``: for queries executives may run, how groups of fewer than
  ``MIN_GROUP`` people are hidden from them (a function of the result, from
  ``queries.suppression``), or ``NO_PEOPLE_COUNTS`` for results that count nobody.
  A query executives may run that says neither is refused at import time: nothing
  falls through unfiltered because someone forgot to list it.

A query that takes ``root`` is scoped: the door forces a team lead's own reporting
tree into it, whatever the page or the URL asked for.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import polars as pl


class Audience(Enum):
    """Who may run a query. The value is how ``python -m queries list`` names it."""

    SIGN_IN = "sign-in (before a viewer is known)"
    EVERYONE = "everyone in scope"
    NAMED = "named people: L&D and leads"
    MONEY = "money: L&D and executives"
    LD_ONLY = "L&D only"


#: The roles of each audience (PRODUCT.md: 'ld' L&D staff, 'lead' team leads, 'exec' executives).
ROLES: dict[Audience, frozenset[str]] = {
    Audience.SIGN_IN: frozenset({"ld", "lead", "exec"}),
    Audience.EVERYONE: frozenset({"ld", "lead", "exec"}),
    Audience.NAMED: frozenset({"ld", "lead"}),
    Audience.MONEY: frozenset({"ld", "exec"}),
    Audience.LD_ONLY: frozenset({"ld"}),
}

SIGN_IN_FIRST = "Sign in to see the dashboard."
#: What a viewer outside the audience is told.
REFUSALS: dict[Audience, str] = {
    Audience.SIGN_IN: SIGN_IN_FIRST,
    Audience.EVERYONE: SIGN_IN_FIRST,
    Audience.NAMED: "Executives see aggregates only, never individual people.",
    Audience.MONEY: "Budgets and spend are for L&D staff and executives.",
    Audience.LD_ONLY: "Import history and rejected rows are for L&D staff only.",
}


class Forbidden(Exception):
    """The viewer may not see this; the message says why in one sentence."""


def NO_PEOPLE_COUNTS(frame: pl.DataFrame) -> pl.DataFrame:
    """The result counts no people (reference lists, dates, categories): nothing to hide."""
    return frame


@dataclass(frozen=True)
class Query:
    name: str
    function: Callable
    audience: Audience
    small_groups: Callable[[pl.DataFrame], pl.DataFrame] | None
    page: str

    @property
    def scoped(self) -> bool:
        """Takes the viewer's reporting tree (``root``), which the door forces for team leads."""
        return "root" in inspect.signature(self.function).parameters

    def allows(self, role: str | None) -> bool:
        if role is None:
            return self.audience is Audience.SIGN_IN
        return role in ROLES[self.audience]

    def check(self, role: str | None) -> None:
        if not self.allows(role):
            raise Forbidden(SIGN_IN_FIRST if role is None else REFUSALS[self.audience])

    def for_executive(self, frame: pl.DataFrame) -> pl.DataFrame:
        if self.audience is Audience.SIGN_IN:  # who is signing in: not data shown on a page
            return frame
        if self.small_groups is None:  # @query refuses this for queries executives may run
            raise Forbidden(REFUSALS[Audience.NAMED])
        return self.small_groups(frame)


REGISTRY: dict[str, Query] = {}


def query(audience: Audience, *, small_groups: Callable[[pl.DataFrame], pl.DataFrame] | None = None):
    """Register a page query with its audience and (when executives may run it) its small-group rule."""

    def register(function: Callable) -> Callable:
        name = function.__name__
        if name in REGISTRY:
            raise ValueError(f"Two page queries are called {name}.")
        if "exec" in ROLES[audience] and audience is not Audience.SIGN_IN and small_groups is None:
            raise ValueError(
                f"The query {name} is open to executives but declares no small-group rule "
                "(small_groups=..., or NO_PEOPLE_COUNTS when it counts nobody)."
            )
        page = function.__module__.rsplit(".", 1)[-1]
        REGISTRY[name] = Query(name, function, audience, small_groups, page)
        return function

    return register


def get(name: str) -> Query:
    """The registered query of that name; an unregistered one is refused."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise Forbidden(f"No page query is called {name}.") from None
