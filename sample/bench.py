"""What the streamed benchmark writers (``write_provider_csv``, ``write_xapi_jsonl``) share:
the roster and catalog of the company they stand for, and a table of moments in its history.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sample.catalog import build_catalog
from sample.company import build_org
from sample.design import BASE_EMPLOYEES, DEFAULT_TODAY
from sample.helpers import _DAY, _history_start, _secs
from sample.model import Course, Employee

_CHUNK = 20_000


def _bench_world(seed: int, employees: int, channels: tuple[str, ...]) -> tuple[list[Employee], list[Course], list]:
    """The roster and catalog courses that generate(scale=employees / 1500, seed=seed) writes."""
    teams, emps = build_org(seed, employees / BASE_EMPLOYEES, DEFAULT_TODAY)
    courses = [x for x in build_catalog(seed, DEFAULT_TODAY) if x.channel in channels]
    return emps, courses, teams


def _time_table(rng: random.Random, n: int) -> list[int]:
    """n sorted working-hour moments over the history (rows index into it: no per-row date maths)."""
    lo = _secs(_history_start(DEFAULT_TODAY))
    hi = _secs(DEFAULT_TODAY - timedelta(days=1))
    out = []
    for _ in range(n):
        day = lo + rng.randrange((hi - lo) // _DAY) * _DAY
        out.append(day + rng.randrange(7 * 3600, 19 * 3600))
    out.sort()
    return out
