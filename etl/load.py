"""The one place that loads files into the warehouse.

For each file: detect its kind, read it with the pure reader for that kind, resolve
learners and courses against the warehouse, drop what is already there, and write
the rest together with the rejected rows and an import batch -- all in one
transaction, so a file that fails half-way changes nothing.
"""
from __future__ import annotations

import hashlib
import importlib
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from etl import company
from etl.records import Parsed, UnreadableFile
from etl.warehouse import now_utc, refresh_evidence, scalar

#: Learning-record readers, in the order their sniffers are asked.
LEARNING_KINDS = ("scorm", "badge", "xapi", "moodle", "provider")
_MODULES = {"scorm": "etl.scorm", "badge": "etl.badges", "xapi": "etl.xapi", "moodle": "etl.moodle",
            "provider": "etl.provider"}
ALL_KINDS = tuple(company.ORDER) + LEARNING_KINDS
DATA_SUFFIXES = {".csv", ".json", ".jsonl", ".ndjson", ".jwt", ".jws", ".txt", ".tsv"}

#: Progress of an outcome: a later export may move a record forward, never back.
STATUS_RANK = "case {col} when 'enrolled' then 0 when 'in_progress' then 1 when 'failed' then 2 when 'completed' then 3 when 'passed' then 4 end"


@dataclass
class FileSummary:
    file: str
    kind: str | None
    status: str  # loaded | failed
    rows_read: int = 0
    rows_loaded: int = 0
    rows_duplicate: int = 0
    rows_rejected: int = 0
    batch_id: int | None = None
    message: str = ""

    def line(self) -> str:
        if self.status == "failed":
            return f"{self.file}: not loaded. {self.message}"
        text = (f"{self.file} ({self.kind}): {self.rows_read:,} read, {self.rows_loaded:,} loaded, "
                f"{self.rows_duplicate:,} duplicate, {self.rows_rejected:,} rejected")
        return text + (f" ({self.message})" if self.message else "")


def _module(kind: str):
    return importlib.import_module(_MODULES[kind])


def head_text(path: Path, size: int = 65536) -> str:
    """The decoded start of a file, for sniffing (UTF-8/UTF-16, BOM removed)."""
    with open(path, "rb") as fh:
        data = fh.read(size)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="ignore")
    elif len(data) > 1 and data[1:2] == b"\x00":
        text = data.decode("utf-16-le", errors="ignore")
    else:
        text = data.decode("utf-8", errors="ignore")
    return text.lstrip("\ufeff")


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


def expand(paths: list[str | Path]) -> list[Path]:
    """Files named, and data files found under folders named (sorted, hidden files skipped)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(
                f for f in sorted(p.rglob("*"))
                if f.is_file() and f.suffix.lower() in DATA_SUFFIXES
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


def _order_key(kind: str | None) -> int:
    return ALL_KINDS.index(kind) if kind in ALL_KINDS else len(ALL_KINDS)


def load_paths(con: duckdb.DuckDBPyConnection, paths: list[str | Path], *, kind: str | None = None,
               profile: str | Path | None = None, tz: str = "UTC", display_names: dict | None = None,
               progress=None) -> list[FileSummary]:
    """Load files and folders; company files first, so learning records resolve against them."""
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
    for f, k, missing in planned:
        name = (display_names or {}).get(str(f), f.name)
        if missing:
            summaries.append(FileSummary(name, None, "failed", message=missing))
            continue
        summaries.append(load_file(con, f, kind=k, profile=profile, tz=tz, display_name=name, progress=progress))
    return summaries


def load_file(con: duckdb.DuckDBPyConnection, path: Path, *, kind: str | None = None,
              profile: str | Path | None = None, tz: str = "UTC", display_name: str | None = None,
              progress=None) -> FileSummary:
    """Load one file in one transaction. Never raises for bad input: the summary says why."""
    path = Path(path)
    name = display_name or path.name
    started = now_utc()
    step = progress or (lambda stage, fraction: None)
    try:
        kind = kind or detect_kind(path)
        if kind is None:
            raise UnreadableFile(
                f"{name} is not an export this product recognises (roster, catalog, Moodle, xAPI, Open Badges, "
                "SCORM Cloud, or a provider CSV with a mapping profile).")
        if kind not in ALL_KINDS:
            raise UnreadableFile(f"'{kind}' is not a kind of file this product loads; use one of {', '.join(ALL_KINDS)}.")
        step("reading", 0.1)
        parsed = _read(path, kind, profile=profile, tz=tz)
        sha = file_sha256(path)
    except UnreadableFile as exc:
        return _record_failure(con, name, kind, started, str(exc))
    except (OSError, UnicodeError, ValueError) as exc:
        return _record_failure(con, name, kind, started, f"{name} could not be read ({exc}).")

    con.execute("begin transaction")
    try:
        batch_id = scalar(con, "select nextval('batch_seq')")
        con.execute(
            "insert into import_batches (batch_id, file_name, file_sha256, kind, status, started_at) values (?, ?, ?, ?, 'loading', ?)",
            [batch_id, name, sha, kind, started])
        step("resolving", 0.4)
        if kind in company.SPECS:
            loaded, duplicate, extra_rejected = _write_company(con, parsed, batch_id)
        else:
            loaded, duplicate, extra_rejected = _write_learning(con, parsed, batch_id)
        step("writing", 0.8)
        rejected = [(batch_id, r.row_number, r.reason, r.raw) for r in parsed.rejected] + [
            (batch_id, *r) for r in extra_rejected]
        if rejected:
            rejected_frame = pl.DataFrame(rejected, schema={"batch_id": pl.Int64, "row_number": pl.Int64,
                                                   "reason": pl.Utf8, "raw": pl.Utf8}, orient="row")
            con.execute("insert into rejected_rows select * from rejected_frame")
        voids = len(parsed.voided_ids)
        message = f"{voids} voiding statement(s) applied" if voids else ""
        con.execute(
            "update import_batches set rows_read = ?, rows_loaded = ?, rows_duplicate = ?, rows_rejected = ?, "
            "status = 'loaded', message = ?, finished_at = ? where batch_id = ?",
            [parsed.rows_read, loaded, duplicate, len(rejected), message or None, now_utc(), batch_id])
        con.execute("commit")
    except Exception as exc:  # a failure half-way: nothing of this file stays
        con.execute("rollback")
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return _record_failure(con, name, kind, started, f"{name} could not be loaded ({detail}).")
    step("done", 1.0)
    return FileSummary(name, kind, "loaded", parsed.rows_read, loaded, duplicate, len(rejected), batch_id, message)


def _record_failure(con, name: str, kind: str | None, started, message: str) -> FileSummary:
    """Remember that a file could not be read (for the import history); its data changed nothing."""
    try:
        batch_id = scalar(con, "select nextval('batch_seq')")
        con.execute(
            "insert into import_batches (batch_id, file_name, file_sha256, kind, status, message, started_at, finished_at) "
            "values (?, ?, '', ?, 'failed', ?, ?, ?)", [batch_id, name, kind or "unknown", message, started, now_utc()])
    except duckdb.Error:
        batch_id = None
    return FileSummary(name, kind, "failed", batch_id=batch_id, message=message)


def _read(path: Path, kind: str, *, profile=None, tz: str = "UTC") -> Parsed:
    if kind in company.SPECS:
        return company.read(path, kind)
    module = _module(kind)
    if kind == "provider":
        return module.read(path, profile=profile)
    if kind == "moodle":
        return module.read(path, tz=tz)
    return module.read(path)


# ---------------------------------------------------------------- company files

def _upsert(con, table: str, frame: pl.DataFrame, compare: list[str], extra: dict | None = None) -> tuple[int, int]:
    """Insert or replace rows by primary key; rows identical to what is stored count as duplicates."""
    incoming_rows = frame  # noqa: F841  (read by DuckDB through its Python scan)
    cond = " and ".join(f"t.{c} is not distinct from i.{c}" for c in compare)
    con.execute("create or replace temp table _incoming as select * from incoming_rows")
    duplicate = scalar(con, f"select count(*) from _incoming i semi join {table} t on {cond}")
    cols = list(frame.columns) + list((extra or {}).keys())
    select_cols = ", ".join([f"i.{c}" for c in frame.columns] + [f"{v!r} as {k}" if isinstance(v, str) else f"{v} as {k}" for k, v in (extra or {}).items()])
    con.execute(
        f"insert or replace into {table} ({', '.join(cols)}) select {select_cols} from _incoming i "
        f"anti join {table} t on {cond}")
    con.execute("drop table _incoming")
    return frame.height - duplicate, duplicate


def _write_company(con, parsed: Parsed, batch_id: int) -> tuple[int, int, list]:
    kind = parsed.kind
    frame = parsed.records
    rejected: list[tuple[int, str, str]] = []
    if kind == "assessments":
        known = con.sql("select employee_id from employees").pl()
        bad = frame.join(known, on="employee_id", how="anti")
        rejected = [(r["_row_number"], f"no employee with id '{r['employee_id']}' in the roster", r["_raw"])
                    for r in bad.iter_rows(named=True)]
        frame = frame.join(known, on="employee_id", how="semi")
    frame = frame.drop("_row_number", "_raw")
    if kind == "roster":
        return (*_upsert(con, "employees", frame, list(frame.columns), {"batch_id": batch_id}), rejected)
    if kind == "catalog":
        courses = frame.drop("skills", "aliases")
        loaded, duplicate = _upsert(con, "courses", courses, list(courses.columns), {"batch_id": batch_id})
        new_course_skills = frame.select("course_id", "skills").explode("skills").drop_nulls("skills").unnest("skills")
        _upsert(con, "course_skills", new_course_skills, ["course_id", "skill", "level"])
        new_courses = frame.select("course_id")  # noqa: F841  (read by DuckDB)
        con.execute("delete from course_skills as cs where cs.course_id in (select course_id from new_courses) "
                    "and not exists (select 1 from new_course_skills as s where s.course_id = cs.course_id and s.skill = cs.skill)")
        aliases = (frame.select("course_id", "aliases").explode("aliases").drop_nulls("aliases")
                   .with_columns(pl.col("aliases").str.strip_chars().str.to_lowercase().alias("alias"))
                   .select("alias", "course_id").unique("alias", keep="first"))
        _upsert(con, "course_aliases", aliases, ["alias", "course_id"])
        refresh_evidence(con)  # what a course teaches changed: every holder's evidence may change
        return loaded, duplicate, rejected
    if kind == "assessments":
        result = _upsert(con, "assessments", frame, [c for c in frame.columns], {"batch_id": batch_id})
        refresh_evidence(con, frame["employee_id"].unique().to_list())
        return (*result, rejected)
    table = company.SPECS[kind].table
    if kind == "spend":
        return (*_upsert(con, table, frame, list(frame.columns), {"batch_id": batch_id}), rejected)
    return (*_upsert(con, table, frame, list(frame.columns)), rejected)


# ---------------------------------------------------------------- learning records

_RESOLVE_SQL = """
create or replace temp table _resolved as
with emp as (
    select employee_id, lower(trim(employee_id)) as id_key, trim(email) as email_raw,
           lower(trim(email)) as email_key
    from employees
),
plain_keys as (
    select 'employee_id' as kind, id_key as key, employee_id, 1 as prio from emp
    union all select 'email', email_key, employee_id, 1 from emp where email_key is not null
    union all select 'mbox_sha1', sha1('mailto:' || email_key), employee_id, 1 from emp where email_key is not null
    union all select 'mbox_sha1', sha1('mailto:' || email_raw), employee_id, 2 from emp where email_raw is not null
    union all select 'account', id_key, employee_id, 1 from emp
    union all select 'account', email_key, employee_id, 2 from emp where email_key is not null
),
plain as (
    select kind, key, arg_min(employee_id, prio) as employee_id from plain_keys group by kind, key
),
salts as (
    select distinct coalesce(learner_salt, '') as salt from _incoming where learner_kind = 'hashed'
),
hashed_keys as (
    select s.salt, 'sha256$' || sha256(e.email_raw || s.salt) as key, e.employee_id from emp e, salts s where e.email_raw is not null
    union all select s.salt, 'sha256$' || sha256(e.email_key || s.salt), e.employee_id from emp e, salts s where e.email_key is not null
    union all select s.salt, 'md5$' || md5(e.email_raw || s.salt), e.employee_id from emp e, salts s where e.email_raw is not null
    union all select s.salt, 'md5$' || md5(e.email_key || s.salt), e.employee_id from emp e, salts s where e.email_key is not null
),
hashed as (
    select salt, key, min(employee_id) as employee_id from hashed_keys group by salt, key
),
course_keys as (
    select lower(trim(course_id)) as key, course_id, 1 as prio from courses
    union all select alias, course_id, 2 from course_aliases
    union all select lower(trim(title)), course_id, 3 from courses where title is not null
),
course_lookup as (
    select key, arg_min(course_id, prio) as course_id from course_keys group by key
)
select
    i.*,
    coalesce(p.employee_id, h.employee_id) as employee_id,
    c.course_id
from _incoming as i
left join plain as p
  on i.learner_kind <> 'hashed' and p.kind = i.learner_kind and p.key = lower(trim(i.learner_value))
left join hashed as h
  on i.learner_kind = 'hashed' and h.salt = coalesce(i.learner_salt, '') and h.key = lower(trim(i.learner_value))
left join course_lookup as c
  on c.key = lower(trim(i.course_key))
"""

_LEARNER_REASON = """
case
    when employee_id is not null then null
    when learner_value is null or trim(learner_value) = '' then 'the record names no learner'
    when learner_kind = 'employee_id' then 'no employee with id ''' || learner_value || ''' in the roster'
    when learner_kind = 'email' then 'no employee with e-mail ' || learner_value || ' in the roster'
    when learner_kind = 'mbox_sha1' then 'no employee whose e-mail matches mbox_sha1sum ' || learner_value
    when learner_kind = 'hashed' then 'no employee whose e-mail matches the hashed recipient ' || learner_value
        || coalesce(' (salt ''' || learner_salt || ''')', ' (no salt)')
    else 'no employee with id or e-mail ''' || learner_value || ''' (LMS account name) in the roster'
end
"""

_COURSE_REASON = """
case
    when course_id is not null then null
    when course_key is null or trim(course_key) = '' then 'the record names no course'
    else 'no course in the catalog with id, alias or title ''' || course_key || ''''
end
"""


def _write_learning(con, parsed: Parsed, batch_id: int) -> tuple[int, int, list]:
    """Resolve, de-duplicate and store learning records; returns (loaded, duplicate, rejected)."""
    vendor = getattr(getattr(parsed, "profile", None), "vendor", None)
    frame = parsed.records.with_columns(
        pl.col("completed_at").dt.convert_time_zone("UTC").dt.replace_time_zone(None),
        pl.col("expires_at").dt.convert_time_zone("UTC").dt.replace_time_zone(None),
        pl.lit(vendor, dtype=pl.Utf8).alias("vendor"),
    )
    incoming_records = frame  # noqa: F841  (read by DuckDB)
    con.execute("create or replace temp table _incoming as select * from incoming_records")
    con.execute(_RESOLVE_SQL)
    rejected = con.execute(
        f"select row_number, concat_ws('; ', {_LEARNER_REASON}, {_COURSE_REASON}) as reason, raw "
        "from _resolved where employee_id is null or course_id is null order by row_number").fetchall()
    kind = parsed.kind
    rank_new = STATUS_RANK.format(col="status")
    con.execute(f"""
        create or replace temp table _candidates as
        select *, {rank_new} as rank,
               row_number() over (partition by source_record_id order by {rank_new} desc, completed_at desc nulls last, row_number) as copy_no
        from _resolved where employee_id is not null and course_id is not null
    """)
    rank_old = STATUS_RANK.format(col="t.status")
    con.execute(f"""
        create or replace temp table _fresh as
        with firsts as (select * from _candidates where copy_no = 1),
        vs_stored as (
            select f.*, t.source_record_id is not null as stored,
                   t.source_record_id is null
                   or f.rank > {rank_old}
                   or (f.rank = {rank_old} and f.completed_at > t.completed_at) as better
            from firsts f
            left join completion_records t on t.source_kind = '{kind}' and t.source_record_id = f.source_record_id
        ),
        evidence_seen as (
            select employee_id, course_id, cast(completed_at as date) as day
            from completion_records c
            where status in ('completed', 'passed') and completed_at is not null
              and not (c.source_kind = 'xapi' and c.source_record_id in (select statement_id from voided_statements))
        ),
        same_day as (
            select v.*,
                   v.status in ('completed', 'passed') and not v.stored and exists (
                       select 1 from evidence_seen s
                       where s.employee_id = v.employee_id and s.course_id = v.course_id
                         and s.day = cast(v.completed_at as date)) as seen_elsewhere,
                   row_number() over (
                       partition by v.employee_id, v.course_id, cast(v.completed_at as date),
                                    v.status in ('completed', 'passed')
                       order by v.rank desc, v.row_number) as evidence_no
            from vs_stored v
        )
        select * from same_day
        where better and not seen_elsewhere
          and (evidence_no = 1 or status not in ('completed', 'passed') or completed_at is null)
    """)
    fresh = scalar(con, "select count(*) from _fresh")
    candidates = scalar(con, "select count(*) from _candidates")
    con.execute(f"""
        insert or replace into completion_records
            (source_kind, source_record_id, employee_id, course_id, status, completed_at, score, expires_at,
             vendor, batch_id, row_number)
        select '{kind}', source_record_id, employee_id, course_id, status, completed_at, score, expires_at,
               vendor, {int(batch_id)}, row_number
        from _fresh
    """)
    touched = [r[0] for r in con.execute("select distinct employee_id from _fresh").fetchall()]
    if parsed.voided_ids:
        voided_ids = pl.DataFrame({"statement_id": [v.lower() for v in parsed.voided_ids]})  # noqa: F841
        con.execute(f"insert or ignore into voided_statements select distinct statement_id, {int(batch_id)} from voided_ids")
        touched += [r[0] for r in con.execute(
            "select distinct employee_id from completion_records where source_kind = 'xapi' "
            "and source_record_id in (select statement_id from voided_ids)").fetchall()]
    refresh_evidence(con, touched)
    for t in ("_incoming", "_resolved", "_candidates", "_fresh"):
        con.execute(f"drop table if exists {t}")
    return fresh, candidates - fresh, [(r[0], r[1], r[2]) for r in rejected]


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
