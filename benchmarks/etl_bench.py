"""Loading: a provider CSV and an xAPI JSON-lines export of N rows, against plain DuckDB.

Each run loads one file into a fresh copy of the base warehouse (the organisation's
company files) in a fresh process: seconds, rows per second, peak memory of the process
and its workers. In the same run, plain DuckDB reads the same file into a table of a
fresh database (``read_csv`` / ``read_json``), timed the same way; ``ratio_vs_duckdb`` is
the median loader time over the median DuckDB time.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from benchmarks import org
from benchmarks.common import OUT, human, log, median, run_child

#: The files: (name, DuckDB reader kind, generator function name, extension).
FILES = (("provider_csv", "csv", "write_provider_csv", "csv"), ("xapi_jsonl", "json", "write_xapi_jsonl", "jsonl"))


def bench_file(kind: str, writer: str, ext: str, rows: int, employees: int, seed: int) -> Path:
    """A generated export of `rows` rows whose learners are the organisation's roster (kept for reuse)."""
    from sample import generator as sample_gen

    path = OUT / "files" / f"{kind}-{human(rows)}-e{human(employees)}-s{seed}.{ext}"
    if not path.exists():
        log(f"writing {path.name}")
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # two runs writing it at once do not mix
        getattr(sample_gen, writer)(tmp, rows, seed=seed, employees=employees)
        tmp.rename(path)
    return path


def _work() -> Path:
    """This run's own folder for the warehouses it loads (runs at the same time do not share files)."""
    work = OUT / "tmp" / f"etl-{os.getpid()}"
    work.mkdir(parents=True, exist_ok=True)
    return work


def _fresh(path: Path) -> Path:
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)
    return path


def measure_file(name: str, reader: str, path: Path, base: Path, repeats: int) -> dict:
    """Loader and DuckDB timings for one file, alternating so that both see the same machine."""
    work = _work()
    loads, baselines = [], []
    for k in range(repeats):
        target = _fresh(work / "etl-load.duckdb")
        shutil.copyfile(base, target)
        log(f"{name}: loader run {k + 1} of {repeats}")
        loads.append(run_child("load", str(target), str(path)))
        log(f"{name}: DuckDB run {k + 1} of {repeats}")
        baselines.append(run_child("duckdb", str(_fresh(work / "etl-duckdb.duckdb")), reader, str(path)))
    shutil.rmtree(work, ignore_errors=True)
    seconds = median([r["seconds"] for r in loads])
    duck = median([r["seconds"] for r in baselines])
    first = loads[0]
    return {
        "file": path.name,
        "megabytes": round(path.stat().st_size / 2**20, 1),
        "rows": first["rows_read"],
        "rows_loaded": first["rows_loaded"],
        "rows_rejected": first["rows_rejected"],
        "seconds": round(seconds, 2),
        "rows_per_second": round(first["rows_read"] / seconds),
        "peak_mb": median([r["peak_mb"] for r in loads]),
        "duckdb_seconds": round(duck, 2),
        "duckdb_peak_mb": median([r["peak_mb"] for r in baselines]),
        "ratio_vs_duckdb": round(seconds / duck, 2),
        "phases": median_phases(loads),
        "runs": {
            "loader_seconds": [round(r["seconds"], 2) for r in loads],
            "duckdb_seconds": [round(r["seconds"], 2) for r in baselines],
        },
    }


def median_phases(loads: list[dict]) -> dict:
    """Seconds of each phase of the load (``etl.load.PHASE_SECONDS``), median over the runs."""
    phases = dict.fromkeys(p for r in loads for p in r.get("phases", {}))
    return {p: round(median([r.get("phases", {}).get(p, 0.0) for r in loads]), 3) for p in phases}


def measure_badges(base: Path, employees: int, seed: int, count: int) -> dict:
    """Open Badges files (one per award, each with its own salted recipient hash) loaded in one pass
    (``python -m etl load`` given them all: ``etl.load.load_badge_files``)."""
    files = org.badge_sample(employees, seed, count)
    work = _work()
    target = _fresh(work / "etl-badges.duckdb")
    shutil.copyfile(base, target)
    log(f"badges: loading {len(files)} files in one pass")
    result = run_child("load", str(target), *map(str, files))
    shutil.rmtree(work, ignore_errors=True)
    return {
        "files": len(files),
        "seconds": round(result["seconds"], 2),
        "seconds_per_file": round(result["seconds"] / len(files), 4),
        "peak_mb": result["peak_mb"],
        "phases": result.get("phases", {}),
    }


def run(rows: int, employees: int, seed: int, repeats: int, badge_files: int) -> dict:
    """The etl section: one entry per file kind, plus the badge files."""
    base = org.base_warehouse(employees, seed)
    section: dict = {"rows": rows, "employees": employees, "repeats": repeats}
    for name, reader, writer, ext in FILES:
        path = bench_file(name.split("_")[0], writer, ext, rows, employees, seed)
        section[name] = measure_file(name, reader, path, base, repeats)
    if badge_files:
        section["badge_files"] = measure_badges(base, employees, seed, badge_files)
    return section


def rows_for_table(section: dict) -> tuple[list[str], list[list]]:
    headers = ["file", "rows", "seconds", "rows/s", "peak MB", "duckdb s", "duckdb peak MB", "ratio vs duckdb"]
    rows = []
    for name, _, _, _ in FILES:
        r = section.get(name)
        if r:
            rows.append(
                [
                    name,
                    r["rows"],
                    r["seconds"],
                    r["rows_per_second"],
                    r["peak_mb"],
                    r["duckdb_seconds"],
                    r["duckdb_peak_mb"],
                    r["ratio_vs_duckdb"],
                ]
            )
    b = section.get("badge_files")
    if b:
        rows.append(
            [
                f"badge files ({b['files']}, s/file {b['seconds_per_file']})",
                b["files"],
                b["seconds"],
                round(b["files"] / b["seconds"]) if b["seconds"] else None,
                b["peak_mb"],
                None,
                None,
                None,
            ]
        )
    return headers, rows


def phase_lines(section: dict) -> list[str]:
    """Where each load's time goes, one line per file kind: phase seconds (``etl.load.PHASE_SECONDS``)."""
    lines = []
    for name in [f[0] for f in FILES] + ["badge_files"]:
        phases = (section.get(name) or {}).get("phases")
        if phases:
            lines.append(f"{name}: " + ", ".join(f"{p} {s:.2f}" for p, s in phases.items()) + " s")
    return lines
