"""Uploads on the Data page go through the same loader as `python -m etl load`."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from app import data
from etl.load import DATA_SUFFIXES, FileSummary, load_paths, recorded
from warehouse import publish

#: Largest file accepted through the browser (the CLI has no limit).
MAX_UPLOAD_MB = 200
ACCEPTED = sorted(s.lstrip(".") for s in DATA_SUFFIXES)


def safe_name(name: str) -> str:
    """The file's own name without any folder part or odd characters."""
    base = Path(name.replace("\\", "/")).name
    return re.sub(r"[^\w.\- ()]+", "_", base)[:150] or "upload"


def load_uploads(files: list[tuple[str, bytes]], tz: str = "UTC") -> list[FileSummary]:
    """Write uploaded files to a private temporary folder and load them; the folder is removed after.

    `tz` is the time zone of Moodle exports (their times carry no offset), as `etl load --tz`.
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
            target.parent.mkdir()
            target.write_bytes(content)
            paths.append(target)
            names[str(target)] = clean
        if not paths:
            return rejected
        con = data.write_connection()
        try:
            summaries = load_paths(con, paths, display_names=names, tz=tz)
        finally:
            con.close()
        if recorded(summaries):  # failed and unchanged attempts show in the history too
            publish(data.db_file())
        return rejected + summaries
    finally:
        shutil.rmtree(folder, ignore_errors=True)
