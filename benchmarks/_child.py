"""Timed work run in a fresh process, so its peak memory is its own: ``python -m benchmarks._child TASK ...``.

Prints one JSON line: the seconds of the timed part (imports and setup excluded) and
what was done; ``self_maxrss_kb`` is the process's own peak resident memory (VmHWM).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def load(db: str, *files: str) -> dict:
    """The product's loader, as ``python -m etl load FILE...`` runs it (``load_paths``: each file in its own
    transaction, Open Badges files together in one pass)."""
    import etl  # noqa: F401 (before Polars is imported, as in `python -m etl`: it sets Polars' allocator)
    import warehouse
    from etl import load as loader
    from etl.load import load_paths

    con = warehouse.connect(db)
    loader.PHASE_SECONDS = {}
    started = time.perf_counter()
    summaries = load_paths(con, [Path(f) for f in files])
    con.close()  # the data is on disk (checkpointed), as in the baseline
    seconds = time.perf_counter() - started
    failed = [s.line() for s in summaries if s.status != "loaded"]
    if failed:
        raise SystemExit("not loaded: " + "; ".join(failed))
    return {
        "seconds": seconds,
        "files": len(files),
        "rows_read": sum(s.rows_read for s in summaries),
        "rows_loaded": sum(s.rows_loaded for s in summaries),
        "rows_duplicate": sum(s.rows_duplicate for s in summaries),
        "rows_rejected": sum(s.rows_rejected for s in summaries),
        "phases": {phase: round(seconds, 3) for phase, seconds in loader.PHASE_SECONDS.items()},
    }


def duckdb_table(db: str, kind: str, path: str) -> dict:
    """The baseline: plain DuckDB reading the same file into a table of a fresh database file."""
    import duckdb

    con = duckdb.connect(db)
    reader = "read_csv(?)" if kind == "csv" else "read_json(?, format = 'newline_delimited')"
    started = time.perf_counter()
    con.execute(f"create table t as select * from {reader}", [path])
    rows = con.execute("select count(*) from t").fetchall()[0][0]
    con.close()  # the data is on disk (checkpointed), as for the loader
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": rows}


def load_loop(db: str, status: str, stop: str, *files: str) -> dict:
    """Loads while people look: each file in turn into the warehouse and published, as ``python -m etl
    load`` does, again and again until the file `stop` exists. Each load's start and end (Unix time,
    shared by every process) is appended to `status` as a JSON line as soon as it is known."""
    import etl  # noqa: F401 (before Polars is imported, as in `python -m etl`: it sets Polars' allocator)
    import warehouse
    from etl.load import load_file

    loads, k = 0, 0
    with open(status, "a", encoding="utf-8") as out:
        while not Path(stop).exists():
            path = Path(files[k % len(files)])
            k += 1
            started = time.time()
            out.write(json.dumps({"event": "start", "file": path.name, "at": started}) + "\n")
            out.flush()
            con = warehouse.connect(db)
            summary = load_file(con, path)
            warehouse.publish(db, con=con)  # under this load's lock, then closed
            out.write(
                json.dumps(
                    {
                        "event": "end",
                        "file": path.name,
                        "at": time.time(),
                        "status": summary.status,
                        "rows_loaded": summary.rows_loaded,
                        "rows_duplicate": summary.rows_duplicate,
                    }
                )
                + "\n"
            )
            out.flush()
            loads += 1
    return {"seconds": 0.0, "loads": loads}


TASKS = {"load": load, "duckdb": duckdb_table, "load-loop": load_loop}


def peak_kb() -> int:
    """This process's peak resident memory: VmHWM, which starts afresh at exec (ru_maxrss does not on
    Linux: it keeps the parent's size at the fork, so a large benchmark process would show through)."""
    from benchmarks.common import proc_status_kb

    return proc_status_kb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    task, *args = sys.argv[1:]
    answer = TASKS[task](*args)
    answer["self_maxrss_kb"] = peak_kb()
    print(json.dumps(answer))


if __name__ == "__main__":
    main()
