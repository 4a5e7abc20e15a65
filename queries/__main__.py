"""``python -m queries list|run``: the page queries from the command line.

- ``list``: every page query with its audience, one line each.
- ``run [--engine duckdb|spark] (--db FILE | --parquet DIR) [--as-of YYYY-MM-DD] [--as EMAIL]
  (NAME... | --all) --json``: runs page queries with their pages' default arguments, as the
  viewer sees them (default: L&D, the whole company), and prints
  ``{"engine": "<name> <version>", "results": {"<query>": [{column: value, ...}, ...]}}``.
  Spark reads a Parquet export (``python -m etl export``); DuckDB a warehouse file (or an export).

Exit status: 0 when every query ran, 1 when they could not be run (one sentence on stderr),
2 when the command was used wrongly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

import duckdb

import queries
import warehouse
from etl import export
from queries import engine, runner
from queries.registry import REGISTRY


def cmd_list(args) -> int:
    width = max(len(name) for name in REGISTRY) + 2
    for name in sorted(REGISTRY):
        print(f"{name:<{width}}{REGISTRY[name].audience.value}")
    return 0


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (write it as YYYY-MM-DD)") from None


def _exported(db: str) -> str:
    """A warehouse file exported to a temporary folder (Spark reads Parquet, not DuckDB files)."""
    path = warehouse.db_path(db)
    if not path.exists():
        raise runner.RunError(f"There is no warehouse at {path.name}.")
    folder = Path(tempfile.mkdtemp(prefix="upskill-export-")) / "tables"
    con = warehouse.connect(warehouse.read_path(path), read_only=True)
    try:
        export.export(con, folder)
    finally:
        con.close()
    return str(folder)


def _connect(args):
    """The engine's connection: Spark over the Parquet export, DuckDB over the file (or the export)."""
    if args.engine == "spark":
        if args.parquet and "://" not in args.parquet:  # a URI is Spark's to read (s3://, abfss://, hdfs://)
            engine.local_export(args.parquet)
        return engine.spark_connection(engine.Tables(parquet=args.parquet or _exported(args.db)))
    if args.db:
        path = warehouse.db_path(args.db)
        if not path.exists():
            raise runner.RunError(f"There is no warehouse at {path.name}.")
        return warehouse.connect(warehouse.read_path(path), read_only=True)
    return engine.duckdb_over_parquet(Path(args.parquet))


def cmd_run(args) -> int:
    if not args.json:
        print("Only --json output is available: add --json.", file=sys.stderr)
        return 2
    if bool(args.names) == args.all:
        print("Name the queries to run, or give --all.", file=sys.stderr)
        return 2
    unknown = [n for n in args.names if n not in REGISTRY]
    if unknown:
        print(f"No page query is called {unknown[0]}; 'python -m queries list' lists them.", file=sys.stderr)
        return 2
    try:
        con = _connect(args)
        try:
            viewer = runner.viewer_for(con, args.viewer)
            results = runner.run_all(con, args.names or None, viewer, args.as_of)
            name = engine.engine_name(con)
        finally:
            con.close()
    except (runner.RunError, engine.EngineError, queries.Forbidden, warehouse.WarehouseError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except duckdb.Error as exc:
        print(f"DuckDB could not run the queries ({type(exc).__name__}).", file=sys.stderr)
        return 1
    finally:
        engine.stop_spark()
    out = {"engine": name, "results": {q: runner.rows(frame) for q, frame in results.items()}}
    json.dump(out, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m queries", description="The page queries.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="each query's name and audience").set_defaults(func=cmd_list)
    run = sub.add_parser("run", help="run page queries as a viewer sees them, on DuckDB or Spark")
    run.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    source = run.add_mutually_exclusive_group(required=True)
    source.add_argument("--db", help="a warehouse file (DuckDB)")
    source.add_argument("--parquet", help="a Parquet export (python -m etl export)")
    run.add_argument("--as-of", type=_day, help="the date (default: today, or the latest record's date)")
    run.add_argument("--as", dest="viewer", metavar="EMAIL", help="the viewer (default: L&D, the whole company)")
    run.add_argument("--all", action="store_true", help="every query the viewer may run")
    run.add_argument("--json", action="store_true", help="print the results as JSON")
    run.add_argument("names", nargs="*", metavar="NAME", help="page queries (python -m queries list)")
    run.set_defaults(func=cmd_run)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
