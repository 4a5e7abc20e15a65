"""``python -m benchmarks [--quick] [--only etl|pages|metrics|concurrent|planner] [--scale 1M]``: measure and print.

Prints one table per section and merges the same figures into benchmarks/results.json.
The organisation (generated exports and warehouses) is kept in benchmarks/out/ and
reused by later runs with the same size and seed.
"""

from __future__ import annotations

import argparse
import sys
import time

from benchmarks import common
from benchmarks.common import human, log, parse_count, table

SECTIONS = ("etl", "pages", "metrics", "concurrent", "planner", "browser")
#: The organisation's size when --scale is not given: 1M learning records.
DEFAULT_COMPLETIONS = 1_000_000


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    p.add_argument(
        "--quick",
        action="store_true",
        help="a small organisation and few runs: checks that everything works, figures are not comparable",
    )
    p.add_argument("--only", choices=SECTIONS, action="append", help="run only this section (repeatable)")
    p.add_argument(
        "--scale",
        type=parse_count,
        default=None,
        help="learning records in the organisation for pages/metrics/concurrent (default 1M; e.g. 10M)",
    )
    p.add_argument("--employees", type=parse_count, default=None, help="people in the organisation (default 50k)")
    p.add_argument(
        "--etl-rows", type=parse_count, default=None, help="rows of each file the etl section loads (default 1M)"
    )
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--repeats", type=int, default=None, help="runs per etl file (default 3)")
    p.add_argument("--sessions", type=int, default=None, help="concurrent sessions (default 50)")
    p.add_argument(
        "--servers",
        default="1,2",
        help="server processes behind the balancer for the concurrent section, one phase each (default 1,2)",
    )
    p.add_argument("--think", default="2-5", help="seconds between a session's actions, drawn uniformly (default 2-5)")
    p.add_argument("--ramp", type=float, default=5.0, help="seconds over which the sessions arrive (default 5)")
    p.add_argument(
        "--load-rows", type=parse_count, default=None, help="rows of each file loaded during the concurrent section"
    )
    p.add_argument("--rebuild", action="store_true", help="build the organisation warehouse again even when cached")
    return p


def _defaults(args) -> dict:
    quick = args.quick
    return {
        "employees": args.employees or (3_000 if quick else 50_000),
        "completions": args.scale or (100_000 if quick else DEFAULT_COMPLETIONS),
        "etl_rows": args.etl_rows or (100_000 if quick else 1_000_000),
        "repeats": args.repeats or (1 if quick else 3),
        "cold": 2 if quick else 5,
        "warm": 5 if quick else 20,
        "metric_repeats": 2 if quick else 5,
        "sessions": args.sessions or (6 if quick else 50),
        "load_rows": args.load_rows or (10_000 if quick else 100_000),
        "changes": 2 if quick else 3,
        "badge_files": 20 if quick else 200,
        "org_badge_files": 100 if quick else 1000,
    }


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    cfg = _defaults(args)
    chosen = args.only or list(SECTIONS)
    started = time.perf_counter()
    measured: dict = {}
    org_db = None
    org_info: dict = {}
    if {"pages", "metrics", "concurrent", "planner", "browser"} & set(chosen):
        from benchmarks import org

        org_db, org_info = org.org_warehouse(
            cfg["employees"], cfg["completions"], args.seed, rebuild=args.rebuild, badge_files=cfg["org_badge_files"]
        )

    def keep(name: str, figures: dict) -> None:
        """Each section is written to results.json as soon as it is measured. Quick runs and organisations
        of another size than the default are kept apart ("pages_quick", "pages_10M"), so they never
        replace the default figures."""
        measured[name] = figures
        key = name
        if args.quick:
            key = f"{name}_quick"
        elif name != "etl" and cfg["completions"] != DEFAULT_COMPLETIONS:
            key = f"{name}_{human(cfg['completions'])}"
        common.save_results({key: figures})

    if "etl" in chosen:
        from benchmarks import etl_bench

        keep("etl", etl_bench.run(cfg["etl_rows"], cfg["employees"], args.seed, cfg["repeats"], cfg["badge_files"]))
    if "metrics" in chosen:
        from benchmarks import metrics_bench

        keep("metrics", metrics_bench.run(org_db, cfg["metric_repeats"]) | {"organisation": org_info})
    if "pages" in chosen:
        from benchmarks import pages_bench

        keep("pages", pages_bench.run(org_db, cfg["cold"], cfg["warm"]) | {"organisation": org_info})
    if "concurrent" in chosen:
        from benchmarks import concurrent_bench

        lo, _, hi = args.think.partition("-")
        keep(
            "concurrent",
            concurrent_bench.run(
                org_db,
                cfg["employees"],
                args.seed,
                sessions=cfg["sessions"],
                changes=cfg["changes"],
                servers=tuple(int(n) for n in args.servers.split(",")),
                load_rows=cfg["load_rows"],
                think=(float(lo), float(hi or lo)),
                ramp=args.ramp,
            ),
        )

    if "planner" in chosen:
        from benchmarks import planner_bench

        keep("planner", planner_bench.run(org_db, cfg["cold"]) | {"organisation": org_info})
    if "browser" in chosen:
        from benchmarks import browser_bench

        keep("browser", browser_bench.run(org_db, 2 if args.quick else 5) | {"organisation": org_info})

    results = common.save_results({})
    print(
        f"Benchmarks ({'quick' if args.quick else 'full'}): {cfg['employees']:,} employees, "
        f"{human(cfg['completions'])} learning records, seed {args.seed}; "
        f"machine: {results['machine']['cpus']} CPUs, load average {results['machine']['load_average_at_start']:.1f}"
    )
    if org_info:
        print(
            f"Organisation: {org_info.get('completion_records', 0):,} learning records, "
            f"{org_info.get('evidence_rows', 0):,} evidence rows, built in {org_info.get('build_seconds')} s "
            f"(reused from benchmarks/out/ when present)"
        )
    for name in SECTIONS:
        if name not in measured:
            continue
        module = __import__(
            f"benchmarks.{'concurrent_bench' if name == 'concurrent' else name + '_bench'}", fromlist=["rows_for_table"]
        )
        headers, rows = module.rows_for_table(measured[name])
        print(f"\n{name}")
        print(table(headers, rows))
        for line in getattr(module, "phase_lines", lambda _: [])(measured[name]):
            print(line)
    print(f"\nWritten to benchmarks/results.json ({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    log("starting")
    sys.exit(main())
