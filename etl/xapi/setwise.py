"""Large JSON lines files checked as a set, in SQL over DuckDB's JSON reader.

Most statements in an LRS export have one of a few plain shapes: an Agent named by mbox,
mbox_sha1sum or account, a verb the dashboard records, an Activity, a result, a context
with its activities but no people, a timestamp. For those, every rule of rules.py and of the
JSON Schema comes down to key sets, value types and patterns that SQL can decide exactly,
so DuckDB reads the file and decides them for all statements at once, in parallel, without
turning any statement into Python objects.

Every statement that is not of such a shape, or whose values SQL cannot decide exactly
(escapes in its text, a language tag or a duration of a rarer form, anything out of
range...), is read again by the Python reader (collect.py), one by one, and gets exactly
its verdict and reason. "Exactly" is held by construction: a statement is decided here only
when each of its keys and values lies where SQL's and Python's readings of it agree
(printable ASCII where Python's and RE2's patterns could differ, no duplicate keys, no
relaxed JSON that DuckDB's parser accepts and Python's refuses); scores are computed by
rules._score itself, once per distinct score. tests/test_xapi_setwise.py checks it row by
row against the Python reader on the conformance fixtures.

The file is read this way only when every line holds one statement or is blank (no
StatementResult page on a line), and DuckDB's and Python's readers agree on which lines are
blank; otherwise, and when the file starts with a byte order mark, ``read_lines`` returns
None and the file is read as before.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

from etl import records
from etl.records import Parsed
from etl.xapi.collect import _RECORD_COLUMNS, _RECORD_SCHEMA, _Collector, _lines_result, _LineScan, _scan_lines
from etl.xapi.parallel import _die_with_parent, _remove_orphaned_parts
from etl.xapi.rules import _SUCCESS_VERBS, VERB_STATUS, InvalidStatement, _score

#: Rows of DuckDB's answer taken at a time.
_BATCH_ROWS = 131_072

#: Past this share of statements left to Python, the parallel Python reader is faster.
MAX_SLOW_SHARE = 0.25
#: The start of a file that tells whether it is worth reading with SQL (some 5,000 statements).
SAMPLE_BYTES = 4 << 20

#: The objects whose keys are fixed: the statement and those it may hold here (json_keys: one
#: parse of each line for all). Each must have as many keys as it has of those it may hold, so
#: none is unknown and none is given twice (DuckDB and Python would read different ones).
_OBJECTS = (
    "$",
    "$.actor",
    "$.actor.account",
    "$.verb",
    "$.object",
    "$.object.definition",
    "$.result",
    "$.result.score",
    "$.context",
)
#: The keys the statement and each of those objects may hold.
_KEYS = {
    "$": ("id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "version"),
    "$.actor": ("objectType", "name", "mbox", "mbox_sha1sum", "account"),
    "$.actor.account": ("homePage", "name"),
    "$.verb": ("id", "display"),
    "$.object": ("objectType", "id", "definition"),
    "$.object.definition": ("name", "description", "type", "moreInfo", "extensions"),
    "$.result": ("score", "success", "completion", "response", "duration", "extensions"),
    "$.result.score": ("scaled", "raw", "min", "max"),
    "$.context": ("registration", "contextActivities", "platform", "revision", "language", "extensions"),
}
#: Every other value, read as JSON text (json_extract: one more parse): its first character says
#: its type; objects come back without blank space and, as no line here has escapes, strings verbatim.
_VALUES = tuple(f"{obj}.{key}" for obj, keys in _KEYS.items() for key in keys if f"{obj}.{key}" not in _OBJECTS)
assert set(_OBJECTS) == set(_KEYS)

#: Patterns for the JSON text of values. Every one allows only printable ASCII where Python's,
#: Rust's and RE2's readings of a pattern could differ (blank space, digits, letters).
_UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_IRI = "[A-Za-z][A-Za-z0-9+.\\-]*:[!#-~]+"
#: A text: no quote inside, as there is no escape; and no newline (none can be in JSON text), so
#: that no pattern reaches over the newlines that separate the values (see _values_pattern).
_TEXT = '"[^"\\n]*"'
#: The schema's mbox pattern (which implies the e-mail address rules.py asks for): [^@\s:/?#].
_MBOX_PART = "[!$-.0-9;->A-~]+"
_MBOX = f'"mailto:{_MBOX_PART}@{_MBOX_PART}\\.{_MBOX_PART}"'
#: The commonest language tags (en, en-US, es-419), which every reading of RFC 5646 accepts.
_TAG = "[A-Za-z]{2,3}(-([A-Za-z]{2}|[0-9]{3}))?"
#: ISO 8601 durations with at least one part, without weeks, and with a fraction only on the seconds.
_TIME_PART = "T([0-9]+H([0-9]+M)?([0-9]+(\\.[0-9]+)?S)?|[0-9]+M([0-9]+(\\.[0-9]+)?S)?|[0-9]+(\\.[0-9]+)?S)"
_DATE_PART = "([0-9]+Y([0-9]+M)?([0-9]+D)?|[0-9]+M([0-9]+D)?|[0-9]+D)"
_DURATION = f'"P({_DATE_PART}({_TIME_PART})?|{_TIME_PART})"'
#: The form nearly every LRS writes, on a day of the calendar (leap years: every 4th, not every 100th but every 400th).
_DAY = "((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)"
_LEAP = "([1-9][0-9](0[48]|[2468][048]|[13579][26])|([2468][048]|[13579][26])00)"
_TIMESTAMP = (
    f'"([1-9][0-9]{{3}}-{_DAY}|{_LEAP}-02-29)T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{{1,6}})?'
    '(Z|\\+([01][0-9]|2[0-3]):[0-5][0-9]|-(0[1-9]|1[0-9]|2[0-3]):[0-5][0-9]|-00:(0[1-9]|[1-5][0-9]))"'
)
#: Numbers as DuckDB writes them back, without exponent: never NaN or infinite.
_NUMBER = "-?[0-9]{1,20}(\\.[0-9]{1,20})?"
#: A language map as DuckDB writes it back: tags as keys, texts as values (a key given twice
#: changes nothing here: Python keeps the last text, and no text is used).
_MAP = f'\\{{("{_TAG}":{_TEXT}(,"{_TAG}":{_TEXT})*)?\\}}'
#: Extensions as DuckDB writes them back: IRIs as keys; texts, booleans, null or integers as values.
_EXT_ITEM = f'"{_IRI}":({_TEXT}|true|false|null|-?[0-9]+)'
_EXTENSIONS = f"\\{{({_EXT_ITEM}(,{_EXT_ITEM})*)?\\}}"
#: A context activity as producers write them: an id (an IRI, or a bare UUID as Open edX writes),
#: with objectType Activity before or after it (given twice, it is the same value); one with a
#: definition is left to Python.
_CONTEXT_ACTIVITY = f'\\{{("objectType":"Activity",)?"id":"({_IRI}|{_UUID})"(,"objectType":"Activity")?\\}}'


#: contextActivities as DuckDB writes them back: lists (or single activities) under parent,
#: grouping, category and other (a list given twice has every activity checked).
_CONTEXT_ACTIVITIES_ITEM = (
    f'"(parent|grouping|category|other)":({_CONTEXT_ACTIVITY}|\\[({_CONTEXT_ACTIVITY}(,{_CONTEXT_ACTIVITY})*)?\\])'
)
_CONTEXT_ACTIVITIES = f"\\{{({_CONTEXT_ACTIVITIES_ITEM}(,{_CONTEXT_ACTIVITIES_ITEM})*)?\\}}"


def _k(path: str) -> str:
    """The keys of one of _OBJECTS (null when it is not there, empty when it is not an object)."""
    return f"k[{_OBJECTS.index(path) + 1}]"


def _x(path: str) -> str:
    """The JSON text of one of _VALUES, as DuckDB writes it back (null when it is not there)."""
    return f"x[{_VALUES.index(path) + 1}]"


def _present(path: str) -> str:
    return f"({_k(path) if path in _OBJECTS else _x(path)} is not null)::int"


def _patterns() -> dict[str, str]:
    """The JSON text each of _VALUES must have, where it is given."""
    return {
        "$.id": f'"{_UUID}"',
        "$.timestamp": _TIMESTAMP,
        "$.stored": _TIMESTAMP,
        "$.version": '"1\\.0(\\.[0-9]+)?"',
        "$.actor.objectType": '"Agent"',
        "$.actor.name": _TEXT,
        "$.actor.mbox": _MBOX,
        "$.actor.mbox_sha1sum": '"[0-9a-fA-F]{40}"',
        "$.actor.account.homePage": f'"{_IRI}"',
        # a name without blank space at either end: Python's strip() leaves it as it is
        "$.actor.account.name": '"[!#-~]([^"\\n]*[!#-~])?"',
        "$.verb.id": '"(' + "|".join(v.replace(".", "\\.") for v in sorted(VERB_STATUS)) + ')"',
        "$.verb.display": _MAP,
        "$.object.objectType": '"Activity"',
        "$.object.id": f'"{_IRI}"',
        "$.object.definition.name": _MAP,
        "$.object.definition.description": _MAP,
        "$.object.definition.type": f'"{_IRI}"',
        "$.object.definition.moreInfo": f'"{_IRI}"',
        "$.object.definition.extensions": _EXTENSIONS,
        "$.result.success": "true|false",
        "$.result.completion": "true|false",
        "$.result.response": _TEXT,
        "$.result.duration": _DURATION,
        "$.result.extensions": _EXTENSIONS,
        "$.result.score.scaled": _NUMBER,
        "$.result.score.raw": _NUMBER,
        "$.result.score.min": _NUMBER,
        "$.result.score.max": _NUMBER,
        "$.context.registration": f'"{_UUID}"',
        "$.context.contextActivities": "",  # a check of its own (_checks): most statements have none
        "$.context.platform": _TEXT,
        "$.context.revision": _TEXT,
        "$.context.language": f'"{_TAG}"',
        "$.context.extensions": _EXTENSIONS,
    }


#: The values every statement decided here has (the others may be left out).
_REQUIRED = ("$.id", "$.timestamp", "$.verb.id", "$.object.id")


def _values_pattern() -> str:
    """One pattern for the JSON texts of all _VALUES of a line, joined by newlines (a JSON text
    written back never holds one, and no pattern here matches one: so each value is matched by its
    own pattern); an absent value is an empty text (a JSON text never is)."""
    patterns = _patterns()
    assert tuple(patterns) == _VALUES
    return "\\n".join(f"({patterns[p]})" if p in _REQUIRED else f"({patterns[p]})?" for p in _VALUES if patterns[p])


def _status(verb: str) -> str:
    """The status a verb's JSON text records (null for a verb the dashboard does not use). A CASE,
    not a list: DuckDB may answer a list of constants with a join, and a join may change the order."""
    whens = " ".join(f"when '\"{v}\"' then '{status}'" for v, status in sorted(VERB_STATUS.items()))
    return f"case {verb} {whens} end"


def _success_verb(verb: str) -> str:
    """Whether a verb's result.success false makes the status failed."""
    return f"case {verb} " + " ".join(f"when '\"{v}\"' then true" for v in sorted(_SUCCESS_VERBS)) + " else false end"


def _checks() -> list[str]:
    """What makes a statement one SQL decides: each condition, on the line j, the keys k of its
    objects and the JSON texts x of its other values."""
    k, x = _k, _x
    joined = ", chr(10), ".join(f"coalesce({x(p)}, '')" for p, pattern in _patterns().items() if pattern)
    return [
        # no escapes (Python decodes them, and they may hide anything); no trailing commas (DuckDB's
        # parser allows them, JSON does not): with blank space after the comma, looked for only
        # where a comma is followed by blank space
        "not contains(j, '\\') and not contains(j, ',}') and not contains(j, ',]')",
        "case when regexp_matches(j, ',[ \\t\\r\\n]') then not regexp_matches(j, ',[ \\t\\r\\n]+[\\]}]') else true end",
        # objects where objects must be, with a key at least (an empty list: not an object)
        " and ".join(f"len({k(p)}) > 0" for p in ("$", "$.actor", "$.verb", "$.object")),
        " and ".join(f"coalesce(len({k(p)}) > 0, true)" for p in _OBJECTS),
        # only keys they may hold, each once: as many keys in those objects as values and objects
        # read at their keys (the keys of maps and extensions are in their patterns)
        "len(flatten(k)) = list_aggregate(x, 'count') + list_aggregate(k, 'count') - 1",
        # an Agent with exactly one identifier; an account with its two parts
        " + ".join(_present(f"$.actor.{key}") for key in ("mbox", "mbox_sha1sum", "account")) + " = 1",
        f"{k('$.actor.account')} is null"
        f" or {x('$.actor.account.homePage')} is not null and {x('$.actor.account.name')} is not null",
        # every value as it may be
        f"regexp_full_match(concat({joined}), '{_values_pattern()}')",
        f"{x('$.context.contextActivities')} is null"
        f" or regexp_full_match({x('$.context.contextActivities')}, '{_CONTEXT_ACTIVITIES}')",
    ]


def _fast_sql() -> str:
    """One row per line of the file, in file order: whether SQL decides it, and its record when it does.

    Each line is parsed twice: for the keys of its objects (k), and for its other values (x)."""
    k, x = _k, _x
    fast = "coalesce(" + "\n and ".join(f"({c})" for c in _checks()) + ", false)"
    objects = ", ".join(f"'{p}'" for p in _OBJECTS)
    values = ", ".join(f"'{p}'" for p in _VALUES)
    return f"""
        with parts as (
            select
                json::varchar as j,
                json_keys(json, [{objects}]) as k,
                json_extract(json, [{values}])::varchar [] as x
            from read_ndjson_objects($path, ignore_errors = true)
        )
        select
            {fast} as fast,
            case
                when {x("$.actor.mbox")} is not null then 'email'
                when {x("$.actor.mbox_sha1sum")} is not null then 'mbox_sha1'
                else 'account'
            end as learner_kind,
            case
                when {x("$.actor.mbox")} is not null then {x("$.actor.mbox")}[9:-2]
                when {x("$.actor.mbox_sha1sum")} is not null then lower({x("$.actor.mbox_sha1sum")}[2:-2])
                else {x("$.actor.account.name")}[2:-2]
            end as learner_value,
            {x("$.object.id")}[2:-2] as course_key,
            case
                when {_success_verb(x("$.verb.id"))} and {x("$.result.success")} = 'false' then 'failed'
                else {_status(x("$.verb.id"))}
            end as status,
            try_cast({x("$.timestamp")}[2:-2] as timestamptz) as completed_at,
            try_cast({x("$.result.score.scaled")} as double) as scaled,
            try_cast({x("$.result.score.raw")} as double) as raw,
            try_cast({x("$.result.score.min")} as double) as min,
            try_cast({x("$.result.score.max")} as double) as max,
            {k("$.result.score")} is not null as scored,
            lower({x("$.id")}[2:-2]) as source_record_id
        from parts
    """


#: What DuckDB's reader takes as a blank line (Python's strip() takes more: see read_lines).
_BLANK = b" \t\r\n"
#: A line that may be blank: a newline followed by blank space.
_BLANK_START = re.compile(rb"\n[ \t\r\n]")


def _blank_lines(path: Path) -> tuple[int, list[int]]:
    """The number of lines of the file as Python counts them (a last line without newline too), and
    the numbers of those DuckDB's reader skips as blank. Counted in blocks; a file where no newline
    is followed by blank space (nearly every export) is not read line by line."""
    count, last, maybe = 0, b"\n", False
    with path.open("rb") as fh:
        while block := fh.read(1 << 24):
            count += block.count(b"\n")
            maybe = maybe or _BLANK_START.search(last + block[:1]) is not None or _BLANK_START.search(block) is not None
            last = block[-1:]
    lines = count + (last != b"\n")
    if not maybe:
        return lines, []
    with path.open("rb") as fh:
        return lines, [number for number, line in enumerate(fh, start=1) if not line.strip(_BLANK)]


def _scores(frame: pl.DataFrame) -> pl.DataFrame:
    """The score of each distinct (scaled, raw, min, max) given, by rules._score; null where it refuses one."""
    given = frame.filter(pl.col("scored")).select("scaled", "raw", "min", "max").unique()
    rows = []
    for scaled, raw, lo, hi in given.iter_rows():
        parts = {k: v for k, v in (("scaled", scaled), ("raw", raw), ("min", lo), ("max", hi)) if v is not None}
        try:
            rows.append((scaled, raw, lo, hi, _score({"score": parts}), True))
        except InvalidStatement:
            rows.append((scaled, raw, lo, hi, None, False))
    return pl.DataFrame(
        rows,
        schema={
            "scaled": pl.Float64,
            "raw": pl.Float64,
            "min": pl.Float64,
            "max": pl.Float64,
            "score": pl.Float64,
            "score_ok": pl.Boolean,
        },
        orient="row",
    )


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    con.execute("set enable_progress_bar = false")
    # memory: DuckDB hands back what it freed after each task (it would keep up to 128 MB)
    con.execute("set allocator_flush_threshold = '16MB'")
    return con


def _mostly_plain(path: Path) -> bool:
    """Whether SQL decides enough of the statements in the first SAMPLE_BYTES of the file to be worth
    reading it with SQL (a file of rarer shapes is read by the Python reader at once, without a
    wasted pass). The whole lines of that start are copied to a small file that DuckDB reads."""
    with path.open("rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    cut = head.rfind(b"\n")
    if cut < 0:
        return False
    con = _connect()
    try:
        with tempfile.NamedTemporaryFile(suffix=".jsonl") as sample:
            sample.write(head[: cut + 1])
            sample.flush()
            plain, seen = con.sql(
                f"select count(*) filter (where fast), count(*) from ({_fast_sql()})", params={"path": sample.name}
            ).fetchall()[0]
    except duckdb.Error:
        return False
    finally:
        con.close()
    return seen > 0 and seen - plain <= MAX_SLOW_SHARE * seen


def _decided(path: Path) -> pl.DataFrame | None:
    """Every statement's verdict from SQL, in file order (``number``, from 1; ``line``: the same until
    read_lines knows the blank lines); None when DuckDB cannot read the file."""
    con = _connect()
    try:
        # memory: the answer is taken in batches as DuckDB gives it
        batches = con.sql(_fast_sql(), params={"path": str(path)}).to_arrow_reader(_BATCH_ROWS)
        frame = pl.concat([pl.from_arrow(batch) for batch in batches], rechunk=True)
    except duckdb.Error:
        return None
    finally:
        con.close()
    frame = frame.with_row_index("number", offset=1).with_columns(pl.col("number").cast(pl.Int64))
    frame = frame.with_columns(line=pl.col("number"))
    scores = _scores(frame)
    frame = frame.join(scores, on=["scaled", "raw", "min", "max"], how="left", nulls_equal=True, maintain_order="left")
    return frame.select(
        "number",
        "line",
        (pl.col("fast") & (~pl.col("scored") | pl.col("score_ok").fill_null(False))).alias("fast"),
        *(c for c in _RECORD_COLUMNS if c not in ("row_number", "raw", "line", "score", "completed_at")),
        pl.col("completed_at").dt.convert_time_zone("UTC"),
        pl.when(pl.col("scored")).then(pl.col("score")).alias("score"),
    )


def _decided_apart(path: Path) -> pl.DataFrame | None:
    """_decided in a worker process: the memory DuckDB and Arrow take while reading goes back to the
    system with the worker, and the loader goes on with the verdicts only (an Arrow file). None when
    the worker could not run or DuckDB could not read the file.

    A fresh interpreter, not a fork (the caller may run threads), as in parallel.py."""
    root = str(Path(__file__).resolve().parents[2])  # the folder that holds etl/, for the worker's imports
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
    _remove_orphaned_parts()
    with tempfile.TemporaryDirectory(prefix=f"xapi-parts-{os.getpid()}-") as tmp:
        out = Path(tmp) / "decided.arrow"
        code = subprocess.call(
            [
                sys.executable,
                "-c",
                "from etl.xapi.setwise import _decided_main; _decided_main()",
                str(path),
                str(out),
                str(os.getpid()),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if code != 0 or not out.exists():
            return None
        # mapped, not read: the frame's columns are the file's pages (the file goes with the folder,
        # its pages stay while the frame holds them)
        with pa.memory_map(str(out)) as source:
            return pl.from_arrow(pa.ipc.open_file(source).read_all())


def _decided_main() -> None:
    """Entry point of the worker of _decided_apart: argv = path, output file, loader pid."""
    path, out, parent = sys.argv[1:4]
    _die_with_parent(int(parent))
    frame = _decided(Path(path))
    if frame is not None:
        frame.write_ipc(out, compression="uncompressed")


def read_lines(name: str, path: Path) -> Parsed | None:
    """Read a UTF-8 JSON lines file with SQL deciding the plain statements; None when it should be read
    the usual way (a StatementResult on a line, a byte order mark, lines blank for Python and not for
    DuckDB, too many rare shapes)."""
    with path.open("rb") as fh:
        if fh.read(3) == b"\xef\xbb\xbf":
            return None
    if not _mostly_plain(path):
        return None
    with ThreadPoolExecutor(1) as pool:  # the lines are counted while DuckDB reads
        counted = pool.submit(_blank_lines, path)
        frame = _decided_apart(path)
        lines, blanks = counted.result()
    if frame is None:
        return None
    if frame.height != lines - len(blanks):
        return None  # a line DuckDB reads as two, or as none, and Python as one
    if blanks:  # the physical line of each statement
        numbers = pl.int_range(1, lines + 1, dtype=pl.Int64, eager=True)
        frame = frame.with_columns(line=numbers.filter(~numbers.is_in(blanks)))
    slow = dict(frame.filter(~pl.col("fast")).select("line", "number").iter_rows())
    if len(slow) > MAX_SLOW_SHARE * frame.height:
        return None
    collector = _Collector(raw_by_line=True, path=path)
    total = _LineScan()
    for line_no, text in records.read_lines(path, set(slow)):
        if not text:
            return None  # blank for Python, not for DuckDB: statement numbers would differ
        scan = _scan_lines(iter([(line_no, text)]), collector, first_number=slow[line_no] - 1)
        if scan.number != 1:
            return None  # a StatementResult page on a line: its statements take several numbers
        total.statement_like += scan.statement_like
        total.broken += scan.broken
        total.first_error = total.first_error or scan.first_error
    collector._settle()
    if len(slow):  # (a filter copies every column)
        frame = frame.filter(pl.col("fast"))
    fast = frame.select(
        pl.col("number").alias("row_number"),
        *(c for c in _RECORD_COLUMNS if c not in ("row_number", "raw", "line")),
        pl.lit(None, dtype=pl.Utf8).alias("raw"),
        "line",
    )
    del frame
    fast = fast.select(list(_RECORD_SCHEMA)).cast(_RECORD_SCHEMA)
    collector.rows_read += fast.height
    total.number = collector.rows_read
    total.statement_like += fast.height
    _merge_ids(collector, fast, path)
    return _lines_result(name, collector, total, None)


def _merge_ids(collector: _Collector, fast: pl.DataFrame, path: Path) -> None:
    """Add SQL's records to the collector's as if every statement had been read in file order: the
    first statement of an id is kept, every later one is a duplicate naming it (collector.parsed)."""
    collector._chunk()
    ids = pl.col("source_record_id")
    first = ids.is_first_distinct()
    later = fast.filter(~first).select("row_number", "source_record_id", "line")
    dropped = list(later.iter_rows())
    both = list(collector.seen_ids) if collector.seen_ids else []
    wanted = fast.filter(first & (ids.is_in(both) | ids.is_in(later["source_record_id"].implode())))
    firsts = {i: (n, ln) for n, i, ln in wanted.select("row_number", "source_record_id", "line").iter_rows()}
    for stmt_id in [i for i in collector.seen_ids if i in firsts]:
        (fast_no, line), slow_no = firsts[stmt_id], collector.seen_ids[stmt_id]
        if fast_no < slow_no:  # the statement Python read came later: it is the duplicate
            _drop_slow(collector, stmt_id, slow_no)
            collector.seen_ids[stmt_id] = fast_no
        else:
            dropped.append((fast_no, stmt_id, line))
    for _, stmt_id, _ in dropped:
        collector.seen_ids.setdefault(stmt_id, firsts[stmt_id][0])
    if dropped:
        texts = dict(records.read_lines(path, {ln for _, _, ln in dropped}))
        collector.duplicates.extend((n, i, texts[ln]) for n, i, ln in dropped)
        fast = fast.filter(~pl.col("row_number").is_in([n for n, _, _ in dropped]))
    collector.duplicates.sort(key=lambda d: d[0])
    python = [chunk for chunk in collector.chunks if chunk.height]
    if python:  # both in statement order: merged, not sorted again
        fast = fast.merge_sorted(pl.concat(python).sort("row_number"), key="row_number")
    collector.chunks = [fast]


def _drop_slow(collector: _Collector, stmt_id: str, number: int) -> None:
    """A statement Python read repeats the id of an earlier one SQL read: out of its records or voidings."""
    raw = None
    for v in collector.voidings:
        if v.statement_id == stmt_id and v.row_number == number:
            raw = v.raw
    collector.voidings = [v for v in collector.voidings if not (v.statement_id == stmt_id and v.row_number == number)]
    hit = (pl.col("source_record_id") == stmt_id) & (pl.col("row_number") == number)
    for chunk in collector.chunks:
        found = chunk.filter(hit)
        if found.height:
            raw = found["raw"][0]
            if raw is None:
                line = found["line"][0]
                raw = dict(records.read_lines(collector.path, {line}))[line]
    collector.chunks = [chunk.filter(~hit) for chunk in collector.chunks]
    collector.duplicates.append((number, stmt_id, raw))
