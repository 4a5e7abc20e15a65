"""Command line: ``python -m planner --db PATH --as-of DATE --budget AMOUNT [--scope UNIT]``.

Writes the training plan as CSV to stdout, one row per assignment (an LMS
bulk-assignment upload: employee_id, email, full_name, team, course_id, title,
provider, skill, hours, cost, currency, paid_with, reason), and one line about the
plan to stderr. Exit status: 0 with a plan (possibly empty), 2 when the input is
wrong; then one sentence on stderr says why.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import duckdb

import warehouse
from planner.plan import DEFAULT_HOURS_PER_MONTH, PlanError, PlanRequest, make_plan
from planner.solve import DEFAULT_TIME_LIMIT, MAX_BUNDLES


class InputError(Exception):
    """Wrong input; the message is the one sentence the user sees."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one sentence instead of a usage block."""

    def error(self, message: str):
        raise InputError(f"{message[0].upper()}{message[1:]} (see python -m planner --help).")


def _day(text: str) -> date:
    """An ISO date, or an argparse error that names the value."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-06-30") from None


def _amount(text: str) -> float:
    """A finite number (thousands separators allowed), or an argparse error that names the value."""
    try:
        value = float(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount like 25000") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount like 25000")
    return value


def _share(value) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _ids(text: str) -> tuple[str, ...]:
    """A comma-separated list, blanks dropped."""
    return tuple(x.strip() for x in text.split(",") if x.strip())


def parser() -> argparse.ArgumentParser:
    """The command line's options (see the module docstring)."""
    p = _Parser(
        prog="python -m planner",
        description="Plan which training, for whom, closes the most strategic gaps for a budget; "
        "the plan goes to stdout as CSV.",
    )
    p.add_argument("--db", help="warehouse file (default: $UPSKILL_DB or data/warehouse.duckdb)")
    p.add_argument("--as-of", required=True, type=_day, help="the date the gaps are measured on (YYYY-MM-DD)")
    p.add_argument("--budget", required=True, type=_amount, help="budget in the reporting currency")
    p.add_argument("--scope", help="a department or team (default: the whole company)")
    p.add_argument(
        "--hours-per-month",
        type=_amount,
        default=DEFAULT_HOURS_PER_MONTH,
        help=f"learning hours a month per person at most (default {DEFAULT_HOURS_PER_MONTH:g}); "
        "the cap over the window is this times the window's months",
    )
    p.add_argument(
        "--hours-cap",
        type=_amount,
        help="learning hours per person over the whole window (instead of --hours-per-month)",
    )
    p.add_argument("--until", type=_day, help="the planning window's end (default: the nearest goal deadline)")
    p.add_argument("--goals", type=_ids, help="comma-separated goal ids to serve (default: every open goal)")
    p.add_argument("--skills", type=_ids, help="comma-separated required skills to serve (default: all)")
    p.add_argument("--no-requirements", action="store_true", help="serve the goals only, no role requirements")
    p.add_argument("--no-goals", action="store_true", help="serve role requirements only, no goals")
    p.add_argument(
        "--time-limit",
        type=_amount,
        default=DEFAULT_TIME_LIMIT,
        help="seconds the exact solver may take before the fallback (default: no limit in seconds, a limit in "
        "solver nodes, so the plan is the same on any machine; with a limit it may depend on the machine's speed)",
    )
    p.add_argument(
        "--max-bundles",
        type=int,
        default=MAX_BUNDLES,
        help=f"course combinations above which the greedy plan and its proven bound are used (default {MAX_BUNDLES:,})",
    )
    return p


def request_from(args: argparse.Namespace) -> PlanRequest:
    """The planner request the options describe (--no-goals / --no-requirements serve none of them)."""
    if args.time_limit is not None and args.time_limit <= 0:
        raise InputError("The time limit must be more than zero seconds.")
    if args.max_bundles < 1:
        raise InputError("The number of course combinations must be at least 1.")
    goals = () if args.no_goals else args.goals
    skills = () if args.no_requirements else args.skills
    return PlanRequest(
        as_of=args.as_of,
        budget=args.budget,
        unit=None if args.scope in (None, "company") else args.scope,
        goal_ids=goals,
        requirement_skills=skills,
        hours_per_month=args.hours_per_month,
        hours_cap=args.hours_cap,
        window_end=args.until,
        time_limit=args.time_limit,
        max_bundles=args.max_bundles,
    )


def run(argv: list[str] | None = None) -> int:
    """Plan and print; wrong input raises InputError or PlanError for main to report."""
    args = parser().parse_args(argv)
    req = request_from(args)
    path = warehouse.db_path(args.db)
    if not Path(path).exists():
        raise InputError(f"There is no warehouse at {path}; build one with python -m etl.")
    try:
        con = warehouse.connect(warehouse.read_path(path), read_only=True)  # the published snapshot, if any
    except duckdb.Error:
        raise InputError(f"{path} is not a warehouse this product can read.") from None
    try:
        outcome = make_plan(con, req)
    finally:
        con.close()
    from common.csv import csv_bytes  # the same formula neutralisation as the dashboard's downloads

    sys.stdout.buffer.write(csv_bytes(outcome.export()))
    sys.stdout.flush()
    s = outcome.summary
    print(
        f"{s['assignments']:,} assignment(s) for {s['people']:,} people, {s['cost']:,.2f} of "
        f"{s['budget']:,.2f} {outcome.currency}, expected goal progress {s['goal_progress']:,.1f}, "
        f"expected requirement weight {s['requirement_weight']:,.1f}, expected readiness "
        f"{_share(s['readiness_now'])} -> {_share(s['readiness_after'])} "
        f"({_share(s['readiness_if_all_complete'])} if every assignment completed); {outcome.solve['message']}",
        file=sys.stderr,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Exit status 0 with a plan, 2 with one sentence on stderr when the input is wrong (never a traceback)."""
    try:
        return run(argv)
    except (InputError, PlanError, warehouse.WarehouseError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"The warehouse could not answer the planner's questions ({first}).", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
