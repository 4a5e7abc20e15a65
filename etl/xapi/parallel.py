"""Large JSON lines files, read in parts by worker processes.

Decoding and checking a statement costs microseconds of Python each, so a file of
millions of statements is cut at line ends into one part per processor; each part is
read by a worker process with exactly the code of a one-pass read (collect.py),
numbering its statements from 1. The parts are then put back in file order: statement
numbers are shifted by the statements before the part, and an id already seen in an
earlier part makes the statement a duplicate, as it would be when read in one go.

When a file is read in parts is decided in etl/xapi/__init__.py (PARALLEL_MIN_BYTES).
"""

from __future__ import annotations

import itertools
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from common.text import decode_line
from etl import records
from etl.records import Parsed, Rejected
from etl.xapi.collect import _RECORD_SCHEMA, _Collector, _lines_result, _LineScan, _scan_lines
from etl.xapi.rules import Voiding


def _workers() -> int:
    """Processors this process may use (at most 4: the merge, not the reading, bounds the gain beyond)."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        available = os.cpu_count() or 1
    return max(1, min(available, 4))


def _part_bounds(path: Path, parts: int) -> list[tuple[int, int, int]]:
    """(start byte, end byte, physical number of the first line) of each part, cut after a newline."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        cuts = [0]
        for k in range(1, parts):
            fh.seek(max(cuts[-1], size * k // parts))
            rest = fh.tell()
            while True:
                block = fh.read(1 << 16)
                if not block:
                    rest = -1
                    break
                found = block.find(b"\n")
                if found >= 0:
                    rest += found + 1
                    break
                rest += len(block)
            if rest < 0:
                break
            cuts.append(rest)
        cuts.append(size)
        bounds, line_no = [], 1
        for start, end in itertools.pairwise(cuts):
            if end > start:
                bounds.append((start, end, line_no))
            fh.seek(start)
            left = end - start
            while left > 0:
                block = fh.read(min(left, 1 << 24))
                line_no += block.count(b"\n")
                left -= len(block)
    return bounds


def _part_lines(path: str, start: int, end: int, first_line_no: int) -> Iterator[tuple[int, str]]:
    """Numbered non-blank lines of one part, decoded as _utf8_lines does (BOM only at the file start)."""
    with open(path, "rb") as fh:
        fh.seek(start)
        position, line_no = start, first_line_no
        while position < end:
            line = fh.readline()
            if not line:
                break
            position += len(line)
            text = decode_line(line, at_start=position == len(line)).strip()
            if text:
                yield line_no, text
            line_no += 1


def _read_part(path: str, start: int, end: int, first_line_no: int) -> tuple:
    """Worker: read one part of a JSON lines file; what it found, numbered from 1 within the part."""
    collector = _Collector(raw_by_line=True)
    scan = _scan_lines(_part_lines(path, start, end, first_line_no), collector)
    collector._flush()
    frame = pl.concat(collector.chunks, rechunk=True) if collector.chunks else pl.DataFrame(schema=_RECORD_SCHEMA)
    return (
        frame,
        collector.rejected,
        collector.voidings,
        collector.duplicates,
        collector.seen_ids,
        collector.rows_read,
        scan,
    )


def _from_lines_parallel(name: str, path: Path, workers: int) -> Parsed | None:
    """Read a large JSON lines file in parts, in worker processes; None when it is better read in one go
    (it does not cut into two parts, or a worker could not run).

    The workers are fresh interpreters (``python -c``), not forks: the caller may run
    threads (a web server, Polars, DuckDB), and a fork of a threaded process can hang.
    """
    bounds = _part_bounds(path, workers)
    if len(bounds) < 2:
        return None
    root = str(Path(__file__).resolve().parents[2])  # the folder that holds etl/, for the workers' imports
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
    _remove_orphaned_parts()
    with tempfile.TemporaryDirectory(prefix=f"xapi-parts-{os.getpid()}-") as tmp:
        outputs = [Path(tmp) / f"part-{k}.pickle" for k in range(len(bounds))]
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "from etl.xapi.parallel import _part_main; _part_main()",
                    str(path),
                    str(start),
                    str(end),
                    str(line_no),
                    str(out),
                    str(os.getpid()),
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for (start, end, line_no), out in zip(bounds, outputs, strict=False)
        ]
        if any(p.wait() != 0 for p in procs):  # every worker is waited for before the folder goes
            return None  # a worker could not run here (e.g. no memory): read the file in one go instead
        results = [_part_result(out) for out in outputs]
    return _merge_parts(name, path, results)


def _remove_orphaned_parts() -> None:
    """Remove the part files of loaders that were killed: a killed process cannot clean up after itself."""
    for folder in Path(tempfile.gettempdir()).glob("xapi-parts-*-*"):
        try:
            pid = int(folder.name.split("-")[2])
        except (IndexError, ValueError):
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue  # alive, under another user


def _die_with_parent(parent: int) -> None:
    """A worker whose loader is killed stops too (Linux), instead of reading on for nobody."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if os.getppid() != parent:  # the loader was gone before the line above
        os._exit(1)


def _part_main() -> None:
    """Entry point of a worker process: argv = path, start, end, first line number, output file, loader pid.

    The records go to an Arrow file beside the output (no pickled copy of a large frame).
    """
    path, start, end, first_line_no, out, parent = sys.argv[1:7]
    _die_with_parent(int(parent))
    frame, *rest = _read_part(path, int(start), int(end), int(first_line_no))
    frame.write_ipc(out + ".arrow")
    del frame
    Path(out).write_bytes(pickle.dumps(rest, protocol=pickle.HIGHEST_PROTOCOL))


def _part_result(out: Path) -> tuple:
    """What a worker wrote: the records frame and the rest of _read_part's result."""
    rest = pickle.loads(out.read_bytes())
    return (pl.read_ipc(str(out) + ".arrow"), *rest)


def _merge_parts(name: str, path: Path, results: list[tuple]) -> Parsed:
    """Put the parts back in file order, as if the file had been read in one go.

    The workers keep no text for statements alone on their line (``raw_by_line``): the
    loader reads back the few it needs (``Parsed.raw_of``).
    """
    collector = _Collector(raw_by_line=True, path=path)
    total = _LineScan()
    offset = 0
    for frame, rejected, voidings, duplicates, seen, rows_read, scan in results:
        later = seen.keys() & collector.seen_ids.keys()  # ids that an earlier part already had
        if later:
            dropped = [(i, n) for i, n in seen.items() if i in later]
            found = frame.filter(pl.col("source_record_id").is_in(list(later))).select(
                "source_record_id", "raw", "line"
            )
            texts = dict(records.read_lines(path, {ln for _, raw, ln in found.iter_rows() if raw is None}))
            raws = {i: raw if raw is not None else texts[ln] for i, raw, ln in found.iter_rows()}
            raws.update({v.statement_id: v.raw for v in voidings if v.statement_id in later})
            collector.duplicates.extend((n + offset, i, raws[i]) for i, n in dropped)
            frame = frame.filter(~pl.col("source_record_id").is_in(list(later)))
            voidings = [v for v in voidings if v.statement_id not in later]
        collector.chunks.append(frame.with_columns(pl.col("row_number") + offset))
        collector.rejected.extend(Rejected(r.row_number + offset, r.reason, r.raw) for r in rejected)
        collector.voidings.extend(Voiding(v.row_number + offset, v.statement_id, v.target_id, v.raw) for v in voidings)
        collector.duplicates.extend((n + offset, i, raw) for n, i, raw in duplicates)
        for i, n in seen.items():
            collector.seen_ids.setdefault(i, n + offset)
        collector.rows_read += rows_read
        total.number += scan.number
        total.statement_like += scan.statement_like
        total.broken += scan.broken
        total.first_error = total.first_error or scan.first_error
        offset += scan.number
    collector.duplicates.sort()
    return _lines_result(name, collector, total, None)
