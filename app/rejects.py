"""Marking rejected rows ignored on the Data page (L&D only).

A rejection no file will fix (a provider's test account, a course the company retired) is marked
ignored with L&D's reason: it leaves the open rows and the counts, and stays in the history. It
is written like every change L&D make on the page (app.writes): one transaction
(etl.rejects.ignore), then a published snapshot; one sentence whatever happens.
"""

from __future__ import annotations

from app import writes
from etl import rejects

ONLY_LD = "Only L&D staff may mark rejected rows ignored."


def ignore(reason: str, batch_id: int | None = None, text: str | None = None) -> tuple[bool, str]:
    """Mark the open rejected rows of a file (or all files) matching ``text`` ignored: (done, the sentence to show)."""

    def change(con) -> str:
        count = rejects.ignore(con, reason, batch_id=batch_id, text=text)
        if not count:
            raise rejects.RejectsError("No open rejected row matches: nothing was marked.")
        return f"{count:,} rejected row{'s' if count != 1 else ''} marked ignored, with the reason “{reason.strip()}”."

    return writes.as_ld(change, only_ld=ONLY_LD, expected=(rejects.RejectsError,), what="ignoring rejected rows")
