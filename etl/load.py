"""The one place that loads files into the warehouse.

For each file: detect its kind, read it with the pure reader for that kind, resolve
learners and courses against the warehouse, drop what is already there, and write
the rest together with the rejected rows and an import batch -- all in one
transaction, so a file that fails half-way changes nothing.

A file whose content (its bytes) was loaded before, read the same way, is not loaded
again while the warehouse data its outcome depends on is as that load left it: loading
it again would change nothing, and would only record its rejected rows a second time.
The attempt is recorded as an 'unchanged' batch that names the earlier one.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from common.identity import identity_key, identity_problem
from common.text import decode_head
from etl import company, credentials
from etl.credentials import policy
from etl.records import Parsed, Rejected, UnreadableFile
from etl.rejects import record_keys, reject_future, settle_rejects
from warehouse import add_evidence, now_utc, refresh_evidence, scalar

log = logging.getLogger(__name__)


def _without_paths(exc: Exception, path: Path) -> str:
    """An error's text with the file's folder left out (users see file names, never server paths)."""
    text = str(exc)
    for folder in {str(path.parent), str(path.resolve().parent)}:
        text = text.replace(folder + "/", "")
    return text


#: How the loader reads and writes files, beside each reader's own READER_VERSION. Bump it when a
#: change to this module, etl/records.py or common/text.py would change what loading a file writes
#: (the evidence refresh and SQL models are not part of it: they change no loaded record); files
#: loaded before are then loaded again.
LOADER_VERSION = 2

#: Learning-record readers, in the order their sniffers are asked.
LEARNING_KINDS = ("scorm", "badge", "xapi", "moodle", "provider")
_MODULES = {
    "scorm": "etl.scorm",
    "badge": "etl.badges",
    "xapi": "etl.xapi",
    "moodle": "etl.moodle",
    "provider": "etl.provider",
}
ALL_KINDS = tuple(company.ORDER) + LEARNING_KINDS
DATA_SUFFIXES = {".csv", ".json", ".jsonl", ".ndjson", ".jwt", ".jws", ".txt", ".tsv"}

#: Progress of an outcome: a later export may move a record forward, never back.
STATUS_ORDER = {"enrolled": 0, "in_progress": 1, "failed": 2, "completed": 3, "passed": 4}
STATUS_RANK = "case {col} " + " ".join(f"when '{s}' then {r}" for s, r in STATUS_ORDER.items()) + " end"

#: Strength of a credential's proof check (etl.credentials): records without one (other sources) rank alike.
PROOF_ORDER = {"verified": 3, "unverifiable": 2, "unsigned": 1, "failed": 0}
PROOF_RANK = "case {col} " + " ".join(f"when '{s}' then {r}" for s, r in PROOF_ORDER.items()) + " else -1 end"

#: The columns of completion_records a learning load writes from its frame (source_kind aside), in order.
RECORD_COLUMNS = (
    "source_record_id",
    "employee_id",
    "course_id",
    "status",
    "completed_at",
    "score",
    "expires_at",
    "vendor",
    "batch_id",
    "row_number",
    "verification",
    "verification_reason",
)

#: When a dict, each load adds the seconds of its phases to it (the benchmarks print the split).
PHASE_SECONDS: dict[str, float] | None = None


class _Phases:
    """Adds the time since the last mark to PHASE_SECONDS under the phase that just ended."""

    def __init__(self) -> None:
        self.last = time.perf_counter()

    def __call__(self, phase: str) -> None:
        now = time.perf_counter()
        if PHASE_SECONDS is not None:
            PHASE_SECONDS[phase] = PHASE_SECONDS.get(phase, 0.0) + now - self.last
        self.last = now


@dataclass
class FileSummary:
    file: str
    kind: str | None
    status: str  # loaded | unchanged | failed
    rows_read: int = 0
    rows_loaded: int = 0
    rows_duplicate: int = 0
    rows_rejected: int = 0
    batch_id: int | None = None
    message: str = ""

    def line(self) -> str:
        if self.status == "failed":
            return f"{self.file}: not loaded. {self.message}"
        if self.status == "unchanged":
            return f"{self.file}: {self.message}"
        text = (
            f"{self.file} ({self.kind}): {self.rows_read:,} read, {self.rows_loaded:,} loaded, "
            f"{self.rows_duplicate:,} duplicate, {self.rows_rejected:,} rejected"
        )
        return text + (f" ({self.message})" if self.message else "")


def _module(kind: str):
    return importlib.import_module(_MODULES[kind])


def head_text(path: Path, size: int = 65536) -> str:
    """The decoded start of a file, for sniffing (UTF-8/UTF-16, BOM removed)."""
    with open(path, "rb") as fh:
        return decode_head(fh.read(size))


def detect_kind(path: Path) -> str | None:
    """Which kind a file is, from its content (its name only as a hint)."""
    name = path.name
    head = head_text(path)
    if not head.strip():
        return None
    if company.sniff(name, head):
        first = head.splitlines()[0]
        import csv as _csv

        return company.detect(next(_csv.reader([first])))
    for kind in LEARNING_KINDS:
        if _module(kind).sniff(name, head):
            return kind
    return None


def unrecognised(path: Path, name: str) -> str:
    """Why a file is of no kind, in one sentence: the columns it lacks for the company files and
    provider exports it comes closest to, else the kinds this product reads."""
    import csv as _csv

    from etl.provider import profiles

    try:
        first = head_text(path).splitlines()[0]
        header = next(_csv.reader([first]), [])
    except (OSError, UnicodeError, IndexError, _csv.Error):
        header = []
    near = []
    if len(header) > 1:  # company files, and provider exports without a column their profile detects them by
        near = [(share, f"{kind} file", missing) for share, kind, missing in company.closest_kinds(header)]
        near += profiles.closest_profiles(header)
    near.sort(key=lambda t: (-t[0], len(t[2])))
    needs = [f"{_and(missing)} to be {_a(what)}" for _, what, missing in near[:3]]
    if needs:
        lacks = needs[0] if len(needs) == 1 else ", ".join(needs[:-1]) + ", or " + needs[-1]
        return f"{name} is missing columns: it lacks {lacks}."
    return (
        f"{name} is not an export this product recognises: a company file ({', '.join(company.ORDER)}), "
        "a Moodle report, xAPI statements, Open Badges, SCORM Cloud, or a provider CSV with a mapping profile."
    )


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _a(kind: str) -> str:
    return ("an " if kind[0] in "aeio" or kind.startswith("fx") else "a ") + kind


def expand(paths: list[str | Path]) -> list[Path]:
    """Files named, and data files found under folders named (sorted, hidden files skipped)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(
                f
                for f in sorted(p.rglob("*"))
                if f.is_file()
                and f.suffix.lower() in DATA_SUFFIXES
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
        else:
            out.append(p)
    return out


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


#: The warehouse data the outcome of loading a file depends on, per kind: table -> the
#: columns that matter (None: all but batch_id). Learning records depend on the people
#: and courses they resolve against; a company file on its own tables.
_LEARNING_BASIS = {
    "employees": ("employee_id", "email"),
    "courses": ("course_id", "title"),
    "course_aliases": ("alias", "course_id"),
}
#: What else a learning file depends on when its load skipped completions that another
#: source had already recorded on the same day: those are skipped only while that record
#: stands. Records only added since cannot un-skip anything; a record voided, or moved
#: forward by a later file, can: voids are in `voided_statements`, and moving records
#: forward bumps the setting `records_revision` (see `_write_learning`).
_REPEAT_BASIS = {"voided_statements": ("statement_id",), "settings": ("key", "value")}


def _basis_tables(kind: str) -> dict[str, tuple[str, ...] | None]:
    if kind in LEARNING_KINDS:
        return _LEARNING_BASIS
    if kind == "catalog":
        return {"courses": None, "course_skills": None, "course_aliases": None}
    if kind == "assessments":
        return {"assessments": None, "employees": ("employee_id",)}
    return {company.SPECS[kind].table: None}


def warehouse_basis(con: duckdb.DuckDBPyConnection, kind: str, repeats: bool = False) -> str:
    """A fingerprint of the warehouse data that loading a file of this kind depends on
    (`repeats`: a learning file whose load skipped completions recorded by another source)."""
    parts = ["repeats"] if repeats else []
    tables = _basis_tables(kind) | (_REPEAT_BASIS if repeats and kind in LEARNING_KINDS else {})
    for table, columns in tables.items():
        if columns is None:
            columns = tuple(
                r[0]
                for r in con.execute(
                    "select column_name from information_schema.columns where table_schema = 'main' "
                    "and table_name = ? and column_name <> 'batch_id' order by ordinal_position",
                    [table],
                ).fetchall()
            )
        cols = ", ".join(f'"{c}"' for c in columns)
        count, total = con.execute(f"select count(*), coalesce(sum(hash({cols})), 0) from {table}").fetchall()[0]
        parts.append(f"{table}:{count}:{total}")
    return hashlib.sha256(";".join(parts).encode()).hexdigest()


def _digest(*chunks: bytes) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(hashlib.sha256(chunk).digest())
    return h.hexdigest()[:16]


def _reader_version(kind: str) -> str:
    """The READER_VERSION of the reader of this kind, and the LOADER_VERSION: what their developers
    say about how a file is read, not their source files, so that moving or tidying the code does
    not make every file loaded before load once more."""
    module = company if kind in company.SPECS else _module(kind)
    return f"{module.READER_VERSION} (loader {LOADER_VERSION})"


def _profile_version(profile) -> str:
    """Which mapping profile a provider CSV is read with: its file's name and content."""
    from etl import provider

    if isinstance(profile, provider.Profile):
        if profile.path is None:
            return f"{profile.name} {_digest(repr(profile).encode())}"
        profile = profile.path
    if profile is not None and Path(profile).is_file():
        try:
            return f"{Path(profile).name} {_digest(Path(profile).read_bytes())}"
        except OSError:
            return str(profile)
    builtin = sorted(provider.PROFILE_DIR.glob("*.toml"))
    return f"{profile or 'matched'} built-in {_digest(*(p.name.encode() + p.read_bytes() for p in builtin))}"


def read_options(kind: str, *, name: str, profile=None, tz: str = "UTC", trusted=None) -> str:
    """How a file of this kind is read: two loads of the same bytes agree only when these do too."""
    parts = [f"reader {_reader_version(kind)}"]
    if kind == "badge":  # a proof checks or not depending on the keys the operator trusts
        parts.append(f"trusted issuers {getattr(trusted, 'digest', 'none')}")
    if kind == "moodle":  # the report names its course in the file name, and its dates are local
        parts += [f"time zone {tz}", f"file name {name}"]
    if kind == "provider":
        parts.append(f"profile {_profile_version(profile)}")
    return "; ".join(parts)


def first_zone(con: duckdb.DuckDBPyConnection, sha: str, kind: str, tz: str) -> tuple[str, str]:
    """The time zone to read a Moodle report in, and a note when it is not the one chosen.

    A report's times carry no offset, so the zone is part of what its content means: once its
    content was loaded, it is read in that zone again, whichever zone is chosen later (another
    choice would shift every time it holds, and would not even be "already loaded")."""
    if kind != "moodle":
        return tz, ""
    first = scalar(
        con,
        "select regexp_extract(read_options, 'time zone ([^;]+)', 1) from import_batches "
        "where status = 'loaded' and kind = 'moodle' and file_sha256 = ? order by batch_id limit 1",
        [sha],
    )
    if not first or first == tz:
        return tz, ""
    return first, f"read in {first} time as when it was first loaded, not in {tz}"


def _noted(summary: FileSummary, note: str) -> FileSummary:
    """The summary with a note about how the file was read, inside its one sentence."""
    if note:
        message = summary.message
        if message.endswith(": nothing changed."):
            summary.message = message.removesuffix("): nothing changed.") + f"; {note}): nothing changed."
        else:
            summary.message = f"{message}; {note}" if message else note
    return summary


def loaded_before(con: duckdb.DuckDBPyConnection, sha: str, kind: str, options: str):
    """(batch_id, file_name, finished_at) of the latest load of this content, read this way, whose
    outcome still stands: the warehouse data it depends on is as that load left it. None otherwise."""
    earlier = con.execute(
        "select batch_id, file_name, finished_at, basis_sha256 from import_batches where status = 'loaded' "
        "and file_sha256 = ? and kind = ? and read_options = ? and basis_sha256 is not null order by batch_id desc",
        [sha, kind, options],
    ).fetchall()
    if not earlier:
        return None
    bases = {warehouse_basis(con, kind), warehouse_basis(con, kind, repeats=True)}
    return next((row[:3] for row in earlier if row[3] in bases), None)


def _order_key(kind: str | None) -> int:
    return ALL_KINDS.index(kind) if kind in ALL_KINDS else len(ALL_KINDS)


def load_paths(
    con: duckdb.DuckDBPyConnection,
    paths: list[str | Path],
    *,
    kind: str | None = None,
    profile: str | Path | None = None,
    tz: str = "UTC",
    display_names: dict | None = None,
    progress=None,
    trusted_issuers: str | Path | None = None,
) -> list[FileSummary]:
    """Load files and folders; company files first, so learning records resolve against them.

    Credentials' proofs are checked with the keys of ``trusted_issuers`` (else the configured
    file, ``credentials.configured_trusted``); a file that cannot be used raises TrustFileError.
    """
    trusted = credentials.load_trusted(trusted_issuers) if trusted_issuers else credentials.configured_trusted()
    files = expand(paths)
    if kind is None and profile is not None:
        kind = "provider"
    planned = []
    for f in files:
        if not f.exists():
            planned.append((f, None, f"{f.name} does not exist."))
            continue
        k = kind or detect_kind(f)
        planned.append((f, k, None))
    planned.sort(key=lambda t: _order_key(t[1]))
    summaries = []
    badges: list[tuple[Path, str]] = []  # Open Badges files are loaded together, in one pass
    for f, k, missing in planned + [(None, None, None)]:
        if badges and k != "badge":
            summaries += load_badge_files(con, badges, progress=progress, trusted=trusted)
            badges = []
        if f is None:
            break
        name = (display_names or {}).get(str(f), f.name)
        if missing:
            summaries.append(FileSummary(name, None, "failed", message=missing))
        elif k == "badge":
            badges.append((f, name))
        else:
            summaries.append(
                load_file(con, f, kind=k, profile=profile, tz=tz, display_name=name, progress=progress, trusted=trusted)
            )
    return summaries


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    kind: str | None = None,
    profile: str | Path | None = None,
    tz: str = "UTC",
    display_name: str | None = None,
    progress=None,
    trusted: credentials.TrustedIssuers | None = None,
) -> FileSummary:
    """Load one file in one transaction. Never raises for bad input: the summary says why.

    ``trusted``: the keys credentials are checked with (None: the configured trusted-issuers file).
    The evidence policy (``config/evidence.toml``) is brought into the warehouse first.
    """
    path = Path(path)
    name = display_name or path.name
    started = now_utc()
    step = progress or (lambda stage, fraction: None)
    try:
        policy.apply(con)
        kind = kind or detect_kind(path)
        if kind is None:
            raise UnreadableFile(unrecognised(path, name))
        if kind not in ALL_KINDS:
            raise UnreadableFile(
                f"'{kind}' is not a kind of file this product loads; use one of {', '.join(ALL_KINDS)}."
            )
        step("reading", 0.1)
        mark = _Phases()
        sha = file_sha256(path)
        if kind == "badge" and trusted is None:
            trusted = credentials.configured_trusted()
        tz, zone_note = first_zone(con, sha, kind, tz)
        options = read_options(kind, name=name, profile=profile, tz=tz, trusted=trusted)
        earlier = loaded_before(con, sha, kind, options)
        mark("checksum")
        if earlier is not None:
            step("done", 1.0)
            return _noted(_record_unchanged(con, name, kind, sha, options, started, *earlier), zone_note)
        parsed = _read(path, kind, profile=profile, tz=tz, trusted=trusted)
        reject_future(parsed, started)
        keys = record_keys(parsed)
        mark("read")
    except Exception as exc:
        return _record_failure(con, name, kind, started, _read_failure(exc, name, path))

    con.execute("begin transaction")
    try:
        batch_id = _begin_batch(con, name, sha, kind, options, started)
        step("resolving", 0.4)
        repeats = False
        if kind in company.SPECS:
            loaded, duplicate, extra_rejected = _write_company(con, parsed, batch_id)
        else:
            loaded, duplicate, extra_rejected, repeats = _write_learning(con, parsed, batch_id, mark)
        step("writing", 0.8)
        rejected = _store_rejected(con, {batch_id: (parsed.rejected, extra_rejected)})[batch_id]
        settle_rejects(con, batch_id, kind, keys)
        voids = len(parsed.voided_ids)
        message = f"{voids} voiding statement(s) applied" if voids else _proof_counts(con, batch_id)
        _finish_batch(
            con, batch_id, parsed.rows_read, loaded, duplicate, rejected, message, warehouse_basis(con, kind, repeats)
        )
        mark("rejected rows")
        con.execute("commit")
        mark("commit")
    except Exception as exc:  # a failure half-way: nothing of this file stays
        con.execute("rollback")
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return _record_failure(con, name, kind, started, f"{name} could not be loaded ({detail}).")
    step("done", 1.0)
    summary = FileSummary(name, kind, "loaded", parsed.rows_read, loaded, duplicate, rejected, batch_id, message)
    return _noted(summary, zone_note)


def _begin_batch(con, name: str, sha: str, kind: str, options: str, started) -> int:
    """A new import batch for a file whose rows are about to be written (status 'loading')."""
    batch_id = scalar(con, "select nextval('batch_seq')")
    con.execute(
        "insert into import_batches (batch_id, file_name, file_sha256, kind, read_options, status, started_at) "
        "values (?, ?, ?, ?, ?, 'loading', ?)",
        [batch_id, name, sha, kind, options, started],
    )
    return batch_id


def _store_rejected(con, per_batch: dict[int, tuple[list[Rejected], list]]) -> dict[int, int]:
    """Write the rejected rows of batches (their readers' Rejected, and the loader's (row_number, reason,
    raw) rows) in one insert; returns how many each batch has."""
    rejected = [
        row
        for batch_id, (read, extra) in per_batch.items()
        for row in [(batch_id, r.row_number, r.reason, r.raw) for r in read] + [(batch_id, *r) for r in extra]
    ]
    if rejected:
        rejected_frame = pl.DataFrame(  # noqa: F841 (read by DuckDB by name)
            rejected,
            schema={"batch_id": pl.Int64, "row_number": pl.Int64, "reason": pl.Utf8, "raw": pl.Utf8},
            orient="row",
        )
        con.execute("insert into rejected_rows (batch_id, row_number, reason, raw) select * from rejected_frame")
    return {batch_id: len(read) + len(extra) for batch_id, (read, extra) in per_batch.items()}


def _finish_batch(con, batch_id: int, read: int, loaded: int, duplicate: int, rejected: int, message, basis) -> None:
    """The batch's counts, message and basis; its status becomes 'loaded' (commit follows)."""
    con.execute(
        "update import_batches set rows_read = ?, rows_loaded = ?, rows_duplicate = ?, rows_rejected = ?, "
        "status = 'loaded', message = ?, basis_sha256 = ?, finished_at = ? where batch_id = ?",
        [read, loaded, duplicate, rejected, message or None, basis, now_utc(), batch_id],
    )


def load_badge_files(
    con: duckdb.DuckDBPyConnection,
    files: list[tuple[Path, str]],
    *,
    progress=None,
    trusted: credentials.TrustedIssuers | None = None,
) -> list[FileSummary]:
    """Load many Open Badges files (path, display name) in one pass and one transaction: what each
    file's load would write one after another, at a fraction of the cost.

    Each file still gets its own import batch, summary line, rejected rows and failure sentence,
    in file order. What is shared is the work per employee (the identity keys, and the salted
    recipient hashes computed once per (salt, algorithm) for all files together), the
    de-duplication, the evidence and skill-level refresh, and the commit. Files that touch the
    same records (the same award, the same completion on the same day, a stored award moved
    forward), two files of the same content, or a write that fails, make the pass load the files
    one by one instead (``load_file``), which gives the same outcome.
    """
    one_by_one = [
        lambda path=path, name=name: load_file(
            con, path, kind="badge", display_name=name, progress=progress, trusted=trusted
        )
        for path, name in files
    ]
    if len(files) < 2:
        return [load() for load in one_by_one]
    mark = _Phases()
    try:
        policy.apply(con)
        trusted = trusted if trusted is not None else credentials.configured_trusted()
        options = read_options("badge", name="", trusted=trusted)
    except Exception:  # each file's own load words it
        return [load() for load in one_by_one]
    outcomes = []  # per file: (name, started, sha, "failed" | "unchanged" | "read", detail)
    shas = {path: file_sha256(path) for path, _ in files if path.is_file()}
    seen = _loaded_shas(con, list(shas.values()), "badge", options)  # only these can be 'already loaded'
    for path, name in files:
        started = now_utc()
        try:
            sha = shas.get(path) or file_sha256(path)  # (a file that is not there says why)
            earlier = loaded_before(con, sha, "badge", options) if sha in seen else None
            if earlier is not None:
                outcomes.append((name, started, sha, "unchanged", earlier))
                continue
            parsed = _read(path, "badge", trusted=trusted)
            if _may_be_future(parsed, started):
                reject_future(parsed, started)
            outcomes.append((name, started, sha, "read", (parsed, None)))  # record keys: when settling needs them
        except Exception as exc:
            outcomes.append((name, started, None, "failed", _read_failure(exc, name, path)))
    mark("read")
    read = [o[2] for o in outcomes if o[3] == "read"]
    if len(set(read)) < len(read):  # the second copy of a content is 'already loaded' by the first
        return [load() for load in one_by_one]
    con.execute("begin transaction")
    try:
        ids = sorted(r[0] for r in con.execute("select nextval('batch_seq') from range(?)", [len(outcomes)]).fetchall())
        summaries, batches = [], {}
        for batch_id, (name, started, sha, what, detail) in zip(ids, outcomes, strict=True):
            if what == "failed":
                summaries.append(_record_failure(con, name, "badge", started, detail, batch_id))
            elif what == "unchanged":
                summaries.append(_record_unchanged(con, name, "badge", sha, options, started, *detail, batch_id))
            else:
                batches[batch_id] = (*detail, sha, started)
                summaries.append(FileSummary(name, "badge", "loaded", detail[0].rows_read, batch_id=batch_id))
        if batches:
            _write_badge_batches(con, batches, summaries, options, mark)
        con.execute("commit")
        mark("commit")
    except Exception as exc:
        con.execute("rollback")
        if not isinstance(exc, _Interlocked):
            log.error("loading %d badge files in one pass failed; loading them one by one", len(files), exc_info=exc)
        return [load() for load in one_by_one]
    return summaries


def _may_be_future(parsed: Parsed, started) -> bool:
    """Whether a record of the file may be dated after the day it is loaded (``reject_future``'s
    rule): a badge file holds one award or a few, and asking the latest date costs little next to
    running the rule's frame work for each file of a pass."""
    latest = parsed.records["completed_at"].max() if parsed.records.height else None
    return latest is not None and latest.date() > started.date()


def _loaded_shas(con, shas: list[str], kind: str, options: str) -> set[str]:
    """Which of these contents were loaded before, read this way (``loaded_before`` says whether it stands)."""
    return {
        r[0]
        for r in con.execute(
            "select distinct file_sha256 from import_batches where status = 'loaded' and kind = ? "
            "and read_options = ? and basis_sha256 is not null and file_sha256 in (select unnest(?))",
            [kind, options, shas],
        ).fetchall()
    }


def _write_badge_batches(con, batches: dict[int, tuple], summaries: list[FileSummary], options: str, mark) -> None:
    """The rows of a pass's files (batch id -> parsed, None, sha, started), written together
    (``_write_batches``); then each batch's import history row, and its rejected rows settled."""
    tagged = {b: pl.lit(b, dtype=pl.Int64).alias("batch_id") for b in batches}
    together = Parsed(
        kind="badge",
        rows_read=sum(parsed.rows_read for parsed, *_ in batches.values()),
        records=pl.concat([parsed.records.with_columns(tagged[b]) for b, (parsed, *_) in batches.items()]),
        checks=pl.concat([parsed.checks.with_columns(tagged[b]) for b, (parsed, *_) in batches.items()]),
    )
    written = _write_batches(con, together, list(batches), mark, apart=True)
    counts = _store_rejected(con, {b: (parsed.rejected, written[b][2]) for b, (parsed, *_) in batches.items()})
    messages = _proof_counts_of(con, list(batches))
    bases = {repeats: warehouse_basis(con, "badge", repeats) for repeats in (False, True)}
    by_batch = {s.batch_id: s for s in summaries}
    history = []
    for b, (parsed, _, sha, started) in batches.items():
        loaded, duplicate, _, repeats = written[b]
        summary = by_batch[b]
        summary.rows_loaded, summary.rows_duplicate, summary.rows_rejected = loaded, duplicate, counts[b]
        summary.message = messages.get(b, "")
        history.append(
            (b, summary.file, sha, options, started, parsed.rows_read, loaded, duplicate, counts[b])
            + (summary.message or None, bases[repeats])
        )
    history_rows = pl.DataFrame(  # noqa: F841 (read by DuckDB by name)
        history,
        schema=["batch_id", "file_name", "file_sha256", "read_options", "started_at", "rows_read", "rows_loaded"]
        + ["rows_duplicate", "rows_rejected", "message", "basis_sha256"],
        orient="row",
    )
    con.execute(
        "insert into import_batches (batch_id, file_name, file_sha256, kind, read_options, status, started_at, "
        "rows_read, rows_loaded, rows_duplicate, rows_rejected, message, basis_sha256, finished_at) "
        "select batch_id, file_name, file_sha256, 'badge', read_options, 'loaded', started_at, rows_read, "
        "rows_loaded, rows_duplicate, rows_rejected, message, basis_sha256, ? from history_rows",
        [now_utc()],
    )
    # settling needs a pass's rejected rows (each gets its record's key), or earlier ones still open
    if sum(counts.values()) or scalar(
        con,
        "select count(*) from rejected_rows where resolved_by_batch is null and record_key is not null "
        "and batch_id in (select batch_id from import_batches where kind = 'badge')",
    ):
        for b, (parsed, *_) in batches.items():
            settle_rejects(con, b, "badge", record_keys(parsed))
    mark("rejected rows")


def _read_failure(exc: Exception, name: str, path: Path) -> str:
    """Why a file could not be read, in one sentence (a reader's bug is logged and worded plainly:
    it must not stop a folder's other files, nor show a traceback)."""
    if isinstance(exc, (UnreadableFile, credentials.TrustFileError, policy.PolicyError)):
        return str(exc)
    if isinstance(exc, (OSError, UnicodeError, ValueError)):
        return f"{name} could not be read ({_without_paths(exc, path)})."
    log.error("reading %s failed", name, exc_info=exc)
    return f"{name} was not loaded: something unexpected went wrong while reading it, and nothing of it was saved."


def _proof_counts(con, batch_id: int) -> str:
    """How the proofs of the credentials this batch stored checked, e.g. "proofs: 2 verified, 1 failed"."""
    return _proof_counts_of(con, [batch_id]).get(batch_id, "")


def _proof_counts_of(con, batch_ids: list[int]) -> dict[int, str]:
    """_proof_counts of several batches, in one query."""
    found: dict[int, dict[str, int]] = {}
    for batch, status, count in con.execute(
        "select batch_id, verification, count(*) from completion_records "
        "where batch_id in (select unnest(?)) and verification is not null group by all",
        [batch_ids],
    ).fetchall():
        found.setdefault(batch, {})[status] = count
    return {
        batch: "proofs: " + ", ".join(f"{counts[s]} {s}" for s in credentials.STATUSES if s in counts)
        for batch, counts in found.items()
    }


def recorded(summaries: list[FileSummary]) -> bool:
    """Whether loading wrote to the warehouse (data, or an attempt for the import history): then publish it."""
    return any(s.batch_id is not None for s in summaries)


def _record_unchanged(
    con,
    name: str,
    kind: str,
    sha: str,
    options: str,
    started,
    earlier: int,
    earlier_name: str,
    earlier_finished,
    batch_id: int | None = None,
) -> FileSummary:
    """Remember that a file's content was already loaded (for the import history); nothing else is written."""
    same = "same content" if earlier_name == name else f"same content as {earlier_name}"
    message = f"Already loaded on {earlier_finished:%Y-%m-%d} as batch {earlier} ({same}): nothing changed."
    try:
        batch_id = batch_id or scalar(con, "select nextval('batch_seq')")
        con.execute(
            "insert into import_batches (batch_id, file_name, file_sha256, kind, read_options, status, message, "
            "same_as_batch, started_at, finished_at) values (?, ?, ?, ?, ?, 'unchanged', ?, ?, ?, ?)",
            [batch_id, name, sha, kind, options, message, earlier, started, now_utc()],
        )
    except duckdb.Error:
        batch_id = None
    return FileSummary(name, kind, "unchanged", batch_id=batch_id, message=message)


def _record_failure(
    con, name: str, kind: str | None, started, message: str, batch_id: int | None = None
) -> FileSummary:
    """Remember that a file could not be read (for the import history); its data changed nothing."""
    try:
        batch_id = batch_id or scalar(con, "select nextval('batch_seq')")
        con.execute(
            "insert into import_batches (batch_id, file_name, file_sha256, kind, status, message, started_at, finished_at) "
            "values (?, ?, '', ?, 'failed', ?, ?, ?)",
            [batch_id, name, kind or "unknown", message, started, now_utc()],
        )
    except duckdb.Error:
        batch_id = None
    return FileSummary(name, kind, "failed", batch_id=batch_id, message=message)


def _read(path: Path, kind: str, *, profile=None, tz: str = "UTC", trusted=None) -> Parsed:
    if kind in company.SPECS:
        return company.read(path, kind)
    module = _module(kind)
    if kind == "provider":
        return module.read(path, profile=profile)
    if kind == "moodle":
        return module.read(path, tz=tz)
    if kind == "badge":
        return module.read(path, trusted=trusted)
    return module.read(path)


# ---------------------------------------------------------------- company files


def _upsert(con, table: str, frame: pl.DataFrame, compare: list[str], extra: dict | None = None) -> tuple[int, int]:
    """Insert or replace rows by primary key; rows identical to what is stored count as duplicates."""
    incoming_rows = frame  # noqa: F841  (read by DuckDB through its Python scan)
    cond = " and ".join(f"t.{c} is not distinct from i.{c}" for c in compare)
    con.execute("create or replace temp table _incoming as select * from incoming_rows")
    duplicate = scalar(con, f"select count(*) from _incoming i semi join {table} t on {cond}")
    cols = list(frame.columns) + list((extra or {}).keys())
    select_cols = ", ".join(
        [f"i.{c}" for c in frame.columns]
        + [f"{v!r} as {k}" if isinstance(v, str) else f"{v} as {k}" for k, v in (extra or {}).items()]
    )
    con.execute(
        f"insert or replace into {table} ({', '.join(cols)}) select {select_cols} from _incoming i "
        f"anti join {table} t on {cond}"
    )
    con.execute("drop table _incoming")
    return frame.height - duplicate, duplicate


def _write_company(con, parsed: Parsed, batch_id: int) -> tuple[int, int, list]:
    kind = parsed.kind
    frame = parsed.records
    rejected: list[tuple[int, str, str]] = []
    if kind == "assessments":
        known = con.sql("select employee_id from employees").pl()
        bad = frame.join(known, on="employee_id", how="anti")
        rejected = [
            (r["_row_number"], f"no employee with id '{r['employee_id']}' in the roster", r["_raw"])
            for r in bad.iter_rows(named=True)
        ]
        frame = frame.join(known, on="employee_id", how="semi")
    if kind == "roster":
        frame, cycle_rejected = _without_manager_cycles(con, frame)
        rejected += cycle_rejected
    frame = frame.drop("_row_number", "_raw")
    if kind == "roster":
        return (*_upsert(con, "employees", frame, list(frame.columns), {"batch_id": batch_id}), rejected)
    if kind == "catalog":
        courses = frame.drop("skills", "aliases")
        loaded, duplicate = _upsert(con, "courses", courses, list(courses.columns), {"batch_id": batch_id})
        new_course_skills = (
            frame.select("course_id", "skills")
            .explode("skills")
            .drop_nulls("skills")
            .unnest("skills")
            .with_columns(source=pl.lit("catalog"))
        )
        _upsert(con, "course_skills", new_course_skills, ["course_id", "skill", "level", "source"])
        new_courses = frame.select("course_id")  # noqa: F841  (read by DuckDB)
        # the file's list replaces a course's skills; skills L&D accepted from suggestions
        # (etl.suggest) stay while the file still lists the course without any
        con.execute(
            "delete from course_skills as cs where cs.course_id in (select course_id from new_courses) "
            "and not exists (select 1 from new_course_skills as s where s.course_id = cs.course_id and s.skill = cs.skill) "
            "and (cs.source <> 'suggested' or exists (select 1 from new_course_skills as s where s.course_id = cs.course_id))"
        )
        aliases = (
            frame.select("course_id", "aliases")
            .explode("aliases")
            .drop_nulls("aliases")
            .with_columns(pl.col("aliases").str.strip_chars().str.to_lowercase().alias("alias"))
            .select("alias", "course_id")
            .unique("alias", keep="first")
        )
        _upsert(con, "course_aliases", aliases, ["alias", "course_id"])
        refresh_evidence(con)  # what a course teaches changed: every holder's evidence may change
        return loaded, duplicate, rejected
    if kind == "assessments":
        result = _upsert(con, "assessments", frame, list(frame.columns), {"batch_id": batch_id})
        refresh_evidence(con, frame["employee_id"].unique().to_list())
        return (*result, rejected)
    table = company.SPECS[kind].table
    if kind == "spend":
        return (*_upsert(con, table, frame, list(frame.columns), {"batch_id": batch_id}), rejected)
    return (*_upsert(con, table, frame, list(frame.columns)), rejected)


def _without_manager_cycles(con, frame: pl.DataFrame) -> tuple[pl.DataFrame, list[tuple[int, str, str]]]:
    """The roster rows minus those that would close a cycle of manager links with each other or
    with the people already stored (``company.manager_cycles``), and those rows as rejected rows.

    ``reporting_tree`` follows manager links down from a root, so the warehouse must never hold a
    cycle: a lead inside one would see everyone under the cycle, and their managers would not.
    """
    stored = {
        employee_id: (manager_id, full_name)
        for employee_id, manager_id, full_name in con.execute(
            "select employee_id, manager_id, full_name from employees"
        ).fetchall()
    }
    lines = list(frame.select("_row_number", "employee_id", "manager_id", "full_name").iter_rows())
    left_out = company.manager_cycles(lines, stored)
    if not left_out:
        return frame, []
    for person in left_out:  # a cycle the warehouse held from before this check: its stored row goes too
        if person.remove_stored:
            con.execute("delete from employees where employee_id = ?", [person.employee_id])
    reasons = {r.row_number: r.reason for r in left_out}
    rows = frame.filter(pl.col("_row_number").is_in(list(reasons)))
    rejected = [(n, reasons[n], raw) for n, raw in rows.select("_row_number", "_raw").iter_rows()]
    return frame.filter(~pl.col("_row_number").is_in(list(reasons))), rejected


# ---------------------------------------------------------------- learning records


def _lookup_sql(kinds: set[str], hash_algorithms: set[str]) -> str:
    """The query that finds the employee of each distinct learner key a file names (table
    _wanted_learners: learner_kind, salt, learner_key), as rows (learner_kind, salt, learner_key,
    employee_id); the records are joined to it afterwards (``_write_batches``).

    Only the identity keys this file can use are computed, and only for the values it
    holds: an Open Badges file with one salted sha256 recipient costs one hash per
    distinct e-mail address, not every kind of key for every employee. An address written
    the same raw and normalised is hashed once.
    """
    plain_branches = {
        "employee_id": ["select 'employee_id' as kind, id_key as key, employee_id, 1 as prio from emp"],
        "email": [
            "select 'email' as kind, email_key as key, employee_id, 1 as prio from emp where email_key is not null"
        ],
        "mbox_sha1": [
            "select 'mbox_sha1' as kind, sha1('mailto:' || email_key) as key, employee_id, 1 as prio from emp "
            "where email_key is not null",
            "select 'mbox_sha1', sha1('mailto:' || email_raw), employee_id, 2 from emp where email_raw is not null",
        ],
        "account": [
            "select 'account' as kind, id_key as key, employee_id, 1 as prio from emp",
            "select 'account', email_key, employee_id, 2 from emp where email_key is not null",
        ],
    }
    plain_keys = [q for kind in sorted(kinds) for q in plain_branches.get(kind, [])]
    hash_branches = {  # one hash per distinct e-mail for each (salt, algorithm) the records name
        a: f"select s.salt, s.algorithm, {a}(e.email || s.salt) as digest, e.email from emails e, salts s "
        f"where s.algorithm = '{a}'"
        for a in ("sha256", "md5")
    }
    hashed_keys = [hash_branches[a] for a in sorted(hash_algorithms)]
    ctes = ["emp as (select employee_id, id_key, email_raw, email_key from _employee_keys)"]
    found = []
    if plain_keys:
        ctes.append("plain_keys as (\n    " + "\n    union all ".join(plain_keys) + "\n)")
        ctes.append("""plain as (
    select k.kind, '' as salt, k.key, arg_min(k.employee_id, k.prio) as employee_id
    from plain_keys as k
    semi join (select learner_kind as kind, learner_key as key from _wanted_learners where learner_kind <> 'hashed') as w
      on w.kind = k.kind and w.key = k.key
    group by k.kind, k.key
)""")
        found.append("select * from plain")
    if hashed_keys:
        ctes.append("""wanted_hashes as (
    select salt, key, algorithm, substring(key, length(algorithm) + 2) as digest
    from (
        select distinct salt, learner_key as key, split_part(learner_key, '$', 1) as algorithm
        from _wanted_learners where learner_kind = 'hashed'
    )
)""")
        ctes.append("salts as (select distinct salt, algorithm from wanted_hashes)")
        ctes.append("""email_owners as (
    select distinct employee_id, email from (
        select employee_id, email_raw as email from emp union all select employee_id, email_key from emp
    ) where email is not null
)""")
        ctes.append("emails as (select distinct email from email_owners)")
        ctes.append("hashed_keys as (\n    " + "\n    union all ".join(hashed_keys) + "\n)")
        ctes.append("""hashed as (
    select 'hashed' as kind, w.salt, w.key, min(o.employee_id) as employee_id
    from hashed_keys as h
    inner join wanted_hashes as w on w.salt = h.salt and w.algorithm = h.algorithm and w.digest = h.digest
    inner join email_owners as o on o.email = h.email
    group by w.salt, w.key
)""")
        found.append("select * from hashed")
    if not found:
        return "select null::varchar as learner_kind, null::varchar as salt, null::varchar as learner_key, null::varchar as employee_id limit 0"
    return (
        f"with {', '.join(ctes)}\nselect kind as learner_kind, salt, key as learner_key, employee_id from ("
        + " union all ".join(found)
        + ")"
    )


#: The course each distinct course key a file names (table _wanted_courses: key) stands for: its
#: id, else an alias, else a title (case and surrounding spaces ignored).
_COURSE_LOOKUP_SQL = """
with course_keys as (
    select lower(trim(course_id)) as key, course_id, 1 as prio from courses
    union all select alias, course_id, 2 from course_aliases
    union all select lower(trim(title)), course_id, 3 from courses where title is not null
)
select k.key as course_key_norm, arg_min(k.course_id, k.prio) as course_id
from course_keys as k semi join _wanted_courses as w on w.key = k.key
group by k.key
"""


_LEARNER_REASON = """
(case
    when employee_id is not null then null
    when learner_value is null or trim(learner_value) = '' then 'the record names no learner'
    when learner_kind = 'employee_id' then 'no employee with id ''' || learner_value || ''' in the roster'
    when learner_kind = 'email' then 'no employee with e-mail ' || learner_value || ' in the roster'
    when learner_kind = 'mbox_sha1' then 'no employee whose e-mail matches mbox_sha1sum ' || learner_value
    when learner_kind = 'hashed' then 'no employee whose e-mail matches the hashed recipient ' || learner_value
        || coalesce(' (salt ''' || learner_salt || ''')', ' (no salt)')
    else 'no employee with id or e-mail ''' || learner_value || ''' (LMS account name) in the roster'
end) || coalesce('; the value ' || learner_note || ', and look-alike characters are never matched to plain ones', '')
"""

_COURSE_REASON = """
case
    when course_id is not null then null
    when course_key is null or trim(course_key) = '' then 'the record names no course'
    else 'no course in the catalog with id, alias or title ''' || course_key || ''''
end
"""


def _identity_keys(values: pl.Series) -> tuple[pl.Series, pl.Series]:
    """The key each value is matched by (``common.identity.identity_key``: NFKC and case folding, none
    for a value with look-alike characters), and why a value has no key (else null).

    Plain ASCII (nearly every value) is trimmed and lower-cased in Polars; only the distinct
    other values go through Python.
    """
    trimmed = values.str.strip_chars()
    keys = trimmed.str.to_lowercase()
    notes = pl.Series(values.name, [None] * len(values), dtype=pl.Utf8)
    others = (trimmed.str.len_bytes() != trimmed.str.len_chars()).fill_null(False).arg_true()  # not ASCII
    if len(others):
        written = trimmed.gather(others).to_list()
        distinct = {v: (identity_key(v), identity_problem(v)) for v in set(written)}
        keys = keys.scatter(others, [distinct[v][0] for v in written])
        notes = notes.scatter(others, [distinct[v][1] for v in written])
    return keys, notes


def _write_learning(con, parsed: Parsed, batch_id: int, mark=lambda phase: None) -> tuple[int, int, list, bool]:
    """Resolve, de-duplicate and store learning records; returns (loaded, duplicate, rejected, and
    whether completions another source had recorded the same day were skipped)."""
    parsed.records = parsed.records.with_columns(pl.lit(batch_id, dtype=pl.Int64).alias("batch_id"))
    return _write_batches(con, parsed, [batch_id], mark)[batch_id]


class _Interlocked(Exception):
    """Files of one pass that touch the same records: they must be written one after another."""


def _status_rank(status: pl.Expr) -> pl.Expr:
    """STATUS_RANK in Polars: progress of an outcome (null for a word that is none)."""
    return status.replace_strict(STATUS_ORDER, default=None, return_dtype=pl.Int32)


def _proof_rank(verification: pl.Expr, other: int = -1) -> pl.Expr:
    """PROOF_RANK in Polars: strength of a proof check; ``other`` for a record without one."""
    return verification.replace_strict(PROOF_ORDER, default=other, return_dtype=pl.Int32)


def _looked_up(frame: pl.DataFrame, found: pl.DataFrame, on: list[str]) -> pl.DataFrame:
    """The frame with the columns of ``found`` (at most one row per key ``on``) for each of its rows,
    null where none: a left join that copies none of the frame's own columns (memory)."""
    extra = [c for c in found.columns if c not in on]
    if found.is_empty():
        return frame.with_columns(pl.lit(None, dtype=found.schema[c]).alias(c) for c in extra)
    matched = (
        frame.lazy()
        .select(on)
        .join(found.lazy(), on=on, how="left", maintain_order="left", validate="m:1")
        .select(extra)
        .collect()
    )
    return frame.with_columns(matched)


def _kept(frame: pl.DataFrame, keep: pl.Series) -> pl.DataFrame:
    """The rows where ``keep`` is true (not null); the frame itself (no copy) when that is every row."""
    keep = keep.fill_null(False)
    return frame if keep.all() else frame.filter(keep)


def _first_of(frame: pl.DataFrame, keys: list[str], order: list[str], descending: list[bool]) -> pl.Series:
    """Whether each row is the first of its group (``keys``) in this order (nulls last), as
    ``row_number() over (partition by keys order by ...) = 1``: only rows that share their
    group with another are sorted, and nearly every row has a group of its own."""
    key = pl.col(keys[0]) if len(keys) == 1 else pl.struct(keys)
    shared = frame.select(key.is_duplicated()).to_series()
    every = pl.repeat(True, frame.height, dtype=pl.Boolean, eager=True).alias("first")
    if not shared.any():
        return every
    others = (
        frame.with_row_index("_pos")
        .filter(shared)
        .sort(keys + order, descending=[False] * len(keys) + descending, nulls_last=True, maintain_order=True)
        .select("_pos", (pl.int_range(pl.len()).over(keys) == 0).alias("first"))
    )
    return every.scatter(others["_pos"], others["first"])


def _write_batches(con, parsed: Parsed, batches: list[int], mark=lambda phase: None, apart: bool = False) -> dict:
    """Resolve, de-duplicate and store learning records of one or more import batches (column
    ``batch_id`` of ``parsed.records``); returns, per batch, (loaded, duplicate, rejected, and
    whether completions another source had recorded the same day were skipped).

    ``apart``: the batches are files of one pass (``load_badge_files``); they are written together
    only while no record of one could change what another file's record becomes (the same source
    record, the same completion on the same day, a stored record moved forward); otherwise
    _Interlocked is raised before anything is written, and the caller writes them one by one.

    Empties ``parsed.records`` (and its ``raw_source``) once DuckDB holds the rows: memory.

    The records stay in Polars from reading to the insert: DuckDB answers only what needs the
    warehouse (the employee of each distinct learner key, the course of each distinct course
    key, the stored copies of these records, the completions already recorded on their days),
    and writes the rows once, into completion_records. The rules are those of a file loaded
    record by record: one row per source record (the most advanced copy), a stored record
    replaced only by a better one, one completion per person, course and day.
    """
    kind = parsed.kind
    vendor = getattr(getattr(parsed, "profile", None), "vendor", None)
    learner_key, learner_note = _identity_keys(parsed.records["learner_value"])
    frame = (
        parsed.records.drop("raw")
        .with_row_index("_i")
        .with_columns(
            pl.col("completed_at").dt.convert_time_zone("UTC").dt.replace_time_zone(None),
            pl.col("expires_at").dt.convert_time_zone("UTC").dt.replace_time_zone(None),
            pl.lit(vendor, dtype=pl.Utf8).alias("vendor"),
            learner_key.alias("learner_key"),
            learner_note.alias("learner_note"),
            pl.col("course_key").str.strip_chars().str.to_lowercase().alias("course_key_norm"),
        )
    )
    del learner_key, learner_note
    if parsed.checks is not None:
        frame = frame.join(
            parsed.checks, on=[c for c in ("batch_id", "row_number") if c in parsed.checks.columns], how="left"
        )
    else:
        frame = frame.with_columns(
            pl.lit(None, dtype=pl.Utf8).alias("verification"), pl.lit(None, dtype=pl.Utf8).alias("verification_reason")
        )
    # the key a learner is looked up by: a salted hash with its salt, any other kind alone
    frame = frame.with_columns(
        pl.when(pl.col("learner_kind") == "hashed")
        .then(pl.col("learner_salt").fill_null(""))
        .otherwise(pl.lit(""))
        .alias("_salt")
    )
    mark("stage")
    kinds = set(frame["learner_kind"].drop_nulls().unique().to_list())
    algorithms = set()
    if "hashed" in kinds:
        hashed = frame.filter(pl.col("learner_kind") == "hashed")["learner_key"]
        algorithms = {a for a in ("sha256", "md5") if hashed.str.starts_with(a + "$").any()}
    employees = con.sql("select employee_id, email from employees").pl()
    employee_keys = pl.DataFrame(
        {
            "employee_id": employees["employee_id"],
            "id_key": _identity_keys(employees["employee_id"])[0],
            "email_raw": employees["email"].str.strip_chars(),
            "email_key": _identity_keys(employees["email"])[0],
        }
    )
    wanted_learners = frame.select("learner_kind", pl.col("_salt").alias("salt"), "learner_key").drop_nulls().unique()
    wanted_courses = frame.select(pl.col("course_key_norm").alias("key")).drop_nulls().unique()
    con.register("_employee_keys", employee_keys)
    con.register("_wanted_learners", wanted_learners)
    con.register("_wanted_courses", wanted_courses)
    try:
        learners = con.sql(_lookup_sql(kinds, algorithms)).pl()
        courses = con.sql(_COURSE_LOOKUP_SQL).pl()
    finally:
        for name in ("_employee_keys", "_wanted_learners", "_wanted_courses"):
            con.unregister(name)
    del employees, employee_keys, wanted_learners, wanted_courses
    staged = _looked_up(
        _looked_up(frame, learners.rename({"salt": "_salt"}), ["learner_kind", "_salt", "learner_key"]),
        courses,
        ["course_key_norm"],
    ).with_columns(
        (pl.col("employee_id").is_not_null() & pl.col("course_id").is_not_null()).alias("_resolved"),
        _status_rank(pl.col("status")).alias("rank"),
    )
    del frame, learners, courses
    mark("resolve")
    if apart:
        con.register("_staged", staged)
        try:
            interlocked = scalar(con, _INTERLOCKED_SQL)
        finally:
            con.unregister("_staged")
        if interlocked:
            raise _Interlocked
    unresolved_rows = staged.filter(~pl.col("_resolved")).select(
        "_i",
        "row_number",
        "batch_id",
        "employee_id",
        "course_id",
        "learner_value",
        "learner_kind",
        "learner_salt",
        "learner_note",
        "course_key",
    )
    unresolved = con.execute(
        f"select _i, row_number, concat_ws('; ', {_LEARNER_REASON}, {_COURSE_REASON}) as reason, batch_id "
        "from unresolved_rows order by batch_id, row_number"
    ).fetchall()
    del unresolved_rows
    raws = parsed.raw_of([r[0] for r in unresolved])
    rejected: dict[int, list] = {b: [] for b in batches}
    for r, raw in zip(unresolved, raws, strict=False):
        rejected[r[3]].append((r[1], r[2], raw))
    # the rows the loader needs now live in `staged`: let go of the reader's frame
    parsed.records, parsed.raw_source = parsed.records.clear(), None
    mark("unresolved")
    resolved = _kept(staged, staged["_resolved"]).select(*RECORD_COLUMNS, "rank")
    del staged
    candidates = dict(resolved.group_by("batch_id").len().iter_rows())
    # one row per source record: its most advanced copy (then the latest, then the first in the file)
    firsts = _kept(
        resolved,
        _first_of(resolved, ["source_record_id"], ["rank", "completed_at", "row_number"], [True, True, False]),
    )
    del resolved
    first_ids = firsts.select("source_record_id")
    stored = con.sql(
        "select source_record_id, true as stored, status as _old_status, completed_at as _old_completed_at, "
        "verification as _old_verification from completion_records "
        "where source_kind = ? and source_record_id in (select source_record_id from first_ids)",
        params=[kind],
    ).pl()
    del first_ids
    completion = pl.col("status").is_in(["completed", "passed"])
    proof_new, proof_old = _proof_rank(pl.col("verification")), _proof_rank(pl.col("_old_verification"))
    # a credential whose proof checks replaces a stored copy whose proof does not, and never the reverse
    # (a record of another source weighs as an unsigned credential: only a verified or unverifiable one adds to it)
    rank_old = _status_rank(pl.col("_old_status"))
    vs_stored = _looked_up(firsts, stored, ["source_record_id"]).with_columns(
        pl.col("stored").fill_null(False),
        (
            pl.col("stored").is_null()
            | (proof_new > proof_old)
            | (
                (proof_new == proof_old)
                & (
                    (pl.col("rank") > rank_old)
                    | ((pl.col("rank") == rank_old) & (pl.col("completed_at") > pl.col("_old_completed_at")))
                )
            )
        )
        .fill_null(False)
        .alias("better"),
        pl.col("completed_at").dt.date().alias("_day"),
        _proof_rank(pl.col("verification"), 1).alias("_proof"),
    )
    del firsts, stored
    # completions of the same person and course that day already recorded (by any source), with
    # the best proof among them: this record is skipped unless its proof checks better
    days = (
        vs_stored.filter(completion & pl.col("_day").is_not_null() & ~pl.col("stored"))
        .select("employee_id", "course_id", "_day")
        .unique()
    )
    proof_seen = PROOF_RANK.replace("else -1", "else 1").format(col="c.verification")
    seen = con.sql(f"""
        select c.employee_id, c.course_id, cast(c.completed_at as date) as _day, max({proof_seen}) as _seen_proof
        from completion_records as c
        semi join days as d
          on d.employee_id = c.employee_id and d.course_id = c.course_id and d._day = cast(c.completed_at as date)
        where c.status in ('completed', 'passed') and c.completed_at is not null
          and not (c.source_kind = 'xapi' and c.source_record_id in (select statement_id from voided_statements))
        group by all
    """).pl()
    del days
    vs_stored = _looked_up(vs_stored, seen, ["employee_id", "course_id", "_day"])
    vs_stored = vs_stored.with_columns(
        (completion & ~pl.col("stored") & (pl.col("_seen_proof") >= pl.col("_proof")))
        .fill_null(False)
        .alias("seen_elsewhere"),
        # one completion per person, course and day: the best proof, then the most advanced, then the first
        _first_of(
            vs_stored.with_columns(completion.alias("_completion")),
            ["employee_id", "course_id", "_day", "_completion"],
            ["_proof", "rank", "row_number"],
            [True, True, False],
        ).alias("_first_that_day"),
    )
    fresh = _kept(
        vs_stored,
        vs_stored.select(
            pl.col("better") & (pl.col("_first_that_day") | ~completion | pl.col("completed_at").is_null())
        ).to_series(),
    )
    del vs_stored, seen
    if apart and fresh["stored"].any():
        raise _Interlocked
    # completions another source already recorded that day are skipped, and the batch remembers
    # that it skipped some (a later void or move of those records makes loading it again useful)
    repeats = dict(fresh.group_by("batch_id").agg(pl.col("seen_elsewhere").any()).iter_rows())
    fresh = _kept(fresh, ~fresh["seen_elsewhere"])
    mark("dedup")
    counts = dict(fresh.group_by("batch_id").len().iter_rows())
    # One row per source record: a stored record that this file moves forward is replaced.
    replaced = fresh.filter(pl.col("stored")).select("source_record_id")
    if replaced.height:
        con.execute(
            "delete from completion_records where source_kind = ? "
            "and source_record_id in (select source_record_id from replaced)",
            [kind],
        )
        # a file loaded before may have been skipped as a repeat of a record that has now moved
        con.execute(
            "insert or replace into settings select 'records_revision', "
            "cast(coalesce(max(try_cast(value as bigint)), 0) + 1 as varchar) "
            "from settings where key = 'records_revision'"
        )
    fresh_rows = fresh.select(*RECORD_COLUMNS)
    con.execute(
        f"insert into completion_records (source_kind, {', '.join(RECORD_COLUMNS)}) select ?, * from fresh_rows",
        [kind],
    )
    del fresh_rows
    mark("insert")
    touched = fresh["employee_id"].unique().to_list()
    # the evidence of stored records this file replaced, and of statements it voids, goes
    removed = {kind: replaced["source_record_id"].to_list()}
    del fresh, replaced
    if parsed.voided_ids:
        voided_ids = pl.DataFrame({"statement_id": [v.lower() for v in parsed.voided_ids]})
        con.execute(
            f"insert or ignore into voided_statements select distinct statement_id, {int(batches[0])} from voided_ids"
        )
        removed.setdefault("xapi", [])
        removed["xapi"] = removed["xapi"] + voided_ids["statement_id"].to_list()
    add_evidence(con, batches, touched, removed, mark)
    return {
        b: (counts.get(b, 0), candidates.get(b, 0) - counts.get(b, 0), rejected[b], bool(repeats.get(b)))
        for b in batches
    }


#: Whether files of one pass touch the same records: a source record in two of them, or the same
#: completion (person, course, day) in two of them. Then each must see what the one before it wrote.
_INTERLOCKED_SQL = """
select (select count(*) from (
            select source_record_id from _staged group by source_record_id having count(distinct batch_id) > 1))
     + (select count(*) from (
            select 1 from _staged
            where employee_id is not null and course_id is not null and status in ('completed', 'passed')
              and completed_at is not null
            group by employee_id, course_id, cast(completed_at as date) having count(distinct batch_id) > 1))
"""


def main_progress(stream=sys.stderr):
    """A small text progress bar for long files (shown when a file is over 5 MB)."""

    def show(stage: str, fraction: float) -> None:
        width = 24
        filled = int(width * fraction)
        stream.write(f"\r  [{'#' * filled}{'.' * (width - filled)}] {stage:<10}")
        if fraction >= 1:
            stream.write("\n")
        stream.flush()

    return show
