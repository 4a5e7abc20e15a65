"""Changes made from the pages (L&D reviewing suggestions and ignoring rejected rows on the Data
page; leads and L&D assigning courses on the Coverage page) write the warehouse file the way an
upload does (app.uploads): a writable connection (``data.write_connection``), the change in its
own transaction, then a published snapshot, so every page sees it at its next run. Each change
says which roles may make it; whatever goes wrong, the page shows one sentence, never a
traceback or a path.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import duckdb

from app import data
from app.session import current_viewer
from warehouse import publish

_log = logging.getLogger(__name__)


def as_ld(
    change: Callable[[duckdb.DuckDBPyConnection], str],
    *,
    only_ld: str,
    expected: tuple[type[Exception], ...],
    what: str,
) -> tuple[bool, str]:
    """Run ``change`` (which returns the sentence to show once done, or raises one of ``expected``
    with the sentence that says why not) and publish: (done, the sentence). ``what`` names the
    change for the developers' log."""
    return as_role(change, roles=("ld",), refused=only_ld, expected=expected, what=what)


def as_role(
    change: Callable[[duckdb.DuckDBPyConnection], str],
    *,
    roles: tuple[str, ...],
    refused: str,
    expected: tuple[type[Exception], ...],
    what: str,
) -> tuple[bool, str]:
    """``as_ld`` for a change the viewer's role must be one of ``roles`` to make (else ``refused``)."""
    viewer = current_viewer()
    if viewer is None or viewer.role not in roles:
        return False, refused
    try:
        con = data.write_connection()
    except Exception:
        _log.exception("the warehouse could not be opened to %s", what)
        return False, "The warehouse is busy or could not be opened; try again in a moment."
    try:
        done = change(con)
    except expected as exc:
        return False, str(exc)
    except Exception:
        _log.exception("%s failed unexpectedly", what)
        return False, "Something unexpected went wrong, and nothing was changed."
    finally:
        con.close()
    try:
        publish(data.db_file())
    except Exception:
        _log.exception("the warehouse could not be published after %s", what)
        return True, done + " The pages show it after the next load."
    return True, done
