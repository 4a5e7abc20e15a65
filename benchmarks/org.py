"""The organisation the benchmarks run on, generated once and kept in benchmarks/out/.

- ``source(employees, seed)``: the sample generator's exports for a company of that size.
- ``base_warehouse(employees, seed)``: a warehouse holding only its company files (roster,
  catalog, ...), the starting point of every timed load.
- ``org_warehouse(employees, completions, seed)``: every generated export loaded, then xAPI
  statements from the generator's benchmark writer until the warehouse holds the asked number
  of learning records, published as the app reads it.

Each is reused while its key (size, seed and schema version) is unchanged.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from benchmarks.common import OUT, human, log

#: Badge files (one JSON file per award, with a salted recipient hash) loaded into the
#: organisation. Matching a salted hash costs one hash per employee, so each file costs
#: tens of milliseconds at 50,000 people; all of them (about 18,000) would take most of
#: the time budget, so an evenly spread sample is loaded (the etl section times them).
BADGE_FILES = 1000
#: Statements per top-up file (each file is one load, one transaction).
TOPUP_CHUNK = 1_000_000


def schema_version() -> int:
    """The latest migration number: a warehouse built by an older schema is rebuilt."""
    import warehouse

    return warehouse.latest_migration()


def source(employees: int, seed: int) -> Path:
    """The generated exports of the organisation (folders company/, moodle/, lrs/, ...)."""
    from sample import generator as sample_gen

    folder = OUT / f"src-e{human(employees)}-s{seed}"
    done = folder / ".complete"
    if not done.exists():
        log(f"generating the organisation: {employees:,} employees, seed {seed}")
        started = time.perf_counter()
        counts = sample_gen.generate(folder, scale=employees / sample_gen.BASE_EMPLOYEES, seed=seed)
        done.write_text(json.dumps({"seconds": round(time.perf_counter() - started, 1), "counts": counts}))
    return folder


def base_warehouse(employees: int, seed: int) -> Path:
    """A warehouse with the company files only (people, catalog): what a learning-record load resolves against."""
    import warehouse
    from etl.load import load_paths

    path = OUT / f"base-e{human(employees)}-s{seed}-v{schema_version()}.duckdb"
    if not path.exists():
        log("building the base warehouse (company files)")
        building = path.with_name(path.name + ".building")
        building.unlink(missing_ok=True)
        con = warehouse.connect(building)
        failed = [s.line() for s in load_paths(con, [source(employees, seed) / "company"]) if s.status != "loaded"]
        con.close()
        if failed:
            raise RuntimeError("company files did not load: " + "; ".join(failed))
        building.rename(path)
    return path


def badge_sample(employees: int, seed: int, count: int) -> list[Path]:
    """An evenly spread sample of the generated badge files (sorted names, every k-th)."""
    files = sorted((source(employees, seed) / "badges").glob("*.json"))
    if count >= len(files):
        return files
    step = len(files) / count
    return [files[int(i * step)] for i in range(count)]


def _topup_files(folder: Path, statements: int, employees: int, seed: int) -> list[Path]:
    """xAPI statements of the generator's benchmark writer, cut into files of TOPUP_CHUNK lines."""
    from sample import generator as sample_gen

    whole = folder / "topup-all.jsonl"
    sample_gen.write_xapi_jsonl(whole, statements, seed=seed, employees=employees)
    if statements <= TOPUP_CHUNK:
        return [whole]
    parts: list[Path] = []
    with open(whole, "rb") as src:
        out = None
        for i, line in enumerate(src):
            if i % TOPUP_CHUNK == 0:
                if out:
                    out.close()
                parts.append(folder / f"topup-{len(parts):03d}.jsonl")
                out = open(parts[-1], "wb")  # noqa: SIM115 (one file per chunk, closed above)
            out.write(line)
        if out:
            out.close()
    whole.unlink()
    return parts


def _refresh_models(db: Path) -> None:
    """A cached warehouse gets the current views and macros (sql/models), and is published again if they changed."""
    import warehouse

    con = warehouse.connect(db, read_only=True)
    current = warehouse.models_current(con)
    con.close()
    if not current:
        log("the views and macros changed: applying them to the cached organisation")
        warehouse.connect(db).close()
        warehouse.publish(db)


def org_warehouse(
    employees: int, completions: int, seed: int, rebuild: bool = False, badge_files: int = BADGE_FILES
) -> tuple[Path, dict]:
    """The published organisation warehouse (built when missing) and what its build measured."""
    import warehouse
    from etl.load import load_file, load_paths

    folder = OUT / f"org-e{human(employees)}-c{human(completions)}-s{seed}-v{schema_version()}"
    db = folder / "warehouse.duckdb"
    info_file = folder / "build.json"
    if info_file.exists() and db.exists() and not rebuild:
        _refresh_models(db)
        return db, json.loads(info_file.read_text())
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    src = source(employees, seed)
    started = time.perf_counter()
    con = warehouse.connect(db)
    info: dict = {"employees": employees, "target_completions": completions, "seed": seed}

    log("loading the generated exports (company files, Moodle, LRS, SCORM, provider CSVs)")
    t = time.perf_counter()
    summaries = load_paths(
        con, [src / d for d in ("company", "moodle", "lrs", "scorm", "providers")], tz="Europe/Dublin"
    )
    info["generated_exports_seconds"] = round(time.perf_counter() - t, 1)
    info["generated_exports_files"] = len(summaries)

    badges = badge_sample(employees, seed, badge_files)
    log(f"loading {len(badges):,} badge files in one pass")
    t = time.perf_counter()
    load_paths(con, badges)
    info["badge_files"] = len(badges)
    info["badge_seconds_per_file"] = round((time.perf_counter() - t) / max(len(badges), 1), 4)

    have = con.execute("select count(*) from completion_records").fetchall()[0][0]
    need = completions - have
    info["records_from_generated_exports"] = have
    if need > 0:
        log(f"writing {need:,} xAPI statements to reach {completions:,} learning records")
        parts = _topup_files(folder, need, employees, seed)
        for k, part in enumerate(parts, 1):
            log(f"loading top-up file {k} of {len(parts)}")
            t = time.perf_counter()
            summary = load_file(con, part)
            log(f"  {summary.line()} in {time.perf_counter() - t:.1f} s")
            part.unlink()
    counts = con.execute(
        "select (select count(*) from completion_records), (select count(*) from completions), "
        "(select count(*) from evidence), (select count(*) from employees)"
    ).fetchall()[0]
    info.update(completion_records=counts[0], completions=counts[1], evidence_rows=counts[2], employees=counts[3])
    con.execute("checkpoint")
    con.close()
    warehouse.publish(db)
    info["build_seconds"] = round(time.perf_counter() - started, 1)
    info_file.write_text(json.dumps(info, indent=2))
    log(f"organisation ready: {counts[0]:,} learning records, {counts[3]:,} employees ({info['build_seconds']:.0f} s)")
    return db, info
