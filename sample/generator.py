"""A seeded generator of a fictional company's learning data, written as the real exports.

The company ("Alderbrook Analytics", people and e-mails under ``example.com``) has
HR, catalog, goal and money files in ``company/`` and its learning history in the
shapes that LMSs and providers really export (Moodle CSVs, an LRS dump, Open Badges,
a SCORM Cloud export, LinkedIn Learning / Udemy Business / Cornerstone CSVs), with a
few planted imperfections.  It exists so that demos, tests and benchmarks run on
data that looks like a customer's without being one.

Everything is derived from ``random.Random`` streams seeded with ``"<seed>:<part>"``
and from a fixed ``today``: the same arguments give byte-identical files.  No wall
clock, no set iteration, no ``uuid4``.

Usage::

    python -m sample.generator OUT_DIR [--scale N] [--seed S]

Benchmark files (``write_provider_csv``, ``write_xapi_jsonl``) stream millions of
rows whose learners and courses exist in the roster and catalog that
``generate(out, scale=employees / 1500, seed=seed)`` writes.

This module is the entry point (``generate``, ``main``) and the package's public face: the
names callers use (``build_company``, the benchmark writers, the planted ``UNKNOWN_*`` ids)
are importable from here.  The work is done in the modules listed in ``sample/__init__.py``.
"""

from __future__ import annotations

import argparse
import shutil
from datetime import date
from pathlib import Path

from sample.catalog import build_catalog
from sample.company import build_company, build_org
from sample.design import (
    BASE_EMPLOYEES,
    COMPANY,
    DEFAULT_TODAY,
    DOMAIN,
    UNKNOWN_EMAILS,
    UNKNOWN_EXTERNAL_ID,
    UNKNOWN_SCORM_COURSE,
    UNKNOWN_XAPI_COURSE,
)

# The time-zone rules, re-exported for the tests that check them against the system's zoneinfo.
from sample.helpers import _dublin as _dublin
from sample.helpers import _eu_dst as _eu_dst
from sample.helpers import _pacific as _pacific
from sample.helpers import _us_dst as _us_dst
from sample.model import Company, Course, Employee, Team
from sample.write_badges import _write_badges
from sample.write_company import _write_company
from sample.write_moodle import _write_moodle
from sample.write_providers import _write_providers, write_provider_csv
from sample.write_readme import _readme
from sample.write_scorm import _write_scorm
from sample.write_xapi import _write_lrs, write_xapi_jsonl

__all__ = [
    "BASE_EMPLOYEES",
    "COMPANY",
    "DEFAULT_TODAY",
    "DOMAIN",
    "UNKNOWN_EMAILS",
    "UNKNOWN_EXTERNAL_ID",
    "UNKNOWN_SCORM_COURSE",
    "UNKNOWN_XAPI_COURSE",
    "Company",
    "Course",
    "Employee",
    "Team",
    "build_catalog",
    "build_company",
    "build_org",
    "generate",
    "main",
    "write_provider_csv",
    "write_xapi_jsonl",
]


def generate(out_dir: Path, scale: float = 1.0, seed: int = 7, today: date = DEFAULT_TODAY) -> dict:
    """Write the whole sample folder under out_dir (replacing the generated sub-folders) and
    return counts per file (data rows, statements, registrations; badge files as one entry)."""
    out = Path(out_dir)
    c = build_company(scale, seed, today)
    out.mkdir(parents=True, exist_ok=True)
    for sub in ("company", "moodle", "lrs", "badges", "scorm", "providers"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
    counts: dict[str, int] = {}
    _write_company(c, out, counts)
    _write_moodle(c, out, counts)
    _write_lrs(c, out, counts)
    _write_badges(c, out, counts)
    _write_scorm(c, out, counts)
    _write_providers(c, out, counts)
    (out / "README.md").write_text(_readme(c, counts), encoding="utf-8")
    counts["learning_records"] = sum(v for k, v in counts.items() if not k.startswith("company/"))
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sample.generator", description=f"Write the {COMPANY} sample exports into OUT_DIR."
    )
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--scale", type=float, default=1.0, help="company size relative to ~1,500 people")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--today", type=date.fromisoformat, default=DEFAULT_TODAY, help="the fixed 'today' of the history (YYYY-MM-DD)"
    )
    args = parser.parse_args(argv)
    counts = generate(args.out_dir, scale=args.scale, seed=args.seed, today=args.today)
    width = max(len(k) for k in counts)
    for k, v in counts.items():
        print(f"{k:<{width}}  {v:>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
