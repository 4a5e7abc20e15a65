"""Uploads on the Data page go through the same loader as `python -m etl load`.

Whatever goes wrong, the page shows one sentence per file: never a traceback, and
never a path on the server (the temporary folder the files are written to is
replaced by the file's own name). An error the loader did not expect is logged
for the developers, with its traceback, and the user reads that the file was not
loaded and nothing of it was saved.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import shutil
import tempfile
from pathlib import Path
from zoneinfo import available_timezones

from app import data
from etl import credentials
from etl.load import ALL_KINDS, DATA_SUFFIXES, FileSummary, detect_kind, load_badge_files, load_file, recorded
from warehouse import publish

#: Largest file accepted through the browser (the CLI has no limit).
MAX_UPLOAD_MB = 200


@functools.cache
def time_zones() -> tuple[str, ...]:
    """The zones a Moodle export can be read in: UTC first, then every zone this computer knows, by name
    (read from the disk once per process: listing them walks the zone database's folders)."""
    return ("UTC", *sorted(available_timezones() - {"UTC"}))


ACCEPTED = sorted(s.lstrip(".") for s in DATA_SUFFIXES)

_log = logging.getLogger(__name__)

#: An absolute path in a message: a slash not preceded by a letter, digit or slash (so dates
#: such as 5/03/24 and addresses such as https://x.org/a stay), then folder names.
_PATH = re.compile(r"(?<![\w/:.])/(?:[\w.\-]+/)+[\w.\-]*")


def safe_name(name: str) -> str:
    """The file's own name without any folder part or odd characters."""
    base = Path(name.replace("\\", "/")).name
    return re.sub(r"[^\w.\- ()]+", "_", base)[:150] or "upload"


def load_uploads(files: list[tuple[str, bytes]], tz: str = "UTC") -> list[FileSummary]:
    """Write uploaded files to a private temporary folder and load them; the folder is removed after.

    `tz` is the time zone of Moodle exports (their times carry no offset), as `etl load --tz`.
    Never raises: each file gets a summary whose message is one sentence.
    """
    folder = Path(tempfile.mkdtemp(prefix="upskill-upload-"))
    try:
        paths, names, rejected = [], {}, []
        for name, content in files:
            clean = safe_name(name)
            if Path(clean).suffix.lower() not in DATA_SUFFIXES:
                rejected.append(
                    FileSummary(
                        clean, None, "failed", message=f"{clean} is not a data export (expected {', '.join(ACCEPTED)})."
                    )
                )
                continue
            if len(content) > MAX_UPLOAD_MB << 20:
                rejected.append(
                    FileSummary(
                        clean,
                        None,
                        "failed",
                        message=f"{clean} is larger than {MAX_UPLOAD_MB} MB; load it with python -m etl load.",
                    )
                )
                continue
            # a folder per file keeps its own name (a Moodle completion report's name says its course)
            target = folder / f"{len(paths):03d}" / clean
            try:
                target.parent.mkdir()
                target.write_bytes(content)
            except OSError:
                _log.exception("an upload could not be written to %s", target)
                rejected.append(_failed(clean, f"{clean} could not be saved on the server for loading; try again."))
                continue
            paths.append(target)
            names[str(target)] = clean
        if not paths:
            return rejected
        summaries = _load(paths, names, tz)
        return rejected + [_without_paths(s, folder, names) for s in summaries]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _load(paths: list[Path], names: dict[str, str], tz: str) -> list[FileSummary]:
    """Load the files one by one, company files first (as etl.load.load_paths); one file's failure stops no other."""
    try:
        con = data.write_connection()
    except Exception:
        _log.exception("the warehouse could not be opened for an upload")
        return [
            _failed(
                names[str(p)],
                f"{names[str(p)]} was not loaded because the warehouse is busy or could not be opened; "
                "try the upload again in a moment.",
            )
            for p in paths
        ]
    summaries = []
    try:
        kinds = {p: _kind(p) for p in paths}
        ordered = sorted(paths, key=lambda p: _order(kinds[p]))
        badges = [(p, names[str(p)]) for p in ordered if kinds[p] == "badge"]  # loaded together, in one pass
        for path in ordered:
            if kinds[path] != "badge":
                summaries.append(_load_one(con, path, kinds[path], names[str(path)], tz))
            elif path == badges[0][0]:
                summaries += _load_badges(con, badges)
    finally:
        con.close()
    if recorded(summaries):  # failed and unchanged attempts show in the history too
        try:
            publish(data.db_file())
        except Exception:
            _log.exception("the warehouse could not be published after an upload")
            message = (
                "the files were loaded, but the pages could not be refreshed yet; they show them after the next load."
            )
            summaries.append(FileSummary("The dashboard", None, "unchanged", message=message))
    return summaries


def tone(summary: FileSummary) -> str:
    """How the page shows a file's result: error (not loaded), info (already loaded), warning (loaded
    with rejected rows: something needs a look), success (every row used)."""
    if summary.status == "failed":
        return "error"
    if summary.status == "unchanged":
        return "info"
    return "warning" if summary.rows_rejected else "success"


def result_line(summary: FileSummary) -> str:
    """The file's line, and where its rejected rows are when it has some."""
    line = summary.line()
    if summary.status == "loaded" and summary.rows_rejected:
        line += f" · {'its rejected row is' if summary.rows_rejected == 1 else 'its rejected rows are'} listed below"
    return line


def _kind(path: Path) -> str | None:
    """The file's kind as the loader detects it; None when that fails (load_file then says why)."""
    try:
        return detect_kind(path)
    except Exception:
        return None


def _order(kind: str | None) -> int:
    return ALL_KINDS.index(kind) if kind in ALL_KINDS else len(ALL_KINDS)


def _load_one(con, path: Path, kind: str | None, name: str, tz: str) -> FileSummary:
    """One file through etl.load.load_file; an error it did not expect becomes one sentence (and a log entry)."""
    try:
        return load_file(con, path, kind=kind, tz=tz, display_name=name)
    except Exception:
        _log.exception("loading the upload %s failed unexpectedly", name)
        with contextlib.suppress(Exception):  # load_file rolls back what it began; this is in case it could not
            con.execute("rollback")
        return _unexpected(name)


def _load_badges(con, badges: list[tuple[Path, str]]) -> list[FileSummary]:
    """Open Badges files through etl.load.load_badge_files (one pass); as _load_one, never raises."""
    try:
        return load_badge_files(con, badges)
    except Exception:
        _log.exception("loading %d uploaded badge files failed unexpectedly", len(badges))
        with contextlib.suppress(Exception):
            con.execute("rollback")
        return [_unexpected(name) for _, name in badges]


def _unexpected(name: str) -> FileSummary:
    return _failed(
        name, f"{name} was not loaded: something unexpected went wrong while reading it, and nothing of it was saved."
    )


def _failed(name: str, message: str) -> FileSummary:
    return FileSummary(name, None, "failed", message=message)


def _without_paths(summary: FileSummary, folder: Path, names: dict[str, str]) -> FileSummary:
    """The summary with every server path in its message replaced by the file's name."""
    message = summary.message
    for target, clean in names.items():
        message = message.replace(target, clean)
    message = message.replace(str(folder), "the upload")
    summary.message = _PATH.sub("the file", message)
    return summary


def trusted_issuers_note() -> str:
    """One sentence on the keys uploaded credentials are checked with: the configured trusted-issuers file
    (``UPSKILL_TRUSTED_ISSUERS``, else ``config/trusted-issuers.json``), named by its file name only."""
    path = credentials.trusted_issuers_path()
    if not path.is_file():
        return (
            "Open Badges are checked against the keys their issuers' did:key and did:jwk hold; no trusted-issuers "
            f"file is configured ({path.name}), so issuers that publish their keys on the web stay unverifiable."
        )
    try:
        trusted = credentials.load_trusted(path)
    except credentials.TrustFileError as exc:
        return f"Open Badges cannot be loaded until the trusted-issuers file is fixed: {exc}"
    return (
        f"Open Badges are checked against their issuers' did:key and did:jwk, and the {len(trusted)} issuer(s) "
        f"or key(s) listed in the trusted-issuers file {path.name}."
    )
