"""Command line: ``python -m etl load|sample|status|forget|publish|suggest-skills|export``.

Exit status: 0 when every file could be read (rejected rows are normal), 1 when any
file could not be read at all, 2 when the command itself was used wrongly.

``status`` exits 0 when it could report: also while a load writes the warehouse (it then
says so in its first line and reports what readers see, the published snapshot), and when
readers do not see the latest commits yet (its last line says so). It exits 1, with one
sentence, when there is nothing to report: no warehouse, or a first load still writing it.

``forget`` (an employee id or an e-mail address) erases the person from every table, then
rewrites the file and republishes, so that no byte of them is left in the warehouse file,
its WAL or any snapshot; 1 when nobody by that id or e-mail is in the warehouse.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb

import warehouse
from etl.credentials import TrustFileError
from etl.load import ALL_KINDS, load_paths, main_progress, recorded
from etl.suggest import add_command as add_suggest_skills

SAMPLE_DIR = warehouse.SAMPLE_DIR


def _print_summaries(summaries) -> int:
    failed = unchanged = 0
    for s in summaries:
        print(s.line())
        failed += s.status == "failed"
        unchanged += s.status == "unchanged"
    totals = [
        sum(getattr(s, f) for s in summaries) for f in ("rows_read", "rows_loaded", "rows_duplicate", "rows_rejected")
    ]
    print(
        f"{len(summaries)} file(s): {totals[0]:,} read, {totals[1]:,} loaded, {totals[2]:,} duplicate, "
        f"{totals[3]:,} rejected, " + (f"{unchanged} already loaded, " if unchanged else "") + f"{failed} not loaded"
    )
    return 1 if failed else 0


def cmd_load(args) -> int:
    con = warehouse.connect(args.db)
    try:
        big = any(Path(p).is_file() and Path(p).stat().st_size > 5 << 20 for p in args.paths)
        progress = main_progress() if (big and sys.stderr.isatty()) or (big and args.progress) else None
        summaries = load_paths(
            con,
            args.paths,
            kind=args.kind,
            profile=args.profile,
            tz=args.tz,
            progress=progress,
            trusted_issuers=args.trusted_issuers,
        )
        # failed and unchanged attempts show in the history too; and what an earlier load or erasure
        # committed without publishing (it was killed) is published now
        if recorded(summaries) or warehouse.unpublished(con, args.db):
            warehouse.publish(args.db, con=con)  # under this load's lock (then closed): no other load gets in
    finally:
        con.close()
    return _print_summaries(summaries)


def build_sample(db: str | Path | None, scale: float = 1.0, seed: int = 7, quiet: bool = False) -> int:
    """Build a demo warehouse: the committed sample at scale 1, a generated organisation otherwise."""
    target = warehouse.db_path(db)
    building = target.with_name(target.name + ".building")
    leftovers = [building.with_name(building.name + suffix) for suffix in (".wal", ".lock")]
    for stale in (building, *leftovers):
        stale.unlink(missing_ok=True)
    con = warehouse.connect(building)
    tmp = None
    source = SAMPLE_DIR
    if scale != 1.0 or not SAMPLE_DIR.exists():
        from sample import generator as sample_gen

        tmp = Path(tempfile.mkdtemp(prefix="upskill-sample-"))
        sample_gen.generate(tmp, scale=scale, seed=seed)
        source = tmp
    try:
        # the demo Moodle site exports in Irish time (sample_data/README.md)
        summaries = load_paths(con, [source], tz="Europe/Dublin")
    finally:
        con.close()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    # the demo replaces the warehouse whole: built aside, then moved in and published
    target.with_name(target.name + ".wal").unlink(missing_ok=True)
    os.replace(building, target)
    for stale in leftovers:
        stale.unlink(missing_ok=True)
    warehouse.publish(target)
    if quiet:
        return 1 if any(s.status == "failed" for s in summaries) else 0
    code = _print_summaries(summaries)
    print(f"Demo warehouse written to {target}")
    return code


def cmd_sample(args) -> int:
    return build_sample(args.db, args.scale, args.seed)


def _busy(exc: duckdb.Error) -> bool:
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def cmd_status(args) -> int:
    from etl import status

    path = warehouse.db_path(args.db)
    if not path.exists():
        print(f"There is no warehouse at {path}; run 'python -m etl load FILES' or 'python -m etl sample'.")
        return 1
    try:
        con = warehouse.connect(path, read_only=True)
    except duckdb.Error as exc:
        if not _busy(exc):
            raise
        snapshot = warehouse.read_path(path)
        if snapshot == path:
            print(
                "A load is writing the warehouse now and nothing has been published yet; "
                "run 'python -m etl status' again when it has finished.",
                file=sys.stderr,
            )
            return 1
        con = warehouse.connect(snapshot, read_only=True)
        try:
            print("A load is writing the warehouse now; below is what readers see until it has finished.")
            print(status.report(con))
        finally:
            con.close()
        return 0
    try:
        print(status.report(con))
        if warehouse.unpublished(con, path):
            print("")
            print(status.UNPUBLISHED)
    finally:
        con.close()
    return 0


def cmd_forget(args) -> int:
    from etl.forget import UnknownEmployee, forget

    who = args.who or args.employee
    if not who:
        print("Name the person to erase: an employee id or an e-mail address.", file=sys.stderr)
        return 2
    con = warehouse.connect(args.db)
    try:
        n = forget(con, who)
    except BaseException as exc:
        con.close()
        if isinstance(exc, UnknownEmployee):
            print(str(exc), file=sys.stderr)
            return 1
        raise
    # DuckDB keeps deleted rows in the file's free blocks and the snapshots hold them whole:
    # the file is copied afresh, put in place, and published; the old bytes are emptied
    warehouse.rewrite_and_publish(con, args.db)
    print(
        f"Erased the personal data of one person ({n} rows removed or changed), from the warehouse file and its "
        "published snapshot. The erasure is recorded without saying whose."
    )
    return 0


def cmd_publish(args) -> int:
    warehouse.publish(args.db, con=warehouse.connect(args.db))  # connect migrates an older warehouse
    print("Published the warehouse for readers.")
    return 0


def cmd_export(args) -> int:
    from etl import export

    return export.main(args.db, args.to)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m etl", description="Load learning exports into the warehouse.")
    p.add_argument("--db", help="warehouse file (default: $UPSKILL_DB or data/warehouse.duckdb)")
    sub = p.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="load export files or folders")
    load.add_argument("paths", nargs="+", help="files or folders")
    load.add_argument("--kind", choices=ALL_KINDS, help="force the kind of every file instead of detecting it")
    load.add_argument("--profile", help="mapping profile (TOML) for a provider CSV")
    load.add_argument("--tz", default="UTC", help="time zone of naive dates in Moodle exports (default UTC)")
    load.add_argument("--progress", action="store_true", help="show a progress bar even when not on a terminal")
    load.add_argument(
        "--trusted-issuers", help="JSON of issuer/key ids to public JWKs that credentials are checked with"
    )
    load.add_argument("--db", dest="db_sub", help=argparse.SUPPRESS)
    load.set_defaults(func=cmd_load)
    sample = sub.add_parser("sample", help="build the demo warehouse from sample_data/")
    sample.add_argument("--scale", type=float, default=1.0, help="generate an organisation about N times larger")
    sample.add_argument("--seed", type=int, default=7)
    sample.add_argument("--db", dest="db_sub", help=argparse.SUPPRESS)
    sample.set_defaults(func=cmd_sample)
    status = sub.add_parser("status", help="what was loaded when, freshness per source, rejected rows")
    status.add_argument("--db", dest="db_sub", help=argparse.SUPPRESS)
    status.set_defaults(func=cmd_status)
    forget = sub.add_parser("forget", help="erase one person's personal data everywhere it is stored")
    forget.add_argument("who", nargs="?", help="the employee id or e-mail address of the person to erase")
    forget.add_argument("--employee", help="the employee id (or e-mail address)")
    forget.add_argument("--db", dest="db_sub", help=argparse.SUPPRESS)
    forget.set_defaults(func=cmd_forget)
    publish = sub.add_parser("publish", help="publish the warehouse for readers (after a load that was stopped)")
    publish.add_argument("--db", dest="db_sub", help=argparse.SUPPRESS)
    publish.set_defaults(func=cmd_publish)
    add_suggest_skills(sub)  # suggest-skills: etl/suggest.py
    export = sub.add_parser("export", help="write the tables as Parquet for Spark (docs/scale-out.md)")
    export.add_argument("--to", required=True, help="folder to write (replaced whole)")
    export.add_argument("--db", dest="db_sub", help=argparse.SUPPRESS)
    export.set_defaults(func=cmd_export)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "db_sub", None):
        args.db = args.db_sub
    try:
        return args.func(args)
    except warehouse.WarehouseError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except TrustFileError as exc:  # the operator's own configuration: nothing was loaded
        print(str(exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
