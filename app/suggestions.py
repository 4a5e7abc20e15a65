"""Reviewing skill suggestions on the Data page: L&D accept or reject them one by one.

Reading goes through the data door (the L&D-only page query ``skill_suggestions``). Accepting
and rejecting write the warehouse file like every change L&D make on the page (app.writes):
one transaction (etl.suggest), then a published snapshot, so every page sees the change at its
next run. Only L&D may write; whatever goes
wrong, the page shows one sentence, never a traceback or a path.
"""

from __future__ import annotations

import polars as pl

from app import data, writes
from etl import suggest

ONLY_LD = "Only L&D staff may accept or reject skill suggestions."

#: Untagged courses the page shows for review at once (the command line lists them all).
SHOWN = 25


def pending() -> tuple[pl.DataFrame, str | None]:
    """The suggestions to review (etl.suggest.suggestions), and a sentence when they cannot be computed."""
    try:
        return data.q("skill_suggestions"), None
    except suggest.ModelMissing as exc:
        return pl.DataFrame(), str(exc)


def accept(course_id: str, skill: str, level: int) -> tuple[bool, str]:
    """Accept one suggestion: (done, the sentence to show)."""
    return _write(
        lambda con: suggest.accept(con, course_id, skill, int(level)),
        f"{course_id} now teaches {skill} at level {level}; people who completed it hold the skill.",
    )


def reject(course_id: str, skill: str) -> tuple[bool, str]:
    """Reject one suggestion: (done, the sentence to show)."""
    return _write(
        lambda con: suggest.reject(con, course_id, skill),
        f"{skill} will not be suggested for {course_id} again.",
    )


def _write(change, done: str) -> tuple[bool, str]:
    def run(con) -> str:
        change(con)
        return done

    return writes.as_ld(run, only_ld=ONLY_LD, expected=(suggest.SuggestionError,), what="reviewing a suggestion")
